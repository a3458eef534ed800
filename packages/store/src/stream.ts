// The stream type (Redis stream.h / t_stream.c semantics), written for this
// engine. Entry IDs are 128-bit bigints: ms in the high 64 bits, seq in the
// low 64 bits, so comparing two IDs is comparing two numbers and the
// successor of an ID is id + 1.
//
// Entries live in nodes that mirror Redis's listpack nodes: a node starts
// with a "master" entry (the first ID and field names added to it) and takes
// entries until it holds stream-node-max-entries (100) entries, live or
// deleted, or its emulated listpack size reaches stream-node-max-bytes
// (4096). Deleted entries stay in their node as tombstones until the whole
// node goes. Keeping Redis's node boundaries is what makes approximate
// trimming (MAXLEN ~, MINID ~, LIMIT) remove exactly the entries Redis
// removes, and XINFO report the same radix-tree-keys. Nodes are kept in an
// array ordered by master ID and entries in a node are ordered, so seeking an
// ID is two binary searches.
//
// Consumer groups keep their pending entries lists (PELs) in IdMap, a chunked
// sorted array keyed by ID (O(log n) seek, small splices), shared between the
// group PEL and the owning consumer's PEL as Redis does.

export type StreamId = bigint;

/** 2^64 - 1: the largest ms or seq part. */
export const U64 = (1n << 64n) - 1n;
/** 18446744073709551615-18446744073709551615. */
export const MAX_ID: StreamId = (1n << 128n) - 1n;

export const NODE_MAX_BYTES = 4096;
export const NODE_MAX_ENTRIES = 100;

export const makeId = (ms: bigint, seq: bigint): StreamId => (ms << 64n) | seq;
export const idMs = (id: StreamId): bigint => id >> 64n;
export const idSeq = (id: StreamId): bigint => id & U64;
export const formatId = (id: StreamId): string => `${id >> 64n}-${id & U64}`;

export interface StreamEntry {
  readonly id: StreamId;
  /** field0, value0, field1, value1, ... (binary-safe). */
  readonly fv: readonly Buffer[];
  deleted: boolean;
}

// ---------------------------------------------------------------------------
// Listpack size emulation (listpack.c encodings), used only to decide where
// Redis would start a new node.

/** The integer a listpack stores a string as, or null when it stays a string (lpStringToInt64). */
function lpInteger(b: Buffer): bigint | null {
  const n = b.length;
  if (n === 0 || n >= 21) return null;
  if (n === 1 && b[0] === 48) return 0n;
  let i = 0;
  if (b[0] === 45) {
    i = 1;
    if (n === 1) return null;
  }
  if (b[i]! < 49 || b[i]! > 57) return null;
  for (let j = i + 1; j < n; j++) if (b[j]! < 48 || b[j]! > 57) return null;
  const v = BigInt(b.toString('latin1'));
  return v < -(1n << 63n) || v > (1n << 63n) - 1n ? null : v;
}

/** Bytes of an integer element: encoding plus its one-byte back-length. */
function lpIntSize(v: bigint | number): number {
  const x = typeof v === 'bigint' ? v : BigInt(v);
  if (x >= 0n && x <= 127n) return 2;
  if (x >= -4096n && x <= 4095n) return 3;
  if (x >= -32768n && x <= 32767n) return 4;
  if (x >= -8388608n && x <= 8388607n) return 5;
  if (x >= -2147483648n && x <= 2147483647n) return 6;
  return 10;
}

function lpBacklenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

function lpStrSize(b: Buffer): number {
  const asInt = lpInteger(b);
  if (asInt !== null) return lpIntSize(asInt);
  const len = b.length;
  const enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  return enc + lpBacklenSize(enc);
}

/** A 64-bit difference as listpack stores it (lpAppendInteger of an int64). */
const i64 = (v: bigint): bigint => BigInt.asIntN(64, v);

export class StreamNode {
  entries: StreamEntry[] = [];
  live = 0;
  dead = 0;
  /**
   * Whether entries are in ascending id order. XSETID may move the last id
   * below tombstones still in the tail node; later appends then land after
   * larger ids, and Redis scans such a node entry by entry.
   */
  sorted = true;
  /** Emulated lpBytes() of the node's listpack. */
  bytes: number;

  constructor(readonly master: StreamId, readonly masterFields: readonly Buffer[]) {
    // Header (6) + end byte (1) + count, deleted, num-fields, the fields, zero terminator.
    let b = 7 + 2 + 2 + lpIntSize(masterFields.length) + 2;
    for (const f of masterFields) b += lpStrSize(f);
    this.bytes = b;
  }

  get lastId(): StreamId {
    return this.entries[this.entries.length - 1]!.id;
  }

  /** Index of the first entry with id >= `id`. */
  lowerBound(id: StreamId): number {
    const es = this.entries;
    let lo = 0, hi = es.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (es[mid]!.id < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  clone(): StreamNode {
    const n = Object.create(StreamNode.prototype) as StreamNode;
    Object.assign(n, { master: this.master, masterFields: this.masterFields, live: this.live, dead: this.dead, bytes: this.bytes, sorted: this.sorted });
    n.entries = this.entries.map((e) => ({ id: e.id, fv: e.fv, deleted: e.deleted }));
    return n;
  }
}

/** Trimming as XADD/XTRIM ask for it (streamAddTrimArgs). */
export interface TrimSpec {
  strategy: 'maxlen' | 'minid';
  maxlen: number;
  minid: StreamId;
  /** Only whole nodes go ('~'). */
  approx: boolean;
  /** Most entries to remove; 0 = no limit. */
  limit: number;
}

// ---------------------------------------------------------------------------
// Consumer groups.

export interface Nack {
  /** ms since the epoch of the last delivery (the log entry's time). */
  deliveryTime: number;
  /** uint64 in Redis; replies show it as a signed 64-bit number. */
  deliveryCount: bigint;
  consumer: Consumer | null;
}

export class Consumer {
  readonly pel = new IdMap<Nack>();
  constructor(readonly name: Buffer, public seenTime: number) {}
}

export class ConsumerGroup {
  readonly pel = new IdMap<Nack>();
  /** Consumers by name (latin1 of the bytes). */
  readonly consumers = new Map<string, Consumer>();
  constructor(readonly name: Buffer, public lastId: StreamId, /** -1 = unknown. */ public entriesRead: bigint) {}

  /** Consumers in Redis's order (the radix tree's: bytewise by name). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.keys()].sort(byteOrder).map((k) => this.consumers.get(k)!);
  }
}

/** Bytewise order of latin1 strings (one char per byte). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Stream {
  nodes: StreamNode[] = [];
  /** Live entries. */
  length = 0;
  lastId: StreamId = 0n;
  /** First live entry when the stream was last trimmed or its first entry deleted (recorded-first-entry-id). */
  firstId: StreamId = 0n;
  maxDeletedId: StreamId = 0n;
  /** uint64 counter of entries ever added. */
  entriesAdded = 0n;
  /** Groups by name (latin1); null until the first group, as in Redis. */
  groups: Map<string, ConsumerGroup> | null = null;
  private nodeBytes = 0;

  /** Approximate memory for the keyspace's accounting. */
  get bytes(): number {
    let n = this.nodeBytes + 32 * this.nodes.length;
    if (this.groups) {
      for (const g of this.groups.values()) {
        n += 64 + g.name.length + 48 * g.pel.size;
        for (const c of g.consumers.values()) n += 64 + c.name.length;
      }
    }
    return n;
  }

  /** Appends an entry; the caller has checked that id > lastId. */
  append(id: StreamId, fv: readonly Buffer[]): void {
    const numFields = fv.length / 2;
    let total = 0;
    for (const b of fv) total += b.length;
    let node: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    if (node && (node.bytes + total >= NODE_MAX_BYTES || node.live + node.dead >= NODE_MAX_ENTRIES)) node = undefined;
    let same = true;
    let entryFv = fv;
    if (!node) {
      const fields: Buffer[] = [];
      for (let i = 0; i < fv.length; i += 2) fields.push(fv[i]!);
      node = new StreamNode(id, fields);
      this.insertNode(node);
    } else {
      const mf = node.masterFields;
      if (mf.length !== numFields) same = false;
      else {
        for (let i = 0; i < numFields; i++) if (!mf[i]!.equals(fv[2 * i]!)) { same = false; break; }
      }
      if (same) {
        // Share the master's field buffers, as the listpack does.
        const shared: Buffer[] = [];
        for (let i = 0; i < numFields; i++) shared.push(mf[i]!, fv[2 * i + 1]!);
        entryFv = shared;
      }
    }
    let b = 2 + lpIntSize(i64(idMs(id) - idMs(node.master))) + lpIntSize(i64(idSeq(id) - idSeq(node.master)));
    if (!same) {
      b += lpIntSize(numFields);
      for (let i = 0; i < fv.length; i += 2) b += lpStrSize(fv[i]!);
    }
    for (let i = 1; i < fv.length; i += 2) b += lpStrSize(fv[i]!);
    b += lpIntSize(numFields + 3 + (same ? 0 : numFields + 1));
    node.bytes += b;
    this.nodeBytes += b;
    if (node.entries.length && id < node.lastId) node.sorted = false;
    node.entries.push({ id, fv: entryFv, deleted: false });
    node.live++;
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /**
   * Adds a new node where the radix tree would have it, by master id. The
   * tail is normally the place; after XSETID moved the last id back it may
   * not be, and a node with the same master id replaces the old one (as
   * raxInsert does; the old node's entries vanish, the length keeps them).
   */
  private insertNode(node: StreamNode): void {
    const at = this.nodeFor(node.master);
    if (at >= 0 && this.nodes[at]!.master === node.master) {
      this.nodeBytes -= this.nodes[at]!.bytes;
      this.nodes[at] = node;
    } else {
      this.nodes.splice(at + 1, 0, node);
    }
    this.nodeBytes += node.bytes;
  }

  /** Index of the last node whose master id <= id, or -1. */
  private nodeFor(id: StreamId): number {
    const ns = this.nodes;
    let lo = 0, hi = ns.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ns[mid]!.master <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /**
   * The stream iterator (streamIteratorStart/GetID): live entries from the
   * node at or before the start, in node order. Forward, an entry >= start
   * is emitted unless it is past the end, which stops the walk; backward
   * the same from the end. In ordered nodes (the normal case) the walk
   * starts at a binary-searched position. Yields [node index, entry index].
   */
  private *walk(start: StreamId, end: StreamId, rev: boolean): Generator<[number, number]> {
    const ns = this.nodes;
    if (ns.length === 0) return;
    if (!rev) {
      let ni = start === 0n ? 0 : Math.max(0, this.nodeFor(start));
      const first = ns[ni]!;
      let ei = first.sorted ? first.lowerBound(start) : 0;
      for (; ni < ns.length; ni++, ei = 0) {
        const es = ns[ni]!.entries;
        for (; ei < es.length; ei++) {
          const e = es[ei]!;
          if (e.deleted || e.id < start) continue;
          if (e.id > end) return;
          yield [ni, ei];
        }
      }
    } else {
      let ni = end === 0n ? ns.length - 1 : this.nodeFor(end);
      if (ni < 0) ni = ns.length - 1;
      const n0 = ns[ni]!;
      let ei = n0.entries.length - 1;
      if (n0.sorted) {
        ei = n0.lowerBound(end);
        if (ei === n0.entries.length || n0.entries[ei]!.id > end) ei--;
      }
      for (; ni >= 0; ni--, ei = ni >= 0 ? ns[ni]!.entries.length - 1 : 0) {
        const es = ns[ni]!.entries;
        for (; ei >= 0; ei--) {
          const e = es[ei]!;
          if (e.deleted || e.id > end) continue;
          if (e.id < start) return;
          yield [ni, ei];
        }
      }
    }
  }

  /** Live entries with start <= id <= end, ascending or (rev) descending. */
  *range(start: StreamId, end: StreamId, rev = false): Generator<StreamEntry> {
    for (const [ni, ei] of this.walk(start, end, rev)) yield this.nodes[ni]!.entries[ei]!;
  }

  /** The live entry with this id (streamEntryExists: the first live entry at or after it, if it is that id). */
  get(id: StreamId): StreamEntry | undefined {
    for (const e of this.range(id, id)) return e;
    return undefined;
  }

  firstLiveId(): StreamId | undefined {
    for (const e of this.range(0n, MAX_ID)) return e.id;
    return undefined;
  }

  lastLiveId(): StreamId | undefined {
    for (const e of this.range(0n, MAX_ID, true)) return e.id;
    return undefined;
  }

  /** XDEL of one id (streamDeleteItem): a node whose last live entry goes is dropped whole. */
  delete(id: StreamId): boolean {
    for (const [ni, ei] of this.walk(id, id, false)) {
      const n = this.nodes[ni]!;
      if (n.live === 1) {
        this.nodes.splice(ni, 1);
        this.nodeBytes -= n.bytes;
      } else {
        n.entries[ei]!.deleted = true;
        n.live--;
        n.dead++;
      }
      this.length--;
      return true;
    }
    return false;
  }

  /** streamTrim: returns how many entries were removed. */
  trim(t: TrimSpec): number {
    let deleted = 0;
    let removeNodes = 0;
    const ns = this.nodes;
    for (let ni = 0; ni < ns.length; ni++) {
      if (t.strategy === 'maxlen' && this.length <= t.maxlen) break;
      const node = ns[ni]!;
      const entries = node.live;
      if (t.limit && deleted + entries > t.limit) break;
      const removeNode = t.strategy === 'maxlen' ? this.length - entries >= t.maxlen : node.lastId < t.minid;
      if (removeNode) {
        removeNodes++;
        this.nodeBytes -= node.bytes;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (t.approx) break;
      // Mark entries of this node deleted until the condition holds.
      for (const e of node.entries) {
        if (t.strategy === 'maxlen' ? this.length <= t.maxlen : e.id >= t.minid) break;
        if (!e.deleted) {
          e.deleted = true;
          node.live--;
          node.dead++;
          this.length--;
          deleted++;
        }
      }
      break;
    }
    if (removeNodes) ns.splice(0, removeNodes);
    if (this.length === 0) this.firstId = 0n;
    else if (deleted) this.firstId = this.firstLiveId() ?? MAX_ID;
    return deleted;
  }

  group(name: Buffer): ConsumerGroup | undefined {
    return this.groups?.get(name.toString('latin1'));
  }

  /**
   * Loading (RDB): the nodes as a snapshot or DUMP holds them, in master id
   * order, each with its listpack's size. Length, ids and counters are set
   * by the loader from the saved fields, as Redis takes them.
   */
  loadNodes(nodes: StreamNode[]): void {
    this.nodes = nodes;
    this.nodeBytes = 0;
    for (const n of nodes) this.nodeBytes += n.bytes;
  }

  /** Groups in Redis's order (bytewise by name). */
  sortedGroups(): ConsumerGroup[] {
    if (!this.groups) return [];
    return [...this.groups.keys()].sort(byteOrder).map((k) => this.groups!.get(k)!);
  }

  /** Number of radix tree nodes Redis would report for the node keys (a compressed trie of 16-byte big-endian master ids). */
  radixTreeNodes(): number {
    const keys = this.nodes.map((n) => {
      const b = Buffer.alloc(16);
      b.writeBigUInt64BE(idMs(n.master), 0);
      b.writeBigUInt64BE(idSeq(n.master), 8);
      return b;
    });
    return keys.length === 0 ? 1 : raxCount(keys, 0, keys.length, 0);
  }

  clone(): Stream {
    const s = new Stream();
    s.nodes = this.nodes.map((n) => n.clone());
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    s.nodeBytes = this.nodeBytes;
    if (this.groups) {
      s.groups = new Map();
      for (const [k, g] of this.groups) {
        const g2 = new ConsumerGroup(g.name, g.lastId, g.entriesRead);
        const nackMap = new Map<Nack, Nack>();
        const consumerMap = new Map<Consumer, Consumer>();
        for (const [ck, c] of g.consumers) {
          const c2 = new Consumer(c.name, c.seenTime);
          consumerMap.set(c, c2);
          g2.consumers.set(ck, c2);
        }
        g2.pel.copyFrom(g.pel, (n) => {
          const n2: Nack = { deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount, consumer: n.consumer ? consumerMap.get(n.consumer) ?? null : null };
          nackMap.set(n, n2);
          return n2;
        });
        for (const [c, c2] of consumerMap) c2.pel.copyFrom(c.pel, (n) => nackMap.get(n)!);
        s.groups.set(k, g2);
      }
    }
    return s;
  }
}

/** A group's entries-read counter that is not known. */
export const INVALID_ENTRIES_READ = -1n;

/** streamEstimateDistanceFromFirstEverEntry: an id's logical read counter, or -1 when unknown. */
export function estimateDistance(st: Stream, id: StreamId): bigint {
  if (st.entriesAdded === 0n) return 0n;
  if (st.length === 0 && id <= st.lastId) return st.entriesAdded;
  if (id === st.lastId) return st.entriesAdded;
  if (id > st.lastId) return INVALID_ENTRIES_READ;
  if (st.maxDeletedId === 0n || st.maxDeletedId < st.firstId) {
    if (id < st.firstId) return st.entriesAdded - BigInt(st.length);
    if (id === st.firstId) return st.entriesAdded - BigInt(st.length) + 1n;
  }
  return INVALID_ENTRIES_READ;
}

/** Nodes of a compressed radix tree over keys[from, to) (sorted, equal length) sharing their first `depth` bytes. */
function raxCount(keys: Buffer[], from: number, to: number, depth: number): number {
  const len = keys[from]!.length;
  if (depth === len) return 1;
  // Longest common prefix beyond depth: it is the one between the first and the last key.
  const a = keys[from]!, z = keys[to - 1]!;
  let l = depth;
  while (l < len && a[l] === z[l]) l++;
  if (l > depth) return 1 + raxCount(keys, from, to, l);
  let n = 1;
  for (let i = from; i < to;) {
    let j = i + 1;
    while (j < to && keys[j]![depth] === keys[i]![depth]) j++;
    n += raxCount(keys, i, j, depth + 1);
    i = j;
  }
  return n;
}

// ---------------------------------------------------------------------------

const CHUNK = 64;

interface Chunk<V> {
  keys: StreamId[];
  vals: V[];
}

/** An ordered map keyed by stream id: sorted chunks of at most 2*CHUNK keys. */
export class IdMap<V> {
  private chunks: Chunk<V>[] = [];
  size = 0;

  /** Index of the chunk that holds or would hold key k. */
  private chunkFor(k: StreamId): number {
    const cs = this.chunks;
    let lo = 0, hi = cs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cs[mid]!.keys[0]! <= k) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }

  private static pos(keys: StreamId[], k: StreamId): number {
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(k: StreamId): V | undefined {
    if (this.size === 0) return undefined;
    const c = this.chunks[this.chunkFor(k)]!;
    const i = IdMap.pos(c.keys, k);
    return c.keys[i] === k ? c.vals[i] : undefined;
  }

  has(k: StreamId): boolean {
    return this.get(k) !== undefined;
  }

  /** Inserts or replaces; true when the key is new. */
  set(k: StreamId, v: V): boolean {
    if (this.chunks.length === 0) {
      this.chunks.push({ keys: [k], vals: [v] });
      this.size = 1;
      return true;
    }
    const ci = this.chunkFor(k);
    const c = this.chunks[ci]!;
    const i = IdMap.pos(c.keys, k);
    if (c.keys[i] === k) {
      c.vals[i] = v;
      return false;
    }
    c.keys.splice(i, 0, k);
    c.vals.splice(i, 0, v);
    this.size++;
    if (c.keys.length > 2 * CHUNK) {
      const right: Chunk<V> = { keys: c.keys.splice(CHUNK), vals: c.vals.splice(CHUNK) };
      this.chunks.splice(ci + 1, 0, right);
    }
    return true;
  }

  delete(k: StreamId): V | undefined {
    if (this.size === 0) return undefined;
    const ci = this.chunkFor(k);
    const c = this.chunks[ci]!;
    const i = IdMap.pos(c.keys, k);
    if (c.keys[i] !== k) return undefined;
    const v = c.vals[i]!;
    c.keys.splice(i, 1);
    c.vals.splice(i, 1);
    this.size--;
    if (c.keys.length === 0) this.chunks.splice(ci, 1);
    return v;
  }

  /** The first entry with key >= k. */
  ceil(k: StreamId): [StreamId, V] | undefined {
    if (this.size === 0) return undefined;
    let ci = this.chunkFor(k);
    let c = this.chunks[ci]!;
    let i = IdMap.pos(c.keys, k);
    if (i === c.keys.length) {
      ci++;
      if (ci === this.chunks.length) return undefined;
      c = this.chunks[ci]!;
      i = 0;
    }
    return [c.keys[i]!, c.vals[i]!];
  }

  /** The first entry with key > k. */
  higher(k: StreamId): [StreamId, V] | undefined {
    return k >= MAX_ID ? undefined : this.ceil(k + 1n);
  }

  first(): [StreamId, V] | undefined {
    const c = this.chunks[0];
    return c ? [c.keys[0]!, c.vals[0]!] : undefined;
  }

  last(): [StreamId, V] | undefined {
    const c = this.chunks[this.chunks.length - 1];
    return c ? [c.keys[c.keys.length - 1]!, c.vals[c.vals.length - 1]!] : undefined;
  }

  /** Entries with key >= from, in order (do not change the map while iterating). */
  *from(k: StreamId = 0n): Generator<[StreamId, V]> {
    if (this.size === 0) return;
    let ci = this.chunkFor(k);
    let i = IdMap.pos(this.chunks[ci]!.keys, k);
    for (; ci < this.chunks.length; ci++, i = 0) {
      const c = this.chunks[ci]!;
      for (; i < c.keys.length; i++) yield [c.keys[i]!, c.vals[i]!];
    }
  }

  /** Fills this (empty) map with `other`'s keys, mapping the values. */
  copyFrom<W>(other: IdMap<W>, f: (w: W) => V): void {
    this.chunks = other.chunks.map((c) => ({ keys: c.keys.slice(), vals: c.vals.map(f) }));
    this.size = other.size;
  }
}
