// Peer frames: what the encoder writes decodes back to the same message;
// malformed frames are refused with PeerMessageError naming the problem.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeLogRecords } from '@redisraft-wasm/wasm';
import { EntryType, encodeConfChange, index as idx, nodeId, term as trm, type Message } from '@redisraft-wasm/raft';
import { PeerMessageError, decodePeerMessage, encodePeerMessage, encodeSnapshotChunk } from '../src/cluster/peer-codec.js';

const FROM = { addr: '127.0.0.1:5001', dbid: 'a'.repeat(32) };
const env = { from: nodeId(1), to: nodeId(2), term: trm(5) };

function refused(argv: Buffer[], pattern: RegExp): void {
  try {
    decodePeerMessage(argv);
  } catch (e) {
    assert.instance(e, PeerMessageError);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`accepted ${argv.map(String).join(' ')}`);
}

const frame = (command: string, header: unknown, ...rest: Buffer[]) => [Buffer.from(command), Buffer.from(JSON.stringify(header)), ...rest];

test('every message type round-trips through the encoder', () => {
  const entries = [
    { index: idx(4), term: trm(4), type: EntryType.normal, data: Buffer.from('x') },
    { index: idx(5), term: trm(5), type: EntryType.config, data: Buffer.from(encodeConfChange({ kind: 'add-learner', id: nodeId(3), addr: 'h:1' })) },
  ];
  const messages: Message[] = [
    { ...env, type: 'append', prevIndex: idx(3), prevTerm: trm(3), entries, commit: idx(3) },
    { ...env, type: 'append-response', success: false, matchIndex: idx(0), hintIndex: idx(2), hintTerm: trm(1) },
    { ...env, type: 'heartbeat', commit: idx(9), readRound: 2 },
    { ...env, type: 'heartbeat-response', readRound: 2 },
    { ...env, type: 'vote', preVote: true, lastIndex: idx(9), lastTerm: trm(4), transfer: false },
    { ...env, type: 'vote-response', preVote: false, granted: true },
    { ...env, type: 'snapshot-response', success: true, matchIndex: idx(9) },
    { ...env, type: 'timeout-now' },
  ];
  for (const m of messages) {
    const d = decodePeerMessage(encodePeerMessage(m, FROM));
    assert.equal(JSON.parse(JSON.stringify(d.msg)), JSON.parse(JSON.stringify(m)), m.type);
    assert.is(d.fromAddr, FROM.addr);
    assert.is(d.dbid, FROM.dbid);
  }
  const snap: Message = { ...env, type: 'snapshot', snapshot: { index: idx(9), term: trm(4), members: [{ id: nodeId(1), voter: true, addr: 'h:1' }] } };
  const d = decodePeerMessage(encodeSnapshotChunk(snap, FROM, { offset: 0, size: 3, last: true }, Buffer.from('abc')));
  assert.equal(d.msg, snap);
  assert.equal(d.chunk, { offset: 0, size: 3, last: true, data: Buffer.from('abc') });
});

test('the decoded message holds the checked fields only', () => {
  const d = decodePeerMessage(frame('RAFT.AE', { ...env, type: 'heartbeat', commit: 1, readRound: 0, evil: { nested: true } }));
  assert.equal(Object.keys(d.msg).sort(), ['commit', 'from', 'readRound', 'term', 'to', 'type']);
});

test('malformed headers are refused, naming the field', () => {
  const hb = { ...env, type: 'heartbeat', commit: 0, readRound: 0 };
  refused([Buffer.from('RAFT.AE'), Buffer.from('{not json')], /header is not JSON/);
  refused(frame('RAFT.AE', [1, 2]), /not a JSON object/);
  refused(frame('RAFT.AE', { ...hb, type: 'gossip' }), /unknown message type "gossip"/);
  refused(frame('RAFT.AE', { ...hb, term: '5' }), /field 'term' must be a non-negative integer/);
  refused(frame('RAFT.AE', { ...hb, term: -1 }), /field 'term'/);
  refused(frame('RAFT.AE', { ...hb, term: 2 ** 60 }), /field 'term'/);
  refused(frame('RAFT.AE', { ...hb, from: 0 }), /field 'from' must be a node id/);
  refused(frame('RAFT.AE', { ...hb, to: 2 ** 32 }), /field 'to' must be a node id/);
  const { readRound: _r, ...noRound } = hb;
  refused(frame('RAFT.AE', noRound), /field 'readRound'/);
  refused(frame('RAFT.REQUESTVOTE', { ...env, type: 'vote', preVote: 'yes', lastIndex: 0, lastTerm: 0, transfer: false }), /field 'preVote' must be true or false/);
  refused(frame('RAFT.AE', { ...hb, fromAddr: 7 }), /field 'fromAddr' must be a string/);
  refused(frame('RAFT.REQUESTVOTE', hb), /a 'heartbeat' message cannot travel as RAFT.REQUESTVOTE/);
  refused(frame('RAFT.SNAPSHOT', { ...env, type: 'snapshot', snapshot: { index: 1, term: 1, members: {} }, chunk: { offset: 0, size: 1, last: true } }), /snapshot.members/);
});

test('entries must be intact, numbered on from prevIndex, with terms in order', () => {
  const ae = { ...env, type: 'append', prevIndex: 3, prevTerm: 3, commit: 0 };
  const blob = (...es: [number, number, number?, Buffer?][]) =>
    encodeLogRecords(es.map(([index, term, type = 0, payload = Buffer.from('x')]) => ({ index, term, type, payload })));
  assert.is(decodePeerMessage(frame('RAFT.AE', ae, blob([4, 3], [5, 5]))).msg.type, 'append');
  refused(frame('RAFT.AE', ae, blob([5, 3])), /entry 0 has index 5, expected 4/);
  refused(frame('RAFT.AE', ae, blob([4, 2])), /entry 4 has term 2, outside 3\.\.5/);
  refused(frame('RAFT.AE', ae, blob([4, 6])), /entry 4 has term 6/);
  refused(frame('RAFT.AE', ae, blob([4, 4], [5, 3])), /entry 5 has term 3/);
  refused(frame('RAFT.AE', ae, blob([4, 3, 9])), /unknown type 9/);
  refused(frame('RAFT.AE', ae, blob([4, 3, EntryType.config, Buffer.from('{"kind":"steal"}')])), /not a readable configuration change/);
  const damaged = Buffer.from(blob([4, 3]));
  damaged[damaged.length - 1]! ^= 0xff;
  refused(frame('RAFT.AE', ae, damaged), /damaged in transit/);
});

test('a snapshot chunk must fit in its file', () => {
  const snap = { ...env, type: 'snapshot', snapshot: { index: 1, term: 1, members: [] } };
  refused(frame('RAFT.SNAPSHOT', snap, Buffer.from('abc')), /field 'chunk' must be an object/);
  refused(frame('RAFT.SNAPSHOT', { ...snap, chunk: { offset: 2, size: 4, last: true } }, Buffer.from('abc')), /overruns the file's 4 bytes/);
  refused(frame('RAFT.SNAPSHOT', { ...snap, chunk: { offset: 0, size: 4, last: 1 } }, Buffer.from('abc')), /field 'last'/);
});

test.run();
