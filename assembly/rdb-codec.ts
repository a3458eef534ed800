// RDB (Redis's snapshot format, version 10 as Redis 7.0 writes it): the
// byte-level codec. Batch-shaped both ways, and the CRC64 of everything
// written or read runs alongside in the same call.
//
// Writing: the host lays out an item stream, each item
//   u8 tag 0 RAW: u32 n, n bytes copied as they are (opcodes, fixed-width numbers)
//   u8 tag 1 STR: u32 n, n bytes written as an RDB string (integer-encoded when Redis would)
//   u8 tag 2 LEN: u64 written as an RDB length
//   u8 tag 3 LP_BEGIN: starts a listpack, written as one RDB string (stream nodes)
//   u8 tag 4 LP_STR: u32 n, n bytes: a listpack element from a string (lpAppend:
//                    integer-encoded when the bytes are a canonical int64)
//   u8 tag 5 LP_INT: i64: a listpack integer element (lpAppendInteger)
//   u8 tag 6 LP_END: closes the listpack (terminator, header, RDB length before it)
// and rdbEncode turns a batch of them into RDB bytes.
//
// Reading: rdbDecode walks RDB bytes and emits 24-byte tokens
//   u32 kind, u32 offset, u32 length, u32 reserved, u64 number
// stopping at the end of the last whole top-level record it could read.
import { crc64 } from './crc64';

const TAG_RAW: u8 = 0;
const TAG_STR: u8 = 1;
const TAG_LEN: u8 = 2;
const TAG_LP_BEGIN: u8 = 3;
const TAG_LP_STR: u8 = 4;
const TAG_LP_INT: u8 = 5;
const TAG_LP_END: u8 = 6;

let lastCrc: u64 = 0;
export function rdbLastCrc(): u64 { return lastCrc; }

@inline function putLen(out: usize, v: u64): usize {
  if (v < 64) {
    store<u8>(out, <u8>v);
    return 1;
  }
  if (v < 16384) {
    store<u8>(out, <u8>(0x40 | (v >> 8)));
    store<u8>(out + 1, <u8>(v & 0xff));
    return 2;
  }
  if (v <= 0xffffffff) {
    store<u8>(out, 0x80);
    store<u32>(out + 1, bswap<u32>(<u32>v));
    return 5;
  }
  store<u8>(out, 0x81);
  store<u64>(out + 1, bswap<u64>(v));
  return 9;
}

/** Redis writes a string that is a canonical decimal int32 in 1, 2 or 4 bytes. Returns bytes written, 0 if not such. */
function putIntString(out: usize, p: usize, n: u32): usize {
  if (n == 0 || n > 11) return 0;
  let i: u32 = 0;
  let neg = false;
  if (load<u8>(p) == 45) { // '-'
    if (n == 1) return 0;
    neg = true;
    i = 1;
  }
  const first = load<u8>(p + i);
  if (first < 48 || first > 57) return 0;
  if (first == 48 && n > 1) return 0; // leading zero or "-0": not canonical
  let v: i64 = 0;
  for (; i < n; i++) {
    const c = load<u8>(p + i);
    if (c < 48 || c > 57) return 0;
    v = v * 10 + <i64>(c - 48);
  }
  if (neg) v = -v;
  if (v >= -128 && v <= 127) {
    store<u8>(out, 0xc0);
    store<i8>(out + 1, <i8>v);
    return 2;
  }
  if (v >= -32768 && v <= 32767) {
    store<u8>(out, 0xc1);
    store<i16>(out + 1, <i16>v);
    return 3;
  }
  if (v >= -2147483648 && v <= 2147483647) {
    store<u8>(out, 0xc2);
    store<i32>(out + 1, <i32>v);
    return 5;
  }
  return 0;
}

// ------------------------------------------------------------- listpack writing (listpack.c)

/** The integer lpStringToInt found. */
let lpIntValue: i64 = 0;

/** lpStringToInt64: the bytes are a canonical decimal int64 (no sign on 0, no leading zeros). Sets lpIntValue. */
function lpStringToInt(p: usize, n: u32): bool {
  if (n == 0 || n >= 21) return false;
  if (n == 1 && load<u8>(p) == 48) {
    lpIntValue = 0;
    return true;
  }
  let i: u32 = 0;
  let neg = false;
  if (load<u8>(p) == 45) { // '-'
    if (n == 1) return false;
    neg = true;
    i = 1;
  }
  const first = load<u8>(p + i);
  if (first < 49 || first > 57) return false;
  let v: u64 = <u64>(first - 48);
  for (i++; i < n; i++) {
    const c = load<u8>(p + i);
    if (c < 48 || c > 57) return false;
    if (v > u64.MAX_VALUE / 10) return false;
    v *= 10;
    const d = <u64>(c - 48);
    if (v > u64.MAX_VALUE - d) return false;
    v += d;
  }
  if (neg) {
    if (v > 0x8000000000000000) return false;
    lpIntValue = <i64>(0 - v);
  } else {
    if (v > 0x7fffffffffffffff) return false;
    lpIntValue = <i64>v;
  }
  return true;
}

/** lpEncodeBacklen: the size `l` of the element before it, read right to left. */
function lpPutBacklen(o: usize, l: u64): usize {
  if (l <= 127) {
    store<u8>(o, <u8>l);
    return 1;
  }
  if (l < 16383) {
    store<u8>(o, <u8>(l >> 7));
    store<u8>(o + 1, <u8>((l & 127) | 128));
    return 2;
  }
  if (l < 2097151) {
    store<u8>(o, <u8>(l >> 14));
    store<u8>(o + 1, <u8>(((l >> 7) & 127) | 128));
    store<u8>(o + 2, <u8>((l & 127) | 128));
    return 3;
  }
  if (l < 268435455) {
    store<u8>(o, <u8>(l >> 21));
    store<u8>(o + 1, <u8>(((l >> 14) & 127) | 128));
    store<u8>(o + 2, <u8>(((l >> 7) & 127) | 128));
    store<u8>(o + 3, <u8>((l & 127) | 128));
    return 4;
  }
  store<u8>(o, <u8>(l >> 28));
  store<u8>(o + 1, <u8>(((l >> 21) & 127) | 128));
  store<u8>(o + 2, <u8>(((l >> 14) & 127) | 128));
  store<u8>(o + 3, <u8>(((l >> 7) & 127) | 128));
  store<u8>(o + 4, <u8>((l & 127) | 128));
  return 5;
}

/** An integer element in the smallest encoding that holds it (lpEncodeIntegerGetType), with its back length. */
function lpPutInt(o: usize, v: i64): usize {
  let n: usize;
  if (v >= 0 && v <= 127) {
    store<u8>(o, <u8>v);
    n = 1;
  } else if (v >= -4096 && v <= 4095) {
    const u = <u32>v & 0x1fff;
    store<u8>(o, <u8>(0xc0 | (u >> 8)));
    store<u8>(o + 1, <u8>(u & 0xff));
    n = 2;
  } else if (v >= -32768 && v <= 32767) {
    store<u8>(o, 0xf1);
    store<i16>(o + 1, <i16>v);
    n = 3;
  } else if (v >= -8388608 && v <= 8388607) {
    store<u8>(o, 0xf2);
    store<u16>(o + 1, <u16>(<u32>v & 0xffff));
    store<u8>(o + 3, <u8>((<u32>v >> 16) & 0xff));
    n = 4;
  } else if (v >= -2147483648 && v <= 2147483647) {
    store<u8>(o, 0xf3);
    store<i32>(o + 1, <i32>v);
    n = 5;
  } else {
    store<u8>(o, 0xf4);
    store<i64>(o + 1, v);
    n = 9;
  }
  return n + lpPutBacklen(o + n, <u64>n);
}

/** A string element (lpAppend): as an integer when it is one, else 6-, 12- or 32-bit length, the bytes, the back length. */
function lpPutStr(o: usize, p: usize, n: u32): usize {
  if (lpStringToInt(p, n)) return lpPutInt(o, lpIntValue);
  let h: usize;
  if (n < 64) {
    store<u8>(o, <u8>(0x80 | n));
    h = 1;
  } else if (n < 4096) {
    store<u8>(o, <u8>(0xe0 | (n >> 8)));
    store<u8>(o + 1, <u8>(n & 0xff));
    h = 2;
  } else {
    store<u8>(o, 0xf0);
    store<u32>(o + 1, n);
    h = 5;
  }
  memory.copy(o + h, p, n);
  const l = h + <usize>n;
  return l + lpPutBacklen(o + l, <u64>l);
}

/** Room left before a listpack for its RDB length (a listpack's size fits in 32 bits: at most 5 bytes). */
const LP_PREFIX: usize = 5;
/** Listpack header: total bytes u32, element count u16. */
const LP_HEADER: usize = 6;

/** Encodes `len` bytes of items at `items` into `out`; returns the bytes written. CRC64 continues from `crc`. */
export function rdbEncode(items: usize, len: usize, out: usize, crc: u64): usize {
  let p = items;
  const end = items + len;
  let o = out;
  let lpAt: usize = 0; // where the open listpack's RDB length goes; the listpack follows LP_PREFIX bytes later
  let lpCount: u32 = 0;
  while (p < end) {
    const tag = load<u8>(p);
    if (tag == TAG_LEN) {
      o += putLen(o, load<u64>(p + 1));
      p += 9;
      continue;
    }
    if (tag == TAG_LP_INT) {
      o += lpPutInt(o, load<i64>(p + 1));
      lpCount++;
      p += 9;
      continue;
    }
    if (tag == TAG_LP_BEGIN) {
      lpAt = o;
      lpCount = 0;
      o += LP_PREFIX + LP_HEADER;
      p += 1;
      continue;
    }
    if (tag == TAG_LP_END) {
      store<u8>(o, 0xff);
      o++;
      const lp = lpAt + LP_PREFIX;
      const total = <u32>(o - lp);
      store<u32>(lp, total);
      // 65535 means "count unknown", as lpInsert leaves it once the count gets there.
      store<u16>(lp + 4, <u16>(lpCount < 0xffff ? lpCount : 0xffff));
      // The RDB string's length goes right before the listpack: slide it down over the unused room.
      const h = putLen(lpAt, <u64>total);
      memory.copy(lpAt + h, lp, total);
      o = lpAt + h + total;
      p += 1;
      continue;
    }
    const n = load<u32>(p + 1);
    const data = p + 5;
    if (tag == TAG_RAW) {
      memory.copy(o, data, n);
      o += n;
    } else if (tag == TAG_STR) {
      const asInt = putIntString(o, data, n);
      if (asInt > 0) {
        o += asInt;
      } else {
        o += putLen(o, n);
        memory.copy(o, data, n);
        o += n;
      }
    } else if (tag == TAG_LP_STR) {
      o += lpPutStr(o, data, n);
      lpCount++;
    } else {
      unreachable();
    }
    p = data + n;
  }
  lastCrc = crc64(crc, out, o - out);
  return o - out;
}

// ------------------------------------------------------------- reading

export const TOK_VERSION: u32 = 1;
export const TOK_AUX: u32 = 2;
export const TOK_SELECTDB: u32 = 3;
export const TOK_RESIZEDB: u32 = 4;
export const TOK_EXPIRE_MS: u32 = 5;
export const TOK_KEY: u32 = 6;
export const TOK_STR: u32 = 7;
export const TOK_INT: u32 = 8;
export const TOK_DOUBLE: u32 = 9;
export const TOK_EOF: u32 = 10;
export const TOK_LEN: u32 = 11; // a plain RDB length in num (stream metadata and counts)
export const TOK_LISTPACK: u32 = 12; // a stream node's listpack: its bytes (offset, length, area), element count in num; its elements follow
const TOKEN_SIZE: usize = 24;

export const ERR_NONE: u32 = 0;
export const ERR_NOT_RDB: u32 = 1; // no "REDIS" magic
export const ERR_VERSION: u32 = 2; // a version this reader does not know
export const ERR_OPCODE: u32 = 3; // unknown opcode or value type
export const ERR_LZF: u32 = 4; // an LZF-compressed string that does not decompress to its stated length
export const ERR_CRC: u32 = 5; // the trailer does not match
export const ERR_AFTER_EOF: u32 = 6; // bytes after the trailer
export const ERR_LENGTH: u32 = 7; // a length no buffer could hold
export const ERR_PACKED: u32 = 8; // a damaged ziplist, listpack, intset or zipmap
export const ERR_TYPE: u32 = 9; // a value type this reader does not take (modules)

// Why a call stopped before the end of its input (rdbShort()).
const SHORT_INPUT: u32 = 1; // the input ends inside a record
const SHORT_TOKENS: u32 = 2; // the token area is full
const SHORT_EXTRA: u32 = 4; // the area for decompressed strings is full

// Where a STR token's bytes are: the input, or the host's area for decompressed strings.
const AREA_INPUT: u32 = 0;
const AREA_EXTRA: u32 = 1;

// RDB value types (rdb.h), and the plain type each one is reported as.
const T_STRING: u8 = 0;
const T_LIST: u8 = 1;
const T_SET: u8 = 2;
const T_ZSET: u8 = 3; // scores as text
const T_HASH: u8 = 4;
const T_ZSET_2: u8 = 5; // scores as binary doubles
const T_MODULE: u8 = 6;
const T_MODULE_2: u8 = 7;
const T_HASH_ZIPMAP: u8 = 9;
const T_LIST_ZIPLIST: u8 = 10;
const T_SET_INTSET: u8 = 11;
const T_ZSET_ZIPLIST: u8 = 12;
const T_HASH_ZIPLIST: u8 = 13;
const T_LIST_QUICKLIST: u8 = 14;
const T_STREAM: u8 = 15;
const T_HASH_LISTPACK: u8 = 16;
const T_ZSET_LISTPACK: u8 = 17;
const T_LIST_QUICKLIST_2: u8 = 18;
const T_STREAM_2: u8 = 19;

/** The plain type (0 string, 1 list, 2 set, 4 hash, 5 zset, 15 stream) of an RDB value type; 255 unknown, 254 not taken. */
function plainType(t: u8): u8 {
  if (t == T_STRING) return 0;
  if (t == T_LIST || t == T_LIST_ZIPLIST || t == T_LIST_QUICKLIST || t == T_LIST_QUICKLIST_2) return 1;
  if (t == T_SET || t == T_SET_INTSET) return 2;
  if (t == T_HASH || t == T_HASH_ZIPMAP || t == T_HASH_ZIPLIST || t == T_HASH_LISTPACK) return 4;
  if (t == T_ZSET || t == T_ZSET_2 || t == T_ZSET_ZIPLIST || t == T_ZSET_LISTPACK) return 5;
  if (t == T_STREAM || t == T_STREAM_2) return 15;
  if (t == T_MODULE || t == T_MODULE_2) return 254;
  return 255;
}

let consumed: u32 = 0;
let errCode: u32 = 0;
let errOffset: u32 = 0;
let finished: bool = false;
let shortWhy: u32 = 0;
let extraWanted: u32 = 0;

export function rdbConsumed(): u32 { return consumed; }
export function rdbErrorCode(): u32 { return errCode; }
export function rdbErrorOffset(): u32 { return errOffset; }
export function rdbFinished(): bool { return finished; }
/** Why the last call stopped early: 1 the input ended mid-record, 2 tokens ran out, 4 the decompression area ran out. */
export function rdbShort(): u32 { return shortWhy; }
/** Bytes of the decompression area the last call used (the host copies them out). */
export function rdbExtraUsed(): u32 { return extraUsed; }
/** When the decompression area ran out: the size that record needed. */
export function rdbExtraWanted(): u32 { return extraWanted; }

// Parser cursor for one call.
let buf: usize = 0;
let bufLen: u32 = 0;
let pos: u32 = 0;
let short: bool = false; // stopped mid-record (shortWhy says why)
let tokens: usize = 0;
let nTok: u32 = 0;
let maxTok: u32 = 0;
let extraBase: usize = 0;
let extraCap: u32 = 0;
let extraUsed: u32 = 0;

function begin(input: usize, len: u32, out: usize, maxTokens: u32, extra: usize, extraSize: u32): void {
  buf = input;
  bufLen = len;
  pos = 0;
  tokens = out;
  nTok = 0;
  maxTok = maxTokens;
  extraBase = extra;
  extraCap = extraSize;
  extraUsed = 0;
  extraWanted = 0;
  errCode = ERR_NONE;
  errOffset = 0;
  finished = false;
  consumed = 0;
  short = false;
  shortWhy = 0;
}

@inline function need(n: u32): bool {
  if (pos + n > bufLen || pos + n < pos) {
    short = true;
    shortWhy |= SHORT_INPUT;
    return false;
  }
  return true;
}

function emit(kind: u32, off: u32, len: u32, num: u64, area: u32 = AREA_INPUT): void {
  if (nTok >= maxTok) {
    short = true;
    shortWhy |= SHORT_TOKENS;
    return;
  }
  const t = tokens + <usize>nTok * TOKEN_SIZE;
  store<u32>(t, kind);
  store<u32>(t, off, 4);
  store<u32>(t, len, 8);
  store<u32>(t, area, 12);
  store<u64>(t, num, 16);
  nTok++;
}

@inline function stopped(): bool {
  return short || errCode != ERR_NONE;
}

function fail(code: u32, at: u32): void {
  if (errCode == ERR_NONE) {
    errCode = code;
    errOffset = at;
  }
}

/** An RDB length; sets `encoded` for the special string encodings (11xxxxxx). */
let encoded: bool = false;
function readLen(): u64 {
  encoded = false;
  if (!need(1)) return 0;
  const b = load<u8>(buf + pos);
  const kind = b >> 6;
  if (kind == 0) {
    pos += 1;
    return <u64>(b & 0x3f);
  }
  if (kind == 1) {
    if (!need(2)) return 0;
    const v = (<u64>(b & 0x3f) << 8) | <u64>load<u8>(buf + pos + 1);
    pos += 2;
    return v;
  }
  if (kind == 3) {
    encoded = true;
    pos += 1;
    return <u64>(b & 0x3f);
  }
  if (b == 0x80) {
    if (!need(5)) return 0;
    const v = <u64>bswap<u32>(load<u32>(buf + pos + 1));
    pos += 5;
    return v;
  }
  if (b == 0x81) {
    if (!need(9)) return 0;
    const v = bswap<u64>(load<u64>(buf + pos + 1));
    pos += 9;
    return v;
  }
  fail(ERR_OPCODE, pos);
  return 0;
}

/** A plain length (no string encoding allowed). */
function readCount(): u64 {
  const at = pos;
  const n = readLen();
  if (!stopped() && encoded) fail(ERR_OPCODE, at);
  return n;
}

// ------------------------------------------------------------- LZF

/** lzf_decompress's format: `slen` bytes at `src` must expand to exactly `dlen` bytes at `dst`. */
function lzfDecompress(src: usize, slen: u32, dst: usize, dlen: u32): bool {
  let ip: u32 = 0;
  let op: u32 = 0;
  while (ip < slen) {
    let ctrl = <u32>load<u8>(src + ip);
    ip++;
    if (ctrl < 32) {
      // A run of ctrl+1 literal bytes.
      const n = ctrl + 1;
      if (<u64>op + n > <u64>dlen || <u64>ip + n > <u64>slen) return false;
      memory.copy(dst + op, src + ip, n);
      op += n;
      ip += n;
      continue;
    }
    // A back reference: length in the top 3 bits (7 = one more length byte), distance in 13 bits.
    let n = ctrl >> 5;
    if (ip >= slen) return false;
    if (n == 7) {
      n += <u32>load<u8>(src + ip);
      ip++;
      if (ip >= slen) return false;
    }
    const back = ((ctrl & 0x1f) << 8) + <u32>load<u8>(src + ip) + 1;
    ip++;
    n += 2;
    if (back > op || <u64>op + n > <u64>dlen) return false;
    const from = dst + op - back;
    if (back >= n) {
      memory.copy(dst + op, from, n);
    } else {
      // Overlapping: the copy reads bytes it has just written.
      for (let i: u32 = 0; i < n; i++) store<u8>(dst + op + i, load<u8>(from + i));
    }
    op += n;
  }
  return op == dlen;
}

// ------------------------------------------------------------- strings

// The last string read by readBlob: its bytes (area, offset, length) or an integer.
let blobArea: u32 = 0;
let blobOff: u32 = 0;
let blobLen: u32 = 0;
let blobIsInt: bool = false;
let blobInt: i64 = 0;

@inline function areaBase(area: u32): usize {
  return area == AREA_EXTRA ? extraBase : buf;
}

/** Reads one RDB string into the blob* fields; false when it stopped (short input or an error). */
function readBlob(): bool {
  const at = pos;
  const n = readLen();
  if (stopped()) return false;
  blobIsInt = false;
  if (!encoded) {
    if (n > 0xffffffff) {
      fail(ERR_LENGTH, at);
      return false;
    }
    if (!need(<u32>n)) return false;
    blobArea = AREA_INPUT;
    blobOff = pos;
    blobLen = <u32>n;
    pos += <u32>n;
    return true;
  }
  if (n == 0) {
    if (!need(1)) return false;
    blobInt = <i64>load<i8>(buf + pos);
    pos += 1;
  } else if (n == 1) {
    if (!need(2)) return false;
    blobInt = <i64>load<i16>(buf + pos);
    pos += 2;
  } else if (n == 2) {
    if (!need(4)) return false;
    blobInt = <i64>load<i32>(buf + pos);
    pos += 4;
  } else if (n == 3) {
    return readLzf(at);
  } else {
    fail(ERR_OPCODE, at);
    return false;
  }
  blobIsInt = true;
  return true;
}

/** An LZF-compressed string: compressed length, plain length, data; decompressed into the extra area. */
function readLzf(at: u32): bool {
  const clen = readCount();
  if (stopped()) return false;
  const ulen = readCount();
  if (stopped()) return false;
  if (clen > 0xffffffff || ulen > 0xffffffff) {
    fail(ERR_LENGTH, at);
    return false;
  }
  if (!need(<u32>clen)) return false;
  if (<u64>extraUsed + ulen > <u64>extraCap) {
    const want = <u64>extraUsed + ulen;
    extraWanted = want > 0xffffffff ? 0xffffffff : <u32>want;
    short = true;
    shortWhy |= SHORT_EXTRA;
    return false;
  }
  if (!lzfDecompress(buf + pos, <u32>clen, extraBase + extraUsed, <u32>ulen)) {
    fail(ERR_LZF, at);
    return false;
  }
  blobArea = AREA_EXTRA;
  blobOff = extraUsed;
  blobLen = <u32>ulen;
  extraUsed += <u32>ulen;
  pos += <u32>clen;
  return true;
}

/** An RDB string as a STR or INT token. */
function readString(): void {
  if (!readBlob()) return;
  if (blobIsInt) emit(TOK_INT, 0, 0, <u64>blobInt);
  else emit(TOK_STR, blobOff, blobLen, 0, blobArea);
}

/** A string that holds a packed structure (never an integer). */
function readPacked(): bool {
  const at = pos;
  if (!readBlob()) return false;
  if (blobIsInt) {
    fail(ERR_PACKED, at);
    return false;
  }
  return true;
}

// ------------------------------------------------------------- packed encodings
// Each walks one structure in area `area` at [off, off+len), validates it
// whole (sizes, terminators, back lengths, counts) and emits its elements as
// STR/INT tokens. They return the element count, or -1 after fail().

let packedAt: u32 = 0; // input offset of the string holding the structure, for errors

function packedBad(): i64 {
  fail(ERR_PACKED, packedAt);
  return -1;
}

@inline function emitInt(v: i64): void {
  emit(TOK_INT, 0, 0, <u64>v);
}

/** ziplist.c: zlbytes u32, zltail u32, zllen u16, entries, 0xff. */
function walkZiplist(area: u32, off: u32, len: u32): i64 {
  const zl = areaBase(area) + off;
  if (len < 11) return packedBad();
  if (load<u32>(zl) != len || load<u8>(zl + len - 1) != 0xff) return packedBad();
  const tail = load<u32>(zl + 4);
  if (tail > len - 1) return packedBad();
  const headerCount = <u32>load<u16>(zl + 8);
  const last: u32 = len - 1; // offset of the terminator
  let p: u32 = 10;
  let count: u32 = 0;
  let prevSize: u32 = 0;
  let prevStart: u32 = 0;
  while (load<u8>(zl + p) != 0xff) {
    // Previous entry's length: 1 byte, or 0xfe then u32.
    let prevLen: u32;
    let h: u32;
    if (load<u8>(zl + p) < 254) {
      prevLen = <u32>load<u8>(zl + p);
      h = 1;
    } else {
      if (p + 5 > last) return packedBad();
      prevLen = load<u32>(zl + p + 1);
      h = 5;
    }
    if (prevLen != prevSize) return packedBad();
    if (p + h >= last) return packedBad();
    const enc = load<u8>(zl + p + h);
    let dataLen: u64 = 0;
    let isInt = false;
    let v: i64 = 0;
    if (enc < 0xc0) {
      const kind = enc >> 6;
      if (kind == 0) {
        dataLen = <u64>(enc & 0x3f);
        h += 1;
      } else if (kind == 1) {
        if (p + h + 2 > last) return packedBad();
        dataLen = (<u64>(enc & 0x3f) << 8) | <u64>load<u8>(zl + p + h + 1);
        h += 2;
      } else {
        if (p + h + 5 > last) return packedBad();
        dataLen = <u64>bswap<u32>(load<u32>(zl + p + h + 1));
        h += 5;
      }
    } else {
      isInt = true;
      h += 1;
      if (enc == 0xc0) dataLen = 2;
      else if (enc == 0xd0) dataLen = 4;
      else if (enc == 0xe0) dataLen = 8;
      else if (enc == 0xf0) dataLen = 3;
      else if (enc == 0xfe) dataLen = 1;
      else if (enc >= 0xf1 && enc <= 0xfd) dataLen = 0;
      else return packedBad();
    }
    const end = <u64>p + <u64>h + dataLen;
    if (end > <u64>last) return packedBad();
    const d = zl + p + h;
    if (isInt) {
      if (enc == 0xc0) v = <i64>load<i16>(d);
      else if (enc == 0xd0) v = <i64>load<i32>(d);
      else if (enc == 0xe0) v = load<i64>(d);
      else if (enc == 0xf0) v = <i64>((<i32>(<u32>load<u16>(d) | (<u32>load<u8>(d + 2) << 16)) << 8) >> 8);
      else if (enc == 0xfe) v = <i64>load<i8>(d);
      else v = <i64>(enc & 0x0f) - 1;
      emitInt(v);
    } else {
      emit(TOK_STR, off + p + h, <u32>dataLen, 0, area);
    }
    if (short) return -1;
    prevStart = p;
    prevSize = <u32>end - p;
    p = <u32>end;
    count++;
  }
  if (p != last) return packedBad();
  if (count > 0 && prevStart != tail) return packedBad();
  if (headerCount != 0xffff && headerCount != count) return packedBad();
  return <i64>count;
}

/** Bytes lpEncodeBacklen uses for an entry of `l` bytes. */
function backlenSize(l: u64): u32 {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** listpack.c: total u32, count u16, entries (encoding, data, back length), 0xff. */
function walkListpack(area: u32, off: u32, len: u32): i64 {
  const lp = areaBase(area) + off;
  if (len < 7) return packedBad();
  if (load<u32>(lp) != len || load<u8>(lp + len - 1) != 0xff) return packedBad();
  const headerCount = <u32>load<u16>(lp + 4);
  const last: u32 = len - 1;
  let p: u32 = 6;
  let count: u32 = 0;
  while (load<u8>(lp + p) != 0xff) {
    const b = load<u8>(lp + p);
    let h: u32 = 1; // encoding bytes before the data
    let dataLen: u64 = 0;
    let isInt = true;
    let v: i64 = 0;
    if ((b & 0x80) == 0) {
      v = <i64>(b & 0x7f);
    } else if ((b & 0xc0) == 0x80) {
      isInt = false;
      dataLen = <u64>(b & 0x3f);
    } else if ((b & 0xe0) == 0xc0) {
      h = 2;
    } else if ((b & 0xf0) == 0xe0) {
      isInt = false;
      h = 2;
    } else if (b == 0xf0) {
      isInt = false;
      h = 5;
    } else if (b == 0xf1) {
      dataLen = 2;
    } else if (b == 0xf2) {
      dataLen = 3;
    } else if (b == 0xf3) {
      dataLen = 4;
    } else if (b == 0xf4) {
      dataLen = 8;
    } else {
      return packedBad();
    }
    if (p + h > last) return packedBad();
    const d = lp + p + 1;
    if ((b & 0xe0) == 0xc0) {
      const u = (<u32>(b & 0x1f) << 8) | <u32>load<u8>(d);
      v = u >= 4096 ? <i64>u - 8192 : <i64>u;
    } else if ((b & 0xf0) == 0xe0) {
      dataLen = (<u64>(b & 0x0f) << 8) | <u64>load<u8>(d);
    } else if (b == 0xf0) {
      dataLen = <u64>load<u32>(d);
    }
    const entryLen = <u64>h + dataLen;
    const total = entryLen + <u64>backlenSize(entryLen);
    if (<u64>p + total > <u64>last) return packedBad();
    // The back length, read backwards from the entry's last byte, must give the entry's size.
    let q = p + <u32>total - 1;
    let back: u64 = 0;
    let shift: u64 = 0;
    for (;;) {
      const c = load<u8>(lp + q);
      back |= <u64>(c & 127) << shift;
      if ((c & 128) == 0) break;
      shift += 7;
      q--;
      if (shift > 28) return packedBad();
    }
    if (back != entryLen) return packedBad();
    if (isInt) {
      if (b == 0xf1) v = <i64>load<i16>(lp + p + 1);
      else if (b == 0xf2) v = <i64>((<i32>(<u32>load<u16>(lp + p + 1) | (<u32>load<u8>(lp + p + 3) << 16)) << 8) >> 8);
      else if (b == 0xf3) v = <i64>load<i32>(lp + p + 1);
      else if (b == 0xf4) v = load<i64>(lp + p + 1);
      emitInt(v);
    } else {
      emit(TOK_STR, off + p + h, <u32>dataLen, 0, area);
    }
    if (short) return -1;
    p += <u32>total;
    count++;
  }
  if (p != last) return packedBad();
  if (headerCount != 0xffff && headerCount != count) return packedBad();
  return <i64>count;
}

/** intset.c: encoding u32 (2, 4, 8), count u32, ascending integers. Not empty. */
function walkIntset(area: u32, off: u32, len: u32): i64 {
  const is = areaBase(area) + off;
  if (len < 8) return packedBad();
  const width = load<u32>(is);
  const count = load<u32>(is + 4);
  if (width != 2 && width != 4 && width != 8) return packedBad();
  if (<u64>8 + <u64>count * <u64>width != <u64>len || count == 0) return packedBad();
  let prev: i64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const at = is + 8 + <usize>i * width;
    const v: i64 = width == 2 ? <i64>load<i16>(at) : width == 4 ? <i64>load<i32>(at) : load<i64>(at);
    if (i > 0 && v <= prev) return packedBad(); // duplicates or out of order
    prev = v;
    emitInt(v);
    if (short) return -1;
  }
  return <i64>count;
}

/** zipmap.c (hashes from Redis 2.4 and older): count u8, then len field len free value [free], 0xff. */
function walkZipmap(area: u32, off: u32, len: u32): i64 {
  const zm = areaBase(area) + off;
  if (len < 2 || load<u8>(zm + len - 1) != 0xff) return packedBad();
  const last: u32 = len - 1;
  let p: u32 = 1;
  let count: u32 = 0;
  while (load<u8>(zm + p) != 0xff) {
    for (let half = 0; half < 2; half++) {
      let n: u64;
      if (load<u8>(zm + p) < 254) {
        n = <u64>load<u8>(zm + p);
        p += 1;
      } else {
        if (p + 5 > last) return packedBad();
        n = <u64>load<u32>(zm + p + 1);
        p += 5;
      }
      let free: u32 = 0;
      if (half == 1) {
        if (p >= last) return packedBad();
        free = <u32>load<u8>(zm + p);
        p += 1;
      }
      if (<u64>p + n + <u64>free > <u64>last) return packedBad();
      emit(TOK_STR, off + p, <u32>n, 0, area);
      if (short) return -1;
      p += <u32>n + free;
    }
    count++;
  }
  if (p != last || count == 0) return packedBad();
  const zmlen = <u32>load<u8>(zm);
  if (zmlen < 254 && zmlen != count) return packedBad();
  return <i64>(count * 2);
}

// ------------------------------------------------------------- values

/** A KEY token announcing a value: plain type in its length, the RDB type in its reserved word. */
function emitKey(at: u32, type: u8): bool {
  const plain = plainType(type);
  if (plain == 255) {
    fail(ERR_OPCODE, at);
    return false;
  }
  if (plain == 254) {
    fail(ERR_TYPE, at);
    return false;
  }
  emit(TOK_KEY, at, <u32>plain, 1, <u32>type);
  return !short;
}

/** The element count goes into the KEY token, written before the elements. */
function setCount(keyTok: u32, n: u64): void {
  if (keyTok < nTok) store<u64>(tokens + <usize>keyTok * TOKEN_SIZE, n, 16);
}

/** An RDB length as a LEN token; the value too. */
function lenToken(): u64 {
  const v = readCount();
  if (!stopped()) emit(TOK_LEN, 0, 0, v);
  return v;
}

/** A raw 128-bit big-endian stream id (a PEL key) as a 16-byte STR token. */
function rawIdToken(): void {
  if (!need(16)) return;
  emit(TOK_STR, pos, 16, 0);
  pos += 16;
}

/** A millisecond time (int64 LE, rdbSaveMillisecondTime) as an INT token. */
function msTimeToken(): void {
  if (!need(8)) return;
  emit(TOK_INT, pos, 8, load<u64>(buf + pos));
  pos += 8;
}

/**
 * A stream (RDB_TYPE_STREAM_LISTPACKS, _2), rdbLoadObject's order: the node
 * count (in the KEY token), per node its master id (STR) and a LISTPACK token
 * followed by the listpack's elements; then LEN tokens for the length, last
 * id, and (type 19) first id, max deleted id and entries added; the group
 * count, per group its name (STR), last id and (type 19) entries read (LEN),
 * its PEL (LEN count; per entry id STR, delivery time INT, delivery count
 * LEN) and consumers (LEN count; per consumer name STR, seen time INT, PEL as
 * LEN count and id STRs). The stream layout inside the listpacks is the
 * host's to check.
 */
function readStream(type: u8, keyTok: u32): void {
  const nodes = readCount();
  if (stopped()) return;
  setCount(keyTok, nodes);
  for (let i: u64 = 0; i < nodes; i++) {
    readString(); // the master id: 16 bytes, big-endian
    if (stopped()) return;
    packedAt = pos;
    if (!readPacked()) return;
    const lpTok = nTok;
    emit(TOK_LISTPACK, blobOff, blobLen, 0, blobArea);
    if (short) return;
    const got = walkListpack(blobArea, blobOff, blobLen);
    if (got < 0) return;
    if (got == 0) { // "Empty listpack inside stream"
      packedBad();
      return;
    }
    store<u64>(tokens + <usize>lpTok * TOKEN_SIZE, <u64>got, 16);
  }
  const meta = type == T_STREAM_2 ? 8 : 3;
  for (let i = 0; i < meta; i++) {
    lenToken();
    if (stopped()) return;
  }
  const groups = lenToken();
  for (let g: u64 = 0; g < groups && !stopped(); g++) {
    readString();
    if (stopped()) return;
    const fixed = type == T_STREAM_2 ? 3 : 2;
    for (let i = 0; i < fixed && !stopped(); i++) lenToken();
    const pel = stopped() ? 0 : lenToken();
    for (let k: u64 = 0; k < pel && !stopped(); k++) {
      rawIdToken();
      if (!stopped()) msTimeToken();
      if (!stopped()) lenToken();
    }
    const consumers = stopped() ? 0 : lenToken();
    for (let c: u64 = 0; c < consumers && !stopped(); c++) {
      readString();
      if (!stopped()) msTimeToken();
      const own = stopped() ? 0 : lenToken();
      for (let k: u64 = 0; k < own && !stopped(); k++) rawIdToken();
    }
  }
}

/** One value of RDB type `type` (after its key); its KEY token is `keyTok`. */
function readValue(type: u8, keyTok: u32): void {
  if (type == T_STRING) {
    readString();
    return;
  }
  if (type == T_STREAM || type == T_STREAM_2) {
    readStream(type, keyTok);
    return;
  }
  if (type == T_LIST || type == T_SET || type == T_HASH || type == T_ZSET || type == T_ZSET_2) {
    const n = readCount();
    if (stopped()) return;
    setCount(keyTok, n);
    for (let i: u64 = 0; i < n && !stopped(); i++) {
      readString();
      if (stopped()) return;
      if (type == T_HASH) {
        readString();
      } else if (type == T_ZSET_2) {
        if (!need(8)) return;
        emit(TOK_DOUBLE, pos, 8, load<u64>(buf + pos));
        pos += 8;
      } else if (type == T_ZSET) {
        // A text score: one length byte; 253 NaN, 254 +inf, 255 -inf.
        if (!need(1)) return;
        const l = load<u8>(buf + pos);
        pos += 1;
        if (l >= 253) {
          const d: f64 = l == 253 ? NaN : l == 254 ? Infinity : -Infinity;
          emit(TOK_DOUBLE, pos - 1, 0, reinterpret<u64>(d));
        } else {
          if (!need(<u32>l)) return;
          emit(TOK_STR, pos, <u32>l, 0);
          pos += <u32>l;
        }
      }
    }
    return;
  }
  if (type == T_LIST_QUICKLIST || type == T_LIST_QUICKLIST_2) {
    const nodes = readCount();
    if (stopped()) return;
    let total: u64 = 0;
    for (let i: u64 = 0; i < nodes; i++) {
      let container: u64 = 2; // packed
      if (type == T_LIST_QUICKLIST_2) {
        const at = pos;
        container = readCount();
        if (stopped()) return;
        if (container != 1 && container != 2) {
          fail(ERR_PACKED, at);
          return;
        }
      }
      packedAt = pos;
      if (container == 1) {
        // A plain node: one element, as a string.
        if (!readBlob()) return;
        if (blobIsInt) emitInt(blobInt);
        else if (blobLen == 0) { fail(ERR_PACKED, packedAt); return; }
        else emit(TOK_STR, blobOff, blobLen, 0, blobArea);
        if (short) return;
        total++;
        continue;
      }
      if (!readPacked()) return;
      if (blobLen == 0) { fail(ERR_PACKED, packedAt); return; }
      const got = type == T_LIST_QUICKLIST ? walkZiplist(blobArea, blobOff, blobLen) : walkListpack(blobArea, blobOff, blobLen);
      if (got < 0) return;
      total += <u64>got;
    }
    setCount(keyTok, total);
    return;
  }
  // One string holding a packed structure.
  packedAt = pos;
  if (!readPacked()) return;
  let got: i64 = -1;
  if (type == T_LIST_ZIPLIST) got = walkZiplist(blobArea, blobOff, blobLen);
  else if (type == T_SET_INTSET) got = walkIntset(blobArea, blobOff, blobLen);
  else if (type == T_ZSET_ZIPLIST || type == T_HASH_ZIPLIST) got = walkZiplist(blobArea, blobOff, blobLen);
  else if (type == T_ZSET_LISTPACK || type == T_HASH_LISTPACK) got = walkListpack(blobArea, blobOff, blobLen);
  else if (type == T_HASH_ZIPMAP) got = walkZipmap(blobArea, blobOff, blobLen);
  else fail(ERR_OPCODE, packedAt);
  if (got < 0) return;
  if (type == T_LIST_ZIPLIST || type == T_SET_INTSET) {
    setCount(keyTok, <u64>got);
  } else {
    // Field/value or member/score pairs.
    if ((got & 1) != 0) {
      packedBad();
      return;
    }
    setCount(keyTok, <u64>(got >> 1));
  }
}

/**
 * Reads as many whole top-level records of `len` bytes at `input` as fit
 * in `maxTokens` tokens at `out` and `extraSize` bytes of decompressed
 * strings at `extra`. `start`: the buffer begins the file (magic and
 * version). CRC64 continues from `crc` over the bytes consumed.
 * Returns the token count; rdbConsumed() tells how far it got.
 */
export function rdbDecode(input: usize, len: u32, out: usize, maxTokens: u32, start: bool, crc: u64, extra: usize, extraSize: u32): u32 {
  begin(input, len, out, maxTokens, extra, extraSize);
  let crcState = crc;
  if (start) {
    if (len < 9) {
      if (len >= 5 && !isMagic(input)) fail(ERR_NOT_RDB, 0);
      else shortWhy |= SHORT_INPUT;
      lastCrc = crc;
      return 0;
    }
    if (!isMagic(input)) {
      fail(ERR_NOT_RDB, 0);
      return 0;
    }
    let v: u32 = 0;
    for (let i: u32 = 5; i < 9; i++) {
      const c = load<u8>(input + i);
      if (c < 48 || c > 57) { fail(ERR_NOT_RDB, i); return 0; }
      v = v * 10 + (c - 48);
    }
    if (v < 1 || v > 10) { fail(ERR_VERSION, 5); return 0; }
    emit(TOK_VERSION, 5, 4, <u64>v);
    pos = 9;
    consumed = 9;
    crcState = crc64(crcState, input, 9);
  }
  let committed = nTok;
  let committedExtra = extraUsed;
  while (pos < bufLen) {
    short = false;
    const recStart = pos;
    const op = load<u8>(buf + pos);
    pos++;
    if (op == 0xff) { // EOF: CRC64 of everything before and including this byte
      if (!need(8)) break;
      const stored = load<u64>(buf + pos);
      crcState = crc64(crcState, buf + consumed, pos - consumed);
      const ok = stored == 0 || stored == crcState;
      emit(TOK_EOF, recStart, ok ? 1 : 0, stored);
      if (short) break;
      pos += 8;
      consumed = pos;
      committed = nTok;
      committedExtra = extraUsed;
      if (!ok) fail(ERR_CRC, recStart);
      else finished = true;
      if (pos < bufLen) fail(ERR_AFTER_EOF, pos);
      lastCrc = crcState;
      return committed;
    }
    if (op == 0xfa) { // AUX key value
      emit(TOK_AUX, recStart, 0, 0);
      readString();
      if (!stopped()) readString();
    } else if (op == 0xfe) { // SELECTDB
      const db = readCount();
      if (!stopped()) emit(TOK_SELECTDB, recStart, 0, db);
    } else if (op == 0xfb) { // RESIZEDB
      const a = readCount();
      const b = stopped() ? 0 : readCount();
      if (!stopped()) emit(TOK_RESIZEDB, recStart, <u32>min<u64>(b, 0xffffffff), a);
    } else if (op == 0xfc) { // EXPIRETIME_MS, then a key
      if (need(8)) {
        emit(TOK_EXPIRE_MS, recStart, 0, load<u64>(buf + pos));
        pos += 8;
      }
    } else if (op == 0xfd) { // EXPIRETIME in seconds, then a key
      if (need(4)) {
        emit(TOK_EXPIRE_MS, recStart, 0, <u64>load<u32>(buf + pos) * 1000);
        pos += 4;
      }
    } else if (op == 0xf8) { // IDLE: an LRU hint, not data
      readCount();
    } else if (op == 0xf9) { // FREQ: an LFU hint, not data
      if (need(1)) pos += 1;
    } else if (op < 0xf5) {
      const keyTok = nTok;
      if (emitKey(recStart, op)) {
        readString();
        if (!stopped()) readValue(op, keyTok);
      }
    } else {
      fail(ERR_OPCODE, recStart);
    }
    if (errCode) {
      if (errOffset < recStart) errOffset = recStart;
      break;
    }
    if (short) {
      pos = recStart;
      break;
    }
    // Expiry and key belong together: commit only after the key.
    if (op != 0xfc && op != 0xfd) {
      crcState = crc64(crcState, buf + consumed, pos - consumed);
      consumed = pos;
      committed = nTok;
      committedExtra = extraUsed;
    }
  }
  nTok = committed;
  extraUsed = committedExtra;
  lastCrc = crcState;
  return committed;
}

/**
 * One value as DUMP carries it: the type byte, then the value (no key, no
 * footer). Emits a KEY token (offset 0) and the value's tokens. rdbConsumed()
 * tells how many bytes the value took; rdbShort() is non-zero when it stopped
 * early (input ended, or the token or decompression area ran out).
 */
export function rdbDecodeValue(input: usize, len: u32, out: usize, maxTokens: u32, extra: usize, extraSize: u32): u32 {
  begin(input, len, out, maxTokens, extra, extraSize);
  if (!need(1)) return 0;
  const type = load<u8>(buf);
  pos = 1;
  if (emitKey(0, type)) readValue(type, 0);
  consumed = pos;
  if (errCode || short) return nTok;
  return nTok;
}

function isMagic(p: usize): bool {
  return load<u8>(p) == 82 && load<u8>(p + 1) == 69 && load<u8>(p + 2) == 68 && load<u8>(p + 3) == 73 && load<u8>(p + 4) == 83;
}
