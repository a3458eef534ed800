import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RaftNode, nodeId, term, index, type Message } from '../src/index.js';
import { cluster, fixedRandom, voters } from './helpers.js';

test('the node whose timeout fires first wins the election, with pre-vote first', () => {
  const net = cluster(3);
  // Node 1 has the shortest randomised timeout (10 + 1 ticks).
  net.tick(12);
  assert.ok(net.node(1).isLeader);
  assert.is(net.node(1).currentTerm, 2);
  assert.is(net.node(2).leaderId, 1);
  assert.is(net.node(3).leaderId, 1);
  // Pre-vote happened before the real vote: the first vote messages carried preVote.
  const firstVotes = net.readies.get(nodeId(1))!.flatMap((r) => r.messages).filter((m) => m.type === 'vote');
  assert.ok(firstVotes[0] && (firstVotes[0] as Extract<Message, { type: 'vote' }>).preVote);
});

test('at most one leader per term, and a new leader appends a no-op of its term', () => {
  const net = cluster(5);
  net.tick(15);
  const leaders = [...net.nodes.values()].filter((n) => n.isLeader);
  assert.is(leaders.length, 1);
  const l = leaders[0]!;
  const last = l.log.entry(l.log.lastIndex())!;
  assert.is(last.type, 2);
  assert.is(last.term, l.currentTerm);
});

test('a partitioned node does not disrupt the cluster when it returns (pre-vote)', () => {
  const net = cluster(3);
  net.tick(12);
  const leaderTerm = net.node(1).currentTerm;
  net.isolate(3);
  net.tick(60);
  // Without pre-vote node 3 would have raised its term; with it, its term is unchanged.
  assert.is(net.node(3).currentTerm, leaderTerm);
  net.heal();
  net.tick(5);
  assert.ok(net.node(1).isLeader);
  assert.is(net.node(1).currentTerm, leaderTerm);
});

test('without pre-vote the returning node would disrupt: the test above can fail', () => {
  const net = cluster(3, { preVote: false });
  net.tick(12);
  const before = net.leader()!.currentTerm;
  net.isolate(3);
  net.tick(60);
  assert.ok(net.node(3).currentTerm > before);
});

test('check-quorum: a leader cut off from its majority steps down', () => {
  const net = cluster(3);
  net.tick(12);
  assert.ok(net.node(1).isLeader);
  net.isolate(1);
  net.tick(25, [1]);
  assert.not.ok(net.node(1).isLeader);
});

test('a vote is granted once per term, only to an up-to-date log, and sent only after it is durable', () => {
  const n = RaftNode.bootstrap({ id: nodeId(2), random: fixedRandom(), preVote: false }, voters(1, 2, 3));
  const ask = (from: number, lastIndex: number, lastTerm: number): Message =>
    ({ type: 'vote', from: nodeId(from), to: nodeId(2), term: term(5), preVote: false, lastIndex: index(lastIndex), lastTerm: term(lastTerm), transfer: false });
  n.step(ask(1, 1, 1));
  let rd = n.ready();
  assert.is(rd.messages.length, 0, 'held until the vote is persisted');
  assert.equal(rd.hardState?.vote, 1);
  n.persisted(rd.persistSeq);
  rd = n.ready();
  assert.equal(rd.messages.map((m) => m.type === 'vote-response' && m.granted), [true]);
  n.step(ask(3, 1, 1));
  rd = n.ready();
  if (rd.persistSeq) n.persisted(rd.persistSeq);
  const all = [...rd.messages, ...n.ready().messages];
  assert.equal(all.map((m) => m.type === 'vote-response' && m.granted), [false], 'second vote in the same term refused');
  const stale = RaftNode.bootstrap({ id: nodeId(2), random: fixedRandom(), preVote: false }, voters(1, 2, 3));
  stale.step({ type: 'vote', from: nodeId(1), to: nodeId(2), term: term(5), preVote: false, lastIndex: index(0), lastTerm: term(0), transfer: false });
  const r2 = stale.ready();
  stale.persisted(r2.persistSeq);
  assert.equal(stale.ready().messages.map((m) => m.type === 'vote-response' && m.granted), [false], 'candidate log behind ours');
});

test('a candidate counts its own vote only once it is durable', () => {
  const n = RaftNode.bootstrap({ id: nodeId(1), random: fixedRandom(), preVote: false, electionTicks: 10 }, voters(1));
  for (let i = 0; i < 10; i++) n.tick();
  assert.is(n.status().role, 'candidate');
  const rd = n.ready();
  assert.is(n.isLeader, false, 'not leader before the vote is persisted');
  n.persisted(rd.persistSeq);
  assert.is(n.isLeader, true);
});

test.run();
