// String commands (Redis t_string.c).
import { OK, NIL, ZERO, ONE, int, bulk, array, error, type Reply, type ErrorReply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import type { KeyEntry } from './keyspace.js';
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, isErr, lower } from './args.js';
import { inInt64, parseFloatStrict, parseInt64, parseSafeInt } from './numbers.js';
import { addLongDouble, formatLongDouble17, parseLongDouble } from './long-double.js';
import { Notify, notify } from './notify.js';

export const MAX_STRING_BYTES = 512 * 1024 * 1024;

const str = (data: Buffer) => ({ type: 'string' as const, data });

/** The string at key, undefined when missing, or WRONGTYPE. */
function readString(ctx: CommandContext, key: Buffer): Buffer | undefined | ErrorReply {
  const e = ctx.db.get(key, ctx.nowMs);
  if (!e) return undefined;
  return e.value.type === 'string' ? e.value.data : ERR_WRONGTYPE;
}

function writeEntry(ctx: CommandContext, key: Buffer): KeyEntry | undefined | ErrorReply {
  const e = ctx.db.getForWrite(key, ctx.nowMs);
  if (e && e.value.type !== 'string') return ERR_WRONGTYPE;
  return e;
}

type ExpiryOption = { kind: 'none' } | { kind: 'keep' } | { kind: 'persist' } | { kind: 'at'; ms: number };

/** Parses one EX/PX/EXAT/PXAT value into an absolute time; `cmd` names the command in the error text. */
function expiryAt(ctx: CommandContext, unit: string, arg: Buffer, cmd: string): number | ErrorReply {
  const v = parseSafeInt(arg);
  if (v === null) {
    // Out of JS's safe range but maybe an int64: Redis then reports the expire time as invalid.
    return parseInt64(arg) === null ? ERR_NOT_INTEGER : error(`ERR invalid expire time in '${cmd}' command`);
  }
  if (v <= 0) return error(`ERR invalid expire time in '${cmd}' command`);
  const ms = unit === 'ex' || unit === 'exat' ? v * 1000 : v;
  if (!Number.isSafeInteger(ms) || (unit.length === 2 && !Number.isSafeInteger(ms + ctx.nowMs))) {
    return error(`ERR invalid expire time in '${cmd}' command`);
  }
  return unit === 'ex' || unit === 'px' ? ctx.nowMs + ms : ms;
}

function set(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  let nx = false, xx = false, get = false, keep = false;
  let unit: string | null = null, unitArg: Buffer | null = null;
  // Options are checked for syntax first and the expire value after, as Redis does.
  for (let i = 3; i < argv.length; i++) {
    const opt = lower(argv[i]!);
    const hasNext = i + 1 < argv.length;
    if (opt === 'nx' && !xx) nx = true;
    else if (opt === 'xx' && !nx) xx = true;
    else if (opt === 'get') get = true;
    else if (opt === 'keepttl' && unit === null) keep = true;
    else if ((opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat') && unit === null && !keep && hasNext) {
      unit = opt;
      unitArg = argv[++i]!;
    } else return ERR_SYNTAX;
  }
  let expiry: ExpiryOption = keep ? { kind: 'keep' } : { kind: 'none' };
  if (unit !== null) {
    const at = expiryAt(ctx, unit, unitArg!, 'set');
    if (isErr(at)) return at;
    expiry = { kind: 'at', ms: at };
  }
  const key = argv[1]!;
  const existing = ctx.db.getForWrite(key, ctx.nowMs);
  let old: Reply = NIL;
  if (get && existing) {
    if (existing.value.type !== 'string') return ERR_WRONGTYPE;
    old = bulk(existing.value.data);
  }
  if ((nx && existing) || (xx && !existing)) return get ? old : NIL;
  ctx.db.set(key, str(argv[2]!), expiry.kind === 'at' ? expiry.ms : 0, expiry.kind === 'keep');
  notify(ctx, Notify.string, 'set', key);
  if (expiry.kind === 'at') notify(ctx, Notify.generic, 'expire', key);
  return get ? old : OK;
}

function setWithExpiry(cmd: string, unit: 'ex' | 'px') {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const at = expiryAt(ctx, unit, argv[2]!, cmd);
    if (isErr(at)) return at;
    ctx.db.set(argv[1]!, str(argv[3]!), at);
    notify(ctx, Notify.string, 'set', argv[1]!);
    notify(ctx, Notify.generic, 'expire', argv[1]!);
    return OK;
  };
}

function getex(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  let unit: string | null = null, unitArg: Buffer | null = null, persist = false;
  for (let i = 2; i < argv.length; i++) {
    const opt = lower(argv[i]!);
    if ((opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat') && unit === null && !persist && i + 1 < argv.length) {
      unit = opt;
      unitArg = argv[++i]!;
    } else if (opt === 'persist' && unit === null && !persist) persist = true;
    else return ERR_SYNTAX;
  }
  // Redis looks the key up before it validates the expire value.
  const e = ctx.db.getForWrite(argv[1]!, ctx.nowMs);
  if (!e) return NIL;
  if (e.value.type !== 'string') return ERR_WRONGTYPE;
  let expiry: ExpiryOption = persist ? { kind: 'persist' } : { kind: 'none' };
  if (unit !== null) {
    const at = expiryAt(ctx, unit, unitArg!, 'getex');
    if (isErr(at)) return at;
    expiry = { kind: 'at', ms: at };
  }
  const value = e.value.data;
  if (expiry.kind === 'at') {
    if (expiry.ms <= ctx.nowMs) {
      ctx.db.delete(argv[1]!);
      notify(ctx, Notify.generic, 'del', argv[1]!);
    } else {
      ctx.db.setExpire(e, expiry.ms);
      notify(ctx, Notify.generic, 'expire', argv[1]!);
    }
  } else if (expiry.kind === 'persist' && e.expireAt !== 0) {
    ctx.db.setExpire(e, 0);
    notify(ctx, Notify.generic, 'persist', argv[1]!);
  }
  return bulk(value);
}

function incrBy(ctx: CommandContext, key: Buffer, by: bigint): Reply {
  const e = writeEntry(ctx, key);
  if (isErr(e)) return e;
  let cur = 0n;
  if (e) {
    const parsed = parseInt64((e.value as { data: Buffer }).data);
    if (parsed === null) return ERR_NOT_INTEGER;
    cur = parsed;
  }
  const next = cur + by;
  if (!inInt64(next)) return error('ERR increment or decrement would overflow');
  const text = Buffer.from(next.toString());
  if (e) {
    const before = (e.value as { data: Buffer }).data.length;
    e.value = str(text);
    ctx.db.touched(e, before);
  } else ctx.db.set(key, str(text));
  notify(ctx, Notify.string, 'incrby', key);
  return Number.isSafeInteger(Number(next)) ? int(Number(next)) : int(next);
}

function incrByArg(sign: 1n | -1n) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const by = parseInt64(argv[2]!);
    if (by === null) return ERR_NOT_INTEGER;
    if (sign === -1n && by === -(2n ** 63n)) return error('ERR decrement would overflow');
    return incrBy(ctx, argv[1]!, sign * by);
  };
}

function incrbyfloat(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  // Redis's order: the key's type, then its value, then the increment.
  const e = writeEntry(ctx, argv[1]!);
  if (isErr(e)) return e;
  const cur = e ? parseLongDouble((e.value as { data: Buffer }).data.toString('latin1')) : parseLongDouble('0');
  if (cur === null) return ERR_NOT_FLOAT;
  const by = parseLongDouble(argv[2]!.toString('latin1'));
  if (by === null) return ERR_NOT_FLOAT;
  // Redis adds in 80-bit long double and prints "%.17Lf": emulated exactly.
  if (cur === 'inf' || by === 'inf') return error('ERR increment would produce NaN or Infinity');
  const text = Buffer.from(formatLongDouble17(addLongDouble(cur, by)));
  if (e) {
    const before = (e.value as { data: Buffer }).data.length;
    e.value = str(text);
    ctx.db.touched(e, before);
  } else ctx.db.set(argv[1]!, str(text));
  notify(ctx, Notify.string, 'incrbyfloat', argv[1]!);
  return bulk(text);
}

function append(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const e = writeEntry(ctx, argv[1]!);
  if (isErr(e)) return e;
  if (!e) {
    ctx.db.set(argv[1]!, str(Buffer.from(argv[2]!)));
    notify(ctx, Notify.string, 'append', argv[1]!);
    return int(argv[2]!.length);
  }
  const v = e.value as { data: Buffer };
  if (v.data.length + argv[2]!.length > MAX_STRING_BYTES) return error('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  const before = v.data.length;
  v.data = Buffer.concat([v.data, argv[2]!]);
  ctx.db.touched(e, before);
  notify(ctx, Notify.string, 'append', argv[1]!);
  return int(v.data.length);
}

function getrange(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const start0 = parseSafeInt(argv[2]!), end0 = parseSafeInt(argv[3]!);
  if (start0 === null || end0 === null) return ERR_NOT_INTEGER;
  const v = readString(ctx, argv[1]!);
  if (isErr(v)) return v;
  const data = v ?? Buffer.alloc(0);
  const len = data.length;
  if (start0 < 0 && end0 < 0 && start0 > end0) return bulk(Buffer.alloc(0));
  let start = start0 < 0 ? len + start0 : start0;
  let end = end0 < 0 ? len + end0 : end0;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return bulk(Buffer.alloc(0));
  return bulk(data.subarray(start, end + 1));
}

function setrange(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const offset = parseSafeInt(argv[2]!);
  if (offset === null) return ERR_NOT_INTEGER;
  if (offset < 0) return error('ERR offset is out of range');
  const value = argv[3]!;
  const e = writeEntry(ctx, argv[1]!);
  if (isErr(e)) return e;
  const cur = e ? (e.value as { data: Buffer }).data : Buffer.alloc(0);
  if (value.length === 0) return int(cur.length);
  if (offset + value.length > MAX_STRING_BYTES) return error('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  const next = Buffer.alloc(Math.max(cur.length, offset + value.length));
  cur.copy(next);
  value.copy(next, offset);
  if (e) {
    const before = cur.length;
    (e.value as { data: Buffer }).data = next;
    ctx.db.touched(e, before);
  } else ctx.db.set(argv[1]!, str(next));
  notify(ctx, Notify.string, 'setrange', argv[1]!);
  return int(next.length);
}

const base = { firstKey: 1, lastKey: 1, keyStep: 1, group: 'string' } as const;

export const stringCommands: readonly StoreCommand[] = [
  { ...base, name: 'get', arity: 2, flags: ['readonly', 'fast'], summary: 'Returns the string value of a key.', since: '1.0.0', complexity: 'O(1)',
    handler: (ctx, argv) => { const v = readString(ctx, argv[1]!); return isErr(v) ? v : v === undefined ? NIL : bulk(v); } },
  { ...base, name: 'set', arity: -3, flags: ['write', 'denyoom'], summary: 'Sets the string value of a key, ignoring its type. The key is created if it doesn\'t exist.', since: '1.0.0', complexity: 'O(1)', handler: set },
  { ...base, name: 'setnx', arity: 3, flags: ['write', 'denyoom', 'fast'], summary: 'Set the string value of a key only when the key doesn\'t exist.', since: '1.0.0', complexity: 'O(1)',
    handler: (ctx, argv) => { if (ctx.db.getForWrite(argv[1]!, ctx.nowMs)) return ZERO; ctx.db.set(argv[1]!, str(argv[2]!)); notify(ctx, Notify.string, 'set', argv[1]!); return ONE; } },
  { ...base, name: 'setex', arity: 4, flags: ['write', 'denyoom'], summary: 'Sets the string value and expiration time of a key. Creates the key if it doesn\'t exist.', since: '2.0.0', complexity: 'O(1)', handler: setWithExpiry('setex', 'ex') },
  { ...base, name: 'psetex', arity: 4, flags: ['write', 'denyoom'], summary: 'Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn\'t exist.', since: '2.6.0', complexity: 'O(1)', handler: setWithExpiry('psetex', 'px') },
  { ...base, name: 'getset', arity: 3, flags: ['write', 'denyoom', 'fast'], summary: 'Returns the previous string value of a key after setting it to a new value.', since: '1.0.0', complexity: 'O(1)',
    handler: (ctx, argv) => {
      const e = writeEntry(ctx, argv[1]!);
      if (isErr(e)) return e;
      const old = e ? bulk((e.value as { data: Buffer }).data) : NIL;
      ctx.db.set(argv[1]!, str(argv[2]!));
      notify(ctx, Notify.string, 'set', argv[1]!);
      return old;
    } },
  { ...base, name: 'getdel', arity: 2, flags: ['write', 'fast'], summary: 'Returns the string value of a key after deleting the key.', since: '6.2.0', complexity: 'O(1)',
    handler: (ctx, argv) => {
      const e = writeEntry(ctx, argv[1]!);
      if (isErr(e)) return e;
      if (!e) return NIL;
      const v = (e.value as { data: Buffer }).data;
      ctx.db.delete(argv[1]!);
      notify(ctx, Notify.generic, 'del', argv[1]!);
      return bulk(v);
    } },
  { ...base, name: 'getex', arity: -2, flags: ['write', 'fast'], summary: 'Returns the string value of a key after setting its expiration time.', since: '6.2.0', complexity: 'O(1)', handler: getex },
  { ...base, name: 'mget', arity: -2, lastKey: -1, flags: ['readonly', 'fast'], summary: 'Atomically returns the string values of one or more keys.', since: '1.0.0', complexity: 'O(N) where N is the number of keys to retrieve.',
    handler: (ctx, argv) => array(argv.slice(1).map((k) => { const e = ctx.db.get(k, ctx.nowMs); return e && e.value.type === 'string' ? bulk(e.value.data) : NIL; })) },
  { ...base, name: 'mset', arity: -3, lastKey: -1, keyStep: 2, flags: ['write', 'denyoom'], summary: 'Atomically creates or modifies the string values of one or more keys.', since: '1.0.1', complexity: 'O(N) where N is the number of keys to set.',
    handler: (ctx, argv) => { if (argv.length % 2 === 0) return error("ERR wrong number of arguments for 'mset' command"); for (let i = 1; i < argv.length; i += 2) { ctx.db.set(argv[i]!, str(argv[i + 1]!)); notify(ctx, Notify.string, 'set', argv[i]!); } return OK; } },
  { ...base, name: 'msetnx', arity: -3, lastKey: -1, keyStep: 2, flags: ['write', 'denyoom'], summary: 'Atomically modifies the string values of one or more keys only when all keys don\'t exist.', since: '1.0.1', complexity: 'O(N) where N is the number of keys to set.',
    handler: (ctx, argv) => {
      if (argv.length % 2 === 0) return error("ERR wrong number of arguments for 'msetnx' command");
      for (let i = 1; i < argv.length; i += 2) if (ctx.db.getForWrite(argv[i]!, ctx.nowMs)) return ZERO;
      for (let i = 1; i < argv.length; i += 2) {
        ctx.db.set(argv[i]!, str(argv[i + 1]!));
        notify(ctx, Notify.string, 'set', argv[i]!);
      }
      return ONE;
    } },
  { ...base, name: 'append', arity: 3, flags: ['write', 'denyoom', 'fast'], summary: 'Appends a string to the value of a key. Creates the key if it doesn\'t exist.', since: '2.0.0', complexity: 'O(1).', handler: append },
  { ...base, name: 'strlen', arity: 2, flags: ['readonly', 'fast'], summary: 'Returns the length of a string value.', since: '2.2.0', complexity: 'O(1)',
    handler: (ctx, argv) => { const v = readString(ctx, argv[1]!); return isErr(v) ? v : int(v?.length ?? 0); } },
  { ...base, name: 'getrange', arity: 4, flags: ['readonly'], summary: 'Returns a substring of the string stored at a key.', since: '2.4.0', complexity: 'O(N) where N is the length of the returned string.', handler: getrange },
  { ...base, name: 'substr', arity: 4, flags: ['readonly'], summary: 'Returns a substring from a string value.', since: '1.0.0', complexity: 'O(N) where N is the length of the returned string.', handler: getrange },
  { ...base, name: 'setrange', arity: 4, flags: ['write', 'denyoom'], summary: 'Overwrites a part of a string value with another by an offset. Creates the key if it doesn\'t exist.', since: '2.2.0', complexity: 'O(1)', handler: setrange },
  { ...base, name: 'incr', arity: 2, flags: ['write', 'denyoom', 'fast'], summary: 'Increments the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.', since: '1.0.0', complexity: 'O(1)',
    handler: (ctx, argv) => incrBy(ctx, argv[1]!, 1n) },
  { ...base, name: 'decr', arity: 2, flags: ['write', 'denyoom', 'fast'], summary: 'Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.', since: '1.0.0', complexity: 'O(1)',
    handler: (ctx, argv) => incrBy(ctx, argv[1]!, -1n) },
  { ...base, name: 'incrby', arity: 3, flags: ['write', 'denyoom', 'fast'], summary: 'Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.', since: '1.0.0', complexity: 'O(1)', handler: incrByArg(1n) },
  { ...base, name: 'decrby', arity: 3, flags: ['write', 'denyoom', 'fast'], summary: 'Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn\'t exist.', since: '1.0.0', complexity: 'O(1)', handler: incrByArg(-1n) },
  { ...base, name: 'incrbyfloat', arity: 3, flags: ['write', 'denyoom', 'fast'], summary: 'Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.', since: '2.6.0', complexity: 'O(1)', handler: incrbyfloat },
];
