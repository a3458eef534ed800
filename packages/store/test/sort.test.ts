// SORT and SORT_RO.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store } from '../src/store.js';

const s = new Store();
const run = (...argv: string[]) => encodeReply(s.execute(argv.map((a) => Buffer.from(a, 'latin1')), { nowMs: 1000, seed: 1 }), 2).toString('latin1');
const list = (...xs: (string | null)[]) => `*${xs.length}\r\n${xs.map((x) => (x === null ? '$-1\r\n' : `$${x.length}\r\n${x}\r\n`)).join('')}`;

test('numeric and ALPHA order, DESC, LIMIT', () => {
  run('RPUSH', 'l', '3', '10', '1', '2.5');
  assert.is(run('SORT', 'l'), list('1', '2.5', '3', '10'));
  assert.is(run('SORT', 'l', 'DESC'), list('10', '3', '2.5', '1'));
  assert.is(run('SORT', 'l', 'ALPHA'), list('1', '10', '2.5', '3'));
  assert.is(run('SORT', 'l', 'LIMIT', '1', '2'), list('2.5', '3'));
  run('RPUSH', 'bad', '1', 'x');
  assert.is(run('SORT', 'bad'), "-ERR One or more scores can't be converted into double\r\n");
  assert.is(run('SORT', 'missing'), '*0\r\n');
  run('SET', 'str', 'x');
  assert.is(run('SORT', 'str'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
});

test('BY weights and hash fields, GET patterns, BY nosort keeps the list order', () => {
  run('RPUSH', 'ids', '1', '2', '3');
  run('MSET', 'w_1', '30', 'w_2', '10', 'w_3', '20', 'name_1', 'one', 'name_3', 'three');
  run('HSET', 'obj_2', 'n', 'two');
  assert.is(run('SORT', 'ids', 'BY', 'w_*'), list('2', '3', '1'));
  assert.is(run('SORT', 'ids', 'BY', 'w_*', 'GET', '#', 'GET', 'name_*', 'GET', 'obj_*->n'),
    list('2', null, 'two', '3', 'three', null, '1', 'one', null));
  assert.is(run('SORT', 'ids', 'BY', 'nosort', 'DESC'), list('3', '2', '1'));
  assert.is(run('SORT_RO', 'ids', 'BY', 'w_*', 'LIMIT', '0', '1'), list('2'));
});

test('STORE writes a list (or deletes the target for an empty result); SORT_RO refuses STORE', () => {
  assert.is(run('SORT', 'l', 'STORE', 'out'), ':4\r\n');
  assert.is(run('LRANGE', 'out', '0', '-1'), list('1', '2.5', '3', '10'));
  assert.is(run('SORT', 'missing', 'STORE', 'out'), ':0\r\n');
  assert.is(run('EXISTS', 'out'), ':0\r\n');
  assert.is(run('SORT_RO', 'l', 'STORE', 'out'), '-ERR syntax error\r\n');
  run('SADD', 'set', 'b', 'a', 'c');
  assert.is(run('SORT', 'set', 'BY', 'nosort', 'STORE', 'out'), ':3\r\n');
  assert.is(run('LRANGE', 'out', '0', '-1'), list('a', 'b', 'c'), 'a set stored without sorting is sorted ALPHA');
});

test.run();
