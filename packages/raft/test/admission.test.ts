import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RaftNode, nodeId, term, index, type Message } from '../src/index.js';
import { cluster, fixedRandom } from './helpers.js';

const FAR = term(1e12);
const STRANGER = nodeId(999);

function strangerMessages(to: number): Message[] {
  const env = { from: STRANGER, to: nodeId(to), term: FAR };
  return [
    { ...env, type: 'vote', preVote: false, lastIndex: index(1e9), lastTerm: FAR, transfer: true },
    { ...env, type: 'vote', preVote: true, lastIndex: index(1e9), lastTerm: FAR, transfer: false },
    { ...env, type: 'heartbeat', commit: index(0), readRound: 0 },
    { ...env, type: 'append', prevIndex: index(0), prevTerm: term(0), entries: [], commit: index(0) },
    { ...env, type: 'append-response', success: true, matchIndex: index(1), hintIndex: index(0), hintTerm: term(0) },
    { ...env, type: 'vote-response', preVote: false, granted: true },
    { ...env, type: 'timeout-now' },
  ];
}

test('a stranger with a far-future term moves no term while the cluster has a live leader', () => {
  const net = cluster(3);
  net.tick(12);
  const leader = net.leader()!;
  const terms = [1, 2, 3].map((i) => net.node(i).currentTerm);
  for (const i of [1, 2, 3]) {
    for (const m of strangerMessages(i)) {
      assert.type(net.node(i).admits(m), 'string', `${m.type} to ${i} is refused`);
      net.node(i).step(m);
    }
  }
  net.settle();
  assert.equal([1, 2, 3].map((i) => net.node(i).currentTerm), terms);
  assert.ok(leader.isLeader);
  assert.ok(net.queue.every((m) => m.to !== STRANGER), 'nothing is answered to the stranger');
});

test('members are admitted: a learner answers the leader, voters ask for votes', () => {
  const net = cluster(3);
  net.tick(12);
  const l = net.node(1);
  net.add(new RaftNode({ id: nodeId(4), random: fixedRandom(0.5) }));
  assert.ok(l.proposeConfChange({ kind: 'add-learner', id: nodeId(4), addr: 'n4' }).ok);
  const fromLearner: Message = { type: 'append-response', from: nodeId(4), to: nodeId(1), term: l.currentTerm, success: false, matchIndex: index(0), hintIndex: index(1), hintTerm: term(0) };
  assert.is(l.admits(fromLearner), null, 'the leader hears the node it is adding');
  const vote: Message = { type: 'vote', from: nodeId(2), to: nodeId(3), term: term(l.currentTerm + 1), preVote: true, lastIndex: index(9), lastTerm: l.currentTerm, transfer: false };
  assert.is(net.node(3).admits(vote), null);
  const learnerVote: Message = { ...vote, from: nodeId(4) };
  assert.type(l.admits(learnerVote), 'string', 'a learner cannot campaign');
  net.tick(6);
  assert.ok(l.membership().isVoter(nodeId(4)));
});

test('a node with no configuration yet (joining) hears whoever leads', () => {
  const joining = new RaftNode({ id: nodeId(4), random: fixedRandom(0.5) });
  const hb: Message = { type: 'heartbeat', from: nodeId(1), to: nodeId(4), term: term(7), commit: index(0), readRound: 0 };
  assert.is(joining.admits(hb), null);
  joining.step(hb);
  assert.is(joining.currentTerm, 7);
  assert.is(joining.leaderId, 1);
});

test('a follower that missed the entries adding the current leader is still caught up by it', () => {
  const net = cluster(3);
  net.tick(12);
  const l = net.node(1);
  net.isolate(3);
  net.add(new RaftNode({ id: nodeId(4), random: fixedRandom(0.5), electionTicks: 10, heartbeatTicks: 2 }));
  assert.ok(l.proposeConfChange({ kind: 'add-learner', id: nodeId(4), addr: 'n4' }).ok);
  net.tick(6, [1, 2, 4]);
  assert.ok(l.membership().isVoter(nodeId(4)), 'node 4 was promoted without node 3');
  assert.ok(l.transferLeadership(nodeId(4)).ok);
  net.settle();
  const newLeader = net.node(4);
  assert.ok(newLeader.isLeader);
  assert.not.ok(net.node(3).membership().has(nodeId(4)), 'node 3 has not heard of node 4');
  // Back on the network, node 3 refuses the stranger until it has heard from no leader for an
  // election timeout; then node 4 is let in and catches it up (the config entries included).
  net.heal();
  net.tick(20);
  assert.ok(newLeader.isLeader);
  assert.is(net.node(3).leaderId, 4);
  assert.ok(net.node(3).membership().isVoter(nodeId(4)));
  assert.is(net.node(3).commitIndex, newLeader.commitIndex);
});

test.run();
