// Set commands (Redis t_set.c). Members in a Set of latin1 strings (binary-safe).
import { NIL, ZERO, ONE, int, bulk, array, set as setReply, error, type Reply, type ErrorReply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import type { KeyEntry } from './keyspace.js';
import { valueBytes } from './keyspace.js';
import { ERR_SYNTAX, ERR_WRONGTYPE, isErr } from './args.js';
import { parseInt64, parseSafeInt } from './numbers.js';
import { distinctPositions, itemsAt, positionsWithRepeats } from './random-pick.js';
import { Notify, notify } from './notify.js';

type Members = Set<string>;
type SetEntry = KeyEntry & { value: { type: 'set'; members: Members } };
const s = (b: Buffer) => b.toString('latin1');
const B = (k: string) => Buffer.from(k, 'latin1');

function setFor(ctx: CommandContext, key: Buffer, write: boolean): SetEntry | undefined | ErrorReply {
  const e = write ? ctx.db.getForWrite(key, ctx.nowMs) : ctx.db.get(key, ctx.nowMs);
  if (!e) return undefined;
  return e.value.type === 'set' ? (e as SetEntry) : ERR_WRONGTYPE;
}

/** Runs a change on a set, announces `event` when given (then `del` if the set emptied) and deletes the key once empty. */
function change<T>(ctx: CommandContext, key: Buffer, e: SetEntry, event: string | null, fn: (m: Members) => T): T {
  const before = valueBytes(e.value);
  const out = fn(e.value.members);
  if (event !== null) notify(ctx, Notify.set, event, key);
  if (e.value.members.size === 0) {
    ctx.db.delete(key);
    if (event !== null) notify(ctx, Notify.generic, 'del', key);
  } else ctx.db.touched(e, before);
  return out;
}

function sadd(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  let e = setFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  e ??= ctx.db.set(argv[1]!, { type: 'set', members: new Set() }) as SetEntry;
  const members = e.value.members;
  const adds = argv.slice(2).some((x) => !members.has(s(x)));
  return int(change(ctx, argv[1]!, e, adds ? 'sadd' : null, (m) => {
    let n = 0;
    for (let i = 2; i < argv.length; i++) if (!m.has(s(argv[i]!))) { m.add(s(argv[i]!)); n++; }
    return n;
  }));
}

function srem(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const e = setFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  if (!e) return ZERO;
  const members = e.value.members;
  const removes = argv.slice(2).some((x) => members.has(s(x)));
  return int(change(ctx, argv[1]!, e, removes ? 'srem' : null, (m) => {
    let n = 0;
    for (let i = 2; i < argv.length; i++) if (m.delete(s(argv[i]!))) n++;
    return n;
  }));
}

/** The sets named by keys (missing = empty), or WRONGTYPE. */
function operands(ctx: CommandContext, keys: readonly Buffer[]): Members[] | ErrorReply {
  const out: Members[] = [];
  for (const k of keys) {
    const e = setFor(ctx, k, false);
    if (isErr(e)) return e;
    out.push(e ? e.value.members : new Set());
  }
  return out;
}

type Op = 'inter' | 'union' | 'diff';

function combine(op: Op, sets: Members[]): Members {
  if (op === 'union') {
    const out = new Set<string>();
    for (const x of sets) for (const m of x) out.add(m);
    return out;
  }
  const [first, ...rest] = sets;
  const out = new Set<string>();
  for (const m of first!) {
    if (op === 'inter' ? rest.every((x) => x.has(m)) : !rest.some((x) => x.has(m))) out.add(m);
  }
  return out;
}

function algebra(op: Op, store: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const keys = argv.slice(store ? 2 : 1);
    const sets = operands(ctx, keys);
    if (isErr(sets)) return sets;
    const result = combine(op, sets);
    if (!store) return setReply([...result].map((m) => bulk(B(m))));
    if (result.size > 0) {
      ctx.db.set(argv[1]!, { type: 'set', members: result });
      notify(ctx, Notify.set, `s${op}store`, argv[1]!);
    } else if (ctx.db.delete(argv[1]!)) notify(ctx, Notify.generic, 'del', argv[1]!);
    return int(result.size);
  };
}

function smove(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  // Redis: a missing source answers 0 before either type is checked.
  const src = setFor(ctx, argv[1]!, true);
  if (!src) return ZERO;
  if (isErr(src)) return src;
  const dst = setFor(ctx, argv[2]!, true);
  if (isErr(dst)) return dst;
  const m = s(argv[3]!);
  if (!src.value.members.has(m)) return ZERO;
  if (argv[1]!.equals(argv[2]!)) return ONE;
  change(ctx, argv[1]!, src, 'srem', (x) => x.delete(m));
  const target = dst ?? (ctx.db.set(argv[2]!, { type: 'set', members: new Set() }) as SetEntry);
  change(ctx, argv[2]!, target, target.value.members.has(m) ? null : 'sadd', (x) => x.add(m));
  return ONE;
}

function sintercard(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const n = parseSafeInt(argv[1]!);
  if (n === null || n <= 0) return error('ERR numkeys should be greater than 0');
  if (argv.length < 2 + n) return error('ERR Number of keys can\'t be greater than number of args');
  let limit = 0;
  const rest = argv.slice(2 + n);
  if (rest.length) {
    if (rest.length !== 2 || rest[0]!.toString('latin1').toLowerCase() !== 'limit') return error('ERR syntax error');
    const l = parseSafeInt(rest[1]!);
    if (l === null || l < 0) return error("ERR LIMIT can't be negative");
    limit = l;
  }
  const sets = operands(ctx, argv.slice(2, 2 + n));
  if (isErr(sets)) return sets;
  const size = combine('inter', sets).size;
  return int(limit > 0 ? Math.min(limit, size) : size);
}

const LONG_MAX = 2n ** 63n - 1n;

function spop(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  if (argv.length > 3) return ERR_SYNTAX;
  let count = -1;
  if (argv.length === 3) {
    const v = parseInt64(argv[2]!);
    if (v === null || v < 0n) return error('ERR value is out of range, must be positive');
    count = v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  const e = setFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  if (!e) return count === -1 ? NIL : setReply([]);
  if (count === 0) return setReply([]);
  const picked = itemsAt(e.value.members, distinctPositions(e.value.members.size, count === -1 ? 1 : count, ctx.random));
  change(ctx, argv[1]!, e, 'spop', (m) => { for (const x of picked) m.delete(x); });
  return count === -1 ? bulk(B(picked[0]!)) : setReply(picked.map((x) => bulk(B(x))));
}

function srandmember(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  if (argv.length > 3) return ERR_SYNTAX;
  let count: bigint | null = null;
  if (argv.length === 3) {
    count = parseInt64(argv[2]!);
    if (count === null) return error('ERR value is not an integer or out of range');
    if (count < -LONG_MAX) return error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  }
  const e = setFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  if (count === null) {
    if (!e) return NIL;
    return bulk(B(itemsAt(e.value.members, distinctPositions(e.value.members.size, 1, ctx.random))[0]!));
  }
  if (!e || count === 0n) return array([]);
  const size = e.value.members.size;
  const n = Number(count < 0n ? (-count > 1_000_000n ? 1_000_000n : -count) : count > BigInt(size) ? BigInt(size) : count);
  const positions = count < 0n ? positionsWithRepeats(size, n, ctx.random) : distinctPositions(size, n, ctx.random);
  return array(itemsAt(e.value.members, positions).map((x) => bulk(B(x))));
}

const one = { firstKey: 1, lastKey: 1, keyStep: 1, group: 'set' } as const;
const all = { firstKey: 1, lastKey: -1, keyStep: 1, group: 'set' } as const;

export const setCommands: readonly StoreCommand[] = [
  { ...one, name: 'spop', arity: -2, flags: ['write', 'random', 'fast'], summary: 'Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.', since: '1.0.0', handler: spop },
  { ...one, name: 'srandmember', arity: -2, flags: ['readonly', 'random'], summary: 'Get one or multiple random members from a set', since: '1.0.0', handler: srandmember },
  { ...one, name: 'sadd', arity: -3, flags: ['write', 'denyoom', 'fast'], summary: 'Adds one or more members to a set. Creates the key if it doesn\'t exist.', since: '1.0.0', handler: sadd },
  { ...one, name: 'srem', arity: -3, flags: ['write', 'fast'], summary: 'Removes one or more members from a set. Deletes the set if the last member was removed.', since: '1.0.0', handler: srem },
  { ...one, name: 'scard', arity: 2, flags: ['readonly', 'fast'], summary: 'Returns the number of members in a set.', since: '1.0.0',
    handler: (ctx, argv) => { const e = setFor(ctx, argv[1]!, false); return isErr(e) ? e : int(e?.value.members.size ?? 0); } },
  { ...one, name: 'sismember', arity: 3, flags: ['readonly', 'fast'], summary: 'Determines whether a member belongs to a set.', since: '1.0.0',
    handler: (ctx, argv) => { const e = setFor(ctx, argv[1]!, false); return isErr(e) ? e : e?.value.members.has(s(argv[2]!)) ? ONE : ZERO; } },
  { ...one, name: 'smismember', arity: -3, flags: ['readonly', 'fast'], summary: 'Determines whether multiple members belong to a set.', since: '6.2.0',
    handler: (ctx, argv) => { const e = setFor(ctx, argv[1]!, false); return isErr(e) ? e : array(argv.slice(2).map((m) => (e?.value.members.has(s(m)) ? ONE : ZERO))); } },
  { ...one, name: 'smembers', arity: 2, flags: ['readonly'], summary: 'Returns all members of a set.', since: '1.0.0',
    handler: (ctx, argv) => { const e = setFor(ctx, argv[1]!, false); return isErr(e) ? e : setReply([...(e?.value.members ?? [])].map((m) => bulk(B(m)))); } },
  { ...one, name: 'smove', arity: 4, lastKey: 2, flags: ['write', 'fast'], summary: 'Moves a member from one set to another.', since: '1.0.0', handler: smove },
  { ...all, name: 'sinter', arity: -2, flags: ['readonly'], summary: 'Returns the intersect of multiple sets.', since: '1.0.0', handler: algebra('inter', false) },
  { ...all, name: 'sunion', arity: -2, flags: ['readonly'], summary: 'Returns the union of multiple sets.', since: '1.0.0', handler: algebra('union', false) },
  { ...all, name: 'sdiff', arity: -2, flags: ['readonly'], summary: 'Returns the difference of multiple sets.', since: '1.0.0', handler: algebra('diff', false) },
  { ...all, name: 'sinterstore', arity: -3, flags: ['write', 'denyoom'], summary: 'Stores the intersect of multiple sets in a key.', since: '1.0.0', handler: algebra('inter', true) },
  { ...all, name: 'sunionstore', arity: -3, flags: ['write', 'denyoom'], summary: 'Stores the union of multiple sets in a key.', since: '1.0.0', handler: algebra('union', true) },
  { ...all, name: 'sdiffstore', arity: -3, flags: ['write', 'denyoom'], summary: 'Stores the difference of multiple sets in a key.', since: '1.0.0', handler: algebra('diff', true) },
  { ...one, firstKey: 0, lastKey: 0, keyStep: 0, name: 'sintercard', arity: -3, flags: ['readonly', 'movablekeys'], summary: 'Returns the number of members of the intersect of multiple sets.', since: '7.0.0',
    getKeys: (argv) => { const n = parseSafeInt(argv[1]!) ?? 0; return Array.from({ length: Math.max(0, Math.min(n, argv.length - 2)) }, (_, i) => 2 + i); }, handler: sintercard },
];
