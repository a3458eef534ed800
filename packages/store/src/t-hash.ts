// Hash commands (Redis t_hash.c). Fields in a Map keyed by latin1 strings
// (binary-safe), which keeps insertion order as Redis's small hashes do.
import { OK, NIL, ZERO, ONE, int, bulk, array, map, error, Errors, type Reply, type ErrorReply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import type { KeyEntry } from './keyspace.js';
import { valueBytes } from './keyspace.js';
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_WRONGTYPE, isErr } from './args.js';
import { inInt64, parseInt64 } from './numbers.js';
import { distinctPositions, itemsAt, positionsWithRepeats } from './random-pick.js';
import { addLongDouble, formatLongDouble17, parseLongDouble } from './long-double.js';
import { Notify, notify } from './notify.js';

type Fields = Map<string, Buffer>;
type HashEntry = KeyEntry & { value: { type: 'hash'; fields: Fields } };
const f = (b: Buffer) => b.toString('latin1');

function hashFor(ctx: CommandContext, key: Buffer, write: boolean): HashEntry | undefined | ErrorReply {
  const e = write ? ctx.db.getForWrite(key, ctx.nowMs) : ctx.db.get(key, ctx.nowMs);
  if (!e) return undefined;
  return e.value.type === 'hash' ? (e as HashEntry) : ERR_WRONGTYPE;
}

function orCreate(ctx: CommandContext, key: Buffer): HashEntry | ErrorReply {
  const e = hashFor(ctx, key, true);
  if (isErr(e)) return e;
  return e ?? (ctx.db.set(key, { type: 'hash', fields: new Map() }) as HashEntry);
}

/** Runs a change on a hash, announces `event` when given (then `del` if the hash emptied) and deletes the key once empty. */
function change<T>(ctx: CommandContext, key: Buffer, e: HashEntry, event: string | null, fn: (m: Fields) => T): T {
  const before = valueBytes(e.value);
  const out = fn(e.value.fields);
  if (event !== null) notify(ctx, Notify.hash, event, key);
  if (e.value.fields.size === 0) {
    ctx.db.delete(key);
    if (event !== null) notify(ctx, Notify.generic, 'del', key);
  } else ctx.db.touched(e, before);
  return out;
}

function hset(name: string, reply: 'count' | 'ok') {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    if (argv.length % 2 !== 0) return error(Errors.wrongArity(name));
    const e = orCreate(ctx, argv[1]!);
    if (isErr(e)) return e;
    const added = change(ctx, argv[1]!, e, 'hset', (m) => {
      let n = 0;
      for (let i = 2; i < argv.length; i += 2) {
        if (!m.has(f(argv[i]!))) n++;
        m.set(f(argv[i]!), argv[i + 1]!);
      }
      return n;
    });
    return reply === 'ok' ? OK : int(added);
  };
}

function read(ctx: CommandContext, argv: readonly Buffer[], fn: (m: Fields) => Reply, missing: Reply): Reply {
  const e = hashFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  return e ? fn(e.value.fields) : missing;
}

function hdel(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const e = hashFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  if (!e) return ZERO;
  // Nothing deleted: no change and no event, as in Redis.
  const gone = argv.slice(2).some((x) => e.value.fields.has(f(x)));
  return int(change(ctx, argv[1]!, e, gone ? 'hdel' : null, (m) => {
    let n = 0;
    for (let i = 2; i < argv.length; i++) if (m.delete(f(argv[i]!))) n++;
    return n;
  }));
}

function hincrby(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const by = parseInt64(argv[3]!);
  if (by === null) return ERR_NOT_INTEGER;
  const e = orCreate(ctx, argv[1]!);
  if (isErr(e)) return e;
  const cur = e.value.fields.get(f(argv[2]!));
  let v = 0n;
  if (cur) {
    const p = parseInt64(cur);
    if (p === null) return cleanup(ctx, argv[1]!, e, error('ERR hash value is not an integer'));
    v = p;
  }
  const next = v + by;
  if (!inInt64(next)) return cleanup(ctx, argv[1]!, e, error(Errors.overflow));
  change(ctx, argv[1]!, e, 'hincrby', (m) => m.set(f(argv[2]!), Buffer.from(next.toString())));
  return Number.isSafeInteger(Number(next)) ? int(Number(next)) : int(next);
}

function hincrbyfloat(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const by = parseLongDouble(argv[3]!.toString('latin1'));
  if (by === null) return ERR_NOT_FLOAT;
  if (by === 'inf') return error('ERR value is NaN or Infinity');
  const e = orCreate(ctx, argv[1]!);
  if (isErr(e)) return e;
  const raw = e.value.fields.get(f(argv[2]!));
  const cur = raw ? parseLongDouble(raw.toString('latin1')) : parseLongDouble('0');
  if (cur === null) return cleanup(ctx, argv[1]!, e, error('ERR hash value is not a float'));
  if (cur === 'inf') return cleanup(ctx, argv[1]!, e, error('ERR increment would produce NaN or Infinity'));
  const text = Buffer.from(formatLongDouble17(addLongDouble(cur, by)));
  change(ctx, argv[1]!, e, 'hincrbyfloat', (m) => m.set(f(argv[2]!), text));
  return bulk(text);
}

/** An error after the hash was created for the command: drop it again if it is still empty. */
function cleanup(ctx: CommandContext, key: Buffer, e: HashEntry, reply: Reply): Reply {
  if (e.value.fields.size === 0) ctx.db.delete(key);
  return reply;
}

const hash = { firstKey: 1, lastKey: 1, keyStep: 1, group: 'hash' } as const;
const B = (k: string) => Buffer.from(k, 'latin1');
const LONG_MAX = 2n ** 63n - 1n;

function hrandfield(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  if (argv.length === 2) {
    const e = hashFor(ctx, argv[1]!, false);
    if (isErr(e)) return e;
    if (!e) return NIL;
    return bulk(B(itemsAt(e.value.fields.keys(), distinctPositions(e.value.fields.size, 1, ctx.random))[0]!));
  }
  const count = parseInt64(argv[2]!);
  if (count === null) return ERR_NOT_INTEGER;
  if (count < -LONG_MAX) return error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  if (argv.length > 4 || (argv.length === 4 && argv[3]!.toString('latin1').toLowerCase() !== 'withvalues')) return error(Errors.syntax);
  const withValues = argv.length === 4;
  const e = hashFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  if (!e || count === 0n) return array([]);
  const size = e.value.fields.size;
  const n = Number(count < 0n ? (-count > 1_000_000n ? 1_000_000n : -count) : count > BigInt(size) ? BigInt(size) : count);
  const positions = count < 0n ? positionsWithRepeats(size, n, ctx.random) : distinctPositions(size, n, ctx.random);
  const picked = itemsAt(e.value.fields.entries(), positions);
  if (!withValues) return array(picked.map(([k]) => bulk(B(k))));
  if (ctx.resp === 3) return array(picked.map(([k, v]) => array([bulk(B(k)), bulk(v)])));
  return array(picked.flatMap(([k, v]) => [bulk(B(k)), bulk(v)]));
}

export const hashCommands: readonly StoreCommand[] = [
  { ...hash, name: 'hset', arity: -4, flags: ['write', 'denyoom', 'fast'], summary: 'Creates or modifies the value of a field in a hash.', since: '2.0.0', handler: hset('hset', 'count') },
  { ...hash, name: 'hmset', arity: -4, flags: ['write', 'denyoom', 'fast'], summary: 'Sets the values of multiple fields.', since: '2.0.0', handler: hset('hmset', 'ok') },
  { ...hash, name: 'hsetnx', arity: 4, flags: ['write', 'denyoom', 'fast'], summary: 'Sets the value of a field in a hash only when the field doesn\'t exist.', since: '2.0.0',
    handler: (ctx, argv) => { const e = orCreate(ctx, argv[1]!); if (isErr(e)) return e; if (e.value.fields.has(f(argv[2]!))) return ZERO; change(ctx, argv[1]!, e, 'hset', (m) => m.set(f(argv[2]!), argv[3]!)); return ONE; } },
  { ...hash, name: 'hget', arity: 3, flags: ['readonly', 'fast'], summary: 'Returns the value of a field in a hash.', since: '2.0.0',
    handler: (ctx, argv) => read(ctx, argv, (m) => { const v = m.get(f(argv[2]!)); return v ? bulk(v) : NIL; }, NIL) },
  { ...hash, name: 'hmget', arity: -3, flags: ['readonly', 'fast'], summary: 'Returns the values of all fields in a hash.', since: '2.0.0',
    handler: (ctx, argv) => read(ctx, argv, (m) => array(argv.slice(2).map((k) => { const v = m.get(f(k)); return v ? bulk(v) : NIL; })), array(argv.slice(2).map(() => NIL))) },
  { ...hash, name: 'hgetall', arity: 2, flags: ['readonly'], summary: 'Returns all fields and values in a hash.', since: '2.0.0',
    handler: (ctx, argv) => read(ctx, argv, (m) => map([...m].flatMap(([k, v]) => [bulk(B(k)), bulk(v)])), map([])) },
  { ...hash, name: 'hkeys', arity: 2, flags: ['readonly'], summary: 'Returns all fields in a hash.', since: '2.0.0',
    handler: (ctx, argv) => read(ctx, argv, (m) => array([...m.keys()].map((k) => bulk(B(k)))), array([])) },
  { ...hash, name: 'hvals', arity: 2, flags: ['readonly'], summary: 'Returns all values in a hash.', since: '2.0.0',
    handler: (ctx, argv) => read(ctx, argv, (m) => array([...m.values()].map((v) => bulk(v))), array([])) },
  { ...hash, name: 'hlen', arity: 2, flags: ['readonly', 'fast'], summary: 'Returns the number of fields in a hash.', since: '2.0.0',
    handler: (ctx, argv) => read(ctx, argv, (m) => int(m.size), ZERO) },
  { ...hash, name: 'hrandfield', arity: -2, flags: ['readonly', 'random'], summary: 'Returns one or more random fields from a hash.', since: '6.2.0', handler: hrandfield },
  { ...hash, name: 'hexists', arity: 3, flags: ['readonly', 'fast'], summary: 'Determines whether a field exists in a hash.', since: '2.0.0',
    handler: (ctx, argv) => read(ctx, argv, (m) => (m.has(f(argv[2]!)) ? ONE : ZERO), ZERO) },
  { ...hash, name: 'hstrlen', arity: 3, flags: ['readonly', 'fast'], summary: 'Returns the length of the value of a field.', since: '3.2.0',
    handler: (ctx, argv) => read(ctx, argv, (m) => int(m.get(f(argv[2]!))?.length ?? 0), ZERO) },
  { ...hash, name: 'hdel', arity: -3, flags: ['write', 'fast'], summary: 'Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.', since: '2.0.0', handler: hdel },
  { ...hash, name: 'hincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], summary: 'Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn\'t exist.', since: '2.0.0', handler: hincrby },
  { ...hash, name: 'hincrbyfloat', arity: 4, flags: ['write', 'denyoom', 'fast'], summary: 'Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn\'t exist.', since: '2.6.0', handler: hincrbyfloat },
];
