// Nodes survive restarts and crashes: real processes, real files, SIGKILL.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startNode, tempDir, runCli, freePort, type NodeProcess } from './lib/node-process.js';
import { findLeader, nodeArgs, raftInfo, startCluster, waitFor } from './lib/cluster.js';

const test = suite('durability');
const started: NodeProcess[] = [];
const dirs: string[] = [];
const newDir = () => { const d = tempDir('rrw-dur-'); dirs.push(d); return d; };
test.after.each(async () => { await Promise.all(started.splice(0).map((n) => n.stop('SIGKILL'))); });
test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const digest = (dir: string) =>
  readdirSync(dir).sort().map((f) => `${f}:${createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')}`).join('\n');

/** Reads a node's own copy of keys (explicit mode: no redirect, no ReadIndex). */
async function localValues(n: NodeProcess, keys: string[]): Promise<(string | null)[]> {
  const r = n.client();
  try {
    await r.call('RAFT.CONFIG', 'SET', 'raftize-all-commands', 'no');
    const out: (string | null)[] = [];
    for (let i = 0; i < keys.length; i += 1000) out.push(...(await r.mget(...keys.slice(i, i + 1000))));
    await r.call('RAFT.CONFIG', 'SET', 'raftize-all-commands', 'yes');
    return out;
  } finally {
    r.disconnect();
  }
}

for (const fsync of ['yes', 'no']) {
  test(`a single node comes back from SIGKILL with every acknowledged write, its id and its dbid (raft-log-fsync ${fsync})`, async () => {
    const dir = newDir();
    const port = await freePort();
    const args = ['--dir', dir, '--raft-log-fsync', fsync];
    let n = await startNode(args, port);
    started.push(n);
    const dbid = String(await n.client().call('RAFT.CLUSTER', 'INIT')).slice(3);
    const r = n.client();
    const p = r.pipeline();
    for (let i = 0; i < 2000; i++) p.set(`k${i}`, `v${i}`);
    p.rpush('list', 'a', 'b', 'c');
    p.incrby('counter', 7);
    await p.exec();
    const before = await raftInfo(n);
    await n.stop('SIGKILL');
    n = await startNode(args, port);
    started.push(n);
    assert.match(n.output(), /recovered node \d+ of cluster [0-9a-f]{32}/);
    const after = await waitFor('the node to lead again', async () => { const i = await raftInfo(n); return i.role === 'leader' ? i : null; });
    assert.is(after.node_id, before.node_id);
    assert.is(after.dbid, dbid);
    const c = n.client();
    assert.is(await c.get('k1999'), 'v1999');
    assert.is(await c.dbsize(), 2002);
    assert.equal(await c.lrange('list', 0, -1), ['a', 'b', 'c']);
    assert.is(await c.incr('counter'), 8);
  });
}

test('persistence no: no file is created and a restarted node comes back uninitialized', async () => {
  const dir = newDir();
  const port = await freePort();
  let n = await startNode(['--dir', dir, 'persistence=no'], port);
  started.push(n);
  await n.client().call('RAFT.CLUSTER', 'INIT');
  await n.client().set('k', 'v');
  assert.equal(readdirSync(dir), []);
  await n.stop('SIGKILL');
  n = await startNode(['--dir', dir, 'persistence=no'], port);
  started.push(n);
  assert.is((await raftInfo(n)).state, 'uninitialized');
  assert.equal(readdirSync(dir), []);
});

test('a damaged log stops the start: exit 1, a message naming file, offset and remedy, and no file changed', async () => {
  const dir = newDir();
  const port = await freePort();
  const n = await startNode(['--dir', dir], port);
  await n.client().call('RAFT.CLUSTER', 'INIT');
  for (let i = 0; i < 50; i++) await n.client().set(`k${i}`, 'x'.repeat(100));
  await n.stop('SIGTERM');
  const log = join(dir, 'redisraft.db');
  const buf = readFileSync(log);
  buf[Math.floor(buf.length / 2)] ^= 0x5a;
  writeFileSync(log, buf);
  const before = digest(dir);
  const r = runCli(['server', '--port', String(port), '--dir', dir]);
  assert.is(r.code, 1);
  const out = r.stdout + r.stderr;
  assert.match(out, new RegExp(`cannot start from ${log.replace(/[.]/g, '\\.')}: record at offset \\d+ fails its CRC32C check`));
  assert.match(out, /Remedy: .*RAFT\.NODE REMOVE \d+.*RAFT\.CLUSTER JOIN/);
  assert.is(digest(dir), before);
  const check = runCli(['check-log', log]);
  assert.is(check.code, 1);
  assert.match(check.stdout, /DAMAGED: .* at offset \d+: record at offset \d+ fails its CRC32C check/);
});

test('a torn tail from a crash mid-append is cut with a warning and the node starts', async () => {
  const dir = newDir();
  const port = await freePort();
  let n = await startNode(['--dir', dir], port);
  started.push(n);
  await n.client().call('RAFT.CLUSTER', 'INIT');
  await n.client().set('kept', 'yes');
  await n.stop('SIGKILL');
  const log = join(dir, 'redisraft.db');
  writeFileSync(log, Buffer.concat([readFileSync(log), Buffer.from([40, 0, 0, 0, 0, 1, 0, 0, 9, 9])]));
  n = await startNode(['--dir', dir], port);
  started.push(n);
  assert.match(n.output(), /cut off a torn final record at offset \d+/);
  await waitFor('leadership', async () => (await raftInfo(n)).role === 'leader');
  assert.is(await n.client().get('kept'), 'yes');
  assert.is(runCli(['check-log', log]).code, 0);
});

/** Keeps writing unique keys to whichever node leads, recording the acknowledged ones. */
class Writer {
  readonly acked = new Map<string, string>();
  private stopped = false;
  private conns = new Map<number, Redis>();
  private next = 0;
  errors = 0;
  done: Promise<void>;

  constructor(private readonly ports: () => number[]) {
    this.done = this.run();
  }

  private conn(port: number): Redis {
    let c = this.conns.get(port);
    if (!c || c.status === 'end' || c.status === 'close') {
      c = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 500, commandTimeout: 3000 });
      c.on('error', () => {});
      this.conns.set(port, c);
    }
    return c;
  }

  private async run(): Promise<void> {
    let target = 0;
    while (!this.stopped) {
      const ports = this.ports();
      const port = ports[target % ports.length]!;
      const key = `w${this.next}`;
      const value = `${this.next}-${port}`;
      this.next++;
      try {
        const c = this.conn(port);
        if (c.status !== 'ready') await new Promise<void>((res, rej) => { c.once('ready', res); c.once('error', rej); c.once('end', () => rej(new Error('end'))); });
        const reply = await c.set(key, value);
        if (reply === 'OK') this.acked.set(key, value);
      } catch (e) {
        this.errors++;
        const moved = /MOVED \d+ 127\.0\.0\.1:(\d+)/.exec((e as Error).message);
        if (moved) target = ports.indexOf(Number(moved[1]));
        else { target++; await sleep(20); }
        if (target < 0) target = 0;
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
    for (const c of this.conns.values()) c.disconnect();
  }
}

async function crashTest(fsync: string, kills: number): Promise<void> {
  const dirs3 = [newDir(), newDir(), newDir()];
  // A small log limit makes nodes snapshot, trim and install snapshots while they are being killed.
  const extra = ['--raft-log-fsync', fsync, '--election-timeout', '500', '--raft-log-max-file-size', '40kb'];
  const nodes = await startCluster(3, extra, undefined, dirs3);
  started.push(...nodes);
  const ports = nodes.map((n) => n.port);
  const writer = new Writer(() => ports);
  let seed = 12345 + kills;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  let leaderKills = 0;
  for (let k = 0; k < kills; k++) {
    await sleep(150 + rnd() * 450);
    const i = Math.floor(rnd() * 3);
    const victim = nodes[i]!;
    if ((await raftInfo(victim).catch(() => ({ role: '' }))).role === 'leader') leaderKills++;
    await victim.stop('SIGKILL');
    started.splice(started.indexOf(victim), 1);
    await sleep(rnd() * 300);
    const again = await startNode(nodeArgs(i + 1, victim.port, dirs3[i]!, extra), victim.port);
    nodes[i] = again;
    started.push(again);
  }
  await sleep(500);
  await writer.stop();
  const leader = await findLeader(nodes);
  // One more write through the leader commits everything before it.
  await waitFor('a final write', async () => (await leader.client().set('final', '1')) === 'OK');
  const commit = Number((await raftInfo(leader)).commit_index);
  try {
    await waitFor('every node to apply everything', async () => {
      const infos = await Promise.all(nodes.map((n) => raftInfo(n)));
      return infos.every((i) => Number(i.last_applied_index) >= commit);
    }, 30_000);
  } catch (e) {
    const infos = await Promise.all(nodes.map((n) => raftInfo(n).catch(() => ({}))));
    const tails = nodes.map((n, i) => `--- node ${n.port} ${JSON.stringify(infos[i])}\n${n.output().split('\n').slice(-25).join('\n')}`);
    throw new Error(`${(e as Error).message} (commit ${commit})\n${tails.join('\n')}`);
  }
  const keys = [...writer.acked.keys()];
  assert.ok(keys.length > 100, `the writer got writes through (${keys.length} acknowledged, ${writer.errors} errors)`);
  for (const n of nodes) {
    const values = await localValues(n, keys);
    const missing = keys.filter((k, j) => values[j] !== writer.acked.get(k));
    assert.equal(missing.slice(0, 5), [], `node ${n.port} lost ${missing.length} of ${keys.length} acknowledged writes`);
  }
  assert.ok(leaderKills > 0, 'some kills hit the leader');
  const snapshots = await Promise.all(nodes.map(async (n) => Number((await raftInfo(n)).snapshot_last_index)));
  assert.ok(snapshots.some((i) => i > 0), `snapshots were taken (${snapshots.join(', ')})`);
}

test('crash test, raft-log-fsync yes: 20 SIGKILLs of random nodes under a writer lose no acknowledged write on any node', async () => {
  await crashTest('yes', 20);
});

test('crash test, raft-log-fsync no: process kills lose nothing either', async () => {
  await crashTest('no', 12);
});

test('all three nodes killed at once come back with their data and elect a leader', async () => {
  const dirs3 = [newDir(), newDir(), newDir()];
  const nodes = await startCluster(3, [], undefined, dirs3);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const r = leader.client();
  for (let i = 0; i < 300; i++) await r.set(`a${i}`, String(i));
  await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
  started.length = 0;
  const again = await Promise.all(nodes.map((n, i) => startNode(nodeArgs(i + 1, n.port, dirs3[i]!), n.port)));
  started.push(...again);
  const l2 = await findLeader(again);
  assert.is(await l2.client().get('a299'), '299');
  assert.is(await l2.client().dbsize(), 300);
  assert.is(await l2.client().set('after', 'restart'), 'OK');
  assert.is((await raftInfo(l2)).num_voting_nodes, '3');
  for (const d of dirs3) assert.ok(existsSync(join(d, `raftlog${dirs3.indexOf(d) + 1}.db`)));
});

test('RAFT.DEBUG COMPACT snapshots and trims the log; a lagging follower and a new node catch up from the snapshot', async () => {
  const dirs4 = [newDir(), newDir(), newDir(), newDir()];
  const nodes = await startCluster(3, [], undefined, dirs4.slice(0, 3));
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const lagging = nodes.find((n) => n !== leader)!;
  const li = nodes.indexOf(lagging);
  await lagging.stop('SIGKILL');
  started.splice(started.indexOf(lagging), 1);
  const r = leader.client();
  for (let i = 0; i < 500; i++) await r.set(`s${i}`, `v${i}`);
  await r.rpush('biglist', ...Array.from({ length: 3000 }, (_, i) => `item${i}`));
  assert.is(await r.call('RAFT.DEBUG', 'COMPACT'), 'OK');
  const info = await raftInfo(leader);
  assert.ok(Number(info.snapshot_last_index) > 500, `snapshot index ${info.snapshot_last_index}`);
  assert.is(info.log_entries, '0');
  assert.ok(existsSync(join(dirs4[nodes.indexOf(leader)]!, `raft${nodes.indexOf(leader) + 1}.rdb`)));
  await r.set('after-compact', 'yes');
  const back = await startNode(nodeArgs(li + 1, lagging.port, dirs4[li]!), lagging.port);
  started.push(back);
  nodes[li] = back;
  const commit = Number((await raftInfo(leader)).commit_index);
  await waitFor('the lagging follower to catch up', async () => Number((await raftInfo(back)).last_applied_index) >= commit, 20_000);
  assert.match(back.output(), /installed the snapshot at index \d+ from node \d+/);
  assert.equal(await localValues(back, ['s499', 'after-compact']), ['v499', 'yes']);
  // A brand-new node joins after the compaction: it can only start from the snapshot.
  const port4 = await freePort();
  const fresh = await startNode(nodeArgs(4, port4, dirs4[3]!), port4);
  started.push(fresh);
  assert.is(await fresh.client().call('RAFT.CLUSTER', 'JOIN', `127.0.0.1:${leader.port}`), 'OK');
  await waitFor('the new node to apply everything', async () => Number((await raftInfo(fresh)).last_applied_index) >= commit, 20_000);
  const vals = await localValues(fresh, ['s0', 's250', 'after-compact']);
  assert.equal(vals, ['v0', 'v250', 'yes']);
  // And the lagging one restarts from its installed snapshot.
  await back.stop('SIGKILL');
  started.splice(started.indexOf(back), 1);
  const again = await startNode(nodeArgs(li + 1, lagging.port, dirs4[li]!), lagging.port);
  started.push(again);
  assert.match(again.output(), /recovered node \d+ of cluster [0-9a-f]+ from .*: snapshot at index \d+/);
  // Behind a second time: the leader streams a snapshot to the same node again (a one-chunk stream once stuck here).
  await again.stop('SIGKILL');
  started.splice(started.indexOf(again), 1);
  for (let i = 0; i < 200; i++) await r.set(`t${i}`, 'x');
  assert.is(await r.call('RAFT.DEBUG', 'COMPACT'), 'OK');
  const third = await startNode(nodeArgs(li + 1, lagging.port, dirs4[li]!), lagging.port);
  started.push(third);
  const commit2 = Number((await raftInfo(leader)).commit_index);
  await waitFor('the follower to catch up again', async () => Number((await raftInfo(third)).last_applied_index) >= commit2, 20_000);
  assert.equal(await localValues(third, ['t199']), ['x']);
});

test('raft-log-max-cache-size: a lagging follower is caught up from entries read back from the log file', async () => {
  const dirs3 = [newDir(), newDir(), newDir()];
  const nodes = await startCluster(3, ['--raft-log-max-cache-size', '2kb'], undefined, dirs3);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const lag = nodes.find((n) => n !== leader)!;
  const li = nodes.indexOf(lag);
  await lag.stop('SIGKILL');
  started.splice(started.indexOf(lag), 1);
  const r = leader.client();
  for (let i = 0; i < 400; i++) await r.set(`c${i}`, 'v'.repeat(40));
  const info = await raftInfo(leader);
  assert.ok(Number(info.cache_memory_size) <= 4096, `the leader keeps only ~2 kB of entries in memory (${info.cache_memory_size})`);
  assert.is(info.snapshot_last_index, '0', 'no snapshot: the follower must be fed from the log file');
  const back = await startNode(nodeArgs(li + 1, lag.port, dirs3[li]!, ['--raft-log-max-cache-size', '2kb']), lag.port);
  started.push(back);
  const commit = Number(info.commit_index);
  await waitFor('the follower to catch up', async () => Number((await raftInfo(back)).last_applied_index) >= commit, 20_000);
  assert.equal(await localValues(back, ['c0', 'c399']), ['v'.repeat(40), 'v'.repeat(40)]);
});

test('raft-log-max-file-size: the log snapshots itself under load and restarts from snapshot + log', async () => {
  const dir = newDir();
  const port = await freePort();
  const args = ['--dir', dir, '--raft-log-max-file-size', '200kb'];
  let n = await startNode(args, port);
  started.push(n);
  await n.client().call('RAFT.CLUSTER', 'INIT');
  const r = n.client();
  for (let round = 0; round < 10; round++) {
    const p = r.pipeline();
    for (let i = 0; i < 500; i++) p.set(`k${round}-${i}`, 'x'.repeat(50));
    await p.exec();
  }
  const info = await waitFor('a snapshot', async () => { const i = await raftInfo(n); return Number(i.snapshot_last_index) > 0 ? i : null; });
  assert.ok(Number(info.file_size) < 600_000, `the log stays small (${info.file_size} bytes)`);
  await n.stop('SIGKILL');
  n = await startNode(args, port);
  started.push(n);
  await waitFor('leadership', async () => (await raftInfo(n)).role === 'leader');
  assert.is(await n.client().dbsize(), 5000);
  assert.is(await n.client().get('k9-499'), 'x'.repeat(50));
});

test.run();
