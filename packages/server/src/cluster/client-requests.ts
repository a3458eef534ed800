// The clients' side of the Raft driver: writes proposed and answered when
// their entry is applied, ReadIndex reads answered once the applied index
// reaches their read index, membership changes, and the back-pressure queue
// that holds client work in arrival order while the uncommitted tail is full.
import { randomInt } from 'node:crypto';
import { EntryType, index as idx, type Entry, type Index, type RaftNode, type Ready, type Term } from '@redisraft-wasm/raft';
import { error, type Reply } from '@redisraft-wasm/resp';
import { encodeEntryPayload, type WatchedKey } from './entry-payload.js';

export const ERR_TRYAGAIN = 'TRYAGAIN the write did not commit: leadership changed; retry it';

interface PendingWrite {
  readonly term: Term;
  readonly resolve: (r: Reply) => void;
  /** Turns the store's replies into the client's reply (EXEC's array); null = a WATCHed key changed. */
  readonly shape: (replies: Reply[] | null) => Reply;
}

interface PendingRead {
  readonly run: () => Reply;
  readonly resolve: (r: Reply) => void;
  /** Writes proposed before the read (a client's pipelined SET then GET) must be applied first: program order. */
  readonly after: Index;
  index: Index;
}

interface WaitingWork {
  /** Tries the work: null while the core refuses new entries. */
  readonly attempt: () => Promise<Reply> | null;
  readonly resolve: (r: Reply | Promise<Reply>) => void;
}

/** What the requests need from the driver. */
export interface RequestPorts {
  node(): RaftNode | null;
  /** The index this node's state machine has applied. */
  applied(): Index;
  /** Asks for the next Ready to be processed. */
  schedule(): void;
}

export class ClientRequests {
  private readonly writes = new Map<number, PendingWrite>();
  private readonly reads = new Map<number, PendingRead>();
  private readonly readsToServe: PendingRead[] = [];
  private readonly waiting: WaitingWork[] = [];
  private readonly memberWaiters = new Map<number, { term: Term; done: () => void; lost: () => void }>();
  private nextReadId = 1;

  constructor(private readonly ports: RequestPorts) {}

  /**
   * Proposes commands (one, or a transaction) and resolves with the reply
   * once applied here. While the uncommitted tail is full the proposal
   * waits its turn (back-pressure, never an error Redis would not send).
   */
  propose(commands: Buffer[][], shape: (replies: Reply[] | null) => Reply, watches: WatchedKey[]): Promise<Reply> {
    return this.inTurn(() => {
      const node = this.ports.node()!;
      const payload = encodeEntryPayload({ timeMs: Date.now(), seed: randomInt(0, 2 ** 32), commands, watches });
      const r = node.propose(payload);
      if (!r.ok) return r.reason === 'overloaded' ? null : Promise.resolve(error(ERR_TRYAGAIN));
      this.ports.schedule();
      return new Promise((resolve) => this.writes.set(r.index, { term: r.term, resolve, shape }));
    });
  }

  /** Runs `run` once leadership is confirmed and everything committed before is applied (ReadIndex). */
  read(run: () => Reply): Promise<Reply> {
    return this.inTurn(() => {
      const node = this.ports.node()!;
      const id = this.nextReadId++;
      if (!node.readIndex(id)) return Promise.resolve(error(ERR_TRYAGAIN));
      this.ports.schedule();
      return new Promise((resolve) => this.reads.set(id, { run, resolve, after: node.log.lastIndex(), index: idx(0) }));
    });
  }

  /** Runs `run` without confirming leadership (quorum-reads no), but after the writes proposed before it. */
  readLocal(run: () => Reply): Reply | Promise<Reply> {
    const caughtUp = () => this.ports.applied() >= this.ports.node()!.log.lastIndex() && this.readsToServe.length === 0;
    if (this.waiting.length === 0 && caughtUp()) return run();
    return this.inTurn(() => {
      if (caughtUp()) return Promise.resolve(run());
      const after = this.ports.node()!.log.lastIndex();
      return new Promise<Reply>((resolve) => this.readsToServe.push({ run, resolve, after, index: after }));
    });
  }

  /** Proposes a membership change; resolves once it is applied here. */
  changeMembers(change: Parameters<RaftNode['proposeConfChange']>[0], onApplied: () => Reply): Promise<Reply> {
    const r = this.ports.node()!.proposeConfChange(change);
    if (!r.ok) return Promise.resolve(error(`ERR ${r.message}`));
    this.ports.schedule();
    return new Promise((resolve) => this.memberWaiters.set(r.index, { term: r.term, done: () => resolve(onApplied()), lost: () => resolve(error(ERR_TRYAGAIN)) }));
  }

  /** An entry was applied: answers the write or membership change waiting for it (TRYAGAIN if another term's entry took its place). */
  settle(e: Entry, replies: Reply[] | null): void {
    const w = this.writes.get(e.index);
    if (w) {
      this.writes.delete(e.index);
      w.resolve(w.term === e.term ? w.shape(replies) : error(ERR_TRYAGAIN));
    }
    const m = this.memberWaiters.get(e.index);
    if (m) {
      this.memberWaiters.delete(e.index);
      if (m.term === e.term && e.type === EntryType.config) m.done();
      else m.lost();
    }
  }

  /** A Ready's confirmed read indexes, and the reads that cannot complete here. */
  takeReads(rd: Ready): void {
    for (const rs of rd.readStates) {
      const r = this.reads.get(rs.requestId);
      if (!r) continue;
      this.reads.delete(rs.requestId);
      r.index = idx(Math.max(rs.index, r.after));
      this.readsToServe.push(r);
    }
    for (const id of rd.failedReads) {
      const r = this.reads.get(id);
      if (r) {
        this.reads.delete(id);
        r.resolve(error(ERR_TRYAGAIN));
      }
    }
  }

  /** After the Readies of a turn: answers the reads now applied, then lets waiting work in while there is room. */
  afterReady(): void {
    const applied = this.ports.applied();
    let i = 0;
    for (; i < this.readsToServe.length; i++) {
      const r = this.readsToServe[i]!;
      if (r.index > applied) break;
      r.resolve(r.run());
    }
    if (i > 0) this.readsToServe.splice(0, i);
    this.runWaiting();
  }

  /**
   * Client work in arrival order: `attempt` runs now unless earlier work is
   * waiting; it returns null while the core refuses new entries (the
   * uncommitted tail is full), and then waits with everything after it
   * until a Ready makes room. Reads wait too, so a client's GET never
   * overtakes its own SET.
   */
  private inTurn(attempt: () => Promise<Reply> | null): Promise<Reply> {
    if (this.waiting.length === 0) {
      const p = attempt();
      if (p) return p;
    }
    return new Promise((resolve) => this.waiting.push({ attempt, resolve }));
  }

  private runWaiting(): void {
    while (this.waiting.length > 0) {
      const w = this.waiting[0]!;
      if (this.ports.node()?.isLeader !== true) {
        this.waiting.shift();
        w.resolve(error(ERR_TRYAGAIN));
        continue;
      }
      const p = w.attempt();
      if (!p) return;
      this.waiting.shift();
      w.resolve(p);
    }
  }
}
