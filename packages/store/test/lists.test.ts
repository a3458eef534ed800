import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store } from '../src/index.js';
import { Deque } from '../src/deque.js';

const now = 1_700_000_000_000;
const run = (s: Store, ...args: string[]) => encodeReply(s.execute(args.map((a) => Buffer.from(a)), { nowMs: now, seed: 1 }), 2).toString('latin1');

test('deque: O(1) ends across growth and wrap-around, indexing, byte count', () => {
  const d = new Deque();
  const ref: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const v = Buffer.from(`v${i}`);
    if (i % 3 === 0) { d.pushLeft(v); ref.unshift(`v${i}`); } else { d.pushRight(v); ref.push(`v${i}`); }
    if (i % 7 === 0 && ref.length) assert.is(d.popLeft()!.toString(), ref.shift());
    if (i % 11 === 0 && ref.length) assert.is(d.popRight()!.toString(), ref.pop());
  }
  assert.equal(d.slice().map(String), ref);
  assert.is(new Deque().popRight(), undefined);
  assert.is(d.at(5).toString(), ref[5]);
  assert.is(d.bytes, ref.reduce((n, s) => n + s.length, 0));
});

test('push, pop with counts, range, index, set, insert, rem, trim', () => {
  const s = new Store();
  assert.is(run(s, 'RPUSH', 'l', 'a', 'b', 'c'), ':3\r\n');
  assert.is(run(s, 'LPUSH', 'l', 'z'), ':4\r\n');
  assert.is(run(s, 'LRANGE', 'l', '0', '-1'), '*4\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n');
  assert.is(run(s, 'LINDEX', 'l', '-1'), '$1\r\nc\r\n');
  assert.is(run(s, 'LSET', 'l', '1', 'A'), '+OK\r\n');
  assert.is(run(s, 'LSET', 'l', '9', 'A'), '-ERR index out of range\r\n');
  assert.is(run(s, 'LINSERT', 'l', 'BEFORE', 'b', 'x'), ':5\r\n');
  assert.is(run(s, 'LINSERT', 'l', 'AFTER', 'nope', 'x'), ':-1\r\n');
  assert.is(run(s, 'LREM', 'l', '0', 'x'), ':1\r\n');
  assert.is(run(s, 'LTRIM', 'l', '1', '-2'), '+OK\r\n');
  assert.is(run(s, 'LRANGE', 'l', '0', '-1'), '*2\r\n$1\r\nA\r\n$1\r\nb\r\n');
  assert.is(run(s, 'LPOP', 'l', '5'), '*2\r\n$1\r\nA\r\n$1\r\nb\r\n');
  assert.is(run(s, 'EXISTS', 'l'), ':0\r\n', 'an emptied list is deleted');
  assert.is(run(s, 'LPOP', 'l', '2'), '*-1\r\n');
  assert.is(run(s, 'LPOP', 'l'), '$-1\r\n');
  assert.is(run(s, 'SET', 'str', 'v'), '+OK\r\n');
  assert.is(run(s, 'LPUSH', 'str', 'x'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  assert.is(run(s, 'TYPE', 'l2'), '+none\r\n');
  run(s, 'RPUSH', 'l2', 'x');
  assert.is(run(s, 'TYPE', 'l2'), '+list\r\n');
});

test('LMOVE between lists and as a rotation keeping the TTL', () => {
  const s = new Store();
  run(s, 'RPUSH', 'src', '1', '2');
  assert.is(run(s, 'LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'), '$1\r\n1\r\n');
  assert.is(run(s, 'RPOPLPUSH', 'src', 'dst'), '$1\r\n2\r\n');
  assert.is(run(s, 'EXISTS', 'src'), ':0\r\n');
  assert.is(run(s, 'LRANGE', 'dst', '0', '-1'), '*2\r\n$1\r\n2\r\n$1\r\n1\r\n');
  run(s, 'RPUSH', 'one', 'x');
  run(s, 'EXPIRE', 'one', '100');
  assert.is(run(s, 'LMOVE', 'one', 'one', 'LEFT', 'RIGHT'), '$1\r\nx\r\n');
  assert.is(run(s, 'TTL', 'one'), ':100\r\n');
  assert.is(run(s, 'LMOVE', 'one', 'one', 'UP', 'RIGHT'), '-ERR syntax error\r\n');
});

test.run();
