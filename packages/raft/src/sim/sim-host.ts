// A simulated node host: the RaftNode plus what a real host does around it:
// a disk where writes become durable only when their fsync completes, a
// state machine (a set of applied operations), and snapshots.
import { RaftNode, type DurableState } from '../raft-node.js';
import { EntryType, type Entry, type HardState, type Index, type Message, type NodeId, type Ready, type SnapshotMeta } from '../types.js';
import { index as idx } from '../types.js';
import type { SimRandom } from './sim-random.js';
import { entryCost } from '../raft-log.js';

export interface StateMachine {
  /** Operation ids applied, in order. */
  ops: number[];
  applied: Index;
}

interface Disk {
  hardState: HardState;
  snapshot: { meta: SnapshotMeta; data: StateMachine } | null;
  entries: Entry[];
}

interface PendingWrite {
  readonly seq: number;
  readonly doneAt: number;
  readonly hardState: HardState | null;
  readonly truncateFrom: Index | null;
  readonly entries: readonly Entry[];
  readonly snapshot: { meta: SnapshotMeta; data: StateMachine } | null;
}

export interface HostEvents {
  send(m: Message, snapshotData: StateMachine | null): void;
  applied(host: SimHost, e: Entry): void;
  readReady(host: SimHost, requestId: number, readIndex: Index): void;
  readFailed(host: SimHost, requestId: number): void;
}

export const opOf = (e: Entry): number | null => (e.type === EntryType.normal ? new DataView(e.data.buffer, e.data.byteOffset, 4).getUint32(0) : null);

export function encodeOp(op: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, op);
  return b;
}

export class SimHost {
  node!: RaftNode;
  sm: StateMachine = { ops: [], applied: idx(0) };
  alive = true;
  incarnation = 0;
  /** Ticks per simulated step: clock drift between nodes. */
  tickRate = 1;
  tickDebt = 0;
  /** A paused process neither ticks, hears, writes nor answers until then. */
  pausedUntil = 0;
  private disk: Disk;
  private writes: PendingWrite[] = [];
  /** Snapshot bytes received from leaders, by index, waiting for the core to install one. */
  private incoming = new Map<number, { meta: SnapshotMeta; data: StateMachine }>();
  private waitingReads: { requestId: number; index: Index }[] = [];
  /** The snapshot the core's log starts after (durable or being written), for sending. */
  private latestSnapshot: { meta: SnapshotMeta; data: StateMachine } | null = null;

  constructor(
    readonly id: NodeId,
    private readonly makeNode: (state?: DurableState) => RaftNode,
    private readonly rnd: SimRandom,
    private readonly fsyncMaxTicks: number,
    private readonly events: HostEvents,
    bootstrapped: RaftNode | null,
  ) {
    this.disk = { hardState: { term: 0 as never, vote: 0 as never, commit: idx(0) }, snapshot: null, entries: [] };
    if (bootstrapped) {
      this.node = bootstrapped;
      // The bootstrap entry is durable by construction.
      const st = bootstrapped.status();
      this.disk.hardState = bootstrapped.hardState();
      this.disk.entries = bootstrapped.log.slice(1, st.lastIndex + 1);
    } else this.node = makeNode();
  }

  /** Crash: unsynced writes are lost, and so is everything in memory. */
  crash(): void {
    this.alive = false;
    this.writes = [];
    this.incoming.clear();
    this.waitingReads = [];
  }

  restart(): void {
    this.alive = true;
    this.incarnation++;
    const snap = this.disk.snapshot;
    this.sm = snap ? { ops: [...snap.data.ops], applied: snap.meta.index } : { ops: [], applied: idx(0) };
    this.latestSnapshot = snap;
    this.node = this.makeNode({ hardState: this.disk.hardState, snapshot: snap?.meta ?? null, entries: this.disk.entries });
  }

  receive(m: Message, snapshotData: StateMachine | null): void {
    // The core may ignore it (stale term, already covered); the Ready says which one it installed.
    if (m.type === 'snapshot' && snapshotData) this.incoming.set(m.snapshot.index, { meta: m.snapshot, data: snapshotData });
    this.node.step(m);
  }

  /** The core's entry source: durable entries [lo, hi), at least one, within maxBytes. */
  readDisk(lo: Index, hi: Index, maxBytes: number): Entry[] {
    const first = this.disk.entries[0]?.index ?? 0;
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < hi; i++) {
      const e = this.disk.entries[i - first];
      if (!e || e.index !== i) throw new Error(`sim disk of node ${this.id}: entry ${i} was evicted but is not durable`);
      bytes += entryCost(e);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  /** Completes the fsyncs that are due, in order. */
  completeWrites(now: number): number {
    let n = 0;
    while (this.writes.length && this.writes[0]!.doneAt <= now) {
      const w = this.writes.shift()!;
      if (w.snapshot) {
        this.disk.snapshot = w.snapshot;
        this.disk.entries = this.disk.entries.filter((e) => e.index > w.snapshot!.meta.index);
      }
      if (w.truncateFrom !== null) this.disk.entries = this.disk.entries.filter((e) => e.index < w.truncateFrom!);
      const floor = this.disk.snapshot?.meta.index ?? 0;
      for (const e of w.entries) {
        if (e.index <= floor) continue;
        const last = this.disk.entries.length ? this.disk.entries[this.disk.entries.length - 1]!.index : floor;
        if (e.index !== last + 1) throw new Error(`sim disk of node ${this.id}: entry ${e.index} after ${last}`);
        this.disk.entries.push(e);
      }
      if (w.hardState) this.disk.hardState = w.hardState;
      this.node.persisted(w.seq);
      n++;
    }
    return n;
  }

  /** Processes every Ready the node has. */
  process(now: number): void {
    while (this.alive && this.node.hasReady()) this.handle(this.node.ready(), now);
    this.serveReads();
  }

  private handle(rd: Ready, now: number): void {
    let snapshot: { meta: SnapshotMeta; data: StateMachine } | null = null;
    if (rd.snapshot) {
      const inc = this.incoming.get(rd.snapshot.index);
      if (!inc) throw new Error(`node ${this.id}: snapshot ${rd.snapshot.index} installed without its data`);
      snapshot = { meta: inc.meta, data: { ops: [...inc.data.ops], applied: inc.meta.index } };
      this.sm = { ops: [...inc.data.ops], applied: inc.meta.index };
      for (const k of this.incoming.keys()) if (k <= rd.snapshot.index) this.incoming.delete(k);
      this.latestSnapshot = snapshot;
    }
    if (rd.persistSeq) {
      const last = this.writes.length ? this.writes[this.writes.length - 1]!.doneAt : now;
      this.writes.push({ seq: rd.persistSeq, doneAt: Math.max(last, now + this.rnd.int(this.fsyncMaxTicks + 1)), hardState: rd.hardState, truncateFrom: rd.truncateFrom, entries: rd.entries, snapshot });
    }
    for (const m of rd.messages) {
      if (m.type !== 'snapshot') this.events.send(m, null);
      else {
        // Send the newest snapshot: it may have replaced the one the message was made for, and covers more.
        const snap = this.currentSnapshot(m.snapshot.index);
        this.events.send({ ...m, snapshot: snap.meta }, snap.data);
      }
    }
    for (const e of rd.committed) {
      if (e.index <= this.sm.applied) continue;
      if (e.index !== this.sm.applied + 1) throw new Error(`node ${this.id} applies ${e.index} after ${this.sm.applied}`);
      const op = opOf(e);
      if (op !== null) this.sm.ops.push(op);
      this.sm.applied = e.index;
      this.events.applied(this, e);
    }
    for (const r of rd.readStates) this.waitingReads.push({ requestId: r.requestId, index: r.index });
    for (const id of rd.failedReads) this.events.readFailed(this, id);
  }

  private serveReads(): void {
    if (!this.waitingReads.length) return;
    const still: { requestId: number; index: Index }[] = [];
    for (const r of this.waitingReads) {
      if (this.sm.applied >= r.index) this.events.readReady(this, r.requestId, r.index);
      else still.push(r);
    }
    this.waitingReads = still;
  }

  private currentSnapshot(atLeast: Index): { meta: SnapshotMeta; data: StateMachine } {
    const snap = this.latestSnapshot;
    if (!snap || snap.meta.index < atLeast) throw new Error(`node ${this.id} has no snapshot at or after ${atLeast} to send`);
    return snap;
  }

  /** Takes a snapshot of the state machine at the applied index and compacts the log. */
  takeSnapshot(): boolean {
    const at = this.sm.applied;
    if (at <= this.node.log.snapshotIndex) return false;
    const t = this.node.log.term(at);
    if (t === undefined) return false;
    this.node.compact(at);
    const meta = this.node.snapshotMeta();
    this.disk.snapshot = { meta, data: { ops: [...this.sm.ops], applied: at } };
    this.latestSnapshot = this.disk.snapshot;
    this.disk.entries = this.disk.entries.filter((e) => e.index > at);
    return true;
  }
}
