import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store } from '../src/index.js';

const run = (s: Store, proto: 2 | 3, ...args: string[]) => encodeReply(s.execute(args.map((a) => Buffer.from(a)), { nowMs: 1, seed: 1 }), proto).toString('latin1');

test('hash basics, RESP3 map for HGETALL, errors and deletion when empty', () => {
  const s = new Store();
  assert.is(run(s, 2, 'HSET', 'h', 'a', '1', 'b', '2'), ':2\r\n');
  assert.is(run(s, 2, 'HSET', 'h', 'a', '9'), ':0\r\n');
  assert.is(run(s, 2, 'HGETALL', 'h'), '*4\r\n$1\r\na\r\n$1\r\n9\r\n$1\r\nb\r\n$1\r\n2\r\n');
  assert.is(run(s, 3, 'HGETALL', 'h'), '%2\r\n$1\r\na\r\n$1\r\n9\r\n$1\r\nb\r\n$1\r\n2\r\n');
  assert.is(run(s, 2, 'HINCRBY', 'h', 'b', '40'), ':42\r\n');
  assert.is(run(s, 2, 'HINCRBYFLOAT', 'h', 'b', '0.5'), '$4\r\n42.5\r\n');
  assert.is(run(s, 2, 'HINCRBY', 'h', 'b', '1'), '-ERR hash value is not an integer\r\n');
  assert.is(run(s, 2, 'HSET', 'h', 'odd'), "-ERR wrong number of arguments for 'hset' command\r\n");
  assert.is(run(s, 2, 'HDEL', 'h', 'a', 'b', 'zz'), ':2\r\n');
  assert.is(run(s, 2, 'EXISTS', 'h'), ':0\r\n');
  assert.is(run(s, 2, 'HINCRBY', 'h2', 'x', 'y'), '-ERR value is not an integer or out of range\r\n');
  assert.is(run(s, 2, 'EXISTS', 'h2'), ':0\r\n', 'a failed increment leaves no empty hash');
  run(s, 2, 'SET', 's', 'v');
  assert.is(run(s, 2, 'HGET', 's', 'f'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
});

test.run();
