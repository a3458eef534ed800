// Starts real redisraft-wasm node processes on loopback for tests, and
// always stops them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis, type RedisOptions } from 'ioredis';
import { freePort } from 'redisraft-wasm';

/** A free loopback port (the CLI's own helper). */
export { freePort };

export const BIN = fileURLToPath(new URL('../../../packages/redisraft-wasm/bin/redisraft-wasm.mjs', import.meta.url));


export interface NodeProcess {
  readonly port: number;
  /** The node's --dir: a temporary one removed on stop, unless the test passed its own. */
  readonly dir: string;
  readonly proc: ChildProcess;
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  client(options?: RedisOptions): Redis;
}

const running = new Set<ChildProcess>();
process.on('exit', () => { for (const p of running) p.kill('SIGKILL'); });

/** A fresh data directory for a node; the caller removes it (or lets startNode's stop do it). */
export function tempDir(prefix = 'rrw-node-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startNode(args: string[] = [], port?: number): Promise<NodeProcess> {
  const p = port ?? (await freePort());
  const givenDir = args.indexOf('--dir');
  const ownDir = givenDir < 0 ? tempDir() : null;
  const dir = ownDir ?? args[givenDir + 1]!;
  const argv = ownDir ? ['--dir', ownDir, ...args] : args;
  const proc = spawn(process.execPath, [BIN, 'server', '--port', String(p), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => {
    running.delete(proc);
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    resolve(code);
  }));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node on port ${p} did not start:\n${out}`)), 15_000);
    const check = () => {
      if (out.includes('ready to accept connections')) { clearTimeout(timer); resolve(); }
    };
    proc.stdout!.on('data', check);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`node exited with ${code} at start:\n${out}`)); });
  });
  const clients: Redis[] = [];
  return {
    port: p,
    dir,
    proc,
    output: () => out,
    client(options = {}) {
      const c = new Redis(p, '127.0.0.1', { lazyConnect: false, maxRetriesPerRequest: 0, ...options });
      // Tests kill nodes on purpose; a client of a dead node failing to reconnect is expected.
      c.on('error', () => {});
      clients.push(c);
      return c;
    },
    async stop(signal = 'SIGTERM') {
      for (const c of clients) c.disconnect();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A node that has created its own one-node cluster (RAFT.CLUSTER INIT), ready for data commands. */
export async function startInitializedNode(args: string[] = []): Promise<NodeProcess> {
  const n = await startNode(args);
  const r = n.client({ password: passwordIn(args) });
  const reply = String(await r.call('RAFT.CLUSTER', 'INIT'));
  if (!/^OK [0-9a-f]{32}$/.test(reply)) throw new Error(`RAFT.CLUSTER INIT answered ${reply}`);
  r.disconnect();
  return n;
}

function passwordIn(args: string[]): string | undefined {
  const i = args.indexOf('--requirepass');
  return i >= 0 ? args[i + 1] : undefined;
}

/** Runs the CLI to completion (for refusals and help). */
export function runCli(args: string[], timeoutMs = 15_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** redis-cli, as a user would run it. */
export function redisCli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 15_000 });
  if (r.error) throw new Error(`redis-cli could not run (install redis-tools): ${r.error.message}`);
  return r.stdout;
}
