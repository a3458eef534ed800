// The store's side of blocking commands: one attempt, Redis's reply shapes and argument errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store } from '../src/store.js';
import { parseBlockTimeout } from '../src/t-blocking.js';

const s = new Store();
const run = (...argv: string[]) => encodeReply(s.execute(argv.map((a) => Buffer.from(a, 'latin1')), { nowMs: 1000, seed: 1 }), 2).toString('latin1');

test('an attempt pops when it can and answers as a timeout would otherwise', () => {
  assert.is(run('BLPOP', 'a', 'b', '0'), '*-1\r\n');
  run('RPUSH', 'b', 'x', 'y');
  assert.is(run('BLPOP', 'a', 'b', '0'), '*2\r\n$1\r\nb\r\n$1\r\nx\r\n');
  assert.is(run('BRPOP', 'b', '1.5'), '*2\r\n$1\r\nb\r\n$1\r\ny\r\n');
  assert.is(run('BLMOVE', 'b', 'c', 'LEFT', 'LEFT', '0'), '$-1\r\n');
  assert.is(run('BLMOVE', 'b', 'c', 'UP', 'LEFT', 'x'), '-ERR syntax error\r\n');
  run('ZADD', 'z', '1', 'm');
  assert.is(run('BZPOPMAX', 'z', '0'), '*3\r\n$1\r\nz\r\n$1\r\nm\r\n$1\r\n1\r\n');
  assert.is(run('BZMPOP', '0', '1', 'z', 'MIN'), '*-1\r\n');
  run('SET', 'str', 'v');
  assert.is(run('BLPOP', 'str', '0'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
});

test('timeouts: seconds as floats, Redis\'s errors', () => {
  const t = (x: string) => parseBlockTimeout(Buffer.from(x), 1000);
  assert.is(t('0'), 0);
  assert.is(t('1.5'), 1500);
  assert.is(t('0.0001'), 0);
  assert.equal(t('x'), { kind: 'error', message: 'ERR timeout is not a float or out of range' });
  assert.equal(t('-1'), { kind: 'error', message: 'ERR timeout is negative' });
  assert.is(run('BLPOP', 'a', ' 1'), '-ERR timeout is not a float or out of range\r\n');
});

test.run();
