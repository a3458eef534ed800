// Starting, refusing to start, stopping, and protecting the node from slow readers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startNode, startInitializedNode, runCli, freePort } from './lib/node-process.js';
import { RawClient } from './lib/raw-client.js';

const lifecycle = suite('lifecycle');

lifecycle('SIGTERM and SIGINT shut the node down with exit code 0', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const n = await startNode();
    const r = n.client();
    assert.is(await r.ping(), 'PONG');
    assert.is(await n.stop(signal), 0, signal);
    assert.match(n.output(), new RegExp(`received ${signal}, shutting down`));
  }
});

lifecycle('incompatible settings are refused at start with one line and exit 1', async () => {
  const port = String(await freePort());
  for (const [args, text] of [
    [['--appendonly', 'yes'], /'appendonly yes' cannot work with Raft replication.*set appendonly to no/],
    [['--save', '60 1'], /set save to ""/],
    [['--cluster-enabled', 'yes'], /set cluster-enabled to no/],
    [['--replicaof', '127.0.0.1 6379'], /replicaof/],
    [['--maxmemory-policy', 'allkeys-lru'], /set maxmemory-policy to noeviction/],
    [['--port', 'x'], /bad value for 'port'/],
    [['--dir', '/no/such/dir'], /dir '\/no\/such\/dir' does not exist/],
  ] as const) {
    const r = runCli(['server', '--port', port, ...args]);
    assert.is(r.code, 1, args.join(' '));
    assert.match(r.stderr, text);
    assert.is(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  }
});

lifecycle('the seed command line starts a node (loadmodule path ignored, module args read)', async () => {
  const n = await startNode(['--bind', '127.0.0.1', '--dbfilename', 'raft1.rdb', '--loadmodule', '/nowhere/redisraft.so',
    'raft-log-filename=raftlog1.db', 'addr=127.0.0.1:5001', 'persistence=no']);
  const r = n.client();
  assert.equal(await r.config('GET', 'dbfilename'), ['dbfilename', 'raft1.rdb']);
  assert.is(await n.stop(), 0);
});

lifecycle('a port in use is a clear error', async () => {
  const n = await startNode();
  const r = runCli(['server', '--port', String(n.port)]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /address already in use/);
  await n.stop();
});

lifecycle('--help on the CLI and on server', () => {
  const top = runCli(['--help']);
  assert.is(top.code, 0);
  assert.match(top.stdout + top.stderr, /server/);
  assert.match(top.stdout + top.stderr, /cluster/);
  const srv = runCli(['server', '--help']);
  assert.is(srv.code, 0);
  assert.match(srv.stdout + srv.stderr, /raft-log-filename=raftlog1.db/);
});

lifecycle('a client that never reads is disconnected past the output buffer limit', async () => {
  const n = await startInitializedNode(['--client-output-buffer-limit', 'normal 1mb 0 0']);
  const r = n.client();
  await r.set('big', Buffer.alloc(512 * 1024, 120));
  const c = await RawClient.open(n.port);
  c.socket.pause();
  c.send('GET big\r\n'.repeat(200));
  let closed = false;
  for (let i = 0; i < 100 && !closed; i++) {
    await new Promise((res) => setTimeout(res, 50));
    closed = c.socket.destroyed || c.closed || (await r.info('stats')).includes('client_output_buffer_limit_disconnections:1');
  }
  assert.match(await r.info('stats'), /client_output_buffer_limit_disconnections:1/);
  assert.is(await r.ping(), 'PONG', 'the node keeps serving others');
  c.close();
  await n.stop();
});

lifecycle.run();
