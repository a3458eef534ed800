// Streams in RDB: RDB_TYPE_STREAM_LISTPACKS_2 (19) as Redis 7.0 writes it,
// and the older RDB_TYPE_STREAM_LISTPACKS (15) on reading (rdb.c
// rdbSaveObject / rdbLoadObject for OBJ_STREAM).
//
// The store keeps a stream in nodes shaped like Redis's listpack nodes
// (stream.ts), so each node is written as the listpack Redis would hold for
// it (t_stream.c streamAppendItem):
//   master entry: count, deleted, num-fields, the fields, 0
//   each entry:   flags, ms-delta, seq-delta, [num-fields, field/value pairs
//                 | the values when the fields are the master's], lp-count
// The element encodings, back lengths and the listpack header are framed in
// wasm (LP_* items of rdbEncode); reading gets the elements as tokens from
// wasm (which has checked the listpack's bytes) and checks the stream layout
// here, as streamValidateListpackIntegrity does.
import {
  Consumer, ConsumerGroup, MAX_ID, Stream, StreamNode, estimateDistance, idMs, idSeq, makeId,
  parseInt64, type Nack, type StreamEntry, type StreamId,
} from '@redisraft-wasm/store';
import { RdbToken, tokenBytes, type RdbItems, type RdbTokens } from '@redisraft-wasm/wasm';

export const RDB_TYPE_STREAM_LISTPACKS = 15;
export const RDB_TYPE_STREAM_LISTPACKS_2 = 19;

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;

/** Damaged or inconsistent stream data (the caller turns it into its own error type). */
export class RdbStreamError extends Error {
  override readonly name = 'RdbStreamError';
}

/** Whether an entry has its node's master fields (the fields compared by content, as streamAppendItem does). */
function sameFields(e: StreamEntry, mf: readonly Buffer[]): boolean {
  if (e.fv.length !== 2 * mf.length) return false;
  for (let i = 0; i < mf.length; i++) {
    const f = e.fv[2 * i]!;
    if (f !== mf[i] && !f.equals(mf[i]!)) return false;
  }
  return true;
}

/** One node as its listpack. */
function writeNode(items: RdbItems, node: StreamNode): void {
  const mf = node.masterFields;
  const masterMs = idMs(node.master), masterSeq = idSeq(node.master);
  items.lpBegin();
  items.lpInt(node.live).lpInt(node.dead).lpInt(mf.length);
  for (const f of mf) items.lpStr(f);
  items.lpInt(0);
  for (const e of node.entries) {
    const same = sameFields(e, mf);
    const nf = e.fv.length / 2;
    items.lpInt((same ? FLAG_SAMEFIELDS : 0) | (e.deleted ? FLAG_DELETED : 0));
    // uint64 differences, stored as int64 (lpAppendInteger).
    items.lpInt(BigInt.asIntN(64, idMs(e.id) - masterMs));
    items.lpInt(BigInt.asIntN(64, idSeq(e.id) - masterSeq));
    if (same) {
      for (let i = 1; i < e.fv.length; i += 2) items.lpStr(e.fv[i]!);
      items.lpInt(nf + 3);
    } else {
      items.lpInt(nf);
      for (const b of e.fv) items.lpStr(b);
      items.lpInt(nf + 3 + nf + 1);
    }
  }
  items.lpEnd();
}

/** A stream's RDB body (after the type byte, and the key in a file), type 19. */
export function writeStreamBody(items: RdbItems, s: Stream): void {
  items.len(s.nodes.length);
  for (const node of s.nodes) {
    // The radix tree key: the master id, 16 bytes big-endian, as a string.
    const key = Buffer.allocUnsafe(16);
    key.writeBigUInt64BE(idMs(node.master), 0);
    key.writeBigUInt64BE(idSeq(node.master), 8);
    items.str(key);
    writeNode(items, node);
  }
  items.len(s.length);
  items.len(idMs(s.lastId)).len(idSeq(s.lastId));
  items.len(idMs(s.firstId)).len(idSeq(s.firstId));
  items.len(idMs(s.maxDeletedId)).len(idSeq(s.maxDeletedId));
  items.len(s.entriesAdded);
  const groups = s.sortedGroups();
  items.len(groups.length);
  for (const g of groups) {
    items.str(g.name).len(idMs(g.lastId)).len(idSeq(g.lastId));
    items.len(BigInt.asUintN(64, g.entriesRead));
    // The group's PEL with delivery times and counts; consumers then name their ids.
    items.len(g.pel.size);
    for (const [id, nack] of g.pel.from()) items.u128BE(id).i64(nack.deliveryTime).len(nack.deliveryCount);
    const consumers = g.sortedConsumers();
    items.len(consumers.length);
    for (const c of consumers) {
      items.str(c.name).i64(c.seenTime).len(c.pel.size);
      for (const [id] of c.pel.from()) items.u128BE(id);
    }
  }
}

// ---------------------------------------------------------------------------
// Reading.

/** A cursor over the tokens of one stream value. */
class Reader {
  constructor(private readonly t: RdbTokens, public j: number, private readonly input: Uint8Array) {}

  private kind(what: string): number {
    if (this.j >= this.t.count) throw new RdbStreamError(`the stream ends before its ${what}`);
    return this.t.kind[this.j]!;
  }

  len(what: string): bigint {
    if (this.kind(what) !== RdbToken.len) throw new RdbStreamError(`no ${what}`);
    return this.t.num[this.j++]!;
  }

  /** A count that also bounds the tokens still to come (each counted item takes at least one). */
  count(what: string): number {
    const n = this.len(what);
    if (n > BigInt(this.t.count - this.j)) throw new RdbStreamError(`a ${what} larger than the data`);
    return Number(n);
  }

  id(what: string): StreamId {
    const ms = this.len(`${what} (ms)`);
    return makeId(ms, this.len(`${what} (seq)`));
  }

  str(what: string): Buffer {
    const k = this.kind(what);
    if (k !== RdbToken.str && k !== RdbToken.int) throw new RdbStreamError(`no ${what}`);
    return tokenBytes(this.t, this.j++, this.input);
  }

  /** 16 raw bytes, big-endian: a stream id. */
  rawId(what: string): StreamId {
    if (this.kind(what) !== RdbToken.str || this.t.len[this.j] !== 16) throw new RdbStreamError(`${what} is not a 16-byte stream id`);
    const b = tokenBytes(this.t, this.j++, this.input);
    return makeId(b.readBigUInt64BE(0), b.readBigUInt64BE(8));
  }

  /** A millisecond time (int64). */
  time(what: string): number {
    if (this.kind(what) !== RdbToken.int) throw new RdbStreamError(`no ${what}`);
    return Number(BigInt.asIntN(64, this.t.num[this.j++]!));
  }

  /** A listpack element read as an integer (lpGetIntegerIfValid). */
  lpInt(what: string): bigint {
    const k = this.kind(what);
    if (k === RdbToken.int) return BigInt.asIntN(64, this.t.num[this.j++]!);
    if (k === RdbToken.str) {
      const v = parseInt64(tokenBytes(this.t, this.j, this.input));
      if (v !== null) {
        this.j++;
        return v;
      }
    }
    throw new RdbStreamError(`${what} is not an integer`);
  }

  /** A listpack element whose value is a count in [0, max]. */
  lpCount(what: string, max: number): number {
    const v = this.lpInt(what);
    if (v < 0n || v > BigInt(max)) throw new RdbStreamError(`${what} out of range (${v})`);
    return Number(v);
  }

  lpStr(what: string): Buffer {
    return this.str(what);
  }
}

/** One node from its listpack's `elements` tokens (streamValidateListpackIntegrity, plus count checks). */
function readNode(r: Reader, master: StreamId, elements: number, lpBytes: number): StreamNode {
  const end = r.j + elements;
  const left = () => end - r.j;
  const count = r.lpCount('the node entry count', elements);
  const deleted = r.lpCount('the node deleted count', elements);
  const nMaster = r.lpCount('the master field count', left());
  const masterFields: Buffer[] = [];
  for (let i = 0; i < nMaster; i++) masterFields.push(r.lpStr('a master field'));
  if (r.lpInt('the master entry terminator') !== 0n) throw new RdbStreamError('the master entry does not end with 0');
  const node = new StreamNode(master, masterFields);
  const masterMs = idMs(master), masterSeq = idSeq(master);
  let live = 0, dead = 0;
  const entries: StreamEntry[] = [];
  for (let k = 0; k < count + deleted; k++) {
    if (left() <= 0) throw new RdbStreamError('fewer entries in a node than its counts say');
    const flags = r.lpInt('entry flags');
    const id = makeId(BigInt.asUintN(64, masterMs + r.lpInt('an entry id (ms)')), BigInt.asUintN(64, masterSeq + r.lpInt('an entry id (seq)')));
    const same = (flags & BigInt(FLAG_SAMEFIELDS)) !== 0n;
    let fv: Buffer[];
    let extra = 3;
    if (same) {
      if (nMaster > left()) throw new RdbStreamError('an entry runs past its node');
      fv = [];
      for (let i = 0; i < nMaster; i++) fv.push(masterFields[i]!, r.lpStr('a value'));
    } else {
      const nf = r.lpCount('an entry field count', left());
      if (2 * nf > left()) throw new RdbStreamError('an entry runs past its node');
      fv = [];
      for (let i = 0; i < 2 * nf; i++) fv.push(r.lpStr('a field or value'));
      extra += nf + 1;
    }
    if (r.lpInt('an entry lp-count') !== BigInt(fv.length / 2 + extra)) throw new RdbStreamError('an entry lp-count that does not match it');
    const isDeleted = (flags & BigInt(FLAG_DELETED)) !== 0n;
    if (isDeleted) dead++;
    else live++;
    entries.push({ id, fv, deleted: isDeleted });
  }
  if (r.j !== end) throw new RdbStreamError('more elements in a node than its entries');
  if (live !== count || dead !== deleted) throw new RdbStreamError('a node whose counts do not match its entries');
  node.entries = entries;
  node.live = live;
  node.dead = dead;
  for (let k = 1; k < entries.length; k++) {
    if (entries[k]!.id < entries[k - 1]!.id) {
      node.sorted = false;
      break;
    }
  }
  // Redis decides where a node ends from the listpack's real size (lpBytes).
  node.bytes = lpBytes;
  return node;
}

/**
 * A stream from its tokens: the KEY token at `keyAt` (RDB type 15 or 19 in
 * its area, the node count in its num), the rest from `from`. Returns the
 * stream and the index of the token after it. Throws RdbStreamError.
 */
export function streamFromTokens(t: RdbTokens, keyAt: number, from: number, input: Uint8Array): { stream: Stream; next: number } {
  const type = t.area[keyAt]!;
  const r = new Reader(t, from, input);
  const nNodes = t.num[keyAt]!;
  if (nNodes > BigInt(t.count - from)) throw new RdbStreamError('more nodes than the data holds');
  const nodes: StreamNode[] = [];
  for (let k = 0; k < Number(nNodes); k++) {
    const key = r.str('a node key');
    if (key.length !== 16) throw new RdbStreamError('a node key that is not the size of a stream id');
    const master = makeId(key.readBigUInt64BE(0), key.readBigUInt64BE(8));
    if (r.j >= t.count || t.kind[r.j] !== RdbToken.listpack) throw new RdbStreamError('no listpack for a node');
    const elements = Number(t.num[r.j]!);
    const lpBytes = t.len[r.j]!;
    r.j++;
    if (elements > t.count - r.j) throw new RdbStreamError('a listpack larger than the data');
    nodes.push(readNode(r, master, elements, lpBytes));
  }
  // The radix tree orders nodes by master id and holds each id once.
  nodes.sort((a, b) => (a.master < b.master ? -1 : a.master > b.master ? 1 : 0));
  for (let k = 1; k < nodes.length; k++) {
    if (nodes[k]!.master === nodes[k - 1]!.master) throw new RdbStreamError('two nodes with the same master id');
  }
  const s = new Stream();
  s.loadNodes(nodes);
  const length = r.len('length');
  if (length > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbStreamError('an impossible stream length');
  s.length = Number(length);
  s.lastId = r.id('last id');
  if (type === 19) {
    s.firstId = r.id('first id');
    s.maxDeletedId = r.id('max deleted id');
    s.entriesAdded = r.len('entries added');
  } else {
    // Older streams (Redis 5 and 6): what Redis 7.0 derives when it loads them.
    s.maxDeletedId = 0n;
    s.entriesAdded = length;
    s.firstId = s.firstLiveId() ?? MAX_ID;
  }
  if (s.length > 0 && nodes.length === 0) throw new RdbStreamError('a stream length without nodes');
  const nGroups = r.count('group count');
  for (let gi = 0; gi < nGroups; gi++) {
    const name = r.str('a group name');
    const lastId = r.id('a group last id');
    const entriesRead = type === 19 ? BigInt.asIntN(64, r.len('a group entries-read')) : estimateDistance(s, lastId);
    s.groups ??= new Map();
    const gk = name.toString('latin1');
    if (s.groups.has(gk)) throw new RdbStreamError('two groups with the same name');
    const g = new ConsumerGroup(name, lastId, entriesRead);
    s.groups.set(gk, g);
    const nPel = r.count('PEL size');
    for (let k = 0; k < nPel; k++) {
      const id = r.rawId('a PEL id');
      const nack: Nack = { deliveryTime: r.time('a delivery time'), deliveryCount: r.len('a delivery count'), consumer: null };
      if (!g.pel.set(id, nack)) throw new RdbStreamError('a PEL id twice in a group');
    }
    const nConsumers = r.count('consumer count');
    for (let c = 0; c < nConsumers; c++) {
      const cname = r.str('a consumer name');
      const ck = cname.toString('latin1');
      if (g.consumers.has(ck)) throw new RdbStreamError('two consumers with the same name');
      const consumer = new Consumer(cname, r.time('a consumer seen time'));
      g.consumers.set(ck, consumer);
      const own = r.count('consumer PEL size');
      for (let k = 0; k < own; k++) {
        const id = r.rawId('a consumer PEL id');
        const nack = g.pel.get(id);
        if (!nack) throw new RdbStreamError('a consumer PEL id not in the group PEL');
        if (nack.consumer) throw new RdbStreamError('a PEL id owned by two consumers');
        nack.consumer = consumer;
        consumer.pel.set(id, nack);
      }
    }
    // Every pending entry has an owner (Redis checks this with sanitize-dump-payload; the commands here rely on it).
    for (const [, nack] of g.pel.from()) if (!nack.consumer) throw new RdbStreamError('a PEL entry without a consumer');
  }
  return { stream: s, next: r.j };
}
