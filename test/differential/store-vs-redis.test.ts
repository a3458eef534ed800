// Differential test: seeded random command sequences sent to our engine and
// to Debian's redis-server 7.0; every RESP2 reply must be byte-identical.
// DIFF_SEEDS=200 DIFF_COMMANDS=5000 for a longer run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReply, replyEnd } from '@redisraft-wasm/resp';
import { Store } from '@redisraft-wasm/store';
import { RawRedis } from './lib/redis-server.js';
import { randomCommand, rng } from './lib/command-generator.js';
import { items, sameRandomReply } from './lib/compare-random.js';
import { sameStreamReply } from './lib/gen-stream.js';

const SEEDS = Number(process.env.DIFF_SEEDS ?? 50);
const COMMANDS = Number(process.env.DIFF_COMMANDS ?? 2000);

test(`${SEEDS} seeds x ${COMMANDS} commands: every reply equals redis-server's`, async () => {
  const redis = await RawRedis.start();
  try {
    let compared = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      await redis.send([[Buffer.from('FLUSHALL')]]);
      const store = new Store();
      const r = rng(seed);
      const commands = Array.from({ length: COMMANDS }, () => randomCommand(r).map((a) => Buffer.from(a, 'latin1')));
      const theirs = await sendClearingErrno(redis, commands);
      for (let i = 0; i < commands.length; i++) {
        const ours = encodeReply(store.execute(commands[i]!, { nowMs: Date.now(), seed }), 2);
        if (!ours.equals(theirs[i]!) && !sameTtl(commands[i]!, ours, theirs[i]!) && !sameUnordered(commands[i]!, ours, theirs[i]!) && !sameRandomReply(commands[i]!, ours, theirs[i]!) && !sameShape(commands[i]!, ours, theirs[i]!) && !sameStreamReply(commands[i]!, ours, theirs[i]!)) {
          const shown = commands[i]!.map((a) => JSON.stringify(a.toString('latin1'))).join(' ');
          assert.unreachable(`seed ${seed}, command ${i + 1}: ${shown}\n  redis: ${JSON.stringify(theirs[i]!.toString('latin1'))}\n  ours:  ${JSON.stringify(ours.toString('latin1'))}`);
        }
        compared++;
      }
    }
    assert.is(compared, SEEDS * COMMANDS);
  } finally {
    redis.stop();
  }
});

/**
 * redis-server 7.0's SORT tests errno after strtod without clearing it, so an ERANGE left behind by any earlier
 * number parse (ZCOUNT b 0 1e400, an overflowing SCAN cursor...) makes it refuse valid weights. A successful
 * INCRBYFLOAT clears errno: one runs (on a key outside the generated key space, deleted again) before every
 * SORT sent to redis-server, and its replies are dropped, so both engines sort from a clean errno.
 */
async function sendClearingErrno(redis: RawRedis, commands: Buffer[][]): Promise<Buffer[]> {
  const batch: Buffer[][] = [];
  const at: number[] = [];
  for (const argv of commands) {
    if (/^sort(_ro)?$/i.test(argv[0]!.toString())) {
      batch.push(['INCRBYFLOAT', '__errno__', '0'].map((x) => Buffer.from(x)), ['DEL', '__errno__'].map((x) => Buffer.from(x)));
    }
    at.push(batch.length);
    batch.push(argv);
  }
  const replies = await redis.send(batch);
  return at.map((i) => replies[i]!);
}

/** TTL/PTTL read two clocks at slightly different instants: allow a second (TTL) or 50 ms (PTTL) of drift. */
function sameTtl(argv: Buffer[], ours: Buffer, theirs: Buffer): boolean {
  const cmd = argv[0]!.toString().toUpperCase();
  if (cmd !== 'TTL' && cmd !== 'PTTL') return false;
  const a = /^:(-?\d+)\r\n$/.exec(ours.toString()), b = /^:(-?\d+)\r\n$/.exec(theirs.toString());
  if (!a || !b) return false;
  const x = Number(a[1]), y = Number(b[1]);
  return x >= 0 && y >= 0 && Math.abs(x - y) <= (cmd === 'TTL' ? 1 : 50);
}

/** ZRANDMEMBER draws differ from Redis's: compare the reply's kind and, for arrays, the length (errors stay exact). */
function sameShape(argv: Buffer[], ours: Buffer, theirs: Buffer): boolean {
  if (argv[0]!.toString().toUpperCase() !== 'ZRANDMEMBER') return false;
  if (ours[0] !== theirs[0] || ours[0] === 45) return false;
  if (ours[0] === 42) return ours.toString('latin1', 0, ours.indexOf('\r\n')) === theirs.toString('latin1', 0, theirs.indexOf('\r\n'));
  return ours[0] === 36 && !ours.subarray(0, 3).equals(Buffer.from('$-1')) && !theirs.subarray(0, 3).equals(Buffer.from('$-1'));
}

/** Hash and set order is unspecified in Redis: these replies compare as multisets (HGETALL by pairs). */
function sameUnordered(argv: Buffer[], ours: Buffer, theirs: Buffer): boolean {
  const cmd = argv[0]!.toString().toUpperCase();
  if (['SCAN', 'HSCAN', 'SSCAN'].includes(cmd)) return sameScan(cmd === 'HSCAN', ours, theirs);
  if (!['HKEYS', 'HVALS', 'HGETALL', 'SMEMBERS', 'SINTER', 'SUNION', 'SDIFF'].includes(cmd)) return false;
  const grouped = (b: Buffer) => {
    const out = items(b)!;
    if (cmd !== 'HGETALL') return out.sort();
    const pairs: string[] = [];
    for (let i = 0; i < out.length; i += 2) pairs.push(out[i]! + out[i + 1]!);
    return pairs.sort();
  };
  if (ours[0] !== 42 || theirs[0] !== 42) return false;
  return JSON.stringify(grouped(ours)) === JSON.stringify(grouped(theirs));
}

/** [cursor, [items]]: the cursor exactly, the items as a multiset (HSCAN by field/value pairs). */
function sameScan(pairs: boolean, ours: Buffer, theirs: Buffer): boolean {
  const parts = (b: Buffer) => {
    if (!b.subarray(0, 4).equals(Buffer.from('*2\r\n'))) return null;
    const cursorEnd = replyEnd(b, 4);
    const items: string[] = [];
    let off = b.indexOf('\r\n', cursorEnd) + 2;
    while (off < b.length) {
      const end = replyEnd(b, off);
      items.push(b.toString('latin1', off, end));
      off = end;
    }
    const grouped = pairs ? items.reduce<string[]>((acc, x, i) => (i % 2 ? (acc[acc.length - 1] += x, acc) : [...acc, x]), []) : items;
    return b.toString('latin1', 4, cursorEnd) + JSON.stringify(grouped.sort());
  };
  const a = parts(ours), b = parts(theirs);
  return a !== null && a === b;
}

test.run();
