// The libraries applications use, unchanged, against a 3-node cluster with
// raft-log-fsync yes: each of them is built on Lua scripts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cluster } from 'ioredis';
import Redlock from 'redlock';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { findLeader, startCluster } from './lib/cluster.js';
import type { NodeProcess } from './lib/node-process.js';

const started: NodeProcess[] = [];
const clients: Cluster[] = [];
test.after.each(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await Promise.all(started.splice(0).map((n) => n.stop('SIGKILL')));
});

function clusterClient(nodes: NodeProcess[], extra: Record<string, unknown> = {}): Cluster {
  const c = new Cluster(nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), {
    clusterRetryStrategy: () => 100, retryDelayOnClusterDown: 100, retryDelayOnFailover: 100, redisOptions: { maxRetriesPerRequest: 5 }, ...extra,
  });
  c.on('error', () => {});
  clients.push(c);
  return c;
}

test('redlock: acquire, extend and release, with a leader failover between acquire and release', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const client = clusterClient(nodes);
  const redlock = new Redlock([client], { retryCount: 20, retryDelay: 100 });
  const lock = await redlock.acquire(['{app}:resource'], 10_000);
  assert.is(await client.get('{app}:resource'), lock.value);
  // A second acquirer is refused while the lock is held.
  const other = new Redlock([client], { retryCount: 0 });
  let refused = false;
  try {
    await other.acquire(['{app}:resource'], 10_000);
  } catch {
    refused = true;
  }
  assert.ok(refused, 'the lock is exclusive');
  const leader = await findLeader(nodes);
  await leader.stop('SIGKILL');
  await findLeader(nodes.filter((n) => n !== leader));
  const extended = await lock.extend(20_000);
  assert.ok(extended.expiration > lock.expiration);
  assert.ok((await client.pttl('{app}:resource')) > 10_000, 'the extension is in the store');
  await extended.release();
  assert.is(await client.get('{app}:resource'), null);
});

test('rate-limiter-flexible RateLimiterRedis: points are counted atomically by its script, the limit holds, the block expires', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  const client = clusterClient(nodes);
  const limiter = new RateLimiterRedis({ storeClient: client, points: 5, duration: 2, keyPrefix: '{rl}' });
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => limiter.consume('user-1')));
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  assert.is(ok, 5, 'exactly the allowed points are granted, concurrent calls included');
  const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.is((rejected.reason as { remainingPoints: number }).remainingPoints, 0);
  const other = await limiter.consume('user-2');
  assert.is(other.remainingPoints, 4, 'keys are separate');
  const res = await limiter.get('user-1');
  assert.ok(res !== null && res.consumedPoints >= 5);
});

test.run();
