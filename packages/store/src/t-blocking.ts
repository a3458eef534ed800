// The blocking list and sorted set commands, as the store runs them: one
// attempt that pops when there is something to pop and otherwise answers
// as a timeout would (what Redis does inside MULTI). Waiting is the
// server's job: it keeps the client, and proposes the command again once
// a key it waits on has data (see `blockedOn`).
import { NIL_ARRAY, array, error, type Reply, type ErrorReply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import { isErr, lower } from './args.js';
import { Keyspace } from './keyspace.js';
import { listCommands } from './t-list.js';
import { zsetCommands } from './t-zset.js';

const ERR_TIMEOUT_FLOAT = error('ERR timeout is not a float or out of range');
const ERR_TIMEOUT_NEGATIVE = error('ERR timeout is negative');
const LLONG_MAX = 9223372036854775807;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity)$/i;

/**
 * A blocking timeout in seconds (getTimeoutFromObjectOrReply): milliseconds
 * to wait, 0 = for ever. Values C cannot convert to a 64-bit count end up
 * negative there, and so here.
 */
export function parseBlockTimeout(b: Buffer, nowMs: number): number | ErrorReply {
  const s = b.toString('latin1');
  if (!FLOAT.test(s)) return ERR_TIMEOUT_FLOAT;
  const ms = Number(s) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) >= 2 ** 63) return ERR_TIMEOUT_NEGATIVE;
  const t = Math.trunc(ms);
  if (t < 0) return ERR_TIMEOUT_NEGATIVE;
  if (t > 0 && t > LLONG_MAX - nowMs) return error('ERR timeout is out of range');
  return t;
}

function handler(family: readonly StoreCommand[], name: string) {
  const cmd = family.find((c) => c.name === name);
  if (!cmd) throw new Error(`blocking form of missing command ${name}`);
  return cmd.handler;
}

const lmpop = handler(listCommands, 'lmpop');
const lmove = handler(listCommands, 'lmove');
const zmpop = handler(zsetCommands, 'zmpop');
const B = (s: string) => Buffer.from(s);

/** BLPOP/BRPOP key... timeout: [key, element] from the first non-empty list. */
function bpop(where: 'LEFT' | 'RIGHT') {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const t = parseBlockTimeout(argv[argv.length - 1]!, ctx.nowMs);
    if (isErr(t)) return t;
    const keys = argv.slice(1, -1);
    const r = lmpop(ctx, [B('LMPOP'), B(String(keys.length)), ...keys, B(where)]);
    if (r.kind !== 'array') return r;
    const [key, items] = r.items as [Reply, { items: Reply[] }];
    return array([key, items.items[0]!]);
  };
}

/** BZPOPMIN/BZPOPMAX key... timeout: [key, member, score]. */
function bzpop(where: 'MIN' | 'MAX') {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const t = parseBlockTimeout(argv[argv.length - 1]!, ctx.nowMs);
    if (isErr(t)) return t;
    const keys = argv.slice(1, -1);
    const r = zmpop(ctx, [B('ZMPOP'), B(String(keys.length)), ...keys, B(where)]);
    if (r.kind !== 'array') return r;
    const [key, pairs] = r.items as [Reply, { items: { items: Reply[] }[] }];
    return array([key, ...pairs.items[0]!.items]);
  };
}

/** BLMPOP/BZMPOP timeout numkeys ...: Redis checks numkeys, the side and COUNT before the timeout. */
function bmpop(inner: typeof lmpop, name: string) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const rest = [B(name), ...argv.slice(2)];
    const t = parseBlockTimeout(argv[1]!, ctx.nowMs);
    if (isErr(t)) {
      // The non-blocking form run against an empty keyspace reports bad arguments without touching data.
      const dry = inner({ ...ctx, db: new Keyspace() }, rest);
      return dry.kind === 'error' ? dry : t;
    }
    return inner(ctx, rest);
  };
}

function blmove(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const from = lower(argv[3]!), to = lower(argv[4]!);
  if (!['left', 'right'].includes(from) || !['left', 'right'].includes(to)) return error('ERR syntax error');
  const t = parseBlockTimeout(argv[5]!, ctx.nowMs);
  if (isErr(t)) return t;
  return lmove(ctx, [B('LMOVE'), argv[1]!, argv[2]!, argv[3]!, argv[4]!]);
}

function brpoplpush(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const t = parseBlockTimeout(argv[3]!, ctx.nowMs);
  if (isErr(t)) return t;
  return lmove(ctx, [B('LMOVE'), argv[1]!, argv[2]!, B('RIGHT'), B('LEFT')]);
}

/** What a blocked client waits for: the keys, the kind of value that wakes it, its timeout argument, and what it gets on timeout. */
export interface BlockSpec {
  readonly keys: (argv: readonly Buffer[]) => Buffer[];
  readonly kind: 'list' | 'zset';
  readonly timeoutArg: (argv: readonly Buffer[]) => Buffer;
  readonly timeoutReply: Reply;
}

const numkeysFrom = (pos: number) => (argv: readonly Buffer[]) => {
  const n = Number(argv[pos]!.toString());
  return Number.isInteger(n) && n > 0 ? argv.slice(pos + 1, pos + 1 + n) : [];
};
const lastArg = (argv: readonly Buffer[]) => argv[argv.length - 1]!;
const middleKeys = (argv: readonly Buffer[]) => argv.slice(1, -1);

export const blockedOn: ReadonlyMap<string, BlockSpec> = new Map<string, BlockSpec>([
  ['blpop', { keys: middleKeys, kind: 'list', timeoutArg: lastArg, timeoutReply: NIL_ARRAY }],
  ['brpop', { keys: middleKeys, kind: 'list', timeoutArg: lastArg, timeoutReply: NIL_ARRAY }],
  // After a real wait Redis answers these with a null array, though inside MULTI (our single attempt) with a null bulk.
  ['brpoplpush', { keys: (a) => [a[1]!], kind: 'list', timeoutArg: lastArg, timeoutReply: NIL_ARRAY }],
  ['blmove', { keys: (a) => [a[1]!], kind: 'list', timeoutArg: lastArg, timeoutReply: NIL_ARRAY }],
  ['blmpop', { keys: numkeysFrom(2), kind: 'list', timeoutArg: (a) => a[1]!, timeoutReply: NIL_ARRAY }],
  ['bzpopmin', { keys: middleKeys, kind: 'zset', timeoutArg: lastArg, timeoutReply: NIL_ARRAY }],
  ['bzpopmax', { keys: middleKeys, kind: 'zset', timeoutArg: lastArg, timeoutReply: NIL_ARRAY }],
  ['bzmpop', { keys: numkeysFrom(2), kind: 'zset', timeoutArg: (a) => a[1]!, timeoutReply: NIL_ARRAY }],
]);

const numkeysKeys = (argv: readonly Buffer[]) => {
  const n = Number(argv[2]?.toString());
  return Array.from({ length: Number.isInteger(n) && n > 0 ? Math.min(n, argv.length - 3) : 0 }, (_, i) => 3 + i);
};

const list = { firstKey: 1, lastKey: -2, keyStep: 1, group: 'list' } as const;
const zset = { ...list, group: 'sorted-set' } as const;
const flags = ['write', 'blocking'] as const;

export const blockingCommands: readonly StoreCommand[] = [
  { ...list, name: 'blpop', arity: -3, flags: [...flags], summary: 'Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.', since: '2.0.0', handler: bpop('LEFT') },
  { ...list, name: 'brpop', arity: -3, flags: [...flags], summary: 'Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.', since: '2.0.0', handler: bpop('RIGHT') },
  { ...list, lastKey: 2, name: 'brpoplpush', arity: 4, flags: [...flags, 'denyoom'], summary: 'Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.', since: '2.2.0', handler: brpoplpush },
  { ...list, lastKey: 2, name: 'blmove', arity: 6, flags: [...flags, 'denyoom'], summary: 'Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.', since: '6.2.0', handler: blmove },
  { ...list, firstKey: 0, lastKey: 0, keyStep: 0, getKeys: numkeysKeys, name: 'blmpop', arity: -5, flags: [...flags, 'movablekeys'], summary: 'Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.', since: '7.0.0', handler: bmpop(lmpop, 'LMPOP') },
  { ...zset, name: 'bzpopmin', arity: -3, flags: [...flags, 'fast'], summary: 'Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.', since: '5.0.0', handler: bzpop('MIN') },
  { ...zset, name: 'bzpopmax', arity: -3, flags: [...flags, 'fast'], summary: 'Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.', since: '5.0.0', handler: bzpop('MAX') },
  { ...zset, firstKey: 0, lastKey: 0, keyStep: 0, getKeys: numkeysKeys, name: 'bzmpop', arity: -5, flags: [...flags, 'movablekeys'], summary: 'Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.', since: '7.0.0', handler: bmpop(zmpop, 'ZMPOP') },
];
