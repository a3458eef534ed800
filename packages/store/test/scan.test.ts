// SCAN's guarantee: a key present for the whole scan is returned, however
// the keyspace changes between steps; and the per-key forms.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store } from '../src/store.js';

const T = 1_700_000_000_000;
const run = (s: Store, ...argv: string[]) => encodeReply(s.execute(argv.map((a) => Buffer.from(a, 'latin1')), { nowMs: T, seed: 1 }), 2).toString('latin1');

function scanStep(s: Store, cursor: string, ...opts: string[]): { cursor: string; keys: string[] } {
  const r = s.execute(['SCAN', cursor, ...opts].map((a) => Buffer.from(a)), { nowMs: T, seed: 1 });
  if (r.kind !== 'array') throw new Error(`SCAN answered ${JSON.stringify(r)}`);
  const [c, keys] = r.items as [{ kind: 'bulk'; value: Buffer }, { kind: 'array'; items: { value: Buffer }[] }];
  return { cursor: c.value.toString(), keys: keys.items.map((k) => k.value.toString('latin1')) };
}

test('a key present for the whole scan is returned, while others come and go between steps', () => {
  const s = new Store();
  for (let i = 0; i < 5000; i++) run(s, 'SET', `stable:${i}`, 'x');
  for (let i = 0; i < 5000; i++) run(s, 'SET', `churn:${i}`, 'x');
  const seen = new Set<string>();
  let cursor = '0';
  let step = 0, added = 0;
  do {
    const r = scanStep(s, cursor, 'COUNT', String(1 + (step % 13)));
    r.keys.forEach((k) => seen.add(k));
    cursor = r.cursor;
    // Between steps: delete churn keys (some before the cursor, some after), add new ones, overwrite stable ones.
    for (let j = 0; j < 3; j++) run(s, 'DEL', `churn:${(step * 7 + j * 1331) % 5000}`);
    run(s, 'SET', `new:${added++}`, 'y');
    run(s, 'SET', `stable:${(step * 31) % 5000}`, 'changed');
    if (step % 50 === 0) run(s, 'FLUSHDB', 'bogus-arg');
    step++;
  } while (cursor !== '0');
  for (let i = 0; i < 5000; i++) assert.ok(seen.has(`stable:${i}`), `stable:${i} was missed`);
  assert.ok(step > 500, `the scan took many steps (${step})`);
});

test('SCAN: MATCH, TYPE, COUNT validation, invalid cursors, expired keys left out', () => {
  const s = new Store();
  run(s, 'SET', 'a1', 'x');
  run(s, 'RPUSH', 'l1', 'x');
  run(s, 'SET', 'gone', 'x', 'PX', '1');
  s.execute(['GET', 'a1'].map((a) => Buffer.from(a)), { nowMs: T + 10, seed: 0 });
  const all = scanStep(s, '0', 'COUNT', '100');
  assert.equal(all.keys.sort(), ['a1', 'l1']);
  assert.equal(scanStep(s, '0', 'MATCH', 'a*').keys, ['a1']);
  assert.equal(scanStep(s, '0', 'TYPE', 'LIST').keys, ['l1']);
  assert.equal(scanStep(s, '0', 'TYPE', 'nosuch').keys, []);
  assert.is(run(s, 'SCAN', 'x'), '-ERR invalid cursor\r\n');
  assert.is(run(s, 'SCAN', '0', 'COUNT', '0'), '-ERR syntax error\r\n');
  assert.is(run(s, 'SCAN', '0', 'COUNT', 'x'), '-ERR value is not an integer or out of range\r\n');
  assert.is(run(s, 'SCAN', '0', 'MATCH'), '-ERR syntax error\r\n');
});

test('HSCAN, SSCAN, ZSCAN: one step with cursor 0, MATCH on fields/members, missing key, wrong type', () => {
  const s = new Store();
  run(s, 'HSET', 'h', 'f1', 'v1', 'g2', 'v2');
  run(s, 'SADD', 'ints', '10', '-3', '7');
  run(s, 'ZADD', 'z', '2', 'b', '1.5', 'a');
  assert.is(run(s, 'HSCAN', 'h', '0'), '*2\r\n$1\r\n0\r\n*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\ng2\r\n$2\r\nv2\r\n');
  assert.is(run(s, 'HSCAN', 'h', '0', 'MATCH', 'g*'), '*2\r\n$1\r\n0\r\n*2\r\n$2\r\ng2\r\n$2\r\nv2\r\n');
  assert.is(run(s, 'SSCAN', 'ints', '0'), '*2\r\n$1\r\n0\r\n*3\r\n$2\r\n-3\r\n$1\r\n7\r\n$2\r\n10\r\n');
  assert.is(run(s, 'ZSCAN', 'z', '0'), '*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n');
  assert.is(run(s, 'SSCAN', 'missing', '0', 'BOGUS'), '*2\r\n$1\r\n0\r\n*0\r\n');
  assert.is(run(s, 'SSCAN', 'h', '0'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  assert.is(run(s, 'HSCAN', 'h', '0', 'TYPE', 'hash'), '-ERR syntax error\r\n');
});

test.run();
