// Lua scripting on real 3-node clusters: scripts are log entries that run on
// every node against the same state, so their effects are identical
// everywhere; the script cache and function libraries are replicated state
// that survives snapshot installs and restarts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, type Redis } from 'ioredis';
import { freePort, startNode, tempDir, type NodeProcess } from './lib/node-process.js';
import { findLeader, nodeArgs, raftInfo, startCluster, waitFor } from './lib/cluster.js';
import { rejects } from './lib/rejects.js';

const started: NodeProcess[] = [];
test.after.each(async () => { await Promise.all(started.splice(0).map((n) => n.stop('SIGKILL'))); });

/** Every node has applied everything the leader committed. */
async function allApplied(nodes: NodeProcess[]): Promise<void> {
  const leader = await findLeader(nodes);
  const commit = (await raftInfo(leader)).commit_index;
  await waitFor('every node to apply the leader\'s commit index', async () => {
    const infos = await Promise.all(nodes.map((n) => raftInfo(n)));
    return infos.every((i) => Number(i.last_applied_index) >= Number(commit));
  });
}

/** Each node's snapshot, taken now: identical state gives identical bytes (keys, versions, scripts, functions). */
async function snapshotsOf(nodes: NodeProcess[]): Promise<Buffer[]> {
  await allApplied(nodes);
  const out: Buffer[] = [];
  for (const [i, n] of nodes.entries()) {
    const c = n.client();
    assert.is(await c.call('RAFT.DEBUG', 'COMPACT'), 'OK');
    c.disconnect();
    out.push(readFileSync(join(n.dir, `raft${i + 1}.rdb`)));
  }
  return out;
}

function clusterClient(nodes: NodeProcess[]): Cluster {
  const c = new Cluster(nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), { clusterRetryStrategy: () => 100, redisOptions: { maxRetriesPerRequest: 3 } });
  c.on('error', () => {});
  return c;
}

test('EVAL, EVALSHA with the NOSCRIPT fallback (ioredis defineCommand), FUNCTION: the same effects on every node, byte for byte', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const r = leader.client() as Redis & { bump(key: string, by: number): Promise<number> };
  // defineCommand sends EVALSHA first and falls back to EVAL on -NOSCRIPT.
  r.defineCommand('bump', { numberOfKeys: 1, lua: "return redis.call('incrby', KEYS[1], ARGV[1])" });
  assert.is(await r.bump('counter', 5), 5);
  assert.is(await r.bump('counter', 2), 7);
  const sha = String(await r.script('LOAD', 'return ARGV[1] .. KEYS[1]'));
  assert.is(await r.evalsha(sha, 1, 'k', 'v'), 'vk');
  await rejects(() => r.evalsha('ffffffffffffffffffffffffffffffffffffffff', 0), /^NOSCRIPT No matching script\. Please use EVAL\./);
  // Time, randomness and random draws inside a script: decided by the entry, so every node computes the same.
  const random = `
    redis.call('sadd', 'pool', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')
    local t = redis.call('time')
    redis.call('set', 'when', t[1] .. '.' .. t[2])
    redis.call('set', 'draw', math.random(1000000))
    redis.call('set', 'member', redis.call('srandmember', 'pool'))
    redis.call('set', 'popped', tostring(redis.call('spop', 'pool')))
    redis.call('set', 'ttl', 'x', 'EX', 100)
    return redis.call('scard', 'pool')`;
  // SADD puts the popped member back each time, SPOP takes one: 7 left after every run.
  for (let i = 0; i < 20; i++) assert.is(await r.eval(random, 0), 7);
  assert.is(await r.call('FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('double', function(keys, args) return redis.call('set', keys[1], args[1] * 2) end)"), 'lib');
  assert.is(await r.fcall('double', 1, 'fk', 21), 'OK');
  assert.is(await r.get('fk'), '42');
  // MULTI with EVAL, and WATCH aborting an EXEC that holds EVAL.
  assert.equal(await r.multi().eval("return redis.call('incr', 'counter')", 0).get('counter').exec(), [[null, 8], [null, '8']]);
  await r.watch('counter');
  await leader.client().incr('counter');
  assert.is(await r.multi().eval("return redis.call('incr', 'counter')", 0).exec(), null);
  const snaps = await snapshotsOf(nodes);
  assert.ok(snaps[0]!.equals(snaps[1]!) && snaps[0]!.equals(snaps[2]!), 'the three nodes hold the same keys, versions, scripts and libraries');
});

test('a runaway script stops on every node at the same instruction, its writes undone, and the cluster goes on serving', async () => {
  const nodes = await startCluster(3, ['--lua-instruction-limit', '5000000']);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const r = leader.client();
  const term = (await raftInfo(leader)).current_term;
  await rejects(() => r.eval("redis.call('set', 'partial', '1'); redis.call('lpush', 'list', 'x'); while true do end", 0), /^ERR Script exceeded the instruction limit \(lua-instruction-limit 5000000\)/);
  // pcall inside the script cannot swallow the stop.
  await rejects(() => r.eval("redis.call('set', 'partial', '2'); local ok = pcall(function() while true do end end); redis.call('set', 'after', '1'); return 1", 0), /instruction limit/);
  assert.is(await r.get('partial'), null);
  assert.is(await r.exists('list', 'after'), 0);
  assert.is(await r.set('still', 'serving'), 'OK');
  assert.is((await raftInfo(leader)).current_term, term, 'no election');
  const snaps = await snapshotsOf(nodes);
  assert.ok(snaps[0]!.equals(snaps[1]!) && snaps[0]!.equals(snaps[2]!), 'every node undid the same writes');
});

test('the script cache and function libraries survive a snapshot install on a new node and a restart of the whole cluster', async () => {
  const dirs = [tempDir(), tempDir(), tempDir()];
  let nodes = await startCluster(3, [], undefined, dirs);
  started.push(...nodes);
  const leader = await findLeader(nodes);
  const r = leader.client();
  const sha = String(await r.script('LOAD', "return 'cached:' .. ARGV[1]"));
  assert.is(await r.call('FUNCTION', 'LOAD', "#!lua name=keep\nredis.register_function{function_name='hello', callback=function(keys, args) return 'hi ' .. args[1] end, flags={'no-writes'}}"), 'keep');
  for (let i = 0; i < 50; i++) await r.set(`k${i}`, String(i));
  assert.is(await r.call('RAFT.DEBUG', 'COMPACT'), 'OK');
  // A fourth node joins after the compaction: it is caught up from the leader's snapshot.
  const port4 = await freePort();
  const dir4 = tempDir();
  const n4 = await startNode(nodeArgs(4, port4, dir4), port4);
  started.push(n4);
  const c4 = n4.client();
  assert.is(await c4.call('RAFT.CLUSTER', 'JOIN', `127.0.0.1:${leader.port}`), 'OK');
  await waitFor('node 4 to apply the snapshot and everything after', async () => Number((await raftInfo(n4)).last_applied_index) >= Number((await raftInfo(leader)).commit_index));
  assert.match(n4.output(), /installed the snapshot/);
  assert.is(await r.call('RAFT.TRANSFER-LEADER', (await raftInfo(n4)).node_id), 'OK');
  await waitFor('node 4 to lead', async () => (await raftInfo(n4)).role === 'leader');
  assert.is(await c4.evalsha(sha, 0, 'x'), 'cached:x');
  assert.is(await c4.fcall('hello', 0, 'you'), 'hi you');
  // The whole cluster stops and comes back from its files, on the same ports (the membership names them).
  const everyone = [...nodes, n4];
  const ports = everyone.map((n) => n.port);
  await Promise.all(everyone.map((n) => n.stop('SIGKILL')));
  started.length = 0;
  const all = [...dirs, dir4];
  nodes = [];
  for (const [i, dir] of all.entries()) nodes.push(await startNode(nodeArgs(i + 1, ports[i]!, dir), ports[i]!));
  started.push(...nodes);
  const again = await findLeader(nodes);
  const c = again.client();
  assert.is(await c.evalsha(sha, 0, 'y'), 'cached:y');
  assert.is(await c.fcall_ro('hello', 0, 'back'), 'hi back');
  await Promise.all(started.splice(0).map((n) => n.stop('SIGKILL')));
  for (const d of all) rmSync(d, { recursive: true, force: true });
});

test('a compare-and-delete lock script across a leader failover (ioredis Cluster follows the new leader)', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const client = clusterClient(nodes);
  try {
    const unlock = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    assert.is(await client.set('lock', 'owner-1', 'PX', 60000, 'NX'), 'OK');
    assert.is(await client.set('lock', 'owner-2', 'PX', 60000, 'NX'), null);
    const leader = await findLeader(nodes);
    await leader.stop('SIGKILL');
    const rest = nodes.filter((n) => n !== leader);
    await findLeader(rest);
    assert.is(await client.eval(unlock, 1, 'lock', 'owner-2'), 0, 'another owner cannot release it');
    assert.is(await client.eval(unlock, 1, 'lock', 'owner-1'), 1, 'the owner releases it on the new leader');
    assert.is(await client.get('lock'), null);
  } finally {
    client.disconnect();
  }
});

test.run();
