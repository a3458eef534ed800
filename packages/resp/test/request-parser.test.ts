import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RequestParser, ProtocolError, splitInlineArgs, DEFAULT_REQUEST_LIMITS } from '../src/index.js';

function parseAll(input: Buffer | string, chunkSizes?: number[], parser = new RequestParser()): string[][] {
  const data = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const out: string[][] = [];
  const on = (argv: Buffer[]) => out.push(argv.map((a) => a.toString('latin1')));
  if (!chunkSizes) parser.feed(data, on);
  else {
    let off = 0;
    for (const size of chunkSizes) { parser.feed(data.subarray(off, off + size), on); off += size; }
    if (off < data.length) parser.feed(data.subarray(off), on);
  }
  return out;
}

function protocolError(input: string, parser = new RequestParser()): string {
  try {
    parseAll(input, undefined, parser);
  } catch (e) {
    assert.instance(e, ProtocolError);
    return (e as Error).message;
  }
  throw new Error(`no protocol error for ${JSON.stringify(input)}`);
}

const PIPELINE = '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\r\n\0x\r\n*1\r\n$4\r\nPING\r\nECHO "a b"\r\n*2\r\n$3\r\nGET\r\n$0\r\n\r\n';
const EXPECTED = [['SET', 'k', 'v\r\n\0x'], ['PING'], ['ECHO', 'a b'], ['GET', '']];

test('pipelined multibulk and inline commands, binary-safe, in order', () => {
  assert.equal(parseAll(PIPELINE), EXPECTED);
});

test('split at every byte boundary gives the same commands', () => {
  const data = Buffer.from(PIPELINE, 'latin1');
  for (let cut = 0; cut <= data.length; cut++) {
    assert.equal(parseAll(data, [cut]), EXPECTED, `cut at ${cut}`);
  }
  // And fed one byte at a time.
  assert.equal(parseAll(data, Array(data.length).fill(1)), EXPECTED);
});

test('large bulks spanning many chunks are reassembled', () => {
  const value = Buffer.alloc(300_000, 7);
  const cmd = Buffer.concat([Buffer.from(`*2\r\n$3\r\nSET\r\n$${value.length}\r\n`), value, Buffer.from('\r\n*1\r\n$4\r\nPING\r\n')]);
  const out: Buffer[][] = [];
  const p = new RequestParser();
  for (let off = 0; off < cmd.length; off += 65536) p.feed(cmd.subarray(off, off + 65536), (a) => out.push(a));
  assert.is(out.length, 2);
  assert.ok(out[0]![1]!.equals(value));
  assert.is(out[1]![0]!.toString(), 'PING');
});

test('empty and negative multibulk counts and blank inline lines are skipped', () => {
  assert.equal(parseAll('*0\r\n*-1\r\n\r\n   \r\n*1\r\n$4\r\nPING\r\n'), [['PING']]);
});

test('Redis protocol errors', () => {
  assert.is(protocolError('*abc\r\n'), 'Protocol error: invalid multibulk length');
  assert.is(protocolError('*99999999999999\r\n'), 'Protocol error: invalid multibulk length');
  assert.is(protocolError(`*${2 ** 31}\r\n`), 'Protocol error: invalid multibulk length');
  assert.is(protocolError('*1\r\n+PING\r\n'), "Protocol error: expected '$', got '+'");
  assert.is(protocolError('*1\r\n$-1\r\n'), 'Protocol error: invalid bulk length');
  assert.is(protocolError('*1\r\n$x\r\n'), 'Protocol error: invalid bulk length');
  assert.is(protocolError(`*1\r\n$${DEFAULT_REQUEST_LIMITS.maxBulkBytes + 1}\r\n`), 'Protocol error: invalid bulk length');
  assert.is(protocolError('SET "k v\r\n'), 'Protocol error: unbalanced quotes in request');
  assert.is(protocolError('x'.repeat(70 * 1024)), 'Protocol error: too big inline request');
  assert.is(protocolError('*1' + '1'.repeat(70 * 1024)), 'Protocol error: too big mbulk count string');
});

test('commands before a protocol error are still delivered', () => {
  const p = new RequestParser();
  const seen: string[] = [];
  assert.throws(() => p.feed(Buffer.from('*1\r\n$4\r\nPING\r\n*1\r\n+X\r\n'), (a) => seen.push(a[0]!.toString())), /expected/);
  assert.equal(seen, ['PING']);
});

test('huge declared multibulk counts do not allocate up front', () => {
  const p = new RequestParser();
  const out: Buffer[][] = [];
  p.feed(Buffer.from('*2147483647\r\n$4\r\nPING\r\n'), (a) => out.push(a));
  assert.is(out.length, 0);
  assert.ok(p.bufferedBytes < 100);
});

test('unauthenticated clients get the smaller limits', () => {
  const p = new RequestParser(DEFAULT_REQUEST_LIMITS, true);
  assert.is(protocolError('*11\r\n', p), 'Protocol error: unauthenticated multibulk length');
  const q = new RequestParser(DEFAULT_REQUEST_LIMITS, true);
  assert.is(protocolError('*1\r\n$16385\r\n', q), 'Protocol error: unauthenticated bulk length');
});

test('inline quoting follows sdssplitargs', () => {
  const split = (s: string) => splitInlineArgs(Buffer.from(s, 'latin1'))?.map((b) => b.toString('latin1')) ?? null;
  assert.equal(split('set  key   value'), ['set', 'key', 'value']);
  assert.equal(split('"a\\nb" \'c d\' "\\x41\\x7a"'), ['a\nb', 'c d', 'Az']);
  assert.equal(split('"q\\"uote" \'it\\\'s\''), ['q"uote', "it's"]);
  assert.equal(split('""'), ['']);
  assert.equal(split('"abc"def'), null);
  assert.equal(split("'abc"), null);
  assert.equal(split('   '), []);
});

test('inline commands accept bare LF line endings', () => {
  assert.equal(parseAll('PING\nECHO hi\n'), [['PING'], ['ECHO', 'hi']]);
});

test.run();
