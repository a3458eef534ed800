// The log as the core sees it: entries after the last snapshot, in memory.
import type { Entry, Index, Term } from './types.js';
import { index as idx, term as trm } from './types.js';

export class RaftLog {
  private entries: Entry[];

  constructor(
    public snapshotIndex: Index = idx(0),
    public snapshotTerm: Term = trm(0),
    entries: readonly Entry[] = [],
  ) {
    this.entries = [...entries];
    for (let i = 0; i < this.entries.length; i++) {
      if (this.entries[i]!.index !== snapshotIndex + 1 + i) throw new Error(`log entries are not contiguous after index ${snapshotIndex}`);
    }
  }

  firstIndex(): Index {
    return idx(this.snapshotIndex + 1);
  }

  lastIndex(): Index {
    return idx(this.snapshotIndex + this.entries.length);
  }

  lastTerm(): Term {
    return this.entries.length ? this.entries[this.entries.length - 1]!.term : this.snapshotTerm;
  }

  /** Term of entry i; undefined when compacted away (below the snapshot) or beyond the end. */
  term(i: number): Term | undefined {
    if (i === this.snapshotIndex) return this.snapshotTerm;
    if (i < this.snapshotIndex || i > this.lastIndex()) return undefined;
    return this.entries[i - this.snapshotIndex - 1]!.term;
  }

  entry(i: number): Entry | undefined {
    if (i <= this.snapshotIndex || i > this.lastIndex()) return undefined;
    return this.entries[i - this.snapshotIndex - 1];
  }

  /** Entries [lo, hi) bounded by count and bytes (always at least one when any). */
  slice(lo: number, hi: number, maxEntries = Infinity, maxBytes = Infinity): Entry[] {
    if (lo <= this.snapshotIndex) throw new Error(`entries before ${lo} are compacted (snapshot at ${this.snapshotIndex})`);
    const end = Math.min(hi, this.lastIndex() + 1, lo + maxEntries);
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < end; i++) {
      const e = this.entries[i - this.snapshotIndex - 1]!;
      bytes += e.data.length + 32;
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  append(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.index !== this.lastIndex() + 1) throw new Error(`append of index ${e.index} after ${this.lastIndex()}`);
      this.entries.push(e);
    }
  }

  /** Drops entries from index i on. */
  truncateFrom(i: number): void {
    if (i <= this.snapshotIndex) throw new Error(`cannot truncate at ${i}: at or below the snapshot (${this.snapshotIndex})`);
    this.entries.length = Math.max(0, i - this.snapshotIndex - 1);
  }

  /** Drops entries up to and including i (a snapshot covers them now). */
  compact(i: Index, t: Term): void {
    if (i <= this.snapshotIndex) return;
    if (i > this.lastIndex()) throw new Error(`cannot compact to ${i}: beyond the last index ${this.lastIndex()}`);
    this.entries = this.entries.slice(i - this.snapshotIndex);
    this.snapshotIndex = i;
    this.snapshotTerm = t;
  }

  /** Replaces the log by a snapshot, keeping a suffix that agrees with it. */
  restore(i: Index, t: Term): void {
    if (this.term(i) === t) {
      this.compact(i, t);
      return;
    }
    this.entries = [];
    this.snapshotIndex = i;
    this.snapshotTerm = t;
  }

  /** Raft's up-to-date check (5.4.1). */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** First index of the run of entries with the same term as entry i (for reject hints). */
  firstIndexOfTermAt(i: number): Index {
    const t = this.term(i);
    let j = i;
    while (j - 1 > this.snapshotIndex && this.term(j - 1) === t) j--;
    return idx(j);
  }

  /** Last index whose term is t, or 0 when the log has no entry of term t. */
  lastIndexOfTerm(t: number): Index {
    for (let i = this.lastIndex(); i > this.snapshotIndex; i--) {
      const ti = this.term(i)!;
      if (ti === t) return idx(i);
      if (ti < t) break;
    }
    return idx(0);
  }
}
