// Snapshots as RDB files (version 10, what Redis 7.0 writes), loadable by
// stock redis-server: Raft metadata travels in AUX fields, which Redis
// ignores. Each key is preceded by an `rv` AUX field with its change
// version, so a node that loads a snapshot decides WATCH exactly like the
// node that wrote it. Writing reads the store through a copy-on-write view
// in slices, so the node keeps serving; reading goes in chunks.
import { closeSync, openSync, fstatSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { index as idx, term as trm, type Index, type MemberInfo, type Term } from '@redisraft-wasm/raft';
import type { Store, StoreSnapshot, Value } from '@redisraft-wasm/store';
import { RdbItems, RdbToken, decodeRdb, tokenBytes } from '@redisraft-wasm/wasm';
import { fsyncDir, readFully } from './fs-util.js';
import { RdbValueError, rdbTypeOf, valueFromTokens, writeValueBody } from './rdb-value.js';

export const RDB_VERSION = 10;
/** Aux field prefix for store extensions' state. */
const EXTENSION_AUX = 'rrw-ext:';
const OP_AUX = 0xfa, OP_SELECTDB = 0xfe, OP_RESIZEDB = 0xfb, OP_EXPIRETIME_MS = 0xfc, OP_EOF = 0xff;
/** Keys per slice: one slice is encoded and written per event-loop turn. */
const SLICE_KEYS = 2000;
const SLICE_BYTES = 4 * 1024 * 1024;

export interface SnapshotInfo {
  readonly dbid: string;
  readonly index: Index;
  readonly term: Term;
  readonly members: readonly MemberInfo[];
}

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  constructor(readonly file: string, readonly offset: number, readonly problem: string) {
    super(`${file}: ${problem} (at offset ${offset})`);
  }
}

function header(items: RdbItems, info: SnapshotInfo, snap: StoreSnapshot, redisVersion: string): void {
  items.raw(Buffer.from(`REDIS${String(RDB_VERSION).padStart(4, '0')}`));
  const aux = (k: string, v: string) => items.byte(OP_AUX).str(k).str(v);
  aux('redis-ver', redisVersion);
  aux('redis-bits', '64');
  // The store's clock, not the wall clock: two nodes with the same state write the same bytes.
  aux('ctime', String(Math.floor(snap.clockMs / 1000)));
  aux('used-mem', '0');
  aux('aof-base', '0');
  aux('raft-dbid', info.dbid);
  aux('raft-index', String(info.index));
  aux('raft-term', String(info.term));
  aux('raft-members', JSON.stringify(info.members));
  aux('raft-clock-ms', String(snap.clockMs));
  aux('raft-key-clock', String(snap.keyClock));
  // Replicated state beside the keys (scripts, functions): aux fields that redis-server skips.
  for (const [name, data] of snap.extensions) items.byte(OP_AUX).str(`${EXTENSION_AUX}${name}`).str(data);
  items.byte(OP_SELECTDB).len(0);
  items.byte(OP_RESIZEDB).len(snap.keys).len(snap.expires);
}

/** A key and its value; every type the store holds has an RDB encoding (rdb-value.ts). */
function encodeValue(items: RdbItems, key: Buffer, v: Value): void {
  items.byte(rdbTypeOf(v)).str(key);
  writeValueBody(items, v);
}

/**
 * Writes the store's snapshot view to `path` (through `path.tmp`, fsync,
 * rename, fsync of the directory). Yields to the event loop between slices.
 */
export async function writeSnapshot(path: string, snap: StoreSnapshot, info: SnapshotInfo, opts: { sync: boolean; redisVersion: string }): Promise<number> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', 0o644);
  let crc = 0n;
  let size = 0;
  const items = new RdbItems();
  const flush = async () => {
    const out = items.encode(crc);
    crc = out.crc;
    await fh.write(out.bytes);
    size += out.bytes.length;
  };
  try {
    header(items, info, snap, opts.redisVersion);
    for (;;) {
      const batch = snap.next(SLICE_KEYS);
      if (batch.length === 0) break;
      for (const r of batch) {
        items.byte(OP_AUX).str('rv').str(String(r.version));
        if (r.expireAt !== 0) items.byteU64(OP_EXPIRETIME_MS, r.expireAt);
        encodeValue(items, r.key, r.value);
        if (items.size > SLICE_BYTES) await flush();
      }
      await flush();
    }
    items.byte(OP_EOF);
    await flush();
    const trailer = Buffer.alloc(8);
    trailer.writeBigUInt64LE(crc);
    await fh.write(trailer);
    size += 8;
    if (opts.sync) await fh.sync();
  } catch (e) {
    snap.close();
    await fh.close();
    rmSync(tmp, { force: true });
    throw e;
  }
  await fh.close();
  renameSync(tmp, path);
  if (opts.sync) fsyncDir(path);
  return size;
}

const CHUNK_BYTES = 16 * 1024 * 1024;

interface Sink {
  aux(key: string, value: Buffer): void;
  key(key: Buffer, value: Value, expireAt: number): void;
}

/** Walks an RDB file in chunks; every AUX field and key goes to `sink`. Throws SnapshotError. */
function readRdb(path: string, sink: Sink, stopAtFirstKey = false, chunkBytes = CHUNK_BYTES): void {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let pos = 0;
    let crc = 0n;
    let chunk = chunkBytes;
    const maxTokens = Math.min(1 << 16, Math.max(16, chunkBytes >> 4));
    let expireAt = 0;
    let finished = false;
    while (!finished) {
      const len = Math.min(chunk, size - pos);
      const buf = Buffer.allocUnsafe(len);
      readFully(fd, buf, pos);
      const t = decodeRdb(buf, pos === 0, crc, maxTokens);
      if (t.error) throw new SnapshotError(path, pos + t.error.offset, t.error.message);
      const str = (i: number) => tokenBytes(t, i, buf);
      for (let i = 0; i < t.count; i++) {
        switch (t.kind[i]) {
          case RdbToken.aux:
            sink.aux(str(i + 1).toString('latin1'), str(i + 2));
            i += 2;
            break;
          case RdbToken.selectDb:
            if (t.num[i] !== 0n) throw new SnapshotError(path, pos + t.off[i]!, `database ${t.num[i]} (only database 0 is kept)`);
            break;
          case RdbToken.expireMs:
            expireAt = Number(t.num[i]);
            break;
          case RdbToken.key: {
            if (stopAtFirstKey) return;
            // Any value type Redis 7.0 writes (compact encodings included: rdb-value.ts).
            const key = str(i + 1);
            let read: { value: Value | null; next: number };
            try {
              read = valueFromTokens(t, i, i + 2, buf);
            } catch (e) {
              if (e instanceof RdbValueError) throw new SnapshotError(path, pos + t.off[i]!, `key ${JSON.stringify(key.toString('latin1'))}: ${e.message}`);
              throw e;
            }
            // Redis skips empty collections when loading a file.
            if (read.value !== null) sink.key(key, read.value, expireAt);
            expireAt = 0;
            i = read.next - 1;
            break;
          }
          case RdbToken.eof:
            finished = true;
            break;
          default:
            break;
        }
      }
      if (finished) break;
      if (t.consumed === 0) {
        // decodeRdb makes room for tokens and decompressed strings itself: only the data was short.
        if (pos + len >= size) throw new SnapshotError(path, pos, pos + len === size && size > 0 ? 'the file ends before its end-of-file marker' : 'the file is empty');
        // One record larger than the chunk: read more at once.
        chunk *= 2;
        continue;
      }
      pos += t.consumed;
      crc = t.crc;
    }
  } finally {
    closeSync(fd);
  }
}

function infoFrom(path: string, aux: Map<string, string>): SnapshotInfo {
  const need = (k: string) => {
    const v = aux.get(k);
    if (v === undefined) throw new SnapshotError(path, 0, `the AUX field ${k} is missing: not a redisraft-wasm snapshot`);
    return v;
  };
  let members: MemberInfo[];
  try {
    members = JSON.parse(need('raft-members')) as MemberInfo[];
  } catch {
    throw new SnapshotError(path, 0, 'the AUX field raft-members is not valid JSON');
  }
  return { dbid: need('raft-dbid'), index: idx(Number(need('raft-index'))), term: trm(Number(need('raft-term'))), members };
}

/**
 * Every key of any RDB file, stock Redis's included (its compact encodings
 * and compressed strings too), with its AUX fields; no Raft metadata needed.
 */
export function readRdbKeys(path: string, onKey: (key: Buffer, value: Value, expireAt: number) => void, chunkBytes = CHUNK_BYTES): Map<string, Buffer> {
  const aux = new Map<string, Buffer>();
  readRdb(path, { aux: (k, v) => { if (k !== 'rv') aux.set(k, v); }, key: onKey }, false, chunkBytes);
  return aux;
}

/** The Raft metadata of a snapshot file, reading only its header. */
export function readSnapshotInfo(path: string): SnapshotInfo {
  const aux = new Map<string, string>();
  readRdb(path, { aux: (k, v) => aux.set(k, v.toString()), key: () => {} }, true);
  return infoFrom(path, aux);
}

/** Reads a whole snapshot without keeping anything: its Raft metadata, key count and checksum verdict (throws). */
export function verifySnapshot(path: string): SnapshotInfo & { keys: number } {
  const aux = new Map<string, string>();
  let keys = 0;
  readRdb(path, { aux: (k, v) => { if (k !== 'rv') aux.set(k, v.toString()); }, key: () => { keys++; } });
  return { ...infoFrom(path, aux), keys };
}

/** Replaces the store's contents by the snapshot's; checks the whole file's CRC64 on the way. */
export function loadSnapshot(path: string, store: Store, chunkBytes = CHUNK_BYTES): SnapshotInfo {
  const aux = new Map<string, string>();
  const loader = store.beginLoad();
  let version = 0;
  readRdb(path, {
    aux: (k, v) => {
      if (k === 'rv') version = Number(v.toString());
      else if (k.startsWith(EXTENSION_AUX)) loader.extension(k.slice(EXTENSION_AUX.length), v);
      else aux.set(k, v.toString());
    },
    key: (key, value, expireAt) => {
      loader.load(key, value, expireAt, version);
      version = 0;
    },
  }, false, chunkBytes);
  loader.finish(Number(aux.get('raft-clock-ms') ?? 0), Number(aux.get('raft-key-clock') ?? 0));
  return infoFrom(path, aux);
}

/** Moves a finished temporary file into place. */
export function installFile(tmp: string, path: string, sync: boolean): void {
  renameSync(tmp, path);
  if (sync) fsyncDir(path);
}
