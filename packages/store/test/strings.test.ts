import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store } from '../src/index.js';

let now = 1_700_000_000_000;
function run(store: Store, ...args: (string | Buffer)[]): string {
  const argv = args.map((a) => (typeof a === 'string' ? Buffer.from(a) : a));
  return encodeReply(store.execute(argv, { nowMs: now, seed: 1 }), 2).toString('latin1');
}

test('GET/SET basics, binary values, unknown command and arity errors', () => {
  const s = new Store();
  assert.is(run(s, 'GET', 'k'), '$-1\r\n');
  assert.is(run(s, 'SET', 'k', Buffer.from([0, 255, 13, 10])), '+OK\r\n');
  assert.is(run(s, 'get', 'k'), '$4\r\n\0\xff\r\n\r\n');
  assert.is(run(s, 'GET'), "-ERR wrong number of arguments for 'get' command\r\n");
  assert.is(run(s, 'NOPE', 'a'), "-ERR unknown command 'NOPE', with args beginning with: 'a' \r\n");
});

test('SET options: NX, XX, GET, EX/PX/EXAT/PXAT, KEEPTTL and their errors', () => {
  const s = new Store();
  assert.is(run(s, 'SET', 'k', 'v', 'XX'), '$-1\r\n');
  assert.is(run(s, 'SET', 'k', 'v', 'NX'), '+OK\r\n');
  assert.is(run(s, 'SET', 'k', 'w', 'NX'), '$-1\r\n');
  assert.is(run(s, 'SET', 'k', 'w', 'NX', 'GET'), '$1\r\nv\r\n');
  assert.is(run(s, 'SET', 'k', 'x', 'XX', 'GET', 'EX', '10'), '$1\r\nv\r\n');
  assert.is(run(s, 'TTL', 'k'), ':10\r\n');
  assert.is(run(s, 'SET', 'k', 'y', 'KEEPTTL'), '+OK\r\n');
  assert.is(run(s, 'PTTL', 'k'), ':10000\r\n');
  assert.is(run(s, 'SET', 'k', 'z'), '+OK\r\n');
  assert.is(run(s, 'TTL', 'k'), ':-1\r\n');
  assert.is(run(s, 'SET', 'k', 'v', 'NX', 'XX'), '-ERR syntax error\r\n');
  assert.is(run(s, 'SET', 'k', 'v', 'EX', '1', 'PX', '1'), '-ERR syntax error\r\n');
  assert.is(run(s, 'SET', 'k', 'v', 'EX'), '-ERR syntax error\r\n');
  assert.is(run(s, 'SET', 'k', 'v', 'EX', 'abc'), '-ERR value is not an integer or out of range\r\n');
  assert.is(run(s, 'SET', 'k', 'v', 'EX', '0'), "-ERR invalid expire time in 'set' command\r\n");
  assert.is(run(s, 'SET', 'k', 'v', 'PXAT', String(now + 5000)), '+OK\r\n');
  assert.is(run(s, 'PTTL', 'k'), ':5000\r\n');
});

test('expiry is decided by the entry clock: expired keys are absent', () => {
  const s = new Store();
  run(s, 'SET', 'k', 'v', 'PX', '100');
  now += 99;
  assert.is(run(s, 'GET', 'k'), '$1\r\nv\r\n');
  now += 1;
  assert.is(run(s, 'GET', 'k'), '$-1\r\n');
  assert.is(run(s, 'EXISTS', 'k'), ':0\r\n');
  assert.is(run(s, 'TTL', 'k'), ':-2\r\n');
  assert.equal(s.expiredKeys(now, 10).map(String), ['k']);
  assert.is(run(s, 'SET', 'k', 'again'), '+OK\r\n');
  assert.is(run(s, 'TTL', 'k'), ':-1\r\n');
});

test('INCR family: overflow, non-integers, bigints', () => {
  const s = new Store();
  assert.is(run(s, 'INCR', 'n'), ':1\r\n');
  assert.is(run(s, 'INCRBY', 'n', '-11'), ':-10\r\n');
  assert.is(run(s, 'DECRBY', 'n', '5'), ':-15\r\n');
  assert.is(run(s, 'DECR', 'n'), ':-16\r\n');
  run(s, 'SET', 'n', '9223372036854775806');
  assert.is(run(s, 'INCR', 'n'), ':9223372036854775807\r\n');
  assert.is(run(s, 'INCR', 'n'), '-ERR increment or decrement would overflow\r\n');
  assert.is(run(s, 'GET', 'n'), '$19\r\n9223372036854775807\r\n');
  assert.is(run(s, 'DECRBY', 'n', '-9223372036854775808'), '-ERR decrement would overflow\r\n');
  for (const bad of [' 1', '01', '+1', '1.0', '', '-0', '99999999999999999999']) {
    run(s, 'SET', 'b', bad);
    assert.is(run(s, 'INCR', 'b'), '-ERR value is not an integer or out of range\r\n', JSON.stringify(bad));
  }
  assert.is(run(s, 'INCRBY', 'n', 'x'), '-ERR value is not an integer or out of range\r\n');
});

test('INCRBYFLOAT formats like Redis', () => {
  const s = new Store();
  assert.is(run(s, 'INCRBYFLOAT', 'f', '10.5'), '$4\r\n10.5\r\n');
  assert.is(run(s, 'INCRBYFLOAT', 'f', '0.1'), '$4\r\n10.6\r\n');
  assert.is(run(s, 'INCRBYFLOAT', 'f', '-10.6'), '$1\r\n0\r\n');
  assert.is(run(s, 'INCRBYFLOAT', 'f', '5.0e3'), '$4\r\n5000\r\n');
  assert.is(run(s, 'INCRBYFLOAT', 'f', 'abc'), '-ERR value is not a valid float\r\n');
  assert.is(run(s, 'INCRBYFLOAT', 'f', 'inf'), '-ERR increment would produce NaN or Infinity\r\n');
});

test('MSET/MGET/MSETNX, APPEND, STRLEN, GETRANGE, SETRANGE, GETDEL, GETEX, GETSET', () => {
  const s = new Store();
  assert.is(run(s, 'MSET', 'a', '1', 'b', '2'), '+OK\r\n');
  assert.is(run(s, 'MSET', 'a', '1', 'b'), "-ERR wrong number of arguments for 'mset' command\r\n");
  assert.is(run(s, 'MGET', 'a', 'x', 'b'), '*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n');
  assert.is(run(s, 'MSETNX', 'c', '3', 'a', '9'), ':0\r\n');
  assert.is(run(s, 'EXISTS', 'c'), ':0\r\n');
  assert.is(run(s, 'APPEND', 'a', 'hello'), ':6\r\n');
  assert.is(run(s, 'STRLEN', 'a'), ':6\r\n');
  assert.is(run(s, 'GETRANGE', 'a', '1', '-2'), '$4\r\nhell\r\n');
  assert.is(run(s, 'GETRANGE', 'a', '-1', '-5'), '$0\r\n\r\n');
  assert.is(run(s, 'GETRANGE', 'a', '0', '100'), '$6\r\n1hello\r\n');
  assert.is(run(s, 'SETRANGE', 'z', '3', 'ab'), ':5\r\n');
  assert.is(run(s, 'GET', 'z'), '$5\r\n\0\0\0ab\r\n');
  assert.is(run(s, 'SETRANGE', 'z', '-1', 'ab'), '-ERR offset is out of range\r\n');
  assert.is(run(s, 'SETRANGE', 'missing', '5', ''), ':0\r\n');
  assert.is(run(s, 'EXISTS', 'missing'), ':0\r\n');
  assert.is(run(s, 'GETSET', 'b', 'new'), '$1\r\n2\r\n');
  assert.is(run(s, 'GETEX', 'b', 'EX', '100'), '$3\r\nnew\r\n');
  assert.is(run(s, 'TTL', 'b'), ':100\r\n');
  assert.is(run(s, 'GETEX', 'b', 'PERSIST'), '$3\r\nnew\r\n');
  assert.is(run(s, 'TTL', 'b'), ':-1\r\n');
  assert.is(run(s, 'GETDEL', 'b'), '$3\r\nnew\r\n');
  assert.is(run(s, 'GETDEL', 'b'), '$-1\r\n');
});

test('key commands: DEL, EXISTS counts repeats, TYPE, RENAME, EXPIRE options, KEYS glob', () => {
  const s = new Store();
  run(s, 'MSET', 'a', '1', 'b', '2', 'hello', 'x', 'hallo', 'y', 'hxllo', 'z');
  assert.is(run(s, 'EXISTS', 'a', 'a', 'nope'), ':2\r\n');
  assert.is(run(s, 'TYPE', 'a'), '+string\r\n');
  assert.is(run(s, 'TYPE', 'nope'), '+none\r\n');
  assert.is(run(s, 'DEL', 'a', 'nope'), ':1\r\n');
  assert.is(run(s, 'RENAME', 'nope', 'x'), '-ERR no such key\r\n');
  run(s, 'EXPIRE', 'b', '50');
  assert.is(run(s, 'RENAME', 'b', 'c'), '+OK\r\n');
  assert.is(run(s, 'TTL', 'c'), ':50\r\n');
  assert.is(run(s, 'RENAMENX', 'c', 'hello'), ':0\r\n');
  assert.is(run(s, 'EXPIRE', 'c', '10', 'GT'), ':0\r\n');
  assert.is(run(s, 'EXPIRE', 'c', '10', 'LT'), ':1\r\n');
  assert.is(run(s, 'EXPIRE', 'c', '10', 'NX'), ':0\r\n');
  assert.is(run(s, 'EXPIRE', 'hello', '10', 'XX'), ':0\r\n');
  assert.is(run(s, 'EXPIRE', 'c', '10', 'NX', 'XX'), '-ERR NX and XX, GT or LT options at the same time are not compatible\r\n');
  assert.is(run(s, 'EXPIRE', 'c', '10', 'GT', 'LT'), '-ERR GT and LT options at the same time are not compatible\r\n');
  assert.is(run(s, 'EXPIRE', 'c', '10', 'FOO'), '-ERR Unsupported option FOO\r\n');
  assert.is(run(s, 'EXPIRETIME', 'c'), `:${Math.floor((now + 10000) / 1000)}\r\n`);
  assert.is(run(s, 'PERSIST', 'c'), ':1\r\n');
  assert.is(run(s, 'EXPIRE', 'c', '-1'), ':1\r\n');
  assert.is(run(s, 'EXISTS', 'c'), ':0\r\n');
  const keys = (p: string) => run(s, 'KEYS', p).split('\r\n').filter((l) => l && !/^[*$]/.test(l)).sort();
  assert.equal(keys('h?llo'), ['hallo', 'hello', 'hxllo']);
  assert.equal(keys('h[ae]llo'), ['hallo', 'hello']);
  assert.equal(keys('h[^e]llo'), ['hallo', 'hxllo']);
  assert.equal(keys('h*'), ['hallo', 'hello', 'hxllo']);
  assert.is(run(s, 'DBSIZE'), ':3\r\n');
  assert.is(run(s, 'FLUSHDB'), '+OK\r\n');
  assert.is(run(s, 'DBSIZE'), ':0\r\n');
});

test('key versions change on every write and are equal on two stores fed the same commands', () => {
  const a = new Store(), b = new Store();
  const feed = (s: Store) => { run(s, 'SET', 'k', '1'); run(s, 'INCR', 'k'); run(s, 'SET', 'j', '1'); };
  feed(a); feed(b);
  assert.is(a.keyVersion(Buffer.from('k')), b.keyVersion(Buffer.from('k')));
  const before = a.keyVersion(Buffer.from('k'));
  run(a, 'APPEND', 'k', 'x');
  assert.is.not(a.keyVersion(Buffer.from('k')), before);
});

test('reads outside the log do not move the clock and cannot write', () => {
  const s = new Store();
  const at = (argv: string[], nowMs: number, readOnly = false) =>
    encodeReply(s.execute(argv.map((a) => Buffer.from(a)), { nowMs, seed: 1, readOnly }), 2).toString('latin1');
  at(['SET', 'k', 'v', 'PX', '100'], 1000);
  assert.is(at(['GET', 'k'], 1200, true), '$-1\r\n', 'a read at a later local time sees the key expired');
  assert.is(at(['PTTL', 'k'], 1050), ':50\r\n', 'but the next entry still runs at its own time');
  assert.match(at(['SET', 'k', 'x'], 1300, true), /^-ERR 'set' writes and cannot run as a read/);
});

test.run();
