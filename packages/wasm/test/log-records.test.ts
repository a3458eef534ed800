import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeLogRecords, decodeLogRecords, RECORD_OVERHEAD_BYTES, type LogRecordInput } from '../src/index.js';
import { seededBytes, seededInt } from './random-bytes.js';

function batch(sizes: number[], seed = 1, firstIndex = 1): LogRecordInput[] {
  return sizes.map((size, i) => ({ index: firstIndex + i, term: 3 + (i >> 2), type: i % 4, payload: seededBytes(size, seed + i) }));
}

function sameEntries(actual: readonly { index: number; term: number; type: number; payload: Buffer }[], expected: LogRecordInput[]) {
  assert.is(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.is(actual[i]!.index, expected[i]!.index);
    assert.is(actual[i]!.term, expected[i]!.term);
    assert.is(actual[i]!.type, expected[i]!.type);
    assert.ok(actual[i]!.payload.equals(expected[i]!.payload), `payload ${i}`);
  }
}

test('round trip of a batch, offsets and sizes reported', () => {
  const entries = batch([0, 1, 5, 100, 4096]);
  const buf = encodeLogRecords(entries);
  const r = decodeLogRecords(buf, 1000);
  sameEntries(r.records, entries);
  assert.is(r.damage, null);
  assert.is(r.endOffset, 1000 + buf.length);
  let off = 1000;
  for (const rec of r.records) { assert.is(rec.offset, off); off += rec.size; }
});

test('round trip of random payloads from 0 bytes to 1 MiB', () => {
  const rnd = seededInt(42);
  const sizes = [0, 1 << 20];
  for (let i = 0; i < 40; i++) sizes.push(rnd() % (rnd() % 2 ? 300 : 1 << 20));
  const entries = batch(sizes, 9);
  const r = decodeLogRecords(encodeLogRecords(entries));
  sameEntries(r.records, entries);
  assert.is(r.damage, null);
});

test('large indexes and terms survive as u64', () => {
  const entries = [{ index: 2 ** 53 - 1, term: 2 ** 40, type: 255, payload: Buffer.from('x') }];
  sameEntries(decodeLogRecords(encodeLogRecords(entries)).records, entries);
});

test('concatenated batches decode as one log', () => {
  const a = batch([3, 4], 1, 1), b = batch([5], 2, 3);
  const r = decodeLogRecords(Buffer.concat([encodeLogRecords(a), encodeLogRecords(b)]));
  sameEntries(r.records, [...a, ...b]);
});

test('truncation at every byte of the last record is a torn tail at its offset', () => {
  const entries = batch([10, 20, 33]);
  const buf = encodeLogRecords(entries);
  const lastOffset = buf.length - (RECORD_OVERHEAD_BYTES + 33);
  for (let cut = lastOffset + 1; cut < buf.length; cut++) {
    const r = decodeLogRecords(buf.subarray(0, cut));
    assert.is(r.records.length, 2, `cut ${cut}`);
    assert.is(r.damage?.kind, 'torn-tail', `cut ${cut}`);
    assert.is(r.damage?.offset, lastOffset);
    assert.is(r.damage?.atEnd, true);
    assert.is(r.endOffset, lastOffset);
  }
});

test('a bit flip anywhere in a middle record is caught at that record, never skipped', () => {
  const entries = batch([8, 16, 12]);
  const buf = encodeLogRecords(entries);
  const start = RECORD_OVERHEAD_BYTES + 8;
  const end = start + RECORD_OVERHEAD_BYTES + 16;
  for (let byte = start; byte < end; byte++) {
    for (const bit of [0, 3, 7]) {
      const bad = Buffer.from(buf);
      bad[byte]! ^= 1 << bit;
      const r = decodeLogRecords(bad);
      assert.is(r.records.length, 1, `byte ${byte} bit ${bit}`);
      assert.ok(r.damage, `byte ${byte} bit ${bit} undetected`);
      assert.is(r.damage!.offset, start);
      assert.ok(['bad-crc', 'bad-length', 'bad-header', 'torn-tail'].includes(r.damage!.kind));
    }
  }
});

test('a payload bit flip is a CRC failure, not at the end when records follow', () => {
  const buf = encodeLogRecords(batch([8, 16, 12]));
  buf[RECORD_OVERHEAD_BYTES + 8 + 24 + 3]! ^= 0x10;
  const r = decodeLogRecords(buf);
  assert.is(r.damage?.kind, 'bad-crc');
  assert.is(r.damage?.atEnd, false);
  assert.match(r.damage!.reason, /CRC32C/);
});

test('a CRC failure in the final record is flagged as reaching the end', () => {
  const buf = encodeLogRecords(batch([8, 16]));
  buf[buf.length - 2]! ^= 1;
  const r = decodeLogRecords(buf);
  assert.is(r.damage?.kind, 'bad-crc');
  assert.is(r.damage?.atEnd, true);
});

test('an impossible length is bad-length; garbage after good records is reported', () => {
  const buf = encodeLogRecords(batch([8, 16]));
  const bad = Buffer.from(buf);
  bad.writeUInt32LE(0xfffffff0, RECORD_OVERHEAD_BYTES + 8);
  assert.is(decodeLogRecords(bad).damage?.kind, 'bad-length');

  const garbage = Buffer.concat([buf, seededBytes(200, 5)]);
  const r = decodeLogRecords(garbage);
  assert.is(r.records.length, 2);
  assert.ok(r.damage);
  assert.is(r.damage!.offset, buf.length);

  const zeros = Buffer.concat([buf, Buffer.alloc(64)]);
  assert.is(decodeLogRecords(zeros).damage?.offset, buf.length, 'zero-filled tail is not a valid record');
});

test('maxRecords stops early without reporting damage', () => {
  const buf = encodeLogRecords(batch([1, 2, 3, 4]));
  const r = decodeLogRecords(buf, 0, 2);
  assert.is(r.records.length, 2);
  assert.is(r.damage, null);
  assert.is(r.endOffset, r.records[1]!.offset + r.records[1]!.size);
});

test('bad input to the encoder is refused with a clear error', () => {
  assert.throws(() => encodeLogRecords([{ index: -1, term: 1, type: 0, payload: Buffer.alloc(0) }]), /index/);
  assert.throws(() => encodeLogRecords([{ index: 1, term: 1, type: 256, payload: Buffer.alloc(0) }]), /type/);
});

test.run();
