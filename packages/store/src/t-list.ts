// List commands (Redis t_list.c) over a ring-buffer deque.
import { OK, NIL, NIL_ARRAY, ZERO, int, bulk, array, error, Errors, type Reply, type ErrorReply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import type { KeyEntry } from './keyspace.js';
import { Deque } from './deque.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, isErr, lower } from './args.js';
import { valueBytes } from './keyspace.js';
import { parseInt64, parseSafeInt } from './numbers.js';
import { Notify, notify } from './notify.js';

type ListEntry = KeyEntry & { value: { type: 'list'; items: Deque } };

function listFor(ctx: CommandContext, key: Buffer, write: boolean): ListEntry | undefined | ErrorReply {
  const e = write ? ctx.db.getForWrite(key, ctx.nowMs) : ctx.db.get(key, ctx.nowMs);
  if (!e) return undefined;
  return e.value.type === 'list' ? (e as ListEntry) : ERR_WRONGTYPE;
}

/**
 * Runs a change on a list, keeps accounting and versions, announces `event`
 * (Redis's order: the command's event, then `del` if the list emptied) and
 * deletes the key once empty.
 */
function change<T>(ctx: CommandContext, key: Buffer, e: ListEntry, event: string, fn: (d: Deque) => T): T {
  const before = valueBytes(e.value);
  const out = fn(e.value.items);
  settle(ctx, key, e, event, before);
  return out;
}

function settle(ctx: CommandContext, key: Buffer, e: ListEntry, event: string, before: number): void {
  notify(ctx, Notify.list, event, key);
  if (e.value.items.length === 0) {
    ctx.db.delete(key);
    notify(ctx, Notify.generic, 'del', key);
  } else ctx.db.touched(e, before);
}

const popEvent = (left: boolean) => (left ? 'lpop' : 'rpop');

function push(left: boolean, onlyIfExists: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const key = argv[1]!;
    let e = listFor(ctx, key, true);
    if (isErr(e)) return e;
    if (!e) {
      if (onlyIfExists) return ZERO;
      e = ctx.db.set(key, { type: 'list', items: new Deque() }) as ListEntry;
    }
    return int(change(ctx, key, e, left ? 'lpush' : 'rpush', (d) => {
      for (let i = 2; i < argv.length; i++) (left ? d.pushLeft(argv[i]!) : d.pushRight(argv[i]!));
      return d.length;
    }));
  };
}

function pop(left: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    if (argv.length > 3) return error(Errors.wrongArity(left ? 'lpop' : 'rpop'));
    let count = -1;
    if (argv.length === 3) {
      const c = parseSafeInt(argv[2]!);
      if (c === null || c < 0) return error('ERR value is out of range, must be positive');
      count = c;
    }
    const e = listFor(ctx, argv[1]!, true);
    if (isErr(e)) return e;
    if (!e) return count === -1 ? NIL : NIL_ARRAY;
    if (count === 0) return array([]);
    if (count === -1) return bulk(change(ctx, argv[1]!, e, popEvent(left), (d) => (left ? d.popLeft() : d.popRight())!));
    return array(change(ctx, argv[1]!, e, popEvent(left), (d) => {
      const out: Reply[] = [];
      for (let i = 0; i < count && d.length > 0; i++) out.push(bulk((left ? d.popLeft() : d.popRight())!));
      return out;
    }));
  };
}

/** Redis's range normalisation: negative indexes from the end, clamped. */
function range(len: number, start: number, stop: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (stop < 0) stop = len + stop;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return null;
  if (stop >= len) stop = len - 1;
  return [start, stop];
}

function lrange(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const start = parseSafeInt(argv[2]!), stop = parseSafeInt(argv[3]!);
  if (start === null || stop === null) return ERR_NOT_INTEGER;
  const e = listFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  if (!e) return array([]);
  const r = range(e.value.items.length, start, stop);
  return array(r ? e.value.items.slice(r[0], r[1] + 1).map((b) => bulk(b)) : []);
}

function ltrim(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const start = parseSafeInt(argv[2]!), stop = parseSafeInt(argv[3]!);
  if (start === null || stop === null) return ERR_NOT_INTEGER;
  const e = listFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  if (!e) return OK;
  change(ctx, argv[1]!, e, 'ltrim', (d) => {
    const r = range(d.length, start, stop);
    const keep = r ? d.slice(r[0], r[1] + 1) : [];
    while (d.length) d.popRight();
    for (const x of keep) d.pushRight(x);
  });
  return OK;
}

function index(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  // Redis looks the key up before it parses the index.
  const e = listFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  if (!e) return NIL;
  const i = parseSafeInt(argv[2]!);
  if (i === null) return ERR_NOT_INTEGER;
  const d = e.value.items;
  const j = i < 0 ? d.length + i : i;
  return j >= 0 && j < d.length ? bulk(d.at(j)) : NIL;
}

function lset(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const e = listFor(ctx, argv[1]!, true);
  if (!e) return error(Errors.noSuchKey);
  if (isErr(e)) return e;
  const i = parseSafeInt(argv[2]!);
  if (i === null) return ERR_NOT_INTEGER;
  const d = e.value.items;
  const j = i < 0 ? d.length + i : i;
  if (j < 0 || j >= d.length) return error(Errors.outOfRange);
  change(ctx, argv[1]!, e, 'lset', (dq) => dq.set(j, argv[3]!));
  return OK;
}

function linsert(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const where = lower(argv[2]!);
  if (where !== 'before' && where !== 'after') return ERR_SYNTAX;
  const e = listFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  if (!e) return ZERO;
  const items = e.value.items.slice();
  const at = items.findIndex((x) => x.equals(argv[3]!));
  if (at === -1) return int(-1);
  items.splice(where === 'before' ? at : at + 1, 0, argv[4]!);
  return int(change(ctx, argv[1]!, e, 'linsert', (d) => { rebuild(d, items); return d.length; }));
}

function rebuild(d: Deque, items: Buffer[]): void {
  while (d.length) d.popRight();
  for (const x of items) d.pushRight(x);
}

function lrem(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const count = parseSafeInt(argv[2]!);
  if (count === null) return ERR_NOT_INTEGER;
  const e = listFor(ctx, argv[1]!, true);
  if (isErr(e)) return e;
  if (!e) return ZERO;
  const items = e.value.items.slice();
  let removed = 0;
  const limit = count === 0 ? Infinity : Math.abs(count);
  const order = count < 0 ? [...items.keys()].reverse() : [...items.keys()];
  const drop = new Set<number>();
  for (const i of order) {
    if (removed >= limit) break;
    if (items[i]!.equals(argv[3]!)) { drop.add(i); removed++; }
  }
  if (removed) change(ctx, argv[1]!, e, 'lrem', (d) => rebuild(d, items.filter((_, i) => !drop.has(i))));
  return int(removed);
}

function side(b: Buffer): 'left' | 'right' | null {
  const s = lower(b);
  return s === 'left' ? 'left' : s === 'right' ? 'right' : null;
}

function move(ctx: CommandContext, src: Buffer, dst: Buffer, from: 'left' | 'right', to: 'left' | 'right'): Reply {
  const s = listFor(ctx, src, true);
  if (isErr(s)) return s;
  if (!s) return NIL;
  const d = listFor(ctx, dst, true);
  if (isErr(d)) return d;
  // Redis's order: pop, push onto the destination (created if missing), announce the push, then the pop (and the source's deletion).
  const before = valueBytes(s.value);
  const v = (from === 'left' ? s.value.items.popLeft() : s.value.items.popRight())!;
  if (src.equals(dst)) {
    // A rotation: the key never empties, so it keeps its TTL.
    if (to === 'left') s.value.items.pushLeft(v); else s.value.items.pushRight(v);
    notify(ctx, Notify.list, to === 'left' ? 'lpush' : 'rpush', src);
    settle(ctx, src, s, popEvent(from === 'left'), before);
    return bulk(v);
  }
  const target = d ?? (ctx.db.set(dst, { type: 'list', items: new Deque() }) as ListEntry);
  change(ctx, dst, target, to === 'left' ? 'lpush' : 'rpush', (q) => (to === 'left' ? q.pushLeft(v) : q.pushRight(v)));
  settle(ctx, src, s, popEvent(from === 'left'), before);
  return bulk(v);
}

const LONG_MAX = 2n ** 63n - 1n;

/** Redis's getRangeLongFromObjectOrReply with a message for both failures. */
function rangeLong(b: Buffer, min: bigint, msg: string): number | ErrorReply {
  const v = parseInt64(b);
  if (v === null || v < min || v > LONG_MAX) return error(`ERR ${msg}`);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

function lpos(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const ele = argv[2]!;
  let rank = 1, count = -1, maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = lower(argv[j]!);
    const more = argv.length - 1 - j;
    if (opt === 'rank' && more) {
      const v = parseInt64(argv[++j]!);
      if (v === null) return ERR_NOT_INTEGER;
      if (v === 0n) return error('ERR RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list');
      rank = Number(v);
    } else if (opt === 'count' && more) {
      const v = rangeLong(argv[++j]!, 0n, 'COUNT can\'t be negative');
      if (isErr(v)) return v;
      count = v;
    } else if (opt === 'maxlen' && more) {
      const v = rangeLong(argv[++j]!, 0n, 'MAXLEN can\'t be negative');
      if (isErr(v)) return v;
      maxlen = v;
    } else return ERR_SYNTAX;
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const e = listFor(ctx, argv[1]!, false);
  if (isErr(e)) return e;
  if (!e) return count !== -1 ? array([]) : NIL;
  const d = e.value.items;
  const n = d.length;
  const out: Reply[] = [];
  let matches = 0;
  for (let index = 0; index < n && (maxlen === 0 || index < maxlen); index++) {
    const pos = fromTail ? n - 1 - index : index;
    if (!d.at(pos).equals(ele)) continue;
    matches++;
    if (matches < rank) continue;
    if (count === -1) return int(pos);
    out.push(int(pos));
    if (count && matches - rank + 1 >= count) break;
  }
  return count === -1 ? NIL : array(out);
}

/** LMPOP numkeys key... LEFT|RIGHT [COUNT n]: pops from the first non-empty list. */
function lmpop(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const numkeys = rangeLong(argv[1]!, 1n, 'numkeys should be greater than 0');
  if (isErr(numkeys)) return numkeys;
  const whereIdx = 2 + numkeys;
  if (whereIdx >= argv.length) return ERR_SYNTAX;
  const where = side(argv[whereIdx]!);
  if (!where) return ERR_SYNTAX;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && lower(argv[j]!) === 'count' && argv.length - 1 - j > 0) {
      const c = rangeLong(argv[++j]!, 1n, 'count should be greater than 0');
      if (isErr(c)) return c;
      count = c;
    } else return ERR_SYNTAX;
  }
  if (count === -1) count = 1;
  for (const key of argv.slice(2, whereIdx)) {
    const e = listFor(ctx, key, true);
    if (isErr(e)) return e;
    if (!e || e.value.items.length === 0) continue;
    const items = change(ctx, key, e, popEvent(where === 'left'), (d) => {
      const got: Reply[] = [];
      for (let i = 0; i < count && d.length > 0; i++) got.push(bulk((where === 'left' ? d.popLeft() : d.popRight())!));
      return got;
    });
    return array([bulk(key), array(items)]);
  }
  return NIL_ARRAY;
}

/** numkeys at argv[1], keys after it (LMPOP, and the blocking forms one step later). */
export function numkeysAt(pos: number) {
  return (argv: readonly Buffer[]): number[] => {
    const n = parseSafeInt(argv[pos]!) ?? 0;
    return Array.from({ length: Math.max(0, Math.min(n, argv.length - pos - 1)) }, (_, i) => pos + 1 + i);
  };
}

const list = { firstKey: 1, lastKey: 1, keyStep: 1, group: 'list' } as const;

export const listCommands: readonly StoreCommand[] = [
  { ...list, name: 'lpush', arity: -3, flags: ['write', 'denyoom', 'fast'], summary: 'Prepends one or more elements to a list. Creates the key if it doesn\'t exist.', since: '1.0.0', handler: push(true, false) },
  { ...list, name: 'rpush', arity: -3, flags: ['write', 'denyoom', 'fast'], summary: 'Appends one or more elements to a list. Creates the key if it doesn\'t exist.', since: '1.0.0', handler: push(false, false) },
  { ...list, name: 'lpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], summary: 'Prepends one or more elements to a list only when the list exists.', since: '2.2.0', handler: push(true, true) },
  { ...list, name: 'rpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], summary: 'Appends an element to a list only when the list exists.', since: '2.2.0', handler: push(false, true) },
  { ...list, name: 'lpop', arity: -2, flags: ['write', 'fast'], summary: 'Returns the first elements in a list after removing it. Deletes the list if the last element was popped.', since: '1.0.0', handler: pop(true) },
  { ...list, name: 'rpop', arity: -2, flags: ['write', 'fast'], summary: 'Returns and removes the last elements of a list. Deletes the list if the last element was popped.', since: '1.0.0', handler: pop(false) },
  { ...list, name: 'llen', arity: 2, flags: ['readonly', 'fast'], summary: 'Returns the length of a list.', since: '1.0.0',
    handler: (ctx, argv) => { const e = listFor(ctx, argv[1]!, false); return isErr(e) ? e : int(e?.value.items.length ?? 0); } },
  { ...list, name: 'lrange', arity: 4, flags: ['readonly'], summary: 'Returns a range of elements from a list.', since: '1.0.0', handler: lrange },
  { ...list, name: 'lindex', arity: 3, flags: ['readonly'], summary: 'Returns an element from a list by its index.', since: '1.0.0', handler: index },
  { ...list, name: 'lset', arity: 4, flags: ['write', 'denyoom'], summary: 'Sets the value of an element in a list by its index.', since: '1.0.0', handler: lset },
  { ...list, name: 'linsert', arity: 5, flags: ['write', 'denyoom'], summary: 'Inserts an element before or after another element in a list.', since: '2.2.0', handler: linsert },
  { ...list, name: 'lrem', arity: 4, flags: ['write'], summary: 'Removes elements from a list. Deletes the list if the last element was removed.', since: '1.0.0', handler: lrem },
  { ...list, name: 'ltrim', arity: 4, flags: ['write'], summary: 'Removes elements from both ends a list. Deletes the list if all elements were trimmed.', since: '1.0.0', handler: ltrim },
  { ...list, name: 'lmove', arity: 5, lastKey: 2, flags: ['write', 'denyoom'], summary: 'Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.', since: '6.2.0',
    handler: (ctx, argv) => { const f = side(argv[3]!), t = side(argv[4]!); return f && t ? move(ctx, argv[1]!, argv[2]!, f, t) : ERR_SYNTAX; } },
  { ...list, name: 'rpoplpush', arity: 3, lastKey: 2, flags: ['write', 'denyoom'], summary: 'Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.', since: '1.2.0',
    handler: (ctx, argv) => move(ctx, argv[1]!, argv[2]!, 'right', 'left') },
  { ...list, name: 'lpos', arity: -3, flags: ['readonly'], summary: 'Returns the index of matching elements in a list.', since: '6.0.6', handler: lpos },
  { ...list, firstKey: 0, lastKey: 0, keyStep: 0, getKeys: numkeysAt(1), name: 'lmpop', arity: -4, flags: ['write', 'movablekeys'], summary: 'Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.', since: '7.0.0', handler: lmpop },
];
