// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT, FCALL, FCALL_RO and FUNCTION as
// rows of the store's command table: they run where any data command runs
// (applied from the log on every node, or as a read through ReadIndex), so a
// script's commands see exactly the state and clock of their entry.
import { NIL, OK, array, bulk, error, int, map, set, status, type Reply } from '@redisraft-wasm/resp';
import { globMatch, parseInt64, type CommandContext, type StoreCommand } from '@redisraft-wasm/store';
import { createHash } from 'node:crypto';
import type { ScriptingEngine } from './engine.js';
import { FunctionLibraries } from './function-libraries.js';
import { NOSCRIPT } from './script-cache.js';
import { SCRIPT_FLAGS, parseShebang, type ScriptFlag } from './shebang.js';

const ERR_NUMKEYS_TOO_MANY = error("ERR Number of keys can't be greater than number of args");
const ERR_NUMKEYS_NEGATIVE = error("ERR Number of keys can't be negative");
const ERR_RO_WITH_WRITE_FLAG = error('ERR Can not execute a script with write flag using *_ro command.');
const ERR_NOTBUSY = error('NOTBUSY No scripts in execution right now.');
const ERR_WRITE_AS_READ = error('ERR this call changes the script state and cannot run as a read');

/** Keys and arguments after `numkeys` (argv[2]); or Redis's error for a bad count. */
function splitKeys(argv: readonly Buffer[], badCount: string): { keys: Buffer[]; args: Buffer[] } | Reply {
  const n = parseInt64(argv[2]!);
  if (n === null) return error(badCount);
  if (n > BigInt(argv.length - 3)) return ERR_NUMKEYS_TOO_MANY;
  if (n < 0n) return ERR_NUMKEYS_NEGATIVE;
  const k = Number(n);
  return { keys: argv.slice(3, 3 + k) as Buffer[], args: argv.slice(3 + k) as Buffer[] };
}

function isReply(x: object): x is Reply {
  return 'kind' in x;
}

/** Key positions of EVAL-shaped commands: numkeys keys after argv[2]. */
function numkeysKeys(argv: readonly Buffer[]): number[] {
  const n = argv.length > 2 ? parseInt64(argv[2]!) : null;
  if (n === null || n < 0n || n > BigInt(argv.length - 3)) return [];
  return Array.from({ length: Number(n) }, (_, i) => 3 + i);
}

function flagList(flags: ReadonlySet<ScriptFlag>): Reply {
  return set(SCRIPT_FLAGS.filter((f) => flags.has(f)).map((f) => status(f)));
}

function subName(argv: readonly Buffer[]): string {
  return argv[1]!.toString('latin1').toLowerCase();
}

export function scriptingCommands(engine: ScriptingEngine): StoreCommand[] {
  const { scripts, functions } = engine;

  /** EVAL / EVAL_RO (ro): compile (and, from the log, cache) the body, then run it. */
  const evalBody = (ro: boolean) => (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const split = splitKeys(argv, 'ERR value is not an integer or out of range');
    if (isReply(split)) return split;
    const s = ctx.readOnly ? scripts.addForRead(argv[1]!) : scripts.add(argv[1]!);
    if ('kind' in s) return s;
    return runCached(ctx, s.ref, s.sha, s.shebang.compat, s.shebang.flags, split, ro);
  };

  const evalSha = (ro: boolean) => (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const split = splitKeys(argv, 'ERR value is not an integer or out of range');
    if (isReply(split)) return split;
    const sha = argv[1]!.toString('latin1');
    // An applied entry only trusts the replicated cache, so every node finds (or misses) the same script.
    const s = ctx.readOnly ? scripts.getForRead(sha) : scripts.get(sha);
    if (!s) return error(NOSCRIPT);
    return runCached(ctx, s.ref, s.sha, s.shebang.compat, s.shebang.flags, split, ro);
  };

  const runCached = (
    ctx: CommandContext, ref: string, sha: string, compat: boolean, flags: ReadonlySet<ScriptFlag>,
    split: { keys: Buffer[]; args: Buffer[] }, ro: boolean,
  ): Reply => {
    // A script declaring flags must declare no-writes to run through a *_RO command (Redis 7).
    if (ro && !compat && !flags.has('no-writes')) return ERR_RO_WITH_WRITE_FLAG;
    const readOnly = ro || (!compat && flags.has('no-writes'));
    return engine.runScript(ref, sha, split.keys, split.args, ctx, { readOnly });
  };

  const fcall = (ro: boolean) => (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const f = functions.getFunction(argv[1]!.toString());
    if (!f) return error('ERR Function not found');
    const split = splitKeys(argv, 'ERR Bad number of keys provided');
    if (isReply(split)) return split;
    if (ro && !f.flags.has('no-writes')) return ERR_RO_WITH_WRITE_FLAG;
    return engine.runFunction(f.ref, f.name, split.keys, split.args, ctx, { readOnly: ro || f.flags.has('no-writes') });
  };

  const scriptCmd = (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const sub = subName(argv);
    const arity = (ok: boolean) => (ok ? null : error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]!.toString('latin1')}'. Try SCRIPT HELP.`));
    switch (sub) {
      case 'load': {
        const bad = arity(argv.length === 3);
        if (bad) return bad;
        const s = ctx.readOnly ? scripts.addForRead(argv[2]!) : scripts.add(argv[2]!);
        return 'kind' in s ? s : bulk(s.sha);
      }
      case 'exists': {
        const bad = arity(argv.length >= 3);
        if (bad) return bad;
        return array(argv.slice(2).map((sha) => int(scripts.has(sha.toString('latin1')) ? 1 : 0)));
      }
      case 'flush': {
        if (argv.length > 3) return arity(false)!;
        if (argv.length === 3 && !['sync', 'async'].includes(argv[2]!.toString('latin1').toLowerCase())) return error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
        if (ctx.readOnly) return ERR_WRITE_AS_READ;
        scripts.flush();
        return OK;
      }
      case 'kill':
        return arity(argv.length === 2) ?? ERR_NOTBUSY;
      case 'debug':
        return arity(argv.length === 3) ?? error('ERR SCRIPT DEBUG is not supported: scripts run on every node of the cluster as log entries are applied');
      case 'help':
        return array([
          'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
          'EXISTS <sha1> [<sha1> ...]', '    Return information about the existence of the scripts in the script cache.',
          'FLUSH [ASYNC|SYNC]', '    Flush the Lua scripts cache.',
          'KILL', '    Kill the currently executing Lua script.',
          'LOAD <script>', '    Load a script into the scripts cache without executing it.',
          'HELP', '    Print this help.',
        ].map((l) => status(l)));
      default:
        return error(`ERR unknown subcommand '${argv[1]!.toString('latin1')}'. Try SCRIPT HELP.`);
    }
  };

  const functionCmd = (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const sub = subName(argv);
    const arity = (ok: boolean) => (ok ? null : error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]!.toString('latin1')}'. Try FUNCTION HELP.`));
    switch (sub) {
      case 'load': {
        const bad = arity(argv.length >= 3);
        if (bad) return bad;
        let replace = false;
        let i = 2;
        for (; i < argv.length - 1; i++) {
          if (argv[i]!.toString('latin1').toLowerCase() === 'replace') replace = true;
          else return error(`ERR Unknown option given: ${argv[i]!.toString('latin1')}`);
        }
        if (i >= argv.length) return error('ERR Function code is missing');
        if (ctx.readOnly) return ERR_WRITE_AS_READ;
        const r = functions.loadLibrary(argv[i]!, replace);
        return typeof r === 'string' ? bulk(r) : r;
      }
      case 'delete': {
        const bad = arity(argv.length === 3);
        if (bad) return bad;
        if (ctx.readOnly) return ERR_WRITE_AS_READ;
        return functions.delete(argv[2]!.toString()) ? OK : error('ERR Library not found');
      }
      case 'flush': {
        if (argv.length > 3) return arity(false)!;
        if (argv.length === 3 && !['sync', 'async'].includes(argv[2]!.toString('latin1').toLowerCase())) return error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
        if (ctx.readOnly) return ERR_WRITE_AS_READ;
        functions.flush();
        return OK;
      }
      case 'list': {
        let withCode = false;
        let pattern: Buffer | null = null;
        for (let i = 2; i < argv.length; i++) {
          const a = argv[i]!.toString('latin1').toLowerCase();
          if (!withCode && a === 'withcode') withCode = true;
          else if (!pattern && a === 'libraryname') {
            if (i >= argv.length - 1) return error('ERR library name argument was not given');
            pattern = argv[++i]!;
          } else return error(`ERR Unknown argument ${argv[i]!.toString('latin1')}`);
        }
        const libs: Reply[] = [];
        for (const lib of functions.list()) {
          if (pattern && !globMatch(pattern, Buffer.from(lib.name), false)) continue;
          const fns = [...lib.functions.values()].map((f) => map([
            bulk('name'), bulk(f.name), bulk('description'), f.description === null ? NIL : bulk(f.description), bulk('flags'), flagList(f.flags),
          ]));
          const entries: Reply[] = [bulk('library_name'), bulk(lib.name), bulk('engine'), bulk('LUA'), bulk('functions'), array(fns)];
          if (withCode) entries.push(bulk('library_code'), bulk(lib.code));
          libs.push(map(entries));
        }
        return array(libs);
      }
      case 'stats':
        return arity(argv.length === 2) ?? map([
          bulk('running_script'), NIL,
          bulk('engines'), map([bulk('LUA'), map([bulk('libraries_count'), int(functions.libraryCount), bulk('functions_count'), int(functions.functionCount)])]),
        ]);
      case 'kill':
        return arity(argv.length === 2) ?? ERR_NOTBUSY;
      case 'dump':
        return arity(argv.length === 2) ?? (functions.save() ? bulk(encodeFunctionDump(functions.save()!)) : NIL);
      case 'restore': {
        const bad = arity(argv.length === 3 || argv.length === 4);
        if (bad) return bad;
        const policy = argv.length === 4 ? argv[3]!.toString('latin1').toLowerCase() : 'append';
        if (!['flush', 'append', 'replace'].includes(policy)) return error('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
        const codes = decodeFunctionDump(argv[2]!);
        if (!codes) return error('ERR DUMP payload version or checksum are wrong');
        if (ctx.readOnly) return ERR_WRITE_AS_READ;
        return restoreLibraries(engine, codes, policy as 'flush' | 'append' | 'replace');
      }
      case 'help':
        return array([
          'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
          'LOAD [REPLACE] <FUNCTION CODE>', 'DELETE <LIBRARY NAME>', 'LIST [LIBRARYNAME PATTERN] [WITHCODE]', 'FLUSH [ASYNC|SYNC]',
          'DUMP', 'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]', 'STATS', 'KILL', 'HELP',
        ].map((l) => status(l)));
      default:
        return error(`ERR unknown subcommand '${argv[1]!.toString('latin1')}'. Try FUNCTION HELP.`);
    }
  };

  const noKeys = { firstKey: 0, lastKey: 0, keyStep: 0 } as const;
  const evalShape = { firstKey: 0, lastKey: 0, keyStep: 0, getKeys: numkeysKeys, group: 'scripting' } as const;
  const writesScript = (argv: readonly Buffer[]) => {
    const sub = argv.length > 1 ? subName(argv) : '';
    return sub === 'load' || sub === 'flush';
  };
  const writesFunctions = (argv: readonly Buffer[]) => {
    const sub = argv.length > 1 ? subName(argv) : '';
    return sub === 'load' || sub === 'delete' || sub === 'flush' || sub === 'restore';
  };
  const noWrites = (compat: boolean, flags: ReadonlySet<ScriptFlag>) => !compat && flags.has('no-writes');
  return [
    {
      ...evalShape, name: 'eval', arity: -3, flags: ['noscript', 'stale', 'skip_monitor', 'may_replicate', 'no_mandatory_keys', 'movablekeys'],
      summary: 'Executes a server-side Lua script.', since: '2.6.0', handler: evalBody(false),
      // The body carries its own flags: no hashing or cache lookup needed to route it.
      readOnlyCall: (argv) => {
        const sb = parseShebang(argv[1]!);
        return sb.ok && noWrites(sb.shebang.compat, sb.shebang.flags);
      },
    },
    {
      ...evalShape, name: 'evalsha', arity: -3, flags: ['noscript', 'stale', 'skip_monitor', 'may_replicate', 'no_mandatory_keys', 'movablekeys'],
      summary: 'Executes a server-side Lua script by SHA1 digest.', since: '2.6.0', handler: evalSha(false),
      readOnlyCall: (argv) => {
        const s = scripts.getForRead(argv[1]!.toString('latin1'));
        return s ? noWrites(s.shebang.compat, s.shebang.flags) : false;
      },
    },
    { ...evalShape, name: 'eval_ro', arity: -3, flags: ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys', 'readonly'], summary: 'Executes a read-only server-side Lua script.', since: '7.0.0', handler: evalBody(true) },
    { ...evalShape, name: 'evalsha_ro', arity: -3, flags: ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys', 'readonly'], summary: 'Executes a read-only server-side Lua script by SHA1 digest.', since: '7.0.0', handler: evalSha(true) },
    {
      ...evalShape, name: 'fcall', arity: -3, flags: ['noscript', 'stale', 'skip_monitor', 'may_replicate', 'no_mandatory_keys', 'movablekeys'],
      summary: 'Invokes a function.', since: '7.0.0', handler: fcall(false),
      readOnlyCall: (argv) => functions.getFunction(argv[1]!.toString())?.flags.has('no-writes') === true,
    },
    { ...evalShape, name: 'fcall_ro', arity: -3, flags: ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys', 'readonly'], summary: 'Invokes a read-only function.', since: '7.0.0', handler: fcall(true) },
    {
      ...noKeys, name: 'script', arity: -2, flags: ['noscript', 'may_replicate'], group: 'scripting', summary: 'A container for Lua scripts management commands.', since: '2.6.0',
      handler: scriptCmd, readOnlyCall: (argv) => !writesScript(argv),
    },
    {
      ...noKeys, name: 'function', arity: -2, flags: ['noscript', 'may_replicate'], group: 'scripting', summary: 'A container for function commands.', since: '7.0.0',
      handler: functionCmd, readOnlyCall: (argv) => !writesFunctions(argv),
    },
  ];
}

/** FUNCTION DUMP's payload: our saved form behind a tag and a SHA1, so RESTORE refuses damage. */
const DUMP_TAG = Buffer.from('RRWFN1');

function encodeFunctionDump(saved: Buffer): Buffer {
  const digest = createHash('sha1').update(saved).digest();
  return Buffer.concat([DUMP_TAG, saved, digest]);
}

function decodeFunctionDump(payload: Buffer): Buffer[] | null {
  if (payload.length < DUMP_TAG.length + 20 || !payload.subarray(0, DUMP_TAG.length).equals(DUMP_TAG)) return null;
  const saved = payload.subarray(DUMP_TAG.length, payload.length - 20);
  if (!createHash('sha1').update(saved).digest().equals(payload.subarray(payload.length - 20))) return null;
  return FunctionLibraries.split(saved);
}

/** FUNCTION RESTORE: all libraries or none. */
function restoreLibraries(engine: ScriptingEngine, codes: Buffer[], policy: 'flush' | 'append' | 'replace'): Reply {
  const fns = engine.functions;
  const before = fns.save();
  if (policy === 'append') {
    for (const code of codes) {
      const name = FunctionLibraries.nameOf(code);
      if (name !== null && fns.hasLibrary(name)) return error(`ERR Library ${name} already exists`);
    }
  }
  if (policy === 'flush') fns.flush();
  for (const code of codes) {
    const r = fns.loadLibrary(code, policy === 'replace');
    if (typeof r !== 'string') {
      fns.load(before);
      return r;
    }
  }
  return OK;
}
