// The RDB codec's host side: an item builder for writing and a token
// reader for reading, each crossing into wasm once per batch.
import { core, scratch } from './core.js';

const TAG_RAW = 0;
const TAG_STR = 1;
const TAG_LEN = 2;

/** Collects RDB items (raw bytes, strings, lengths) for one rdbEncode call. */
export class RdbItems {
  private buf: Buffer;
  private n = 0;

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

  len(v: number): this {
    this.room(9);
    this.buf[this.n] = TAG_LEN;
    this.buf.writeBigUInt64LE(BigInt(v), this.n + 1);
    this.n += 9;
    return this;
  }

  reset(): void {
    this.n = 0;
  }

  /** RDB bytes for the items so far (then reset), and the CRC64 continued from `crc`. */
  encode(crc: bigint): { bytes: Buffer; crc: bigint } {
    const inLen = this.n;
    const outMax = inLen * 2 + 16;
    const { ptr, mem } = scratch(inLen + outMax);
    mem.set(this.buf.subarray(0, inLen), ptr);
    const out = ptr + inLen;
    const written = core.rdbEncode(ptr, inLen, out, BigInt.asIntN(64, crc));
    this.n = 0;
    return { bytes: Buffer.from(mem.subarray(out, out + written)), crc: BigInt.asUintN(64, core.rdbLastCrc()) };
  }
}

export const RdbToken = { version: 1, aux: 2, selectDb: 3, resizeDb: 4, expireMs: 5, key: 6, str: 7, int: 8, double: 9, eof: 10 } as const;

const ERRORS = [
  '',
  'not an RDB file (no REDIS signature)',
  'an RDB version this reader does not know (1-10 are read)',
  'an unknown opcode or value type',
  'an LZF-compressed string (this reader takes uncompressed RDB files, as rdbcompression no writes them)',
  'the CRC64 checksum does not match',
  'data after the end-of-file marker',
  'an impossible length',
];

export interface RdbTokens {
  readonly count: number;
  readonly kind: Uint32Array;
  readonly off: Uint32Array;
  readonly len: Uint32Array;
  /** Numbers as raw 64-bit patterns (ints, doubles, expiry, counts). */
  readonly num: BigUint64Array;
  /** Bytes of `buf` up to here are read; feed the rest again with more data. */
  readonly consumed: number;
  readonly crc: bigint;
  /** The end-of-file marker was read and its checksum matched. */
  readonly finished: boolean;
  readonly error: { readonly offset: number; readonly message: string } | null;
}

const TOKEN_BYTES = 24;

/** Tokens for the whole records in `buf`; `start` when it begins the file. CRC64 continues from `crc`. */
export function decodeRdb(buf: Uint8Array, start: boolean, crc: bigint, maxTokens = 1 << 16): RdbTokens {
  const tokBytes = maxTokens * TOKEN_BYTES;
  const { ptr, mem } = scratch(tokBytes + buf.length);
  const input = ptr + tokBytes;
  mem.set(buf, input);
  const count = core.rdbDecode(input, buf.length, ptr, maxTokens, start ? 1 : 0, BigInt.asIntN(64, crc));
  const kind = new Uint32Array(count);
  const off = new Uint32Array(count);
  const len = new Uint32Array(count);
  const num = new BigUint64Array(count);
  for (let i = 0; i < count; i++) {
    const t = ptr + i * TOKEN_BYTES;
    kind[i] = mem.readUInt32LE(t);
    off[i] = mem.readUInt32LE(t + 4);
    len[i] = mem.readUInt32LE(t + 8);
    num[i] = mem.readBigUInt64LE(t + 16);
  }
  const code = core.rdbErrorCode();
  return {
    count, kind, off, len, num,
    consumed: core.rdbConsumed(),
    crc: BigInt.asUintN(64, core.rdbLastCrc()),
    finished: core.rdbFinished() !== 0,
    error: code ? { offset: core.rdbErrorOffset(), message: ERRORS[code] ?? `error ${code}` } : null,
  };
}
