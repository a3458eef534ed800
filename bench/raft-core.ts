// Proposals committed per second by a 3-node cluster of the pure Raft core
// on an in-memory network (writes durable at once), with batching on (many
// proposals per Ready cycle) and off (one proposal per cycle).
//   node --import tsx bench/raft-core.ts [--seconds 3] [--size 100]
import { RaftNode, nodeId, type Message, type NodeId } from '../packages/raft/src/index.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const SECONDS = arg('--seconds', 3);
const SIZE = arg('--size', 100);

function makeCluster(): Map<NodeId, RaftNode> {
  const members = [1, 2, 3].map((i) => ({ id: nodeId(i), voter: true, addr: `n${i}` }));
  const nodes = new Map<NodeId, RaftNode>();
  for (const m of members) nodes.set(m.id, RaftNode.bootstrap({ id: m.id, random: () => (m.id === 1 ? 0 : 0.9), maxEntriesPerMsg: 4096, maxBytesPerMsg: 8 << 20, maxUncommittedEntries: 1 << 20 }, members));
  return nodes;
}

/** Runs Ready cycles until quiet; returns entries applied on node 1. */
function pump(nodes: Map<NodeId, RaftNode>): number {
  let applied = 0;
  for (let moved = true; moved;) {
    moved = false;
    const inbox: Message[] = [];
    for (const n of nodes.values()) {
      if (!n.hasReady()) continue;
      moved = true;
      const rd = n.ready();
      if (n.id === 1) applied += rd.committed.length;
      inbox.push(...rd.messages);
      if (rd.persistSeq) n.persisted(rd.persistSeq);
    }
    for (const m of inbox) nodes.get(m.to)!.step(m);
  }
  return applied;
}

function run(batch: number): { perSec: number; committed: number } {
  const nodes = makeCluster();
  const leader = nodes.get(nodeId(1))!;
  for (let i = 0; i < 30 && !leader.isLeader; i++) { for (const n of nodes.values()) n.tick(); pump(nodes); }
  if (!leader.isLeader) throw new Error('no leader');
  pump(nodes);
  const payload = new Uint8Array(SIZE);
  let committed = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(SECONDS * 1e9);
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < batch; i++) leader.propose(payload);
    committed += pump(nodes);
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSec: committed / secs, committed };
}

console.log(`3-node pure Raft core, in-memory network, ${SIZE}-byte proposals, ${SECONDS} s each\n`);
console.log('proposals per cycle'.padEnd(22) + 'committed/s'.padStart(14));
const results: [string, number][] = [];
for (const [label, batch] of [['1 (batching off)', 1], ['16', 16], ['256', 256], ['4096', 4096]] as const) {
  const r = run(batch);
  results.push([label, r.perSec]);
  console.log(label.padEnd(22) + Math.round(r.perSec).toLocaleString('en-US').padStart(14));
}
console.log(`\nbatching speed-up (4096 vs 1): ${(results[3]![1] / results[0]![1]).toFixed(1)}x`);
