import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store } from '../src/index.js';

const run = (s: Store, proto: 2 | 3, ...args: string[]) => encodeReply(s.execute(args.map((a) => Buffer.from(a)), { nowMs: 1, seed: 1 }), proto).toString('latin1');
const members = (reply: string) => reply.split('\r\n').filter((l) => l && !/^[*~$]/.test(l)).sort();

test('set algebra, STORE forms, SMOVE, SINTERCARD, RESP3 sets', () => {
  const s = new Store();
  assert.is(run(s, 2, 'SADD', 'a', 'x', 'y', 'z', 'x'), ':3\r\n');
  run(s, 2, 'SADD', 'b', 'y', 'z', 'w');
  assert.equal(members(run(s, 2, 'SINTER', 'a', 'b')), ['y', 'z']);
  assert.equal(members(run(s, 2, 'SUNION', 'a', 'b')), ['w', 'x', 'y', 'z']);
  assert.equal(members(run(s, 2, 'SDIFF', 'a', 'b')), ['x']);
  assert.ok(run(s, 3, 'SMEMBERS', 'a').startsWith('~3\r\n'), 'RESP3 set type');
  assert.is(run(s, 2, 'SINTERSTORE', 'c', 'a', 'nothing'), ':0\r\n');
  assert.is(run(s, 2, 'EXISTS', 'c'), ':0\r\n', 'an empty result stores nothing');
  assert.is(run(s, 2, 'SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'), ':1\r\n');
  assert.is(run(s, 2, 'SMOVE', 'a', 'b', 'x'), ':1\r\n');
  assert.is(run(s, 2, 'SISMEMBER', 'b', 'x'), ':1\r\n');
  assert.is(run(s, 2, 'SREM', 'a', 'y', 'z'), ':2\r\n');
  assert.is(run(s, 2, 'EXISTS', 'a'), ':0\r\n');
  assert.is(run(s, 2, 'TYPE', 'b'), '+set\r\n');
});

test.run();
