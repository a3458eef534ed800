// EVALSHA throughput: a 1-call and a 20-call script, redis-benchmark c50,
// on the leader of a local 3-node cluster (raft-log-fsync yes) and on
// redis-server with appendfsync always, in the same run.
//   node --import tsx bench/scripting.ts [-n 20000] [-c 50] [--jobs 5000]
// plus BullMQ: jobs added and processed per second by one Worker.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { redisBenchmark } from './redis-benchmark.js';
import { freePort } from '../test/integration/lib/node-process.js';

const BIN = fileURLToPath(new URL('../packages/redisraft-wasm/bin/redisraft-wasm.mjs', import.meta.url));
const arg = (name: string, def: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1]! : def; };
const n = arg('-n', '20000'), c = arg('-c', '50');
const cli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();

const SCRIPTS: Record<string, string> = {
  'EVALSHA 1 call': "return redis.call('incr', KEYS[1])",
  'EVALSHA 20 calls': "local n = 0 for i = 1, 20 do n = redis.call('incr', KEYS[1]) end return n",
};

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) { if (ok()) return; await new Promise((r) => setTimeout(r, 50)); }
  throw new Error(`timed out waiting for ${what}`);
}

/** BullMQ jobs/s: `jobs` added in bulks of 100 while one Worker (concurrency 50) processes them, until all completed. */
async function bullmqJobsPerSecond(port: number, jobs: number): Promise<number> {
  const conns: Redis[] = [];
  const conn = () => {
    const c = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: null });
    conns.push(c);
    return c;
  };
  const queue = new Queue('bench', { connection: conn(), prefix: '{bench}' });
  let completed = 0;
  const worker = new Worker('bench', async (job) => job.data.n, { connection: conn(), prefix: '{bench}', concurrency: 50 });
  worker.on('completed', () => { completed++; });
  const started = Date.now();
  for (let i = 0; i < jobs; i += 100) await queue.addBulk(Array.from({ length: Math.min(100, jobs - i) }, (_, k) => ({ name: 'j', data: { n: i + k } })));
  while (completed < jobs) await new Promise((r) => setTimeout(r, 20));
  const rate = jobs / ((Date.now() - started) / 1000);
  await worker.close();
  await queue.close();
  for (const c of conns) c.disconnect();
  return rate;
}

async function measureAll(port: number): Promise<Map<string, number>> {
  const out = measure(port);
  out.set('BullMQ jobs/s', await bullmqJobsPerSecond(port, Number(arg('--jobs', '5000'))));
  return out;
}

function measure(port: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, body] of Object.entries(SCRIPTS)) {
    const sha = cli(port, 'SCRIPT', 'LOAD', body);
    const f = redisBenchmark(port, ['-n', n, '-c', c, 'EVALSHA', sha, '1', 'counter']);
    out.set(name, f[0]?.rps ?? NaN);
  }
  return out;
}

const procs: ChildProcess[] = [];
const dirs: string[] = [];
try {
  const ports = [await freePort(), await freePort(), await freePort()];
  for (const p of ports) {
    const dir = mkdtempSync(join(tmpdir(), 'rrw-bench-'));
    dirs.push(dir);
    procs.push(spawn(process.execPath, [BIN, 'server', '--port', String(p), '--dir', dir, `addr=127.0.0.1:${p}`], { stdio: 'ignore' }));
  }
  for (const p of ports) await until(`node ${p}`, () => cli(p, 'PING') === 'PONG');
  if (!cli(ports[0]!, 'RAFT.CLUSTER', 'INIT').startsWith('OK')) throw new Error('INIT failed');
  for (const p of ports.slice(1)) if (cli(p, 'RAFT.CLUSTER', 'JOIN', `127.0.0.1:${ports[0]}`) !== 'OK') throw new Error('JOIN failed');
  await until('three voters', () => /num_voting_nodes:3/.test(cli(ports[0]!, 'RAFT.INFO')));
  process.stderr.write('benchmarking the leader of a 3-node cluster (fsync)...\n');
  const ours = await measureAll(ports[0]!);
  for (const p of procs) p.kill('SIGTERM');
  const rp = await freePort();
  const rdir = mkdtempSync(join(tmpdir(), 'rrw-bench-redis-'));
  dirs.push(rdir);
  procs.push(spawn('redis-server', ['--port', String(rp), '--bind', '127.0.0.1', '--dir', rdir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: 'ignore' }));
  await until('redis-server', () => cli(rp, 'PING') === 'PONG');
  process.stderr.write('benchmarking redis-server (appendfsync always)...\n');
  const theirs = await measureAll(rp);
  console.log(`\nredis-benchmark -n ${n} -c ${c}: leader of a 3-node cluster (raft-log-fsync yes) vs redis-server appendfsync always, same run\n`);
  console.log('script'.padEnd(20) + 'redisraft-wasm rps'.padStart(20) + 'redis-server rps'.padStart(20) + 'ratio'.padStart(8));
  for (const [name, rps] of ours) {
    const r = theirs.get(name)!;
    console.log(name.padEnd(20) + rps.toFixed(0).padStart(20) + r.toFixed(0).padStart(20) + (rps / r).toFixed(2).padStart(8));
  }
} finally {
  for (const p of procs) p.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
