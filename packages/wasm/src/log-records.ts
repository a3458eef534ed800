// Batch encoding and decoding of Raft log records (format: docs/log-format.md).
import { core, scratch } from './core.js';

export const RECORD_HEADER_BYTES = 24;
export const RECORD_OVERHEAD_BYTES = 28;
const DESC_BYTES = 32;
/** Largest payload a record may carry: Redis's proto-max-bulk-len plus room for the entry envelope. */
export const MAX_PAYLOAD_BYTES = 512 * 1024 * 1024 + 64 * 1024;

export interface LogRecordInput {
  readonly index: number;
  readonly term: number;
  /** 0-255; the host assigns meaning (normal, config change, no-op, ...). */
  readonly type: number;
  readonly payload: Uint8Array;
}

export interface LogRecord {
  readonly index: number;
  readonly term: number;
  readonly type: number;
  /** A copy, owned by the caller. */
  readonly payload: Buffer;
  /** Byte offset of the record (relative to the decoded buffer, plus baseOffset). */
  readonly offset: number;
  /** Whole record size in bytes, framing included. */
  readonly size: number;
}

export type LogDamageKind = 'torn-tail' | 'bad-crc' | 'bad-length' | 'bad-header';

export interface LogDamage {
  readonly kind: LogDamageKind;
  readonly offset: number;
  /** True when the damaged record runs to the end of the buffer: a crash mid-append looks like this. */
  readonly atEnd: boolean;
  readonly reason: string;
}

export interface DecodeResult {
  readonly records: LogRecord[];
  /** Offset just past the last good record (plus baseOffset). */
  readonly endOffset: number;
  readonly damage: LogDamage | null;
}

export function encodedSize(entries: readonly LogRecordInput[]): number {
  let total = 0;
  for (const e of entries) total += RECORD_OVERHEAD_BYTES + e.payload.length;
  return total;
}

/** Frames a batch of entries into one buffer, in one call into wasm. */
export function encodeLogRecords(entries: readonly LogRecordInput[]): Buffer {
  const descBytes = entries.length * DESC_BYTES;
  const total = encodedSize(entries);
  const { ptr, mem } = scratch(descBytes + total);
  const out = ptr + descBytes;
  let off = out;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    checkEntry(e);
    const d = ptr + i * DESC_BYTES;
    mem.writeBigUInt64LE(BigInt(e.index), d);
    mem.writeBigUInt64LE(BigInt(e.term), d + 8);
    mem.writeUInt32LE(e.type, d + 16);
    mem.writeUInt32LE(e.payload.length, d + 20);
    mem.set(e.payload, off + RECORD_HEADER_BYTES);
    off += RECORD_OVERHEAD_BYTES + e.payload.length;
  }
  const written = core.frameRecords(ptr, entries.length, out);
  if (written !== total) throw new Error(`log codec framed ${written} bytes, expected ${total}`);
  return Buffer.from(mem.subarray(out, out + total));
}

function checkEntry(e: LogRecordInput): void {
  if (!Number.isSafeInteger(e.index) || e.index < 0) throw new RangeError(`log record index must be a non-negative integer, got ${e.index}`);
  if (!Number.isSafeInteger(e.term) || e.term < 0) throw new RangeError(`log record term must be a non-negative integer, got ${e.term}`);
  if (!Number.isInteger(e.type) || e.type < 0 || e.type > 255) throw new RangeError(`log record type must be 0-255, got ${e.type}`);
  if (e.payload.length > MAX_PAYLOAD_BYTES) throw new RangeError(`log record payload of ${e.payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
}

const DAMAGE_KINDS: readonly (LogDamageKind | null)[] = [null, 'torn-tail', 'bad-crc', 'bad-length', 'bad-header'];

/**
 * Decodes every record in `buf` up to the first damage, which is reported
 * (kind, offset) rather than skipped. `baseOffset` is added to all offsets
 * (the buffer's position in its file).
 */
export function decodeLogRecords(buf: Uint8Array, baseOffset = 0, maxRecords = Number.MAX_SAFE_INTEGER): DecodeResult {
  // At most one descriptor per RECORD_OVERHEAD_BYTES of input.
  const maxCount = Math.min(maxRecords, Math.floor(buf.length / RECORD_OVERHEAD_BYTES));
  const descBytes = maxCount * DESC_BYTES;
  const { ptr, mem } = scratch(descBytes + buf.length);
  const input = ptr + descBytes;
  mem.set(buf, input);
  const count = core.decodeRecords(input, buf.length, ptr, maxCount, MAX_PAYLOAD_BYTES);
  const records: LogRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const d = ptr + i * DESC_BYTES;
    const len = mem.readUInt32LE(d + 20);
    const off = mem.readUInt32LE(d + 24);
    const start = input + off + RECORD_HEADER_BYTES;
    records[i] = {
      index: Number(mem.readBigUInt64LE(d)),
      term: Number(mem.readBigUInt64LE(d + 8)),
      type: mem.readUInt32LE(d + 16),
      payload: Buffer.from(mem.subarray(start, start + len)),
      offset: baseOffset + off,
      size: RECORD_OVERHEAD_BYTES + len,
    };
  }
  const endOffset = core.lastEndOffset();
  const kind = DAMAGE_KINDS[core.lastDamageKind()] ?? null;
  let damage: LogDamage | null = null;
  if (kind) {
    const at = core.lastDamageOffset();
    const atEnd = kind === 'torn-tail' || recordReachesEnd(buf, at);
    damage = { kind, offset: baseOffset + at, atEnd, reason: describe(kind, buf, at) };
  }
  return { records, endOffset: baseOffset + endOffset, damage };
}

function recordReachesEnd(buf: Uint8Array, at: number): boolean {
  if (buf.length - at < 4) return true;
  const len = Buffer.from(buf.buffer, buf.byteOffset + at, 4).readUInt32LE(0);
  return at + RECORD_OVERHEAD_BYTES + len >= buf.length;
}

function describe(kind: LogDamageKind, buf: Uint8Array, at: number): string {
  switch (kind) {
    case 'torn-tail':
      return `record at offset ${at} is incomplete: the data ends after ${buf.length - at} of its bytes`;
    case 'bad-crc':
      return `record at offset ${at} fails its CRC32C check`;
    case 'bad-length':
      return `record at offset ${at} declares a payload longer than ${MAX_PAYLOAD_BYTES} bytes`;
    case 'bad-header':
      return `record at offset ${at} has an unknown version or non-zero reserved bytes`;
  }
}
