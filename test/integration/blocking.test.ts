// Blocking commands: clients held on the leader until data arrives through
// the log, the timeout passes, or leadership moves.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startInitializedNode, type NodeProcess } from './lib/node-process.js';
import { findLeader, startCluster } from './lib/cluster.js';

const test = suite<{ n: NodeProcess }>('blocking');
test.before(async (ctx) => { ctx.n = await startInitializedNode(); });
test.after(async (ctx) => { await ctx.n.stop(); });

function blockedClients(info: string): number {
  const m = /^blocked_clients:(\d+)\r?$/m.exec(info);
  if (!m) throw new Error(`no blocked_clients in INFO clients:\n${info}`);
  return Number(m[1]);
}

/**
 * Waits until the node reports `count` clients blocked (INFO clients
 * blocked_clients), as Redis's own suite does: the test goes on only once
 * the server says the client is waiting, and fails if it never does.
 */
async function untilBlocked(n: NodeProcess, count: number, timeoutMs = 5000): Promise<void> {
  const r = n.client();
  try {
    const deadline = Date.now() + timeoutMs;
    let seen = -1;
    while (Date.now() < deadline) {
      seen = blockedClients(await r.info('clients'));
      if (seen === count) return;
      await new Promise((res) => setTimeout(res, 10));
    }
    throw new Error(`expected ${count} blocked clients, INFO still says ${seen} after ${timeoutMs} ms`);
  } finally {
    r.disconnect();
  }
}

test('BLPOP waits for a push from another client and gets it', async ({ n }) => {
  const a = n.client(), b = n.client();
  const waiting = a.blpop('q1', 5);
  await untilBlocked(n, 1);
  assert.is(await b.rpush('q1', 'x'), 1);
  assert.equal(await waiting, ['q1', 'x']);
  assert.is(await b.exists('q1'), 0);
  await untilBlocked(n, 0);
});

test('a timeout answers nil after about that long; data already there is served at once', async ({ n }) => {
  const a = n.client();
  const t0 = Date.now();
  assert.is(await a.blpop('empty', 0.3), null);
  const waited = Date.now() - t0;
  assert.ok(waited >= 280 && waited < 3000, `waited ${waited} ms`);
  await a.rpush('full', 'v');
  assert.equal(await a.brpop('nothing', 'full', 1), ['full', 'v']);
});

test('waiters are served oldest first, one element each', async ({ n }) => {
  const a = n.client(), b = n.client(), c = n.client();
  const first = a.blpop('fifo', 0);
  await untilBlocked(n, 1);
  const second = b.blpop('fifo', 0);
  await untilBlocked(n, 2);
  await c.rpush('fifo', '1', '2');
  assert.equal(await first, ['fifo', '1']);
  assert.equal(await second, ['fifo', '2']);
});

test('BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZMPOP wake on the right kind of value', async ({ n }) => {
  const a = n.client(), b = n.client();
  const moved = a.blmove('src', 'dst', 'LEFT', 'RIGHT', 5);
  await untilBlocked(n, 1);
  await b.rpush('src', 'm');
  assert.is(await moved, 'm');
  assert.equal(await b.lrange('dst', 0, -1), ['m']);
  const zp = a.bzpopmin('zk', 5);
  await untilBlocked(n, 1);
  await b.zadd('zk', 2, 'two', 1, 'one');
  assert.equal(await zp, ['zk', 'one', '1']);
  assert.equal(await a.call('BZMPOP', '1', '1', 'zk', 'MAX'), ['zk', [['two', '2']]]);
  const lm = a.call('BLMPOP', '5', '2', 'l1', 'l2', 'RIGHT', 'COUNT', '2');
  await untilBlocked(n, 1);
  await b.rpush('l2', 'a', 'b', 'c');
  assert.equal(await lm, ['l2', ['c', 'b']]);
  assert.is(await a.brpoplpush('nope', 'dst', 0.2), null);
});

test('inside MULTI a blocking command does not wait; argument errors are Redis\'s', async ({ n }) => {
  const a = n.client();
  const res = await a.multi().blpop('never', 0).exec();
  assert.equal(res, [[null, null]]);
  await a.call('BLPOP', 'k', 'x').then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /timeout is not a float or out of range/));
  await a.call('BLPOP', 'k', '-1').then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /timeout is negative/));
});

test('XREAD BLOCK with $ waits for the next entry; XREADGROUP BLOCK with > too; a timeout answers nil', async ({ n }) => {
  const a = n.client(), b = n.client();
  await b.xadd('st', '1-1', 'f', 'old');
  const waiting = a.xread('BLOCK', 5000, 'STREAMS', 'st', '$');
  await untilBlocked(n, 1);
  await b.xadd('st', '2-1', 'f', 'new');
  assert.equal(await waiting, [['st', [['2-1', ['f', 'new']]]]]);
  await b.xgroup('CREATE', 'st', 'g', '$');
  const grp = a.xreadgroup('GROUP', 'g', 'c1', 'BLOCK', 5000, 'STREAMS', 'st', '>');
  await untilBlocked(n, 1);
  await b.xadd('st', '3-1', 'f', 'v3');
  assert.equal(await grp, [['st', [['3-1', ['f', 'v3']]]]]);
  const t0 = Date.now();
  assert.is(await a.xread('BLOCK', 200, 'STREAMS', 'st', '$'), null);
  assert.ok(Date.now() - t0 >= 180);
});

test('INFO blocked_clients and CLIENT LIST flag b follow a client from the wait to its reply, its timeout or its disconnect', async ({ n }) => {
  const a = n.client(), b = n.client(), c = n.client();
  assert.is(blockedClients(await b.info('clients')), 0);
  // Data already there: served without ever blocking.
  await b.rpush('ready', 'v');
  assert.equal(await a.blpop('ready', 1), ['ready', 'v']);
  assert.is(blockedClients(await b.info('clients')), 0);
  const aId = Number(await a.client('ID'));
  const waiting = a.blpop('flagged', 0);
  await untilBlocked(n, 1);
  const line = String(await b.client('LIST')).split('\n').find((l) => l.startsWith(`id=${aId} `))!;
  assert.match(line, / flags=b /, line);
  assert.match(line, / cmd=blpop /, line);
  await b.rpush('flagged', 'x');
  assert.equal(await waiting, ['flagged', 'x']);
  await untilBlocked(n, 0);
  assert.match(String(await b.client('LIST')).split('\n').find((l) => l.startsWith(`id=${aId} `))!, / flags=N /);
  // A timeout unblocks.
  const timedOut = c.brpop('nothing-comes', 0.5);
  await untilBlocked(n, 1);
  assert.is(await timedOut, null);
  await untilBlocked(n, 0);
  // So does going away.
  const d = n.client();
  void d.blpop('nothing-either', 0).catch(() => {});
  await untilBlocked(n, 1);
  d.disconnect();
  await untilBlocked(n, 0);
});

test('a client blocked on the leader is redirected when leadership moves', async () => {
  const nodes = await startCluster(3);
  try {
    const leader = await findLeader(nodes);
    const c = leader.client();
    const waiting = c.blpop('moving', 10).then(() => 'answered', (e: Error) => e.message);
    await untilBlocked(leader, 1);
    assert.is(await leader.client().call('RAFT.TRANSFER-LEADER'), 'OK');
    const got = await waiting;
    assert.match(got, /^MOVED \d+ 127\.0\.0\.1:\d+/, got);
  } finally {
    await Promise.all(nodes.map((x) => x.stop('SIGKILL')));
  }
});

test.run();
