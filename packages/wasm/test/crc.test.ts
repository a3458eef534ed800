import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32c, crc64 } from '../src/index.js';
import { seededBytes } from './random-bytes.js';

// Bit-at-a-time references: slow and obviously right, to check the sliced tables.
function refCrc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
function refCrc64(data: Uint8Array): bigint {
  let c = 0n;
  for (const b of data) {
    c ^= BigInt(b);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ 0x95ac9329ac4bc9b5n : c >> 1n;
  }
  return c;
}

test('check vectors', () => {
  assert.is(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.is(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
  assert.is(crc32c(Buffer.alloc(0)), 0);
  assert.is(crc64(Buffer.alloc(0)), 0n);
});

test('agrees with bit-at-a-time references on random inputs of every small length', () => {
  for (let len = 0; len < 70; len++) {
    const data = seededBytes(len, len + 1);
    assert.is(crc32c(data), refCrc32c(data), `crc32c len ${len}`);
    assert.is(crc64(data), refCrc64(data), `crc64 len ${len}`);
  }
  const big = seededBytes(5000, 99);
  assert.is(crc32c(big), refCrc32c(big));
  assert.is(crc64(big), refCrc64(big));
});

test('incremental equals one-shot, across the internal slice size', () => {
  const data = seededBytes(3 * 1024 * 1024 + 13, 7);
  const whole32 = crc32c(data);
  const whole64 = crc64(data);
  for (const cut of [0, 1, 7, 8, 1000, 1 << 20, (1 << 20) + 5, data.length]) {
    assert.is(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut))), whole32, `crc32c cut ${cut}`);
    assert.is(crc64(data.subarray(cut), crc64(data.subarray(0, cut))), whole64, `crc64 cut ${cut}`);
  }
});

test.run();
