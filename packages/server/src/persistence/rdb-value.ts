// One value in RDB form (a type byte, then the value), as DUMP and RESTORE
// carry it and as a snapshot holds it after each key. Writing uses the plain
// RDB types (string, list, set, hash, ZSET_2), which every Redis reads, and
// STREAM_LISTPACKS_2 for streams (rdb-stream.ts); reading takes everything
// Redis 7.0 writes too: LZF-compressed strings, ziplists, listpacks,
// intsets, quicklists, zipmaps, text-score zsets and both stream types
// (the byte walking is in wasm, assembly/rdb-codec.ts).
import { Deque, ZSet, parseFloatStrict, type Value } from '@redisraft-wasm/store';
import { RdbItems, RdbToken, crc64, decodeRdbValue, tokenBytes, type RdbTokens } from '@redisraft-wasm/wasm';
import { RdbStreamError, streamFromTokens, writeStreamBody } from './rdb-stream.js';

/** The RDB version this server writes, and the newest it reads (Redis 7.0's). */
export const RDB_VERSION = 10;

/** The RDB value types written here. */
export const RDB_TYPE = { string: 0, list: 1, set: 2, hash: 4, zset: 5, stream: 19 } as const;

/** The plain type a KEY token reports for both stream RDB types (15, 19). */
const PLAIN_STREAM = 15;

export class RdbValueError extends Error {
  override readonly name = 'RdbValueError';
}

/** Appends a value's body (what follows the type byte, and the key in a file). */
export function writeValueBody(items: RdbItems, v: Value): void {
  switch (v.type) {
    case 'string':
      items.str(v.data);
      return;
    case 'list':
      items.len(v.items.length);
      for (let i = 0; i < v.items.length; i++) items.str(v.items.at(i));
      return;
    case 'set':
      items.len(v.members.size);
      for (const m of v.members) items.str(m);
      return;
    case 'hash':
      items.len(v.fields.size);
      for (const [f, val] of v.fields) items.str(f).str(val);
      return;
    case 'zset':
      // RDB_TYPE_ZSET_2: binary double scores.
      items.len(v.zset.size);
      for (const node of v.zset) items.str(node.member).f64(node.score);
      return;
    case 'stream':
      writeStreamBody(items, v.stream);
      return;
    default:
      throw new RdbValueError(`no RDB encoding for ${(v as Value).type} values`);
  }
}

/** The RDB type byte a value is written with. */
export function rdbTypeOf(v: Value): number {
  switch (v.type) {
    case 'string': return RDB_TYPE.string;
    case 'list': return RDB_TYPE.list;
    case 'set': return RDB_TYPE.set;
    case 'hash': return RDB_TYPE.hash;
    case 'zset': return RDB_TYPE.zset;
    case 'stream': return RDB_TYPE.stream;
    default: throw new RdbValueError(`no RDB encoding for ${(v as Value).type} values`);
  }
}

/** A value as RDB bytes: type byte, then the body. */
export function encodeValue(v: Value): Buffer {
  const items = new RdbItems(1024);
  items.byte(rdbTypeOf(v));
  writeValueBody(items, v);
  return items.encode(0n).bytes;
}

/** DUMP's payload: the value, the RDB version (2 bytes LE), CRC64 of all that (8 bytes LE). */
export function dumpPayload(v: Value): Buffer {
  const body = encodeValue(v);
  const out = Buffer.allocUnsafe(body.length + 10);
  body.copy(out, 0);
  out.writeUInt16LE(RDB_VERSION, body.length);
  out.writeBigUInt64LE(crc64(out.subarray(0, body.length + 2)), body.length + 2);
  return out;
}

/** verifyDumpPayload: a footer, a version this server reads, a matching checksum. */
export function dumpPayloadOk(p: Buffer): boolean {
  if (p.length < 10) return false;
  const footer = p.length - 10;
  if (p.readUInt16LE(footer) > RDB_VERSION) return false;
  return crc64(p.subarray(0, p.length - 8)) === p.readBigUInt64LE(footer + 2);
}

const f64 = new DataView(new ArrayBuffer(8));
function doubleOf(bits: bigint): number {
  f64.setBigUint64(0, bits, true);
  return f64.getFloat64(0, true);
}

/** A sorted-set score: a binary double, or text / an integer from a ziplist, listpack or text-score zset. */
function scoreOf(t: RdbTokens, i: number, input: Uint8Array): number {
  let score: number;
  if (t.kind[i] === RdbToken.double) score = doubleOf(t.num[i]!);
  else if (t.kind[i] === RdbToken.int) score = Number(BigInt.asIntN(64, t.num[i]!));
  else {
    const parsed = parseFloatStrict(tokenBytes(t, i, input));
    if (parsed === null) throw new RdbValueError('a sorted set score that is not a number');
    score = parsed;
  }
  if (Number.isNaN(score)) throw new RdbValueError('a sorted set score that is NaN');
  return score;
}

/**
 * The value announced by the KEY token at `keyAt`, its elements starting at
 * token `from`. Returns it with the index of the token after it; the value is
 * null for an empty collection (Redis skips those in a file and refuses them
 * in RESTORE; an empty stream is a value). Throws RdbValueError for
 * duplicates, bad scores and inconsistent streams.
 */
export function valueFromTokens(t: RdbTokens, keyAt: number, from: number, input: Uint8Array): { value: Value | null; next: number } {
  const type = t.len[keyAt]!;
  const n = Number(t.num[keyAt]);
  let j = from;
  const str = () => tokenBytes(t, j++, input);
  if (type === RDB_TYPE.string) return { value: { type: 'string', data: str() }, next: j };
  if (type === PLAIN_STREAM) {
    try {
      const { stream, next } = streamFromTokens(t, keyAt, from, input);
      return { value: { type: 'stream', stream }, next };
    } catch (e) {
      if (e instanceof RdbStreamError) throw new RdbValueError(e.message);
      throw e;
    }
  }
  if (t.count - j < (type === RDB_TYPE.list || type === RDB_TYPE.set ? n : 2 * n)) throw new RdbValueError('fewer elements than announced');
  if (n === 0) return { value: null, next: j };
  switch (type) {
    case RDB_TYPE.list: {
      const d = new Deque();
      for (let k = 0; k < n; k++) d.pushRight(str());
      return { value: { type: 'list', items: d }, next: j };
    }
    case RDB_TYPE.set: {
      const s = new Set<string>();
      for (let k = 0; k < n; k++) {
        const m = str().toString('latin1');
        if (s.has(m)) throw new RdbValueError('duplicate set members');
        s.add(m);
      }
      return { value: { type: 'set', members: s }, next: j };
    }
    case RDB_TYPE.hash: {
      const m = new Map<string, Buffer>();
      for (let k = 0; k < n; k++) {
        const f = str().toString('latin1');
        if (m.has(f)) throw new RdbValueError('duplicate hash fields');
        m.set(f, str());
      }
      return { value: { type: 'hash', fields: m }, next: j };
    }
    case RDB_TYPE.zset: {
      const z = new ZSet();
      for (let k = 0; k < n; k++) {
        const member = str().toString('latin1');
        const score = scoreOf(t, j++, input);
        if (z.has(member)) throw new RdbValueError('duplicate sorted set members');
        z.insert(member, score);
      }
      return { value: { type: 'zset', zset: z }, next: j };
    }
    default:
      throw new RdbValueError(`value type ${type} is not supported`);
  }
}

/**
 * One value from RDB bytes (type byte, then the value; what follows it is
 * ignored, as RESTORE ignores it). Throws RdbValueError when the bytes are
 * damaged, the collection is empty, or the type is not held here.
 */
export function decodeValue(bytes: Uint8Array): { value: Value; size: number } {
  const t = decodeRdbValue(bytes);
  if (t.error) throw new RdbValueError(`${t.error.message} (at offset ${t.error.offset})`);
  if (t.count === 0 || t.kind[0] !== RdbToken.key) throw new RdbValueError('no value');
  const { value, next } = valueFromTokens(t, 0, 1, bytes);
  if (value === null) throw new RdbValueError('an empty collection');
  if (next !== t.count) throw new RdbValueError('more elements than announced');
  return { value, size: t.consumed };
}
