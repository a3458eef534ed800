// redis-benchmark against one redisraft-wasm node and against plain
// redis-server (no persistence) on the same machine, in the same run.
//   node --import tsx bench/single-node.ts [-n 100000] [-c 50] [-P 1] [-t set,get]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisBenchmark, type BenchFigure } from './redis-benchmark.js';
import { freePort } from '../test/integration/lib/node-process.js';

const BIN = fileURLToPath(new URL('../packages/redisraft-wasm/bin/redisraft-wasm.mjs', import.meta.url));

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : def;
}
const n = arg('-n', '100000'), c = arg('-c', '50'), pipeline = arg('-P', '1'), tests = arg('-t', 'set,get');

async function waitReady(port: number, proc: ChildProcess): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`server on ${port} exited`);
    const ok = await new Promise<boolean>((res) => { const s = connect(port, '127.0.0.1', () => { s.destroy(); res(true); }); s.on('error', () => res(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not start`);
}

async function measure(label: string, cmd: string, args: string[], port: number): Promise<BenchFigure[]> {
  const proc = spawn(cmd, args, { stdio: 'ignore' });
  try {
    await waitReady(port, proc);
    if (label === 'redisraft-wasm') {
      const init = spawnSync('redis-cli', ['-p', String(port), 'RAFT.CLUSTER', 'INIT'], { encoding: 'utf8' });
      if (!init.stdout.startsWith('OK')) throw new Error(`RAFT.CLUSTER INIT failed: ${init.stdout}${init.stderr}`);
    }
    process.stderr.write(`benchmarking ${label} on port ${port}...\n`);
    return redisBenchmark(port, ['-n', n, '-c', c, '-P', pipeline, '-t', tests]);
  } finally {
    proc.kill('SIGTERM');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'rrw-bench-'));
try {
  const ourPort = await freePort();
  const ours = await measure('redisraft-wasm', process.execPath, [BIN, 'server', '--port', String(ourPort), '--dir', dir, 'persistence=no'], ourPort);
  const redisPort = await freePort();
  const redis = await measure('redis-server', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], redisPort);
  console.log(`\nredis-benchmark -n ${n} -c ${c} -P ${pipeline} -t ${tests} (single node, same machine, same run)\n`);
  console.log('test'.padEnd(8) + 'redisraft-wasm rps'.padStart(20) + 'redis-server rps'.padStart(20) + 'ratio'.padStart(8) + '  p50 ms (ours / redis)');
  for (const f of ours) {
    const r = redis.find((x) => x.test === f.test);
    const ratio = r ? (f.rps / r.rps).toFixed(2) : '-';
    console.log(f.test.padEnd(8) + f.rps.toFixed(0).padStart(20) + (r?.rps.toFixed(0) ?? '-').padStart(20) + ratio.padStart(8) + `  ${f.p50Ms} / ${r?.p50Ms ?? '-'}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
