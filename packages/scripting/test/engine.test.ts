// The scripting engine over a real Store: budget stops undo every kind of
// write (in place, new keys, deletes, FLUSHALL), runs are deterministic,
// the cache and libraries move through the store's snapshot hooks, and the
// read/write classification the Raft executor relies on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { encodeReply, type Reply } from '@redisraft-wasm/resp';
import { Store, callWrites } from '@redisraft-wasm/store';
import { ScriptingEngine, scriptingCommands } from '../src/index.js';

async function setup(limit = 200_000): Promise<{ store: Store; run: (...argv: string[]) => string }> {
  const engine = await ScriptingEngine.create({ instructionLimit: () => limit, log: () => {} });
  const store = new Store({ extraCommands: scriptingCommands(engine) });
  engine.attach(store);
  const run = (...argv: string[]) => encodeReply(store.execute(argv.map((a) => Buffer.from(a)), { nowMs: 1_000_000, seed: 42 }), 2).toString('latin1');
  return { store, run };
}

test('a script stopped by its budget leaves no write behind: in-place changes, new keys, deletes, expiries, FLUSHALL', async () => {
  const { run } = await setup();
  run('SET', 's', 'before');
  run('RPUSH', 'l', 'a', 'b');
  run('HSET', 'h', 'f', '1');
  run('ZADD', 'z', '1', 'm');
  run('SET', 'gone', 'here');
  run('SET', 'ttl', 'x');
  const snapshot = () => [run('GET', 's'), run('LRANGE', 'l', '0', '-1'), run('HGETALL', 'h'), run('ZRANGE', 'z', '0', '-1', 'WITHSCORES'), run('GET', 'gone'), run('EXISTS', 'new'), run('PTTL', 'ttl'), run('DBSIZE')].join('');
  const before = snapshot();
  const scripts = [
    "redis.call('append', 's', '-more'); redis.call('rpush', 'l', 'c'); redis.call('hincrby', 'h', 'f', 5); redis.call('zincrby', 'z', 2, 'm'); redis.call('del', 'gone'); redis.call('set', 'new', '1'); redis.call('pexpire', 'ttl', 100000); while true do end",
    "redis.call('lpop', 'l'); redis.call('flushall'); redis.call('set', 's', 'after-flush'); redis.call('rpush', 'l', 'z'); while true do end",
    "redis.call('flushall'); redis.call('flushall'); redis.call('set', 'gone', 'again'); while true do end",
  ];
  for (const body of scripts) {
    assert.match(run('EVAL', body, '0'), /^-ERR Script exceeded the instruction limit/);
    assert.is(snapshot(), before, body);
  }
  // A script that errors (without running out) keeps its writes, as in Redis.
  assert.match(run('EVAL', "redis.call('set', 's', 'kept'); return redis.call('nosuch')", '0'), /^-ERR Unknown Redis command/);
  assert.is(run('GET', 's'), '$4\r\nkept\r\n');
});

test('runs are deterministic: the budget stops at the same point and random draws repeat for the same entry', async () => {
  const a = await setup(), b = await setup();
  const body = "local n = 0; for i = 1, 1e9 do n = n + 1; if i % 1000 == 0 then redis.call('incr', 'progress') end end";
  assert.is(a.run('EVAL', body, '0'), b.run('EVAL', body, '0'));
  assert.is(a.run('GET', 'progress'), '$-1\r\n', 'undone');
  const draws = "return {math.random(1e6), math.random(1e6), redis.call('srandmember', 'none')}";
  assert.is(a.run('EVAL', draws, '0'), b.run('EVAL', draws, '0'));
});

test('the script cache and function libraries travel in snapshots: a loaded store runs what the first one loaded', async () => {
  const a = await setup();
  const sha = a.run('SCRIPT', 'LOAD', "return 'x' .. ARGV[1]").split('\r\n')[1]!;
  assert.is(a.run('FUNCTION', 'LOAD', "#!lua name=l1\nredis.register_function('f1', function(k, a) return #k + #a end)"), '$2\r\nl1\r\n');
  const snap = a.store.beginSnapshot();
  assert.equal(snap.extensions.map(([n]) => n), ['scripts', 'functions']);
  const b = await setup();
  b.run('SCRIPT', 'LOAD', 'return 0');
  const loader = b.store.beginLoad();
  for (const [name, data] of snap.extensions) loader.extension(name, data);
  loader.finish(snap.clockMs, snap.keyClock);
  snap.close();
  assert.is(b.run('EVALSHA', sha, '0', 'y'), '$2\r\nxy\r\n');
  assert.is(b.run('SCRIPT', 'EXISTS', sha, 'f'.repeat(40)), '*2\r\n:1\r\n:0\r\n', 'only what the snapshot held');
  assert.is(b.run('FCALL', 'f1', '1', 'k', 'a', 'b'), ':3\r\n');
  // FLUSHALL keeps scripts and functions, as Redis does.
  b.run('FLUSHALL');
  assert.is(b.run('EVALSHA', sha, '0', 'z'), '$2\r\nxz\r\n');
});

test('read or write: no-writes scripts, *_RO commands and SCRIPT/FUNCTION reads stay out of the log; writes inside them are refused', async () => {
  const { store, run } = await setup();
  const writes = (...argv: string[]) => callWrites(store.spec(argv[0]!.toLowerCase())!, argv.map((a) => Buffer.from(a)));
  assert.ok(writes('EVAL', 'return 1', '0'));
  assert.not.ok(writes('EVAL', '#!lua flags=no-writes\nreturn 1', '0'));
  assert.ok(writes('EVAL', '#!lua\nreturn 1', '0'));
  assert.not.ok(writes('EVAL_RO', 'return 1', '0'));
  assert.ok(writes('SCRIPT', 'LOAD', 'return 1'));
  assert.not.ok(writes('SCRIPT', 'EXISTS', 'abc'));
  assert.ok(writes('FUNCTION', 'LOAD', 'x'));
  assert.not.ok(writes('FUNCTION', 'LIST'));
  run('FUNCTION', 'LOAD', "#!lua name=l\nredis.register_function{function_name='r', callback=function() return 1 end, flags={'no-writes'}}\nredis.register_function('w', function() return 2 end)");
  assert.not.ok(writes('FCALL', 'r', '0'));
  assert.ok(writes('FCALL', 'w', '0'));
  const read = (...argv: string[]): Reply => store.execute(argv.map((a) => Buffer.from(a)), { nowMs: 1, seed: 1, readOnly: true });
  assert.match(encodeReply(read('EVAL', "#!lua flags=no-writes\nreturn redis.call('set', 'a', 'b')", '0')).toString(), /^-ERR Write commands are not allowed from read-only scripts\. script: [0-9a-f]{40}, on @user_script:2\./);
  assert.match(encodeReply(read('EVAL_RO', '#!lua\nreturn 1', '0')).toString(), /^-ERR Can not execute a script with write flag using \*_ro command\./);
  assert.match(encodeReply(read('FCALL_RO', 'w', '0')).toString(), /^-ERR Can not execute a script with write flag using \*_ro command\./);
  // A read compiles into the local cache only: an applied EVALSHA of that script still misses on every node alike.
  const body = '#!lua flags=no-writes\nreturn 7';
  assert.is(encodeReply(read('EVAL', body, '0')).toString(), ':7\r\n');
  const sha = createHash('sha1').update(body).digest('hex');
  assert.match(run('EVALSHA', sha, '0'), /^-NOSCRIPT/);
  assert.is(encodeReply(read('EVALSHA', sha, '0')).toString(), ':7\r\n');
});

test.run();
