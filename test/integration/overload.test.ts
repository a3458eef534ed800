// Overload is a fault to survive: bursts of pipelined writes larger than the
// uncommitted tail the Raft core allows get back-pressure (socket reads
// paused, replies slower), never an error Redis would not send, and the
// leader keeps its term.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findLeader, raftInfo, startCluster } from './lib/cluster.js';
import { RawClient } from './lib/raw-client.js';
import type { NodeProcess } from './lib/node-process.js';

const started: NodeProcess[] = [];
test.after.each(async () => { await Promise.all(started.splice(0).map((n) => n.stop('SIGKILL'))); });

/** The replies to `count` SET/GET pairs of key:i -> i, as Redis sends them. */
function expectedPairs(count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(`+OK\r\n$${String(i).length}\r\n${i}\r\n`);
  return parts.join('');
}

test("Redis's PIPELINING stresser on a 3-node cluster: 100,000 inline SET/GET pairs in one write, every reply right, no term change", async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const term = (await raftInfo(leader)).current_term;
  const c = await RawClient.open(leader.port);
  const count = 100_000;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(`SET key:${i} ${i}\r\nGET key:${i}\r\n`);
  c.send(lines.join(''));
  const want = expectedPairs(count);
  const got = await c.read(want.length, 120_000);
  assert.ok(got === want, `replies differ from the first mismatch: ${JSON.stringify(got.slice(firstDiff(got, want), firstDiff(got, want) + 80))}`);
  c.socket.destroy();
  for (const n of nodes) assert.is((await raftInfo(n)).current_term, term, `node ${n.port} saw no new term`);
});

test('five clients each pipelining 20,000 writes at once (12 times the uncommitted tail): all acknowledged, in order, none refused', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const term = (await raftInfo(leader)).current_term;
  const clients = await Promise.all(Array.from({ length: 5 }, () => RawClient.open(leader.port)));
  const per = 20_000;
  clients.forEach((c, k) => {
    const lines: string[] = [];
    for (let i = 0; i < per; i++) lines.push(`RPUSH list:${k} ${i}\r\n`);
    c.send(lines.join(''));
  });
  for (const c of clients) {
    const parts: string[] = [];
    for (let i = 1; i <= per; i++) parts.push(`:${i}\r\n`);
    const want = parts.join('');
    const got = await c.read(want.length, 120_000);
    assert.ok(got === want, `a client's replies differ at ${firstDiff(got, want)}: ${JSON.stringify(got.slice(firstDiff(got, want), firstDiff(got, want) + 60))}`);
    c.socket.destroy();
  }
  const r = leader.client();
  for (let k = 0; k < 5; k++) assert.is(await r.llen(`list:${k}`), per);
  assert.equal(await r.lrange('list:3', 0, 2), ['0', '1', '2']);
  assert.is((await raftInfo(leader)).current_term, term);
});

function firstDiff(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

test.run();
