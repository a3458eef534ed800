// `redisraft-wasm check-log <file>`: what a node's log, .idx and .meta hold
// and the first damage, like redis-check-aof. Changes nothing unless asked
// to cut a torn tail.
import { closeSync, existsSync, ftruncateSync, openSync } from 'node:fs';
import { IDX_ENTRY_BYTES } from './log-file.js';
import { describeTerms, scanLog } from './log-scan.js';
import { MetaError, readMeta } from './meta-file.js';
import { SnapshotError, verifySnapshot } from './rdb-snapshot.js';

export interface CheckResult {
  readonly lines: string[];
  /** False when damage remains (exit code 1). */
  readonly ok: boolean;
}

export function checkLog(logPath: string, opts: { fixTail?: boolean; snapshot?: string } = {}): CheckResult {
  const idxPath = `${logPath}.idx`;
  const metaPath = `${logPath}.meta`;
  const lines: string[] = [];
  if (!existsSync(logPath)) return { lines: [`${logPath}: no such file`], ok: false };
  let ok = true;
  try {
    const meta = readMeta(metaPath);
    lines.push(meta
      ? `meta:     node ${meta.nodeId}, cluster ${meta.dbid || '(join not acknowledged)'}, term ${meta.term}, vote ${meta.vote || 'none'}, commit ${meta.commit}`
      : `meta:     ${metaPath} is missing`);
    if (!meta) ok = false;
  } catch (e) {
    if (!(e instanceof MetaError)) throw e;
    lines.push(`meta:     DAMAGED: ${metaPath}: ${e.message}`);
    ok = false;
  }
  const scan = scanLog(logPath, idxPath, { collect: false });
  lines.push(`log:      ${logPath}, ${scan.fileSize} bytes`);
  if (scan.header) {
    lines.push(`entries:  ${scan.count}${scan.count ? ` (index ${scan.firstIndex}-${scan.lastIndex})` : ''}, after index ${scan.header.base} term ${scan.header.baseTerm}`);
    lines.push(`terms:    ${describeTerms(scan.termRuns)}`);
  }
  if (!scan.damage) {
    const idxNote = scan.idxExtra === 0 ? 'agrees with the log'
      : scan.idxExtra > 0 ? `${scan.idxExtra} offsets past the end of the log (a crash; the next start drops them)`
        : `${-scan.idxExtra} offsets missing at the end (a crash; the next start adds them)`;
    lines.push(`index:    ${scan.idxFile}, ${idxNote}`);
  }
  let snapIndex = -1;
  if (opts.snapshot !== undefined) {
    if (!existsSync(opts.snapshot)) {
      lines.push(`snapshot: ${opts.snapshot} does not exist`);
      if (scan.header && scan.header.base > 0) {
        lines.push(`DAMAGED:  the log starts after index ${scan.header.base}, which only a snapshot covers`);
        ok = false;
      }
    } else {
      try {
        const s = verifySnapshot(opts.snapshot);
        snapIndex = s.index;
        lines.push(`snapshot: ${opts.snapshot}, index ${s.index} term ${s.term}, ${s.keys} keys, cluster ${s.dbid}, CRC64 ok`);
        if (scan.header && s.index < scan.header.base) {
          lines.push(`DAMAGED:  the snapshot ends at index ${s.index} but the log starts after index ${scan.header.base}`);
          ok = false;
        }
      } catch (e) {
        if (!(e instanceof SnapshotError)) throw e;
        lines.push(`DAMAGED:  ${e.file} at offset ${e.offset}: ${e.problem}`);
        ok = false;
      }
    }
  }
  if (snapIndex > 0 && scan.header && snapIndex > scan.header.base) lines.push(`          entries through ${snapIndex} are covered by the snapshot; the next start drops them`);
  if (scan.damage) {
    lines.push(`DAMAGED:  ${scan.damage.file} at offset ${scan.damage.offset}: ${scan.damage.problem}`);
    lines.push('          this node cannot start from these files: remove it from the cluster and add it again (RAFT.NODE REMOVE, then RAFT.CLUSTER JOIN)');
    return { lines, ok: false };
  }
  if (scan.tornTail) {
    if (opts.fixTail) {
      cut(logPath, scan.goodEnd);
      if (existsSync(scan.idxFile) && scan.idxExtra > 0) cut(scan.idxFile, scan.count * IDX_ENTRY_BYTES);
      lines.push(`fixed:    cut the torn tail at offset ${scan.tornTail.offset} (${scan.fileSize - scan.goodEnd} bytes)`);
    } else {
      lines.push(`TORN:     ${scan.tornTail.problem} (offset ${scan.tornTail.offset}); the next start cuts it, or run check-log --fix-tail`);
      ok = false;
    }
  }
  if (ok) lines.push('status:   ok');
  return { lines, ok };
}

function cut(path: string, size: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}
