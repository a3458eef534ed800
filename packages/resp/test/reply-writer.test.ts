import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply, ReplyWriter, formatDouble, OK, NIL, NIL_ARRAY, int, bulk, array, map, set, double, bool, verbatim, push, error, raw } from '../src/index.js';

const enc = (r: Parameters<typeof encodeReply>[0], p: 2 | 3 = 2) => encodeReply(r, p).toString('latin1');

test('RESP2 encodings', () => {
  assert.is(enc(OK), '+OK\r\n');
  assert.is(enc(error('ERR bad\r\nthing')), '-ERR bad thing\r\n');
  assert.is(enc(int(-5)), ':-5\r\n');
  assert.is(enc(int(2n ** 63n - 1n)), ':9223372036854775807\r\n');
  assert.is(enc(bulk(Buffer.from([0, 13, 10]))), '$3\r\n\0\r\n\r\n');
  assert.is(enc(NIL), '$-1\r\n');
  assert.is(enc(NIL_ARRAY), '*-1\r\n');
  assert.is(enc(array([int(1), array([bulk('a')])])), '*2\r\n:1\r\n*1\r\n$1\r\na\r\n');
  assert.is(enc(map([bulk('k'), int(1)])), '*2\r\n$1\r\nk\r\n:1\r\n');
  assert.is(enc(set([bulk('m')])), '*1\r\n$1\r\nm\r\n');
  assert.is(enc(double(1.1)), '$18\r\n1.1000000000000001\r\n');
  assert.is(enc(bool(true)), ':1\r\n');
  assert.is(enc(verbatim('x')), '$1\r\nx\r\n');
  assert.is(enc(push([bulk('a')])), '*1\r\n$1\r\na\r\n');
});

test('RESP3 encodings', () => {
  assert.is(enc(NIL, 3), '_\r\n');
  assert.is(enc(NIL_ARRAY, 3), '_\r\n');
  assert.is(enc(map([bulk('k'), int(1)]), 3), '%1\r\n$1\r\nk\r\n:1\r\n');
  assert.is(enc(set([bulk('m')]), 3), '~1\r\n$1\r\nm\r\n');
  assert.is(enc(double(2.5), 3), ',2.5\r\n');
  assert.is(enc(double(-Infinity), 3), ',-inf\r\n');
  assert.is(enc(bool(false), 3), '#f\r\n');
  assert.is(enc(verbatim('hello'), 3), '=9\r\ntxt:hello\r\n');
  assert.is(enc(push([bulk('a')]), 3), '>1\r\n$1\r\na\r\n');
  assert.is(enc(raw(Buffer.from('+X\r\n')), 3), '+X\r\n');
});

test('doubles print as C %.17g, like Redis 7.0', () => {
  const cases: [number, string][] = [
    [1.1, '1.1000000000000001'], [1.5, '1.5'], [0, '0'], [-0, '-0'], [100, '100'], [-2.5, '-2.5'],
    [1e20, '1e+20'], [1e-5, '1.0000000000000001e-05'], [0.0001, '0.0001'], [123456789012345678, '1.2345678901234568e+17'],
    [1e16, '10000000000000000'], [1e17, '1e+17'], [3.14159, '3.1415899999999999'], [Infinity, 'inf'], [-Infinity, '-inf'],
    [5e-324, '4.9406564584124654e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'],
  ];
  for (const [x, s] of cases) assert.is(formatDouble(x), s, String(x));
});

test('a pipelined batch is taken as few buffers; big bulks are not copied', () => {
  const w = new ReplyWriter();
  const big = Buffer.alloc(100_000, 1);
  w.write(OK, 2);
  w.write(bulk(big), 2);
  w.write(int(3), 2);
  assert.is(w.pendingBytes, 5 + 9 + 100_000 + 2 + 4);
  const parts = w.take();
  assert.ok(parts.includes(big));
  assert.is(Buffer.concat(parts).toString('latin1'), `+OK\r\n$100000\r\n${big.toString('latin1')}\r\n:3\r\n`);
  assert.is(w.pendingBytes, 0);
  assert.equal(w.take(), []);
});

test('many replies grow the buffer correctly', () => {
  const w = new ReplyWriter();
  let expected = '';
  for (let i = 0; i < 20000; i++) { w.write(bulk(`value-${i}`), 2); expected += `$${`value-${i}`.length}\r\nvalue-${i}\r\n`; }
  assert.is(Buffer.concat(w.take()).toString(), expected);
});

test.run();
