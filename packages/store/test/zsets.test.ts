// Sorted sets: the skip list against a plain sorted-array model, and the
// commands' reply shapes (RESP2 and RESP3), errors and side effects.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store, commandKeys, seededRandom } from '../src/index.js';
import { ZSet, compareEntries, type LexRange, type ScoreRange } from '../src/zskiplist.js';
import { parseRangeScore, parseScore } from '../src/strtod.js';

const run = (s: Store, proto: 2 | 3, ...args: string[]) =>
  encodeReply(s.execute(args.map((a) => Buffer.from(a, 'latin1')), { nowMs: 1, seed: 7, resp: proto }), proto).toString('latin1');
const r2 = (s: Store, ...args: string[]) => run(s, 2, ...args);
const bulks = (reply: string) => reply.split('\r\n').filter((l, i, a) => i > 0 && a[i - 1]!.startsWith('$'));

type Model = { member: string; score: number }[];
const sortModel = (m: Model) => m.sort((a, b) => compareEntries(a.score, a.member, b.score, b.member));

test('skip list: random inserts, deletes and score changes agree with a sorted array; spans stay exact', () => {
  const rnd = seededRandom(42);
  const z = new ZSet();
  let model: Model = [];
  const names = Array.from({ length: 400 }, (_, i) => `m${(i * 7919) % 1000}`);
  for (let step = 0; step < 6000; step++) {
    const member = names[Math.floor(rnd() * names.length)]!;
    const score = Math.floor(rnd() * 20) - 10 + (rnd() < 0.2 ? 0.5 : 0);
    const at = model.findIndex((e) => e.member === member);
    const op = rnd();
    if (op < 0.5) {
      if (at === -1) { z.insert(member, score); model.push({ member, score }); }
      else { z.updateScore(member, score); model[at]!.score = score; }
    } else if (op < 0.8) {
      assert.is(z.delete(member), at !== -1);
      if (at !== -1) model.splice(at, 1);
    } else if (at !== -1) {
      z.updateScore(member, score + 0.25);
      model[at]!.score = score + 0.25;
    }
    sortModel(model);
    if (step % 500 === 0) z.verify();
  }
  z.verify();
  assert.is(z.size, model.length);
  assert.equal([...z].map((x) => `${x.member}:${x.score}`), model.map((e) => `${e.member}:${e.score}`));
  model.forEach((e, i) => {
    assert.is(z.rank(e.member), i);
    assert.is(z.at(i)!.member, e.member);
    assert.is(z.score(e.member), e.score);
  });
  assert.is(z.at(model.length), null);
  assert.is(z.at(-1), null);
  assert.is(z.rank('absent'), undefined);
});

test('skip list: score ranges and (equal-score) lex ranges find the same ends as a scan', () => {
  const z = new ZSet();
  const model: Model = [];
  const rnd = seededRandom(3);
  for (let i = 0; i < 300; i++) {
    const member = `k${Math.floor(rnd() * 1e6)}`;
    if (z.has(member)) continue;
    const score = Math.floor(rnd() * 50);
    z.insert(member, score);
    model.push({ member, score });
  }
  sortModel(model);
  for (let t = 0; t < 500; t++) {
    const a = Math.floor(rnd() * 60) - 5, b = Math.floor(rnd() * 60) - 5;
    const r: ScoreRange = { min: a, max: b, minex: rnd() < 0.5, maxex: rnd() < 0.5 };
    const inside = model.filter((e) => (r.minex ? e.score > a : e.score >= a) && (r.maxex ? e.score < b : e.score <= b));
    assert.is(z.firstInRange(r)?.member, inside[0]?.member);
    assert.is(z.lastInRange(r)?.member, inside[inside.length - 1]?.member);
  }
  // Lex ranges over equal scores: the descent gives the scan's answer, in both encodings.
  const flat = new ZSet();
  const names = model.map((e) => e.member).sort();
  for (const n of names) flat.insert(n, 0);
  assert.is(flat.listpack, false, 'over 128 members: the skip list encoding');
  const small = new ZSet();
  for (const n of names.slice(0, 100)) small.insert(n, 0);
  assert.is(small.listpack, true);
  for (const [set, ms] of [[flat, names], [small, names.slice(0, 100)]] as const) {
    for (let t = 0; t < 300; t++) {
      const bound = () => {
        const x = rnd();
        if (x < 0.1) return { value: '', ex: true, inf: -1 as const };
        if (x < 0.2) return { value: '', ex: true, inf: 1 as const };
        return { value: `k${Math.floor(rnd() * 1e6)}`, ex: rnd() < 0.5, inf: 0 as const };
      };
      const r: LexRange = { min: bound(), max: bound() };
      const ge = (m: string) => r.min.inf === -1 || (r.min.inf === 0 && (r.min.ex ? m > r.min.value : m >= r.min.value));
      const le = (m: string) => r.max.inf === 1 || (r.max.inf === 0 && (r.max.ex ? m < r.max.value : m <= r.max.value));
      const inside = ms.filter((m) => ge(m) && le(m));
      assert.is(set.firstInLexRange(r)?.member, inside[0]);
      assert.is(set.lastInLexRange(r)?.member, inside[inside.length - 1]);
    }
  }
});

test('lex ranges over mixed scores: the listpack scan answer, whatever the size, levels or history', () => {
  const rnd = seededRandom(11);
  const entries = Array.from({ length: 300 }, (_, i) => ({ member: `k${(i * 37) % 300}`, score: Math.floor(rnd() * 5) }));
  const a = new ZSet(), b = new ZSet(99);
  for (const e of entries) a.insert(e.member, e.score);
  // b: another insertion order, other level draws, some churn.
  for (const e of [...entries].reverse()) b.insert(e.member, e.score + 1);
  for (const e of entries) b.updateScore(e.member, e.score);
  for (let i = 0; i < 50; i++) { b.delete(`k${i}`); }
  for (let i = 0; i < 50; i++) b.insert(`k${i}`, a.score(`k${i}`)!);
  const order = [...a].map((x) => x.member);
  for (let t = 0; t < 400; t++) {
    const bound = () => ({ value: `k${Math.floor(rnd() * 320)}`, ex: rnd() < 0.5, inf: 0 as const });
    const r: LexRange = { min: bound(), max: bound() };
    const ge = (m: string) => (r.min.ex ? m > r.min.value : m >= r.min.value);
    const le = (m: string) => (r.max.ex ? m < r.max.value : m <= r.max.value);
    const empty = r.min.value > r.max.value || (r.min.value === r.max.value && (r.min.ex || r.max.ex)) || !ge(order[order.length - 1]!) || !le(order[0]!);
    const fi = order.findIndex(ge);
    const first = empty || fi === -1 || !le(order[fi]!) ? undefined : order[fi];
    let li = -1;
    for (let i = order.length - 1; i >= 0; i--) if (le(order[i]!)) { li = i; break; }
    const last = empty || li === -1 || !ge(order[li]!) ? undefined : order[li];
    assert.is(a.firstInLexRange(r)?.member, first);
    assert.is(b.firstInLexRange(r)?.member, first);
    assert.is(a.lastInLexRange(r)?.member, last);
    assert.is(b.lastInLexRange(r)?.member, last);
  }
});

test('skip list: clone is deep and keeps the encoding; levels are deterministic', () => {
  const z = new ZSet();
  for (let i = 0; i < 200; i++) z.insert(`m${i}`, i % 7);
  const c = z.clone();
  c.verify();
  assert.is(c.listpack, false);
  z.delete('m1');
  z.updateScore('m2', 100);
  assert.is(c.score('m1'), 1);
  assert.is(c.score('m2'), 2);
  assert.is(c.bytes > z.bytes, true);
  // Same operations, same shape: the rank walk visits the same nodes.
  const a = new ZSet(), b = new ZSet();
  for (let i = 0; i < 50; i++) { a.insert(`x${i}`, i); b.insert(`x${i}`, i); }
  assert.equal([...a].map((x) => x.next.length), [...b].map((x) => x.next.length));
});

test('strtod flavours: scores (string2d) and range ends (zslParseRange)', () => {
  const sc = (x: string) => parseScore(Buffer.from(x, 'latin1'));
  assert.is(sc('1.5'), 1.5);
  assert.is(sc('-inf'), -Infinity);
  assert.is(sc('+Infinity'), Infinity);
  assert.is(sc('0x10'), 16);
  assert.is(sc('.5'), 0.5);
  assert.is(sc('5.'), 5);
  assert.ok(Object.is(sc('-0'), -0));
  assert.is(sc('4e-320'), 4e-320, 'denormal: ERANGE but not zero, accepted');
  for (const bad of ['', ' 1', '1 ', 'nan', '1e400', '1e-400', 'x', '1e', '0x', 'infinit', '1\x00', '--1']) assert.is(sc(bad), null, JSON.stringify(bad));
  assert.is(parseRangeScore(''), 0);
  assert.is(parseRangeScore(' 2'), 2);
  assert.is(parseRangeScore('1e400'), Infinity);
  assert.is(parseRangeScore('\x002'), 0, 'C string: ends at the NUL');
  for (const bad of ['   ', '2 ', 'nan', '-', 'x']) assert.is(parseRangeScore(bad), null, JSON.stringify(bad));
});

test('ZADD options, ZINCRBY, score formatting, TYPE', () => {
  const s = new Store();
  assert.is(r2(s, 'ZADD', 'z', '1', 'a', '2', 'b', '1.1', 'c'), ':3\r\n');
  assert.is(r2(s, 'TYPE', 'z'), '+zset\r\n');
  assert.is(r2(s, 'ZSCORE', 'z', 'c'), '$18\r\n1.1000000000000001\r\n', '%.17g as Redis 7.0');
  assert.is(run(s, 3, 'ZSCORE', 'z', 'c'), ',1.1000000000000001\r\n');
  assert.is(r2(s, 'ZADD', 'z', 'NX', '5', 'a', '5', 'd'), ':1\r\n');
  assert.is(r2(s, 'ZADD', 'z', 'XX', 'CH', '5', 'a', '5', 'e'), ':1\r\n');
  assert.is(r2(s, 'ZADD', 'z', 'GT', 'CH', '1', 'a', '9', 'b'), ':1\r\n');
  assert.is(r2(s, 'ZADD', 'z', 'INCR', '1', 'a'), '$1\r\n6\r\n');
  assert.is(r2(s, 'ZADD', 'z', 'NX', 'INCR', '1', 'a'), '$-1\r\n');
  assert.is(r2(s, 'ZADD', 'z', 'NX', 'XX', '1', 'a'), '-ERR XX and NX options at the same time are not compatible\r\n');
  assert.is(r2(s, 'ZADD', 'z', 'GT', 'LT', '1', 'a'), '-ERR GT, LT, and/or NX options at the same time are not compatible\r\n');
  assert.is(r2(s, 'ZADD', 'z', 'INCR', '1', 'a', '2', 'b'), '-ERR INCR option supports a single increment-element pair\r\n');
  assert.is(r2(s, 'ZADD', 'z', '1', 'a', '2'), '-ERR syntax error\r\n');
  assert.is(r2(s, 'ZADD', 'z', 'nan', 'a'), '-ERR value is not a valid float\r\n');
  assert.is(r2(s, 'ZADD', 'z', 'inf', 'i'), ':1\r\n');
  assert.is(r2(s, 'ZINCRBY', 'z', '-inf', 'i'), '-ERR resulting score is not a number (NaN)\r\n');
  assert.is(r2(s, 'ZINCRBY', 'z', 'nx', 'i'), '-ERR syntax error\r\n', 'ZINCRBY parses ZADD options too');
  assert.is(r2(s, 'ZINCRBY', 'new', '2.5', 'm'), '$3\r\n2.5\r\n');
  assert.is(r2(s, 'ZADD', 'none', 'XX', '1', 'a'), ':0\r\n');
  assert.is(r2(s, 'EXISTS', 'none'), ':0\r\n');
  r2(s, 'SET', 'str', 'x');
  assert.is(r2(s, 'ZADD', 'str', '1', 'a'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  assert.is(r2(s, 'ZRANK', 'z', 'a', 'WITHSCORE'), "-ERR wrong number of arguments for 'zrank' command\r\n", '7.0 has no WITHSCORE');
});

test('-0: a listpack-encoded set stores it as 0, a skip-list one keeps it', () => {
  const s = new Store();
  assert.is(r2(s, 'ZINCRBY', 'small', '-0', 'm'), '$2\r\n-0\r\n');
  assert.is(r2(s, 'ZSCORE', 'small', 'm'), '$1\r\n0\r\n');
  const long = 'x'.repeat(65);
  r2(s, 'ZADD', 'big', '-0', long);
  assert.is(r2(s, 'ZSCORE', 'big', long), '$2\r\n-0\r\n');
});

test('ranges: ZRANGE forms, LIMIT, WITHSCORES in RESP2 and RESP3, errors', () => {
  const s = new Store();
  r2(s, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
  assert.equal(bulks(r2(s, 'ZRANGE', 'z', '0', '-1')), ['a', 'b', 'c', 'd']);
  assert.equal(bulks(r2(s, 'ZRANGE', 'z', '(1', '3', 'BYSCORE', 'WITHSCORES')), ['b', '2', 'c', '3']);
  assert.is(run(s, 3, 'ZRANGE', 'z', '0', '0', 'WITHSCORES'), '*1\r\n*2\r\n$1\r\na\r\n,1\r\n');
  assert.equal(bulks(r2(s, 'ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '1', '2')), ['c', 'b']);
  assert.equal(bulks(r2(s, 'ZRANGEBYLEX', 'z', '[b', '(d')), ['b', 'c']);
  assert.equal(bulks(r2(s, 'ZREVRANGEBYLEX', 'z', '+', '-', 'LIMIT', '0', '2')), ['d', 'c']);
  assert.equal(bulks(r2(s, 'ZREVRANGE', 'z', '0', '1')), ['d', 'c']);
  assert.is(r2(s, 'ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'), '-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n');
  assert.is(r2(s, 'ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES'), '-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n');
  assert.is(r2(s, 'ZRANGEBYSCORE', 'z', 'x', '1'), '-ERR min or max is not a float\r\n');
  assert.is(r2(s, 'ZRANGEBYLEX', 'z', 'a', '+'), '-ERR min or max not valid string range item\r\n');
  assert.is(r2(s, 'ZREVRANGE', 'z', '0', '1', 'REV'), '-ERR syntax error\r\n');
  assert.is(r2(s, 'ZCOUNT', 'z', '(1', '+inf'), ':3\r\n');
  assert.is(r2(s, 'ZLEXCOUNT', 'z', '-', '(c'), ':2\r\n');
  assert.is(r2(s, 'ZRANK', 'z', 'c'), ':2\r\n');
  assert.is(r2(s, 'ZREVRANK', 'z', 'c'), ':1\r\n');
  assert.is(r2(s, 'ZMSCORE', 'z', 'a', 'nope'), '*2\r\n$1\r\n1\r\n$-1\r\n');
  assert.is(r2(s, 'ZRANGESTORE', 'dst', 'z', '2', '3', 'BYSCORE'), ':2\r\n');
  assert.equal(bulks(r2(s, 'ZRANGE', 'dst', '0', '-1', 'WITHSCORES')), ['b', '2', 'c', '3']);
  assert.is(r2(s, 'ZRANGESTORE', 'dst', 'z', '5', '6', 'BYSCORE'), ':0\r\n');
  assert.is(r2(s, 'EXISTS', 'dst'), ':0\r\n', 'an empty result deletes the destination');
});

test('removal: ZREM, ZREMRANGEBY*, pops; the key goes with its last member', () => {
  const s = new Store();
  r2(s, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
  assert.is(r2(s, 'ZREMRANGEBYRANK', 'z', '0', '0'), ':1\r\n');
  assert.is(r2(s, 'ZREMRANGEBYSCORE', 'z', '(4', '+inf'), ':1\r\n');
  assert.is(r2(s, 'ZREMRANGEBYLEX', 'z', '[c', '[c'), ':1\r\n');
  assert.is(r2(s, 'ZPOPMIN', 'z'), '*2\r\n$1\r\nb\r\n$1\r\n2\r\n');
  assert.is(run(s, 3, 'ZPOPMAX', 'z', '5'), '*1\r\n*2\r\n$1\r\nd\r\n,4\r\n');
  assert.is(r2(s, 'EXISTS', 'z'), ':0\r\n');
  assert.is(r2(s, 'ZPOPMIN', 'z', '-1'), '-ERR value is out of range, must be positive\r\n');
  r2(s, 'ZADD', 'y', '1', 'a', '2', 'b');
  assert.is(r2(s, 'ZMPOP', '2', 'z', 'y', 'MAX', 'COUNT', '1'), '*2\r\n$1\r\ny\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n');
  assert.is(r2(s, 'ZMPOP', '1', 'z', 'MIN'), '*-1\r\n');
  assert.is(r2(s, 'ZMPOP', '0', 'z', 'MIN'), '-ERR numkeys should be greater than 0\r\n');
  assert.is(r2(s, 'ZMPOP', '1', 'y', 'MIN', 'COUNT', '0'), '-ERR count should be greater than 0\r\n');
  assert.is(r2(s, 'ZREM', 'y', 'a', 'a'), ':1\r\n');
  assert.is(r2(s, 'DBSIZE'), ':0\r\n');
  assert.is(s.memoryUsage(), 0, 'memory accounting returns to zero');
});

test('ZUNION / ZINTER / ZDIFF with weights, aggregates and plain sets', () => {
  const s = new Store();
  r2(s, 'ZADD', 'a', '1', 'x', '2', 'y');
  r2(s, 'ZADD', 'b', '10', 'y', '20', 'z');
  r2(s, 'SADD', 's', 'y', 'w');
  assert.equal(bulks(r2(s, 'ZUNION', '2', 'a', 'b', 'WITHSCORES')), ['x', '1', 'y', '12', 'z', '20']);
  assert.equal(bulks(r2(s, 'ZINTER', '3', 'a', 'b', 's', 'AGGREGATE', 'MAX', 'WITHSCORES')), ['y', '10']);
  assert.equal(bulks(r2(s, 'ZUNION', '2', 'a', 'b', 'WEIGHTS', '2', '-1', 'WITHSCORES')), ['z', '-20', 'y', '-6', 'x', '2']);
  assert.equal(bulks(r2(s, 'ZUNION', '2', 'a', 'b', 'WEIGHTS', 'inf', '-inf', 'WITHSCORES')), ['z', '-inf', 'y', '0', 'x', 'inf'], 'inf + -inf sums to 0');
  assert.equal(bulks(r2(s, 'ZDIFF', '2', 's', 'a', 'WITHSCORES')), ['w', '1']);
  assert.is(r2(s, 'ZINTERCARD', '2', 'a', 'b', 'LIMIT', '5'), ':1\r\n');
  assert.is(r2(s, 'ZINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'), "-ERR LIMIT can't be negative\r\n");
  assert.is(r2(s, 'ZUNION', '0', 'a'), "-ERR at least 1 input key is needed for 'zunion' command\r\n");
  assert.is(r2(s, 'ZUNION', '3', 'a', 'b'), '-ERR syntax error\r\n');
  assert.is(r2(s, 'ZUNION', '2', 'a', 'b', 'WEIGHTS', '1', 'x'), '-ERR weight value is not a float\r\n');
  assert.is(r2(s, 'ZDIFF', '2', 'a', 'b', 'WEIGHTS', '1', '1'), '-ERR syntax error\r\n');
  r2(s, 'SET', 'str', 'v');
  assert.is(r2(s, 'ZUNION', '2', 'a', 'str', 'BOGUS'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n', 'keys are checked before options');
  assert.is(r2(s, 'PEXPIRE', 'a', '100000'), ':1\r\n');
  assert.is(r2(s, 'ZUNIONSTORE', 'a', '2', 'a', 'b'), ':3\r\n');
  assert.is(r2(s, 'PTTL', 'a'), ':-1\r\n', 'the stored result replaces the key, TTL included');
  assert.is(r2(s, 'ZINTERSTORE', 'a', '2', 'a', 'nokey'), ':0\r\n');
  assert.is(r2(s, 'EXISTS', 'a'), ':0\r\n');
});

test('ZRANDMEMBER: deterministic per seed, distinct for positive counts, repeats for negative', () => {
  const s = new Store();
  r2(s, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
  assert.is(r2(s, 'ZRANDMEMBER', 'z', '3'), r2(s, 'ZRANDMEMBER', 'z', '3'), 'same seed, same draw');
  const distinct = bulks(r2(s, 'ZRANDMEMBER', 'z', '3'));
  assert.is(new Set(distinct).size, 3);
  assert.is(bulks(r2(s, 'ZRANDMEMBER', 'z', '-10')).length, 10);
  assert.is(bulks(r2(s, 'ZRANDMEMBER', 'z', '10')).length, 4);
  assert.ok(run(s, 3, 'ZRANDMEMBER', 'z', '2', 'WITHSCORES').startsWith('*2\r\n*2\r\n'));
  assert.is(r2(s, 'ZRANDMEMBER', 'z', '-9223372036854775808'), '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n');
  assert.is(r2(s, 'ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES'), '-ERR value is out of range\r\n');
  assert.is(r2(s, 'ZRANDMEMBER', 'nokey'), '$-1\r\n');
});

test('key positions for the movable-key commands', () => {
  const s = new Store();
  const keys = (...argv: string[]) => commandKeys(s.spec(argv[0]!.toLowerCase())!, argv.map((a) => Buffer.from(a)));
  assert.equal(keys('ZUNIONSTORE', 'dst', '2', 'a', 'b', 'WEIGHTS', '1', '2'), [1, 3, 4]);
  assert.equal(keys('ZINTER', '2', 'a', 'b', 'WITHSCORES'), [2, 3]);
  assert.equal(keys('ZMPOP', '1', 'a', 'MIN'), [2]);
  assert.equal(keys('ZINTERCARD', '3', 'a', 'b'), [2, 3]);
  assert.equal(keys('ZRANGESTORE', 'dst', 'src', '0', '-1'), [1, 2]);
  assert.equal(keys('ZADD', 'k', '1', 'm'), [1]);
});

test('a running snapshot keeps the sorted set as it was', () => {
  const s = new Store();
  r2(s, 'ZADD', 'z', '1', 'a', '2', 'b');
  const snap = s.beginSnapshot();
  r2(s, 'ZADD', 'z', '3', 'c');
  r2(s, 'ZREM', 'z', 'a');
  const recs = snap.next(10);
  snap.close();
  const v = recs[0]!.value;
  assert.is(v.type, 'zset');
  if (v.type === 'zset') assert.equal([...v.zset].map((x) => x.member), ['a', 'b']);
  assert.equal(bulks(r2(s, 'ZRANGE', 'z', '0', '-1')), ['b', 'c']);
});

test.run();
