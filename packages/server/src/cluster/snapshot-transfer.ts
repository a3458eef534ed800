// Streams a snapshot file to a follower that is too far behind, in chunks
// paced by the peer connection's buffer (so neither side ever holds the
// dataset in memory), and receives such a stream into a temporary file.
import { closeSync, fstatSync, fsyncSync, openSync, rmSync } from 'node:fs';
import { readFully, writeAll } from '../persistence/fs-util.js';
import type { InstallSnapshot, NodeId } from '@redisraft-wasm/raft';
import { encodeSnapshotChunk, type PeerSender, type SnapshotChunk } from './peer-codec.js';
import type { PeerLink } from './peer-link.js';

const CHUNK_BYTES = 1024 * 1024;
/** Chunks wait while this much is still queued on the connection. */
const HIGH_WATER_BYTES = 4 * CHUNK_BYTES;
const PACE_MS = 2;

export class SnapshotSender {
  private fd: number;
  private size: number;
  private pos = 0;
  private timer: NodeJS.Timeout | null = null;
  private finished = false;

  constructor(
    readonly to: NodeId,
    private readonly link: PeerLink,
    path: string,
    private readonly msg: InstallSnapshot,
    private readonly from: PeerSender,
    /** ok = every chunk went out (the follower's answer comes through Raft); false = the link failed. */
    private readonly done: (ok: boolean) => void,
  ) {
    // Opened now: a newer snapshot renamed over the path later does not disturb this stream.
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
    // Not from the constructor: a snapshot of one chunk would finish (and report) before the caller has registered it.
    this.timer = setTimeout(() => this.pump(), 0);
  }

  get index(): number {
    return this.msg.snapshot.index;
  }

  private pump(): void {
    this.timer = null;
    if (this.finished) return;
    while (this.link.pendingBytes < HIGH_WATER_BYTES) {
      const n = Math.min(CHUNK_BYTES, this.size - this.pos);
      const data = Buffer.allocUnsafe(n);
      readFully(this.fd, data, this.pos);
      const last = this.pos + n >= this.size;
      if (!this.link.send(encodeSnapshotChunk(this.msg, this.from, { offset: this.pos, size: this.size, last }, data))) {
        this.finish(false);
        return;
      }
      this.pos += n;
      if (last) {
        this.finish(true);
        return;
      }
    }
    this.timer = setTimeout(() => this.pump(), PACE_MS);
  }

  private finish(ok: boolean): void {
    if (this.finished) return;
    this.finished = true;
    closeSync(this.fd);
    this.done(ok);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.finish(false);
  }
}

/** One incoming snapshot stream, written to `path` as chunks arrive in order. */
export class SnapshotReceiver {
  private fd: number;
  private next = 0;

  constructor(readonly key: string, readonly path: string) {
    this.fd = openSync(path, 'w', 0o644);
  }

  /** Appends a chunk; false when it is not the next one (a stream restarted or reordered: drop it). */
  write(chunk: SnapshotChunk): boolean {
    if (chunk.offset !== this.next) return false;
    writeAll(this.fd, chunk.data, this.next);
    this.next += chunk.data.length;
    return true;
  }

  /** Closes the file, fsynced when asked. */
  close(sync: boolean): void {
    if (this.fd < 0) return;
    if (sync) fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }

  discard(): void {
    this.close(false);
    rmSync(this.path, { force: true });
  }
}

export function snapshotStreamKey(m: InstallSnapshot): string {
  return `${m.from}:${m.term}:${m.snapshot.index}:${m.snapshot.term}`;
}
