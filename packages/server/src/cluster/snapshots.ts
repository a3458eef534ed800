// Snapshots in a running node: writing our own (then trimming the log),
// streaming it to followers the log can no longer catch up, and taking one
// from the leader. An incoming snapshot follows the core's contract (etcd's):
// receive and verify the file, step the message, and load it into the store
// only when a Ready names it, so a message the core drops changes nothing.
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Index, InstallSnapshot, NodeId, RaftNode } from '@redisraft-wasm/raft';
import { OK, error, type Reply } from '@redisraft-wasm/resp';
import type { Store } from '@redisraft-wasm/store';
import type { ConsolaInstance } from 'consola';
import type { NodeConfig } from '../config/index.js';
import type { NodeStorage } from '../persistence/node-storage.js';
import { installFile, loadSnapshot, readSnapshotInfo, verifySnapshot, writeSnapshot } from '../persistence/rdb-snapshot.js';
import { REDIS_COMPAT_VERSION } from '../commands/connection.js';
import type { PeerSender, SnapshotChunk } from './peer-codec.js';
import type { PeerLink } from './peer-link.js';
import { SnapshotReceiver, SnapshotSender, snapshotStreamKey } from './snapshot-transfer.js';

/** An automatic snapshot that failed is tried again after this long. */
const SNAPSHOT_RETRY_MS = 10_000;

/** What snapshots need from the driver. */
export interface SnapshotPorts {
  node(): RaftNode | null;
  storage(): NodeStorage | null;
  readonly store: Store;
  readonly config: NodeConfig;
  readonly log: ConsolaInstance;
  /** Where the node's snapshot file lives (dir/dbfilename). */
  path(): string;
  link(id: NodeId): PeerLink | null;
  applied(): Index;
  setApplied(index: Index): void;
  dbid(): string;
  /** A node that never learned its cluster's dbid takes the snapshot's. */
  learnDbid(dbid: string): void;
  /** Processes the core's Readies now (after stepping an incoming snapshot). */
  processReady(): void;
  schedule(): void;
}

export class Snapshots {
  /** Our own snapshot being written, if any. */
  private writing: Promise<Reply> | null = null;
  private retryAt = 0;
  private readonly senders = new Map<NodeId, SnapshotSender>();
  private receiver: SnapshotReceiver | null = null;
  /** A verified snapshot file from the leader, stepped into the core and waiting for its Ready. */
  private incoming: { index: Index; from: NodeId; path: string } | null = null;

  constructor(private readonly p: SnapshotPorts) {}

  get inProgress(): boolean {
    return this.writing !== null;
  }

  /**
   * Writes a snapshot of everything applied (without stopping: the store
   * hands out a copy-on-write view read in slices), then trims the log.
   * RAFT.DEBUG COMPACT, and the log passing raft-log-max-file-size.
   */
  take(): Promise<Reply> {
    if (this.writing) return this.writing;
    const node = this.p.node();
    const storage = this.p.storage();
    if (!node || !storage) return Promise.resolve(error('ERR this node keeps no files (persistence no): nothing to snapshot'));
    const at = this.p.applied();
    if (at <= node.log.snapshotIndex) return Promise.resolve(OK);
    const meta = node.snapshotMetaAt(at);
    const view = this.p.store.beginSnapshot();
    const started = Date.now();
    const path = this.p.path();
    this.writing = writeSnapshot(path, view, { dbid: this.p.dbid(), ...meta }, { sync: this.p.config.bool('raft-log-fsync'), redisVersion: REDIS_COMPAT_VERSION }).then(
      (bytes) => {
        // A snapshot installed from the leader meanwhile, or a new node: this one is moot.
        if (this.p.node() === node && node.log.snapshotIndex < at) {
          node.compact(at);
          this.p.storage()?.compactTo(at, meta.term);
          this.p.log.info(`snapshot at index ${at} written to ${path} (${bytes} bytes, ${view.keys} keys) in ${Date.now() - started} ms; log trimmed`);
        }
        this.writing = null;
        return OK;
      },
      (err: Error) => {
        this.writing = null;
        // Automatic snapshots wait a while before trying again; RAFT.DEBUG COMPACT may always try.
        this.retryAt = Date.now() + SNAPSHOT_RETRY_MS;
        this.p.log.error(`snapshot to ${path} failed: ${err.message}`);
        return error(`ERR snapshot failed: ${err.message}`);
      },
    );
    return this.writing;
  }

  /** After entries were applied: a snapshot once the log file passes raft-log-max-file-size. */
  maybeTake(): void {
    const storage = this.p.storage();
    if (this.writing || !storage || Date.now() < this.retryAt) return;
    const limit = this.p.config.size('raft-log-max-file-size');
    if (limit > 0 && storage.logBytes() > limit && this.p.applied() > (this.p.node()?.log.snapshotIndex ?? 0)) void this.take();
  }

  /** Streams our snapshot file to a follower the log can no longer catch up. */
  send(m: InstallSnapshot, me: PeerSender): void {
    const node = this.p.node()!;
    if (this.senders.has(m.to)) return;
    const link = this.p.link(m.to);
    const path = this.p.path();
    let problem = '';
    if (!link) problem = 'no address for it';
    else if (!this.p.storage() || !existsSync(path)) problem = `no snapshot file at ${path}`;
    else if (readSnapshotInfo(path).index !== m.snapshot.index) problem = `the snapshot file at ${path} is not the one at index ${m.snapshot.index}`;
    if (problem) {
      this.p.log.warn(`cannot send a snapshot to node ${m.to}: ${problem}`);
      node.reportSnapshot(m.to, false);
      return;
    }
    this.p.log.info(`sending the snapshot at index ${m.snapshot.index} to node ${m.to}`);
    this.senders.set(m.to, new SnapshotSender(m.to, link!, path, m, me, (ok) => {
      this.senders.delete(m.to);
      if (!ok && this.p.node() === node) {
        node.reportSnapshot(m.to, false);
        this.p.schedule();
      }
    }));
  }

  /** One RAFT.SNAPSHOT chunk from the leader; the last one hands the file to install(). */
  receiveChunk(m: InstallSnapshot, chunk: SnapshotChunk): void {
    const node = this.p.node()!;
    if (m.term < node.hardState().term) return;
    const key = snapshotStreamKey(m);
    const storage = this.p.storage();
    if (chunk.offset === 0) {
      this.receiver?.discard();
      const path = storage ? `${this.p.path()}.recv` : join(tmpdir(), `redisraft-wasm-${process.pid}-${node.id}.recv.rdb`);
      this.receiver = new SnapshotReceiver(key, path);
    }
    const r = this.receiver;
    if (!r || r.key !== key || !r.write(chunk) || !chunk.last) return;
    this.receiver = null;
    r.close(storage !== null && this.p.config.bool('raft-log-fsync'));
    this.install(node, m, r.path);
  }

  /**
   * A complete snapshot from the leader: check it whole, then let the core
   * decide. Waits for our own snapshot first, which must not land over it.
   */
  private install(node: RaftNode, m: InstallSnapshot, path: string): void {
    if (this.p.node() !== node) return rmSync(path, { force: true });
    if (this.writing) {
      void this.writing.then(() => this.install(node, m, path));
      return;
    }
    try {
      verifySnapshot(path);
    } catch (e) {
      this.p.log.warn(`the snapshot from node ${m.from} is damaged, waiting for another: ${(e as Error).message}`);
      rmSync(path, { force: true });
      return;
    }
    this.incoming = { index: m.snapshot.index, from: m.from, path };
    node.step(m);
    // At once, not on the next turn: nothing (RAFT.DEBUG COMPACT) may start a snapshot of ours between the two.
    this.p.processReady();
    if (this.incoming?.path === path) {
      rmSync(path, { force: true });
      this.incoming = null;
    }
  }

  /** Ready.snapshot: the core installed the snapshot at `index`; the store takes its file's contents now. */
  load(index: Index): void {
    const inc = this.incoming;
    // The core names only snapshots it was stepped with, and each arrives with its file.
    if (!inc || inc.index !== index) {
      this.p.log.fatal(`the Raft core installed the snapshot at index ${index}, but the file received is ${inc ? `at index ${inc.index}` : 'missing'}`);
      process.exit(1);
    }
    this.incoming = null;
    const started = Date.now();
    const info = loadSnapshot(inc.path, this.p.store);
    if (this.p.storage()) installFile(inc.path, this.p.path(), this.p.config.bool('raft-log-fsync'));
    else rmSync(inc.path, { force: true });
    this.p.learnDbid(info.dbid);
    this.p.setApplied(index);
    this.p.log.info(`installed the snapshot at index ${index} from node ${inc.from} (${this.p.store.dbsize()} keys) in ${Date.now() - started} ms`);
  }

  stop(): void {
    for (const snd of this.senders.values()) snd.cancel();
    this.receiver?.discard();
  }
}
