// `redisraft-wasm bench --quick`: a table with the three redisraft-wasm
// setups, an SVG chart, and nothing left running or on disk afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN } from './lib/node-process.js';

const bench = suite('bench-cli');

/** Processes whose environment holds <marker>: the bench's servers inherit it from the bench. */
function processesMarked(marker: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) pids.push(Number(pid));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

bench('bench --quick on one node: a row per setup, an SVG chart, no process or directory left behind', () => {
  const work = mkdtempSync(join(tmpdir(), 'rrw-bench-test-'));
  const tmp = join(work, 'tmp'); // the bench's temporary data directories go here (TMPDIR)
  const chart = join(work, 'chart.svg');
  const marker = `RRW_BENCH_TEST=${randomBytes(8).toString('hex')}`;
  try {
    mkdirSync(tmp);
    const r = spawnSync(process.execPath, [BIN, 'bench', '--quick', '--nodes', '1', '--pipeline', '1', '--requests', '2000', '--chart', chart], {
      encoding: 'utf8', timeout: 90_000, cwd: work, env: { ...process.env, TMPDIR: tmp, [marker.split('=')[0]!]: marker.split('=')[1]! },
    });
    assert.is(r.status, 0, `exit ${r.status} ${r.signal ?? ''}\n${r.stdout}\n${r.stderr}`);
    for (const setup of ['raft-log-fsync yes', 'raft-log-fsync no', 'in-memory']) {
      for (const test of ['SET', 'GET']) {
        const row = r.stdout.split('\n').find((l) => l.includes(setup) && new RegExp(`\\s${test}\\s+1\\s`).test(l));
        assert.ok(row, `no ${setup} ${test} row in:\n${r.stdout}`);
        const opsPerSec = Number(row.split(/\s{2,}/)[3]);
        assert.ok(opsPerSec > 0, `ops/s of ${setup} ${test}: ${row}`);
        assert.match(row, /\d+\.\d{3}\s+\d+\.\d+\s+\d+\.\d+$/, `p50/p99/p99.9 of ${setup} ${test}: ${row}`);
      }
    }
    assert.match(r.stdout, /ops\/s\s+ratio\s+p50 ms\s+p99 ms\s+p99\.9 ms/);
    assert.ok(existsSync(chart), 'chart written');
    const svg = readFileSync(chart, 'utf8');
    assert.match(svg, /^(<\?xml[^>]*\?>\s*)?<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\s*$/);
    assert.match(svg, /raft-log-fsync yes/);
    assert.equal(processesMarked(marker), [], 'servers left running');
    assert.equal(readdirSync(tmp), [], 'temporary directories left behind');
  } finally {
    for (const pid of processesMarked(marker)) process.kill(pid, 'SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
});

bench('bench rejects bad options with a clear message', () => {
  const r = spawnSync(process.execPath, [BIN, 'bench', '--tests', 'set,lpush', '--no-redis'], { encoding: 'utf8', timeout: 15_000 });
  assert.is(r.status, 1);
  assert.match(r.stdout + r.stderr, /unknown test 'lpush'/);
});

bench.run();
