// COPY, MOVE and OBJECT (Redis db.c, object.c). There is one database, 0:
// consensus replicates one keyspace, so MOVE and COPY ... DB n>0 refuse.
import { NIL, ZERO, ONE, int, bulk, array, error, status, type Reply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import { ERR_SYNTAX, lower } from './args.js';
import { copyValue } from './keyspace.js';
import type { Value } from './value.js';
import { parseInt64 } from './numbers.js';
import { Notify, notify } from './notify.js';

const ERR_SAME = error('ERR source and destination objects are the same');
const ERR_ONE_DB = 'ERR redisraft-wasm keeps a single database (0): the Raft log replicates one keyspace';

function dbArg(b: Buffer): number | null {
  const v = parseInt64(b);
  return v === null || v < -2147483648n || v > 2147483647n ? null : Number(v);
}

function copy(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = lower(argv[j]!);
    if (opt === 'replace') replace = true;
    else if (opt === 'db' && argv.length - j - 1 >= 1) {
      const db = dbArg(argv[++j]!);
      if (db === null) return error('ERR value is not an integer or out of range');
      if (db !== 0) return error(db < 0 ? 'ERR DB index is out of range' : `${ERR_ONE_DB}; COPY ... DB ${db} is not supported`);
    } else return ERR_SYNTAX;
  }
  if (argv[1]!.equals(argv[2]!)) return ERR_SAME;
  const src = ctx.db.get(argv[1]!, ctx.nowMs);
  if (!src) return ZERO;
  if (ctx.db.getForWrite(argv[2]!, ctx.nowMs)) {
    if (!replace) return ZERO;
    ctx.db.delete(argv[2]!);
  }
  ctx.db.set(argv[2]!, copyValue(src.value), src.expireAt);
  notify(ctx, Notify.generic, 'copy_to', argv[2]!);
  return ONE;
}

function move(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const db = dbArg(argv[2]!);
  if (db === null || db < 0) return error(db === null ? 'ERR value is not an integer or out of range' : 'ERR DB index is out of range');
  if (db === 0) return ERR_SAME;
  void ctx;
  return error(`${ERR_ONE_DB}; MOVE is not supported`);
}

/** Redis 7.0's encoding names, from the value's size and contents (object.c strEncoding and the type conversion rules). */
export function encodingOf(v: Value): string {
  switch (v.type) {
    case 'string': {
      const s = v.data;
      if (s.length <= 20 && /^-?[1-9]\d*$|^0$/.test(s.toString('latin1'))) {
        const n = parseInt64(s);
        if (n !== null) return 'int';
      }
      return s.length <= 44 ? 'embstr' : 'raw';
    }
    case 'list': return 'quicklist';
    case 'hash': {
      if (v.fields.size > 128) return 'hashtable';
      for (const [f, val] of v.fields) if (f.length > 64 || val.length > 64) return 'hashtable';
      return 'listpack';
    }
    case 'set': {
      if (v.members.size > 512) return 'hashtable';
      for (const m of v.members) {
        const n = parseInt64(Buffer.from(m, 'latin1'));
        if (n === null || String(n) !== m) return 'hashtable';
      }
      return 'intset';
    }
    case 'zset': return v.zset.listpack ? 'listpack' : 'skiplist';
    default: return String((v as Value).type);
  }
}

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

function object(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const sub = lower(argv[1]!);
  if (sub === 'help' && argv.length === 2) return array(OBJECT_HELP.map((l) => status(l)));
  if (argv.length !== 3 || !['encoding', 'refcount', 'idletime', 'freq'].includes(sub)) {
    return error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]!.toString('latin1')}'. Try OBJECT HELP.`);
  }
  const e = ctx.db.get(argv[2]!, ctx.nowMs);
  if (!e) return NIL;
  switch (sub) {
    case 'encoding': return bulk(Buffer.from(encodingOf(e.value)));
    case 'refcount': {
      // Redis shares the integers 0..9999 (refcount INT_MAX); every other value has one reference.
      if (e.value.type === 'string' && encodingOf(e.value) === 'int') {
        const n = Number(e.value.data.toString('latin1'));
        if (n >= 0 && n < 10000) return int(2147483647);
      }
      return ONE;
    }
    // Access times are not replicated state (reads do not go through the log): every key reads as just used.
    case 'idletime': return ZERO;
    default:
      return error('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
  }
}

const key2 = { firstKey: 1, lastKey: 2, keyStep: 1, group: 'generic' } as const;

export const objectCommands: readonly StoreCommand[] = [
  { ...key2, name: 'copy', arity: -3, flags: ['write', 'denyoom'], summary: 'Copies the value of a key to a new key.', since: '6.2.0', handler: copy },
  { ...key2, lastKey: 1, name: 'move', arity: 3, flags: ['write', 'fast'], summary: 'Moves a key to another database.', since: '1.0.0', handler: move },
  { ...key2, firstKey: 2, lastKey: 2, name: 'object', arity: -2, flags: ['readonly'], summary: 'A container for object introspection commands.', since: '2.2.3', handler: object },
];
