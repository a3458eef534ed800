// redis-benchmark against the leader of a local 3-node cluster, next to
// plain redis-server (no persistence) on the same machine in the same run.
//   node --import tsx bench/cluster.ts [-n 100000] [-c 50] [-P 1] [-t set,get]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { redisBenchmark, type BenchFigure } from './redis-benchmark.js';
import { freePort } from '../test/integration/lib/node-process.js';

const BIN = fileURLToPath(new URL('../packages/redisraft-wasm/bin/redisraft-wasm.mjs', import.meta.url));
const arg = (name: string, def: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1]! : def; };
const n = arg('-n', '100000'), c = arg('-c', '50'), pipeline = arg('-P', '1'), tests = arg('-t', 'set,get');
const cli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) { if (ok()) return; await new Promise((r) => setTimeout(r, 50)); }
  throw new Error(`timed out waiting for ${what}`);
}

const procs: ChildProcess[] = [];
try {
  const ports = [await freePort(), await freePort(), await freePort()];
  for (const p of ports) procs.push(spawn(process.execPath, [BIN, 'server', '--port', String(p), `addr=127.0.0.1:${p}`, 'persistence=no'], { stdio: 'ignore' }));
  for (const p of ports) await until(`node ${p}`, () => cli(p, 'PING') === 'PONG');
  if (!cli(ports[0]!, 'RAFT.CLUSTER', 'INIT').startsWith('OK')) throw new Error('INIT failed');
  for (const p of ports.slice(1)) if (cli(p, 'RAFT.CLUSTER', 'JOIN', `127.0.0.1:${ports[0]}`) !== 'OK') throw new Error('JOIN failed');
  await until('three voters', () => /num_voting_nodes:3/.test(cli(ports[0]!, 'RAFT.INFO')));
  process.stderr.write('benchmarking the leader of a 3-node cluster...\n');
  const ours = redisBenchmark(ports[0]!, ['-n', n, '-c', c, '-P', pipeline, '-t', tests]);
  for (const p of procs) p.kill('SIGTERM');
  const rp = await freePort();
  const redis = spawn('redis-server', ['--port', String(rp), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  procs.push(redis);
  await until('redis-server', () => cli(rp, 'PING') === 'PONG');
  process.stderr.write('benchmarking redis-server...\n');
  const theirs = redisBenchmark(rp, ['-n', n, '-c', c, '-P', pipeline, '-t', tests]);
  print(ours, theirs);
} finally {
  for (const p of procs) p.kill('SIGTERM');
}

function print(ours: BenchFigure[], theirs: BenchFigure[]) {
  console.log(`\nredis-benchmark -n ${n} -c ${c} -P ${pipeline} -t ${tests}: leader of a 3-node cluster (log in memory) vs redis-server, same run\n`);
  console.log('test'.padEnd(8) + 'redisraft-wasm rps'.padStart(20) + 'redis-server rps'.padStart(20) + 'ratio'.padStart(8) + '  p50 ms (ours / redis)');
  for (const f of ours) {
    const r = theirs.find((x) => x.test === f.test);
    console.log(f.test.padEnd(8) + f.rps.toFixed(0).padStart(20) + (r?.rps.toFixed(0) ?? '-').padStart(20) + (r ? (f.rps / r.rps).toFixed(2) : '-').padStart(8) + `  ${f.p50Ms} / ${r?.p50Ms ?? '-'}`);
  }
}
