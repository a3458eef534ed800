// A node's files in `dir`: the Raft log, its .idx and the metadata file.
// Carries out the persistence half of each Ready in order (truncate, append,
// term/vote) and reports it durable with group commit: while one fsync runs,
// later Readies pile up and share the next one. fsync and the metadata
// replace run off the event loop; with fsync off, the same writes happen in
// the same order and are reported durable at once (a process crash loses
// nothing the OS has).
//
// The metadata file has one writer: every change (term and vote from a
// Ready, the dbid once a join is acknowledged) updates the wanted metadata
// and marks it dirty, and the flush loop writes it, one replace at a time.
// Two writers sharing the temp file once made a joining node die on a
// rename whose source the other writer had already moved.
import { existsSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Entry, HardState, Index, Ready, Term } from '@redisraft-wasm/raft';
import { index as idx, term as trm } from '@redisraft-wasm/raft';
import { LogFile, writeFreshLog, type LogHeader } from './log-file.js';
import { META_FORMAT, writeMetaAsync, writeMetaSync, type NodeMeta } from './meta-file.js';

export interface StoragePaths {
  readonly dir: string;
  readonly log: string;
  readonly idx: string;
  readonly meta: string;
}

export function storagePaths(dir: string, logName: string): StoragePaths {
  const log = join(dir || '.', logName);
  return { dir: dir || '.', log, idx: `${log}.idx`, meta: `${log}.meta` };
}

/** True when `dir` holds a node's files (recovery must run instead of starting empty). */
export function storageExists(p: StoragePaths): boolean {
  return existsSync(p.meta) || existsSync(p.log) || existsSync(p.idx);
}

export class NodeStorage {
  private pendingSeq = 0;
  private durableSeq = 0;
  /** The metadata wanted on disk: dirty until a replace holding it completes. */
  private metaDirty = false;
  private flushing = false;
  private closed = false;
  /** Log files replaced by a rewrite while an fsync ran on them. */
  private retired: LogFile[] = [];
  /** Largest commit index seen; written with the next metadata replace so a restart can apply that far at once. */
  private commit = 0;

  constructor(
    readonly paths: StoragePaths,
    private log: LogFile,
    private meta: NodeMeta,
    /** Read each time: raft-log-fsync can change at runtime. */
    private readonly fsyncOn: () => boolean,
    private readonly onDurable: (seq: number) => void,
    private readonly onFatal: (err: Error) => void,
  ) {
    this.commit = meta.commit;
  }

  /** A brand-new node's files: a log holding `entries` after base 0, and the metadata. */
  static create(
    paths: StoragePaths, meta: Omit<NodeMeta, 'format' | 'log'>, entries: readonly Entry[], fsyncOn: () => boolean,
    onDurable: (seq: number) => void, onFatal: (err: Error) => void,
  ): NodeStorage {
    const header: LogHeader = { base: idx(0), baseTerm: trm(0) };
    const sync = fsyncOn();
    const { end, offsets } = writeFreshLog(paths.log, paths.idx, header, entries, sync);
    const full: NodeMeta = { format: META_FORMAT, log: basename(paths.log), ...meta };
    writeMetaSync(paths.meta, full, sync);
    const log = new LogFile(paths.log, paths.idx, header, end, offsets);
    return new NodeStorage(paths, log, full, fsyncOn, onDurable, onFatal);
  }

  /** Reads evicted entries back for the Raft core (its EntrySource). */
  readEntries(lo: Index, hi: Index, maxBytes: number): Entry[] {
    return this.log.read(lo, hi, maxBytes);
  }

  logBytes(): number {
    return this.log.sizeBytes();
  }

  noteCommit(commit: number): void {
    if (commit > this.commit) this.commit = commit;
  }

  /** The persistence part of a Ready; onDurable(persistSeq) follows once it is on disk. */
  persist(rd: Ready): void {
    if (this.closed) return;
    // A snapshot installed from the leader: the log now starts after it (then a conflicting suffix is cut).
    if (rd.snapshot) this.compactTo(rd.snapshot.index, rd.snapshot.term);
    if (rd.truncateFrom !== null) this.log.truncateFrom(rd.truncateFrom);
    if (rd.entries.length) this.log.append(rd.entries);
    if (rd.hardState) this.setHardState(rd.hardState);
    if (rd.persistSeq) this.pendingSeq = rd.persistSeq;
    this.kick();
  }

  /**
   * A snapshot now covers entries through `base`: the log is rewritten to
   * hold only what follows (or nothing, when the snapshot is ahead of it).
   * Entries not yet fsynced are copied into the new file, which is fsynced
   * whole; the old descriptors close once any fsync running on them ends.
   */
  compactTo(base: Index, baseTerm: Term): void {
    if (this.closed || base <= this.log.base) return;
    const old = this.log;
    this.log = old.rewriteAfter(base, baseTerm, this.fsyncOn());
    if (this.flushing) this.retired.push(old);
    else old.close();
  }

  /** The cluster's dbid, once a join is acknowledged: written by the flush loop like a term change. */
  setDbid(dbid: string): void {
    if (this.closed) return;
    this.meta = { ...this.meta, dbid };
    this.metaDirty = true;
    this.kick();
  }

  private setHardState(hs: HardState): void {
    this.meta = { ...this.meta, term: hs.term, vote: hs.vote, commit: Math.max(this.commit, hs.commit) };
    this.metaDirty = true;
  }

  private kick(): void {
    if (this.flushing || this.closed || (this.pendingSeq === this.durableSeq && !this.metaDirty)) return;
    const seq = this.pendingSeq;
    const meta = this.metaDirty ? this.meta : null;
    this.metaDirty = false;
    if (!this.fsyncOn()) {
      if (meta) writeMetaSync(this.paths.meta, meta, false);
      this.reportDurable(seq);
      return;
    }
    this.flushing = true;
    const tasks: Promise<void>[] = [];
    if (this.log.needsSync) tasks.push(new Promise((resolve, reject) => this.log.sync((err) => (err ? reject(err) : resolve()))));
    if (meta) tasks.push(writeMetaAsync(this.paths.meta, meta));
    Promise.all(tasks).then(
      () => {
        this.flushing = false;
        for (const f of this.retired.splice(0)) f.close();
        if (this.closed) return;
        this.reportDurable(seq);
        this.kick();
      },
      (err: Error) => { if (!this.closed) this.onFatal(err); },
    );
  }

  private reportDurable(seq: number): void {
    if (seq === this.durableSeq) return;
    this.durableSeq = seq;
    this.onDurable(seq);
  }

  close(): void {
    this.closed = true;
    this.log.close();
  }

  /** Removes the files of a node that never became part of a cluster (an abandoned join). */
  destroy(): void {
    this.close();
    for (const f of [this.paths.log, this.paths.idx, this.paths.meta]) rmSync(f, { force: true });
  }
}
