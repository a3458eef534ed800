// One database: keys to values with optional absolute expiry. Keys are
// binary; the map is keyed by their latin1 string, which is one char per
// byte and so loses nothing.
import type { Value } from './value.js';
import { Notify, StoreEvents, notify } from './notify.js';

export interface KeyEntry {
  value: Value;
  /** Absolute expiry in ms since the epoch; 0 = none. */
  expireAt: number;
  /** Bumped on every change; WATCH compares it. */
  version: number;
  /** The snapshot epoch that has this entry's value already (copy-on-write bookkeeping). */
  snap?: number;
  /** Insertion order in the keyspace: SCAN's cursor. */
  seq?: number;
  /** Bytes this entry's value is charged in the keyspace's total. */
  size?: number;
}

/** Keys per SCAN chunk: a cursor seeks to its chunk, then skips at most this many. */
const SCAN_CHUNK = 1024;

const ENTRY_OVERHEAD_BYTES = 64;

export function keyString(key: Buffer): string {
  return key.toString('latin1');
}

/**
 * A point-in-time view of the keyspace, read in slices while writes go on:
 * before a key not yet read is changed, its value is copied aside, and keys
 * created after the start are skipped (copy-on-write per key).
 */
export class KeyspaceSnapshot {
  private readonly iter: Iterator<[string, KeyEntry]>;
  private captured: [string, KeyEntry][] = [];
  done = false;

  constructor(map: Map<string, KeyEntry>, readonly epoch: number, readonly keyClock: number, private readonly onClose: () => void) {
    this.iter = map[Symbol.iterator]();
  }

  /** Called by the keyspace before it changes or drops an entry. */
  capture(k: string, e: KeyEntry): void {
    if (e.snap === this.epoch) return;
    e.snap = this.epoch;
    this.captured.push([k, copyEntry(e)]);
  }

  /** Up to `max` keys (latin1) with their entries as of the start; empty once done. */
  next(max: number): [string, KeyEntry][] {
    const out: [string, KeyEntry][] = [];
    while (out.length < max && this.captured.length) out.push(this.captured.pop()!);
    while (out.length < max) {
      const r = this.iter.next();
      if (r.done) break;
      const e = r.value[1];
      if (e.snap === this.epoch) continue;
      e.snap = this.epoch;
      out.push(r.value);
    }
    if (out.length === 0) this.close();
    return out;
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.captured = [];
    this.onClose();
  }
}

function copyEntry(e: KeyEntry): KeyEntry {
  return { value: copyValue(e.value), expireAt: e.expireAt, version: e.version };
}

export function copyValue(v: Value): Value {
  switch (v.type) {
    case 'string': return { type: 'string', data: Buffer.from(v.data) };
    case 'list': return { type: 'list', items: v.items.clone() };
    case 'hash': return { type: 'hash', fields: new Map(v.fields) };
    case 'set': return { type: 'set', members: new Set(v.members) };
    case 'zset': return { type: 'zset', zset: v.zset.clone() };
    case 'stream': return { type: 'stream', stream: v.stream.clone() };
  }
}

export class Keyspace {
  private map = new Map<string, KeyEntry>();
  private snapshot: KeyspaceSnapshot | null = null;
  private snapEpoch = 0;
  /**
   * SCAN's index: keys by insertion sequence, in chunks. A key keeps its
   * sequence while it exists, so a cursor (the next sequence to look at)
   * never skips a key that is present for the whole scan.
   */
  private chunks = new Map<number, Map<string, KeyEntry>>();
  private chunkIds: number[] = [];
  private insertSeq = 0;
  /** Where active expiry sampling goes on from. */
  private expireCursor = 0;
  private expiredCount = 0;
  private expiring = 0;
  private bytes = 0;
  /** Global change counter: versions are unique and deterministic across nodes. */
  private clock = 0;
  /** While a script runs: each key's entry as it was before the script first changed it (null = absent). */
  private journal: Map<string, KeyEntry | null> | null = null;
  /** The whole keyspace as it was when a journaled script flushed it. */
  private journalFlushed: { map: Map<string, KeyEntry>; chunks: Map<number, Map<string, KeyEntry>>; chunkIds: number[]; expiring: number; bytes: number } | null = null;

  /** Expired and new keys are announced here (the `x` and `n` notification classes). */
  constructor(readonly events: StoreEvents = new StoreEvents()) {}

  get size(): number {
    return this.map.size;
  }

  get expiresCount(): number {
    return this.expiring;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  /** The live entry for reading: an expired key is absent but left in place. */
  get(key: Buffer, nowMs: number): KeyEntry | undefined {
    const e = this.map.get(keyString(key));
    if (e === undefined || (e.expireAt !== 0 && e.expireAt <= nowMs)) return undefined;
    return e;
  }

  /** The live entry for a write: an expired key is deleted first. */
  getForWrite(key: Buffer, nowMs: number): KeyEntry | undefined {
    const k = keyString(key);
    const e = this.map.get(k);
    if (e === undefined) return undefined;
    // The caller may change the entry in place: a running snapshot keeps its old value, a running script its undo.
    if (this.snapshot) this.snapshot.capture(k, e);
    if (this.journal) this.remember(k, e);
    if (e.expireAt !== 0 && e.expireAt <= nowMs) {
      this.removeEntry(k, e);
      this.expiredCount++;
      notify(this, Notify.expired, 'expired', key);
      return undefined;
    }
    return e;
  }

  /** Sets a value; keeps the old expiry only when keepTtl. A key that did not exist is announced as `new`. */
  set(key: Buffer, value: Value, expireAt = 0, keepTtl = false): KeyEntry {
    return this.put(key, value, expireAt, keepTtl, true);
  }

  private put(key: Buffer, value: Value, expireAt: number, keepTtl: boolean, announce: boolean): KeyEntry {
    const k = keyString(key);
    const old = this.map.get(k);
    if (this.journal) this.remember(k, old);
    if (old) {
      if (this.snapshot) this.snapshot.capture(k, old);
      if (!keepTtl) this.setExpireOn(old, expireAt);
      old.value = value;
      old.version = ++this.clock;
      const size = valueBytes(value);
      this.bytes += size - old.size!;
      old.size = size;
      return old;
    }
    // A key born after a snapshot started is not part of it.
    const entry: KeyEntry = { value, expireAt: 0, version: ++this.clock, snap: this.snapshot ? this.snapEpoch : 0, seq: ++this.insertSeq, size: valueBytes(value) };

    this.setExpireOn(entry, expireAt);
    this.map.set(k, entry);
    const cid = Math.floor(entry.seq! / SCAN_CHUNK);
    let chunk = this.chunks.get(cid);
    if (!chunk) {
      chunk = new Map();
      this.chunks.set(cid, chunk);
      this.chunkIds.push(cid);
    }
    chunk.set(k, entry);
    this.bytes += ENTRY_OVERHEAD_BYTES + key.length + entry.size!;
    if (announce) notify(this, Notify.new, 'new', key);
    return entry;
  }

  /** Records an in-place change of an entry's value (size accounting and version). `_bytesBefore` is no longer needed: entries remember what they were charged. */
  touched(entry: KeyEntry, _bytesBefore?: number): void {
    const size = valueBytes(entry.value);
    this.bytes += size - entry.size!;
    entry.size = size;
    entry.version = ++this.clock;
  }

  setExpire(entry: KeyEntry, expireAt: number): void {
    this.setExpireOn(entry, expireAt);
    entry.version = ++this.clock;
  }

  delete(key: Buffer): boolean {
    const k = keyString(key);
    const e = this.map.get(k);
    if (!e) return false;
    this.removeEntry(k, e);
    return true;
  }

  /** Version for WATCH: 0 for a missing key, which still changes when the key is created. */
  version(key: Buffer, nowMs: number): number {
    return this.get(key, nowMs)?.version ?? 0;
  }

  flush(): void {
    if (this.journal && !this.journalFlushed) {
      // Undo restores the keyspace as it was at the flush, then the changes journaled before it.
      this.journalFlushed = { map: this.map, chunks: this.chunks, chunkIds: this.chunkIds, expiring: this.expiring, bytes: this.bytes };
      this.map = new Map();
    }
    // A running snapshot goes on reading the old map, which nothing changes any more.
    else if (this.snapshot) this.map = new Map();
    else this.map.clear();
    this.chunks = new Map();
    this.chunkIds = [];
    this.expiring = 0;
    this.bytes = 0;
    this.clock++;
  }

  /** Iterates live keys (as latin1 strings) with their entries. */
  *entries(nowMs: number): IterableIterator<[string, KeyEntry]> {
    for (const pair of this.map) {
      const e = pair[1];
      if (e.expireAt === 0 || e.expireAt > nowMs) yield pair;
    }
  }

  /**
   * One SCAN step: looks at up to `count` keys from `cursor` (0 = the start)
   * and returns the live ones and the cursor to continue from (0 = done).
   */
  scan(cursor: number, count: number, nowMs: number): { cursor: number; keys: [string, KeyEntry][] } {
    const out: [string, KeyEntry][] = [];
    let looked = 0;
    for (let ci = lowerBound(this.chunkIds, Math.floor(cursor / SCAN_CHUNK)); ci < this.chunkIds.length; ci++) {
      for (const pair of this.chunks.get(this.chunkIds[ci]!)!) {
        const e = pair[1];
        if (e.seq! < cursor) continue;
        if (looked >= count) return { cursor: e.seq!, keys: out };
        looked++;
        if (e.expireAt === 0 || e.expireAt > nowMs) out.push(pair);
      }
    }
    return { cursor: 0, keys: out };
  }

  /**
   * A random live key: a random chunk of the SCAN index, then a random key
   * in it (Redis's pick is not uniform either). Falls back to a full walk
   * when sampling keeps finding expired keys.
   */
  randomKey(random: () => number, nowMs: number): string | null {
    if (this.map.size === 0) return null;
    for (let attempt = 0; attempt < 64; attempt++) {
      const chunk = this.chunks.get(this.chunkIds[Math.floor(random() * this.chunkIds.length)]!)!;
      let skip = Math.floor(random() * chunk.size);
      for (const [k, e] of chunk) {
        if (skip-- > 0) continue;
        if (e.expireAt === 0 || e.expireAt > nowMs) return k;
        break;
      }
    }
    const live: string[] = [];
    for (const [k, e] of this.map) if (e.expireAt === 0 || e.expireAt > nowMs) live.push(k);
    return live.length ? live[Math.floor(random() * live.length)]! : null;
  }

  /** Starts a point-in-time snapshot (one at a time). */
  beginSnapshot(): KeyspaceSnapshot {
    if (this.snapshot) throw new Error('a snapshot of the keyspace is already running');
    const snap = new KeyspaceSnapshot(this.map, ++this.snapEpoch, this.clock, () => { if (this.snapshot === snap) this.snapshot = null; });
    this.snapshot = snap;
    return snap;
  }

  get keyClock(): number {
    return this.clock;
  }

  /** Loading a snapshot: adds a key as it was, version included. */
  load(key: Buffer, value: Value, expireAt: number, version: number): void {
    const e = this.put(key, value, expireAt, false, false);
    e.version = version;
  }

  /** After loading: the change counter as it was when the snapshot was taken. */
  setKeyClock(clock: number): void {
    this.clock = clock;
  }

  /**
   * Up to `limit` keys whose expiry has passed, looking at no more than
   * `examine` keys from where the previous call stopped (active expiry
   * samples a slice per round, as Redis does, instead of walking everything).
   */
  expired(nowMs: number, limit: number, examine = 256): Buffer[] {
    const out: Buffer[] = [];
    if (this.expiring === 0) return out;
    let looked = 0;
    let ci = lowerBound(this.chunkIds, Math.floor(this.expireCursor / SCAN_CHUNK));
    outer: for (;; ci++) {
      if (ci >= this.chunkIds.length) {
        // Wrapped: start over from the first key next time.
        this.expireCursor = 0;
        break;
      }
      for (const [k, e] of this.chunks.get(this.chunkIds[ci]!)!) {
        if (e.seq! < this.expireCursor) continue;
        if (looked >= examine || out.length >= limit) {
          this.expireCursor = e.seq!;
          break outer;
        }
        looked++;
        if (e.expireAt !== 0 && e.expireAt <= nowMs) out.push(Buffer.from(k, 'latin1'));
      }
    }
    return out;
  }

  /**
   * Starts recording what changes, so that a script stopped midway (its
   * instruction budget ran out) can be undone whole on every node alike.
   * Each key's entry is copied once, before the first change.
   */
  beginJournal(): KeyspaceJournal {
    if (this.journal) throw new Error('a keyspace journal is already running');
    this.journal = new Map();
    this.journalFlushed = null;
    const end = () => {
      this.journal = null;
      this.journalFlushed = null;
    };
    return {
      commit: end,
      rollback: () => {
        const journal = this.journal!;
        const flushed = this.journalFlushed;
        end();
        if (flushed) {
          // Drop what was written after the flush, then bring back the flushed keyspace.
          for (const [k, e] of [...this.map]) this.removeEntry(k, e);
          this.map = flushed.map;
          this.chunks = flushed.chunks;
          this.chunkIds = flushed.chunkIds;
          this.expiring = flushed.expiring;
          this.bytes = flushed.bytes;
        }
        for (const [k, before] of journal) this.restore(k, before);
      },
    };
  }

  private remember(k: string, e: KeyEntry | undefined): void {
    // After a flush, undo brings the flushed keyspace back whole: later changes need no record.
    if (this.journalFlushed || this.journal!.has(k)) return;
    this.journal!.set(k, e ? copyEntry(e) : null);
  }

  /** Undo of one key: back to `before`, or gone when it did not exist. */
  private restore(k: string, before: KeyEntry | null): void {
    const now = this.map.get(k);
    if (now) this.removeEntry(k, now);
    if (!before) return;
    const key = Buffer.from(k, 'latin1');
    const e = this.set(key, before.value, before.expireAt);
    e.version = before.version;
  }

  /** Keys removed because their expiry had passed (INFO expired_keys). */
  get expiredTotal(): number {
    return this.expiredCount;
  }

  private setExpireOn(e: KeyEntry, expireAt: number): void {
    if (e.expireAt !== 0) this.expiring--;
    e.expireAt = expireAt;
    if (expireAt !== 0) this.expiring++;
  }

  private removeEntry(k: string, e: KeyEntry): void {
    if (this.snapshot) this.snapshot.capture(k, e);
    if (this.journal) this.remember(k, e);
    this.map.delete(k);
    const cid = Math.floor(e.seq! / SCAN_CHUNK);
    const chunk = this.chunks.get(cid);
    if (chunk && chunk.delete(k) && chunk.size === 0) {
      this.chunks.delete(cid);
      const at = lowerBound(this.chunkIds, cid);
      if (this.chunkIds[at] === cid) this.chunkIds.splice(at, 1);
    }
    if (e.expireAt !== 0) this.expiring--;
    // What the entry was charged, not its current size: a collection emptied by the command that deletes it is 0 now.
    this.bytes -= ENTRY_OVERHEAD_BYTES + k.length + e.size!;
    this.clock++;
  }
}

export interface KeyspaceJournal {
  /** Keeps the changes. */
  commit(): void;
  /** Puts every key the journaled work changed back as it was (values, expiries, versions). */
  rollback(): void;
}

function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0, hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const SET_MEMBER_BYTES = 48;
const HASH_FIELD_BYTES = 96;

export function valueBytes(v: Value): number {
  switch (v.type) {
    case 'string': return v.data.length;
    case 'list': return v.items.bytes + 16 * v.items.length;
    // Sets and hashes are charged per element (an estimate): counting their bytes would make every
    // SADD/HSET on a big collection O(n), since accounting runs around each change.
    case 'set': return v.members.size * SET_MEMBER_BYTES;
    case 'hash': return v.fields.size * HASH_FIELD_BYTES;
    case 'zset': return v.zset.bytes;
    case 'stream': return v.stream.bytes;
  }
}
