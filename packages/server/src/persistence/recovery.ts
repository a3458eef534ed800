// Start from a node's files: read and check everything first, change
// nothing until every check has passed, then cut a torn tail (the one kind
// of damage a crash makes) and hand the Raft core its durable state.
import { existsSync, ftruncateSync, openSync, closeSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { index as idx, term as trm, nodeId, type DurableState } from '@redisraft-wasm/raft';
import { IDX_ENTRY_BYTES, LogFile } from './log-file.js';
import { scanLog, type LogScan } from './log-scan.js';
import { MetaError, readMeta, type NodeMeta } from './meta-file.js';
import type { StoragePaths } from './node-storage.js';

/** A start that must not go on: the message names the file, the offset and the remedy. */
export class RecoveryError extends Error {
  override readonly name = 'RecoveryError';
  constructor(readonly file: string, readonly offset: number, readonly problem: string, nodeIdText: string) {
    super(
      `cannot start from ${file}: ${problem} (at offset ${offset}). Nothing was changed. ` +
      `Remedy: this node's data cannot be trusted; remove it from the cluster (RAFT.NODE REMOVE ${nodeIdText} on the leader), ` +
      `move its files (${basename(file).replace(/\.(idx|meta)$/, '')}*) out of the way and add it again with RAFT.CLUSTER JOIN.`,
    );
  }
}

export interface Recovered {
  readonly meta: NodeMeta;
  readonly log: LogFile;
  readonly state: DurableState;
  readonly scan: LogScan;
  readonly warnings: string[];
}

export function recover(paths: StoragePaths, cacheBytes: number): Recovered {
  // 1. Every check, read-only.
  let meta: NodeMeta | null;
  try {
    meta = readMeta(paths.meta);
  } catch (e) {
    if (e instanceof MetaError) throw new RecoveryError(paths.meta, 0, `the metadata file is damaged: ${e.message}`, '<id>');
    throw e;
  }
  if (!meta) throw new RecoveryError(paths.meta, 0, 'the metadata file is missing but the log or its index exists', '<id>');
  const who = String(meta.nodeId);
  if (meta.log !== basename(paths.log)) throw new RecoveryError(paths.meta, 0, `the metadata names log file '${meta.log}', but raft-log-filename is '${basename(paths.log)}'`, who);
  if (!existsSync(paths.log)) throw new RecoveryError(paths.log, 0, 'the log file the metadata names is missing', who);
  const scan = scanLog(paths.log, paths.idx, { cacheBytes: Math.max(cacheBytes, 1) });
  if (scan.damage) throw new RecoveryError(scan.damage.file, scan.damage.offset, scan.damage.problem, who);
  const header = scan.header!;

  // 2. Repairs a crash explains: a torn final record, an .idx one step behind or ahead, a rewrite's .idx not yet renamed.
  const warnings: string[] = [];
  if (scan.tornTail) {
    const fd = openSync(paths.log, 'r+');
    try { ftruncateSync(fd, scan.goodEnd); } finally { closeSync(fd); }
    warnings.push(`${paths.log}: cut off a torn final record at offset ${scan.tornTail.offset} (${scan.fileSize - scan.goodEnd} bytes): ${scan.tornTail.problem}`);
  }
  if (scan.idxFile !== paths.idx) {
    renameSync(scan.idxFile, paths.idx);
    warnings.push(`${paths.idx}: completed an interrupted log rewrite`);
  }
  if (scan.idxExtra !== 0) {
    const fd = openSync(paths.idx, 'r+');
    try {
      ftruncateSync(fd, Math.min(scan.count, scan.count + scan.idxExtra) * IDX_ENTRY_BYTES);
      if (scan.idxExtra < 0) {
        const have = scan.count + scan.idxExtra;
        const buf = Buffer.alloc(-scan.idxExtra * IDX_ENTRY_BYTES);
        for (let k = have; k < scan.count; k++) buf.writeBigUInt64LE(BigInt(scan.offsets[k]!), (k - have) * IDX_ENTRY_BYTES);
        writeSync(fd, buf, 0, buf.length, have * IDX_ENTRY_BYTES);
      }
    } finally {
      closeSync(fd);
    }
    warnings.push(`${paths.idx}: ${scan.idxExtra > 0 ? `dropped ${scan.idxExtra} offsets past the end of the log` : `added ${-scan.idxExtra} offsets the log has`}`);
  }
  for (const f of [`${paths.log}.tmp`, `${paths.idx}.tmp`, `${paths.meta}.tmp`]) rmSync(f, { force: true });

  // 3. The core's durable state. A term in the log newer than the metadata's means the metadata write was lost
  // in a crash; no vote of that term was sent (votes wait for the metadata), so the vote is empty.
  const lastTerm = scan.terms.length ? scan.terms[scan.terms.length - 1]! : header.baseTerm;
  const term = Math.max(meta.term, lastTerm);
  const vote = term === meta.term ? meta.vote : 0;
  const tailFirst = scan.tail.length ? scan.tail[0]!.index : header.base + scan.count + 1;
  const uncached = tailFirst - header.base - 1;
  const state: DurableState = {
    hardState: { term: trm(term), vote: nodeId(vote), commit: idx(Math.min(meta.commit, header.base + scan.count)) },
    snapshot: null,
    entries: scan.tail,
    uncachedTerms: scan.terms.slice(0, uncached),
    uncachedConfigs: scan.configs.filter((e) => e.index < tailFirst),
  };
  const log = new LogFile(paths.log, paths.idx, header, scan.goodEnd, scan.offsets);
  return { meta: { ...meta, term, vote }, log, state, scan, warnings };
}
