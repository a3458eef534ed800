// A tiny deterministic harness for unit tests: nodes wired by hand, every
// write durable at once, messages delivered only when the test says so.
import { RaftNode, nodeId, type Message, type NodeId, type Ready, type MemberInfo, type Entry } from '../src/index.js';

export const ids = (...n: number[]) => n.map(nodeId);

export function voters(...n: number[]): MemberInfo[] {
  return n.map((i) => ({ id: nodeId(i), voter: true, addr: `n${i}` }));
}

/** Random source that always answers the same, so election timeouts are exactly electionTicks + k. */
export const fixedRandom = (v = 0) => () => v;

export class Net {
  readonly nodes = new Map<NodeId, RaftNode>();
  readonly applied = new Map<NodeId, Entry[]>();
  queue: Message[] = [];
  /** Dropped directions "from-to". */
  readonly cut = new Set<string>();
  readonly readies = new Map<NodeId, Ready[]>();

  add(node: RaftNode): RaftNode {
    this.nodes.set(node.id, node);
    this.applied.set(node.id, []);
    this.readies.set(node.id, []);
    return node;
  }

  node(i: number): RaftNode {
    return this.nodes.get(nodeId(i))!;
  }

  /** Processes readies: persists at once, queues messages, records applied entries. */
  flushReadies(): void {
    let again = true;
    while (again) {
      again = false;
      for (const n of this.nodes.values()) {
        while (n.hasReady()) {
          again = true;
          const rd = n.ready();
          this.readies.get(n.id)!.push(rd);
          this.applied.get(n.id)!.push(...rd.committed);
          for (const m of rd.messages) if (!this.cut.has(`${m.from}-${m.to}`)) this.queue.push(m);
          if (rd.persistSeq) n.persisted(rd.persistSeq);
        }
      }
    }
  }

  /** Delivers everything until the network is quiet. */
  settle(maxRounds = 1000): void {
    for (let i = 0; i < maxRounds; i++) {
      this.flushReadies();
      if (this.queue.length === 0) return;
      const q = this.queue;
      this.queue = [];
      for (const m of q) this.nodes.get(m.to)?.step(m);
    }
    throw new Error('network did not settle');
  }

  tick(n: number, only?: number[]): void {
    for (let i = 0; i < n; i++) {
      for (const node of this.nodes.values()) if (!only || only.includes(node.id)) node.tick();
      this.settle();
    }
  }

  isolate(i: number): void {
    for (const other of this.nodes.keys()) {
      if (other !== i) { this.cut.add(`${i}-${other}`); this.cut.add(`${other}-${i}`); }
    }
  }

  heal(): void {
    this.cut.clear();
  }

  leader(): RaftNode | undefined {
    return [...this.nodes.values()].find((n) => n.isLeader);
  }
}

export function cluster(n: number, opts: { preVote?: boolean; checkQuorum?: boolean } = {}): Net {
  const net = new Net();
  const members = voters(...Array.from({ length: n }, (_, i) => i + 1));
  for (const m of members) {
    net.add(RaftNode.bootstrap({ id: m.id, random: fixedRandom(m.id / 10), electionTicks: 10, heartbeatTicks: 2, ...opts }, members));
  }
  return net;
}
