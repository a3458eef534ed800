// The data engine alone (no network, no Raft): operations per second on
// datasets of N keys, for SET, GET, LPUSH, ZADD, HSET and ZRANGE.
//   node --conditions=source --import tsx bench/engine.ts [-n 1000000] [-ops 500000]
import { Store } from '@redisraft-wasm/store';

const arg = (name: string, def: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1]! : def; };
const N = Number(arg('-n', '1000000'));
const OPS = Number(arg('-ops', '500000'));

const store = new Store();
let t = 1_700_000_000_000;
const exec = (argv: Buffer[]) => store.execute(argv, { nowMs: ++t, seed: 7 });
const B = (s: string) => Buffer.from(s);
const key = (prefix: string, i: number) => B(`${prefix}:${i % N}`);
const val = B('x'.repeat(16));

/** Runs `ops` commands made by `make` and answers ops/s. */
function measure(make: (i: number) => Buffer[]): number {
  // Build the argument vectors first, so the figure is the engine's.
  const cmds = Array.from({ length: OPS }, (_, i) => make(i));
  const t0 = process.hrtime.bigint();
  for (const c of cmds) exec(c);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return OPS / s;
}

function fill(what: string, make: (i: number) => Buffer[]): void {
  const t0 = Date.now();
  for (let i = 0; i < N; i++) exec(make(i));
  process.stderr.write(`  filled ${N} ${what} keys in ${Date.now() - t0} ms\n`);
}

const rnd = (i: number) => (i * 2654435761) % N;
const rows: [string, number][] = [];
process.stderr.write(`engine alone, ${N}-key datasets, ${OPS} operations per figure\n`);

fill('string', (i) => [B('SET'), key('s', i), val]);
rows.push(['SET (overwrite)', measure((i) => [B('SET'), key('s', rnd(i)), val])]);
rows.push(['GET', measure((i) => [B('GET'), key('s', rnd(i))])]);

fill('list', (i) => [B('RPUSH'), key('l', i), val]);
rows.push(['LPUSH', measure((i) => [B('LPUSH'), key('l', rnd(i)), val])]);

fill('hash', (i) => [B('HSET'), key('h', i), B('f0'), val]);
rows.push(['HSET (new field)', measure((i) => [B('HSET'), key('h', rnd(i)), B(`f${(i % 7) + 1}`), val])]);

// One big sorted set: the skip list's O(log n) paths are what is measured.
const t0 = Date.now();
for (let i = 0; i < N; i += 1000) {
  const args: Buffer[] = [B('ZADD'), B('z')];
  for (let j = i; j < Math.min(N, i + 1000); j++) args.push(B(String(rnd(j))), B(`m${j}`));
  exec(args);
}
process.stderr.write(`  filled one sorted set of ${N} members in ${Date.now() - t0} ms\n`);
rows.push(['ZADD (update score)', measure((i) => [B('ZADD'), B('z'), B(String(i)), B(`m${rnd(i)}`)])]);
rows.push(['ZRANGE (10 by rank)', measure((i) => [B('ZRANGE'), B('z'), B(String(rnd(i))), B(String(rnd(i) + 9))])]);
rows.push(['ZRANGE BYSCORE (10)', measure((i) => [B('ZRANGE'), B('z'), B(String(rnd(i))), B('+inf'), B('BYSCORE'), B('LIMIT'), B('0'), B('10')])]);

const mem = process.memoryUsage();
console.log(`\nengine ops/s (single thread, ${N}-key datasets; heap ${(mem.heapUsed / 1e6).toFixed(0)} MB, rss ${(mem.rss / 1e6).toFixed(0)} MB)\n`);
for (const [name, ops] of rows) console.log(`${name.padEnd(24)}${Math.round(ops).toLocaleString('en-US').padStart(14)}`);
