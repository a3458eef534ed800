// DUMP and RESTORE: Redis 7.0's payload (RDB value, version, CRC64), every
// compact encoding Redis writes or once wrote (hand-built here with encoders
// independent of the wasm reader), Redis's checks and error texts, and the
// round trip with a stock redis-server both ways, plus its dump.rdb files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { Store, parseKeyspaceEvents, type Value } from '@redisraft-wasm/store';
import type { Reply } from '@redisraft-wasm/resp';
import { crc64 } from '@redisraft-wasm/wasm';
import { dumpRestoreCommands } from '../src/commands/dump-restore.js';
import { RdbValueError, decodeValue, dumpPayload, encodeValue } from '../src/persistence/rdb-value.js';
import { plainReply } from './plain-reply.js';
import { readRdbKeys } from '../src/persistence/rdb-snapshot.js';

const T0 = 1_700_000_000_000;
const dirs: string[] = [];
const dir = () => { const d = mkdtempSync(join(tmpdir(), 'rrw-dump-')); dirs.push(d); return d; };
test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const B = (x: string | Buffer | number) => (Buffer.isBuffer(x) ? x : Buffer.from(String(x), 'latin1'));
const newStore = () => new Store({ extraCommands: dumpRestoreCommands });
function exec(store: Store, args: readonly (string | Buffer | number)[], nowMs = T0): Reply {
  return store.execute(args.map(B), { nowMs, seed: 1 });
}


type Run = (args: (string | Buffer)[]) => Promise<unknown>;

/** Everything a client sees of a key, in a canonical order. */
async function contents(run: Run, key: string): Promise<unknown> {
  const type = await run(['TYPE', key]);
  switch (type) {
    case 'string': return ['string', await run(['GET', key])];
    case 'list': return ['list', await run(['LRANGE', key, '0', '-1'])];
    case 'set': return ['set', ((await run(['SMEMBERS', key])) as string[]).sort()];
    case 'hash': {
      const flat = (await run(['HGETALL', key])) as string[];
      const pairs: string[][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
      return ['hash', pairs.sort((a, b) => (a[0]! < b[0]! ? -1 : 1))];
    }
    case 'zset': return ['zset', await run(['ZRANGE', key, '0', '-1', 'WITHSCORES'])];
    // Entries, node count, last/first/max-deleted ids, entries-added, groups with entries-read and lag,
    // their PELs with delivery times and counts, consumers with seen-times and PELs.
    case 'stream': return ['stream', await run(['XINFO', 'STREAM', key, 'FULL', 'COUNT', '0'])];
    default: return [type];
  }
}
const oursRun = (store: Store): Run => async (args) => plainReply(exec(store, args));

// ------------------------------------------------------------------ encoders (test side)

function rdbLen(n: number): Buffer {
  if (n < 64) return Buffer.from([n]);
  if (n < 16384) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = 0x80;
  b.writeUInt32BE(n, 1);
  return b;
}
const rdbStr = (s: Buffer | string) => Buffer.concat([rdbLen(B(s).length), B(s)]);

/** LZF as lzf_c would write it: literal runs (up to 32) and back references (3+ bytes, up to 8192 back). */
function lzf(input: Buffer): Buffer {
  const out: number[] = [];
  let lit: number[] = [];
  const seen = new Map<number, number[]>(); // recent positions of each 3-byte prefix
  const flush = () => { while (lit.length) { const run = lit.splice(0, 32); out.push(run.length - 1, ...run); } };
  let i = 0;
  while (i < input.length) {
    let bestLen = 0, bestOff = 0;
    const h = i + 2 < input.length ? input.readUIntLE(i, 3) : -1;
    const cands = seen.get(h) ?? [];
    for (const j of cands) {
      if (i - j > 8192) continue;
      let l = 0;
      while (l < 264 && i + l < input.length && input[j + l] === input[i + l]) l++;
      if (l > bestLen) { bestLen = l; bestOff = i - j - 1; }
    }
    if (h >= 0) { cands.push(i); if (cands.length > 8) cands.shift(); seen.set(h, cands); }
    if (bestLen >= 3) {
      flush();
      const len = bestLen - 2;
      if (len < 7) out.push((len << 5) | (bestOff >> 8), bestOff & 0xff);
      else out.push((7 << 5) | (bestOff >> 8), len - 7, bestOff & 0xff);
      i += bestLen;
    } else {
      lit.push(input[i]!);
      i++;
    }
  }
  flush();
  return Buffer.from(out);
}
/** An LZF-compressed RDB string: 0xC3, compressed length, plain length, data. */
const rdbLzf = (s: Buffer) => { const c = lzf(s); return Buffer.concat([Buffer.from([0xc3]), rdbLen(c.length), rdbLen(s.length), c]); };

type Elem = string | Buffer | bigint;

function ziplist(entries: Elem[]): Buffer {
  const parts: Buffer[] = [];
  let prev = 0, tail = 10;
  let off = 10;
  for (const e of entries) {
    const prevlen = prev < 254 ? Buffer.from([prev]) : Buffer.concat([Buffer.from([0xfe]), u32(prev)]);
    let enc: Buffer;
    if (typeof e === 'bigint') {
      const v = e;
      if (v >= 0n && v <= 12n) enc = Buffer.from([0xf1 + Number(v)]);
      else if (v >= -128n && v <= 127n) { enc = Buffer.alloc(2); enc[0] = 0xfe; enc.writeInt8(Number(v), 1); }
      else if (v >= -32768n && v <= 32767n) { enc = Buffer.alloc(3); enc[0] = 0xc0; enc.writeInt16LE(Number(v), 1); }
      else if (v >= -(2n ** 23n) && v < 2n ** 23n) { enc = Buffer.alloc(4); enc[0] = 0xf0; enc.writeIntLE(Number(v), 1, 3); }
      else if (v >= -(2n ** 31n) && v < 2n ** 31n) { enc = Buffer.alloc(5); enc[0] = 0xd0; enc.writeInt32LE(Number(v), 1); }
      else { enc = Buffer.alloc(9); enc[0] = 0xe0; enc.writeBigInt64LE(v, 1); }
    } else {
      const s = B(e);
      let h: Buffer;
      if (s.length <= 63) h = Buffer.from([s.length]);
      else if (s.length <= 16383) h = Buffer.from([0x40 | (s.length >> 8), s.length & 0xff]);
      else { h = Buffer.alloc(5); h[0] = 0x80; h.writeUInt32BE(s.length, 1); }
      enc = Buffer.concat([h, s]);
    }
    const entry = Buffer.concat([prevlen, enc]);
    tail = off;
    off += entry.length;
    prev = entry.length;
    parts.push(entry);
  }
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(10);
  head.writeUInt32LE(10 + body.length + 1, 0);
  head.writeUInt32LE(tail, 4);
  head.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  return Buffer.concat([head, body, Buffer.from([0xff])]);
}

function u32(n: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; }

function backlen(l: number): Buffer {
  if (l <= 127) return Buffer.from([l]);
  if (l < 16383) return Buffer.from([l >> 7, (l & 127) | 128]);
  if (l < 2097151) return Buffer.from([l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128]);
  return Buffer.from([l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128]);
}

function listpack(entries: Elem[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    let enc: Buffer;
    if (typeof e === 'bigint') {
      const v = e;
      if (v >= 0n && v <= 127n) enc = Buffer.from([Number(v)]);
      else if (v >= -4096n && v <= 4095n) { const u = Number(v) & 0x1fff; enc = Buffer.from([0xc0 | (u >> 8), u & 0xff]); }
      else if (v >= -32768n && v <= 32767n) { enc = Buffer.alloc(3); enc[0] = 0xf1; enc.writeInt16LE(Number(v), 1); }
      else if (v >= -(2n ** 23n) && v < 2n ** 23n) { enc = Buffer.alloc(4); enc[0] = 0xf2; enc.writeIntLE(Number(v), 1, 3); }
      else if (v >= -(2n ** 31n) && v < 2n ** 31n) { enc = Buffer.alloc(5); enc[0] = 0xf3; enc.writeInt32LE(Number(v), 1); }
      else { enc = Buffer.alloc(9); enc[0] = 0xf4; enc.writeBigInt64LE(v, 1); }
    } else {
      const s = B(e);
      let h: Buffer;
      if (s.length < 64) h = Buffer.from([0x80 | s.length]);
      else if (s.length < 4096) h = Buffer.from([0xe0 | (s.length >> 8), s.length & 0xff]);
      else { h = Buffer.alloc(5); h[0] = 0xf0; h.writeUInt32LE(s.length, 1); }
      enc = Buffer.concat([h, s]);
    }
    parts.push(enc, backlen(enc.length));
  }
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(6);
  head.writeUInt32LE(6 + body.length + 1, 0);
  head.writeUInt16LE(Math.min(entries.length, 0xffff), 4);
  return Buffer.concat([head, body, Buffer.from([0xff])]);
}

function intset(width: 2 | 4 | 8, values: bigint[]): Buffer {
  const b = Buffer.alloc(8 + width * values.length);
  b.writeUInt32LE(width, 0);
  b.writeUInt32LE(values.length, 4);
  values.forEach((v, i) => {
    if (width === 2) b.writeInt16LE(Number(v), 8 + 2 * i);
    else if (width === 4) b.writeInt32LE(Number(v), 8 + 4 * i);
    else b.writeBigInt64LE(v, 8 + 8 * i);
  });
  return b;
}

function zipmap(pairs: [string, string][]): Buffer {
  const parts: Buffer[] = [Buffer.from([pairs.length])];
  const len = (n: number) => (n < 254 ? Buffer.from([n]) : Buffer.concat([Buffer.from([254]), u32(n)]));
  for (const [f, v] of pairs) parts.push(len(f.length), B(f), len(v.length), Buffer.from([2]), B(v), Buffer.from('..'));
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

/** A DUMP payload around RDB value bytes. */
function payload(body: Buffer, version = 10): Buffer {
  const v = Buffer.alloc(2);
  v.writeUInt16LE(version);
  const head = Buffer.concat([body, v]);
  const c = Buffer.alloc(8);
  c.writeBigUInt64LE(crc64(head));
  return Buffer.concat([head, c]);
}
const typed = (type: number, ...parts: Buffer[]) => Buffer.concat([Buffer.from([type]), ...parts]);

/** A value as plain data, for comparisons. */
function plain(v: Value): unknown {
  switch (v.type) {
    case 'string': return ['string', v.data.toString('latin1')];
    case 'list': return ['list', Array.from({ length: v.items.length }, (_, i) => v.items.at(i).toString('latin1'))];
    case 'set': return ['set', [...v.members].sort()];
    case 'hash': return ['hash', [...v.fields].map(([f, x]) => [f, x.toString('latin1')]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))];
    case 'zset': return ['zset', [...v.zset].map((n) => [n.member, n.score])];
    default: return [v.type];
  }
}
const decoded = (body: Buffer) => plain(decodeValue(body).value);

// ------------------------------------------------------------------ unit tests

test('DUMP payload: value bytes, RDB version 10 LE, CRC64 LE of everything before', () => {
  const s = newStore();
  exec(s, ['SET', 'k', 'hello']);
  const r = exec(s, ['DUMP', 'k']);
  assert.is(r.kind, 'bulk');
  const p = (r as { value: Buffer }).value;
  assert.equal([...p.subarray(0, 7)], [0, 5, ...Buffer.from('hello')]);
  assert.equal([...p.subarray(7, 9)], [10, 0]);
  assert.is(p.readBigUInt64LE(9), crc64(p.subarray(0, 9)));
  assert.equal(plainReply(exec(s, ['DUMP', 'missing'])), null);
  // Integer-like strings are integer-encoded, as Redis writes them.
  exec(s, ['SET', 'n', '-300']);
  assert.equal([...(exec(s, ['DUMP', 'n']) as { value: Buffer }).value.subarray(0, 4)], [0, 0xc1, 0xd4, 0xfe]);
});

test('round trip inside our store for every type, with TTL', async () => {
  const a = newStore();
  exec(a, ['SET', 's', 'x'.repeat(5000)]);
  exec(a, ['RPUSH', 'l', 'a', '1', '-2', '\x00\xff', ...Array.from({ length: 300 }, (_, i) => `e${i}`)]);
  exec(a, ['HSET', 'h', 'f', 'v', 'n', '12', '\x00', '']);
  exec(a, ['SADD', 'st', '1', '2', 'three']);
  exec(a, ['ZADD', 'z', '1.5', 'a', '-inf', 'b', '3e10', 'c', '0', 'd', '-0.25', 'e']);
  const b = newStore();
  for (const k of ['s', 'l', 'h', 'st', 'z']) {
    const p = (exec(a, ['DUMP', k]) as { value: Buffer }).value;
    assert.equal(plainReply(exec(b, ['RESTORE', k, '0', p])), 'OK');
    assert.equal(await contents(oursRun(b), k), await contents(oursRun(a), k), k);
    assert.is(plainReply(exec(b, ['PTTL', k])), -1);
  }
  const p = (exec(a, ['DUMP', 'h']) as { value: Buffer }).value;
  assert.equal(plainReply(exec(b, ['RESTORE', 'h2', '5000', p])), 'OK');
  assert.is(plainReply(exec(b, ['PTTL', 'h2'])), 5000);
  assert.equal(plainReply(exec(b, ['RESTORE', 'h3', String(T0 + 9000), p, 'ABSTTL'])), 'OK');
  assert.is(plainReply(exec(b, ['PTTL', 'h3'])), 9000);
  assert.equal(await contents(oursRun(b), 'h3'), await contents(oursRun(a), 'h'));
});

test('RESTORE checks and error texts, in Redis order; nothing changes on error', () => {
  const s = newStore();
  exec(s, ['SET', 'k', 'old']);
  const good = payload(typed(0, rdbStr('new')));
  const err = (args: (string | Buffer)[]) => (plainReply(exec(s, args)) as { err?: string }).err;
  assert.is(err(['RESTORE', 'k', '0', good]), 'BUSYKEY Target key name already exists.');
  // Options are parsed before the key is looked at.
  assert.is(err(['RESTORE', 'k', '0', good, 'BOGUS']), 'ERR syntax error');
  assert.is(err(['RESTORE', 'n', '0', good, 'IDLETIME', '-1']), 'ERR Invalid IDLETIME value, must be >= 0');
  assert.is(err(['RESTORE', 'n', '0', good, 'IDLETIME', 'x']), 'ERR value is not an integer or out of range');
  assert.is(err(['RESTORE', 'n', '0', good, 'FREQ', '256']), 'ERR Invalid FREQ value, must be >= 0 and <= 255');
  assert.is(err(['RESTORE', 'n', '0', good, 'FREQ', '-1']), 'ERR Invalid FREQ value, must be >= 0 and <= 255');
  assert.is(err(['RESTORE', 'n', '0', good, 'IDLETIME', '1', 'FREQ', '1']), 'ERR syntax error');
  assert.is(err(['RESTORE', 'n', '0', good, 'FREQ', '1', 'IDLETIME', '1']), 'ERR syntax error');
  assert.is(err(['RESTORE', 'n', '0', good, 'IDLETIME']), 'ERR syntax error');
  assert.is(err(['RESTORE', 'n', '-1', good]), 'ERR Invalid TTL value, must be >= 0');
  assert.is(err(['RESTORE', 'n', '1.5', good]), 'ERR value is not an integer or out of range');
  assert.is(err(['RESTORE', 'n', '0', 'short']), 'ERR DUMP payload version or checksum are wrong');
  const flipped = Buffer.from(good);
  flipped[2] ^= 1;
  assert.is(err(['RESTORE', 'k', '0', flipped, 'REPLACE']), 'ERR DUMP payload version or checksum are wrong');
  assert.is(err(['RESTORE', 'k', '0', payload(typed(0, rdbStr('new')), 11), 'REPLACE']), 'ERR DUMP payload version or checksum are wrong');
  assert.is(err(['RESTORE', 'k', '0', payload(Buffer.from([0, 10, 1, 2])), 'REPLACE']), 'ERR Bad data format');
  assert.is(err(['RESTORE', 'k', '0', payload(Buffer.from([8, 1, 2, 3])), 'REPLACE']), 'ERR Bad data format');
  assert.is(err(['RESTORE', 'k', '0', payload(typed(15, rdbLen(0))), 'REPLACE']), 'ERR Bad data format');
  assert.is(err(['WRONG']) !== undefined, true);
  assert.equal(plainReply(exec(s, ['GET', 'k'])), 'old');
  assert.is(plainReply(exec(s, ['EXISTS', 'n'])), 0);
  // Old payload versions are taken; the options that pass are accepted and ignored.
  assert.equal(plainReply(exec(s, ['RESTORE', 'n', '0', payload(typed(0, rdbStr('v9')), 9), 'IDLETIME', '100'])), 'OK');
  assert.equal(plainReply(exec(s, ['RESTORE', 'k', '0', good, 'REPLACE', 'FREQ', '255', 'ABSTTL'])), 'OK');
  assert.equal(plainReply(exec(s, ['GET', 'k'])), 'new');
  assert.equal(plainReply(exec(s, ['GET', 'n'])), 'v9');
});

test('RESTORE with an expiry already past: REPLACE deletes the old key, nothing is created', () => {
  const s = newStore();
  exec(s, ['SET', 'k', 'old']);
  const p = payload(typed(0, rdbStr('new')));
  assert.equal(plainReply(exec(s, ['RESTORE', 'k', String(T0 - 1), p, 'ABSTTL', 'REPLACE'])), 'OK');
  assert.is(plainReply(exec(s, ['EXISTS', 'k'])), 0);
  assert.equal(plainReply(exec(s, ['RESTORE', 'x', String(T0), p, 'ABSTTL'])), 'OK');
  assert.is(plainReply(exec(s, ['EXISTS', 'x'])), 0);
  // An expired key is not in the way.
  exec(s, ['SET', 'e', 'v', 'PX', '10']);
  assert.equal(plainReply(exec(s, ['RESTORE', 'e', '0', p], T0 + 20)), 'OK');
  assert.equal(plainReply(exec(s, ['GET', 'e'], T0 + 20)), 'new');
});

test('RESTORE announces "restore", or "del" when REPLACE meets an expiry already past (notify-keyspace-events)', () => {
  const s = newStore();
  const got: string[] = [];
  s.events.flags = parseKeyspaceEvents('Eg')!;
  s.events.sink = { publish: (ch, msg) => { got.push(`${ch.toString('latin1')} ${msg.toString('latin1')}`); return 0; } };
  const p = payload(typed(0, rdbStr('v')));
  exec(s, ['RESTORE', 'k', '0', p]);
  exec(s, ['RESTORE', 'k', String(T0 - 1), p, 'ABSTTL', 'REPLACE']);
  exec(s, ['RESTORE', 'x', String(T0 - 1), p, 'ABSTTL']);
  assert.equal(got, ['__keyevent@0__:restore k', '__keyevent@0__:del k']);
});

test('DUMP and RESTORE are in the command table with Redis flags and key positions', () => {
  const s = newStore();
  const d = s.spec('dump')!, r = s.spec('restore')!;
  assert.equal([d.arity, d.flags, d.firstKey, d.lastKey, d.keyStep], [2, ['readonly'], 1, 1, 1]);
  assert.equal([r.arity, r.flags, r.firstKey, r.lastKey, r.keyStep], [-4, ['write', 'denyoom'], 1, 1, 1]);
  assert.is((plainReply(exec(s, ['DUMP'])) as { err: string }).err, "ERR wrong number of arguments for 'dump' command");
});

test('compact encodings: ziplist, quicklist, listpack, intset, zipmap, text-score zset', () => {
  const big = 'y'.repeat(20000);
  const zlEntries: Elem[] = ['a', 5n, 12n, 0n, -1n, 200n, -30000n, 70000n, -(2n ** 23n), 2n ** 31n, -(2n ** 63n), 'x'.repeat(100), big];
  const asText = zlEntries.map((e) => (typeof e === 'bigint' ? e.toString() : B(e).toString('latin1')));
  assert.equal(decoded(typed(10, rdbStr(ziplist(zlEntries)))), ['list', asText]);
  // More than 253 bytes before an entry: 5-byte prevlen.
  assert.equal(decoded(typed(14, rdbLen(2), rdbStr(ziplist(zlEntries)), rdbStr(ziplist(['tail'])))), ['list', [...asText, 'tail']]);
  const lpEntries: Elem[] = ['a', 0n, 127n, 128n, -1n, 4095n, -4096n, 4096n, -32768n, 8388607n, -8388608n, 2n ** 31n - 1n, 2n ** 40n, 2n ** 63n - 1n, 'x'.repeat(63), 'x'.repeat(64), 'z'.repeat(4096)];
  const lpText = lpEntries.map((e) => (typeof e === 'bigint' ? e.toString() : B(e).toString('latin1')));
  // Quicklist 2: packed (listpack) nodes, a plain node, and a compressed listpack node.
  const q2 = typed(18, rdbLen(3), rdbLen(2), rdbStr(listpack(lpEntries)), rdbLen(1), rdbStr('plain node'), rdbLen(2), rdbLzf(listpack(Array.from({ length: 100 }, () => 'rep'))));
  assert.equal(decoded(q2), ['list', [...lpText, 'plain node', ...Array.from({ length: 100 }, () => 'rep')]]);
  assert.equal(decoded(typed(11, rdbStr(intset(2, [-5n, 0n, 7n])))), ['set', ['-5', '0', '7']]);
  assert.equal(decoded(typed(11, rdbStr(intset(4, [-70000n, 1n])))), ['set', ['-70000', '1']]);
  assert.equal(decoded(typed(11, rdbStr(intset(8, [-(2n ** 63n), 2n ** 63n - 1n])))), ['set', ['-9223372036854775808', '9223372036854775807']]);
  const zsetPairs: Elem[] = ['a', 1n, 'b', '1.5', 'c', 'inf', 'd', '-inf', 'e', -3n, 'f', '1e+300'];
  const zExpect = ['zset', [['d', -Infinity], ['e', -3], ['a', 1], ['b', 1.5], ['f', 1e300], ['c', Infinity]]];
  assert.equal(decoded(typed(12, rdbStr(ziplist(zsetPairs)))), zExpect);
  assert.equal(decoded(typed(17, rdbStr(listpack(zsetPairs)))), zExpect);
  const hashPairs: Elem[] = ['f', 'v', 'n', 12n, 'big', 'q'.repeat(300), '', ''];
  const hExpect = ['hash', [['', ''], ['big', 'q'.repeat(300)], ['f', 'v'], ['n', '12']]];
  assert.equal(decoded(typed(13, rdbStr(ziplist(hashPairs)))), hExpect);
  assert.equal(decoded(typed(16, rdbStr(listpack(hashPairs)))), hExpect);
  assert.equal(decoded(typed(16, rdbLzf(listpack(hashPairs)))), hExpect);
  assert.equal(decoded(typed(9, rdbStr(zipmap([['f', 'v'], ['long', 'w'.repeat(300)]])))), ['hash', [['f', 'v'], ['long', 'w'.repeat(300)]]]);
  // RDB_TYPE_ZSET: scores as text, 254 = +inf, 255 = -inf.
  assert.equal(decoded(typed(3, rdbLen(3), rdbStr('a'), Buffer.from([3]), B('2.5'), rdbStr('b'), Buffer.from([254]), rdbStr('c'), Buffer.from([255]))), ['zset', [['c', -Infinity], ['a', 2.5], ['b', Infinity]]]);
  // LZF strings, large and repetitive, and as members of a plain list.
  const long = Buffer.from('abcdefgh'.repeat(3000) + 'tail');
  assert.ok(rdbLzf(long).length < 1000);
  assert.equal(decoded(typed(0, rdbLzf(long))), ['string', long.toString('latin1')]);
  assert.equal(decoded(typed(1, rdbLen(2), rdbLzf(Buffer.from('x'.repeat(100))), rdbStr('y'))), ['list', ['x'.repeat(100), 'y']]);
  // Through RESTORE too.
  const s = newStore();
  assert.equal(plainReply(exec(s, ['RESTORE', 'q', '0', payload(q2)])), 'OK');
  assert.is(plainReply(exec(s, ['LLEN', 'q'])), lpEntries.length + 101);
});

test('damaged values are refused (Bad data format), whatever the encoding', () => {
  const bad: [string, Buffer][] = [];
  const zl = ziplist(['a', 'b', 300n]);
  const zlBytes = Buffer.from(zl); zlBytes.writeUInt32LE(zl.length + 1, 0);
  bad.push(['ziplist size', typed(10, rdbStr(zlBytes))]);
  const zlPrev = Buffer.from(zl); zlPrev[13] = 9; // second entry's prevlen
  bad.push(['ziplist prevlen', typed(10, rdbStr(zlPrev))]);
  const zlCount = Buffer.from(zl); zlCount.writeUInt16LE(4, 8);
  bad.push(['ziplist count', typed(10, rdbStr(zlCount))]);
  const zlTail = Buffer.from(zl); zlTail.writeUInt32LE(10, 4);
  bad.push(['ziplist tail', typed(10, rdbStr(zlTail))]);
  const zlEnc = Buffer.from(zl); zlEnc[11] = 0xc5; // not an encoding
  bad.push(['ziplist encoding', typed(10, rdbStr(zlEnc))]);
  bad.push(['ziplist string past the end', typed(10, rdbStr(Buffer.concat([zl.subarray(0, 11), Buffer.from([40]), zl.subarray(12)])))]);
  const lp = listpack(['a', 'bb', 1000n]);
  const lpBack = Buffer.from(lp); lpBack[8] = 5; // first entry's back length
  bad.push(['listpack backlen', typed(18, rdbLen(1), rdbLen(2), rdbStr(lpBack))]);
  const lpCount = Buffer.from(lp); lpCount.writeUInt16LE(2, 4);
  bad.push(['listpack count', typed(16, rdbStr(lpCount))]);
  const lpEnc = Buffer.from(lp); lpEnc[6] = 0xf7;
  bad.push(['listpack encoding', typed(17, rdbStr(lpEnc))]);
  bad.push(['listpack no terminator', typed(16, rdbStr(lp.subarray(0, lp.length - 1)))]);
  bad.push(['odd pairs', typed(16, rdbStr(listpack(['f', 'v', 'g'])))]);
  bad.push(['zset score not a number', typed(17, rdbStr(listpack(['m', 'abc'])))]);
  bad.push(['zset NaN score', typed(5, rdbLen(1), rdbStr('m'), Buffer.from(new Float64Array([NaN]).buffer))]);
  bad.push(['intset unsorted', typed(11, rdbStr(intset(2, [3n, 1n])))]);
  bad.push(['intset duplicate', typed(11, rdbStr(intset(2, [1n, 1n])))]);
  bad.push(['intset width', typed(11, rdbStr(Buffer.concat([u32(3), u32(1), Buffer.from([1, 2, 3])])))]);
  bad.push(['intset empty', typed(11, rdbStr(intset(2, [])))]);
  bad.push(['set duplicate', typed(2, rdbLen(2), rdbStr('a'), rdbStr('a'))]);
  bad.push(['hash duplicate', typed(4, rdbLen(2), rdbStr('a'), rdbStr('1'), rdbStr('a'), rdbStr('2'))]);
  bad.push(['zset duplicate', typed(17, rdbStr(listpack(['a', 1n, 'a', 2n])))]);
  bad.push(['empty list', typed(1, rdbLen(0))]);
  bad.push(['empty listpack hash', typed(16, rdbStr(listpack([])))]);
  bad.push(['quicklist of empty nodes', typed(18, rdbLen(1), rdbLen(2), rdbStr(listpack([])))]);
  bad.push(['quicklist container', typed(18, rdbLen(1), rdbLen(3), rdbStr(listpack(['a'])))]);
  bad.push(['quicklist empty node', typed(18, rdbLen(1), rdbLen(2), rdbStr(''))]);
  bad.push(['packed as integer', typed(16, Buffer.from([0xc0, 5]))]);
  const z = rdbLzf(Buffer.from('abcabcabcabcabcabc'));
  bad.push(['lzf wrong plain length', Buffer.concat([Buffer.from([0, 0xc3]), rdbLen(z.length - 3), rdbLen(19), z.subarray(3)])]);
  bad.push(['lzf reference before start', typed(0, Buffer.from([0xc3, 4, 10, 0, 0x61, 0x20, 0x05]))]);
  bad.push(['truncated', typed(1, rdbLen(3), rdbStr('a'), rdbStr('b'))]);
  bad.push(['unknown type', Buffer.from([8, 0])]);
  bad.push(['module', Buffer.from([7, 0])]);
  bad.push(['zipmap count', typed(9, rdbStr(Buffer.concat([Buffer.from([5]), zipmap([['f', 'v']]).subarray(1)])))]);
  for (const [name, body] of bad) {
    assert.throws(() => decodeValue(body), (e: unknown) => e instanceof RdbValueError, name);
    const s = newStore();
    exec(s, ['SET', 'k', 'keep']);
    assert.equal(plainReply(exec(s, ['RESTORE', 'k', '0', payload(body), 'REPLACE'])), { err: 'ERR Bad data format' }, name);
    assert.equal(plainReply(exec(s, ['GET', 'k'])), 'keep', name);
  }
});

test('encodeValue writes the plain RDB types, decodeValue reads them back', () => {
  const s = newStore();
  exec(s, ['ZADD', 'z', '1', 'a', '2', 'b']);
  exec(s, ['SADD', 'st', '5', 'x']);
  const snap = s.beginSnapshot();
  for (const r of snap.next(10)) {
    const bytes = encodeValue(r.value);
    assert.is(bytes[0], r.value.type === 'zset' ? 5 : 2);
    assert.equal(plain(decodeValue(bytes).value), plain(r.value));
    assert.is(decodeValue(bytes).size, bytes.length);
    assert.is(dumpPayload(r.value).length, bytes.length + 10);
  }
});

test('an RDB file with compact encodings and LZF strings reads in small chunks', () => {
  const recs: Buffer[] = [Buffer.from('REDIS0010'), Buffer.from([0xfa]), rdbStr('redis-ver'), rdbStr('7.0.15'), Buffer.from([0xfe, 0])];
  const long = Buffer.from('0123456789'.repeat(500));
  const lp = listpack(Array.from({ length: 120 }, (_, i) => (i % 2 ? BigInt(i) : `member-${i}`)));
  recs.push(Buffer.from([0]), rdbLzf(Buffer.from('a-key-name-that-compresses-a-key-name')), rdbLzf(long));
  recs.push(Buffer.from([0xfc]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(T0 + 5000)); return b; })());
  recs.push(Buffer.from([16]), rdbStr('h'), rdbLzf(lp));
  recs.push(Buffer.from([11]), rdbStr('s'), rdbStr(intset(2, [1n, 2n, 3n])));
  recs.push(Buffer.from([18]), rdbStr('empty'), rdbLen(1), rdbLen(2), rdbStr(listpack([])));
  recs.push(Buffer.from([0xff]));
  const body = Buffer.concat(recs);
  const c = Buffer.alloc(8);
  c.writeBigUInt64LE(crc64(body));
  const path = join(dir(), 'compact.rdb');
  writeFileSync(path, Buffer.concat([body, c]));
  for (const chunk of [16, 100, 1 << 20]) {
    const got = new Map<string, [unknown, number]>();
    const aux = readRdbKeys(path, (k, v, e) => got.set(k.toString('latin1'), [plain(v), e]), chunk);
    assert.is(aux.get('redis-ver')!.toString(), '7.0.15');
    assert.equal([...got.keys()], ['a-key-name-that-compresses-a-key-name', 'h', 's'], `chunk ${chunk}`);
    assert.equal(got.get('a-key-name-that-compresses-a-key-name')![0], ['string', long.toString('latin1')]);
    assert.is((got.get('h')![0] as [string, unknown[]])[1].length, 60);
    assert.is(got.get('h')![1], T0 + 5000);
    assert.equal(got.get('s')![0], ['set', ['1', '2', '3']]);
  }
});

// ------------------------------------------------------------------ streams (test-side encoder)

/** An RDB length up to 2^64-1. */
function rdbLen64(n: bigint): Buffer {
  if (n < 2n ** 32n) return rdbLen(Number(n));
  const b = Buffer.alloc(9);
  b[0] = 0x81;
  b.writeBigUInt64BE(n, 1);
  return b;
}
const id16 = (ms: bigint, seq: bigint) => { const b = Buffer.alloc(16); b.writeBigUInt64BE(ms, 0); b.writeBigUInt64BE(seq, 8); return b; };
const ms8 = (t: number) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(t)); return b; };
type Id = [bigint, bigint];
interface XEntry { id: Id; deleted?: boolean; fields: string[]; values: string[] }
interface XNode { master: Id; fields: string[]; entries: XEntry[] }
interface XGroup { name: string; last: Id; entriesRead: bigint; pel: [Id, number, bigint][]; consumers: [string, number, Id[]][] }
interface XStream { nodes: XNode[]; length: bigint; last: Id; first: Id; maxDeleted: Id; added: bigint; groups: XGroup[] }

/** A node's listpack elements as t_stream.c lays them out (master entry, then flags, id deltas, fields/values, lp-count). */
function streamListpack(n: XNode): Elem[] {
  const live = n.entries.filter((e) => !e.deleted).length;
  const out: Elem[] = [BigInt(live), BigInt(n.entries.length - live), BigInt(n.fields.length), ...n.fields, 0n];
  for (const e of n.entries) {
    const same = e.fields.join('\0') === n.fields.join('\0');
    out.push(BigInt((same ? 2 : 0) | (e.deleted ? 1 : 0)), BigInt.asIntN(64, e.id[0] - n.master[0]), BigInt.asIntN(64, e.id[1] - n.master[1]));
    if (same) out.push(...e.values.map(lpElem), BigInt(e.values.length + 3));
    else {
      out.push(BigInt(e.fields.length));
      e.fields.forEach((f, i) => out.push(lpElem(f), lpElem(e.values[i]!)));
      out.push(BigInt(2 * e.fields.length + 4));
    }
  }
  return out;
}
/** A string element as lpAppend stores it: canonical int64 text as an integer. */
function lpElem(s: string): Elem {
  if (/^(0|-?[1-9][0-9]{0,18})$/.test(s)) { const v = BigInt(s); if (v >= -(2n ** 63n) && v < 2n ** 63n) return v; }
  return s;
}
/** A stream value: type byte 19 (or 15: no first id, max deleted id, entries added, entries read). */
function streamBody(x: XStream, type: 15 | 19 = 19): Buffer {
  const parts: Buffer[] = [Buffer.from([type]), rdbLen(x.nodes.length)];
  for (const n of x.nodes) parts.push(rdbStr(id16(...n.master)), rdbStr(listpack(streamListpack(n))));
  const id = (i: Id) => Buffer.concat([rdbLen64(i[0]), rdbLen64(i[1])]);
  parts.push(rdbLen64(x.length), id(x.last));
  if (type === 19) parts.push(id(x.first), id(x.maxDeleted), rdbLen64(x.added));
  parts.push(rdbLen(x.groups.length));
  for (const g of x.groups) {
    parts.push(rdbStr(g.name), id(g.last));
    if (type === 19) parts.push(rdbLen64(BigInt.asUintN(64, g.entriesRead)));
    parts.push(rdbLen(g.pel.length));
    for (const [pid, t, n] of g.pel) parts.push(id16(...pid), ms8(t), rdbLen64(n));
    parts.push(rdbLen(g.consumers.length));
    for (const [name, seen, own] of g.consumers) {
      parts.push(rdbStr(name), ms8(seen), rdbLen(own.length));
      for (const o of own) parts.push(id16(...o));
    }
  }
  return Buffer.concat(parts);
}

const X_SAMPLE: XStream = {
  nodes: [
    { master: [5n, 0n], fields: ['a', 'b'], entries: [
      { id: [5n, 0n], fields: ['a', 'b'], values: ['1', 'x'] },
      { id: [5n, 3n], deleted: true, fields: ['c'], values: ['y'] },
      { id: [7n, 1n], fields: ['a', 'b'], values: ['-7', ''] },
    ] },
    // A second node; its seq delta wraps around (uint64 arithmetic stored as int64).
    { master: [9n, 2n ** 64n - 1n], fields: ['f'], entries: [
      { id: [9n, 2n ** 64n - 1n], fields: ['f'], values: ['9223372036854775807'] },
      { id: [10n, 0n], fields: ['f', '1'], values: ['-9223372036854775808', 'v'.repeat(70)] },
    ] },
  ],
  length: 4n, last: [10n, 0n], first: [5n, 0n], maxDeleted: [5n, 3n], added: 5n,
  groups: [
    { name: 'grp', last: [7n, 1n], entriesRead: 3n, pel: [[[5n, 0n], T0, 2n], [[7n, 1n], T0 + 10, 1n]], consumers: [['alice', T0 + 5, [[5n, 0n]]], ['bob', T0 + 10, [[7n, 1n]]], ['idle', T0 - 1, []]] },
    { name: 'new', last: [10n, 0n], entriesRead: -1n, pel: [], consumers: [] },
  ],
};

test('streams: a hand-built type 19 value restores exactly, and our DUMP writes the same bytes back', () => {
  const body = streamBody(X_SAMPLE);
  const s = newStore();
  assert.equal(plainReply(exec(s, ['RESTORE', 'x', '0', payload(body)])), 'OK');
  assert.equal(plainReply(exec(s, ['XRANGE', 'x', '-', '+'])), [
    ['5-0', ['a', '1', 'b', 'x']], ['7-1', ['a', '-7', 'b', '']],
    ['9-18446744073709551615', ['f', '9223372036854775807']], ['10-0', ['f', '-9223372036854775808', '1', 'v'.repeat(70)]],
  ]);
  const full = plainReply(exec(s, ['XINFO', 'STREAM', 'x', 'FULL'])) as unknown[];
  const field = (arr: unknown[], name: string) => arr[arr.indexOf(name) + 1];
  assert.is(field(full, 'length'), 4);
  assert.is(field(full, 'radix-tree-keys'), 2);
  assert.is(field(full, 'last-generated-id'), '10-0');
  assert.is(field(full, 'max-deleted-entry-id'), '5-3');
  assert.is(field(full, 'entries-added'), 5);
  assert.is(field(full, 'recorded-first-entry-id'), '5-0');
  const [grp, fresh] = field(full, 'groups') as unknown[][];
  assert.equal(field(grp!, 'pending'), [['5-0', 'alice', T0, 2], ['7-1', 'bob', T0 + 10, 1]]);
  assert.equal(field(grp!, 'consumers'), [
    ['name', 'alice', 'seen-time', T0 + 5, 'pel-count', 1, 'pending', [['5-0', T0, 2]]],
    ['name', 'bob', 'seen-time', T0 + 10, 'pel-count', 1, 'pending', [['7-1', T0 + 10, 1]]],
    ['name', 'idle', 'seen-time', T0 - 1, 'pel-count', 0, 'pending', []],
  ]);
  assert.is(field(grp!, 'entries-read'), 3);
  assert.is(field(fresh!, 'entries-read'), null);
  // Written back byte for byte as built here (Redis's layout).
  assert.ok((exec(s, ['DUMP', 'x']) as { value: Buffer }).value.equals(payload(body)));
  // The commands work on the restored structure: appends go to the tail node, deletes mark tombstones.
  assert.is(plainReply(exec(s, ['XADD', 'x', '10-1', 'f', 'tail'])), '10-1');
  assert.is(plainReply(exec(s, ['XDEL', 'x', '7-1'])), 1);
  assert.is(plainReply(exec(s, ['XLEN', 'x'])), 4);
  assert.is(plainReply(exec(s, ['XACK', 'x', 'grp', '5-0'])), 1);
});

test('streams: type 15 (Redis 5/6) reads with the counters Redis 7.0 derives', () => {
  const s = newStore();
  assert.equal(plainReply(exec(s, ['RESTORE', 'x', '0', payload(streamBody(X_SAMPLE, 15))])), 'OK');
  const full = plainReply(exec(s, ['XINFO', 'STREAM', 'x', 'FULL'])) as unknown[];
  const field = (arr: unknown[], name: string) => arr[arr.indexOf(name) + 1];
  assert.is(field(full, 'entries-added'), 4);
  assert.is(field(full, 'max-deleted-entry-id'), '0-0');
  assert.is(field(full, 'recorded-first-entry-id'), '5-0');
  const [grp, fresh] = field(full, 'groups') as unknown[][];
  // streamEstimateDistanceFromFirstEverEntry: 7-1 is neither the first nor the last id; 10-0 is the last.
  assert.is(field(grp!, 'entries-read'), null);
  assert.is(field(fresh!, 'entries-read'), 4);
  // Written as type 19.
  assert.is((exec(s, ['DUMP', 'x']) as { value: Buffer }).value[0], 19);
});

test('streams: round trip inside our store (nodes, tombstones, groups, empty streams)', async () => {
  const a = newStore();
  for (let i = 1; i <= 260; i++) exec(a, ['XADD', 'big', `${i}-${i % 4}`, 'f', String(i * 7919 - 1e6), 'g', i % 40 ? `v${i}` : 'w'.repeat(900), ...(i % 9 ? [] : ['h', ''])]);
  exec(a, ['XDEL', 'big', ...Array.from({ length: 100 }, (_, i) => `${i + 101}-${(i + 101) % 4}`)]);
  exec(a, ['XTRIM', 'big', 'MAXLEN', '100']);
  exec(a, ['XGROUP', 'CREATE', 'big', 'g', '0']);
  exec(a, ['XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '7', 'STREAMS', 'big', '>'], T0 + 1);
  exec(a, ['XREADGROUP', 'GROUP', 'g', 'c2', 'COUNT', '3', 'STREAMS', 'big', '>'], T0 + 2);
  exec(a, ['XADD', 'gone', '5-5', 'a', 'b']);
  exec(a, ['XDEL', 'gone', '5-5']);
  exec(a, ['XGROUP', 'CREATE', 'mk', 'g', '$', 'MKSTREAM']);
  const b = newStore();
  for (const k of ['big', 'gone', 'mk']) {
    const p = (exec(a, ['DUMP', k]) as { value: Buffer }).value;
    assert.is(p[0], 19);
    assert.equal(plainReply(exec(b, ['RESTORE', k, '0', p])), 'OK', k);
    assert.equal(await contents(oursRun(b), k), await contents(oursRun(a), k), k);
    assert.ok((exec(b, ['DUMP', k]) as { value: Buffer }).value.equals(p), `${k}: same bytes again`);
  }
  assert.is(plainReply(exec(b, ['XLEN', 'gone'])), 0);
  assert.is(plainReply(exec(b, ['EXISTS', 'mk'])), 1);
});

test('streams: damaged or inconsistent values are refused (Bad data format)', () => {
  const clone = (): XStream => structuredClone(X_SAMPLE);
  const bad: [string, Buffer][] = [];
  const body = streamBody(X_SAMPLE);
  // Hand-edited listpacks (checked as streamValidateListpackIntegrity does, plus the counts).
  const withLp = (lp: Buffer) => Buffer.concat([Buffer.from([19]), rdbLen(1), rdbStr(id16(1n, 0n)), rdbStr(lp), rdbLen(1), rdbLen(1), rdbLen(0), rdbLen(1), rdbLen(0), rdbLen(0), rdbLen(0), rdbLen(1), rdbLen(0)]);
  const withNode = (elems: Elem[]) => withLp(listpack(elems));
  const good: Elem[] = [1n, 0n, 1n, 'f', 0n, 2n, 0n, 0n, 'v', 4n];
  assert.equal(plainReply(exec(newStore(), ['RESTORE', 'x', '0', payload(withNode(good))])), 'OK');
  bad.push(['lp-count', withNode([1n, 0n, 1n, 'f', 0n, 2n, 0n, 0n, 'v', 5n])]);
  bad.push(['entry count', withNode([2n, 0n, 1n, 'f', 0n, 2n, 0n, 0n, 'v', 4n])]);
  bad.push(['deleted count', withNode([1n, 1n, 1n, 'f', 0n, 2n, 0n, 0n, 'v', 4n])]);
  bad.push(['flags say deleted', withNode([1n, 0n, 1n, 'f', 0n, 3n, 0n, 0n, 'v', 4n])]);
  bad.push(['master terminator', withNode([1n, 0n, 1n, 'f', 1n, 2n, 0n, 0n, 'v', 4n])]);
  bad.push(['count not an integer', withNode(['one', 0n, 1n, 'f', 0n, 2n, 0n, 0n, 'v', 4n])]);
  bad.push(['trailing element', withNode([...good, 'extra'])]);
  bad.push(['entry cut short', withNode([1n, 0n, 1n, 'f', 0n, 2n, 0n, 0n])]);
  bad.push(['empty listpack', Buffer.concat([Buffer.from([19]), rdbLen(1), rdbStr(id16(1n, 0n)), rdbStr(listpack([]))])]);
  bad.push(['node key size', Buffer.concat([Buffer.from([19]), rdbLen(1), rdbStr(Buffer.alloc(15)), rdbStr(listpack(good))])]);
  const lpBack = listpack(good); lpBack[7] = 9; // the first element's back length
  bad.push(['listpack back length', withLp(lpBack)]);
  const lpSize = listpack(good); lpSize.writeUInt32LE(lpSize.length + 1, 0);
  bad.push(['listpack size', withLp(lpSize)]);
  bad.push(['consumer name length', (() => { const b = Buffer.from(body); b[b.indexOf(Buffer.from('alice')) - 1] = 0x7f; return b; })()]);
  let x = clone(); x.nodes[1]!.master = [5n, 0n];
  bad.push(['two nodes with one master id', streamBody(x)]);
  x = clone(); x.nodes = [];
  bad.push(['length without nodes', streamBody(x)]);
  x = clone(); x.groups[1]!.name = 'grp';
  bad.push(['duplicate group', streamBody(x)]);
  x = clone(); x.groups[0]!.consumers[2]![0] = 'alice';
  bad.push(['duplicate consumer', streamBody(x)]);
  x = clone(); x.groups[0]!.consumers[0]![2] = [[6n, 0n]];
  bad.push(['consumer PEL id not in the group PEL', streamBody(x)]);
  x = clone(); x.groups[0]!.consumers[1]![2] = [[5n, 0n]];
  bad.push(['PEL id owned twice', streamBody(x)]);
  x = clone(); x.groups[0]!.consumers[1]![2] = [];
  bad.push(['PEL entry without consumer', streamBody(x)]);
  x = clone(); x.groups[0]!.pel.push([[5n, 0n], T0, 1n]);
  bad.push(['PEL id twice', streamBody(x)]);
  bad.push(['truncated', body.subarray(0, body.length - 20)]);
  bad.push(['cut in the metadata', body.subarray(0, body.indexOf(Buffer.from('grp')) - 4)]);
  for (const [name, b] of bad) {
    assert.throws(() => decodeValue(b), (e: unknown) => e instanceof RdbValueError, name);
    const s = newStore();
    exec(s, ['SET', 'k', 'keep']);
    assert.equal(plainReply(exec(s, ['RESTORE', 'k', '0', payload(b), 'REPLACE'])), { err: 'ERR Bad data format' }, name);
    assert.equal(plainReply(exec(s, ['GET', 'k'])), 'keep', name);
  }
});

// ------------------------------------------------------------------ against redis-server

const haveRedis = !spawnSync('redis-server', ['--version']).error;

interface RedisFixture { proc: ChildProcess; r: import('ioredis').Redis; dir: string }

async function startRedis(): Promise<RedisFixture> {
  const { freePort } = await import('../../../test/integration/lib/node-process.js');
  const port = await freePort();
  const d = dir();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', d, '--dbfilename', 'dump.rdb', '--appendonly', 'no', '--save', '', '--enable-debug-command', 'yes'], { stdio: 'ignore' });
  // Wait until it listens, then connect once.
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((res) => { const s = connect(port, '127.0.0.1', () => { s.destroy(); res(true); }); s.on('error', () => res(false)); });
    if (up) break;
    if (i > 200 || proc.exitCode !== null) { proc.kill('SIGKILL'); throw new Error('redis-server did not start'); }
    await new Promise((res) => setTimeout(res, 25));
  }
  const { Redis } = await import('ioredis');
  const r = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0 });
  r.on('error', () => {});
  await r.ping();
  return { proc, r, dir: d };
}

function fromRedis(x: unknown): unknown {
  if (Buffer.isBuffer(x)) return x.toString('latin1');
  if (Array.isArray(x)) return x.map(fromRedis);
  if (x === null || typeof x === 'number') return x;
  return String(x);
}
const redisRun = (r: import('ioredis').Redis): Run => async (args) => {
  try {
    return fromRedis(await r.callBuffer(String(args[0]), ...args.slice(1)));
  } catch (e) {
    return { err: (e as Error).message };
  }
};

/** Binary bytes that do not compress. */
function noise(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; }
  return b;
}

interface Case { key: string; build: (string | Buffer)[][]; rdbType: number; redisSetup?: string[][]; redisAfter?: string[][] }
const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

const CASES: Case[] = [
  { key: 's:short', build: [['SET', 's:short', 'hello']], rdbType: 0 },
  { key: 's:int', build: [['SET', 's:int', '12345']], rdbType: 0 },
  { key: 's:neg', build: [['SET', 's:neg', '-7']], rdbType: 0 },
  { key: 's:int64', build: [['SET', 's:int64', '9223372036854775807']], rdbType: 0 },
  { key: 's:long', build: [['SET', 's:long', 'abc'.repeat(3000) + 'xyz']], rdbType: 0 },
  { key: 's:bin', build: [['SET', 's:bin', noise(3000, 7)]], rdbType: 0 },
  { key: 's:empty', build: [['SET', 's:empty', '']], rdbType: 0 },
  { key: 'l:small', build: [['RPUSH', 'l:small', 'a', '1', '-2', '300', '70000', 'x'.repeat(50), '4294967296', '-9223372036854775808', '']], rdbType: 18 },
  { key: 'l:big', build: [['RPUSH', 'l:big', ...range(1500, (i) => (i % 3 ? `item-${i}` : String(i * 7919 - 5000000)))]], rdbType: 18 },
  { key: 'l:long', build: [['RPUSH', 'l:long', ...range(6, (i) => String.fromCharCode(97 + i).repeat(20000)), 'short']], rdbType: 18 },
  { key: 'l:noise', build: [['RPUSH', 'l:noise', noise(5000, 1), noise(70, 2), 'x']], rdbType: 18 },
  {
    key: 'l:plain', rdbType: 18,
    redisSetup: [['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100']],
    build: [['RPUSH', 'l:plain', 'small', 'p'.repeat(200), 'tiny', noise(300, 3), '5']],
    redisAfter: [['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', String(1 << 30)]],
  },
  {
    key: 'l:compressed', rdbType: 18,
    redisSetup: [['CONFIG', 'SET', 'list-compress-depth', '1']],
    build: [['RPUSH', 'l:compressed', ...range(3000, (i) => `value-${i % 50}`)]],
    redisAfter: [['CONFIG', 'SET', 'list-compress-depth', '0']],
  },
  { key: 'h:small', build: [['HSET', 'h:small', 'f1', 'v1', 'num', '12', 'neg', '-5', 'big', '123456789012', 'empty', '', '', 'emptyfield']], rdbType: 16 },
  { key: 'h:big', build: [['HSET', 'h:big', ...range(1400, (i) => (i % 2 ? `value-${i}` : `field-${i}`))]], rdbType: 4 },
  { key: 'h:longval', build: [['HSET', 'h:longval', 'f', 'v'.repeat(100), 'g', '1']], rdbType: 4 },
  { key: 'set:int16', build: [['SADD', 'set:int16', '1', '2', '3', '-4', '300']], rdbType: 11 },
  { key: 'set:int32', build: [['SADD', 'set:int32', '1', '70000', '-70000']], rdbType: 11 },
  { key: 'set:int64', build: [['SADD', 'set:int64', '1', '4294967296', '-9223372036854775808', '9223372036854775807']], rdbType: 11 },
  { key: 'set:str', build: [['SADD', 'set:str', 'a', 'b', 'c', '1']], rdbType: 2 },
  { key: 'set:bigint', build: [['SADD', 'set:bigint', ...range(600, (i) => String(i * 3 - 100))]], rdbType: 2 },
  { key: 'z:small', build: [['ZADD', 'z:small', '1', 'a', '2.5', 'b', '-3', 'c', 'inf', 'd', '-inf', 'e', '1e300', 'f', '0.1', 'g', '123456789', 'h', '-0.5', 'i']], rdbType: 17 },
  { key: 'z:big', build: [['ZADD', 'z:big', ...range(400, (i) => (i % 2 ? `member-${i}` : String(i / 7)))]], rdbType: 5 },
  { key: 'z:longmember', build: [['ZADD', 'z:longmember', '1', 'm'.repeat(100), '2', 'n']], rdbType: 5 },
];

/** XADD commands for `n` entries of `key`, entry i from `f`. */
const xadds = (key: string, n: number, f: (i: number) => string[]) => range(n, (i) => String(i)).map((_, i) => ['XADD', key, ...f(i)]);

const STREAM_CASES: Case[] = [
  { key: 'x:small', rdbType: 19, build: [['XADD', 'x:small', '1-1', 'a', '1', 'b', 'hello'], ['XADD', 'x:small', '1-2', 'a', '2', 'b', 'x'], ['XADD', 'x:small', '2-0', 'c', '-5']] },
  {
    // Nodes split on 100 entries and on 4 KB; master fields shared or not; ids with seq deltas below the master's.
    key: 'x:nodes', rdbType: 19,
    build: xadds('x:nodes', 450, (i) => [`${1000 + Math.floor(i / 3)}-${(i * 7) % 5}`, 'f', String(i * 7919 - 1e6), 'g', i % 50 === 0 ? 'z'.repeat(300 + i) : `v${i}`, ...(i % 7 === 0 ? ['h', 'extra'] : [])]),
  },
  {
    // Tombstones: scattered XDELs, a whole node deleted, an exact MAXLEN trim marking entries deleted.
    key: 'x:deleted', rdbType: 19,
    build: [
      ...xadds('x:deleted', 250, (i) => [`${i + 1}-0`, 'f', `v${i}`]),
      ['XDEL', 'x:deleted', ...range(40, (i) => `${3 * i + 1}-0`)],
      ['XDEL', 'x:deleted', ...range(100, (i) => `${i + 101}-0`)],
      ['XTRIM', 'x:deleted', 'MAXLEN', '60'],
      ['XADD', 'x:deleted', '300-0', 'other', 'fields', 'n', '2'],
    ],
  },
  {
    key: 'x:values', rdbType: 19,
    build: [
      ['XADD', 'x:values', '1-0', '1', '9223372036854775807', '-5', '-9223372036854775808', 'big', '9223372036854775808', 'z', '0', 'mz', '-0', 'lead', '007', 'e', ''],
      ['XADD', 'x:values', '1-1', '1', '127', '-5', '128', 'big', '-4096', 'z', '4095', 'mz', '4096', 'lead', '-32769', 'e', '8388608'],
      ['XADD', 'x:values', '1-2', 's63', 'x'.repeat(63), 's64', 'x'.repeat(64), 's4095', 'y'.repeat(4095)],
      ['XADD', 'x:values', '1-3', 's4096', 'y'.repeat(4096), 'bin', noise(6000, 5)],
      ['XADD', 'x:values', '2-0', B('\x00\xff'), '\r\n'],
    ],
  },
  {
    // uint64 id arithmetic: seq wraps from 2^64-1, ms jumps to the top.
    key: 'x:maxids', rdbType: 19,
    build: [['XADD', 'x:maxids', '5-18446744073709551615', 'a', '1'], ['XADD', 'x:maxids', '6-0', 'a', '2'], ['XADD', 'x:maxids', '18446744073709551615-0', 'a', '3']],
  },
  {
    // XSETID below a tombstone: later appends land after larger ids in the tail node.
    key: 'x:setid', rdbType: 19,
    build: [
      ['XADD', 'x:setid', '1-0', 'a', '1'], ['XADD', 'x:setid', '2-0', 'a', '2'], ['XADD', 'x:setid', '3-0', 'a', '3'],
      ['XDEL', 'x:setid', '3-0'], ['XSETID', 'x:setid', '2-5'], ['XADD', 'x:setid', '2-6', 'a', '4'],
      ['XSETID', 'x:setid', '2-9', 'ENTRIESADDED', '10', 'MAXDELETEDID', '2-7'],
    ],
  },
  { key: 'x:empty', rdbType: 19, build: [['XADD', 'x:empty', '5-5', 'a', 'b'], ['XDEL', 'x:empty', '5-5']] },
  { key: 'x:mkstream', rdbType: 19, build: [['XGROUP', 'CREATE', 'x:mkstream', 'g', '$', 'MKSTREAM']] },
  {
    // Groups: PELs across consumers, acks, claims with TIME and RETRYCOUNT, a consumer with nothing pending,
    // NOACK reads, entries-read set by hand, a pending entry whose stream entry is deleted.
    key: 'x:groups', rdbType: 19,
    build: [
      ...xadds('x:groups', 130, (i) => [`${i + 1}-1`, 'f', `v${i}`]),
      ['XGROUP', 'CREATE', 'x:groups', 'g1', '0'],
      ['XGROUP', 'CREATE', 'x:groups', 'g2', '$'],
      ['XGROUP', 'CREATE', 'x:groups', '\x00bin', '0', 'ENTRIESREAD', '0'],
      ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '5', 'STREAMS', 'x:groups', '>'],
      ['XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '110', 'STREAMS', 'x:groups', '>'],
      ['XACK', 'x:groups', 'g1', '2-1', '50-1'],
      ['XGROUP', 'CREATECONSUMER', 'x:groups', 'g1', 'carol'],
      ['XGROUP', 'CREATECONSUMER', 'x:groups', 'g1', 'zed'],
      ['XCLAIM', 'x:groups', 'g1', 'carol', '0', '6-1', '7-1', 'TIME', '1600000000000', 'RETRYCOUNT', '7'],
      ['XGROUP', 'SETID', 'x:groups', 'g2', '10-1', 'ENTRIESREAD', '3'],
      ['XREADGROUP', 'GROUP', 'g2', 'dave', 'NOACK', 'COUNT', '2', 'STREAMS', 'x:groups', '>'],
      ['XREADGROUP', 'GROUP', '\x00bin', B('\xffc'), 'COUNT', '1', 'STREAMS', 'x:groups', '>'],
      ['XDEL', 'x:groups', '3-1'],
    ],
  },
];
CASES.push(...STREAM_CASES);

test('redis-server DUMP -> our RESTORE, and our DUMP -> redis-server RESTORE: same contents', async () => {
  if (!haveRedis) { console.log('  (redis-server not installed: skipped)'); return; }
  const { proc, r } = await startRedis();
  try {
    const rr = redisRun(r);
    const ours = newStore();
    for (const c of CASES) {
      for (const cmd of c.redisSetup ?? []) assert.equal(await rr(cmd), 'OK', cmd.join(' '));
      for (const cmd of c.build) await rr(cmd);
      for (const cmd of c.redisAfter ?? []) await rr(cmd);
      const p = (await r.dumpBuffer(c.key))!;
      assert.is(p[0], c.rdbType, `${c.key}: redis wrote type ${p[0]}`);
      assert.equal(plainReply(exec(ours, ['RESTORE', c.key, '0', p])), 'OK', c.key);
      assert.equal(await contents(oursRun(ours), c.key), await contents(rr, c.key), c.key);
    }
    // Uncompressed strings come out byte for byte like Redis's.
    for (const k of ['s:short', 's:int', 's:neg', 's:int64', 's:empty']) {
      assert.ok((exec(ours, ['DUMP', k]) as { value: Buffer }).value.equals((await r.dumpBuffer(k))!), k);
    }

    // The other way: values built here, restored into an empty redis.
    await rr(['FLUSHALL']);
    const built = newStore();
    for (const c of CASES) for (const cmd of c.build) exec(built, cmd);
    for (const c of CASES) {
      const p = (exec(built, ['DUMP', c.key]) as { value: Buffer }).value;
      assert.equal(await rr(['RESTORE', c.key, '0', p]), 'OK', c.key);
      assert.equal(await contents(rr, c.key), await contents(oursRun(built), c.key), c.key);
    }
    // TTLs travel as RESTORE arguments, both ways.
    const p = (exec(built, ['DUMP', 'h:small']) as { value: Buffer }).value;
    assert.equal(await rr(['RESTORE', 'ttl', '100000', p]), 'OK');
    const pttl = (await rr(['PTTL', 'ttl'])) as number;
    assert.ok(pttl > 90000 && pttl <= 100000);
  } finally {
    r.disconnect();
    proc.kill('SIGKILL');
  }
});

test('streams: our DUMP is byte for byte redis-server\'s (rdbcompression no), and redis-server checks ours deeply', async () => {
  if (!haveRedis) { console.log('  (redis-server not installed: skipped)'); return; }
  const { proc, r } = await startRedis();
  try {
    const rr = redisRun(r);
    assert.equal(await rr(['CONFIG', 'SET', 'rdbcompression', 'no', 'sanitize-dump-payload', 'yes']), 'OK');
    const built = newStore();
    const restored = newStore();
    for (const c of STREAM_CASES) {
      for (const cmd of c.build) assert.equal(plainReply(exec(built, cmd)), await rr(cmd), `${c.key}: ${cmd.slice(0, 4).join(' ')}`);
      const theirs = (await r.dumpBuffer(c.key))!;
      // Redis's payload into ours and back out: the same bytes, delivery and seen times included.
      assert.equal(plainReply(exec(restored, ['RESTORE', c.key, '0', theirs])), 'OK', c.key);
      assert.ok((exec(restored, ['DUMP', c.key]) as { value: Buffer }).value.equals(theirs), `${c.key}: RESTORE then DUMP gives redis-server's bytes`);
      // Built here: the same listpacks and counters; only the times of group reads differ (the two clocks).
      const ours = (exec(built, ['DUMP', c.key]) as { value: Buffer }).value;
      const clocked = c.build.some((cmd) => /^(XREADGROUP|XCLAIM|XAUTOCLAIM)$/i.test(String(cmd[0])) || /^CREATECONSUMER$/i.test(String(cmd[1])));
      if (!clocked) assert.ok(ours.equals(theirs), `${c.key}: built here, same bytes`);
      // With deep sanitization on, redis-server takes our payload.
      assert.equal(await rr(['RESTORE', `${c.key}:ours`, '0', ours]), 'OK', c.key);
      assert.equal(await contents(rr, `${c.key}:ours`), await contents(oursRun(built), c.key), c.key);
    }
  } finally {
    r.disconnect();
    proc.kill('SIGKILL');
  }
});

test('RESTORE errors match redis-server; corrupted payloads change nothing on either side', async () => {
  if (!haveRedis) { console.log('  (redis-server not installed: skipped)'); return; }
  const { proc, r } = await startRedis();
  try {
    const rr = redisRun(r);
    const ours = newStore();
    const both = async (args: (string | Buffer)[]) => {
      const theirs = await rr(args);
      assert.equal(plainReply(exec(ours, args, Date.now())), theirs, args.map((a) => (a.length > 40 ? '<payload>' : a.toString())).join(' '));
      return theirs;
    };
    await both(['RPUSH', 'l', ...range(500, (i) => `v${i}`)]);
    await both(['SET', 'k', 'old']);
    const good = (await r.dumpBuffer('l'))!;
    const flip = (p: Buffer, at: number) => { const q = Buffer.from(p); q[at] ^= 0x40; return q; };
    const withCrc = (body: Buffer) => payload(body);
    for (const args of [
      ['RESTORE', 'k', '0', good],
      ['RESTORE', 'k', '-1', good, 'REPLACE'],
      ['RESTORE', 'k', 'x', good, 'REPLACE'],
      ['RESTORE', 'k', '0', good, 'REPLACE', 'IDLETIME', '-1'],
      ['RESTORE', 'k', '0', good, 'REPLACE', 'FREQ', '256'],
      ['RESTORE', 'k', '0', good, 'REPLACE', 'IDLETIME', '1', 'FREQ', '1'],
      ['RESTORE', 'k', '0', good, 'REPLACE', 'NOPE'],
      ['RESTORE', 'k', '0', 'tiny', 'REPLACE'],
      ['RESTORE', 'k', '0', flip(good, 5), 'REPLACE'],
      ['RESTORE', 'k', '0', flip(good, good.length - 3), 'REPLACE'],
      ['RESTORE', 'k', '0', payload(good.subarray(0, good.length - 10), 11), 'REPLACE'],
      ['RESTORE', 'k', '0', withCrc(good.subarray(0, good.length - 30)), 'REPLACE'],
      ['RESTORE', 'k', '0', withCrc(Buffer.from([8, 1, 2])), 'REPLACE'],
      ['RESTORE', 'k', '0', withCrc(Buffer.from([1, 0])), 'REPLACE'],
      ['DUMP', 'nope'],
    ] as (string | Buffer)[][]) {
      const reply = await both(args);
      if (args[0] === 'RESTORE') assert.ok(typeof reply === 'object' && reply !== null && 'err' in reply, 'an error');
    }
    assert.equal(await contents(oursRun(ours), 'k'), ['string', 'old']);
    assert.equal(await contents(rr, 'k'), ['string', 'old']);
    await both(['RESTORE', 'k', '0', good, 'REPLACE', 'ABSTTL', 'IDLETIME', '10']);
    await both(['LLEN', 'k']);
    await both(['RESTORE', 'k', '1000', good, 'REPLACE', 'ABSTTL']);
    await both(['EXISTS', 'k']);
    await both(['RESTORE', 'k', '1000', good, 'ABSTTL']);
    await both(['EXISTS', 'k']);
  } finally {
    r.disconnect();
    proc.kill('SIGKILL');
  }
});

test('a dump.rdb saved by redis-server (rdbcompression yes) reads through our RDB reader', async () => {
  if (!haveRedis) { console.log('  (redis-server not installed: skipped)'); return; }
  const { proc, r, dir: d } = await startRedis();
  try {
    const rr = redisRun(r);
    for (const c of CASES) {
      for (const cmd of c.redisSetup ?? []) await rr(cmd);
      for (const cmd of c.build) await rr(cmd);
      for (const cmd of c.redisAfter ?? []) await rr(cmd);
    }
    const far = Date.now() + 3_600_000;
    await rr(['PEXPIREAT', 'h:small', String(far)]);
    await rr(['PEXPIREAT', 's:long', String(far + 1)]);
    assert.equal(await rr(['SAVE']), 'OK');
    const path = join(d, 'dump.rdb');
    assert.ok(existsSync(path));
    // LZF is there to be read: the file is much smaller than the data.
    assert.ok(readFileSync(path).length < 60_000, `compressed (${readFileSync(path).length} bytes)`);
    const store = newStore();
    const loader = store.beginLoad();
    const seen: string[] = [];
    const aux = readRdbKeys(path, (k, v, e) => { seen.push(k.toString('latin1')); loader.load(k, v, e, 0); });
    loader.finish(Date.now(), 0);
    assert.is(aux.get('redis-ver')!.toString(), '7.0.15');
    assert.equal(seen.sort(), CASES.map((c) => c.key).sort());
    for (const c of CASES) assert.equal(await contents(oursRun(store), c.key), await contents(rr, c.key), c.key);
    assert.is(plainReply(exec(store, ['PEXPIRETIME', 'h:small'], Date.now())), far);
    assert.is(plainReply(exec(store, ['PEXPIRETIME', 's:long'], Date.now())), far + 1);
    // The same file in small chunks.
    let n = 0;
    readRdbKeys(path, () => { n++; }, 4096);
    assert.is(n, CASES.length);
  } finally {
    r.disconnect();
    proc.kill('SIGKILL');
  }
});

test.run();
