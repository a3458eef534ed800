// Pub/Sub on a real 3-node cluster: PUBLISH goes through the log and every
// node delivers it to its own subscribers as it applies the entry, so all
// subscribers, on any node, see every message once and in one order.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { Cluster, type Redis } from 'ioredis';
import { startNode, type NodeProcess } from './lib/node-process.js';
import { findLeader, startCluster, waitFor } from './lib/cluster.js';
import { RawClient } from './lib/raw-client.js';

interface Ctx {
  nodes: NodeProcess[];
  leader: NodeProcess;
  /** A follower that redirects (-MOVED). */
  redirecting: NodeProcess;
  /** A follower with follower-proxy yes. */
  proxying: NodeProcess;
}

const test = suite<Ctx>('pubsub');
test.before(async (ctx) => {
  ctx.nodes = await startCluster(3);
  ctx.leader = await findLeader(ctx.nodes);
  [ctx.redirecting, ctx.proxying] = ctx.nodes.filter((n) => n !== ctx.leader) as [NodeProcess, NodeProcess];
  const c = ctx.proxying.client();
  assert.is(await c.call('RAFT.CONFIG', 'SET', 'follower-proxy', 'yes'), 'OK');
  c.disconnect();
});
test.after(async (ctx) => { await Promise.all(ctx.nodes.map((n) => n.stop('SIGKILL'))); });

/** What each test opened, closed after it (clients, redis-cli processes, raw sockets). */
const opened: { close(): void }[] = [];
test.after.each(() => { for (const o of opened.splice(0)) o.close(); });

function client(n: NodeProcess): Redis {
  const c = n.client();
  opened.push({ close: () => c.disconnect() });
  return c;
}

async function raw(n: NodeProcess): Promise<RawClient> {
  const r = await RawClient.open(n.port);
  opened.push(r);
  return r;
}

/** `redis-cli SUBSCRIBE channel` as a user runs it, its output read line by line: the messages it printed. */
function cliSubscriber(n: NodeProcess, channel: string): { got: string[]; subscribed: Promise<void> } {
  const proc: ChildProcess = spawn('redis-cli', ['-p', String(n.port), 'SUBSCRIBE', channel], { stdio: ['ignore', 'pipe', 'ignore'] });
  opened.push({ close: () => proc.kill('SIGKILL') });
  const got: string[] = [];
  const lines: string[] = [];
  let partial = '';
  let onSubscribed!: () => void;
  const subscribed = new Promise<void>((r) => (onSubscribed = r));
  proc.stdout!.on('data', (d: Buffer) => {
    const parts = (partial + d.toString('latin1')).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    while (lines.length >= 3) {
      const [kind, , payload] = lines.splice(0, 3);
      if (kind === 'subscribe') onSubscribed();
      else if (kind === 'message') got.push(payload!);
    }
  });
  return { got, subscribed };
}

/** `redis-cli -c PUBLISH`: a cluster-aware client that follows -MOVED to the leader. Resolves with what it printed. */
function cliPublish(n: NodeProcess, channel: string, message: string): Promise<string> {
  return new Promise((resolve) => {
    const proc = spawn('redis-cli', ['-c', '-p', String(n.port), 'PUBLISH', channel, message], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.on('exit', () => resolve(out.trim()));
  });
}

async function numsub(n: NodeProcess, channel: string): Promise<number> {
  const c = client(n);
  const r = (await c.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
  return r[1];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test('every subscriber on every node gets every message once, in one order, whoever published where', async ({ nodes, leader, redirecting, proxying }) => {
  const received: Record<string, string[]> = {};
  for (const n of nodes) {
    const sub = client(n), psub = client(n);
    const name = `${n.port}`;
    received[`${name} ioredis SUBSCRIBE`] = [];
    received[`${name} ioredis PSUBSCRIBE`] = [];
    sub.on('message', (ch, m) => { if (ch === 'chat') received[`${name} ioredis SUBSCRIBE`]!.push(m); });
    psub.on('pmessage', (p, ch, m) => { if (p === 'ch*' && ch === 'chat') received[`${name} ioredis PSUBSCRIBE`]!.push(m); });
    await sub.subscribe('chat');
    await psub.psubscribe('ch*');
    const cli = cliSubscriber(n, 'chat');
    received[`${name} redis-cli SUBSCRIBE`] = cli.got;
    await cli.subscribed;
  }
  for (const n of nodes) {
    assert.is(await numsub(n, 'chat'), 2, 'ioredis and redis-cli on every node');
    assert.is(await client(n).call('PUBSUB', 'NUMPAT'), 1);
  }
  // Four publishers at once: through the proxying follower, on the leader, a cluster client, redis-cli -c on the redirecting follower.
  const viaProxy = client(proxying), onLeader = client(leader);
  const cluster = new Cluster(nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), { redisOptions: { maxRetriesPerRequest: 5 } });
  cluster.on('error', () => {});
  opened.push({ close: () => cluster.disconnect() });
  const [a, b, c, d] = await Promise.all([
    Promise.all(range(100).map((i) => viaProxy.publish('chat', `proxy:${i}`))),
    Promise.all(range(100).map((i) => onLeader.publish('chat', `leader:${i}`))),
    Promise.all(range(30).map((i) => cluster.publish('chat', `cluster:${i}`))),
    (async () => { const out: string[] = []; for (const i of range(5)) out.push(await cliPublish(redirecting, 'chat', `moved:${i}`)); return out; })(),
  ]);
  // The reply is the leader's receiver count (two channel subscribers and a pattern there), wherever the client published.
  assert.ok([...a, ...b, ...c].every((x) => x === 3), `counts ${[...new Set([...a, ...b, ...c])]}`);
  assert.equal(d, ['3', '3', '3', '3', '3']);
  const total = 235;
  await waitFor('every subscriber to have every message', async () => Object.values(received).every((g) => g.length >= total));
  const [first, ...rest] = Object.entries(received);
  for (const [who, got] of rest) assert.equal(got, first![1], `${who} saw another order than ${first![0]}`);
  const seq = first![1];
  assert.is(seq.length, total, 'no message twice');
  assert.is(new Set(seq).size, total);
  for (const who of ['proxy', 'leader', 'cluster', 'moved']) {
    const mine = seq.filter((m) => m.startsWith(`${who}:`)).map((m) => Number(m.slice(who.length + 1)));
    assert.equal(mine, range(mine.length), `${who}'s messages in the order it sent them`);
  }
});

test('patterns (pmessage with the pattern) and shard channels (SSUBSCRIBE/SPUBLISH, smessage) on followers', async ({ nodes, leader, proxying, redirecting }) => {
  const pat: string[] = [], shard: string[][] = nodes.map(() => []), plain: string[] = [];
  const p = client(redirecting);
  p.on('pmessage', (pattern, ch, m) => pat.push(`${pattern} ${ch} ${m}`));
  await p.psubscribe('news.*', 'n?ws.uk');
  for (const [i, n] of nodes.entries()) {
    const s = client(n);
    s.on('smessage', (ch, m) => shard[i]!.push(`${ch} ${m}`));
    await s.ssubscribe('{u1}inbox');
  }
  const same = client(redirecting);
  same.on('message', (ch, m) => plain.push(`${ch} ${m}`));
  await same.subscribe('{u1}inbox');
  const pub = client(proxying);
  assert.is(await pub.publish('news.uk', 'rain'), 0, 'nobody subscribes on the leader');
  assert.is(await pub.publish('news.fr', 'sun'), 0);
  assert.is(await pub.call('SPUBLISH', '{u1}inbox', 'hi'), 1, 'the shard subscriber on the leader');
  assert.is(await client(leader).publish('{u1}inbox', 'plain'), 0);
  await waitFor('the messages', async () => pat.length === 3 && shard.every((s) => s.length === 1) && plain.length === 1);
  assert.equal(pat, ['news.* news.uk rain', 'n?ws.uk news.uk rain', 'news.* news.fr sun']);
  for (const s of shard) assert.equal(s, ['{u1}inbox hi']);
  assert.equal(plain, ['{u1}inbox plain'], 'PUBLISH and SPUBLISH reach different subscribers');
  const q = client(redirecting);
  assert.equal(await q.call('PUBSUB', 'SHARDCHANNELS'), ['{u1}inbox']);
  assert.equal(await q.call('PUBSUB', 'SHARDNUMSUB', '{u1}inbox'), ['{u1}inbox', 1]);
  assert.is(await q.call('PUBSUB', 'NUMPAT'), 2);
  assert.equal(await q.call('PUBSUB', 'CHANNELS', '{u1}*'), ['{u1}inbox']);
});

test('RESP3: push frames (>) between ordinary replies on one connection', async ({ leader, proxying }) => {
  const r = await raw(proxying);
  r.send('*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n');
  const hello = await r.read(1);
  assert.is(hello, '%');
  // The rest of HELLO's map ends with the (empty) modules array.
  let rest = '';
  while (!rest.endsWith('$7\r\nmodules\r\n*0\r\n')) rest += await r.read(1);
  assert.is(await r.roundTrip('*2\r\n$9\r\nSUBSCRIBE\r\n$3\r\nrch\r\n', '>3\r\n$9\r\nsubscribe\r\n$3\r\nrch\r\n:1\r\n'), '>3\r\n$9\r\nsubscribe\r\n$3\r\nrch\r\n:1\r\n');
  assert.is(await r.roundTrip('*1\r\n$4\r\nPING\r\n', '+PONG\r\n'), '+PONG\r\n', 'PING answers normally in RESP3');
  assert.is(await r.roundTrip('*3\r\n$3\r\nSET\r\n$2\r\nr3\r\n$1\r\nv\r\n', '+OK\r\n'), '+OK\r\n', 'data commands still run (proxied to the leader)');
  assert.is(await client(leader).publish('rch', 'hello'), 0);
  const msg = '>3\r\n$7\r\nmessage\r\n$3\r\nrch\r\n$5\r\nhello\r\n';
  assert.is(await r.read(msg.length), msg);
  // Published on this connection: the push, and the leader's count (0: nobody on the leader), in either order.
  r.send('*3\r\n$7\r\nPUBLISH\r\n$3\r\nrch\r\n$4\r\nself\r\n');
  const self = '>3\r\n$7\r\nmessage\r\n$3\r\nrch\r\n$4\r\nself\r\n';
  const both = await r.read(self.length + 4);
  assert.ok(both === `${self}:0\r\n` || both === `:0\r\n${self}`, JSON.stringify(both));
  assert.is(await r.roundTrip('*1\r\n$11\r\nUNSUBSCRIBE\r\n', '>3\r\n$11\r\nunsubscribe\r\n$3\r\nrch\r\n:0\r\n'), '>3\r\n$11\r\nunsubscribe\r\n$3\r\nrch\r\n:0\r\n');
});

test('RESP2 subscribed state: Redis 7\'s refusal, PING\'s ["pong", ""], unsubscribe counts down to nil 0', async ({ redirecting }) => {
  const r = await raw(redirecting);
  const only = (cmd: string) => `-ERR Can't execute '${cmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n`;
  const steps: [string, string][] = [
    ['*3\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n', '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n'],
    ['*2\r\n$10\r\nPSUBSCRIBE\r\n$2\r\np*\r\n', '*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n'],
    ['*2\r\n$3\r\nGET\r\n$1\r\nk\r\n', only('get')],
    ['*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$4\r\nport\r\n', only('config|get')],
    ['*3\r\n$7\r\nPUBLISH\r\n$1\r\na\r\n$1\r\nx\r\n', only('publish')],
    ['*1\r\n$4\r\nPING\r\n', '*2\r\n$4\r\npong\r\n$0\r\n\r\n'],
    ['*2\r\n$11\r\nUNSUBSCRIBE\r\n$1\r\na\r\n', '*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n'],
    ['*1\r\n$11\r\nUNSUBSCRIBE\r\n', '*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n'],
    ['*1\r\n$12\r\nPUNSUBSCRIBE\r\n', '*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:0\r\n'],
    ['*1\r\n$11\r\nUNSUBSCRIBE\r\n', '*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n'],
    ['*1\r\n$4\r\nPING\r\n', '+PONG\r\n'],
  ];
  for (const [send, expect] of steps) assert.is(await r.roundTrip(send, expect), expect, JSON.stringify(send));
});

test('a subscriber that never reads is disconnected at the pubsub output limit; the others keep receiving', async ({ leader, redirecting }) => {
  const admin = client(redirecting);
  const info = async () => Number(/client_output_buffer_limit_disconnections:(\d+)/.exec(String(await admin.info('stats')))![1]);
  const before = await info();
  assert.is(await admin.config('SET', 'client-output-buffer-limit', 'pubsub 1mb 256kb 60'), 'OK');
  try {
    const slow = await raw(redirecting);
    const confirm = '*3\r\n$9\r\nsubscribe\r\n$4\r\nbulk\r\n:1\r\n';
    assert.is(await slow.roundTrip('*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nbulk\r\n', confirm), confirm);
    slow.socket.pause();
    let fine = 0;
    const good = client(redirecting);
    good.on('message', () => fine++);
    await good.subscribe('bulk');
    const pub = client(leader);
    const payload = 'x'.repeat(64 * 1024);
    let sent = 0;
    // Until the node drops it (kernel buffers take a few MB first), bounded.
    while ((await info()) === before && sent < 1200) {
      await Promise.all(range(20).map(() => pub.publish('bulk', payload)));
      sent += 20;
    }
    assert.is(await info(), before + 1, `disconnected after ${sent} messages of 64 kB`);
    // Reading again, it gets what the kernel held, then the end of the connection.
    slow.socket.resume();
    assert.ok(await slow.waitClosed(30_000), 'the slow subscriber\'s connection is closed');
    assert.is(await numsub(redirecting, 'bulk'), 1, 'only the reading subscriber is left');
    await Promise.all(range(10).map(() => pub.publish('bulk', 'after')));
    sent += 10;
    await waitFor('the reading subscriber to get every message', async () => fine === sent);
  } finally {
    await admin.config('SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
  }
});

test('PUBLISH inside MULTI/EXEC and inside a script is delivered on every node, in order', async ({ nodes, proxying, leader }) => {
  const got: string[][] = nodes.map(() => []);
  for (const [i, n] of nodes.entries()) {
    const s = client(n);
    s.on('message', (_ch, m) => got[i]!.push(m));
    await s.subscribe('tx');
  }
  assert.equal(await client(proxying).multi().set('txk', 'v').publish('tx', 'one').publish('tx', 'two').exec(), [[null, 'OK'], [null, 1], [null, 1]]);
  assert.equal(await client(leader).multi().publish('tx', 'three').incr('txn').exec(), [[null, 1], [null, 1]]);
  // A script's PUBLISH runs through the same store on every node: delivered everywhere, at the script's place in the log.
  assert.is(await client(proxying).eval("redis.call('PUBLISH', 'tx', 'four'); return redis.call('PUBLISH', KEYS[1], ARGV[1])", 1, 'tx', 'five'), 1);
  await waitFor('the messages on every node', async () => got.every((g) => g.length === 5));
  for (const g of got) assert.equal(g, ['one', 'two', 'three', 'four', 'five']);
});

test('keyspace notifications: a follower announces a write made on the leader, and the leader\'s active expiry', async ({ nodes, leader, redirecting }) => {
  for (const n of nodes) assert.is(await client(n).config('SET', 'notify-keyspace-events', 'KEA'), 'OK');
  try {
    const events: string[] = [];
    const s = client(redirecting);
    s.on('pmessage', (_p, ch, m) => { if (ch.startsWith('__keyevent@0__:')) events.push(`${ch.slice(15)} ${m}`); });
    await s.psubscribe('__key*@0__:*');
    const c = client(leader);
    await c.set('kn', '1');
    await c.incrby('kn', 5);
    await c.rename('kn', 'kn2');
    await c.rpush('kl', 'a', 'b');
    await c.lpop('kl', 2);
    await c.set('ke', 'v', 'PX', 50);
    await waitFor('the events on the follower', async () => events.includes('expired ke'));
    assert.equal(events, ['set kn', 'incrby kn', 'rename_from kn', 'rename_to kn2', 'rpush kl', 'lpop kl', 'del kl', 'set ke', 'expire ke', 'expired ke']);
  } finally {
    for (const n of nodes) await client(n).config('SET', 'notify-keyspace-events', '');
  }
});

test('a node in no cluster still takes subscriptions; PUBLISH answers as data commands do there', async () => {
  const n = await startNode();
  opened.push({ close: () => void n.stop('SIGKILL') });
  const r = await raw(n);
  const confirm = '*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n';
  assert.is(await r.roundTrip('*2\r\n$9\r\nSUBSCRIBE\r\n$1\r\nc\r\n', confirm), confirm);
  const pub = client(n);
  const reply = await pub.publish('c', 'x').catch((e: Error) => e.message);
  assert.is(reply, 'NOCLUSTER No Raft Cluster');
});

test.run();
