// The libraries applications use, unchanged, against a 3-node cluster with
// raft-log-fsync yes: each of them is built on Lua scripts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cluster } from 'ioredis';
import Redlock from 'redlock';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { Queue, Worker } from 'bullmq';
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

test('BullMQ: 1,000 jobs added and processed by a Worker, through a leader failover in the middle', async () => {
  const nodes = await startCluster(3);
  started.push(...nodes);
  // BullMQ's own connections (it duplicates them for blocking commands); its keys share one hash tag, as on Redis Cluster.
  const queue = new Queue('jobs', { connection: clusterClient(nodes, { redisOptions: { maxRetriesPerRequest: null } }), prefix: '{bull}' });
  const seen = new Set<number>();
  const worker = new Worker('jobs', async (job) => {
    seen.add(job.data.n as number);
    return (job.data.n as number) * 2;
  }, {
    connection: clusterClient(nodes, { redisOptions: { maxRetriesPerRequest: null } }), prefix: '{bull}', concurrency: 20,
    // A job whose worker lost its connection in the failover is picked up again soon.
    lockDuration: 3000, stalledInterval: 1000,
  });
  worker.on('error', () => {});
  try {
    const total = 1000;
    const added: Promise<unknown>[] = [];
    for (let i = 0; i < total / 2; i++) added.push(queue.add('double', { n: i }, { attempts: 5, backoff: { type: 'fixed', delay: 100 } }));
    await Promise.all(added);
    const leader = await findLeader(nodes);
    await leader.stop('SIGKILL');
    await findLeader(nodes.filter((n) => n !== leader));
    for (let i = total / 2; i < total; i++) await queue.add('double', { n: i }, { attempts: 5, backoff: { type: 'fixed', delay: 100 } });
    const deadline = Date.now() + 90_000;
    let counts: Record<string, number> = {};
    while (Date.now() < deadline) {
      counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
      if (counts.completed === total) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.is(counts.completed, total, `every job completed (${JSON.stringify(counts)})`);
    assert.is(counts.failed, 0);
    assert.is(seen.size, total, 'the worker ran every job');
    const sample = await queue.getJobs(['completed'], 0, 9);
    for (const job of sample) assert.is(job.returnvalue, (job.data.n as number) * 2);
  } finally {
    await worker.close(true);
    await queue.close();
  }
});

test.run();
