// Bitmaps and LCS, checked against the examples of Redis's documentation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store } from '../src/store.js';

const s = new Store();
const run = (...argv: string[]) => encodeReply(s.execute(argv.map((a) => Buffer.from(a, 'latin1')), { nowMs: 1, seed: 1 }), 2).toString('latin1');

test('SETBIT/GETBIT grow the string and answer the old bit', () => {
  assert.is(run('SETBIT', 'bm', '7', '1'), ':0\r\n');
  assert.is(run('SETBIT', 'bm', '7', '0'), ':1\r\n');
  assert.is(run('SETBIT', 'bm', '100', '1'), ':0\r\n');
  assert.is(run('STRLEN', 'bm'), ':13\r\n');
  assert.is(run('GETBIT', 'bm', '100'), ':1\r\n');
  assert.is(run('GETBIT', 'bm', '10000'), ':0\r\n');
  assert.is(run('SETBIT', 'bm', '-1', '1'), '-ERR bit offset is not an integer or out of range\r\n');
  assert.is(run('SETBIT', 'bm', '1', '2'), '-ERR bit is not an integer or out of range\r\n');
});

test('BITCOUNT and BITPOS with BYTE and BIT ranges', () => {
  run('SET', 'mykey', 'foobar');
  assert.is(run('BITCOUNT', 'mykey'), ':26\r\n');
  assert.is(run('BITCOUNT', 'mykey', '0', '0'), ':4\r\n');
  assert.is(run('BITCOUNT', 'mykey', '1', '1'), ':6\r\n');
  assert.is(run('BITCOUNT', 'mykey', '1', '1', 'BYTE'), ':6\r\n');
  assert.is(run('BITCOUNT', 'mykey', '5', '30', 'BIT'), ':17\r\n');
  run('SET', 'p', '\xff\xf0\x00');
  assert.is(run('BITPOS', 'p', '0'), ':12\r\n');
  run('SET', 'p', '\x00\xff\xf0');
  assert.is(run('BITPOS', 'p', '1', '0'), ':8\r\n');
  assert.is(run('BITPOS', 'p', '1', '2'), ':16\r\n');
  assert.is(run('BITPOS', 'p', '1', '2', '-1', 'BYTE'), ':16\r\n');
  assert.is(run('BITPOS', 'p', '1', '7', '15', 'BIT'), ':8\r\n');
  assert.is(run('BITPOS', 'p', '1', '7', '-3', 'BIT'), ':8\r\n');
  run('SET', 'z', '\x00\x00\x00');
  assert.is(run('BITPOS', 'z', '1'), ':-1\r\n');
  assert.is(run('BITPOS', 'nokey', '0'), ':0\r\n');
});

test('BITOP AND/OR/XOR/NOT pad with zeros and delete the target for empty results', () => {
  run('SET', 'k1', 'foobar');
  run('SET', 'k2', 'abcdef');
  assert.is(run('BITOP', 'AND', 'dest', 'k1', 'k2'), ':6\r\n');
  assert.is(run('GET', 'dest'), '$6\r\n`bc`ab\r\n');
  assert.is(run('BITOP', 'NOT', 'dest', 'k1', 'k2'), '-ERR BITOP NOT must be called with a single source key.\r\n');
  assert.is(run('BITOP', 'OR', 'dest', 'none1', 'none2'), ':0\r\n');
  assert.is(run('EXISTS', 'dest'), ':0\r\n');
});

test('BITFIELD: types, # offsets, overflow modes, BITFIELD_RO', () => {
  assert.is(run('BITFIELD', 'bf', 'INCRBY', 'i5', '100', '1', 'GET', 'u4', '0'), '*2\r\n:1\r\n:0\r\n');
  assert.is(run('BITFIELD', 'mk', 'INCRBY', 'u2', '100', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'u2', '102', '1'), '*2\r\n:1\r\n:1\r\n');
  for (const [a, b] of [[':2', ':2'], [':3', ':3'], [':0', ':3']]) {
    assert.is(run('BITFIELD', 'mk', 'INCRBY', 'u2', '100', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'u2', '102', '1'), `*2\r\n${a}\r\n${b}\r\n`);
  }
  assert.is(run('BITFIELD', 'mk', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '102', '1'), '*1\r\n$-1\r\n');
  assert.is(run('BITFIELD', 'f', 'SET', 'i8', '#1', '-100', 'GET', 'i8', '8', 'GET', 'u8', '#1'), '*3\r\n:0\r\n:-100\r\n:156\r\n');
  assert.is(run('BITFIELD_RO', 'f', 'GET', 'i8', '8'), '*1\r\n:-100\r\n');
  assert.is(run('BITFIELD_RO', 'f', 'SET', 'i8', '8', '1'), '-ERR BITFIELD_RO only supports the GET subcommand\r\n');
  assert.is(run('BITFIELD', 'f', 'GET', 'u64', '0'), '-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n');
  assert.is(run('BITFIELD', 'f', 'OVERFLOW', 'MAYBE'), '-ERR Invalid OVERFLOW type specified\r\n');
  assert.is(run('BITFIELD', 'g', 'SET', 'i64', '0', '9223372036854775807', 'INCRBY', 'i64', '0', '1'), '*2\r\n:0\r\n:-9223372036854775808\r\n');
});

test('LCS: string, LEN, IDX with MINMATCHLEN and WITHMATCHLEN', () => {
  run('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext');
  assert.is(run('LCS', 'key1', 'key2'), '$6\r\nmytext\r\n');
  assert.is(run('LCS', 'key1', 'key2', 'LEN'), ':6\r\n');
  assert.is(run('LCS', 'key1', 'key2', 'IDX'), '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n');
  assert.is(run('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'), '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n');
  assert.is(run('LCS', 'key1', 'key2', 'IDX', 'LEN'), '-ERR If you want both the length and indexes, please just use IDX.\r\n');
  run('RPUSH', 'lst', 'a');
  assert.is(run('LCS', 'key1', 'lst'), '-ERR The specified keys must contain string values\r\n');
});

test.run();
