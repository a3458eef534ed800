import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addLongDouble, formatLongDouble17, parseLongDouble, type LongDouble } from '../src/long-double.js';

const ld = (t: string) => parseLongDouble(t) as LongDouble;
const sum = (a: string, b: string) => formatLongDouble17(addLongDouble(ld(a), ld(b)));

// Expected strings are what redis-server 7.0.15 (x87 long double) answers to INCRBYFLOAT.
test('sums print exactly as Redis prints its long doubles', () => {
  assert.is(sum('1001301', '5.0e-3'), '1001301.00499999999999545');
  assert.is(sum('10.5', '0.1'), '10.6');
  assert.is(sum('-9223372036854775807', '1.5'), '-9223372036854775805.5');
  assert.is(sum('0', '5000'), '5000');
  assert.is(sum('3', '1.5'), '4.5');
  assert.is(sum('0x105678901234567890', '1.5'), '301378793671681800320');
});

test('what strtold and Redis refuse', () => {
  for (const bad of ['', ' 1', '1 ', 'x', '.', 'e5', '0x', 'nan', '1e5000', '1e-5000', '1.2.3']) assert.is(parseLongDouble(bad), null, JSON.stringify(bad));
  for (const inf of ['inf', '-inf', '+Infinity']) assert.is(parseLongDouble(inf), 'inf');
  assert.ok(parseLongDouble('.5') !== null);
  assert.ok(parseLongDouble('5.') !== null);
});

test.run();
