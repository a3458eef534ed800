// Scripting as the store sees it: two Lua states (EVAL's and FUNCTION's, as
// Redis keeps them apart), the replicated script cache and function
// libraries, and the host that runs a script's commands through the store's
// own command table with the clock and seed of the entry being applied.
import { PONG, array, bulk, error, int, type Reply } from '@redisraft-wasm/resp';
import { arityOk, type CommandContext, type Store } from '@redisraft-wasm/store';
import { LuaRuntime, type RunOptions, type RunResult, type ScriptHost } from './lua-runtime.js';
import { ScriptCache } from './script-cache.js';
import { FunctionLibraries } from './function-libraries.js';

export interface ScriptingOptions {
  /** VM instructions a script may run (lua-instruction-limit); 0 = unlimited. Must be equal on every node. */
  readonly instructionLimit: () => number;
  readonly log: (level: number, message: string) => void;
  /** Commands outside the store (MULTI, SUBSCRIBE, CLIENT, ...): a script may not run them; this tells their flags. */
  readonly serverCommand?: (name: string) => { readonly flags: readonly string[] } | undefined;
}

/** How a run may use the keyspace. */
export interface RunMode {
  /** No write may be called (EVAL_RO, FCALL_RO, no-writes, a read served outside the log). */
  readonly readOnly: boolean;
}

const ERR_UNKNOWN = error('ERR Unknown Redis command called from script');
const ERR_ARITY = error('ERR Wrong number of args calling Redis command from script');
const ERR_NOSCRIPT = error('ERR This Redis command is not allowed from script');
const ERR_RO_WRITE = error('ERR Write commands are not allowed from read-only scripts.');

/** Server commands a script may call; they answer from the entry, so every node answers alike. */
type ScriptServerCommand = { readonly arity: number; readonly run: (argv: readonly Buffer[], ctx: CommandContext) => Reply };
const SERVER_COMMANDS: ReadonlyMap<string, ScriptServerCommand> = new Map([
  ['time', { arity: 1, run: (_a, ctx) => array([bulk(String(Math.floor(ctx.nowMs / 1000))), bulk(String((ctx.nowMs % 1000) * 1000))]) }],
  ['ping', { arity: -1, run: (a) => (a.length > 2 ? ERR_ARITY : a.length === 2 ? bulk(a[1]!) : PONG) }],
  ['echo', { arity: 2, run: (a) => bulk(a[1]!) }],
  // A script's writes are not replicated until its entry is, so no replica has them yet (Redis answers 0 too).
  ['wait', { arity: 3, run: () => int(0) }],
]);

export class ScriptingEngine {
  readonly scripts: ScriptCache;
  readonly functions: FunctionLibraries;

  private constructor(
    private readonly evalRuntime: LuaRuntime,
    private readonly functionRuntime: LuaRuntime,
    private readonly opts: ScriptingOptions,
  ) {
    this.scripts = new ScriptCache(evalRuntime);
    // While a library loads, its code may register functions and log, but not touch data.
    const loadHost: ScriptHost = { call: () => ERR_LOADING_CALL, log: opts.log };
    this.functions = new FunctionLibraries(functionRuntime, () => ({
      host: loadHost, seed: 0, instructionLimit: opts.instructionLimit(), name: 'FUNCTION LOAD',
    }));
  }

  static async create(opts: ScriptingOptions): Promise<ScriptingEngine> {
    const [e, f] = await Promise.all([LuaRuntime.create(), LuaRuntime.create()]);
    return new ScriptingEngine(e, f, opts);
  }

  /** Makes the cache and libraries part of the store's replicated state (snapshots). */
  attach(store: Store): void {
    store.addExtension('scripts', this.scripts);
    store.addExtension('functions', this.functions);
  }

  /** Runs a cached EVAL script. */
  runScript(ref: string, sha: string, keys: readonly Buffer[], args: readonly Buffer[], ctx: CommandContext, mode: RunMode): Reply {
    return this.guarded(ctx, mode, (o) => this.evalRuntime.runRef(ref, keys, args, o, false), sha);
  }

  /** Runs a library function (FCALL). */
  runFunction(ref: string, name: string, keys: readonly Buffer[], args: readonly Buffer[], ctx: CommandContext, mode: RunMode): Reply {
    return this.guarded(ctx, mode, (o) => this.functionRuntime.runRef(ref, keys, args, o, true), name);
  }

  /**
   * A run with its budget; a write run is journaled so that one stopped by
   * the budget leaves no write behind (the same on every node: the budget
   * is counted in VM instructions, not time).
   */
  private guarded(ctx: CommandContext, mode: RunMode, run: (o: RunOptions) => RunResult, name: string): Reply {
    const readOnly = mode.readOnly || ctx.readOnly;
    const instructionLimit = this.opts.instructionLimit();
    // Without a budget a run is never stopped midway, so nothing needs recording for undo (journaling copies
    // each changed value once: the price of atomic stops on large collections).
    const journal = readOnly || instructionLimit === 0 ? null : ctx.db.beginJournal();
    let result: RunResult;
    try {
      result = run({ host: this.host(ctx, readOnly), seed: ctx.seed, instructionLimit, name });
    } catch (e) {
      // A fault of ours (never the script's) must not stop the node applying the log: undo and answer it.
      journal?.rollback();
      return error(`ERR the script could not be run: ${(e as Error).message ?? String(e)}`);
    }
    if (result.overBudget) journal?.rollback();
    else journal?.commit();
    return result.reply;
  }

  private host(ctx: CommandContext, readOnly: boolean): ScriptHost {
    const store = ctx.store;
    return {
      log: this.opts.log,
      call: (argv, resp) => {
        const name = argv[0]!.toString('latin1').toLowerCase();
        const server = SERVER_COMMANDS.get(name);
        if (server) return server.arity >= 0 ? (argv.length === server.arity ? server.run(argv, ctx) : ERR_ARITY) : server.run(argv, ctx);
        const spec = store.spec(name);
        if (!spec) {
          const other = this.opts.serverCommand?.(name);
          if (!other) return ERR_UNKNOWN;
          // Server commands describe or steer one node, not the replicated keyspace: none may run in a script here.
          return ERR_NOSCRIPT;
        }
        if (!arityOk(spec, argv.length)) return ERR_ARITY;
        if (spec.flags.includes('noscript')) return ERR_NOSCRIPT;
        if (readOnly && (spec.flags.includes('write') || spec.flags.includes('may_replicate'))) return ERR_RO_WRITE;
        if ((name === 'xread' || name === 'xreadgroup') && argv.some((a) => a.length === 5 && a.toString('latin1').toLowerCase() === 'block')) {
          return error(`ERR ${name} command is not allowed with BLOCK option from scripts`);
        }
        // Each call draws its own seed from the entry's: SPOP and friends differ between calls, never between nodes.
        return store.execute(argv, { nowMs: ctx.nowMs, seed: Math.floor(ctx.random() * 2 ** 32), resp, readOnly, fromScript: true });
      },
    };
  }

  memoryBytes(): { eval: number; functions: number } {
    return { eval: this.evalRuntime.memoryBytes(), functions: this.functionRuntime.memoryBytes() };
  }
}

const ERR_LOADING_CALL = error('ERR redis.call and redis.pcall cannot be used while a library is loading (FUNCTION LOAD)');
