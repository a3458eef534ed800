// RDB snapshots: written from a copy-on-write view while commands keep
// running, read back exactly, refused when damaged, byte-identical from
// two engines fed the same entries, and loadable by stock redis-server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, formatId, type Stream, type StoreSnapshot } from '@redisraft-wasm/store';
import { index as idx, nodeId, term as trm } from '@redisraft-wasm/raft';
import { rng, randomCommand } from '../../../test/differential/lib/command-generator.js';
import { streamCommand } from '../../../test/differential/lib/gen-stream.js';
import { plainReply } from './plain-reply.js';
import { SnapshotError, loadSnapshot, readSnapshotInfo, writeSnapshot, type SnapshotInfo } from '../src/persistence/rdb-snapshot.js';

const dirs: string[] = [];
const dir = () => { const d = mkdtempSync(join(tmpdir(), 'rrw-snap-')); dirs.push(d); return d; };
test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const INFO: SnapshotInfo = { dbid: 'f'.repeat(32), index: idx(1234), term: trm(7), members: [{ id: nodeId(1), voter: true, addr: '127.0.0.1:5001' }] };
const T0 = 1_700_000_000_000;

/**
 * The seed's random workload, each command run on every store given. Two
 * stores that must match are fed by one call: the stream cases draw their
 * ids from a clock that lives in the generator module (gen-stream.ts), so
 * two runs of one seed would not repeat the same ids.
 */
function run(stores: Store | Store[], seed: number, from: number, to: number): void {
  const r = rng(seed);
  for (let i = 0; i < to; i++) {
    const argv = randomCommand(r).map((a) => Buffer.from(a, 'latin1'));
    if (i >= from) for (const store of Array.isArray(stores) ? stores : [stores]) store.execute(argv, { nowMs: T0 + i, seed: i });
  }
}

/** A stream's whole structure: nodes as listpacks hold them (tombstones too), ids, counters, groups, PELs, consumers. */
function streamBody(s: Stream): unknown {
  const hex = (b: Buffer) => b.toString('hex');
  return {
    nodes: s.nodes.map((n) => [formatId(n.master), n.masterFields.map(hex), n.live, n.dead, n.bytes, n.sorted, n.entries.map((e) => [formatId(e.id), e.deleted, e.fv.map(hex)])]),
    length: s.length, lastId: formatId(s.lastId), firstId: formatId(s.firstId), maxDeletedId: formatId(s.maxDeletedId), entriesAdded: String(s.entriesAdded),
    // No groups and an emptied group table are alike (Redis too loads the latter as none).
    groups: s.sortedGroups().map((g) => [
      hex(g.name), formatId(g.lastId), String(g.entriesRead),
      [...g.pel.from()].map(([id, n]) => [formatId(id), n.deliveryTime, String(n.deliveryCount), n.consumer ? hex(n.consumer.name) : null]),
      g.sortedConsumers().map((c) => [hex(c.name), c.seenTime, [...c.pel.from()].map(([id]) => formatId(id))]),
    ]),
  };
}

/** Everything observable about a store, in a canonical order. */
function canonical(store: Store): string {
  const snap = store.beginSnapshot();
  const out: string[] = [`clock=${snap.clockMs} keyClock=${snap.keyClock}`];
  const recs = [];
  for (let b = snap.next(1000); b.length; b = snap.next(1000)) recs.push(...b);
  recs.sort((a, b) => Buffer.compare(a.key, b.key));
  for (const r of recs) {
    const v = r.value;
    let body: unknown;
    if (v.type === 'string') body = v.data.toString('hex');
    else if (v.type === 'list') body = Array.from({ length: v.items.length }, (_, i) => v.items.at(i).toString('hex'));
    else if (v.type === 'set') body = [...v.members].sort();
    else if (v.type === 'hash') body = [...v.fields].map(([f, x]) => [f, x.toString('hex')]).sort();
    else if (v.type === 'zset') body = [...v.zset].map((z) => [z.member, z.score]);
    else body = streamBody(v.stream);
    out.push(JSON.stringify([r.key.toString('hex'), v.type, r.expireAt, r.version, body]));
  }
  return out.join('\n');
}


/** An ioredis reply in the same shape. */
function fromRedis(x: unknown): unknown {
  if (Buffer.isBuffer(x)) return x.toString('latin1');
  if (Array.isArray(x)) return x.map(fromRedis);
  return x;
}

/** Stream commands only (many nodes, trims, tombstones, XSETID, groups, claims) on the generator's stream keys. */
function runStreams(store: Store, seed: number, n: number): void {
  const r = rng(seed);
  for (let i = 0; i < n; i++) store.execute(streamCommand(r, () => 'other').map((a) => Buffer.from(a, 'latin1')), { nowMs: T0 + i, seed: i });
}

async function save(store: Store, path: string): Promise<void> {
  await writeSnapshot(path, store.beginSnapshot(), INFO, { sync: false, redisVersion: '7.0.15' });
}

test('a snapshot reads back exactly: values, expiries, versions, clocks, Raft metadata', async () => {
  const a = new Store();
  run(a, 1, 0, 3000);
  a.execute(['RPUSH', 'big', ...Array.from({ length: 5000 }, (_, i) => `item-${i}`)].map((x) => Buffer.from(x)), { nowMs: T0 + 4000, seed: 1 });
  a.execute(['SET', 'bin', '\x00\xff\r\n'].map((x) => Buffer.from(x, 'latin1')), { nowMs: T0 + 4001, seed: 1 });
  a.execute(['SET', 'int', '-123456'].map((x) => Buffer.from(x)), { nowMs: T0 + 4002, seed: 1 });
  a.execute(['ZADD', 'z', '1.5', 'a', '-inf', 'b', '3e10', 'c', '0', '\x00\xff'].map((x) => Buffer.from(x, 'latin1')), { nowMs: T0 + 4003, seed: 1 });
  a.execute(['ZADD', 'bigz', ...Array.from({ length: 400 }, (_, i) => [String(i / 7), `m${i}`]).flat()].map((x) => Buffer.from(x)), { nowMs: T0 + 4004, seed: 1 });
  const path = join(dir(), 'dump.rdb');
  await save(a, path);
  const b = new Store();
  const info = loadSnapshot(path, b);
  assert.equal(info, INFO);
  assert.equal(readSnapshotInfo(path), INFO);
  assert.is(canonical(b), canonical(a));
  assert.ok(a.dbsize() > 3);
  // Small read chunks: records straddle chunk ends and the 5000-item list outgrows a chunk.
  for (const chunk of [64, 1000, 4099]) {
    const c = new Store();
    loadSnapshot(path, c, chunk);
    assert.is(canonical(c), canonical(a), `chunk ${chunk}`);
  }
});

test('stream-heavy workloads read back exactly: nodes, tombstones, ids, counters, groups, PELs, consumers', async () => {
  for (const seed of [31, 32, 33, 34]) {
    const a = new Store();
    runStreams(a, seed, 4000);
    const path = join(dir(), 'dump.rdb');
    await save(a, path);
    for (const chunk of [undefined, 512]) {
      const b = new Store();
      loadSnapshot(path, b, chunk);
      assert.is(canonical(b), canonical(a), `seed ${seed} chunk ${chunk}`);
    }
    // And it goes on the same way: the loaded stream takes the next commands exactly like the original.
    const b = new Store();
    loadSnapshot(path, b);
    const r = rng(seed + 100);
    for (let i = 0; i < 1000; i++) {
      const argv = streamCommand(r, () => 'other').map((x) => Buffer.from(x, 'latin1'));
      const ctx = { nowMs: T0 + 5000 + i, seed: i };
      assert.equal(b.execute(argv, ctx), a.execute(argv, ctx), argv.join(' '));
    }
    assert.is(canonical(b), canonical(a), `seed ${seed} after more commands`);
  }
});

test('copy-on-write: writes during a sliced snapshot do not leak into it', async () => {
  for (const seed of [2, 3, 4, 5]) {
    const live = new Store();
    const reference = new Store();
    run([live, reference], seed, 0, 1500);
    const snap = live.beginSnapshot();
    // Each slice lets more commands run against the live store, as event-loop turns would.
    let next = 1500;
    const r = rng(seed * 7);
    const interleaved: StoreSnapshot = { ...snap, next: (max) => {
      const out = snap.next(Math.max(1, Math.floor(max / 1000)));
      for (let k = 0; k < 25; k++, next++) live.execute(randomCommand(r).map((a) => Buffer.from(a, 'latin1')), { nowMs: T0 + next, seed: next });
      if (next % 3 === 0) live.execute([Buffer.from('FLUSHALL')], { nowMs: T0 + next, seed: 0 });
      return out;
    } };
    const path = join(dir(), 'dump.rdb');
    await writeSnapshot(path, interleaved, INFO, { sync: false, redisVersion: '7.0.15' });
    const loaded = new Store();
    loadSnapshot(path, loaded);
    assert.is(canonical(loaded), canonical(reference), `seed ${seed}`);
  }
});

test('determinism: two engines fed the same entries write byte-identical snapshots', async () => {
  const [a, b] = [new Store(), new Store()];
  run([a, b], 9, 0, 4000);
  const snap = a.beginSnapshot();
  assert.ok(snap.next(1e6).some((r) => r.value.type === 'stream' && r.value.stream.groups !== null), 'streams with groups in the workload');
  snap.close();
  const d = dir();
  await save(a, join(d, 'a.rdb'));
  await save(b, join(d, 'b.rdb'));
  assert.ok(readFileSync(join(d, 'a.rdb')).equals(readFileSync(join(d, 'b.rdb'))));
});

test('damage is refused with file and offset: a flipped byte, a cut file, not an RDB', async () => {
  const a = new Store();
  run(a, 11, 0, 500);
  const d = dir();
  const path = join(d, 'dump.rdb');
  await save(a, path);
  const good = readFileSync(path);
  const flipped = Buffer.from(good);
  flipped[Math.floor(good.length * 0.6)] ^= 0x10;
  writeFileSync(path, flipped);
  assert.throws(() => loadSnapshot(path, new Store()), (e: unknown) => e instanceof SnapshotError && /CRC64|opcode|length/.test(e.message) && /at offset \d+/.test(e.message));
  writeFileSync(path, good.subarray(0, good.length - 20));
  assert.throws(() => loadSnapshot(path, new Store()), /ends before its end-of-file marker/);
  writeFileSync(path, Buffer.from('hello world, not a snapshot'));
  assert.throws(() => loadSnapshot(path, new Store()), /not an RDB file/);
});

test('stock redis-server loads the snapshot and sees the same data', async () => {
  if (spawnSync('redis-server', ['--version']).error) {
    console.log('  (redis-server not installed: skipped)');
    return;
  }
  const a = new Store();
  run(a, 21, 0, 2000);
  runStreams(a, 22, 3000);
  a.execute(['ZADD', 'zs', '1', 'one', '2.5', 'two', 'inf', 'top'].map((x) => Buffer.from(x)), { nowMs: Date.now(), seed: 0 });
  a.execute(['SET', 'far', 'future', 'PXAT', String(Date.now() + 3_600_000)].map((x) => Buffer.from(x)), { nowMs: Date.now(), seed: 0 });
  const d = dir();
  await save(a, join(d, 'dump.rdb'));
  const { freePort } = await import('../../../test/integration/lib/node-process.js');
  const port = await freePort();
  // sanitize-dump-payload: Redis checks every stream listpack deeply as it loads the file.
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', d, '--dbfilename', 'dump.rdb', '--appendonly', 'no', '--save', '', '--sanitize-dump-payload', 'yes'], { stdio: 'ignore' });
  try {
    const { Redis } = await import('ioredis');
    const r = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: (n) => (n > 50 ? null : 50) });
    r.on('error', () => {});
    for (let i = 0; i < 100; i++) { try { await r.connect(); break; } catch { await new Promise((res) => setTimeout(res, 50)); } }
    const snap = a.beginSnapshot();
    const recs = [];
    for (let b = snap.next(1000); b.length; b = snap.next(1000)) recs.push(...b);
    // Keys with a past expiry are dropped by Redis at load; everything else must be there.
    const live = recs.filter((x) => x.expireAt === 0 || x.expireAt > Date.now());
    let streams = 0;
    assert.is(await r.dbsize(), live.length);
    for (const rec of live) {
      const k = rec.key;
      const v = rec.value;
      if (v.type === 'string') assert.ok((await r.getBuffer(k))!.equals(v.data));
      else if (v.type === 'list') assert.equal((await r.lrangeBuffer(k, 0, -1)).map((x) => x.toString('hex')), Array.from({ length: v.items.length }, (_, i) => v.items.at(i).toString('hex')));
      else if (v.type === 'set') assert.equal((await r.smembersBuffer(k)).map((x) => x.toString('latin1')).sort(), [...v.members].sort());
      else if (v.type === 'hash') assert.equal(Object.keys(await r.hgetallBuffer(k)).length, v.fields.size);
      else if (v.type === 'zset') assert.equal((await r.call('ZRANGE', k, '0', '-1', 'WITHSCORES') as string[]).length, v.zset.size * 2);
      else {
        // Entries, tombstone-aware counters, node count, groups, PELs and consumers as XINFO shows them.
        const args = ['XINFO', 'STREAM', k.toString('latin1'), 'FULL', 'COUNT', '0'];
        const ours = plainReply(a.execute(args.map((x) => Buffer.from(x, 'latin1')), { nowMs: Date.now(), seed: 0 }));
        assert.equal(fromRedis(await r.callBuffer(args[0]!, ...args.slice(1))), ours, k.toString('latin1'));
        streams++;
      }
    }
    assert.ok(streams > 0, 'streams in the snapshot');
    const pttl = await r.pttl('far');
    assert.ok(pttl > 3_500_000 && pttl <= 3_600_000, `expiry survives (${pttl})`);
    r.disconnect();
  } finally {
    proc.kill('SIGKILL');
  }
});

test.run();
