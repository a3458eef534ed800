// The consensus state machine. Pure: inputs are messages (step), logical
// time (tick), proposals and read requests; outputs are collected in a Ready
// (entries and hard state to persist, messages to send, entries to apply).
// Durability comes back through persisted(seq). See docs/raft.md.
import { RaftLog } from './raft-log.js';
import { Membership, decodeConfChange, encodeConfChange } from './membership.js';
import { Progress } from './progress.js';
import { withDefaults, type RaftOptions, type RaftOptionsInput } from './options.js';
import {
  EntryType, NO_NODE, index as idx, term as trm,
  type AppendEntries, type AppendEntriesResponse, type ConfChange, type Entry, type HardState, type Heartbeat,
  type HeartbeatResponse, type Index, type InstallSnapshot, type InstallSnapshotResponse, type MemberInfo, type Message,
  type NodeId, type ProposeResult, type ReadState, type Ready, type RequestVote, type RequestVoteResponse, type Role,
  type SnapshotMeta, type Term,
} from './types.js';

/** Durable state a node restarts from. */
export interface DurableState {
  readonly hardState: HardState;
  readonly snapshot: SnapshotMeta | null;
  /** Entries after the snapshot (after uncachedTerms' entries when given), contiguous. */
  readonly entries: readonly Entry[];
  /** Terms of the entries right after the snapshot that only options.entrySource holds. */
  readonly uncachedTerms?: readonly number[];
  /** The configuration entries among those, in order (membership is rebuilt from them). */
  readonly uncachedConfigs?: readonly Entry[];
}

export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

function invariant(ok: boolean, what: string): asserts ok {
  if (!ok) throw new InvariantError(what);
}

interface PendingRead { readonly requestId: number; readonly index: Index; readonly round: number }

export class RaftNode {
  readonly id: NodeId;
  private opts: RaftOptions;
  private term: Term = trm(0);
  private vote: NodeId = NO_NODE;
  private commit: Index = idx(0);
  /** Last index handed out for applying. */
  private applied: Index = idx(0);
  private role: Role = 'follower';
  private leader: NodeId = NO_NODE;
  readonly log: RaftLog;
  /** Membership after each config entry still in the log; the first is the snapshot's. */
  private configs: { index: Index; membership: Membership }[];
  private progress = new Map<NodeId, Progress>();
  private votes = new Map<NodeId, boolean>();
  private ticks = 0;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private electionTimeout = 0;
  private transferTarget: NodeId = NO_NODE;
  private transferElapsed = 0;
  private pendingConfIndex: Index = idx(0);
  // Read index.
  private reads: PendingRead[] = [];
  private readsAwaitingCommit: number[] = [];
  private readRound = 0;
  private readRoundWanted = false;
  private readStates: ReadState[] = [];
  private failedReads: number[] = [];
  // Output buffers.
  private msgs: Message[] = [];
  private held: { tag: number; msg: Message }[] = [];
  private unstable: Entry[] = [];
  private handedOutLast: Index;
  private truncateFrom: Index | null = null;
  private hardDirty = false;
  private snapshotToInstall: SnapshotMeta | null = null;
  private broadcastWanted = false;
  // Durability bookkeeping.
  private seq = 0;
  private persistedSeq = 0;
  private readonly seqLast = new Map<number, Index>();
  private persistedIndex: Index;
  private selfVoteTag = 0;

  constructor(options: RaftOptionsInput, state?: DurableState) {
    this.opts = withDefaults(options);
    this.id = this.opts.id;
    const snap = state?.snapshot ?? null;
    this.log = new RaftLog(snap?.index ?? idx(0), snap?.term ?? trm(0), state?.entries ?? [], this.opts.entrySource, state?.uncachedTerms ?? []);
    this.configs = [{ index: this.log.snapshotIndex, membership: Membership.of(snap?.members ?? []) }];
    for (const e of [...(state?.uncachedConfigs ?? []), ...(state?.entries ?? [])]) if (e.type === EntryType.config) this.pushConfig(e);
    if (state) {
      this.term = state.hardState.term;
      this.vote = state.hardState.vote;
      this.commit = idx(Math.min(Math.max(state.hardState.commit, this.log.snapshotIndex), this.log.lastIndex()));
    }
    this.applied = this.log.snapshotIndex;
    this.handedOutLast = this.log.lastIndex();
    this.persistedIndex = this.log.lastIndex();
    this.resetElectionTimeout();
  }

  /** A new cluster's first node(s): entry 1 records the initial members, committed by construction. */
  static bootstrap(options: RaftOptionsInput, members: readonly MemberInfo[]): RaftNode {
    // Identical on every founding member, so their logs agree from entry 1.
    const change: ConfChange = { kind: 'bootstrap', id: NO_NODE, members: [...members].sort((a, b) => a.id - b.id) };
    const first: Entry = { index: idx(1), term: trm(1), type: EntryType.config, data: encodeConfChange(change) };
    return new RaftNode(options, { hardState: { term: trm(1), vote: NO_NODE, commit: idx(1) }, snapshot: null, entries: [first] });
  }

  // ---------------------------------------------------------------- inputs

  tick(): void {
    this.ticks++;
    this.electionElapsed++;
    if (this.role === 'leader') this.tickLeader();
    else if (this.electionElapsed >= this.electionTimeout && this.promotable()) {
      this.electionElapsed = 0;
      this.startElection(this.opts.preVote ? 'pre' : 'real', false);
    }
  }

  step(m: Message): void {
    if (m.to !== this.id || this.admits(m) !== null) return;
    if (m.term > this.term) {
      if (m.type === 'vote') {
        const inLease = this.opts.checkQuorum && this.leader !== NO_NODE && this.electionElapsed < this.opts.electionTicks;
        if (inLease && !m.transfer) {
          if (m.preVote) this.send({ type: 'vote-response', from: this.id, to: m.from, term: this.term, preVote: true, granted: false });
          return;
        }
      }
      const preVoteTraffic = (m.type === 'vote' && m.preVote) || (m.type === 'vote-response' && m.preVote && m.granted);
      if (!preVoteTraffic) {
        const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot';
        this.becomeFollower(m.term, fromLeader ? m.from : NO_NODE);
      }
    } else if (m.term < this.term) {
      if (m.type === 'append' || m.type === 'heartbeat') {
        // Tell a stale leader about the newer term so it steps down.
        this.send({ type: 'append-response', from: this.id, to: m.from, term: this.term, success: false, matchIndex: idx(0), hintIndex: idx(0), hintTerm: trm(0) });
      } else if (m.type === 'vote' && m.preVote) {
        this.send({ type: 'vote-response', from: this.id, to: m.from, term: this.term, preVote: true, granted: false });
      }
      return;
    }
    switch (m.type) {
      case 'append': return this.onAppend(m);
      case 'heartbeat': return this.onHeartbeat(m);
      case 'snapshot': return this.onSnapshot(m);
      case 'vote': return this.onVote(m);
      case 'vote-response': return this.onVoteResponse(m);
      case 'append-response': return this.onAppendResponse(m);
      case 'heartbeat-response': return this.onHeartbeatResponse(m);
      case 'snapshot-response': return this.onSnapshotResponse(m);
      case 'timeout-now':
        if (this.promotable()) this.startElection('real', true);
        return;
    }
  }

  /**
   * Whether a message's sender may speak to us at all; null when it may,
   * else why not. A node that knows no configuration (it is joining) hears
   * everyone. Otherwise only voters of our configuration (latest, or the one
   * at our commit index: a node whose removal is not yet committed may still
   * campaign, thesis 4.2.2) may ask for or cast votes, only members may answer
   * a leader or send TimeoutNow, and leader messages come from members, from
   * the leader we already follow, or — when we have heard from no leader for
   * an election timeout — from anyone: a follower that missed the entries
   * adding the current leader must still be caught up by it (hashicorp/raft
   * and etcd accept such leaders too). So a stranger cannot move our term
   * while the cluster has a live leader, however far ahead its term is.
   */
  admits(m: Message): string | null {
    const latest = this.membership();
    const from = m.from;
    if (latest.size === 0) return null;
    const voter = () => latest.isVoter(from) || this.membershipAt(this.commit).isVoter(from);
    const member = () => latest.has(from) || this.membershipAt(this.commit).has(from);
    switch (m.type) {
      case 'vote':
      case 'vote-response':
        return voter() ? null : `node ${from} is not a voter of this node's configuration`;
      case 'append-response':
      case 'heartbeat-response':
      case 'snapshot-response':
      case 'timeout-now':
        return member() ? null : `node ${from} is not a member of this node's configuration`;
      case 'append':
      case 'heartbeat':
      case 'snapshot': {
        if (member() || (from === this.leader && from !== this.id)) return null;
        const leaderLive = this.role === 'leader' || (this.leader !== NO_NODE && this.electionElapsed < this.opts.electionTicks);
        return leaderLive ? `node ${from} is not a member of this node's configuration, which follows a live leader` : null;
      }
    }
  }

  propose(data: Uint8Array): ProposeResult {
    return this.appendLocal(EntryType.normal, data);
  }

  proposeConfChange(change: ConfChange): ProposeResult {
    if (this.role !== 'leader') return this.refuse('not-leader', 'not the leader');
    if (this.pendingConfIndex > this.commit) return this.refuse('config-pending', 'a membership change is already in progress');
    const problem = this.membership().check(change);
    if (problem) return this.refuse('bad-change', problem);
    if (change.kind === 'remove' && change.id === this.id) {
      // The leader hands over first; the new leader then removes this node.
      const heir = this.bestHeir();
      if (heir !== NO_NODE) {
        this.transferLeadership(heir);
        return this.refuse('transferring', `leadership is being handed to node ${heir} first; remove this node there`);
      }
    }
    return this.appendLocal(EntryType.config, encodeConfChange(change));
  }

  /** Asks to confirm leadership for a linearizable read; the answer comes as a ReadState (or failedReads). */
  readIndex(requestId: number): boolean {
    if (this.role !== 'leader') return false;
    if (this.log.term(this.commit) !== this.term) {
      // The commit index is only known to be current once an entry of this term commits.
      this.readsAwaitingCommit.push(requestId);
      return true;
    }
    this.queueRead(requestId);
    return true;
  }

  transferLeadership(to: NodeId): ProposeResult {
    if (this.role !== 'leader') return this.refuse('not-leader', 'not the leader');
    if (to === this.id) return { ok: true, index: this.log.lastIndex(), term: this.term };
    if (!this.membership().isVoter(to)) return this.refuse('bad-change', `node ${to} is not a voter`);
    this.transferTarget = to;
    this.transferElapsed = 0;
    const pr = this.progress.get(to)!;
    if (pr.match === this.log.lastIndex()) this.send({ type: 'timeout-now', from: this.id, to, term: this.term });
    else this.sendAppend(to);
    return { ok: true, index: this.log.lastIndex(), term: this.term };
  }

  /** The host wrote a snapshot covering entries up to `at` (which it has applied): drop them. */
  compact(at: Index): void {
    invariant(at <= this.applied, `compaction to ${at} beyond the applied index ${this.applied}`);
    const t = this.log.term(at);
    if (t === undefined || at <= this.log.snapshotIndex) return;
    const membership = this.membershipAt(at);
    this.log.compact(at, t);
    this.configs = [{ index: at, membership }, ...this.configs.filter((c) => c.index > at)];
  }

  /** What a snapshot of the state applied through `at` describes (its term and members). */
  snapshotMetaAt(at: Index): SnapshotMeta {
    const t = this.log.term(at);
    invariant(t !== undefined && at <= this.applied, `no snapshot can cover index ${at} (applied ${this.applied}, log from ${this.log.snapshotIndex})`);
    return { index: at, term: t, members: this.membershipAt(at).members };
  }

  /** The snapshot the log starts after, for sending to followers. */
  snapshotMeta(): SnapshotMeta {
    return { index: this.log.snapshotIndex, term: this.log.snapshotTerm, members: this.membershipAt(this.log.snapshotIndex).members };
  }

  /** The host could not deliver a snapshot to `to`: replication falls back to probing. */
  reportSnapshot(to: NodeId, ok: boolean): void {
    const pr = this.progress.get(to);
    if (pr && pr.state === 'snapshot' && !ok) pr.becomeProbe();
  }

  /** Everything in the Ready numbered `seq` (and before) is durable now. */
  persisted(seq: number): void {
    if (seq <= this.persistedSeq) return;
    this.persistedSeq = seq;
    const last = this.seqLast.get(seq);
    if (last !== undefined) this.persistedIndex = idx(Math.min(last, this.log.lastIndex()));
    for (const s of this.seqLast.keys()) if (s <= seq) this.seqLast.delete(s);
    const still: { tag: number; msg: Message }[] = [];
    for (const h of this.held) {
      if (h.tag <= seq) this.msgs.push(h.msg);
      else still.push(h);
    }
    this.held = still;
    if (this.role === 'candidate' && this.selfVoteTag !== 0 && this.selfVoteTag <= seq) {
      this.selfVoteTag = 0;
      this.votes.set(this.id, true);
      this.tallyVotes(false);
    }
    if (this.role === 'leader') this.maybeCommit();
  }

  // ---------------------------------------------------------------- output

  hasReady(): boolean {
    return this.msgs.length > 0 || this.unstable.length > 0 || this.truncateFrom !== null || this.hardDirty ||
      this.snapshotToInstall !== null || this.commit > this.applied || this.readStates.length > 0 || this.failedReads.length > 0 ||
      this.broadcastWanted || this.readRoundWanted;
  }

  /** Hands out everything the host must do now. */
  ready(): Ready {
    if (this.broadcastWanted) {
      this.broadcastWanted = false;
      if (this.role === 'leader') this.broadcastAppend();
    }
    if (this.readRoundWanted) {
      this.readRoundWanted = false;
      if (this.role === 'leader') {
        this.readRound++;
        this.broadcastHeartbeat(this.readRound);
      }
    }
    const persistWork = this.unstable.length > 0 || this.truncateFrom !== null || this.hardDirty || this.snapshotToInstall !== null;
    let persistSeq = 0;
    if (persistWork) {
      persistSeq = ++this.seq;
      this.seqLast.set(persistSeq, this.log.lastIndex());
    }
    const rd: Ready = {
      softState: { role: this.role, leader: this.leader, term: this.term },
      hardState: this.hardDirty ? this.hardState() : null,
      truncateFrom: this.truncateFrom,
      entries: this.unstable,
      snapshot: this.snapshotToInstall,
      messages: this.msgs,
      committed: this.commit > this.applied ? this.log.slice(this.applied + 1, this.commit + 1, this.opts.maxApplyEntries, this.opts.maxApplyBytes) : [],
      readStates: this.readStates,
      failedReads: this.failedReads,
      persistSeq,
    };
    if (this.unstable.length) this.handedOutLast = this.unstable[this.unstable.length - 1]!.index;
    if (rd.committed.length) this.applied = rd.committed[rd.committed.length - 1]!.index;
    this.log.evict(this.opts.maxCacheBytes, idx(Math.min(this.applied, this.persistedIndex)));
    this.unstable = [];
    this.truncateFrom = null;
    this.hardDirty = false;
    this.snapshotToInstall = null;
    this.msgs = [];
    this.readStates = [];
    this.failedReads = [];
    return rd;
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.commit };
  }

  /** Starts an election now, skipping pre-vote (a freshly created cluster's only node). */
  campaign(): void {
    if (this.role !== 'leader' && this.promotable()) this.startElection('real', false);
  }

  /** Changes the log cache budget at runtime (raft-log-max-cache-size). */
  setCacheBytes(maxCacheBytes: number): void {
    this.opts = { ...this.opts, maxCacheBytes };
    this.log.evict(maxCacheBytes, idx(Math.min(this.applied, this.persistedIndex)));
  }

  /** Changes election and heartbeat timing at runtime (RAFT.CONFIG SET). */
  setTiming(electionTicks: number, heartbeatTicks: number): void {
    this.opts = withDefaults({ ...this.opts, electionTicks, heartbeatTicks });
    this.resetElectionTimeout();
  }

  // ------------------------------------------------------------- queries

  status() {
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      leader: this.leader,
      vote: this.vote,
      commit: this.commit,
      applied: this.applied,
      lastIndex: this.log.lastIndex(),
      firstIndex: this.log.firstIndex(),
      snapshotIndex: this.log.snapshotIndex,
      members: this.membership().members,
      transferring: this.transferTarget,
      progress: [...this.progress].map(([id, p]) => ({ id, match: p.match, next: p.next, state: p.state, recentActive: p.recentActive })),
    };
  }

  membership(): Membership {
    return this.configs[this.configs.length - 1]!.membership;
  }

  get isLeader(): boolean {
    return this.role === 'leader';
  }

  get leaderId(): NodeId {
    return this.leader;
  }

  get currentTerm(): Term {
    return this.term;
  }

  get commitIndex(): Index {
    return this.commit;
  }

  // ------------------------------------------------------------ internals

  private refuse(reason: 'not-leader' | 'transferring' | 'config-pending' | 'bad-change' | 'overloaded', message: string): ProposeResult {
    return { ok: false, reason, leader: this.leader, message };
  }

  /**
   * A voter may campaign; so may a node whose removal is appended but not
   * yet committed (thesis 4.2.2): it wins with the votes of the new
   * configuration, commits it, then steps down. Without this, a leader that
   * lost its post after appending its own removal could hold the longest
   * log and block every election.
   */
  private promotable(): boolean {
    if (this.membership().isVoter(this.id)) return true;
    const latest = this.configs[this.configs.length - 1]!;
    return latest.index > this.commit && this.membershipAt(this.commit).isVoter(this.id) && this.membership().voters.length > 0;
  }

  private resetElectionTimeout(): void {
    this.electionTimeout = this.opts.electionTicks + Math.floor(this.opts.random() * this.opts.electionTicks);
  }

  private send(m: Message): void {
    this.msgs.push(m);
  }

  /** Sends once everything decided so far is durable (votes, acknowledgements). */
  private sendDurable(m: Message): void {
    const pending = this.unstable.length > 0 || this.truncateFrom !== null || this.hardDirty || this.snapshotToInstall !== null;
    const tag = pending ? this.seq + 1 : this.seq;
    if (tag <= this.persistedSeq) this.msgs.push(m);
    else this.held.push({ tag, msg: m });
  }

  private appendLocal(type: EntryType, data: Uint8Array): ProposeResult {
    if (this.role !== 'leader') return this.refuse('not-leader', 'not the leader');
    if (this.transferTarget !== NO_NODE) return this.refuse('transferring', 'leadership transfer in progress');
    if (this.log.lastIndex() - this.commit >= this.opts.maxUncommittedEntries) {
      return this.refuse('overloaded', `${this.opts.maxUncommittedEntries} entries are waiting to commit`);
    }
    const e: Entry = { index: idx(this.log.lastIndex() + 1), term: this.term, type, data };
    this.appendEntries([e]);
    if (type === EntryType.config) this.pendingConfIndex = e.index;
    this.broadcastWanted = true;
    return { ok: true, index: e.index, term: e.term };
  }

  /** Appends to the log and the unstable list; config entries take effect now. */
  private appendEntries(entries: readonly Entry[]): void {
    this.log.append(entries);
    this.unstable.push(...entries);
    for (const e of entries) if (e.type === EntryType.config) this.pushConfig(e);
  }

  private pushConfig(e: Entry): void {
    const change = decodeConfChange(e.data);
    const next = change.kind === 'bootstrap' ? Membership.of(change.members) : this.membership().apply(change);
    this.configs.push({ index: e.index, membership: next });
    if (this.role === 'leader') this.syncProgress();
  }

  private membershipAt(i: number): Membership {
    let m = this.configs[0]!.membership;
    for (const c of this.configs) if (c.index <= i) m = c.membership;
    return m;
  }

  private syncProgress(): void {
    const members = this.membership();
    for (const id of [...this.progress.keys()]) if (!members.has(id)) this.progress.delete(id);
    for (const m of members.members) {
      if (m.id !== this.id && !this.progress.has(m.id)) {
        const pr = new Progress(idx(this.log.lastIndex() + 1));
        pr.recentActive = true;
        pr.lastResponseTick = this.ticks;
        this.progress.set(m.id, pr);
      }
    }
  }

  private truncate(from: Index): void {
    invariant(from > this.commit, `truncation at ${from} would remove committed entries (commit ${this.commit})`);
    this.log.truncateFrom(from);
    this.unstable = this.unstable.filter((e) => e.index < from);
    if (from <= this.handedOutLast) {
      this.truncateFrom = idx(Math.min(this.truncateFrom ?? from, from));
      this.handedOutLast = idx(from - 1);
    }
    this.persistedIndex = idx(Math.min(this.persistedIndex, from - 1));
    for (const [s, last] of this.seqLast) if (last >= from) this.seqLast.set(s, idx(from - 1));
    while (this.configs.length > 1 && this.configs[this.configs.length - 1]!.index >= from) this.configs.pop();
  }

  private becomeFollower(t: Term, leader: NodeId): void {
    if (t > this.term) {
      this.term = t;
      this.vote = NO_NODE;
      this.hardDirty = true;
    }
    if (this.role === 'leader') this.failAllReads();
    this.role = 'follower';
    this.leader = leader;
    this.votes.clear();
    this.selfVoteTag = 0;
    this.transferTarget = NO_NODE;
    this.electionElapsed = 0;
    this.resetElectionTimeout();
  }

  private failAllReads(): void {
    for (const r of this.reads) this.failedReads.push(r.requestId);
    this.failedReads.push(...this.readsAwaitingCommit);
    this.reads = [];
    this.readsAwaitingCommit = [];
  }

  private startElection(kind: 'pre' | 'real', transfer: boolean): void {
    const voters = this.membership().voters;
    this.votes.clear();
    this.leader = NO_NODE;
    this.electionElapsed = 0;
    this.resetElectionTimeout();
    if (kind === 'pre') {
      this.role = 'precandidate';
      this.votes.set(this.id, true);
      for (const v of voters) {
        if (v !== this.id) {
          this.send({ type: 'vote', from: this.id, to: v, term: trm(this.term + 1), preVote: true, lastIndex: this.log.lastIndex(), lastTerm: this.log.lastTerm(), transfer: false });
        }
      }
      this.tallyVotes(true);
      return;
    }
    this.role = 'candidate';
    this.term = trm(this.term + 1);
    this.vote = this.id;
    this.hardDirty = true;
    // Our own vote counts once it is durable; so do the requests we send.
    this.selfVoteTag = this.seq + 1;
    for (const v of voters) {
      if (v !== this.id) {
        this.sendDurable({ type: 'vote', from: this.id, to: v, term: this.term, preVote: false, lastIndex: this.log.lastIndex(), lastTerm: this.log.lastTerm(), transfer });
      }
    }
  }

  private tallyVotes(pre: boolean): void {
    const voters = this.membership().voters;
    const quorum = this.membership().quorum();
    let granted = 0, rejected = 0;
    for (const v of voters) {
      const g = this.votes.get(v);
      if (g === true) granted++;
      else if (g === false) rejected++;
    }
    if (granted >= quorum) {
      if (pre) this.startElection('real', false);
      else this.becomeLeader();
    } else if (rejected >= quorum || voters.length - rejected < quorum) {
      this.becomeFollower(this.term, NO_NODE);
    }
  }

  private becomeLeader(): void {
    this.role = 'leader';
    this.leader = this.id;
    this.votes.clear();
    this.heartbeatElapsed = 0;
    this.electionElapsed = 0;
    this.progress.clear();
    this.syncProgress();
    for (const pr of this.progress.values()) pr.becomeProbe();
    this.pendingConfIndex = this.log.lastIndex();
    // A no-op of the new term lets the commit index (and ReadIndex) catch up (5.4.2, 6.4).
    this.appendEntries([{ index: idx(this.log.lastIndex() + 1), term: this.term, type: EntryType.noop, data: new Uint8Array(0) }]);
    this.broadcastWanted = true;
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    if (this.heartbeatElapsed >= this.opts.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat(0);
    }
    if (this.transferTarget !== NO_NODE && ++this.transferElapsed >= this.opts.electionTicks) this.transferTarget = NO_NODE;
    if (this.electionElapsed >= this.opts.electionTicks) {
      this.electionElapsed = 0;
      if (this.opts.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, NO_NODE);
        return;
      }
      for (const pr of this.progress.values()) pr.recentActive = false;
    }
    if (this.opts.autoPromote) this.maybePromoteLearner();
  }

  /** The voter with the most replicated log, to hand leadership to. */
  private bestHeir(): NodeId {
    let best: NodeId = NO_NODE, match = -1;
    for (const [id, pr] of this.progress) {
      if (this.membership().isVoter(id) && pr.match > match) { best = id; match = pr.match; }
    }
    return best;
  }

  private quorumActive(): boolean {
    const members = this.membership();
    let active = 0;
    for (const v of members.voters) if (v === this.id || this.progress.get(v)?.recentActive) active++;
    return active >= members.quorum();
  }

  private maybePromoteLearner(): void {
    if (this.pendingConfIndex > this.commit || this.transferTarget !== NO_NODE) return;
    for (const l of this.membership().learners) {
      const pr = this.progress.get(l);
      if (pr && pr.match >= this.commit && pr.recentActive) {
        this.proposeConfChange({ kind: 'promote', id: l });
        return;
      }
    }
  }

  private broadcastAppend(): void {
    for (const id of this.progress.keys()) this.sendAppend(id, true);
  }

  private broadcastHeartbeat(readRound: number): void {
    for (const [id, pr] of this.progress) {
      this.send({ type: 'heartbeat', from: this.id, to: id, term: this.term, commit: idx(Math.min(pr.match, this.commit)), readRound });
    }
  }

  /** Sends entries to one follower; with `all`, keeps sending while the window allows. */
  private sendAppend(to: NodeId, all = false): void {
    const pr = this.progress.get(to);
    if (!pr) return;
    do {
      if (!pr.canSend(this.opts.maxInflight)) return;
      if (pr.next <= this.log.snapshotIndex) {
        pr.becomeSnapshot(this.log.snapshotIndex, this.ticks);
        this.send({ type: 'snapshot', from: this.id, to, term: this.term, snapshot: this.snapshotMeta() });
        return;
      }
      const prevIndex = idx(pr.next - 1);
      const prevTerm = this.log.term(prevIndex);
      invariant(prevTerm !== undefined, `no term for index ${prevIndex} while sending to ${to}`);
      const entries = this.log.slice(pr.next, this.log.lastIndex() + 1, this.opts.maxEntriesPerMsg, this.opts.maxBytesPerMsg);
      if (entries.length === 0 && pr.state === 'replicate') return;
      this.send({ type: 'append', from: this.id, to, term: this.term, prevIndex, prevTerm, entries, commit: this.commit });
      pr.sent(entries.length ? entries[entries.length - 1]!.index : prevIndex);
      if (entries.length === 0) return;
    } while (all && pr.next <= this.log.lastIndex());
  }

  private maybeCommit(): void {
    const members = this.membership();
    const matches = members.voters.map((v) => (v === this.id ? this.persistedIndex : this.progress.get(v)?.match ?? idx(0)));
    if (matches.length === 0) return;
    matches.sort((a, b) => b - a);
    const n = matches[members.quorum() - 1]!;
    if (n <= this.commit || this.log.term(n) !== this.term) return;
    this.commit = n;
    this.onCommitAdvanced();
  }

  private onCommitAdvanced(): void {
    if (this.role !== 'leader') return;
    // Entries held back by full windows may go now; followers learn the commit with the next message.
    this.broadcastWanted = true;
    if (this.readsAwaitingCommit.length && this.log.term(this.commit) === this.term) {
      for (const r of this.readsAwaitingCommit) this.queueRead(r);
      this.readsAwaitingCommit = [];
    }
    if (!this.membership().has(this.id) && this.commit >= this.pendingConfIndex) {
      // Our removal is committed: hand over by stepping down.
      this.becomeFollower(this.term, NO_NODE);
    }
  }

  private queueRead(requestId: number): void {
    if (this.membership().voters.length === 1 && this.membership().isVoter(this.id)) {
      this.readStates.push({ requestId, index: this.commit });
      return;
    }
    this.reads.push({ requestId, index: this.commit, round: this.readRound + 1 });
    this.readRoundWanted = true;
  }

  private confirmReads(): void {
    const members = this.membership();
    while (this.reads.length) {
      const r = this.reads[0]!;
      let acks = members.isVoter(this.id) ? 1 : 0;
      for (const v of members.voters) if (v !== this.id && (this.progress.get(v)?.readAck ?? 0) >= r.round) acks++;
      if (acks < members.quorum()) return;
      this.readStates.push({ requestId: r.requestId, index: r.index });
      this.reads.shift();
    }
  }

  private onAppend(m: AppendEntries): void {
    invariant(this.role !== 'leader', `two leaders in term ${m.term}: ${this.id} and ${m.from}`);
    this.becomeFollower(m.term, m.from);
    const reply = (success: boolean, matchIndex: number, hintIndex = 0, hintTerm = 0) =>
      this.sendDurable({ type: 'append-response', from: this.id, to: m.from, term: this.term, success, matchIndex: idx(matchIndex), hintIndex: idx(hintIndex), hintTerm: trm(hintTerm) });
    if (m.prevIndex < this.commit) {
      // Everything up to our commit index matches the leader already.
      return reply(true, this.commit);
    }
    const localPrevTerm = this.log.term(m.prevIndex);
    if (localPrevTerm !== m.prevTerm) {
      if (localPrevTerm === undefined) return reply(false, 0, this.log.lastIndex() + 1, 0);
      return reply(false, 0, this.log.firstIndexOfTermAt(m.prevIndex), localPrevTerm);
    }
    let i = 0;
    for (; i < m.entries.length; i++) {
      const e = m.entries[i]!;
      const have = this.log.term(e.index);
      if (have === undefined) break;
      if (have !== e.term) {
        this.truncate(e.index);
        break;
      }
    }
    if (i < m.entries.length) this.appendEntries(m.entries.slice(i));
    const lastNew = m.prevIndex + m.entries.length;
    const newCommit = Math.min(m.commit, lastNew);
    if (newCommit > this.commit) this.commit = idx(newCommit);
    reply(true, lastNew);
  }

  private onHeartbeat(m: Heartbeat): void {
    invariant(this.role !== 'leader', `two leaders in term ${m.term}: ${this.id} and ${m.from}`);
    this.becomeFollower(m.term, m.from);
    const c = Math.min(m.commit, this.log.lastIndex());
    if (c > this.commit) this.commit = idx(c);
    this.send({ type: 'heartbeat-response', from: this.id, to: m.from, term: this.term, readRound: m.readRound });
  }

  private onSnapshot(m: InstallSnapshot): void {
    this.becomeFollower(m.term, m.from);
    const s = m.snapshot;
    if (s.index <= this.commit) {
      // Already covered, but possibly by an install still being written: answer once it is durable.
      this.sendDurable({ type: 'snapshot-response', from: this.id, to: m.from, term: this.term, success: true, matchIndex: this.commit });
      return;
    }
    if (this.log.term(s.index) !== s.term) {
      // Our log disagrees with the snapshot: all of it goes.
      this.unstable = [];
      this.truncateFrom = idx(s.index + 1);
    } else {
      this.unstable = this.unstable.filter((e) => e.index > s.index);
    }
    this.log.restore(s.index, s.term);
    // Config entries kept after the snapshot still apply on top of its membership.
    this.configs = [{ index: s.index, membership: Membership.of(s.members) }];
    for (let i = s.index + 1; i <= this.log.lastIndex(); i++) {
      const e = this.log.entry(i)!;
      if (e.type === EntryType.config) this.pushConfig(e);
    }
    this.commit = s.index;
    this.applied = s.index;
    this.handedOutLast = this.log.lastIndex();
    this.persistedIndex = idx(Math.min(this.persistedIndex, s.index));
    this.snapshotToInstall = s;
    this.hardDirty = true;
    this.sendDurable({ type: 'snapshot-response', from: this.id, to: m.from, term: this.term, success: true, matchIndex: s.index });
  }

  private onVote(m: RequestVote): void {
    const canVote = this.vote === m.from || (this.vote === NO_NODE && this.leader === NO_NODE) || (m.preVote && m.term > this.term);
    const granted = canVote && this.log.isUpToDate(m.lastIndex, m.lastTerm);
    if (m.preVote) {
      this.send({ type: 'vote-response', from: this.id, to: m.from, term: granted ? m.term : this.term, preVote: true, granted });
      return;
    }
    if (granted) {
      this.vote = m.from;
      this.hardDirty = true;
      this.electionElapsed = 0;
    }
    this.sendDurable({ type: 'vote-response', from: this.id, to: m.from, term: this.term, preVote: false, granted });
  }

  private onVoteResponse(m: RequestVoteResponse): void {
    const wanted = m.preVote ? this.role === 'precandidate' : this.role === 'candidate';
    if (!wanted) return;
    if (m.preVote && m.granted && m.term !== this.term + 1) return;
    this.votes.set(m.from, m.granted);
    this.tallyVotes(m.preVote);
  }

  private onAppendResponse(m: AppendEntriesResponse): void {
    if (this.role !== 'leader') return;
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    pr.lastResponseTick = this.ticks;
    if (m.success) {
      if (pr.acknowledged(m.matchIndex)) {
        if (pr.state === 'probe') pr.becomeReplicate();
        this.maybeCommit();
        if (this.transferTarget === m.from && pr.match === this.log.lastIndex()) {
          this.send({ type: 'timeout-now', from: this.id, to: m.from, term: this.term });
        }
      } else if (pr.state === 'probe') pr.becomeReplicate();
      this.sendAppend(m.from, true);
      return;
    }
    if (m.hintIndex === 0 && m.hintTerm === 0) return; // a stale-term notice, handled by the term check
    let next: number = m.hintIndex;
    if (m.hintTerm > 0) {
      const last = this.log.lastIndexOfTerm(m.hintTerm);
      if (last > 0) next = last + 1;
    }
    pr.becomeProbe();
    pr.next = idx(Math.max(pr.match + 1, Math.min(next, this.log.lastIndex() + 1)));
    this.sendAppend(m.from);
  }

  private onHeartbeatResponse(m: HeartbeatResponse): void {
    if (this.role !== 'leader') return;
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    if (m.readRound > pr.readAck) pr.readAck = m.readRound;
    this.confirmReads();
    if (pr.state === 'snapshot' && this.ticks - pr.snapshotSentTick >= this.opts.electionTicks) pr.becomeProbe();
    if (pr.match < this.log.lastIndex()) {
      if (pr.state === 'probe') pr.probeSent = false;
      else if (pr.state === 'replicate' && this.ticks - pr.lastResponseTick >= 2 * this.opts.heartbeatTicks) pr.becomeProbe();
      this.sendAppend(m.from);
    }
  }

  private onSnapshotResponse(m: InstallSnapshotResponse): void {
    if (this.role !== 'leader') return;
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    pr.lastResponseTick = this.ticks;
    if (m.success) pr.acknowledged(m.matchIndex);
    pr.becomeProbe();
    this.maybeCommit();
    this.sendAppend(m.from);
  }
}
