// The log as the core sees it: entries after the last snapshot. Every
// entry's term stays in memory (8 bytes each); the entries themselves stay
// only while cached. Older ones are read back through the host's
// EntrySource (the log file), so a big log costs little memory.
import type { Entry, Index, Term } from './types.js';
import { index as idx, term as trm } from './types.js';

/** Reads entries [lo, hi) back from durable storage: the host's side of log caching. */
export type EntrySource = (lo: Index, hi: Index, maxBytes: number) => Entry[];

/** Bytes an entry is charged in the cache and in message budgets. */
export const entryCost = (e: Entry) => e.data.length + 32;

export class RaftLog {
  /** terms[k] is the term of entry snapshotIndex + 1 + k. */
  private terms: number[] = [];
  /** cache[k - cacheSkip] is entry cacheFirst + k - cacheSkip; the cache always runs to the last index. */
  private cache: Entry[] = [];
  private cacheSkip = 0;
  private cacheFirst: Index;
  private cacheBytes = 0;

  constructor(
    public snapshotIndex: Index = idx(0),
    public snapshotTerm: Term = trm(0),
    entries: readonly Entry[] = [],
    /** Without a source nothing is ever evicted. */
    private readonly source: EntrySource | null = null,
    /** Terms of entries before `entries` (those only the source holds), from snapshotIndex + 1. */
    uncachedTerms: readonly number[] = [],
  ) {
    if (uncachedTerms.length > 0 && !source) throw new Error('a log with uncached entries needs an entry source');
    this.terms = [...uncachedTerms];
    this.cacheFirst = idx(snapshotIndex + 1 + uncachedTerms.length);
    for (const e of entries) {
      if (e.index !== this.lastIndex() + 1) throw new Error(`log entries are not contiguous after index ${this.lastIndex()}`);
      this.push(e);
    }
  }

  firstIndex(): Index {
    return idx(this.snapshotIndex + 1);
  }

  lastIndex(): Index {
    return idx(this.snapshotIndex + this.terms.length);
  }

  lastTerm(): Term {
    return this.terms.length ? trm(this.terms[this.terms.length - 1]!) : this.snapshotTerm;
  }

  /** Term of entry i; undefined when compacted away (below the snapshot) or beyond the end. */
  term(i: number): Term | undefined {
    if (i === this.snapshotIndex) return this.snapshotTerm;
    if (i < this.snapshotIndex || i > this.lastIndex()) return undefined;
    return trm(this.terms[i - this.snapshotIndex - 1]!);
  }

  entry(i: number): Entry | undefined {
    if (i <= this.snapshotIndex || i > this.lastIndex()) return undefined;
    if (i >= this.cacheFirst) return this.cache[this.cacheSkip + i - this.cacheFirst];
    return this.source!(idx(i), idx(i + 1), Infinity)[0];
  }

  /** Entries [lo, hi) bounded by count and bytes (always at least one when any). */
  slice(lo: number, hi: number, maxEntries = Infinity, maxBytes = Infinity): Entry[] {
    if (lo <= this.snapshotIndex) throw new Error(`entries before ${lo} are compacted (snapshot at ${this.snapshotIndex})`);
    const end = Math.min(hi, this.lastIndex() + 1, lo + maxEntries);
    const out: Entry[] = [];
    let bytes = 0;
    let i = lo;
    if (i < this.cacheFirst && i < end) {
      const read = this.source!(idx(i), idx(Math.min(end, this.cacheFirst)), maxBytes);
      for (const e of read) {
        if (e.index !== i) throw new Error(`the entry source returned index ${e.index} where ${i} was expected`);
        if (e.term !== this.terms[i - this.snapshotIndex - 1]) throw new Error(`the entry source returned term ${e.term} for index ${i}, the log has ${this.term(i)}`);
        bytes += entryCost(e);
        out.push(e);
        i++;
      }
      if (i < this.cacheFirst) return out;
    }
    for (; i < end; i++) {
      const e = this.cache[this.cacheSkip + i - this.cacheFirst]!;
      bytes += entryCost(e);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  append(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.index !== this.lastIndex() + 1) throw new Error(`append of index ${e.index} after ${this.lastIndex()}`);
      this.push(e);
    }
  }

  private push(e: Entry): void {
    this.terms.push(e.term);
    this.cache.push(e);
    this.cacheBytes += entryCost(e);
  }

  /** Drops entries from index i on. */
  truncateFrom(i: number): void {
    if (i <= this.snapshotIndex) throw new Error(`cannot truncate at ${i}: at or below the snapshot (${this.snapshotIndex})`);
    if (i > this.lastIndex()) return;
    this.terms.length = i - this.snapshotIndex - 1;
    if (i < this.cacheFirst) {
      this.dropCache(idx(i));
      return;
    }
    const keep = this.cacheSkip + i - this.cacheFirst;
    for (let k = keep; k < this.cache.length; k++) this.cacheBytes -= entryCost(this.cache[k]!);
    this.cache.length = keep;
  }

  /** Drops entries up to and including i (a snapshot covers them now). */
  compact(i: Index, t: Term): void {
    if (i <= this.snapshotIndex) return;
    if (i > this.lastIndex()) throw new Error(`cannot compact to ${i}: beyond the last index ${this.lastIndex()}`);
    this.terms = this.terms.slice(i - this.snapshotIndex);
    this.snapshotIndex = i;
    this.snapshotTerm = t;
    if (this.cacheFirst <= i) this.evictThrough(i);
  }

  /** Replaces the log by a snapshot, keeping a suffix that agrees with it. */
  restore(i: Index, t: Term): void {
    if (this.term(i) === t) {
      this.compact(i, t);
      return;
    }
    this.terms = [];
    this.snapshotIndex = i;
    this.snapshotTerm = t;
    this.dropCache(idx(i + 1));
  }

  private dropCache(first: Index): void {
    this.cache = [];
    this.cacheSkip = 0;
    this.cacheBytes = 0;
    this.cacheFirst = first;
  }

  /** Bytes of entries held in memory. */
  cachedBytes(): number {
    return this.cacheBytes;
  }

  /** First index still cached (lastIndex + 1 when none). */
  firstCachedIndex(): Index {
    return this.cacheFirst;
  }

  /**
   * Forgets cached entries, oldest first, up to `limit` inclusive, while the
   * cache holds more than `maxBytes`. The caller bounds `limit` to what is
   * durable and applied. Without a source this does nothing.
   */
  evict(maxBytes: number, limit: Index): void {
    if (!this.source) return;
    let i = this.cacheFirst;
    while (this.cacheBytes > maxBytes && i <= limit && this.cacheSkip < this.cache.length) {
      this.cacheBytes -= entryCost(this.cache[this.cacheSkip]!);
      this.cache[this.cacheSkip++] = undefined as unknown as Entry;
      i++;
    }
    this.cacheFirst = idx(i);
    this.compactCacheArray();
  }

  private evictThrough(i: Index): void {
    while (this.cacheFirst <= i && this.cacheSkip < this.cache.length) {
      this.cacheBytes -= entryCost(this.cache[this.cacheSkip]!);
      this.cache[this.cacheSkip++] = undefined as unknown as Entry;
      this.cacheFirst = idx(this.cacheFirst + 1);
    }
    if (this.cacheFirst <= i) this.cacheFirst = idx(i + 1);
    this.compactCacheArray();
  }

  private compactCacheArray(): void {
    // Amortised O(1): shift the array only once the dead prefix is half of it.
    if (this.cacheSkip > 1024 && this.cacheSkip * 2 > this.cache.length) {
      this.cache = this.cache.slice(this.cacheSkip);
      this.cacheSkip = 0;
    }
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
