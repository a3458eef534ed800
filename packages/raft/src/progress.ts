// The leader's view of one follower's replication.
import type { Index } from './types.js';
import { index as idx } from './types.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  match: Index = idx(0);
  next: Index;
  state: ProgressState = 'probe';
  /** Last index carried by each AppendEntries in flight (replicate state). */
  inflight: Index[] = [];
  /** A probe is out and unanswered. */
  probeSent = false;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  /** Tick of the last response: stalled replication is resent after a heartbeat interval. */
  lastResponseTick = 0;
  /** Highest read-index round this peer acknowledged. */
  readAck = 0;
  pendingSnapshot: Index = idx(0);
  /** Tick the snapshot went out: with no answer for an election timeout, it is sent again. */
  snapshotSentTick = 0;

  constructor(next: Index) {
    this.next = next;
  }

  becomeProbe(): void {
    this.state = 'probe';
    this.next = idx(this.match + 1);
    this.inflight = [];
    this.probeSent = false;
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = idx(this.match + 1);
    this.inflight = [];
  }

  becomeSnapshot(at: Index, tick: number): void {
    this.state = 'snapshot';
    this.pendingSnapshot = at;
    this.snapshotSentTick = tick;
    this.inflight = [];
  }

  /** Whether another AppendEntries may go out now. */
  canSend(maxInflight: number): boolean {
    if (this.state === 'snapshot') return false;
    if (this.state === 'probe') return !this.probeSent;
    return this.inflight.length < maxInflight;
  }

  sent(lastIndex: Index): void {
    if (this.state === 'replicate') {
      this.next = idx(lastIndex + 1);
      this.inflight.push(lastIndex);
    } else this.probeSent = true;
  }

  /** A success up to `m`: returns whether it moved the match. */
  acknowledged(m: Index): boolean {
    this.probeSent = false;
    this.inflight = this.inflight.filter((i) => i > m);
    if (m <= this.match) return false;
    this.match = m;
    if (this.next <= m) this.next = idx(m + 1);
    return true;
  }
}
