// The Raft host installs a leader's snapshot only when the core's Ready says
// so. Forces the interleaving that once applied entries twice: our own
// snapshot is being written, so the install waits; meanwhile the term rises,
// so the core drops the (now stale) snapshot message; then a new leader
// sends the entries the snapshot would have covered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EntryType, encodeConfChange, index as idx, nodeId, term as trm,
  type Entry, type InstallSnapshot, type Message,
} from '@redisraft-wasm/raft';
import { Store } from '@redisraft-wasm/store';
import { NodeConfig } from '../src/config/index.js';
import { createLogger } from '../src/logger.js';
import { RaftHost } from '../src/cluster/raft-host.js';
import { encodeEntryPayload } from '../src/cluster/entry-payload.js';
import { encodePeerMessage, encodeSnapshotChunk } from '../src/cluster/peer-codec.js';
import { writeSnapshot } from '../src/persistence/rdb-snapshot.js';

const DBID = 'ef'.repeat(16);
const members = [1, 2, 3].map((i) => ({ id: nodeId(i), voter: true, addr: `127.0.0.1:${i}` }));
const incr = (i: number, t: number): Entry => ({
  index: idx(i), term: trm(t), type: EntryType.normal,
  data: encodeEntryPayload({ timeMs: 1000 + i, seed: i, commands: [[Buffer.from('INCR'), Buffer.from('x')]], watches: [] }),
});
const from = (id: number) => ({ addr: `127.0.0.1:${id}`, dbid: DBID });

async function until(what: string, cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('a snapshot message the core drops (the term rose while our own snapshot was written) changes nothing; no entry is applied twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rrw-install-'));
  const config = new NodeConfig();
  for (const [k, v] of [['dir', dir], ['raft-log-fsync', 'no'], ['reconnect-interval', '60000']]) config.set(k!, v!);
  const store = new Store();
  const host = new RaftHost(config, store, createLogger('warning', '', 'test'), () => 0);
  const get = () => store.execute([Buffer.from('GET'), Buffer.from('x')], { nowMs: 2000, seed: 0, readOnly: true });
  try {
    host.prepareJoin(nodeId(2));
    host.joined(DBID);
    const send = (m: Message) => host.receive(encodePeerMessage(m, from(m.from)), 'test');
    // Leader 1, term 2: the cluster's first entries (members 1-3, then x incremented 4 times), all committed.
    const bootstrap: Entry = { index: idx(1), term: trm(2), type: EntryType.config, data: encodeConfChange({ kind: 'bootstrap', id: nodeId(1), members }) };
    send({ type: 'append', from: nodeId(1), to: nodeId(2), term: trm(2), prevIndex: idx(0), prevTerm: trm(0), entries: [bootstrap, incr(2, 2), incr(3, 2), incr(4, 2), incr(5, 2)], commit: idx(5) });
    await until('entries 1-5 applied', () => host.appliedIndex === 5);
    assert.equal(get(), { kind: 'bulk', value: Buffer.from('4') });

    // Leader 1's snapshot at index 8, whose store says x=100.
    const theirs = new Store();
    theirs.execute([Buffer.from('SET'), Buffer.from('x'), Buffer.from('100')], { nowMs: 1, seed: 1 });
    const snapPath = join(dir, 'theirs.rdb');
    const meta = { index: idx(8), term: trm(2), members };
    await writeSnapshot(snapPath, theirs.beginSnapshot(), { dbid: DBID, ...meta }, { sync: false, redisVersion: '7.0.15' });
    const bytes = readFileSync(snapPath);
    // Our own snapshot is being written when leader 1 streams that snapshot: its install has to wait.
    const own = host.takeSnapshot();
    assert.ok(host.snapshotInProgress);
    const m: InstallSnapshot = { type: 'snapshot', from: nodeId(1), to: nodeId(2), term: trm(2), snapshot: meta };
    host.receive(encodeSnapshotChunk(m, from(1), { offset: 0, size: bytes.length, last: true }, bytes), 'test');
    // Node 3 takes over in term 3 (a transfer: no lease stops the vote).
    send({ type: 'vote', from: nodeId(3), to: nodeId(2), term: trm(3), preVote: false, lastIndex: idx(5), lastTerm: trm(2), transfer: true });
    await until('term 3', () => host.node!.hardState().term === 3);
    assert.equal(await own, { kind: 'status', value: 'OK' });
    await new Promise((r) => setTimeout(r, 20));
    // The core dropped the stale message: the store must not hold its contents.
    assert.equal(get(), { kind: 'bulk', value: Buffer.from('4') }, 'the dropped snapshot was not loaded');
    assert.is(host.appliedIndex, 5);
    assert.not.ok(readdirSync(dir).some((f) => f.endsWith('.recv')), 'its file is gone');

    // Leader 3 sends entries 6-10 (x incremented 5 more times): each applies exactly once.
    send({ type: 'append', from: nodeId(3), to: nodeId(2), term: trm(3), prevIndex: idx(5), prevTerm: trm(2), entries: [6, 7, 8, 9, 10].map((i) => incr(i, 3)), commit: idx(10) });
    await until('entries 6-10 applied', () => host.appliedIndex === 10);
    assert.equal(get(), { kind: 'bulk', value: Buffer.from('9') });
  } finally {
    host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
