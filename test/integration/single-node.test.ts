// A single node process, talked to with ioredis, redis-cli and raw sockets.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startInitializedNode, redisCli, type NodeProcess } from './lib/node-process.js';
import { RawClient } from './lib/raw-client.js';
import { rejects } from './lib/rejects.js';
import { waitFor } from './lib/cluster.js';

const node = suite<{ n: NodeProcess }>('single node');
node.before(async (ctx) => { ctx.n = await startInitializedNode(); });
node.after(async (ctx) => { assert.is(await ctx.n.stop(), 0); });

node('ioredis: strings, binary values, errors with Redis texts', async ({ n }) => {
  const r = n.client();
  assert.is(await r.set('k', 'v'), 'OK');
  assert.is(await r.get('k'), 'v');
  const bin = Buffer.from([0, 1, 2, 13, 10, 255]);
  await r.set(Buffer.from([0xff, 0]), bin);
  assert.ok((await r.getBuffer(Buffer.from([0xff, 0])))!.equals(bin));
  assert.is(await r.incr('n'), 1);
  assert.is(await r.incrby('n', 41), 42);
  assert.equal(await r.mget('k', 'missing', 'n'), ['v', null, '42']);
  await rejects(() => r.call('get'), /ERR wrong number of arguments for 'get' command/);
  await rejects(() => r.call('nosuchcmd', 'a'), /ERR unknown command 'nosuchcmd', with args beginning with: 'a'/);
  await r.set('s', 'x');
  await rejects(() => r.incr('s'), /ERR value is not an integer or out of range/);
});

node('ioredis: a pipeline of 2000 commands is answered in order', async ({ n }) => {
  const r = n.client();
  const p = r.pipeline();
  for (let i = 0; i < 1000; i++) { p.set(`p${i}`, String(i)); p.get(`p${i}`); }
  const res = await p.exec();
  assert.is(res!.length, 2000);
  for (let i = 0; i < 1000; i++) {
    assert.equal(res![2 * i], [null, 'OK']);
    assert.equal(res![2 * i + 1], [null, String(i)]);
  }
});

node('MULTI queues server commands too: PING and ECHO answer in their places, after the data commands apply', async ({ n }) => {
  const r = n.client();
  const res = await r.multi().set('tx', '1').ping().echo('hi').incr('tx').exec();
  assert.equal(res, [[null, 'OK'], [null, 'PONG'], [null, 'hi'], [null, 2]]);
  assert.equal(await r.multi().ping('alone').exec(), [[null, 'alone']]);
  // WATCH still applies when server commands are queued alongside.
  await r.watch('tx');
  await n.client().set('tx', 'changed');
  assert.is(await r.multi().ping().set('tx', 'mine').exec(), null);
  assert.is(await r.get('tx'), 'changed');
});

node('WATCH decides EXEC even when only server commands are queued: writes, FLUSHALL, EXPIRE and expiry touch, stale keys do not', async ({ n }) => {
  const r = n.client(), other = n.client();
  const watchThen = async (key: string, between: () => Promise<unknown>) => {
    await r.watch(key);
    await between();
    return r.multi().ping().exec();
  };
  await r.set('x', '30');
  assert.is(await watchThen('x', () => other.set('x', '40')), null, 'a write by another client aborts MULTI PING EXEC');
  assert.equal(await watchThen('x', async () => {}), [[null, 'PONG']], 'an untouched key lets it run');
  assert.is(await watchThen('x', () => other.flushall()), null, 'FLUSHALL touches a watched key that existed');
  assert.equal(await watchThen('x', () => other.flushall()), [[null, 'PONG']], 'FLUSHALL does not touch a key that was missing');
  await r.set('x', 'foo');
  assert.is(await watchThen('x', () => other.expire('x', 10)), null, 'EXPIRE touches the key');
  await r.set('x', 'foo', 'PX', 1);
  await waitFor('x to be past its expiry', async () => ((await other.pttl('x')) === -2 ? true : null));
  assert.equal(await watchThen('x', () => other.exists('x')), [[null, 'PONG']], 'a key watched when already expired is watched as missing');
  await r.set('x', 'foo', 'PX', 300);
  assert.is(await watchThen('x', () => waitFor('x to expire', async () => ((await other.exists('x')) === 0 ? true : null))), null, 'a watched key that expires aborts');
  assert.equal(await r.multi().exec(), [], 'MULTI EXEC with nothing watched and nothing queued');
});

node('redis-cli: PING, SET/GET, INFO, COMMAND, CONFIG GET', ({ n }) => {
  assert.is(redisCli(n.port, 'PING').trim(), 'PONG');
  assert.is(redisCli(n.port, 'SET', 'cli', 'hello world').trim(), 'OK');
  assert.is(redisCli(n.port, 'GET', 'cli').trim(), 'hello world');
  const info = redisCli(n.port, 'INFO', 'server');
  assert.match(info, /# Server/);
  assert.match(info, /redis_version:7\.0\.15/);
  assert.match(info, new RegExp(`tcp_port:${n.port}`));
  assert.ok(Number(redisCli(n.port, 'COMMAND', 'COUNT').trim()) > 40);
  assert.equal(redisCli(n.port, 'CONFIG', 'GET', 'port').trim().split('\n'), ['port', String(n.port)]);
  assert.match(redisCli(n.port, 'COMMAND', 'DOCS', 'get'), /Returns the string value of a key/);
});

node('raw socket: inline commands with quoting, pipelined with multibulk', async ({ n }) => {
  const c = await RawClient.open(n.port);
  const expected = '+OK\r\n$7\r\na b\n"c"\r\n+PONG\r\n$3\r\nxyz\r\n';
  const got = await c.roundTrip('SET q "a b\\n\\"c\\""\r\nGET q\r\n*1\r\n$4\r\nPING\r\nECHO \'xyz\'\r\n', expected);
  assert.is(got, expected);
  c.close();
});

node('raw socket: a protocol error is answered, then the connection closes', async ({ n }) => {
  const c = await RawClient.open(n.port);
  c.send('*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n+oops\r\n*1\r\n$4\r\nPING\r\n');
  const expected = "+PONG\r\n-ERR Protocol error: expected '$', got '+'\r\n";
  assert.is(await c.read(expected.length), expected);
  assert.ok(await c.waitClosed(), 'connection closed after the protocol error');
  const d = await RawClient.open(n.port);
  assert.is(await d.roundTrip('*-5\r\n*1\r\n$-1\r\n', '-ERR Protocol error: invalid bulk length\r\n'), '-ERR Protocol error: invalid bulk length\r\n');
  assert.ok(await d.waitClosed());
});

node('HELLO 3 switches to RESP3; HELLO 2 back', async ({ n }) => {
  const c = await RawClient.open(n.port);
  c.send('HELLO 3\r\n');
  const head = await c.read(3);
  assert.is(head, '%7\r');
  const rest = await c.read(1);
  assert.is(rest, '\n');
  // Drain the map: 7 key/value pairs; read until 'modules' value (empty array).
  let buf = '';
  while (!buf.endsWith('$7\r\nmodules\r\n*0\r\n')) buf += await c.read(1);
  assert.match(buf, /\$5\r\nproto\r\n:3\r\n/);
  assert.is(await c.roundTrip('GET nothing-here\r\n', '_\r\n'), '_\r\n');
  c.send('HELLO 2\r\n');
  let buf2 = '';
  while (!buf2.endsWith('$7\r\nmodules\r\n*0\r\n')) buf2 += await c.read(1);
  assert.ok(buf2.startsWith('*14\r\n'));
  assert.is(await c.roundTrip('GET nothing-here\r\n', '$-1\r\n'), '$-1\r\n');
  assert.is(await c.roundTrip('HELLO 4\r\n', '-NOPROTO unsupported protocol version\r\n'), '-NOPROTO unsupported protocol version\r\n');
  c.close();
});

node('QUIT answers OK and closes; SELECT only database 0', async ({ n }) => {
  const c = await RawClient.open(n.port);
  assert.is(await c.roundTrip('SELECT 0\r\n', '+OK\r\n'), '+OK\r\n');
  const sel = await c.roundTrip('SELECT 1\r\n', '-ERR SELECT is not allowed: a Raft-replicated node serves database 0 only\r\n');
  assert.match(sel, /^-ERR SELECT is not allowed/);
  assert.is(await c.roundTrip('SELECT 99\r\n', '-ERR DB index is out of range\r\n'), '-ERR DB index is out of range\r\n');
  assert.is(await c.roundTrip('QUIT\r\nPING\r\n', '+OK\r\n'), '+OK\r\n');
  assert.ok(await c.waitClosed());
});

node('CLIENT SETNAME/GETNAME/ID/LIST/SETINFO', async ({ n }) => {
  const r = n.client();
  assert.is(await r.client('SETNAME', 'tester'), 'OK');
  assert.is(await r.client('GETNAME'), 'tester');
  const id = await r.client('ID');
  assert.ok(Number(id) > 0);
  assert.is(await r.call('CLIENT', 'SETINFO', 'LIB-NAME', 'mylib'), 'OK');
  const list = String(await r.client('LIST'));
  assert.match(list, new RegExp(`id=${id} .*name=tester .*lib-name=mylib`));
  await rejects(() => r.client('SETNAME', 'bad name'), /Client names cannot contain spaces/);
});

node('CONFIG SET changes runtime options, refuses start-only ones and bad values', async ({ n }) => {
  const r = n.client();
  assert.is(await r.config('SET', 'maxclients', '500'), 'OK');
  assert.equal(await r.config('GET', 'maxclients'), ['maxclients', '500']);
  await rejects(() => r.config('SET', 'port', '1234'), /can't set immutable config/);
  await rejects(() => r.config('SET', 'maxclients', 'lots'), /CONFIG SET failed \(possibly related to argument 'maxclients'\)/);
  await rejects(() => r.config('SET', 'nope', '1'), /Unknown option or number of arguments for CONFIG SET - 'nope'/);
  assert.equal(await r.config('GET', 'maxclients'), ['maxclients', '500']);
  const all = (await r.config('GET', '*')) as string[];
  for (const name of ['save', 'appendonly', 'bind', 'dbfilename']) assert.ok(all.includes(name), name);
});

node.run();

const auth = suite<{ n: NodeProcess }>('requirepass');
auth.before(async (ctx) => { ctx.n = await startInitializedNode(['--requirepass', 's3cret']); });
auth.after(async (ctx) => { await ctx.n.stop(); });

auth('commands need AUTH; wrong passwords are refused; HELLO AUTH works', async ({ n }) => {
  const c = await RawClient.open(n.port);
  assert.is(await c.roundTrip('GET k\r\n', '-NOAUTH Authentication required.\r\n'), '-NOAUTH Authentication required.\r\n');
  const wrong = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
  assert.is(await c.roundTrip('AUTH nope\r\n', wrong), wrong);
  assert.is(await c.roundTrip('AUTH s3cret\r\n', '+OK\r\n'), '+OK\r\n');
  assert.is(await c.roundTrip('GET k\r\n', '$-1\r\n'), '$-1\r\n');
  c.close();
  const good = n.client({ password: 's3cret' });
  assert.is(await good.set('a', 'b'), 'OK');
  assert.is(redisCli(n.port, '-a', 's3cret', '--no-auth-warning', 'GET', 'a').trim(), 'b');
  const d = await RawClient.open(n.port);
  d.send('HELLO 2 AUTH default s3cret\r\n');
  assert.is(await d.read(5), '*14\r\n');
  d.close();
});

auth('unauthenticated clients cannot send large requests', async ({ n }) => {
  const c = await RawClient.open(n.port);
  const expected = '-ERR Protocol error: unauthenticated multibulk length\r\n';
  assert.is(await c.roundTrip('*100\r\n', expected), expected);
  assert.ok(await c.waitClosed());
});

auth.run();
