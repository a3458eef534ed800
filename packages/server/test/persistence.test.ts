// The node's files: log + .idx + .meta written, read back, recovered, and
// every kind of damage refused without touching a file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntryType, index as idx, term as trm, type Entry } from '@redisraft-wasm/raft';
import { encodeLogRecords } from '@redisraft-wasm/wasm';
import { LogFile, writeFreshLog } from '../src/persistence/log-file.js';
import { META_FORMAT, readMeta, writeMetaSync } from '../src/persistence/meta-file.js';
import { NodeStorage, storagePaths, type StoragePaths } from '../src/persistence/node-storage.js';
import { RecoveryError, recover } from '../src/persistence/recovery.js';
import { checkLog } from '../src/persistence/check-log.js';
import { Store } from '@redisraft-wasm/store';
import { loadSnapshot, readSnapshotInfo, writeSnapshot } from '../src/persistence/rdb-snapshot.js';
import { nodeId } from '@redisraft-wasm/raft';

/** A snapshot of a small store at `index`/`term`, beside the log. */
async function writeSnap(p: StoragePaths, index: number, term: number, dbid = 'ab'.repeat(16)): Promise<string> {
  const store = new Store();
  store.execute([Buffer.from('SET'), Buffer.from('snapkey'), Buffer.from(`at-${index}`)], { nowMs: 1, seed: 1 });
  const path = join(p.dir, 'dump.rdb');
  await writeSnapshot(path, store.beginSnapshot(), { dbid, index: idx(index), term: trm(term), members: [{ id: nodeId(7), voter: true, addr: 'x:1' }] }, { sync: false, redisVersion: '7.0.15' });
  return path;
}
const snapSource = (p: StoragePaths, into = new Store()) => ({ path: join(p.dir, 'dump.rdb'), readInfo: readSnapshotInfo, load: (f: string) => loadSnapshot(f, into) });

const dirs: string[] = [];
function fresh(): StoragePaths {
  const d = mkdtempSync(join(tmpdir(), 'rrw-persist-'));
  dirs.push(d);
  return storagePaths(d, 'raft.db');
}
test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const entry = (i: number, t: number, data = `cmd-${i}`): Entry => ({ index: idx(i), term: trm(t), type: EntryType.normal, data: Buffer.from(data) });
const entries = (from: number, to: number, t: number) => Array.from({ length: to - from + 1 }, (_, k) => entry(from + k, t));

/** A node's files holding entries 1..n (term 1 for the first half, 2 after). */
function writeNode(p: StoragePaths, n: number, commit = n): void {
  const list = [...entries(1, Math.floor(n / 2), 1), ...entries(Math.floor(n / 2) + 1, n, 2)];
  writeFreshLog(p.log, p.idx, { base: idx(0), baseTerm: trm(0) }, list, false);
  writeMetaSync(p.meta, { format: META_FORMAT, nodeId: 7, dbid: 'ab'.repeat(16), term: 2, vote: 7, commit, log: 'raft.db' }, false);
}

const digest = (p: StoragePaths) =>
  readdirSync(p.dir).sort().map((f) => `${f}:${createHash('sha256').update(readFileSync(join(p.dir, f))).digest('hex')}`).join('\n');

function refused(p: StoragePaths, file: RegExp, message: RegExp, snapshots?: Parameters<typeof recover>[2]): void {
  const before = digest(p);
  try {
    recover(p, 1 << 20, snapshots);
    assert.unreachable('recovery should refuse');
  } catch (e) {
    if (!(e instanceof RecoveryError)) throw e;
    assert.match(e.file, file);
    assert.match(e.message, message);
    assert.match(e.message, /Remedy: .*RAFT\.NODE REMOVE (7|<id>).*RAFT\.CLUSTER JOIN/);
    assert.match(e.message, /at offset \d+/);
  }
  assert.is(digest(p), before, 'a refused start changes no file');
}

test('written entries recover exactly: terms, commit, membership, evicted ones read back through the .idx', () => {
  const p = fresh();
  writeNode(p, 100, 60);
  const r = recover(p, 500);
  assert.equal(r.warnings, []);
  assert.is(r.scan.count, 100);
  assert.is(r.state.hardState.term, 2);
  assert.is(r.state.hardState.vote, 7);
  assert.is(r.state.hardState.commit, 60);
  const cached = r.state.entries.length;
  assert.ok(cached > 0 && cached < 100, `only the newest entries stay cached (${cached})`);
  assert.is(r.state.uncachedTerms!.length + cached, 100);
  assert.is(r.state.entries[cached - 1]!.index, 100);
  const back = r.log.read(idx(1), idx(101), Infinity);
  assert.is(back.length, 100);
  assert.is(Buffer.from(back[41]!.data).toString(), 'cmd-42');
  assert.is(back[99]!.term, 2);
  const some = r.log.read(idx(10), idx(101), 100);
  assert.ok(some.length >= 1 && some.length < 10, 'reads are bounded by bytes');
  assert.is(some[0]!.index, 10);
  r.log.close();
});

test('append and truncate keep log and .idx in step across a restart', () => {
  const p = fresh();
  writeNode(p, 10);
  let r = recover(p, 1 << 20);
  r.log.truncateFrom(idx(6));
  r.log.append(entries(6, 12, 3));
  r.log.close();
  r = recover(p, 1 << 20);
  assert.equal(r.warnings, []);
  assert.is(r.scan.count, 12);
  assert.equal(r.scan.termRuns.map((t) => t.term), [1, 3]);
  assert.is(r.state.hardState.term, 3, 'a log term newer than the metadata wins');
  assert.is(r.state.hardState.vote, 0, 'with no vote in that term');
  r.log.close();
});

test('a torn final record is cut off with a warning naming file and offset', () => {
  const p = fresh();
  writeNode(p, 20);
  const size = readFileSync(p.log).length;
  const next = encodeLogRecords([{ index: 21, term: 2, type: 0, payload: Buffer.from('half-written') }]);
  appendFileSync(p.log, next.subarray(0, 17));
  const r = recover(p, 1 << 20);
  assert.is(r.scan.count, 20);
  assert.is(r.warnings.length, 1);
  assert.match(r.warnings[0]!, new RegExp(`raft\\.db: cut off a torn final record at offset ${size}`));
  assert.is(readFileSync(p.log).length, size);
  r.log.close();
});

test('a complete final record with a bad CRC (torn mid-sector) is also cut; a zero-filled tail too', () => {
  const p = fresh();
  writeNode(p, 20);
  const size = readFileSync(p.log).length;
  const next = Buffer.from(encodeLogRecords([{ index: 21, term: 2, type: 0, payload: Buffer.from('xyz') }]));
  next[next.length - 1] ^= 0xff;
  appendFileSync(p.log, next);
  let r = recover(p, 1 << 20);
  assert.is(r.warnings.length, 1);
  assert.is(readFileSync(p.log).length, size);
  r.log.close();
  appendFileSync(p.log, Buffer.alloc(4096));
  r = recover(p, 1 << 20);
  assert.is(r.scan.count, 20);
  assert.is(readFileSync(p.log).length, size);
  r.log.close();
});

test('an .idx behind the log (crash between the two appends) or past a torn tail is repaired', () => {
  const p = fresh();
  writeNode(p, 30);
  truncateSync(p.idx, 25 * 8);
  let r = recover(p, 1 << 20);
  assert.match(r.warnings.join(), /added 5 offsets/);
  assert.is(readFileSync(p.idx).length, 30 * 8);
  r.log.close();
  assert.equal(recover(p, 1 << 20).warnings, []);
  // Offsets for records that a torn tail lost.
  const size = readFileSync(p.log).length;
  const extra = Buffer.alloc(16);
  extra.writeBigUInt64LE(BigInt(size), 0);
  extra.writeBigUInt64LE(BigInt(size + 40), 8);
  appendFileSync(p.idx, extra);
  appendFileSync(p.log, encodeLogRecords([{ index: 31, term: 2, type: 0, payload: Buffer.from('gone') }]).subarray(0, 10));
  r = recover(p, 1 << 20);
  assert.is(r.warnings.length, 2);
  assert.is(readFileSync(p.idx).length, 30 * 8);
  r.log.close();
});

test('a rewrite interrupted between renaming the log and its .idx completes at start', () => {
  const p = fresh();
  writeNode(p, 10);
  const goodIdx = readFileSync(p.idx);
  writeFileSync(`${p.idx}.tmp`, goodIdx);
  writeFileSync(p.idx, Buffer.alloc(goodIdx.length, 1));
  const r = recover(p, 1 << 20);
  assert.match(r.warnings.join(), /completed an interrupted log rewrite/);
  assert.ok(readFileSync(p.idx).equals(goodIdx));
  assert.not.ok(existsSync(`${p.idx}.tmp`));
  r.log.close();
});

test('damage in the middle is refused: bad CRC', () => {
  const p = fresh();
  writeNode(p, 20);
  const buf = readFileSync(p.log);
  const at = Number(readFileSync(p.idx).readBigUInt64LE(5 * 8));
  buf[at + 26] ^= 0x01;
  writeFileSync(p.log, buf);
  refused(p, /raft\.db$/, new RegExp(`record at offset ${at} fails its CRC32C check`));
});

test('damage in the middle is refused: a gap in the indexes', () => {
  const p = fresh();
  writeFreshLog(p.log, p.idx, { base: idx(0), baseTerm: trm(0) }, [entry(1, 1), entry(2, 1)], false);
  writeMetaSync(p.meta, { format: META_FORMAT, nodeId: 7, dbid: 'x', term: 1, vote: 0, commit: 0, log: 'raft.db' }, false);
  appendFileSync(p.log, encodeLogRecords([{ index: 4, term: 1, type: 0, payload: Buffer.from('a') }, { index: 5, term: 1, type: 0, payload: Buffer.from('b') }]));
  refused(p, /raft\.db$/, /a gap: record of index 4 where index 3 was expected/);
});

test('damage in the middle is refused: a term going backwards', () => {
  const p = fresh();
  writeFreshLog(p.log, p.idx, { base: idx(0), baseTerm: trm(0) }, [entry(1, 1), entry(2, 3), entry(3, 2), entry(4, 3)], false);
  writeMetaSync(p.meta, { format: META_FORMAT, nodeId: 7, dbid: 'x', term: 3, vote: 0, commit: 0, log: 'raft.db' }, false);
  refused(p, /raft\.db$/, /the term goes backwards: index 3 has term 2 after term 3/);
});

test('an .idx disagreeing with the log is refused', () => {
  const p = fresh();
  writeNode(p, 10);
  const b = readFileSync(p.idx);
  b.writeBigUInt64LE(3n, 4 * 8);
  writeFileSync(p.idx, b);
  refused(p, /raft\.db\.idx$/, /entry 5 of the log is at offset \d+, the index file says 3/);
});

test('missing or damaged files are refused: meta missing, meta corrupt, log missing, .idx missing, another log named', () => {
  let p = fresh();
  writeNode(p, 4);
  rmSync(p.meta);
  refused(p, /raft\.db\.meta$/, /metadata file is missing/);
  p = fresh();
  writeNode(p, 4);
  writeFileSync(p.meta, readFileSync(p.meta, 'utf8').replace('"term":2', '"term":9'));
  refused(p, /raft\.db\.meta$/, /metadata file is damaged: its CRC32C/);
  p = fresh();
  writeNode(p, 4);
  rmSync(p.log);
  refused(p, /raft\.db$/, /log file the metadata names is missing/);
  p = fresh();
  writeNode(p, 4);
  rmSync(p.idx);
  refused(p, /raft\.db\.idx$/, /index file is missing/);
  p = fresh();
  writeNode(p, 4);
  writeMetaSync(p.meta, { format: META_FORMAT, nodeId: 7, dbid: 'x', term: 2, vote: 0, commit: 0, log: 'other.db' }, false);
  refused(p, /raft\.db\.meta$/, /names log file 'other\.db'/);
});

test('NodeStorage: group commit reports each Ready durable in order, with fsync on and off', async () => {
  for (const fsyncOn of [true, false]) {
    const p = fresh();
    const durable: number[] = [];
    const st = NodeStorage.create(p, { nodeId: 3, dbid: 'd', term: 1, vote: 0, commit: 0 }, [], () => fsyncOn, (s) => durable.push(s), (e) => { throw e; });
    const rd = (seq: number, es: Entry[], hs: { term: number; vote: number } | null = null) => ({
      softState: { role: 'follower', leader: 0, term: 1 }, hardState: hs ? { term: trm(hs.term), vote: hs.vote, commit: idx(0) } : null,
      truncateFrom: null, entries: es, snapshot: null, messages: [], committed: [], readStates: [], failedReads: [], persistSeq: seq,
    }) as unknown as Parameters<NodeStorage['persist']>[0];
    st.persist(rd(1, entries(1, 3, 1), { term: 2, vote: 3 }));
    st.persist(rd(2, entries(4, 5, 1)));
    st.persist(rd(3, entries(6, 9, 2)));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(durable.length >= 1, 'something became durable');
    assert.is(durable[durable.length - 1], 3);
    assert.equal([...durable].sort((a, b) => a - b), durable, 'in order');
    if (fsyncOn) assert.ok(durable.length < 3, `later Readies share an fsync (${durable.join(',')})`);
    st.close();
    const r = recover(p, 1 << 20);
    assert.is(r.scan.count, 9);
    assert.is(r.meta.vote, 3);
    assert.is(r.state.hardState.term, 2);
    r.log.close();
  }
});

test('NodeStorage: a dbid set while a term change is being written lands in one ordered metadata write (the joining-node race)', async () => {
  // A join is acknowledged (setDbid) while the metadata replace of a term change is still running: both once wrote the same
  // temp file, and the loser's rename failed with ENOENT, killing the node. Every round must end with both changes on disk.
  for (let round = 0; round < 20; round++) {
    const p = fresh();
    const durable: number[] = [];
    const fatal: Error[] = [];
    const st = NodeStorage.create(p, { nodeId: 4, dbid: '', term: 1, vote: 0, commit: 0 }, [], () => true, (s) => durable.push(s), (e) => fatal.push(e));
    st.persist({
      softState: { role: 'follower', leader: 0, term: 2 }, hardState: { term: trm(2 + round), vote: 0, commit: idx(0) },
      truncateFrom: null, entries: entries(1, 2, 2), snapshot: null, messages: [], committed: [], readStates: [], failedReads: [], persistSeq: 1,
    } as unknown as Parameters<NodeStorage['persist']>[0]);
    st.setDbid('cd'.repeat(16));
    const until = Date.now() + 5000;
    // Durable, and the dbid written after it (the loop writes what is dirty once the running replace ends).
    while ((durable.length === 0 || readMeta(p.meta)?.dbid !== 'cd'.repeat(16)) && fatal.length === 0 && Date.now() < until) await new Promise((r) => setImmediate(r));
    assert.equal(fatal.map((e) => e.message), [], 'no failed metadata write');
    assert.equal(durable, [1]);
    st.close();
    const meta = readMeta(p.meta)!;
    assert.is(meta.dbid, 'cd'.repeat(16));
    assert.is(meta.term, 2 + round, 'the term change is not lost either');
    assert.not.ok(existsSync(`${p.meta}.tmp`), 'no temp file left');
  }
});

test('check-log describes an intact log, flags a torn tail, fixes only that, and reports damage', () => {
  const p = fresh();
  writeNode(p, 40);
  let c = checkLog(p.log);
  assert.ok(c.ok);
  assert.match(c.lines.join('\n'), /entries:  40 \(index 1-40\)/);
  assert.match(c.lines.join('\n'), /terms:    1 \(1-20\), 2 \(21-40\)/);
  assert.match(c.lines.join('\n'), /node 7, cluster abab/);
  const size = readFileSync(p.log).length;
  appendFileSync(p.log, Buffer.from([1, 2, 3]));
  c = checkLog(p.log);
  assert.not.ok(c.ok);
  assert.match(c.lines.join('\n'), /TORN: .* \(offset \d+\)/);
  assert.is(readFileSync(p.log).length, size + 3, 'check-log alone changes nothing');
  c = checkLog(p.log, { fixTail: true });
  assert.ok(c.ok);
  assert.is(readFileSync(p.log).length, size);
  const buf = readFileSync(p.log);
  buf[100] ^= 0xff;
  writeFileSync(p.log, buf);
  const before = digest(p);
  c = checkLog(p.log, { fixTail: true });
  assert.not.ok(c.ok);
  assert.match(c.lines.join('\n'), /DAMAGED: .*raft\.db at offset \d+/);
  assert.is(digest(p), before, '--fix-tail never touches mid-log damage');
});

test('snapshot + log: the log after the snapshot is kept, entries the snapshot covers are dropped', async () => {
  const p = fresh();
  writeNode(p, 30);
  await writeSnap(p, 12, 1);
  const store = new Store();
  const r = recover(p, 1 << 20, snapSource(p, store));
  assert.is(r.state.snapshot!.index, 12);
  assert.equal(r.state.entries.map((e) => e.index), Array.from({ length: 18 }, (_, k) => 13 + k));
  assert.match(r.warnings.join(), /dropped the entries through index 12/);
  assert.is(store.execute([Buffer.from('GET'), Buffer.from('snapkey')], { nowMs: 2, seed: 0 }).kind, 'bulk');
  r.log.close();
  const again = recover(p, 1 << 20, snapSource(p));
  assert.equal(again.warnings, [], 'the log was rewritten to start after the snapshot');
  assert.is(again.scan.header!.base, 12);
  again.log.close();
});

test('snapshot ahead of the whole log, or disagreeing with it at its index (an interrupted install): the log starts over', async () => {
  let p = fresh();
  writeNode(p, 10);
  await writeSnap(p, 50, 4);
  let r = recover(p, 1 << 20, snapSource(p));
  assert.is(r.state.snapshot!.index, 50);
  assert.is(r.state.entries.length, 0);
  assert.is(r.log.lastIndex(), 50);
  r.log.close();
  p = fresh();
  writeNode(p, 10);
  await writeSnap(p, 8, 9);
  r = recover(p, 1 << 20, snapSource(p));
  assert.match(r.warnings.join(), /disagree with the snapshot at index 8/);
  assert.is(r.log.lastIndex(), 8);
  assert.is(r.state.entries.length, 0);
  r.log.close();
});

test('snapshot damage is refused, files untouched: missing, older than the log, another cluster, bad CRC', async () => {
  let p = fresh();
  writeNode(p, 20);
  await writeSnap(p, 10, 1);
  recover(p, 1 << 20, snapSource(p)).log.close();
  rmSync(join(p.dir, 'dump.rdb'));
  refused(p, /dump\.rdb$/, /the snapshot is missing, and the log starts after index 10/, snapSource(p));
  await writeSnap(p, 5, 1);
  refused(p, /dump\.rdb$/, /covers up to index 5, but the log starts after index 10/, snapSource(p));
  p = fresh();
  writeNode(p, 20);
  await writeSnap(p, 10, 1, 'cd'.repeat(16));
  refused(p, /dump\.rdb$/, /belongs to cluster cdcd.*the metadata to abab/, snapSource(p));
  p = fresh();
  writeNode(p, 20);
  const path = await writeSnap(p, 10, 1);
  const b = readFileSync(path);
  b[b.length - 3] ^= 1;
  writeFileSync(path, b);
  refused(p, /dump\.rdb$/, /the snapshot is damaged: the CRC64 checksum does not match/, snapSource(p));
});

test('LogFile.read refuses ranges outside the log', () => {
  const p = fresh();
  writeNode(p, 5);
  const r = recover(p, 1 << 20);
  assert.throws(() => r.log.read(idx(0), idx(2), Infinity), /outside/);
  assert.throws(() => r.log.read(idx(3), idx(7), Infinity), /outside/);
  // A file cut short behind our back is an error, not a short read (or an endless loop).
  truncateSync(p.log, 60);
  assert.throws(() => r.log.read(idx(2), idx(4), Infinity), /unexpected end of file/);
  assert.throws(() => r.log.rewriteAfter(idx(1), trm(1), false), /unexpected end of file/);
  assert.ok(r.log instanceof LogFile);
  r.log.close();
});

test.run();
