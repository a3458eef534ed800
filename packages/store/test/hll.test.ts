import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { encodeReply } from '@redisraft-wasm/resp';
import { Store } from '../src/index.js';
import { HLL_DENSE_SIZE, HllBytes, hllAdd, hllCount, murmurHash64A, patLen } from '../src/hll.js';

const run = (s: Store, ...args: string[]) => encodeReply(s.execute(args.map((a) => Buffer.from(a, 'latin1')), { nowMs: 1, seed: 1 }), 2).toString('latin1');
const seq = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const getBytes = (s: Store, key: string) => s.execute([Buffer.from('GET'), Buffer.from(key)], { nowMs: 1, seed: 1 }) as { value: Buffer };
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/** MurmurHash64A written plainly over BigInt, as the reference for the 32-bit-halves version. */
function murmurRef(data: Uint8Array, seed: bigint): bigint {
  const M = 0xc6a4a7935bd1e995n, mask = (1n << 64n) - 1n;
  const len = data.length;
  let h = (seed ^ (BigInt(len) * M)) & mask;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let b = 7; b >= 0; b--) k = (k << 8n) | BigInt(data[i + b]!);
    k = (k * M) & mask;
    k ^= k >> 47n;
    k = (k * M) & mask;
    h ^= k;
    h = (h * M) & mask;
  }
  const rest = len & 7;
  if (rest) {
    for (let b = rest - 1; b >= 0; b--) h ^= BigInt(data[blocks + b]!) << BigInt(8 * b);
    h = (h * M) & mask;
  }
  h ^= h >> 47n;
  h = (h * M) & mask;
  h ^= h >> 47n;
  return h;
}

test('MurmurHash64A matches a BigInt reference for every tail length', () => {
  let x = 12345;
  const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
  for (let len = 0; len < 70; len++) {
    for (let rep = 0; rep < 20; rep++) {
      const data = Uint8Array.from({ length: len }, rnd);
      const [hi, lo] = murmurHash64A(data, 0xadc83b19);
      const want = murmurRef(data, 0xadc83b19n);
      assert.is((BigInt(hi) << 32n) | BigInt(lo), want, `length ${len}`);
      const { index, count } = patLen(data);
      assert.is(index, Number(want & 0x3fffn));
      let rest = (want >> 14n) | (1n << 50n), c = 1;
      while ((rest & 1n) === 0n) { rest >>= 1n; c++; }
      assert.is(count, c);
    }
  }
});

// Expected bytes and counts below were taken from redis-server 7.0.15.
test('PFADD writes the sparse bytes Redis writes; PFCOUNT caches the count in the header', () => {
  const s = new Store();
  assert.is(run(s, 'PFADD', 'h', 'a', 'b', 'c'), ':1\r\n');
  assert.is(getBytes(s, 'h').value.toString('hex'), Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ', 'latin1').toString('hex'));
  assert.is(run(s, 'PFADD', 'h', 'a'), ':0\r\n');
  assert.is(run(s, 'PFADD', 'h2', ...seq('e', 200)), ':1\r\n');
  assert.is(sha1(getBytes(s, 'h2').value), '5fd07f80046e426606d132cce7cc68ed6ce9601d');
  assert.is(run(s, 'PFCOUNT', 'h2'), ':200\r\n');
  assert.is(sha1(getBytes(s, 'h2').value), '67656f5edcd98dfaa76d3d449efed617b55ef969');
  assert.is(run(s, 'PFDEBUG', 'ENCODING', 'h2'), '+sparse\r\n');
});

test('past hll-sparse-max-bytes the string turns dense, bytes and counts as Redis', () => {
  const s = new Store();
  run(s, 'PFADD', 'h2', ...seq('e', 200));
  assert.is(run(s, 'PFADD', 'h4', ...seq('e', 2000)), ':1\r\n');
  assert.is(sha1(getBytes(s, 'h4').value), 'd89749d695c9bf2d520372e472f50f24ee53f88b');
  assert.is(run(s, 'PFCOUNT', 'h4'), ':2000\r\n');
  assert.is(run(s, 'PFDEBUG', 'ENCODING', 'h4'), '+dense\r\n');
  assert.is(run(s, 'STRLEN', 'h4'), `:${HLL_DENSE_SIZE}\r\n`);
  assert.is(run(s, 'PFADD', 'h3', ...seq('e', 5000)), ':1\r\n');
  assert.is(run(s, 'PFCOUNT', 'h3'), ':4968\r\n');
  assert.is(sha1(getBytes(s, 'h3').value), '96a367e68466cf15738f8f4dbb54a5c87e55a814');
  assert.is(run(s, 'PFCOUNT', 'h2', 'h3', 'nosuch'), ':4968\r\n');
  assert.is(run(s, 'PFMERGE', 'm', 'h2', 'h3'), '+OK\r\n');
  assert.is(sha1(getBytes(s, 'm').value), '21f2bcbf124c89c42b46e149b5d2218e30c42fd1');
  assert.is(run(s, 'PFCOUNT', 'm'), ':4968\r\n');
  assert.is(run(s, 'PFMERGE', 'm2', 'h2', 'nosuch'), '+OK\r\n');
  assert.is(sha1(getBytes(s, 'm2').value), '5fd07f80046e426606d132cce7cc68ed6ce9601d', 'a sparse merge rebuilds the same opcodes');
  assert.is(run(s, 'PFDEBUG', 'ENCODING', 'm2'), '+sparse\r\n');
  run(s, 'PFADD', 'big', ...seq('x', 100000));
  assert.is(run(s, 'PFCOUNT', 'big'), ':100903\r\n');
});

test('sparse and dense forms give the same count; GETREG and TODENSE convert', () => {
  const sparse = HllBytes.empty();
  const dense = HllBytes.empty();
  for (let i = 0; i < 800; i++) {
    hllAdd(sparse, Buffer.from(`k${i}`));
    hllAdd(dense, Buffer.from(`k${i}`), 0); // max bytes 0: dense at the first new register
  }
  assert.is(sparse.encoding, 1);
  assert.is(dense.encoding, 0);
  assert.is(hllCount(sparse.toBuffer()), hllCount(dense.toBuffer()));
  const s = new Store();
  run(s, 'PFADD', 'h', 'a', 'b', 'c');
  const regs = run(s, 'PFDEBUG', 'GETREG', 'h');
  assert.ok(regs.startsWith('*16384\r\n'));
  assert.is(regs.split('\r\n').filter((l) => l !== ':0' && l.startsWith(':')).length, 3);
  assert.is(run(s, 'PFDEBUG', 'ENCODING', 'h'), '+dense\r\n', 'GETREG leaves the string dense');
  assert.is(run(s, 'PFDEBUG', 'TODENSE', 'h'), ':0\r\n');
  assert.is(run(s, 'PFDEBUG', 'DECODE', 'h'), '-ERR HLL encoding is not sparse\r\n');
  assert.is(run(s, 'PFCOUNT', 'h'), ':3\r\n');
  run(s, 'PFADD', 'g', 'a');
  assert.is(run(s, 'PFDEBUG', 'TODENSE', 'g'), ':1\r\n');
  assert.is(run(s, 'PFDEBUG', 'nope', 'g'), "-ERR Unknown PFDEBUG subcommand 'nope'\r\n");
  assert.is(run(s, 'PFDEBUG', 'nope', 'missing'), '-ERR The specified key does not exist\r\n');
  assert.is(run(s, 'PFSELFTEST'), '+OK\r\n');
});

test('wrong types, strings that are not HLLs, corrupted sparse forms', () => {
  const s = new Store();
  run(s, 'RPUSH', 'l', 'x');
  run(s, 'SET', 'str', 'hello');
  assert.is(run(s, 'PFADD', 'l', 'a'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  assert.is(run(s, 'PFADD', 'str', 'a'), '-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n');
  assert.is(run(s, 'PFCOUNT', 'str'), '-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n');
  assert.is(run(s, 'PFCOUNT', 'nosuch', 'l'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  assert.is(run(s, 'PFMERGE', 'dst', 'str'), '-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n');
  assert.is(run(s, 'EXISTS', 'dst'), ':0\r\n');
  // Sparse opcodes covering fewer registers than 16384: a count is refused, stale cache bit set.
  const hdr = 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80';
  run(s, 'SET', 'bad', `${hdr}\x7f\xf0`);
  assert.is(run(s, 'PFCOUNT', 'bad'), '-INVALIDOBJ Corrupted HLL object detected\r\n');
  assert.is(run(s, 'PFCOUNT', 'bad', 'bad'), '-INVALIDOBJ Corrupted HLL object detected\r\n');
  assert.is(run(s, 'PFMERGE', 'dst', 'bad'), '-INVALIDOBJ Corrupted HLL object detected\r\n');
  // Opcodes running past register 16384, by a whole opcode or within one: corrupt everywhere.
  const xz = (n: number) => String.fromCharCode(0x40 | ((n - 1) >> 8), (n - 1) & 0xff);
  for (const tail of [`${xz(16384)}\x00`, `${xz(16384)}\x80`, `${xz(16383)}\x01`, `${xz(16383)}\x81`, `${xz(16383)}${xz(2)}`, xz(16000)]) {
    run(s, 'SET', 'bad', hdr + tail);
    assert.is(run(s, 'PFCOUNT', 'bad'), '-INVALIDOBJ Corrupted HLL object detected\r\n');
    assert.is(run(s, 'PFCOUNT', 'bad', 'nosuch'), '-INVALIDOBJ Corrupted HLL object detected\r\n');
    assert.is(run(s, 'PFDEBUG', 'TODENSE', 'bad'), '-INVALIDOBJ Corrupted HLL object detected\r\n');
    assert.is(run(s, 'PFADD', 'bad', 'a'), ':1\r\n', 'the register it lands on is still found');
  }
  // A valid cache is answered as is, whatever the registers say.
  run(s, 'SET', 'cached', `HYLL\x01\x00\x00\x00\x2a\x00\x00\x00\x00\x00\x00\x00\x7f\xff`);
  assert.is(run(s, 'PFCOUNT', 'cached'), ':42\r\n');
  run(s, 'SET', 'huge', `HYLL\x01\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\x7f\x7f\xff`);
  assert.is(run(s, 'PFCOUNT', 'huge'), ':9223372036854775807\r\n');
  run(s, 'SET', 'enc', `HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff`);
  assert.is(run(s, 'PFCOUNT', 'enc'), '-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n');
});

test('dense registers of any value count as Redis counts them (values above 51 ignored, an infinite estimate wraps)', () => {
  const s = new Store();
  const dense = (byte: (i: number) => number) => 'HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80' + String.fromCharCode(...Array.from({ length: 12288 }, (_, i) => byte(i)));
  const cases: [string, (i: number) => number, string, string][] = [
    ['all 63', () => 0xff, '-9223372036854775808', '\x00\x00\x00\x00\x00\x00\x00\x80'],
    ['all 0', () => 0, '0', '\x00\x00\x00\x00\x00\x00\x00\x00'],
    ['0x33', () => 0x33, '96817625', '\xd9Q\xc5\x05\x00\x00\x00\x00'],
    ['0xcc', () => 0xcc, '96817625', '\xd9Q\xc5\x05\x00\x00\x00\x00'],
    ['mixed', (i) => (i * 37) & 0xff, '375261', '\xdd\xb9\x05\x00\x00\x00\x00\x00'],
  ];
  for (const [name, byte, count, cache] of cases) {
    run(s, 'SET', 'k', dense(byte));
    assert.is(run(s, 'PFCOUNT', 'k'), `:${count}\r\n`, name);
    assert.is(run(s, 'PFCOUNT', 'k', 'nosuch'), `:${count}\r\n`, name);
    assert.is(run(s, 'GETRANGE', 'k', '8', '15'), `$8\r\n${cache}\r\n`, `${name}: cached bytes`);
  }
});

test('PFCOUNT keeps the TTL and bumps the version only when it writes the cache', () => {
  const s = new Store();
  run(s, 'PFADD', 'h', 'a');
  run(s, 'PEXPIRE', 'h', '100000');
  const v0 = s.keyVersion(Buffer.from('h'));
  assert.is(run(s, 'PFCOUNT', 'h'), ':1\r\n');
  const v1 = s.keyVersion(Buffer.from('h'));
  assert.ok(v1 !== v0, 'cache written');
  assert.is(run(s, 'PFCOUNT', 'h'), ':1\r\n');
  assert.is(s.keyVersion(Buffer.from('h')), v1, 'cached answer, no write');
  assert.is(run(s, 'PFADD', 'h', 'a'), ':0\r\n');
  assert.is(s.keyVersion(Buffer.from('h')), v1, 'no register changed, no write');
  assert.ok(run(s, 'PTTL', 'h') !== ':-1\r\n');
});

test.run();
