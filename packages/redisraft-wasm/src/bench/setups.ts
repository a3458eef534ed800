// What the benchmark measures: a local redisraft-wasm cluster with the log
// fsynced, not fsynced, or in memory, and plain redis-server with AOF
// always / everysec / no persistence. Every process and temporary directory
// goes through one Processes registry, which removes them all on stop, on a
// signal, on an error, or at exit.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, callNode, formCluster, nodeArgv } from '../commands/cluster.js';

export interface Running {
  /** The port to load: the leader's, for a cluster. */
  readonly port: number;
  /** Rejects, naming the process and its last output, if one of the setup's processes exits before stop(). */
  readonly exited: Promise<never>;
  stop(): Promise<void>;
}

export interface Setup {
  readonly name: string;
  /** The baseline every ratio is taken against. */
  readonly baseline?: boolean;
  start(procs: Processes): Promise<Running>;
}

interface Child {
  readonly proc: ChildProcess;
  /** Rejects, with the last of its output, when the process exits. */
  readonly exited: Promise<never>;
}

export class Processes {
  private readonly children = new Set<ChildProcess>();
  private readonly dirs = new Set<string>();

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.add(dir);
    return dir;
  }

  removeDir(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    this.dirs.delete(dir);
  }

  /** Starts <command>, keeping the tail of its output for the error if it exits; <name> says what it is in messages. */
  spawn(name: string, command: string, args: readonly string[]): Child {
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(proc);
    let out = '';
    const keep = (d: Buffer) => { out = (out + d.toString()).slice(-4000); };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    const exited = new Promise<never>((_, reject) => {
      proc.on('error', (e) => { this.children.delete(proc); reject(new Error(`${name} could not start: ${e.message}`)); });
      proc.on('exit', (code, signal) => {
        this.children.delete(proc);
        const last = out.trim() ? `; its last output:\n${out.trim()}` : '';
        reject(new Error(`${name} exited (${signal ?? `code ${code}`})${last}`));
      });
    });
    exited.catch(() => {}); // raced against, not always awaited
    return { proc, exited };
  }

  /** SIGTERM, then SIGKILL if it has not exited after <graceMs>. */
  async stop(proc: ChildProcess, graceMs = 5_000): Promise<void> {
    if (proc.exitCode !== null || proc.signalCode !== null) { this.children.delete(proc); return; }
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
    this.children.delete(proc);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((p) => this.stop(p)));
    for (const d of [...this.dirs]) this.removeDir(d);
  }

  /** For process 'exit', where nothing can be awaited. */
  killAllNow(): void {
    for (const p of this.children) p.kill('SIGKILL');
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/** A local cluster of <nodes> redisraft-wasm nodes started with <params>; loaded through its leader. */
export function clusterSetup(name: string, nodes: number, params: readonly string[]): Setup {
  return {
    name,
    async start(procs) {
      const dir = procs.tempDir('rrw-bench-');
      const ports = await freePorts(nodes);
      const children = ports.map((p) =>
        procs.spawn(`redisraft-wasm node on port ${p}`, process.execPath, [BIN, ...nodeArgv(p, dir, ['--loglevel', 'warning', ...params])]));
      const stop = async () => {
        await Promise.all(children.map((c) => procs.stop(c.proc)));
        procs.removeDir(dir);
      };
      try {
        const anyExit = Promise.race(children.map((c) => c.exited));
        await Promise.race([formCluster(ports, () => {}), anyExit]);
        const port = await Promise.race([waitForLeader(ports, nodes), anyExit]);
        return { port, exited: anyExit, stop };
      } catch (e) {
        await stop();
        throw e;
      }
    },
  };
}

/** The node that is leader of all <voters>, once there is one. */
async function waitForLeader(ports: readonly number[], voters: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const p of ports) {
      const info = await callNode(p, ['RAFT.INFO'], 2_000).catch(() => '');
      if (/^role:leader\r?$/m.test(info) && new RegExp(`^num_voting_nodes:${voters}\\r?$`, 'm').test(info)) return p;
    }
    if (Date.now() > deadline) throw new Error(`no leader with ${voters} voting nodes after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Plain redis-server with the given persistence arguments, in its own temporary directory. */
export function redisSetup(name: string, persistence: readonly string[], baseline = false): Setup {
  return {
    name,
    baseline,
    async start(procs) {
      const dir = procs.tempDir('rrw-bench-redis-');
      const port = await freePort();
      const child = procs.spawn(`redis-server on port ${port}`, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
        '--daemonize', 'no', '--loglevel', 'warning', ...persistence]);
      const stop = async () => {
        await procs.stop(child.proc);
        procs.removeDir(dir);
      };
      try {
        await Promise.race([callNode(port, ['PING']), child.exited]);
        return { port, exited: child.exited, stop };
      } catch (e) {
        await stop();
        throw e;
      }
    },
  };
}

export function redisServerInstalled(): boolean {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

export function clusterSetups(nodes: number): Setup[] {
  const what = `redisraft-wasm ${nodes} node${nodes === 1 ? '' : 's'}`;
  return [
    clusterSetup(`${what}, raft-log-fsync yes`, nodes, ['raft-log-fsync=yes']),
    clusterSetup(`${what}, raft-log-fsync no`, nodes, ['raft-log-fsync=no']),
    clusterSetup(`${what}, in-memory (persistence no)`, nodes, ['persistence=no']),
  ];
}

export function redisSetups(): Setup[] {
  return [
    redisSetup('redis-server appendfsync always', ['--appendonly', 'yes', '--appendfsync', 'always'], true),
    redisSetup('redis-server appendfsync everysec', ['--appendonly', 'yes', '--appendfsync', 'everysec']),
    redisSetup('redis-server no persistence', ['--appendonly', 'no']),
  ];
}
