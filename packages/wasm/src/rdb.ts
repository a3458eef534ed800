// The RDB codec's host side: an item builder for writing and a token
// reader for reading, each crossing into wasm once per batch.
import { core, scratch } from './core.js';

const TAG_RAW = 0;
const TAG_STR = 1;
const TAG_LEN = 2;
const TAG_LP_BEGIN = 3;
const TAG_LP_STR = 4;
const TAG_LP_INT = 5;
const TAG_LP_END = 6;

/** Collects RDB items (raw bytes, strings, lengths, listpack elements) for one rdbEncode call. */
export class RdbItems {
  private buf: Buffer;
  private n = 0;
  /** Output bytes beyond twice the input size that the open items may need (listpack framing). */
  private slack = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get size(): number {
    return this.n;
  }

  private room(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + extra));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }

  raw(bytes: Uint8Array): this {
    this.room(5 + bytes.length);
    this.buf[this.n] = TAG_RAW;
    this.buf.writeUInt32LE(bytes.length, this.n + 1);
    this.buf.set(bytes, this.n + 5);
    this.n += 5 + bytes.length;
    return this;
  }

  /** One opcode or type byte. */
  byte(b: number): this {
    this.room(6);
    this.buf[this.n] = TAG_RAW;
    this.buf.writeUInt32LE(1, this.n + 1);
    this.buf[this.n + 5] = b;
    this.n += 6;
    return this;
  }

  /** An opcode followed by a little-endian u64 (EXPIRETIME_MS). */
  byteU64(b: number, v: number): this {
    this.room(14);
    this.buf[this.n] = TAG_RAW;
    this.buf.writeUInt32LE(9, this.n + 1);
    this.buf[this.n + 5] = b;
    this.buf.writeBigUInt64LE(BigInt(v), this.n + 6);
    this.n += 14;
    return this;
  }

  /** A little-endian binary double (ZSET_2 scores). */
  f64(v: number): this {
    this.room(13);
    this.buf[this.n] = TAG_RAW;
    this.buf.writeUInt32LE(8, this.n + 1);
    this.buf.writeDoubleLE(v, this.n + 5);
    this.n += 13;
    return this;
  }

  str(bytes: Uint8Array | string): this {
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    this.room(5 + b.length);
    this.buf[this.n] = TAG_STR;
    this.buf.writeUInt32LE(b.length, this.n + 1);
    this.buf.set(b, this.n + 5);
    this.n += 5 + b.length;
    return this;
  }

  /** An RDB length (a uint64). */
  len(v: number | bigint): this {
    this.room(9);
    this.buf[this.n] = TAG_LEN;
    this.buf.writeBigUInt64LE(BigInt(v), this.n + 1);
    this.n += 9;
    return this;
  }

  /** A little-endian int64 (rdbSaveMillisecondTime). */
  i64(v: number | bigint): this {
    this.room(13);
    this.buf[this.n] = TAG_RAW;
    this.buf.writeUInt32LE(8, this.n + 1);
    this.buf.writeBigInt64LE(BigInt.asIntN(64, BigInt(v)), this.n + 5);
    this.n += 13;
    return this;
  }

  /** A 128-bit number as 16 big-endian bytes (a stream id as Redis's radix trees key it). */
  u128BE(v: bigint): this {
    this.room(21);
    this.buf[this.n] = TAG_RAW;
    this.buf.writeUInt32LE(16, this.n + 1);
    this.buf.writeBigUInt64BE(BigInt.asUintN(64, v >> 64n), this.n + 5);
    this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), this.n + 13);
    this.n += 21;
    return this;
  }

  /** Starts a listpack, written as one RDB string when lpEnd() closes it. */
  lpBegin(): this {
    this.room(1);
    this.buf[this.n++] = TAG_LP_BEGIN;
    this.slack += 16;
    return this;
  }

  /** A listpack element from bytes (lpAppend: integer-encoded when they are a canonical int64). */
  lpStr(bytes: Uint8Array): this {
    this.room(5 + bytes.length);
    this.buf[this.n] = TAG_LP_STR;
    this.buf.writeUInt32LE(bytes.length, this.n + 1);
    this.buf.set(bytes, this.n + 5);
    this.n += 5 + bytes.length;
    return this;
  }

  /** A listpack integer element (lpAppendInteger). */
  lpInt(v: number | bigint): this {
    this.room(9);
    this.buf[this.n] = TAG_LP_INT;
    this.buf.writeBigInt64LE(BigInt.asIntN(64, BigInt(v)), this.n + 1);
    this.n += 9;
    return this;
  }

  lpEnd(): this {
    this.room(1);
    this.buf[this.n++] = TAG_LP_END;
    return this;
  }

  reset(): void {
    this.n = 0;
    this.slack = 0;
  }

  /** RDB bytes for the items so far (then reset), and the CRC64 continued from `crc`. */
  encode(crc: bigint): { bytes: Buffer; crc: bigint } {
    const inLen = this.n;
    const outMax = inLen * 2 + 16 + this.slack;
    const { ptr, mem } = scratch(inLen + outMax);
    mem.set(this.buf.subarray(0, inLen), ptr);
    const out = ptr + inLen;
    const written = core.rdbEncode(ptr, inLen, out, BigInt.asIntN(64, crc));
    this.n = 0;
    this.slack = 0;
    return { bytes: Buffer.from(mem.subarray(out, out + written)), crc: BigInt.asUintN(64, core.rdbLastCrc()) };
  }
}

export const RdbToken = { version: 1, aux: 2, selectDb: 3, resizeDb: 4, expireMs: 5, key: 6, str: 7, int: 8, double: 9, eof: 10, len: 11, listpack: 12 } as const;

const ERRORS = [
  '',
  'not an RDB file (no REDIS signature)',
  'an RDB version this reader does not know (1-10 are read)',
  'an unknown opcode or value type',
  'an LZF-compressed string that does not decompress to its stated length',
  'the CRC64 checksum does not match',
  'data after the end-of-file marker',
  'an impossible length',
  'a damaged ziplist, listpack, intset or zipmap',
  'a value type this reader does not take (module)',
];

/** Why a decode call stopped early (bit mask). */
const SHORT_INPUT = 1, SHORT_TOKENS = 2, SHORT_EXTRA = 4;

export interface RdbTokens {
  readonly count: number;
  readonly kind: Uint32Array;
  /**
   * STR and LISTPACK: where the bytes are, in `area` (0 the input, 1 `extra`); a LISTPACK's element count in `num`.
   * KEY: plain type (0 string, 1 list, 2 set, 4 hash, 5 zset, 15 stream) in `len`, the RDB type in `area`, the
   * element count (pairs for hashes and sorted sets, nodes for streams) in `num`.
   */
  readonly off: Uint32Array;
  readonly len: Uint32Array;
  readonly area: Uint32Array;
  /** Numbers as raw 64-bit patterns (ints, doubles, expiry, counts). */
  readonly num: BigUint64Array;
  /** Decompressed strings (LZF) that STR tokens with area 1 point into. */
  readonly extra: Buffer;
  /** Bytes of `buf` up to here are read; feed the rest again with more data. */
  readonly consumed: number;
  readonly crc: bigint;
  /** The end-of-file marker was read and its checksum matched. */
  readonly finished: boolean;
  readonly error: { readonly offset: number; readonly message: string } | null;
}

const TOKEN_BYTES = 24;

/** The bytes of a STR token (from the input or the decompressed area), or an INT token's decimal digits, as Redis would load them. */
export function tokenBytes(t: RdbTokens, i: number, input: Uint8Array): Buffer {
  if (t.kind[i] === RdbToken.int) return Buffer.from(BigInt.asIntN(64, t.num[i]!).toString(), 'latin1');
  const off = t.off[i]!;
  const from = t.area[i] === 1 ? t.extra : input;
  return Buffer.from(from.subarray(off, off + t.len[i]!));
}

type Call = (input: number, out: number, maxTokens: number, extra: number, extraSize: number) => number;

/**
 * Runs one decode call with tokens | input | decompression area laid out
 * in wasm memory. When the call committed nothing because the token or the
 * decompression area was too small, runs it again with more room.
 */
function runDecode(buf: Uint8Array, maxTokens: number, call: Call, committedNothing: (consumed: number) => boolean): RdbTokens {
  let tokens = Math.max(16, maxTokens);
  let extraSize = Math.max(64 * 1024, Math.min(buf.length * 2, 32 << 20));
  for (;;) {
    const tokBytes = tokens * TOKEN_BYTES;
    const inputAt = tokBytes;
    const extraAt = (inputAt + buf.length + 7) & ~7;
    const { ptr, mem } = scratch(extraAt + extraSize);
    mem.set(buf, ptr + inputAt);
    const count = call(ptr + inputAt, ptr, tokens, ptr + extraAt, extraSize);
    const why = core.rdbShort();
    const consumed = core.rdbConsumed();
    const code = core.rdbErrorCode();
    if (!code && committedNothing(consumed)) {
      if (why & SHORT_TOKENS) { tokens *= 4; continue; }
      if (why & SHORT_EXTRA) { extraSize = Math.max(extraSize * 2, core.rdbExtraWanted()); continue; }
    }
    const kind = new Uint32Array(count);
    const off = new Uint32Array(count);
    const len = new Uint32Array(count);
    const area = new Uint32Array(count);
    const num = new BigUint64Array(count);
    for (let i = 0; i < count; i++) {
      const t = ptr + i * TOKEN_BYTES;
      kind[i] = mem.readUInt32LE(t);
      off[i] = mem.readUInt32LE(t + 4);
      len[i] = mem.readUInt32LE(t + 8);
      area[i] = mem.readUInt32LE(t + 12);
      num[i] = mem.readBigUInt64LE(t + 16);
    }
    const used = core.rdbExtraUsed();
    return {
      count, kind, off, len, area, num,
      extra: Buffer.from(mem.subarray(ptr + extraAt, ptr + extraAt + used)),
      consumed,
      crc: BigInt.asUintN(64, core.rdbLastCrc()),
      finished: core.rdbFinished() !== 0,
      error: code ? { offset: core.rdbErrorOffset(), message: ERRORS[code] ?? `error ${code}` } : null,
    };
  }
}

/** Tokens for the whole records in `buf`; `start` when it begins the file. CRC64 continues from `crc`. */
export function decodeRdb(buf: Uint8Array, start: boolean, crc: bigint, maxTokens = 1 << 16): RdbTokens {
  return runDecode(
    buf,
    maxTokens,
    (input, out, tokens, extra, extraSize) => core.rdbDecode(input, buf.length, out, tokens, start ? 1 : 0, BigInt.asIntN(64, crc), extra, extraSize),
    (consumed) => consumed <= (start ? 9 : 0),
  );
}

/**
 * Tokens for one value as DUMP carries it (type byte, then the value; no
 * key): a KEY token at index 0, then the value's tokens. `consumed` is the
 * value's size; an error when it is damaged or `buf` ends inside it.
 */
export function decodeRdbValue(buf: Uint8Array): RdbTokens {
  const t = runDecode(
    buf,
    Math.min(1 << 16, buf.length + 16),
    (input, out, tokens, extra, extraSize) => core.rdbDecodeValue(input, buf.length, out, tokens, extra, extraSize),
    () => true,
  );
  if (!t.error && core.rdbShort() & SHORT_INPUT) return { ...t, error: { offset: buf.length, message: 'the value ends early' } };
  return t;
}
