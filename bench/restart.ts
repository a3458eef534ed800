// How long a node takes to restart from a big Raft log (no snapshot): write
// N entries, SIGKILL, restart, and time recovery (files read and checked)
// and replay (every entry applied again).
//   node --import tsx bench/restart.ts [-n 1000000]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisBenchmark } from './redis-benchmark.js';
import { freePort } from '../test/integration/lib/node-process.js';

const BIN = fileURLToPath(new URL('../packages/redisraft-wasm/bin/redisraft-wasm.mjs', import.meta.url));
const arg = (name: string, def: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1]! : def; };
const n = Number(arg('-n', '1000000'));
const cli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();
const info = (port: number, field: string) => Number(new RegExp(`${field}:(\\d+)`).exec(cli(port, 'RAFT.INFO'))?.[1] ?? NaN);

function start(port: number, dir: string): { proc: ChildProcess; ready: Promise<number> } {
  const t0 = Date.now();
  const proc = spawn(process.execPath, [BIN, 'server', '--port', String(port), '--dir', dir, '--raft-log-max-file-size', '100gb', '--loglevel', 'notice'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<number>((resolve, reject) => {
    proc.stdout!.on('data', (d) => { out += d; if (out.includes('ready to accept connections')) resolve(Date.now() - t0); });
    proc.on('exit', (code) => reject(new Error(`node exited with ${code}: ${out}`)));
  });
  return { proc, ready };
}

const dir = mkdtempSync(join(tmpdir(), 'rrw-restart-'));
const port = await freePort();
let node = start(port, dir);
try {
  await node.ready;
  cli(port, 'RAFT.CLUSTER', 'INIT');
  process.stderr.write(`writing ${n} entries...\n`);
  redisBenchmark(port, ['-t', 'set', '-n', String(n), '-c', '50', '-P', '1', '-r', String(n), '-d', '16']);
  const entries = info(port, 'current_index');
  const bytes = statSync(join(dir, 'redisraft.db')).size;
  const keys = Number(cli(port, 'DBSIZE'));
  node.proc.kill('SIGKILL');
  await new Promise((r) => node.proc.once('exit', r));
  const t0 = Date.now();
  node = start(port, dir);
  const readyMs = await node.ready;
  while (info(port, 'last_applied_index') < entries) await new Promise((r) => setTimeout(r, 20));
  const replayedMs = Date.now() - t0;
  const rss = Number(/used_memory_rss:(\d+)/.exec(cli(port, 'INFO', 'memory'))?.[1] ?? 0);
  console.log(`\nrestart from a Raft log of ${entries} entries (${(bytes / 1e6).toFixed(1)} MB, ${keys} keys), no snapshot:`);
  console.log(`  files read and checked, accepting connections: ${readyMs} ms`);
  console.log(`  every entry applied again:                      ${replayedMs} ms`);
  if (rss) console.log(`  resident memory after replay:                   ${(rss / 1e6).toFixed(0)} MB`);
  if (Number(cli(port, 'DBSIZE')) !== keys) throw new Error('the restarted node does not hold the same keys');
} finally {
  node.proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
