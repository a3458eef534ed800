import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RaftNode, nodeId, term, index, EntryType, type Entry, type Message } from '../src/index.js';
import { cluster, fixedRandom, voters } from './helpers.js';

const data = (s: string) => Buffer.from(s);
const texts = (entries: Entry[]) => entries.filter((e) => e.type === EntryType.normal).map((e) => Buffer.from(e.data).toString());

test('proposals replicate, commit on a majority and apply in order on every node', () => {
  const net = cluster(3);
  net.tick(12);
  const l = net.node(1);
  for (const v of ['a', 'b', 'c']) assert.ok(l.propose(data(v)).ok);
  net.settle();
  assert.equal(texts(net.applied.get(nodeId(1))!), ['a', 'b', 'c']);
  // Followers learn the commit index with the next heartbeat.
  net.tick(2);
  for (const id of [1, 2, 3]) assert.equal(texts(net.applied.get(nodeId(id))!), ['a', 'b', 'c']);
});

test('followers refuse proposals and name the leader', () => {
  const net = cluster(3);
  net.tick(12);
  const r = net.node(2).propose(data('x'));
  assert.equal(r.ok ? null : [r.reason, r.leader], ['not-leader', 1]);
});

test('proposals in one turn travel together: one AppendEntries per follower', () => {
  const net = cluster(3);
  net.tick(12);
  const l = net.node(1);
  for (let i = 0; i < 50; i++) l.propose(data(`v${i}`));
  const rd = l.ready();
  const appends = rd.messages.filter((m) => m.type === 'append');
  assert.is(appends.length, 2);
  assert.is((appends[0] as Extract<Message, { type: 'append' }>).entries.length, 50);
});

test('a majority without the leader\'s own durability does not commit a single-node write', () => {
  const n = RaftNode.bootstrap({ id: nodeId(1), random: fixedRandom() }, voters(1));
  for (let i = 0; i < 20 && !n.isLeader; i++) { n.tick(); const rd = n.ready(); if (rd.persistSeq) n.persisted(rd.persistSeq); }
  assert.ok(n.isLeader);
  n.propose(data('x'));
  const rd = n.ready();
  assert.is(rd.committed.length, 0, 'not committed before the leader persisted it');
  n.persisted(rd.persistSeq);
  assert.equal(texts([...n.ready().committed]), ['x']);
});

test('a follower with a divergent suffix is repaired with term hints (fast back-off)', () => {
  // Follower 2 holds entries of an old term that the leader never had.
  const members = voters(1, 2, 3);
  const mk = (id: number, entries: [number, number][]) => new RaftNode(
    { id: nodeId(id), random: fixedRandom(id / 10), preVote: false },
    { hardState: { term: term(5), vote: nodeId(0), commit: index(1) }, snapshot: null,
      entries: [RaftNode.bootstrap({ id: nodeId(id), random: fixedRandom() }, members).log.entry(1)!, ...entries.map(([i, t]) => ({ index: index(i), term: term(t), type: EntryType.normal, data: data(`${i}@${t}`) }))] });
  const leader = mk(1, [[2, 2], [3, 2], [4, 5], [5, 5]]);
  const follower = mk(2, [[2, 2], [3, 3], [4, 3], [5, 3], [6, 3], [7, 3]]);
  const other = mk(3, [[2, 2], [3, 2], [4, 5]]);
  const nodes = new Map([[1, leader], [2, follower], [3, other]]);
  let rejects = 0;
  const pump = () => {
    for (let round = 0; round < 200; round++) {
      let moved = false;
      for (const n of nodes.values()) {
        while (n.hasReady()) {
          const rd = n.ready();
          if (rd.persistSeq) n.persisted(rd.persistSeq);
          for (const m of rd.messages) {
            if (m.type === 'append-response' && !m.success && m.hintIndex > 0) rejects++;
            nodes.get(m.to)!.step(m);
            moved = true;
          }
        }
      }
      if (!moved) return;
    }
  };
  for (let i = 0; i < 20 && !leader.isLeader; i++) { leader.tick(); pump(); }
  assert.ok(leader.isLeader);
  pump();
  for (let i = 0; i < 10; i++) { leader.tick(); pump(); }
  assert.is(follower.log.lastIndex(), leader.log.lastIndex());
  for (let i = 2; i <= leader.log.lastIndex(); i++) assert.is(follower.log.term(i), leader.log.term(i), `index ${i}`);
  assert.ok(rejects <= 3, `back-off took ${rejects} rejections`);
});

test('an entry from an earlier term is not committed by counting replicas (5.4.2, figure 8)', () => {
  const members = voters(1, 2, 3, 4, 5);
  const boot = RaftNode.bootstrap({ id: nodeId(1), random: fixedRandom() }, members).log.entry(1)!;
  const old = { index: index(2), term: term(2), type: EntryType.normal, data: data('from term 2') };
  const n = new RaftNode({ id: nodeId(1), random: fixedRandom(), preVote: false },
    { hardState: { term: term(3), vote: nodeId(0), commit: index(1) }, snapshot: null, entries: [boot, old] });
  for (let i = 0; i < 20 && n.status().role !== 'candidate'; i++) n.tick();
  let rd = n.ready();
  n.persisted(rd.persistSeq);
  for (const v of [2, 3]) n.step({ type: 'vote-response', from: nodeId(v), to: nodeId(1), term: term(4), preVote: false, granted: true });
  assert.ok(n.isLeader);
  assert.is(n.currentTerm, 4);
  rd = n.ready();
  n.persisted(rd.persistSeq);
  const ack = (from: number, match: number) =>
    n.step({ type: 'append-response', from: nodeId(from), to: nodeId(1), term: term(4), success: true, matchIndex: index(match), hintIndex: index(0), hintTerm: term(0) });
  ack(2, 2);
  ack(3, 2);
  assert.is(n.commitIndex, 1, 'index 2 (term 2) is on a majority but must not commit by counting');
  ack(2, 3);
  ack(3, 3);
  assert.is(n.commitIndex, 3, 'the no-op of term 4 commits, and index 2 with it');
});

test('learners join, catch up, are promoted, and a node can be removed', () => {
  const net = cluster(3);
  net.tick(12);
  const l = net.node(1);
  net.add(new RaftNode({ id: nodeId(4), random: fixedRandom(0.5) }));
  assert.ok(l.proposeConfChange({ kind: 'add-learner', id: nodeId(4), addr: 'n4' }).ok);
  assert.equal(l.proposeConfChange({ kind: 'remove', id: nodeId(2) }).ok ? 'ok' : 'refused', 'refused', 'one change at a time');
  l.propose(data('after-join'));
  net.tick(6);
  assert.ok(net.node(4).membership().isVoter(nodeId(4)), 'promoted once caught up');
  assert.equal(texts(net.applied.get(nodeId(4))!), ['after-join']);
  assert.ok(l.proposeConfChange({ kind: 'remove', id: nodeId(2) }).ok);
  net.tick(4);
  assert.equal(l.membership().voters, [1, 3, 4]);
  assert.equal(l.proposeConfChange({ kind: 'remove', id: nodeId(9) }).ok ? '' : (l.proposeConfChange({ kind: 'remove', id: nodeId(9) }) as { message: string }).message, 'node id does not exist');
});

test('removing the leader: it hands leadership over first, and the new leader removes it', () => {
  const net = cluster(3);
  net.tick(12);
  const r = net.node(1).proposeConfChange({ kind: 'remove', id: nodeId(1) });
  assert.equal(r.ok ? null : r.reason, 'transferring');
  net.settle();
  const heir = net.leader();
  assert.ok(heir && heir.id !== nodeId(1), 'another node leads');
  assert.ok(heir!.proposeConfChange({ kind: 'remove', id: nodeId(1) }).ok);
  net.tick(4);
  assert.equal(heir!.membership().voters, [2, 3]);
  assert.not.ok(net.node(1).isLeader);
});

test('leadership transfer with TimeoutNow', () => {
  const net = cluster(3);
  net.tick(12);
  assert.ok(net.node(1).transferLeadership(nodeId(3)).ok);
  net.settle();
  assert.ok(net.node(3).isLeader);
  assert.not.ok(net.node(1).isLeader);
});

test('ReadIndex: reads wait for one heartbeat round, shared by all reads of the batch', () => {
  const net = cluster(3);
  net.tick(12);
  const l = net.node(1);
  l.propose(data('w'));
  net.settle();
  assert.ok(l.readIndex(1));
  assert.ok(l.readIndex(2));
  const rd = l.ready();
  assert.is(rd.readStates.length, 0, 'not before a quorum confirmed leadership');
  assert.is(rd.messages.filter((m) => m.type === 'heartbeat').length, 2, 'one round for both reads');
  for (const m of rd.messages) net.nodes.get(m.to)!.step(m);
  net.settle();
  const states = net.readies.get(nodeId(1))!.flatMap((r) => r.readStates);
  assert.equal(states.map((s) => s.requestId).sort(), [1, 2]);
  assert.ok(states.every((s) => s.index === l.commitIndex));
  assert.not.ok(net.node(2).readIndex(3), 'followers do not serve read index');
});

test('a leader cut off from its majority cannot confirm reads; they fail when it steps down', () => {
  const net = cluster(3);
  net.tick(12);
  const l = net.node(1);
  net.isolate(1);
  l.readIndex(7);
  net.tick(25, [1]);
  const all = net.readies.get(nodeId(1))!;
  assert.is(all.flatMap((r) => r.readStates).length, 0);
  assert.equal(all.flatMap((r) => r.failedReads), [7]);
});

test('compaction and snapshot install for a follower that fell behind', () => {
  const net = cluster(3);
  net.tick(12);
  const l = net.node(1);
  net.isolate(3);
  for (let i = 0; i < 30; i++) l.propose(data(`v${i}`));
  net.tick(2, [1, 2]);
  l.compact(l.commitIndex);
  assert.is(l.log.snapshotIndex, l.commitIndex);
  net.heal();
  net.tick(4);
  const installed = net.readies.get(nodeId(3))!.map((r) => r.snapshot).filter(Boolean);
  assert.is(installed.length, 1);
  assert.is(installed[0]!.index, l.log.snapshotIndex);
  assert.is(net.node(3).commitIndex, l.commitIndex);
  l.propose(data('after'));
  net.tick(2);
  assert.equal(texts(net.applied.get(nodeId(3))!).slice(-1), ['after']);
});

test.run();
