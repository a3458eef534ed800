// RDB (Redis's snapshot format, version 10 as Redis 7.0 writes it): the
// byte-level codec. Batch-shaped both ways, and the CRC64 of everything
// written or read runs alongside in the same call.
//
// Writing: the host lays out an item stream, each item
//   u8 tag 0 RAW: u32 n, n bytes copied as they are (opcodes, fixed-width numbers)
//   u8 tag 1 STR: u32 n, n bytes written as an RDB string (integer-encoded when Redis would)
//   u8 tag 2 LEN: u64 written as an RDB length
// and rdbEncode turns a batch of them into RDB bytes.
//
// Reading: rdbDecode walks RDB bytes and emits 24-byte tokens
//   u32 kind, u32 offset, u32 length, u32 reserved, u64 number
// stopping at the end of the last whole top-level record it could read.
import { crc64 } from './crc64';

const TAG_RAW: u8 = 0;
const TAG_STR: u8 = 1;
const TAG_LEN: u8 = 2;

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

/** Encodes `len` bytes of items at `items` into `out`; returns the bytes written. CRC64 continues from `crc`. */
export function rdbEncode(items: usize, len: usize, out: usize, crc: u64): usize {
  let p = items;
  const end = items + len;
  let o = out;
  while (p < end) {
    const tag = load<u8>(p);
    if (tag == TAG_LEN) {
      o += putLen(o, load<u64>(p + 1));
      p += 9;
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
const TOKEN_SIZE: usize = 24;

export const ERR_NONE: u32 = 0;
export const ERR_NOT_RDB: u32 = 1; // no "REDIS" magic
export const ERR_VERSION: u32 = 2; // a version this reader does not know
export const ERR_OPCODE: u32 = 3; // unknown opcode or value type
export const ERR_COMPRESSED: u32 = 4; // an LZF-compressed string
export const ERR_CRC: u32 = 5; // the trailer does not match
export const ERR_AFTER_EOF: u32 = 6; // bytes after the trailer
export const ERR_LENGTH: u32 = 7; // a length no buffer could hold

let consumed: u32 = 0;
let errCode: u32 = 0;
let errOffset: u32 = 0;
let finished: bool = false;

export function rdbConsumed(): u32 { return consumed; }
export function rdbErrorCode(): u32 { return errCode; }
export function rdbErrorOffset(): u32 { return errOffset; }
export function rdbFinished(): bool { return finished; }

// Parser cursor for one call.
let buf: usize = 0;
let bufLen: u32 = 0;
let pos: u32 = 0;
let short: bool = false; // ran out of input mid-record
let tokens: usize = 0;
let nTok: u32 = 0;
let maxTok: u32 = 0;

@inline function need(n: u32): bool {
  if (pos + n > bufLen || pos + n < pos) {
    short = true;
    return false;
  }
  return true;
}

function emit(kind: u32, off: u32, len: u32, num: u64): void {
  if (nTok >= maxTok) {
    short = true;
    return;
  }
  const t = tokens + <usize>nTok * TOKEN_SIZE;
  store<u32>(t, kind);
  store<u32>(t, off, 4);
  store<u32>(t, len, 8);
  store<u32>(t, 0, 12);
  store<u64>(t, num, 16);
  nTok++;
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

/** An RDB string as a STR or INT token. */
function readString(): void {
  const at = pos;
  const n = readLen();
  if (short || errCode) return;
  if (encoded) {
    if (n == 0) {
      if (!need(1)) return;
      emit(TOK_INT, at, 0, <u64>(<i64>load<i8>(buf + pos)));
      pos += 1;
    } else if (n == 1) {
      if (!need(2)) return;
      emit(TOK_INT, at, 0, <u64>(<i64>load<i16>(buf + pos)));
      pos += 2;
    } else if (n == 2) {
      if (!need(4)) return;
      emit(TOK_INT, at, 0, <u64>(<i64>load<i32>(buf + pos)));
      pos += 4;
    } else if (n == 3) {
      fail(ERR_COMPRESSED, at);
    } else {
      fail(ERR_OPCODE, at);
    }
    return;
  }
  if (n > 0xffffffff) {
    fail(ERR_LENGTH, at);
    return;
  }
  if (!need(<u32>n)) return;
  emit(TOK_STR, pos, <u32>n, 0);
  pos += <u32>n;
}

/** One value of RDB type `type` (after its key). */
function readValue(type: u8, keyTok: u32): void {
  if (type == 0) {
    readString();
    return;
  }
  const n = readLen();
  if (short || errCode) return;
  // The element count goes into the KEY token, written before the key.
  store<u64>(tokens + <usize>keyTok * TOKEN_SIZE, n, 16);
  if (type == 1 || type == 2) {
    for (let i: u64 = 0; i < n && !short && !errCode; i++) readString();
  } else if (type == 4) {
    for (let i: u64 = 0; i < n && !short && !errCode; i++) { readString(); readString(); }
  } else if (type == 5) {
    for (let i: u64 = 0; i < n && !short && !errCode; i++) {
      readString();
      if (!need(8)) return;
      emit(TOK_DOUBLE, pos, 8, load<u64>(buf + pos));
      pos += 8;
    }
  } else {
    fail(ERR_OPCODE, pos);
  }
}

/**
 * Reads as many whole top-level records of `len` bytes at `input` as fit
 * in `maxTokens` tokens at `out`. `start`: the buffer begins the file (magic
 * and version). CRC64 continues from `crc` over the bytes consumed.
 * Returns the token count; rdbConsumed() tells how far it got.
 */
export function rdbDecode(input: usize, len: u32, out: usize, maxTokens: u32, start: bool, crc: u64): u32 {
  buf = input;
  bufLen = len;
  pos = 0;
  tokens = out;
  nTok = 0;
  maxTok = maxTokens;
  errCode = ERR_NONE;
  errOffset = 0;
  finished = false;
  consumed = 0;
  let crcState = crc;
  if (start) {
    if (len < 9) {
      if (len >= 5 && !isMagic(input)) fail(ERR_NOT_RDB, 0);
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
      if (!ok) fail(ERR_CRC, recStart);
      else finished = true;
      if (pos < bufLen) fail(ERR_AFTER_EOF, pos);
      lastCrc = crcState;
      return committed;
    }
    if (op == 0xfa) { // AUX key value
      emit(TOK_AUX, recStart, 0, 0);
      readString();
      if (!short && !errCode) readString();
    } else if (op == 0xfe) { // SELECTDB
      const db = readLen();
      if (!short) emit(TOK_SELECTDB, recStart, 0, db);
    } else if (op == 0xfb) { // RESIZEDB
      const a = readLen();
      const b = short ? 0 : readLen();
      if (!short) emit(TOK_RESIZEDB, recStart, <u32>min<u64>(b, 0xffffffff), a);
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
      readLen();
    } else if (op == 0xf9) { // FREQ: an LFU hint, not data
      need(1);
      if (!short) pos += 1;
    } else if (op <= 5) {
      const keyTok = nTok;
      emit(TOK_KEY, recStart, <u32>op, 1);
      readString();
      if (!short && !errCode) readValue(op, keyTok);
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
    }
  }
  nTok = committed;
  lastCrc = crcState;
  return committed;
}

function isMagic(p: usize): bool {
  return load<u8>(p) == 82 && load<u8>(p + 1) == 69 && load<u8>(p + 2) == 68 && load<u8>(p + 3) == 73 && load<u8>(p + 4) == 83;
}
