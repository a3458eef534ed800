// Memory accounting for INFO: every key's charge is returned when it goes, however it goes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Store } from '../src/store.js';

test('emptying collections, deleting, overwriting and expiring return every byte', () => {
  const s = new Store();
  const run = (...argv: string[]) => s.execute(argv.map((a) => Buffer.from(a)), { nowMs: 1000, seed: 1 });
  run('SADD', 's', 'a', 'b', 'c');
  run('HSET', 'h', 'f', 'v', 'g', 'w');
  run('RPUSH', 'l', 'x', 'y');
  run('ZADD', 'z', '1', 'm');
  run('SET', 'str', 'hello', 'PX', '10');
  run('SET', 'over', 'a');
  run('SET', 'over', 'a much longer value than before');
  assert.ok(s.memoryUsage() > 0);
  run('SREM', 's', 'a', 'b', 'c');
  run('HDEL', 'h', 'f', 'g');
  run('LPOP', 'l', '2');
  run('ZREM', 'z', 'm');
  run('DEL', 'over');
  s.execute([Buffer.from('GET'), Buffer.from('str')], { nowMs: 5000, seed: 1 });
  run('SET', 'gone', 'x');
  s.execute([Buffer.from('DEL'), Buffer.from('gone'), Buffer.from('str')], { nowMs: 5000, seed: 1 });
  assert.is(s.dbsize(), 0);
  assert.is(s.memoryUsage(), 0);
});

test.run();
