// SET throughput of a local 3-node cluster with raft-log-fsync yes, no and
// persistence no, 50 clients at pipeline 1 and 16, next to redis-server
// with appendonly yes (appendfsync always, everysec) in the same run.
//   node --import tsx bench/durability.ts [-n 50000] [-c 50]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisBenchmark } from './redis-benchmark.js';
import { freePort } from '../test/integration/lib/node-process.js';

const BIN = fileURLToPath(new URL('../packages/redisraft-wasm/bin/redisraft-wasm.mjs', import.meta.url));
const arg = (name: string, def: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1]! : def; };
const n = arg('-n', '50000'), c = arg('-c', '50');
const cli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 300; i++) { if (ok()) return; await new Promise((r) => setTimeout(r, 50)); }
  throw new Error(`timed out waiting for ${what}`);
}

interface Setup { readonly name: string; start(): Promise<{ port: number; stop(): void }> }

function cluster(name: string, extra: string[]): Setup {
  return {
    name,
    async start() {
      const dir = mkdtempSync(join(tmpdir(), 'rrw-bench-'));
      const ports = [await freePort(), await freePort(), await freePort()];
      const procs: ChildProcess[] = ports.map((p, i) => spawn(process.execPath, [BIN, 'server', '--port', String(p), '--dir', dir,
        `raft-log-filename=log${i}.db`, '--dbfilename', `snap${i}.rdb`, `addr=127.0.0.1:${p}`, ...extra], { stdio: 'ignore' }));
      for (const p of ports) await until(`node ${p}`, () => cli(p, 'PING') === 'PONG');
      if (!cli(ports[0]!, 'RAFT.CLUSTER', 'INIT').startsWith('OK')) throw new Error('INIT failed');
      for (const p of ports.slice(1)) if (cli(p, 'RAFT.CLUSTER', 'JOIN', `127.0.0.1:${ports[0]}`) !== 'OK') throw new Error('JOIN failed');
      await until('three voters', () => /num_voting_nodes:3/.test(cli(ports[0]!, 'RAFT.INFO')));
      return { port: ports[0]!, stop() { for (const p of procs) p.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); } };
    },
  };
}

function redis(name: string, fsync: string): Setup {
  return {
    name,
    async start() {
      const dir = mkdtempSync(join(tmpdir(), 'rrw-bench-redis-'));
      const port = await freePort();
      const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', fsync], { stdio: 'ignore' });
      await until('redis-server', () => cli(port, 'PING') === 'PONG');
      return { port, stop() { proc.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); } };
    },
  };
}

const setups: Setup[] = [
  cluster('redisraft-wasm 3 nodes, raft-log-fsync yes', ['raft-log-fsync=yes']),
  cluster('redisraft-wasm 3 nodes, raft-log-fsync no', ['raft-log-fsync=no']),
  cluster('redisraft-wasm 3 nodes, persistence no', ['persistence=no']),
  redis('redis-server appendfsync always', 'always'),
  redis('redis-server appendfsync everysec', 'everysec'),
];

const rows: { name: string; p1: number; p16: number }[] = [];
for (const s of setups) {
  process.stderr.write(`${s.name}...\n`);
  const figures: number[] = [];
  for (const pipeline of ['1', '16']) {
    const running = await s.start();
    try {
      const f = redisBenchmark(running.port, ['-n', n, '-c', c, '-P', pipeline, '-t', 'set', '-r', '100000']);
      figures.push(f.find((x) => x.test === 'SET')?.rps ?? NaN);
    } finally {
      running.stop();
    }
  }
  rows.push({ name: s.name, p1: figures[0]!, p16: figures[1]! });
}

const always = rows.find((r) => r.name.includes('always'))!;
console.log(`\nSET, redis-benchmark -n ${n} -c ${c} -r 100000, same machine, same run (ratio = against redis-server appendfsync always)\n`);
console.log('setup'.padEnd(46) + 'P=1 rps'.padStart(11) + 'ratio'.padStart(7) + 'P=16 rps'.padStart(11) + 'ratio'.padStart(7));
for (const r of rows) {
  console.log(r.name.padEnd(46) + r.p1.toFixed(0).padStart(11) + (r.p1 / always.p1).toFixed(2).padStart(7) + r.p16.toFixed(0).padStart(11) + (r.p16 / always.p16).toFixed(2).padStart(7));
}
