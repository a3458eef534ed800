// Reads a Raft log file and its .idx from start to end and says what is in
// them and what is wrong, without changing either. Recovery uses it before
// opening the log; `redisraft-wasm check-log` prints it.
import { closeSync, existsSync, fstatSync, openSync } from 'node:fs';
import { EntryType, index as idx, term as trm, type Entry, type Index } from '@redisraft-wasm/raft';
import { decodeLogRecords } from '@redisraft-wasm/wasm';
import { readFully } from './fs-util.js';
import { HEADER_RECORD_TYPE, IDX_ENTRY_BYTES, isEntryType, type LogHeader } from './log-file.js';

const CHUNK_BYTES = 32 * 1024 * 1024;

/** Damage that stops a start: which file, where, and what is wrong. */
export interface LogProblem {
  readonly file: string;
  readonly offset: number;
  readonly problem: string;
}

export interface TermRun {
  readonly term: number;
  readonly first: number;
  readonly last: number;
}

export interface LogScan {
  readonly header: LogHeader | null;
  /** Entries that read back intact, in order. */
  readonly count: number;
  readonly firstIndex: Index;
  readonly lastIndex: Index;
  readonly termRuns: TermRun[];
  readonly fileSize: number;
  /** Offset just past the last good record. */
  readonly goodEnd: number;
  /** A final record cut short by a crash mid-append: safe to cut off. */
  readonly tornTail: LogProblem | null;
  /** Anything else: the log cannot be used as it is. */
  readonly damage: LogProblem | null;
  /** File offset of each good entry. */
  readonly offsets: number[];
  /** Terms of every good entry, from base + 1. */
  readonly terms: number[];
  /** Configuration entries (membership is rebuilt from them). */
  readonly configs: Entry[];
  /** The newest entries, up to the cache budget. */
  readonly tail: Entry[];
  /** What the .idx holds beyond the good entries: 0 = exact, > 0 = stale offsets past a torn tail, < 0 = missing offsets. */
  readonly idxExtra: number;
  /** The idx file that agrees with the log: the .idx, or a pending `.idx.tmp` left by an interrupted rewrite. */
  readonly idxFile: string;
}

export interface ScanOptions {
  /** Bytes of newest entries to keep in `tail`. */
  readonly cacheBytes?: number;
  /** Keep all entries' terms and configs (recovery) or only counts (check-log). */
  readonly collect?: boolean;
}

export function scanLog(logPath: string, idxPath: string, opts: ScanOptions = {}): LogScan {
  const collect = opts.collect ?? true;
  const cacheBytes = opts.cacheBytes ?? 0;
  const fd = openSync(logPath, 'r');
  const fileSize = fstatSync(fd).size;
  const offsets: number[] = [];
  const terms: number[] = [];
  const configs: Entry[] = [];
  let tail: Entry[] = [];
  let tailBytes = 0;
  const termRuns: TermRun[] = [];
  let header: LogHeader | null = null;
  let damage: LogProblem | null = null;
  let tornTail: LogProblem | null = null;
  let goodEnd = 0;
  let lastTerm = 0;
  try {
    let pos = 0;
    let chunk = CHUNK_BYTES;
    const fail = (offset: number, problem: string) => { damage = { file: logPath, offset, problem }; };
    while (pos < fileSize && !damage && !tornTail) {
      const len = Math.min(chunk, fileSize - pos);
      const buf = Buffer.allocUnsafe(len);
      readFully(fd, buf, pos);
      const res = decodeLogRecords(buf, pos);
      for (const r of res.records) {
        if (!header) {
          if (r.offset !== 0 || r.type !== HEADER_RECORD_TYPE) { fail(r.offset, `the first record is not a log header (type ${r.type})`); break; }
          header = { base: idx(r.index), baseTerm: trm(r.term) };
          lastTerm = r.term;
          goodEnd = r.offset + r.size;
          continue;
        }
        const expected = header.base + offsets.length + 1;
        if (!isEntryType(r.type)) { fail(r.offset, `record of index ${r.index} has unknown entry type ${r.type}`); break; }
        if (r.index !== expected) { fail(r.offset, `a gap: record of index ${r.index} where index ${expected} was expected`); break; }
        if (r.term < lastTerm) { fail(r.offset, `the term goes backwards: index ${r.index} has term ${r.term} after term ${lastTerm}`); break; }
        offsets.push(r.offset);
        const run = termRuns[termRuns.length - 1];
        if (run && run.term === r.term) termRuns[termRuns.length - 1] = { ...run, last: r.index };
        else termRuns.push({ term: r.term, first: r.index, last: r.index });
        lastTerm = r.term;
        goodEnd = r.offset + r.size;
        if (collect) {
          terms.push(r.term);
          const e: Entry = { index: idx(r.index), term: trm(r.term), type: r.type, data: r.payload };
          if (r.type === EntryType.config) configs.push(e);
          if (cacheBytes > 0) {
            tail.push(e);
            tailBytes += e.data.length + 32;
          }
        }
      }
      if (cacheBytes > 0 && tailBytes > cacheBytes) {
        let drop = 0;
        while (drop < tail.length - 1 && tailBytes > cacheBytes) tailBytes -= tail[drop++]!.data.length + 32;
        tail = tail.slice(drop);
      }
      if (damage) break;
      if (res.damage) {
        const atFileEnd = pos + len >= fileSize;
        if (res.damage.kind === 'torn-tail' && !atFileEnd) {
          // A record straddles the chunk boundary: read on from it (a bigger chunk if it alone exceeds one).
          if (res.endOffset === pos) chunk *= 2;
          pos = res.endOffset;
          continue;
        }
        if (header && atFileEnd && (res.damage.atEnd || allZero(buf, res.damage.offset - pos))) {
          tornTail = { file: logPath, offset: res.damage.offset, problem: `${res.damage.reason}: a write cut short by a crash` };
        } else {
          fail(res.damage.offset, res.damage.reason);
        }
        break;
      }
      pos = res.endOffset;
    }
    if (!header && !damage) damage = { file: logPath, offset: 0, problem: fileSize === 0 ? 'the file is empty (no log header)' : 'no log header' };
  } finally {
    closeSync(fd);
  }
  const base = header ? (header as LogHeader).base : idx(0);
  const idxCheck = damage ? { extra: 0, file: idxPath } : checkIdx(idxPath, offsets, goodEnd);
  if (!damage && idxCheck.problem) damage = idxCheck.problem;
  return {
    header,
    count: offsets.length,
    firstIndex: idx(base + 1),
    lastIndex: idx(base + offsets.length),
    termRuns,
    fileSize,
    goodEnd,
    tornTail,
    damage,
    offsets,
    terms,
    configs,
    tail,
    idxExtra: idxCheck.extra,
    idxFile: idxCheck.file,
  };
}

/** A tail of zeros: the file grew but its data never reached the disk (a crash). */
function allZero(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * The .idx must list the log's entries' offsets. It may lack the last ones
 * (a crash between the two appends) or run past a torn tail (offsets at or
 * beyond the cut); anything else is a disagreement. A `.idx.tmp` that
 * agrees stands in for an .idx a crash left behind during a rewrite.
 */
function checkIdx(idxPath: string, offsets: readonly number[], goodEnd: number): { extra: number; file: string; problem?: LogProblem } {
  const first = compareIdx(idxPath, offsets, goodEnd);
  if (!first.problem) return { extra: first.extra, file: idxPath };
  const pending = `${idxPath}.tmp`;
  if (existsSync(pending)) {
    const second = compareIdx(pending, offsets, goodEnd);
    if (!second.problem) return { extra: second.extra, file: pending };
  }
  return { extra: 0, file: idxPath, problem: first.problem };
}

function compareIdx(path: string, offsets: readonly number[], goodEnd: number): { extra: number; problem?: LogProblem } {
  if (!existsSync(path)) return { extra: 0, problem: { file: path, offset: 0, problem: 'the index file is missing' } };
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const n = Math.floor(size / IDX_ENTRY_BYTES);
    const buf = Buffer.allocUnsafe(n * IDX_ENTRY_BYTES);
    readFully(fd, buf, 0);
    const common = Math.min(n, offsets.length);
    for (let k = 0; k < common; k++) {
      const v = Number(buf.readBigUInt64LE(k * IDX_ENTRY_BYTES));
      if (v !== offsets[k]) {
        return { extra: 0, problem: { file: path, offset: k * IDX_ENTRY_BYTES, problem: `entry ${k + 1} of the log is at offset ${offsets[k]}, the index file says ${v}` } };
      }
    }
    for (let k = common; k < n; k++) {
      const v = Number(buf.readBigUInt64LE(k * IDX_ENTRY_BYTES));
      if (v < goodEnd) return { extra: 0, problem: { file: path, offset: k * IDX_ENTRY_BYTES, problem: `it lists offset ${v} for an entry the log does not have` } };
    }
    return { extra: n - offsets.length };
  } finally {
    closeSync(fd);
  }
}

export function describeTerms(runs: readonly TermRun[]): string {
  if (runs.length === 0) return 'none';
  const shown = runs.length > 6 ? [...runs.slice(0, 3), null, ...runs.slice(-2)] : runs;
  return shown.map((r) => (r ? `${r.term} (${r.first}-${r.last})` : '...')).join(', ');
}
