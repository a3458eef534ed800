// Start from a node's files: read and check everything first, change
// nothing until every check has passed, then cut a torn tail (the one kind
// of damage a crash makes) and hand the Raft core its durable state.
import { existsSync, ftruncateSync, openSync, closeSync, renameSync, rmSync } from 'node:fs';
import { writeAll } from './fs-util.js';
import { basename } from 'node:path';
import { index as idx, term as trm, nodeId, type DurableState } from '@redisraft-wasm/raft';
import { IDX_ENTRY_BYTES, LogFile, idxBytes } from './log-file.js';
import { scanLog, type LogScan } from './log-scan.js';
import { MetaError, readMeta, type NodeMeta } from './meta-file.js';
import type { StoragePaths } from './node-storage.js';
import { SnapshotError, type SnapshotInfo } from './rdb-snapshot.js';

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

/** The snapshot side of recovery: where it is, and how to read its header and load it (into the store). */
export interface SnapshotSource {
  readonly path: string;
  readInfo(path: string): SnapshotInfo;
  load(path: string): SnapshotInfo;
}

export function recover(paths: StoragePaths, cacheBytes: number, snapshots?: SnapshotSource): Recovered {
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
  let snap: SnapshotInfo | null = null;
  let conflict = false;
  if (snapshots) {
    const sp = snapshots.path;
    const guard = <T>(f: () => T): T => {
      try {
        return f();
      } catch (e) {
        if (e instanceof SnapshotError) throw new RecoveryError(e.file, e.offset, `the snapshot is damaged: ${e.problem}`, who);
        throw e;
      }
    };
    if (existsSync(sp)) {
      const info = guard(() => snapshots.readInfo(sp));
      if (meta.dbid && info.dbid !== meta.dbid) throw new RecoveryError(sp, 0, `the snapshot belongs to cluster ${info.dbid}, the metadata to ${meta.dbid}`, who);
      if (info.index < header.base) throw new RecoveryError(sp, 0, `the snapshot covers up to index ${info.index}, but the log starts after index ${header.base}`, who);
      const k = info.index - header.base - 1;
      // The snapshot is committed state: a log that disagrees at its index holds an uncommitted suffix a crash
      // kept from being cut when the snapshot was installed. It goes, as the Raft core would have dropped it.
      conflict = k >= 0 && k < scan.count && scan.terms[k] !== info.term;
      snap = guard(() => snapshots.load(sp));
    } else if (header.base > 0) {
      throw new RecoveryError(sp, 0, `the snapshot is missing, and the log starts after index ${header.base}, which only the snapshot covers`, who);
    }
  }

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
        writeAll(fd, idxBytes(scan.offsets.slice(have)), have * IDX_ENTRY_BYTES);
      }
    } finally {
      closeSync(fd);
    }
    warnings.push(`${paths.idx}: ${scan.idxExtra > 0 ? `dropped ${scan.idxExtra} offsets past the end of the log` : `added ${-scan.idxExtra} offsets the log has`}`);
  }
  // Leftovers of writes a crash interrupted: temp files of the log, metadata and snapshot, a half-received snapshot.
  const snapTemps = snapshots ? [`${snapshots.path}.tmp`, `${snapshots.path}.recv`] : [];
  for (const f of [`${paths.log}.tmp`, `${paths.idx}.tmp`, `${paths.meta}.tmp`, ...snapTemps]) rmSync(f, { force: true });

  // 3. The core's durable state. A term in the log newer than the metadata's means the metadata write was lost
  // in a crash; no vote of that term was sent (votes wait for the metadata), so the vote is empty.
  const lastTerm = scan.terms.length ? scan.terms[scan.terms.length - 1]! : header.baseTerm;
  const term = Math.max(meta.term, lastTerm, snap?.term ?? 0);
  const vote = term === meta.term ? meta.vote : 0;
  let log = new LogFile(paths.log, paths.idx, header, scan.goodEnd, scan.offsets);
  // Entries the snapshot covers are dropped; a log that stops short of the snapshot starts over after it.
  const base = snap && snap.index > header.base ? snap.index : header.base;
  if (base > header.base) {
    const rewritten = log.rewriteAfter(base, snap!.term, true, !conflict);
    log.close();
    log = rewritten;
    warnings.push(conflict
      ? `${paths.log}: dropped every entry, which disagree with the snapshot at index ${base} (an interrupted snapshot install)`
      : `${paths.log}: dropped the entries through index ${base}, which the snapshot covers (an interrupted compaction or snapshot install)`);
  }
  const kept = conflict ? 0 : scan.count;
  const tail = conflict ? [] : scan.tail.filter((e) => e.index > base);
  const lastIndex = Math.max(base, header.base + kept);
  const tailFirst = tail.length ? tail[0]!.index : lastIndex + 1;
  const state: DurableState = {
    hardState: { term: trm(term), vote: nodeId(vote), commit: idx(Math.max(base, Math.min(meta.commit, lastIndex))) },
    snapshot: snap ? { index: snap.index, term: snap.term, members: snap.members } : null,
    entries: tail,
    uncachedTerms: conflict ? [] : scan.terms.slice(base - header.base, tailFirst - header.base - 1),
    uncachedConfigs: conflict ? [] : scan.configs.filter((e) => e.index > base && e.index < tailFirst),
  };
  return { meta: { ...meta, term, vote }, log, state, scan, warnings };
}
