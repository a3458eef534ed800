// COPY, MOVE, OBJECT.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store } from '../src/store.js';

const s = new Store();
const run = (...argv: string[]) => encodeReply(s.execute(argv.map((a) => Buffer.from(a, 'latin1')), { nowMs: 1000, seed: 1 }), 2).toString('latin1');

test('COPY copies value and expiry, refuses an existing target without REPLACE, and never shares the value', () => {
  run('RPUSH', 'src', 'a', 'b');
  run('PEXPIRE', 'src', '100000');
  assert.is(run('COPY', 'src', 'dst'), ':1\r\n');
  assert.is(run('LRANGE', 'dst', '0', '-1'), '*2\r\n$1\r\na\r\n$1\r\nb\r\n');
  assert.is(run('PTTL', 'dst'), ':100000\r\n');
  run('RPUSH', 'dst', 'c');
  assert.is(run('LLEN', 'src'), ':2\r\n');
  assert.is(run('COPY', 'src', 'dst'), ':0\r\n');
  assert.is(run('COPY', 'src', 'dst', 'REPLACE'), ':1\r\n');
  assert.is(run('LLEN', 'dst'), ':2\r\n');
  assert.is(run('COPY', 'src', 'src'), '-ERR source and destination objects are the same\r\n');
  assert.is(run('COPY', 'missing', 'x'), ':0\r\n');
  assert.is(run('COPY', 'src', 'x', 'DB', '0'), ':1\r\n');
  assert.match(run('COPY', 'src', 'y', 'DB', '3'), /^-ERR redisraft-wasm keeps a single database \(0\)/);
  assert.is(run('COPY', 'src', 'y', 'BOGUS'), '-ERR syntax error\r\n');
});

test('MOVE is refused clearly: one database', () => {
  run('SET', 'k', 'v');
  assert.match(run('MOVE', 'k', '1'), /^-ERR redisraft-wasm keeps a single database \(0\).*MOVE is not supported/);
  assert.is(run('MOVE', 'k', '0'), '-ERR source and destination objects are the same\r\n');
  assert.is(run('GET', 'k'), '$1\r\nv\r\n');
});

test('OBJECT ENCODING follows Redis 7.0: int/embstr/raw, quicklist, listpack/hashtable, intset, listpack/skiplist', () => {
  run('SET', 'i', '12345');
  run('SET', 'e', 'short text');
  run('SET', 'r', 'x'.repeat(45));
  run('SADD', 'si', '1', '2', '3');
  run('SADD', 'sh', 'a', '1');
  run('HSET', 'h', 'f', 'v');
  run('ZADD', 'z', '1', 'a');
  const enc = (k: string) => run('OBJECT', 'ENCODING', k);
  assert.is(enc('i'), '$3\r\nint\r\n');
  assert.is(enc('e'), '$6\r\nembstr\r\n');
  assert.is(enc('r'), '$3\r\nraw\r\n');
  assert.is(enc('src'), '$9\r\nquicklist\r\n');
  assert.is(enc('si'), '$6\r\nintset\r\n');
  assert.is(enc('sh'), '$9\r\nhashtable\r\n');
  assert.is(enc('h'), '$8\r\nlistpack\r\n');
  assert.is(enc('z'), '$8\r\nlistpack\r\n');
  assert.is(enc('missing'), '$-1\r\n');
  assert.is(run('OBJECT', 'REFCOUNT', 'i'), ':1\r\n');
  run('SET', 'small', '42');
  assert.is(run('OBJECT', 'REFCOUNT', 'small'), ':2147483647\r\n');
  assert.match(run('OBJECT', 'FREQ', 'i'), /^-ERR An LFU maxmemory policy is not selected/);
  assert.match(run('OBJECT', 'NOPE', 'i'), /^-ERR unknown subcommand or wrong number of arguments for 'NOPE'\. Try OBJECT HELP\./);
  assert.match(run('OBJECT', 'HELP'), /^\*\d+\r\n\+OBJECT <subcommand>/);
});

test.run();
