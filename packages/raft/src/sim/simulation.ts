// One seeded run of a whole cluster under faults, checked after every step.
// Safety: election safety, log matching, leader completeness, state machine
// safety, monotonic commit. Client history: acknowledged proposals applied
// exactly once everywhere, ReadIndex reads see every write acknowledged
// before they began. Liveness: after healing, a leader commits new work.
import { RaftNode, type DurableState } from '../raft-node.js';
import { nodeId, type Entry, type Index, type Message, type NodeId, type MemberInfo } from '../types.js';
import { SimHost, encodeOp, opOf, type StateMachine } from './sim-host.js';
import { SimRandom } from './sim-random.js';

export interface SimOptions {
  readonly seed: number;
  /** Simulated events (ticks, deliveries, fsyncs, client operations, faults) before healing. */
  readonly events: number;
  readonly maxNodes?: number;
  readonly electionTicks?: number;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly error: string | null;
  readonly events: number;
  readonly steps: number;
  readonly acked: number;
  readonly reads: number;
  readonly trace: readonly string[];
}

class SimFailure extends Error {}

/** The liveness bound, in election timeouts after healing. */
const LIVENESS_TICKS_PER_ELECTION = 100;

interface InFlight { readonly msg: Message; readonly data: StateMachine | null; readonly at: number }

export function runSimulation(o: SimOptions): SimResult {
  const sim = new Simulation(o);
  try {
    sim.run();
    return sim.result(null);
  } catch (e) {
    return sim.result(e instanceof Error ? `${e.name === 'Error' || e instanceof SimFailure ? '' : `${e.name}: `}${e.message}` : String(e));
  }
}

class Simulation {
  private readonly rnd: SimRandom;
  private readonly netRnd: SimRandom;
  private readonly hosts = new Map<NodeId, SimHost>();
  private readonly electionTicks: number;
  private readonly maxNodes: number;
  private now = 0;
  private events = 0;
  private steps = 0;
  private nextId = 1;
  private network: InFlight[] = [];
  private cut = new Set<string>();
  private readonly dropRate: number;
  private readonly dupRate: number;
  private readonly maxDelay: number;
  /** Chance of a fault per step: each seed draws its own, from calm to stormy. */
  private readonly faultRate: number;
  /** Slowest fsync of this seed: slow disks let acknowledgements outrun the leader's own write. */
  private readonly fsyncMaxTicks: number;
  private readonly batchEntries: number;
  private readonly cacheBytes: number;
  private readonly window: number;
  private healed = false;
  // Checks.
  private readonly leaderOfTerm = new Map<number, NodeId>();
  private readonly committed = new Map<number, { term: number; key: string }>();
  private maxCommitted = 0;
  private readonly lastCommit = new Map<string, number>();
  private readonly wasLeader = new Map<NodeId, number>();
  // Client history.
  private nextOp = 1;
  private readonly pending = new Map<number, { host: NodeId; incarnation: number; index: Index }>();
  private readonly proposedAt = new Map<string, number>();
  private readonly acked: number[] = [];
  private readonly ackedSet = new Set<number>();
  private readonly ackedAt = new Map<number, number>();
  private nextRead = 1;
  private readonly readsInFlight = new Map<number, { host: NodeId; ackedBefore: number }>();
  private readsChecked = 0;
  private readonly traceLines: string[] = [];

  constructor(private readonly o: SimOptions) {
    this.rnd = new SimRandom(o.seed);
    this.netRnd = this.rnd.fork();
    this.electionTicks = o.electionTicks ?? 10;
    const size = this.rnd.chance(0.5) ? 5 : 3;
    this.maxNodes = o.maxNodes ?? size + 2;
    this.dropRate = this.rnd.next() * 0.1;
    this.dupRate = this.rnd.next() * 0.05;
    this.maxDelay = 1 + this.rnd.int(6);
    this.faultRate = 0.02 + this.rnd.next() * 0.15;
    this.fsyncMaxTicks = 1 + this.rnd.int(10);
    // Small batches split a leader's old entries from its no-op: figure-8 histories need that.
    this.batchEntries = this.rnd.pick([2, 4, 8, 64]);
    this.window = this.rnd.pick([2, 4, 16]);
    // Tiny caches make the core read most entries back from the simulated disk.
    this.cacheBytes = this.rnd.pick([0, 300, Infinity]);
    const members: MemberInfo[] = Array.from({ length: size }, (_, i) => ({ id: nodeId(i + 1), voter: true, addr: `n${i + 1}` }));
    for (const m of members) this.addHost(m.id, true, members);
    this.nextId = size + 1;
  }

  private trace(line: string): void {
    this.traceLines.push(`[t=${this.now} e=${this.events}] ${line}`);
    if (this.traceLines.length > 80) this.traceLines.shift();
  }

  private raftOptions(id: NodeId, hostRnd: SimRandom) {
    return {
      id, random: hostRnd.next, electionTicks: this.electionTicks, heartbeatTicks: 2, maxEntriesPerMsg: this.batchEntries, maxInflight: this.window, maxUncommittedEntries: 64,
      maxCacheBytes: this.cacheBytes, entrySource: (lo: Index, hi: Index, maxBytes: number) => this.hosts.get(id)!.readDisk(lo, hi, maxBytes),
    };
  }

  private makeNode(id: NodeId, hostRnd: SimRandom) {
    return (state?: DurableState) => new RaftNode(this.raftOptions(id, hostRnd), state);
  }

  private addHost(id: NodeId, bootstrap: boolean, members: MemberInfo[] = []): SimHost {
    const hostRnd = this.rnd.fork();
    const make = this.makeNode(id, hostRnd);
    const boot = bootstrap ? RaftNode.bootstrap(this.raftOptions(id, hostRnd), members) : null;
    const host = new SimHost(id, make, hostRnd, this.fsyncMaxTicks, {
      send: (m, data) => this.send(m, data),
      applied: (h, e) => this.onApplied(h, e),
      readReady: (h, reqId, at) => this.onReadReady(h, reqId, at),
      readFailed: (_h, reqId) => { this.readsInFlight.delete(reqId); },
    }, boot);
    host.tickRate = this.healed ? 1 : 0.6 + this.rnd.next() * 0.8;
    this.hosts.set(id, host);
    return host;
  }

  run(): void {
    while (this.events < this.o.events) this.step(true);
    this.heal();
    const limit = this.now + LIVENESS_TICKS_PER_ELECTION * this.electionTicks;
    let probe: number | null = null;
    let probeHost: NodeId | null = null;
    while (this.now < limit) {
      this.step(false);
      const leader = this.liveLeader();
      if (!leader) continue;
      if (probe === null || probeHost !== leader.id) {
        probe = this.propose(leader);
        probeHost = leader.id;
        continue;
      }
      // A probe lost with its leader (overwritten, or the leader left) is proposed again.
      const p = this.pending.get(probe);
      if ((!p && !this.ackedSet.has(probe)) || (p && p.host !== leader.id)) { probe = null; continue; }
      if (this.ackedSet.has(probe) && this.converged(leader)) {
        this.checkExactlyOnce(leader);
        this.checkLogMatching();
        return;
      }
    }
    const leader = this.liveLeader();
    const lagging = leader ? leader.node.membership().members.map((m) => this.hosts.get(m.id)).filter((h) => !h || !h.alive || h.sm.applied < leader.node.commitIndex)
      .map((h) => (h ? `${h.id}(${h.alive ? `applied ${h.sm.applied}, last ${h.node.log.lastIndex()}` : 'down'})` : 'missing')) : [];
    if (leader) this.trace(`leader status: ${JSON.stringify({ ...leader.node.status(), members: leader.node.membership().members.map((m) => `${m.id}${m.voter ? 'v' : 'l'}`) })}`);
    for (const h of this.hosts.values()) this.trace(`node ${h.id}: ${h.alive ? `${h.node.status().role} term ${h.node.currentTerm} last ${h.node.log.lastIndex()}@${h.node.log.lastTerm()} commit ${h.node.commitIndex} applied ${h.sm.applied} members ${h.node.membership().members.map((m) => `${m.id}${m.voter ? "v" : "l"}`).join(",")}` : "down"}`);
    throw new SimFailure(`liveness: no progress within ${LIVENESS_TICKS_PER_ELECTION * this.electionTicks} ticks after healing (leader ${leader?.id ?? 'none'}, probe ${probe === null ? 'not proposed' : this.ackedSet.has(probe) ? `acked, not converged: commit ${leader?.node.commitIndex}, lagging ${lagging.join(' ')}` : 'pending'})`);
  }

  private step(faults: boolean): void {
    this.now++;
    this.steps++;
    if (faults && this.rnd.chance(this.faultRate)) this.fault();
    // Clocks drift: each node ticks at its own rate, so leases and timeouts disagree.
    for (const h of this.hosts.values()) {
      if (!h.alive || h.pausedUntil > this.now) continue;
      h.tickDebt += h.tickRate;
      while (h.tickDebt >= 1) { h.tickDebt--; h.node.tick(); this.events++; }
    }
    this.deliver();
    for (const h of this.hosts.values()) if (h.alive && h.pausedUntil <= this.now) this.events += h.completeWrites(this.now);
    // Clients reach any node that believes it leads, a deposed one included.
    // After healing only the liveness probe is proposed: the backlog must drain, not grow.
    if (faults && this.rnd.chance(0.5)) {
      const leader = this.anyLeader();
      if (leader) { this.propose(leader); this.events++; }
    }
    if (this.rnd.chance(faults ? 0.3 : 0.05)) {
      const leader = this.anyLeader();
      if (leader) { this.read(leader); this.events++; }
    }
    for (const h of this.hosts.values()) {
      if (!h.alive) continue;
      if (h.sm.applied - h.node.log.snapshotIndex > 30 && this.rnd.chance(0.1)) h.takeSnapshot();
    }
    for (const h of this.hosts.values()) if (h.alive && h.pausedUntil <= this.now) h.process(this.now);
    this.checkStep();
    if (this.steps % 20 === 0) this.checkLogMatching();
  }

  private anyLeader(): SimHost | null {
    const leaders = [...this.hosts.values()].filter((h) => h.alive && h.pausedUntil <= this.now && h.node.isLeader);
    return leaders.length ? this.rnd.pick(leaders) : null;
  }

  private liveLeader(): SimHost | null {
    let best: SimHost | null = null;
    for (const h of this.hosts.values()) {
      if (h.alive && h.node.isLeader && (!best || h.node.currentTerm > best.node.currentTerm)) best = h;
    }
    return best;
  }

  private send(m: Message, data: StateMachine | null): void {
    if (this.cut.has(`${m.from}-${m.to}`)) return;
    if (!this.healed && this.netRnd.chance(this.dropRate)) return;
    const copies = !this.healed && this.netRnd.chance(this.dupRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) this.network.push({ msg: m, data, at: this.now + 1 + this.netRnd.int(this.maxDelay) });
  }

  private deliver(): void {
    const due: InFlight[] = [];
    const later: InFlight[] = [];
    for (const f of this.network) (f.at <= this.now ? due : later).push(f);
    this.network = later;
    // Random order among what is due: reordering.
    for (let i = due.length - 1; i > 0; i--) {
      const j = this.netRnd.int(i + 1);
      [due[i], due[j]] = [due[j]!, due[i]!];
    }
    for (const f of due) {
      const h = this.hosts.get(f.msg.to);
      if (!h || !h.alive || h.pausedUntil > this.now || this.cut.has(`${f.msg.from}-${f.msg.to}`)) continue;
      h.receive(f.msg, f.data);
      this.events++;
    }
  }

  private members(): NodeId[] {
    const leader = this.liveLeader();
    if (leader) return leader.node.membership().members.map((m) => m.id);
    return [...this.hosts.keys()];
  }

  private fault(): void {
    this.events++;
    const live = [...this.hosts.values()].filter((h) => h.alive);
    const dead = [...this.hosts.values()].filter((h) => !h.alive && this.members().includes(h.id));
    const leader = this.liveLeader();
    const ids = [...this.hosts.keys()];
    // Crashes and restarts dominate: they are where durability bugs show.
    const roll = this.rnd.int(20);
    const kind = roll < 5 ? 0 : roll < 10 ? 1 : roll < 12 ? 2 : roll < 14 ? 3 : roll - 10;
    switch (kind) {
      case 0:
        if (live.length > 1) { const h = leader && this.rnd.chance(0.5) ? leader : this.rnd.pick(live); h.crash(); this.network = this.network.filter((f) => f.msg.to !== h.id); this.trace(`crash node ${h.id}`); }
        break;
      case 1:
        if (dead.length) { const h = this.rnd.pick(dead); h.restart(); this.trace(`restart node ${h.id} (term ${h.node.currentTerm}, last ${h.node.log.lastIndex()}, snapshot ${h.node.log.snapshotIndex})`); }
        break;
      case 2: {
        // Often the leader with a minority: that is where stale leaders and figure-8 histories come from.
        const group = leader && this.rnd.chance(0.6)
          ? [leader.id, ...ids.filter((i) => i !== leader.id && this.rnd.chance(0.25))]
          : ids.filter(() => this.rnd.chance(0.5));
        const oneWay = this.rnd.chance(0.2);
        for (const a of group) for (const b of ids) if (!group.includes(b)) { this.cut.add(`${a}-${b}`); if (!oneWay) this.cut.add(`${b}-${a}`); }
        this.trace(`partition [${group.join(',')}] from the rest${oneWay ? ' (one way)' : ''}`);
        break;
      }
      case 3:
        this.cut.clear();
        this.trace('heal partitions');
        break;
      case 4:
        if (leader && this.hosts.size < this.maxNodes) {
          const id = nodeId(this.nextId++);
          const r = leader.node.proposeConfChange({ kind: 'add-learner', id, addr: `n${id}` });
          if (r.ok) { this.addHost(id, false); this.trace(`leader ${leader.id} adds learner ${id} at ${r.index}`); }
        }
        break;
      case 5:
        if (leader) {
          const members = leader.node.membership();
          if (members.voters.length > 3 || members.learners.length > 0 || this.rnd.chance(0.2)) {
            const victim = this.rnd.pick(members.members).id;
            const r = leader.node.proposeConfChange({ kind: 'remove', id: victim });
            if (r.ok) this.trace(`leader ${leader.id} removes ${victim} at ${r.index}`);
          }
        }
        break;
      case 6:
        if (leader) {
          const to = this.rnd.pick(leader.node.membership().voters);
          const r = leader.node.transferLeadership(to);
          this.trace(`leader ${leader.id} transfers to ${to}: ${r.ok ? 'started' : r.message}`);
        }
        break;
      case 7:
        if (live.length) { const h = this.rnd.pick(live); if (h.takeSnapshot()) this.trace(`node ${h.id} snapshots at ${h.node.log.snapshotIndex}`); }
        break;
      case 9: {
        // A process pause (GC, VM stall): its clock stops and it hears nothing, then it wakes up believing it still leads.
        const h = leader && this.rnd.chance(0.6) ? leader : live.length ? this.rnd.pick(live) : null;
        if (h) { h.pausedUntil = this.now + 10 + this.rnd.int(80); this.trace(`pause node ${h.id} until t=${h.pausedUntil}`); }
        break;
      }
      default:
        // A burst of client load.
        if (leader) for (let i = 0; i < 20; i++) this.propose(leader);
    }
  }

  private heal(): void {
    this.healed = true;
    this.cut.clear();
    for (const h of this.hosts.values()) { h.tickRate = 1; h.pausedUntil = 0; }
    // Every crashed node comes back: a stale leader's view of the membership must not decide who is restarted.
    for (const h of this.hosts.values()) if (!h.alive) h.restart();
    this.trace('heal everything: no drops, no partitions, every node restarted');
  }

  private propose(leader: SimHost): number {
    const op = this.nextOp++;
    const r = leader.node.propose(encodeOp(op));
    if (r.ok) {
      this.pending.set(op, { host: leader.id, incarnation: leader.incarnation, index: r.index });
      this.proposedAt.set(`${leader.id}/${leader.incarnation}/${r.index}`, op);
    }
    return op;
  }

  private read(leader: SimHost): void {
    const id = this.nextRead++;
    if (leader.node.readIndex(id)) this.readsInFlight.set(id, { host: leader.id, ackedBefore: this.acked.length });
  }

  private onApplied(h: SimHost, e: Entry): void {
    const key = `${e.type}:${Buffer.from(e.data).toString('hex')}`;
    const seen = this.committed.get(e.index);
    if (seen && (seen.term !== e.term || seen.key !== key)) {
      throw new SimFailure(`state machine safety: node ${h.id} applied ${e.index}@${e.term} but ${e.index}@${seen.term} was applied elsewhere`);
    }
    if (!seen) this.committed.set(e.index, { term: e.term, key });
    if (e.index > this.maxCommitted) this.maxCommitted = e.index;
    const lostKey = `${h.id}/${h.incarnation}/${e.index}`;
    const proposed = this.proposedAt.get(lostKey);
    if (proposed !== undefined) {
      this.proposedAt.delete(lostKey);
      // Another entry took the slot: the proposal was lost, and its client is told so (no acknowledgement).
      if (opOf(e) !== proposed) this.pending.delete(proposed);
    }
    const op = opOf(e);
    if (op === null) return;
    const p = this.pending.get(op);
    if (p && p.host === h.id && p.incarnation === h.incarnation) {
      if (p.index !== e.index) throw new SimFailure(`op ${op} proposed at ${p.index} applied at ${e.index}`);
      this.pending.delete(op);
      this.acked.push(op);
      this.ackedSet.add(op);
      this.ackedAt.set(op, e.index);
    }
  }

  private onReadReady(h: SimHost, reqId: number, at: Index): void {
    const r = this.readsInFlight.get(reqId);
    if (!r || r.host !== h.id) return;
    this.readsInFlight.delete(reqId);
    const seen = new Set(h.sm.ops);
    for (let i = 0; i < r.ackedBefore; i++) {
      if (!seen.has(this.acked[i]!)) throw new SimFailure(`linearizability: read ${reqId} on node ${h.id} at index ${at} misses op ${this.acked[i]} acknowledged before it began`);
    }
    this.readsChecked++;
  }

  private checkStep(): void {
    for (const h of this.hosts.values()) {
      if (!h.alive) continue;
      const st = h.node;
      if (st.isLeader) {
        const t = st.currentTerm;
        const other = this.leaderOfTerm.get(t);
        if (other !== undefined && other !== h.id) throw new SimFailure(`election safety: nodes ${other} and ${h.id} both lead term ${t}`);
        this.leaderOfTerm.set(t, h.id);
        if (this.wasLeader.get(h.id) !== t) {
          this.wasLeader.set(h.id, t);
          this.trace(`node ${h.id} leads term ${t} (last ${st.log.lastIndex()}, commit ${st.commitIndex})`);
          this.checkLeaderCompleteness(h);
        }
      }
      const k = `${h.id}/${h.incarnation}`;
      const prev = this.lastCommit.get(k) ?? 0;
      if (st.commitIndex < prev) throw new SimFailure(`commit index of node ${h.id} went back from ${prev} to ${st.commitIndex}`);
      this.lastCommit.set(k, st.commitIndex);
    }
  }

  private checkLeaderCompleteness(h: SimHost): void {
    const log = h.node.log;
    if (log.lastIndex() < this.maxCommitted && log.snapshotIndex < this.maxCommitted) {
      throw new SimFailure(`leader completeness: leader ${h.id} of term ${h.node.currentTerm} ends at ${log.lastIndex()} but ${this.maxCommitted} is committed`);
    }
    for (let i = log.snapshotIndex + 1; i <= this.maxCommitted; i++) {
      const c = this.committed.get(i);
      if (c && log.term(i) !== c.term) throw new SimFailure(`leader completeness: leader ${h.id} has ${i}@${log.term(i)}, committed ${i}@${c.term}`);
    }
  }

  private checkLogMatching(): void {
    const live = [...this.hosts.values()].filter((h) => h.alive);
    for (let a = 0; a < live.length; a++) {
      for (let b = a + 1; b < live.length; b++) {
        const la = live[a]!.node.log, lb = live[b]!.node.log;
        const lo = Math.max(la.snapshotIndex, lb.snapshotIndex) + 1;
        const hi = Math.min(la.lastIndex(), lb.lastIndex());
        let top = -1;
        for (let i = hi; i >= lo; i--) if (la.term(i) === lb.term(i)) { top = i; break; }
        for (let i = lo; i <= top; i++) {
          const ea = la.entry(i)!, eb = lb.entry(i)!;
          if (ea.term !== eb.term || Buffer.compare(Buffer.from(ea.data), Buffer.from(eb.data)) !== 0) {
            throw new SimFailure(`log matching: nodes ${live[a]!.id} and ${live[b]!.id} agree at ${top} but differ at ${i}`);
          }
        }
      }
    }
  }

  private converged(leader: SimHost): boolean {
    const members = leader.node.membership().members;
    // Everything ever committed must have reached every member.
    const target = Math.max(leader.node.commitIndex, this.maxCommitted);
    for (const m of members) {
      const h = this.hosts.get(m.id);
      if (!h || !h.alive || h.sm.applied < target) return false;
    }
    return true;
  }

  private checkExactlyOnce(leader: SimHost): void {
    for (const m of leader.node.membership().members) {
      const h = this.hosts.get(m.id)!;
      const count = new Map<number, number>();
      for (const op of h.sm.ops) count.set(op, (count.get(op) ?? 0) + 1);
      for (const [op, n] of count) if (n > 1) throw new SimFailure(`node ${h.id} applied op ${op} ${n} times`);
      for (const op of this.acked) {
        if (!count.has(op)) {
          const at = this.ackedAt.get(op);
          throw new SimFailure(`acknowledged op ${op} (index ${at}) is missing on node ${h.id} (applied ${h.sm.applied}, snapshot ${h.node.log.snapshotIndex}, committed there: ${at !== undefined ? JSON.stringify(this.committed.get(at)) : '?'}, node has ${at !== undefined ? JSON.stringify(h.node.log.entry(at) ?? null) : '?'})`);
        }
      }
    }
  }

  result(error: string | null): SimResult {
    return { seed: this.o.seed, ok: error === null, error, events: this.events, steps: this.steps, acked: this.acked.length, reads: this.readsChecked, trace: this.traceLines };
  }
}
