// The benchmark's latency histogram: exact below 256, within 1/128 above, mergeable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Histogram, MAX_VALUE } from '../src/bench/histogram.js';

const within = (actual: number, expected: number, rel: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= expected * rel, `${what}: ${actual} is not within ${rel * 100}% of ${expected}`);

test('an empty histogram has no percentiles', () => {
  const h = new Histogram();
  assert.is(h.count, 0);
  assert.ok(Number.isNaN(h.percentile(50)));
  assert.ok(Number.isNaN(h.mean()));
});

test('small values are exact: percentiles of 1..100', () => {
  const h = new Histogram();
  for (let v = 100; v >= 1; v--) h.record(v);
  assert.is(h.count, 100);
  assert.is(h.min, 1);
  assert.is(h.max, 100);
  assert.is(h.percentile(0), 1);
  assert.is(h.percentile(50), 50);
  assert.is(h.percentile(99), 99);
  assert.is(h.percentile(99.9), 100);
  assert.is(h.percentile(100), 100);
  assert.is(h.mean(), 50.5);
});

test('latencies in ns, 1 us to 10 ms: percentiles within 1%', () => {
  const h = new Histogram();
  for (let i = 1; i <= 10_000; i++) h.record(i * 1_000);
  within(h.percentile(50), 5_000_000, 0.01, 'p50');
  within(h.percentile(99), 9_900_000, 0.01, 'p99');
  within(h.percentile(99.9), 9_990_000, 0.01, 'p99.9');
  assert.is(h.percentile(100), 10_000_000);
  assert.is(h.percentile(0), 1_000);
});

test('a long tail: p50 stays low, p99 and p99.9 find the slow requests', () => {
  const h = new Histogram();
  for (let i = 0; i < 9_890; i++) h.record(200_000); // 0.2 ms
  for (let i = 0; i < 100; i++) h.record(5_000_000); // 5 ms
  for (let i = 0; i < 10; i++) h.record(2_000_000_000); // 2 s
  within(h.percentile(50), 200_000, 0.01, 'p50');
  within(h.percentile(99), 5_000_000, 0.01, 'p99');
  within(h.percentile(99.9), 5_000_000, 0.01, 'p99.9');
  within(h.percentile(99.95), 2_000_000_000, 0.01, 'p99.95');
  assert.is(h.max, 2_000_000_000);
});

test('values past 2^32 are kept; beyond the range they count as the largest value', () => {
  const h = new Histogram();
  h.record(2 ** 40 + 12345);
  h.record(1e300);
  h.record(-5); // a clock step back counts as 0
  assert.is(h.count, 3);
  assert.is(h.min, 0);
  within(h.percentile(50), 2 ** 40, 0.01, '2^40');
  assert.is(h.percentile(100), MAX_VALUE);
});

test('a value is within 1/128 of its bucket everywhere', () => {
  for (let v = 1; v < 1e12; v = Math.ceil(v * 1.37) + 1) {
    const h = new Histogram();
    h.record(v);
    h.record(v); // min = max = v, so percentile clamps to v: check the bucket through a neighbour instead
    const g = new Histogram();
    g.record(0);
    g.record(v);
    g.record(v * 4);
    within(g.percentile(50), v, 1 / 128, `value ${v}`);
    assert.is(h.percentile(50), v);
  }
});

test('merge adds counts, min, max and sum', () => {
  const a = new Histogram(), b = new Histogram();
  for (let i = 1; i <= 50; i++) a.record(i);
  for (let i = 51; i <= 100; i++) b.record(i);
  a.merge(b);
  assert.is(a.count, 100);
  assert.is(a.min, 1);
  assert.is(a.max, 100);
  assert.is(a.percentile(50), 50);
  assert.is(a.mean(), 50.5);
});

test.run();
