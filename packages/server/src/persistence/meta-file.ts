// The node's metadata file: who it is (node id, cluster dbid), its Raft
// term and vote, and the last commit index it knew. Replaced atomically
// (temp file, fsync, rename, fsync the directory) so a crash leaves either
// the old or the new version, never a mix. A CRC32C line guards the rest.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32c } from '@redisraft-wasm/wasm';
import { fsyncDir } from './fs-util.js';

export const META_FORMAT = 1;

export interface NodeMeta {
  readonly format: number;
  readonly nodeId: number;
  /** Empty while a join has not been acknowledged yet. */
  readonly dbid: string;
  readonly term: number;
  readonly vote: number;
  readonly commit: number;
  /** The log file's name in dir (the metadata names the files recovery needs). */
  readonly log: string;
}

export class MetaError extends Error {
  override readonly name = 'MetaError';
}

export function encodeMeta(meta: NodeMeta): Buffer {
  const body = JSON.stringify(meta);
  return Buffer.from(`${body}\ncrc32c:${crc32c(Buffer.from(body)).toString(16).padStart(8, '0')}\n`);
}

export function decodeMeta(buf: Buffer): NodeMeta {
  const text = buf.toString('utf8');
  const m = /^(\{.*\})\ncrc32c:([0-9a-f]{8})\n$/s.exec(text);
  if (!m) throw new MetaError('it is not a metadata file (expected a JSON line and a crc32c line)');
  const crc = crc32c(Buffer.from(m[1]!)).toString(16).padStart(8, '0');
  if (crc !== m[2]) throw new MetaError(`its CRC32C is ${crc}, the file says ${m[2]}`);
  let meta: NodeMeta;
  try {
    meta = JSON.parse(m[1]!) as NodeMeta;
  } catch (e) {
    throw new MetaError(`its JSON does not parse: ${(e as Error).message}`);
  }
  if (meta.format !== META_FORMAT) throw new MetaError(`its format is ${meta.format}; this version reads format ${META_FORMAT}`);
  for (const k of ['nodeId', 'term', 'vote', 'commit'] as const) {
    if (!Number.isSafeInteger(meta[k]) || meta[k] < 0) throw new MetaError(`its ${k} is not a non-negative integer`);
  }
  if (typeof meta.dbid !== 'string' || typeof meta.log !== 'string' || !meta.log) throw new MetaError('its dbid or log name is missing');
  return meta;
}

export function readMeta(path: string): NodeMeta | null {
  if (!existsSync(path)) return null;
  return decodeMeta(readFileSync(path));
}

/** Synchronous replace, for cold paths (creating a node, tests). */
export function writeMetaSync(path: string, meta: NodeMeta, sync: boolean): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, encodeMeta(meta), { flush: sync });
  renameSync(tmp, path);
  if (sync) fsyncDir(path);
}

/** Replace off the event loop: the hot path when a term or vote changes. */
export async function writeMetaAsync(path: string, meta: NodeMeta): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(encodeMeta(meta));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
