// Pub/Sub through a whole node server in this process (the single-node
// LocalExecutor path): wire bytes of confirmations and messages, the RESP2
// subscribed state, RESP3 pushes, program order behind replies still pending.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type Socket } from 'node:net';
import { replyEnd, type Reply } from '@redisraft-wasm/resp';
import { Notify, type CommandSpec } from '@redisraft-wasm/store';
import { LocalExecutor, NodeConfig, NodeServer, createLogger, type ClientSession, type Executor } from '../src/index.js';

/** A client reading whole replies off a socket. */
class Wire {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  closed = false;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.wake?.(); });
    socket.on('close', () => { this.closed = true; this.wake?.(); });
  }
  static open(port: number): Promise<Wire> {
    return new Promise((resolve) => { const s = connect(port, '127.0.0.1', () => resolve(new Wire(s))); });
  }
  send(...commands: string[][]): void {
    for (const c of commands) this.socket.write(`*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  }
  /** The next `n` replies, each as its raw text. */
  async waitClosed(): Promise<boolean> {
    const deadline = Date.now() + 5000;
    while (!this.closed && Date.now() < deadline) await new Promise<void>((r) => { this.wake = r; setTimeout(r, 50); });
    return this.closed;
  }
  async replies(n: number): Promise<string[]> {
    const out: string[] = [];
    const deadline = Date.now() + 5000;
    while (out.length < n) {
      const end = this.buf.length ? replyEnd(this.buf, 0) : -1;
      if (end > 0) {
        out.push(this.buf.toString('latin1', 0, end));
        this.buf = this.buf.subarray(end);
        continue;
      }
      if (this.closed || Date.now() > deadline) throw new Error(`got ${out.length} of ${n} replies: ${JSON.stringify(out)}`);
      await new Promise<void>((r) => { this.wake = r; setTimeout(r, 50); });
    }
    return out;
  }
  close(): void { this.socket.destroy(); }
}

const frame = (...xs: (string | number | null)[]) =>
  `*${xs.length}\r\n${xs.map((x) => (x === null ? '$-1\r\n' : typeof x === 'number' ? `:${x}\r\n` : `$${x.length}\r\n${x}\r\n`)).join('')}`;
const push = (...xs: (string | number | null)[]) => `>${frame(...xs).slice(1)}`;

/** Data commands answered a turn later, as a Raft node answers writes after the log. */
class LaterExecutor implements Executor {
  constructor(private readonly inner: LocalExecutor) {}
  execute(session: ClientSession, argv: Buffer[], spec: CommandSpec): Promise<Reply> {
    return new Promise((resolve) => setTimeout(() => resolve(this.inner.execute(session, argv)), 5));
  }
  transaction(session: ClientSession, commands: Buffer[][]): Promise<Reply> {
    return new Promise((resolve) => setTimeout(() => resolve(this.inner.transaction(session, commands)), 5));
  }
  watchVersion(session: ClientSession, key: Buffer): number { return this.inner.watchVersion(session, key); }
}

async function withServer(fn: (port: number, server: NodeServer) => Promise<void>, settings: Record<string, string> = {}): Promise<void> {
  const config = new NodeConfig();
  config.set('port', '0');
  for (const [k, v] of Object.entries(settings)) config.set(k, v);
  const server = new NodeServer({ config, logger: createLogger('warning', '', 'test'), version: 'test' });
  await server.start();
  try {
    await fn(server.port, server);
  } finally {
    await server.stop();
  }
}

test('RESP2: confirmations, messages and pmessages byte for byte; the receiver count', () => withServer(async (port) => {
  const sub = await Wire.open(port), pub = await Wire.open(port);
  sub.send(['SUBSCRIBE', 'a', 'b'], ['PSUBSCRIBE', 'a*']);
  assert.equal(await sub.replies(3), [frame('subscribe', 'a', 1), frame('subscribe', 'b', 2), frame('psubscribe', 'a*', 3)]);
  pub.send(['PUBLISH', 'a', 'hi'], ['PUBLISH', 'zz', 'x']);
  assert.equal(await pub.replies(2), [':2\r\n', ':0\r\n']);
  assert.equal(await sub.replies(2), [frame('message', 'a', 'hi'), frame('pmessage', 'a*', 'a', 'hi')]);
  sub.close(); pub.close();
}));

test('RESP2 subscribed state: only (P|S)(UN)SUBSCRIBE, PING, QUIT, RESET; PING answers ["pong", arg]; RESET leaves it', () => withServer(async (port) => {
  const c = await Wire.open(port);
  c.send(['SSUBSCRIBE', 's'], ['GET', 'k'], ['CONFIG', 'GET', 'x'], ['PING'], ['PING', 'hey'], ['PUBLISH', 'a', 'b'], ['NOPE'], ['GET']);
  const only = (cmd: string) => `-ERR Can't execute '${cmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n`;
  assert.equal(await c.replies(8), [
    frame('ssubscribe', 's', 1), only('get'), only('config|get'), frame('pong', ''), frame('pong', 'hey'), only('publish'),
    "-ERR unknown command 'NOPE', with args beginning with: \r\n", "-ERR wrong number of arguments for 'get' command\r\n",
  ]);
  c.send(['SUNSUBSCRIBE'], ['PING'], ['SUBSCRIBE', 'x'], ['RESET'], ['PING'], ['GET', 'k']);
  assert.equal(await c.replies(6), [frame('sunsubscribe', 's', 0), '+PONG\r\n', frame('subscribe', 'x', 1), '+RESET\r\n', '+PONG\r\n', '$-1\r\n']);
  c.send(['UNSUBSCRIBE'], ['PUNSUBSCRIBE'], ['SUNSUBSCRIBE']);
  assert.equal(await c.replies(3), [frame('unsubscribe', null, 0), frame('punsubscribe', null, 0), frame('sunsubscribe', null, 0)]);
  c.close();
}));

test('RESP3: push frames mixed with replies; PING stays +PONG; a self-published message comes before the count', () => withServer(async (port) => {
  const c = await Wire.open(port);
  c.send(['HELLO', '3']);
  await c.replies(1);
  c.send(['SUBSCRIBE', 'a'], ['SET', 'k', 'v'], ['PUBLISH', 'a', 'hi'], ['GET', 'k'], ['PING'], ['SPUBLISH', 'a', 'nobody'], ['UNSUBSCRIBE', 'a']);
  assert.equal(await c.replies(8), [push('subscribe', 'a', 1), '+OK\r\n', push('message', 'a', 'hi'), ':1\r\n', '$1\r\nv\r\n', '+PONG\r\n', ':0\r\n', push('unsubscribe', 'a', 0)]);
  c.close();
}));

test('PUBSUB introspection and CLIENT LIST counts', () => withServer(async (port) => {
  const s1 = await Wire.open(port), s2 = await Wire.open(port), q = await Wire.open(port);
  s1.send(['SUBSCRIBE', 'news', 'sport'], ['PSUBSCRIBE', 'n*']);
  s2.send(['SUBSCRIBE', 'news'], ['SSUBSCRIBE', '{x}s']);
  await s1.replies(3); await s2.replies(2);
  q.send(['PUBSUB', 'NUMSUB', 'news', 'sport', 'none'], ['PUBSUB', 'NUMPAT'], ['PUBSUB', 'CHANNELS', 'n*'], ['PUBSUB', 'SHARDCHANNELS'], ['PUBSUB', 'SHARDNUMSUB', '{x}s'],
    ['PUBSUB', 'NUMPAT', 'x'], ['PUBSUB', 'CHANNELS', 'a', 'b'], ['PUBSUB', 'FOO'], ['PUBSUB'], ['CLIENT', 'LIST']);
  const r = await q.replies(10);
  assert.equal(r.slice(0, 9), [
    frame('news', 2, 'sport', 1, 'none', 0), ':1\r\n', frame('news'), frame('{x}s'), frame('{x}s', 1),
    "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n", "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n",
    "-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n", "-ERR wrong number of arguments for 'pubsub' command\r\n",
  ]);
  const lines = r[9]!.split('\n').filter((l) => l.includes('id='));
  assert.ok(lines.some((l) => / flags=P .* sub=2 psub=1 ssub=0 /.test(l)), r[9]);
  assert.ok(lines.some((l) => / flags=P .* sub=1 psub=0 ssub=1 /.test(l)), r[9]);
  assert.ok(lines.some((l) => / flags=N .* sub=0 psub=0 ssub=0 /.test(l)), r[9]);
  s1.close();
  await new Promise((res) => setTimeout(res, 50));
  q.send(['PUBSUB', 'NUMSUB', 'news'], ['PUBSUB', 'NUMPAT']);
  assert.equal(await q.replies(2), [frame('news', 1), ':0\r\n'], 'a closed connection leaves no subscriptions');
  s2.close(); q.close();
}));

test('program order: (UN)SUBSCRIBE pipelined behind a PUBLISH still in the log acts after it, and commands behind them wait', () => withServer(async (port, server) => {
  server.executor = new LaterExecutor(server.executor as LocalExecutor);
  const c = await Wire.open(port);
  c.send(['HELLO', '3']);
  await c.replies(1);
  c.send(['SUBSCRIBE', 'a'], ['PUBLISH', 'a', 'one'], ['UNSUBSCRIBE', 'a'], ['PUBLISH', 'a', 'two'], ['SET', 'k', 'v'], ['SSUBSCRIBE', 's'], ['SPUBLISH', 's', 'three'], ['PUBSUB', 'NUMSUB', 'a']);
  assert.equal(await c.replies(10), [
    push('subscribe', 'a', 1), push('message', 'a', 'one'), ':1\r\n', push('unsubscribe', 'a', 0), ':0\r\n', '+OK\r\n',
    push('ssubscribe', 's', 1), push('smessage', 's', 'three'), ':1\r\n', frame('a', 0),
  ]);
  c.close();
}));

test('SUBSCRIBE inside MULTI runs at EXEC in its place, the data commands\' entry applied first (as Redis, which allows it there)', () => withServer(async (port, server) => {
  server.executor = new LaterExecutor(server.executor as LocalExecutor);
  const c = await Wire.open(port);
  c.send(['HELLO', '3']);
  await c.replies(1);
  c.send(['MULTI'], ['SUBSCRIBE', 'x'], ['SET', 'k', 'v'], ['EXEC'], ['PUBSUB', 'NUMSUB', 'x']);
  assert.equal(await c.replies(5), ['+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', `*2\r\n${push('subscribe', 'x', 1)}+OK\r\n`, frame('x', 1)]);
  c.close();
}));

test('CONFIG SET/GET notify-keyspace-events as Redis answers them', () => withServer(async (port, server) => {
  const c = await Wire.open(port);
  c.send(['CONFIG', 'SET', 'notify-keyspace-events', 'AKEn'], ['CONFIG', 'GET', 'notify-keyspace-events'], ['CONFIG', 'SET', 'notify-keyspace-events', 'KEq'], ['CONFIG', 'GET', 'notify-*']);
  assert.equal(await c.replies(4), [
    '+OK\r\n', frame('notify-keyspace-events', 'AKE'),
    "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n",
    frame('notify-keyspace-events', 'AKE'),
  ]);
  assert.is(server.store.events.flags & Notify.new, Notify.new, 'n is on although CONFIG GET hides it, as in Redis');
  c.close();
}));

test('`timeout` closes idle clients but not subscribers, as Redis', () => withServer(async (port) => {
  // The subscriber's last command comes before the idle client connects: whenever the idle one is closed, it was due too.
  const sub = await Wire.open(port);
  sub.send(['SUBSCRIBE', 'a']);
  await sub.replies(1);
  const idle = await Wire.open(port);
  assert.ok(await idle.waitClosed(), 'the idle client is closed');
  const pub = await Wire.open(port);
  pub.send(['PUBLISH', 'a', 'still here']);
  assert.equal(await pub.replies(1), [':1\r\n']);
  assert.equal(await sub.replies(1), [frame('message', 'a', 'still here')]);
  sub.close(); pub.close();
}, { timeout: '1' }));

test.run();
