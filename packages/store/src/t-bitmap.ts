// Bitmaps on string values (Redis bitops.c) and LCS (t_string.c). Bit 0 is
// the most significant bit of byte 0. Argument checks run in Redis's order,
// so errors and edge cases match it.
import { NIL, ZERO, array, bulk, error, int, map, type Reply, type ErrorReply } from '@redisraft-wasm/resp';
import type { CommandContext, StoreCommand } from './command-spec.js';
import type { KeyEntry } from './keyspace.js';
import { ERR_SYNTAX, ERR_WRONGTYPE, isErr, lower } from './args.js';
import { parseInt64 } from './numbers.js';
import { Notify, notify } from './notify.js';

/** proto-max-bulk-len: a string never grows past it. */
const MAX_STRING_BYTES = 512 * 1024 * 1024;
const ERR_OFFSET = error('ERR bit offset is not an integer or out of range');
const ERR_NOT_INT = error('ERR value is not an integer or out of range');
const ERR_BIT = error('ERR bit is not an integer or out of range');
const EMPTY = Buffer.alloc(0);

function llArg(b: Buffer, err: ErrorReply = ERR_NOT_INT): bigint | ErrorReply {
  const v = parseInt64(b);
  return v === null ? err : v;
}

/** A bit offset (`#n` = n fields of `bits` when allowed), within proto-max-bulk-len. */
function bitOffset(b: Buffer, hashBits = 0): number | ErrorReply {
  const useHash = hashBits > 0 && b[0] === 0x23;
  const v = parseInt64(useHash ? b.subarray(1) : b);
  if (v === null) return ERR_OFFSET;
  const off = useHash ? v * BigInt(hashBits) : v;
  if (off < 0n || off >> 3n >= BigInt(MAX_STRING_BYTES)) return ERR_OFFSET;
  return Number(off);
}

function readString(ctx: CommandContext, key: Buffer): Buffer | null | ErrorReply {
  const e = ctx.db.get(key, ctx.nowMs);
  if (!e) return null;
  return e.value.type === 'string' ? e.value.data : ERR_WRONGTYPE;
}

/** The string at key for a bit write, created or zero-padded to hold byte `byte`; `dirty` when either happened. */
function stringForBits(ctx: CommandContext, key: Buffer, byte: number): { e: KeyEntry; data: Buffer; dirty: boolean } | ErrorReply {
  let e = ctx.db.getForWrite(key, ctx.nowMs);
  if (e && e.value.type !== 'string') return ERR_WRONGTYPE;
  let dirty = e === undefined;
  e ??= ctx.db.set(key, { type: 'string', data: EMPTY });
  const v = e.value as { data: Buffer };
  if (v.data.length <= byte) {
    dirty = true;
    const before = v.data.length;
    const grown = Buffer.alloc(byte + 1);
    v.data.copy(grown);
    v.data = grown;
    ctx.db.touched(e, before);
  } else {
    // A reply still queued for a client may hold the old buffer: never change it in place.
    const before = v.data.length;
    v.data = Buffer.from(v.data);
    ctx.db.touched(e, before);
  }
  return { e, data: v.data, dirty };
}

function setbit(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const off = bitOffset(argv[2]!);
  if (isErr(off)) return off;
  const on = parseInt64(argv[3]!);
  if (on === null || (on & ~1n) !== 0n) return ERR_BIT;
  const s = stringForBits(ctx, argv[1]!, off >> 3);
  if (isErr(s)) return s;
  const byte = off >> 3, mask = 1 << (7 - (off & 7));
  const old = (s.data[byte]! & mask) !== 0 ? 1 : 0;
  s.data[byte] = on ? s.data[byte]! | mask : s.data[byte]! & ~mask;
  if (s.dirty || BigInt(old) !== on) notify(ctx, Notify.string, 'setbit', argv[1]!);
  return int(old);
}

function getbit(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const off = bitOffset(argv[2]!);
  if (isErr(off)) return off;
  const data = readString(ctx, argv[1]!);
  if (isErr(data)) return data;
  if (!data || (off >> 3) >= data.length) return ZERO;
  return int((data[off >> 3]! >> (7 - (off & 7))) & 1);
}

function popcount(data: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    let b = data[i]!;
    b = b - ((b >> 1) & 0x55);
    b = (b & 0x33) + ((b >> 2) & 0x33);
    n += (b + (b >> 4)) & 0x0f;
  }
  return n;
}

/** Start/end (and BYTE|BIT) as BITCOUNT and BITPOS normalise them; masks cover the edge bits outside a BIT range. */
interface Range { start: number; end: number; firstMask: number; lastMask: number }

function normalise(start0: bigint, end0: bigint, strlen: number, isBit: boolean): Range {
  const total = BigInt(isBit ? strlen * 8 : strlen);
  let start = start0, end = end0;
  if (start < 0n) start += total;
  if (end < 0n) end += total;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  const r: Range = { start: Number(start), end: Number(end), firstMask: 0, lastMask: 0 };
  if (isBit && r.start <= r.end) {
    r.firstMask = ~((1 << (8 - (r.start & 7))) - 1) & 0xff;
    r.lastMask = (1 << (7 - (r.end & 7))) - 1;
    r.start >>= 3;
    r.end >>= 3;
  }
  return r;
}

function unitArg(b: Buffer): boolean | null {
  const u = lower(b);
  return u === 'bit' ? true : u === 'byte' ? false : null;
}

function bitcount(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const data = readString(ctx, argv[1]!);
  if (isErr(data)) return data;
  if (!data) return ZERO;
  let r: Range;
  if (argv.length === 4 || argv.length === 5) {
    const s = llArg(argv[2]!);
    if (isErr(s)) return s;
    const e = llArg(argv[3]!);
    if (isErr(e)) return e;
    if (s < 0n && e < 0n && s > e) return ZERO;
    let isBit = false;
    if (argv.length === 5) {
      const u = unitArg(argv[4]!);
      if (u === null) return ERR_SYNTAX;
      isBit = u;
    }
    r = normalise(s, e, data.length, isBit);
  } else if (argv.length === 2) {
    r = { start: 0, end: data.length - 1, firstMask: 0, lastMask: 0 };
  } else {
    return ERR_SYNTAX;
  }
  if (r.start > r.end) return ZERO;
  let count = popcount(data, r.start, r.end + 1);
  if (r.firstMask) count -= popcount(Buffer.from([data[r.start]! & r.firstMask]), 0, 1);
  if (r.lastMask) count -= popcount(Buffer.from([data[r.end]! & r.lastMask]), 0, 1);
  return int(count);
}

/** Position of the first `bit` in bytes; for 0 with none found, the bit just past them; for 1, -1. */
function firstBit(bytes: Buffer, bit: number): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bit ? bytes[i]! : ~bytes[i]! & 0xff;
    if (b !== 0) return i * 8 + Math.clz32(b) - 24;
  }
  return bit ? -1 : bytes.length * 8;
}

function bitpos(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const bitArg = llArg(argv[2]!);
  if (isErr(bitArg)) return bitArg;
  if (bitArg !== 0n && bitArg !== 1n) return error('ERR The bit argument must be 1 or 0.');
  const bit = Number(bitArg);
  const data = readString(ctx, argv[1]!);
  if (isErr(data)) return data;
  if (!data) return int(bit ? -1 : 0);
  let r: Range;
  let endGiven = false;
  if (argv.length >= 4 && argv.length <= 6) {
    const s = llArg(argv[3]!);
    if (isErr(s)) return s;
    let isBit = false;
    if (argv.length === 6) {
      const u = unitArg(argv[5]!);
      if (u === null) return ERR_SYNTAX;
      isBit = u;
    }
    let e: bigint;
    if (argv.length >= 5) {
      const parsed = llArg(argv[4]!);
      if (isErr(parsed)) return parsed;
      e = parsed;
      endGiven = true;
    } else {
      e = isBit ? BigInt(data.length * 8 + 7) : BigInt(data.length - 1);
    }
    r = normalise(s, e, data.length, isBit);
  } else if (argv.length === 3) {
    r = { start: 0, end: data.length - 1, firstMask: 0, lastMask: 0 };
  } else {
    return ERR_SYNTAX;
  }
  if (r.start > r.end) return int(-1);
  let start = r.start;
  let bytes = r.end - r.start + 1;
  let pos: number;
  // As Redis does: the edge bytes of a BIT range are searched with the bits outside the range forced to the other value.
  search: {
    if (r.firstMask) {
      let b = bit ? data[start]! & ~r.firstMask : data[start]! | r.firstMask;
      if (r.lastMask && bytes === 1) b = bit ? b & ~r.lastMask : b | r.lastMask;
      pos = firstBit(Buffer.from([b & 0xff]), bit);
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break search;
      start++;
      bytes--;
    }
    const whole = bytes - (r.lastMask ? 1 : 0);
    if (whole > 0) {
      pos = firstBit(data.subarray(start, start + whole), bit);
      if (bytes === whole || (pos !== -1 && pos !== whole * 8)) break search;
      start += whole;
      bytes -= whole;
    }
    const b = bit ? data[r.end]! & ~r.lastMask : data[r.end]! | r.lastMask;
    pos = firstBit(Buffer.from([b & 0xff]), bit);
  }
  if (endGiven && bit === 0 && pos === bytes * 8) return int(-1);
  return int(pos === -1 ? -1 : pos + start * 8);
}

function bitop(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const op = lower(argv[1]!);
  if (!['and', 'or', 'xor', 'not'].includes(op)) return ERR_SYNTAX;
  if (op === 'not' && argv.length !== 4) return error('ERR BITOP NOT must be called with a single source key.');
  const srcs: Buffer[] = [];
  for (const k of argv.slice(3)) {
    const d = readString(ctx, k);
    if (isErr(d)) return d;
    srcs.push(d ?? EMPTY);
  }
  const maxlen = Math.max(...srcs.map((s) => s.length));
  if (maxlen === 0) {
    ctx.db.getForWrite(argv[2]!, ctx.nowMs);
    if (ctx.db.delete(argv[2]!)) notify(ctx, Notify.generic, 'del', argv[2]!);
    return ZERO;
  }
  const out = Buffer.alloc(maxlen);
  for (let i = 0; i < maxlen; i++) {
    let acc = srcs[0]![i] ?? 0;
    if (op === 'not') acc = ~acc & 0xff;
    for (let j = 1; j < srcs.length; j++) {
      const b = srcs[j]![i] ?? 0;
      acc = op === 'and' ? acc & b : op === 'or' ? acc | b : acc ^ b;
    }
    out[i] = acc;
  }
  ctx.db.getForWrite(argv[2]!, ctx.nowMs);
  ctx.db.set(argv[2]!, { type: 'string', data: out });
  notify(ctx, Notify.string, 'set', argv[2]!);
  return int(maxlen);
}

// ---------------------------------------------------------------- BITFIELD

type Overflow = 'wrap' | 'sat' | 'fail';
interface FieldOp { op: 'get' | 'set' | 'incrby'; signed: boolean; bits: number; offset: number; value: bigint; overflow: Overflow }

const ERR_TYPE = error('ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.');

function fieldType(b: Buffer): { signed: boolean; bits: number } | ErrorReply {
  const t = b.toString('latin1');
  const signed = t[0] === 'i';
  if (!signed && t[0] !== 'u') return ERR_TYPE;
  const n = parseInt64(b.subarray(1));
  if (n === null || n < 1n || (signed && n > 64n) || (!signed && n > 63n)) return ERR_TYPE;
  return { signed, bits: Number(n) };
}

function readField(data: Buffer, offset: number, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i++) {
    const o = offset + i;
    const byte = o >> 3;
    const bit = byte < data.length ? (data[byte]! >> (7 - (o & 7))) & 1 : 0;
    v = (v << 1n) | BigInt(bit);
  }
  return v;
}

function writeField(data: Buffer, offset: number, bits: number, value: bigint): void {
  for (let i = 0; i < bits; i++) {
    const o = offset + i;
    const bit = Number((value >> BigInt(bits - 1 - i)) & 1n);
    const mask = 1 << (7 - (o & 7));
    data[o >> 3] = bit ? data[o >> 3]! | mask : data[o >> 3]! & ~mask;
  }
}

const i64 = (v: bigint) => BigInt.asIntN(64, v);
const u64 = (v: bigint) => BigInt.asUintN(64, v);

/** Redis's checkSignedBitfieldOverflow: 0 = fits, else 1/-1 with the wrapped or saturated value. */
function signedOverflow(value: bigint, incr: bigint, bits: number, how: Overflow): { over: number; limit: bigint } {
  const max = bits === 64 ? 2n ** 63n - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = i64(max - value), minincr = i64(min - value);
  const wrap = () => {
    let c = u64(value + incr);
    if (bits < 64) {
      const mask = u64(-1n << BigInt(bits));
      c = (c & (1n << BigInt(bits - 1))) !== 0n ? c | mask : c & ~mask & (2n ** 64n - 1n);
    }
    return i64(c);
  };
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) {
    return { over: 1, limit: how === 'wrap' ? wrap() : max };
  }
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) {
    return { over: -1, limit: how === 'wrap' ? wrap() : min };
  }
  return { over: 0, limit: 0n };
}

/** Redis's checkUnsignedBitfieldOverflow, with its int64 arithmetic. */
function unsignedOverflow(value: bigint, incr: bigint, bits: number, how: Overflow): { over: number; limit: bigint } {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = i64(max - value), minincr = i64(-value);
  const wrap = () => u64(value + incr) & max;
  if (value > max || (incr > 0n && incr > maxincr)) return { over: 1, limit: how === 'wrap' ? wrap() : max };
  if (incr < 0n && incr < minincr) return { over: -1, limit: how === 'wrap' ? wrap() : 0n };
  return { over: 0, limit: 0n };
}

function bitfield(readOnlyCommand: boolean) {
  return (ctx: CommandContext, argv: readonly Buffer[]): Reply => {
    const ops: FieldOp[] = [];
    let overflow: Overflow = 'wrap';
    let readonly = true;
    for (let j = 2; j < argv.length; j++) {
      const rem = argv.length - j - 1;
      const sub = lower(argv[j]!);
      let op: FieldOp['op'];
      if (sub === 'get' && rem >= 2) op = 'get';
      else if (sub === 'set' && rem >= 3) op = 'set';
      else if (sub === 'incrby' && rem >= 3) op = 'incrby';
      else if (sub === 'overflow' && rem >= 1) {
        const how = lower(argv[++j]!);
        if (how !== 'wrap' && how !== 'sat' && how !== 'fail') return error('ERR Invalid OVERFLOW type specified');
        overflow = how;
        continue;
      } else return ERR_SYNTAX;
      const t = fieldType(argv[j + 1]!);
      if (isErr(t)) return t;
      const offset = bitOffset(argv[j + 2]!, t.bits);
      if (isErr(offset)) return offset;
      let value = 0n;
      if (op !== 'get') {
        readonly = false;
        const v = llArg(argv[j + 3]!);
        if (isErr(v)) return v;
        value = v;
      }
      ops.push({ op, signed: t.signed, bits: t.bits, offset, value, overflow });
      j += op === 'get' ? 2 : 3;
    }
    if (!readonly && readOnlyCommand) return error('ERR BITFIELD_RO only supports the GET subcommand');
    let data: Buffer;
    let dirty = false, changes = 0;
    if (readonly) {
      const d = readString(ctx, argv[1]!);
      if (isErr(d)) return d;
      data = d ?? EMPTY;
    } else {
      const highest = Math.max(...ops.filter((o) => o.op !== 'get').map((o) => o.offset + o.bits - 1));
      const s = stringForBits(ctx, argv[1]!, highest >> 3);
      if (isErr(s)) return s;
      data = s.data;
      dirty = s.dirty;
    }
    const out: Reply[] = [];
    for (const o of ops) {
      const raw = readField(data, o.offset, o.bits);
      const old = o.signed && o.bits > 0 && raw >> BigInt(o.bits - 1) ? raw - (1n << BigInt(o.bits)) : raw;
      if (o.op === 'get') {
        out.push(int(old));
        continue;
      }
      let next: bigint, reply: bigint;
      let failed = false;
      if (o.signed) {
        const r = o.op === 'incrby' ? signedOverflow(old, o.value, o.bits, o.overflow) : signedOverflow(o.value, 0n, o.bits, o.overflow);
        next = r.over ? r.limit : o.op === 'incrby' ? old + o.value : o.value;
        reply = o.op === 'incrby' ? next : old;
        failed = r.over !== 0 && o.overflow === 'fail';
      } else {
        const value = o.op === 'set' ? u64(o.value) : o.value;
        const r = o.op === 'incrby' ? unsignedOverflow(old, value, o.bits, o.overflow) : unsignedOverflow(value, 0n, o.bits, o.overflow);
        next = r.over ? r.limit : o.op === 'incrby' ? u64(old + value) : value;
        reply = o.op === 'incrby' ? next : old;
        failed = r.over !== 0 && o.overflow === 'fail';
      }
      if (failed) {
        out.push(NIL);
        continue;
      }
      const written = u64(next) & ((1n << BigInt(o.bits)) - 1n);
      if (dirty || written !== raw) changes++;
      writeField(data, o.offset, o.bits, written);
      out.push(int(reply));
    }
    if (changes) notify(ctx, Notify.string, 'setbit', argv[1]!);
    return array(out);
  };
}

// ---------------------------------------------------------------- LCS

function lcs(ctx: CommandContext, argv: readonly Buffer[]): Reply {
  const ea = ctx.db.get(argv[1]!, ctx.nowMs), eb = ctx.db.get(argv[2]!, ctx.nowMs);
  if ((ea && ea.value.type !== 'string') || (eb && eb.value.type !== 'string')) return error('ERR The specified keys must contain string values');
  const a = ea ? (ea.value as { data: Buffer }).data : EMPTY;
  const b = eb ? (eb.value as { data: Buffer }).data : EMPTY;
  let getIdx = false, getLen = false, withMatchLen = false, minMatchLen = 0n;
  for (let j = 3; j < argv.length; j++) {
    const opt = lower(argv[j]!);
    const more = argv.length - 1 - j;
    if (opt === 'idx') getIdx = true;
    else if (opt === 'len') getLen = true;
    else if (opt === 'withmatchlen') withMatchLen = true;
    else if (opt === 'minmatchlen' && more > 0) {
      const v = llArg(argv[++j]!);
      if (isErr(v)) return v;
      minMatchLen = v < 0n ? 0n : v;
    } else return ERR_SYNTAX;
  }
  if (getIdx && getLen) return error('ERR If you want both the length and indexes, please just use IDX.');
  const alen = a.length, blen = b.length, w = blen + 1;
  if ((alen + 1) * w > 256 * 1024 * 1024) return error('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  const dp = new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    for (let j = 1; j <= blen; j++) {
      dp[i * w + j] = a[i - 1] === b[j - 1] ? dp[(i - 1) * w + j - 1]! + 1 : Math.max(dp[(i - 1) * w + j]!, dp[i * w + j - 1]!);
    }
  }
  const total = dp[alen * w + blen]!;
  const computeLcs = getIdx || !getLen;
  const result = Buffer.alloc(total);
  const ranges: Reply[] = [];
  let idx = total;
  let i = alen, j = blen;
  let aStart = alen, aEnd = 0, bStart = 0, bEnd = 0;
  // Walk back through the table as Redis does, emitting each contiguous match range once it ends.
  while (computeLcs && i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1]!;
      if (aStart === alen) {
        aStart = i - 1; aEnd = i - 1; bStart = j - 1; bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--; bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--; i--; j--;
    } else {
      if (dp[(i - 1) * w + j]! > dp[i * w + j - 1]!) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    const matchLen = aEnd - aStart + 1;
    if (emit) {
      if (getIdx && (minMatchLen === 0n || BigInt(matchLen) >= minMatchLen)) {
        const item: Reply[] = [array([int(aStart), int(aEnd)]), array([int(bStart), int(bEnd)])];
        if (withMatchLen) item.push(int(matchLen));
        ranges.push(array(item));
      }
      aStart = alen;
    }
  }
  if (getIdx) return map([bulk(Buffer.from('matches')), array(ranges), bulk(Buffer.from('len')), int(total)]);
  if (getLen) return int(idx);
  return bulk(result);
}

const key1 = { firstKey: 1, lastKey: 1, keyStep: 1, group: 'bitmap' } as const;

export const bitmapCommands: readonly StoreCommand[] = [
  { ...key1, name: 'setbit', arity: 4, flags: ['write', 'denyoom'], summary: 'Sets or clears the bit at offset of the string value.', since: '2.2.0', handler: setbit },
  { ...key1, name: 'getbit', arity: 3, flags: ['readonly', 'fast'], summary: 'Returns a bit value by offset.', since: '2.2.0', handler: getbit },
  { ...key1, name: 'bitcount', arity: -2, flags: ['readonly'], summary: 'Counts the number of set bits (population counting) in a string.', since: '2.6.0', handler: bitcount },
  { ...key1, name: 'bitpos', arity: -3, flags: ['readonly'], summary: 'Finds the first set (1) or clear (0) bit in a string.', since: '2.8.7', handler: bitpos },
  { ...key1, firstKey: 2, lastKey: -1, name: 'bitop', arity: -4, flags: ['write', 'denyoom'], summary: 'Performs bitwise operations on multiple strings, and stores the result.', since: '2.6.0', handler: bitop },
  { ...key1, name: 'bitfield', arity: -2, flags: ['write', 'denyoom'], summary: 'Performs arbitrary bitfield integer operations on strings.', since: '3.2.0', handler: bitfield(false) },
  { ...key1, name: 'bitfield_ro', arity: -2, flags: ['readonly', 'fast'], summary: 'Performs arbitrary read-only bitfield integer operations on strings.', since: '6.0.0', handler: bitfield(true) },
  { ...key1, lastKey: 2, group: 'string', name: 'lcs', arity: -3, flags: ['readonly'], summary: 'Finds the longest common substring.', since: '7.0.0', handler: lcs },
];
