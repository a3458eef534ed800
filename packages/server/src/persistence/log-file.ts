// The Raft log file and its .idx, open for appending. The log is a header
// record (the index and term it starts after) followed by one record per
// entry (docs/log-format.md); the .idx holds each entry's u64 file offset,
// so entry i is at idx[i - base - 1] in O(1). Writes are synchronous into
// the page cache, in order; durability is fsync's job (node-storage.ts).
import { closeSync, fsync, fsyncSync, ftruncateSync, openSync, renameSync } from 'node:fs';
import { EntryType, index as idx, term as trm, type Entry, type Index, type Term } from '@redisraft-wasm/raft';
import { decodeLogRecords, encodeLogRecords, RECORD_OVERHEAD_BYTES, type LogRecordInput } from '@redisraft-wasm/wasm';
import { fsyncDir, readFully, writeAll } from './fs-util.js';

/** Record type of the log's first record; entry types (EntryType) are below it. */
export const HEADER_RECORD_TYPE = 255;
export const LOG_FORMAT = 1;
export const IDX_ENTRY_BYTES = 8;

export interface LogHeader {
  /** The log holds entries base + 1 onwards (base = the snapshot's index, 0 for none). */
  readonly base: Index;
  readonly baseTerm: Term;
}

export function headerRecord(h: LogHeader): LogRecordInput {
  return { index: h.base, term: h.baseTerm, type: HEADER_RECORD_TYPE, payload: Buffer.from(JSON.stringify({ format: LOG_FORMAT })) };
}

export function isEntryType(t: number): t is EntryType {
  return t === EntryType.normal || t === EntryType.config || t === EntryType.noop;
}

export function encodeEntries(entries: readonly Entry[]): Buffer {
  return encodeLogRecords(entries.map((e) => ({ index: e.index, term: e.term, type: e.type, payload: e.data })));
}

/** The .idx bytes for these offsets (u64 little-endian each, written without a BigInt per entry). */
export function idxBytes(offsets: readonly number[]): Buffer {
  const buf = Buffer.allocUnsafe(offsets.length * IDX_ENTRY_BYTES);
  for (let k = 0; k < offsets.length; k++) {
    const o = offsets[k]!;
    buf.writeUInt32LE(o % 0x1_0000_0000, k * IDX_ENTRY_BYTES);
    buf.writeUInt32LE(Math.floor(o / 0x1_0000_0000), k * IDX_ENTRY_BYTES + 4);
  }
  return buf;
}

/**
 * Replaces the log and its .idx: both written under temporary names, then
 * renamed. The log moves first; a crash before the .idx follows leaves the
 * new .idx as `.idx.tmp`, which recovery recognises.
 */
function replaceLog(logPath: string, idxPath: string, logParts: Buffer[], offsets: readonly number[], sync: boolean): void {
  writeWhole(`${idxPath}.tmp`, [idxBytes(offsets)], sync);
  writeWhole(`${logPath}.tmp`, logParts, sync);
  renameSync(`${logPath}.tmp`, logPath);
  renameSync(`${idxPath}.tmp`, idxPath);
  if (sync) fsyncDir(logPath);
}

/** Writes a new log holding `entries` after the header, and its .idx. */
export function writeFreshLog(logPath: string, idxPath: string, header: LogHeader, entries: readonly Entry[], sync: boolean): { end: number; offsets: number[] } {
  const head = encodeLogRecords([headerRecord(header)]);
  const offsets: number[] = [];
  let off = head.length;
  for (const e of entries) {
    offsets.push(off);
    off += RECORD_OVERHEAD_BYTES + e.data.length;
  }
  replaceLog(logPath, idxPath, [head, encodeEntries(entries)], offsets, sync);
  return { end: off, offsets };
}

function writeWhole(path: string, parts: Buffer[], sync: boolean): void {
  const fd = openSync(path, 'w', 0o644);
  try {
    for (const p of parts) writeAll(fd, p, null);
    // Only on cold paths (log creation, compaction); the hot path fsyncs off the event loop.
    if (sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class LogFile {
  private readonly logFd: number;
  private readonly idxFd: number;
  private end: number;
  /** offsets[k] = file offset of entry base + 1 + k (the .idx's content, mirrored in memory). */
  private offsets: number[];
  private dirty = false;

  /** Opens a log that recovery has verified: `end` is its good length, `offsets` its entries. */
  constructor(
    readonly logPath: string,
    readonly idxPath: string,
    readonly header: LogHeader,
    end: number,
    offsets: number[],
  ) {
    this.logFd = openSync(logPath, 'r+');
    this.idxFd = openSync(idxPath, 'r+');
    this.end = end;
    this.offsets = offsets;
  }

  get base(): Index {
    return this.header.base;
  }

  lastIndex(): Index {
    return idx(this.header.base + this.offsets.length);
  }

  sizeBytes(): number {
    return this.end;
  }

  /** Appends entries base + offsets.length + 1 onwards: one write to the log, one to the .idx. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    if (first !== this.lastIndex() + 1) throw new Error(`log file append of index ${first} after ${this.lastIndex()}`);
    const added: number[] = [];
    let off = this.end;
    for (const e of entries) {
      added.push(off);
      off += RECORD_OVERHEAD_BYTES + e.data.length;
    }
    writeAll(this.logFd, encodeEntries(entries), this.end);
    writeAll(this.idxFd, idxBytes(added), this.offsets.length * IDX_ENTRY_BYTES);
    for (const o of added) this.offsets.push(o);
    this.end = off;
    this.dirty = true;
  }

  /** Removes entries from index `from` on (a conflicting suffix): both files are cut, nothing rewritten. */
  truncateFrom(from: Index): void {
    if (from <= this.header.base) throw new Error(`log file truncation at ${from} is at or below its base ${this.header.base}`);
    const k = from - this.header.base - 1;
    if (k >= this.offsets.length) return;
    this.end = this.offsets[k]!;
    this.offsets.length = k;
    ftruncateSync(this.logFd, this.end);
    ftruncateSync(this.idxFd, k * IDX_ENTRY_BYTES);
    this.dirty = true;
  }

  /** Entries [lo, hi), at least one, stopping once maxBytes is passed. */
  read(lo: Index, hi: Index, maxBytes: number): Entry[] {
    const base = this.header.base;
    if (lo <= base || hi - 1 > this.lastIndex() || hi <= lo) throw new Error(`log file read of [${lo}, ${hi}) outside (${base}, ${this.lastIndex()}]`);
    const start = this.offsets[lo - base - 1]!;
    // Bound the read by bytes using the offsets alone.
    let last: number = lo;
    while (last + 1 < hi && this.offsetAfter(last + 1) - start <= maxBytes) last++;
    const stop = this.offsetAfter(last);
    const buf = Buffer.allocUnsafe(stop - start);
    readFully(this.logFd, buf, start);
    const { records, damage } = decodeLogRecords(buf, start);
    if (damage) throw new Error(`${this.logPath}: ${damage.reason} (read back at offset ${damage.offset})`);
    return records.map((r, k) => {
      if (r.index !== lo + k || !isEntryType(r.type)) throw new Error(`${this.logPath}: record at offset ${r.offset} is index ${r.index} type ${r.type}, expected index ${lo + k}`);
      return { index: idx(r.index), term: trm(r.term), type: r.type, data: r.payload };
    });
  }

  private offsetAfter(i: number): number {
    const k = i - this.header.base;
    return k < this.offsets.length ? this.offsets[k]! : this.end;
  }

  /**
   * A new log holding this one's entries after `base` (a snapshot covers the
   * rest), written beside it and renamed into place: the bytes are copied,
   * not re-encoded. This LogFile keeps its descriptors until closed.
   */
  rewriteAfter(base: Index, baseTerm: Term, sync: boolean, keepSuffix = true): LogFile {
    const k = keepSuffix ? Math.max(0, Math.min(base - this.header.base, this.offsets.length)) : this.offsets.length;
    const from = k < this.offsets.length ? this.offsets[k]! : this.end;
    const tail = Buffer.allocUnsafe(this.end - from);
    readFully(this.logFd, tail, from);
    const head = encodeLogRecords([headerRecord({ base, baseTerm })]);
    const shift = head.length - from;
    const offsets = this.offsets.slice(k).map((o) => o + shift);
    replaceLog(this.logPath, this.idxPath, [head, tail], offsets, sync);
    return new LogFile(this.logPath, this.idxPath, { base, baseTerm }, head.length + tail.length, offsets);
  }

  /** True when something was written since the last fsync began. */
  get needsSync(): boolean {
    return this.dirty;
  }

  /** fsyncs both files off the event loop (libuv's thread pool). */
  sync(done: (err: Error | null) => void): void {
    this.dirty = false;
    let pending = 2;
    let failed: Error | null = null;
    const one = (err: NodeJS.ErrnoException | null) => {
      if (err && !failed) failed = err;
      if (--pending === 0) done(failed);
    };
    fsync(this.logFd, one);
    fsync(this.idxFd, one);
  }

  close(): void {
    closeSync(this.logFd);
    closeSync(this.idxFd);
  }
}
