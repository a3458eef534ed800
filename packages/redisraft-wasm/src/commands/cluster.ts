// `redisraft-wasm cluster start`: a local N-node cluster in the foreground,
// for trying things out (RedisRaft's create-cluster). Ctrl-C stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCommand } from 'citty';
import { consola } from 'consola';
import { Redis } from 'ioredis';

/** This CLI's bin, for spawning `server` children (also used by `bench`). */
export const BIN = fileURLToPath(new URL('../../bin/redisraft-wasm.mjs', import.meta.url));

/** The `server` arguments of local node <port>: loopback only, its files named after its port inside <dir>. */
export function nodeArgv(port: number, dir: string, extra: readonly string[] = []): string[] {
  return ['server', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', `raft${port}.rdb`,
    `raft-log-filename=raftlog${port}.db`, `addr=127.0.0.1:${port}`, ...extra];
}

const start = defineCommand({
  meta: { name: 'start', description: 'Start N local nodes on consecutive ports, each with its own directory' },
  args: {
    nodes: { type: 'string', description: 'number of nodes', default: '3' },
    port: { type: 'string', description: 'port of the first node', default: '5001' },
    dir: { type: 'string', description: 'directory for node data (node<port>/ per node)', default: 'cluster-data' },
  },
  async run({ args }) {
    const n = Number(args.nodes), base = Number(args.port);
    if (!Number.isInteger(n) || n < 1 || n > 15) throw new Error(`--nodes must be 1-15, got '${args.nodes}'`);
    if (!Number.isInteger(base) || base < 1 || base + n > 65536) throw new Error(`--port must leave room for ${n} ports, got '${args.port}'`);
    const children: ChildProcess[] = [];
    for (let i = 0; i < n; i++) {
      const port = base + i;
      const dir = resolve(args.dir, `node${port}`);
      mkdirSync(dir, { recursive: true });
      children.push(spawn(process.execPath, [BIN, ...nodeArgv(port, dir)], { stdio: 'inherit' }));
      consola.info(`node ${i + 1}: redis-cli -p ${port}   (data in ${join(args.dir, `node${port}`)})`);
    }
    const stopAll = () => { for (const c of children) c.kill('SIGTERM'); };
    process.on('SIGINT', stopAll);
    process.on('SIGTERM', stopAll);
    const exited = Promise.all(children.map((c) => new Promise((r) => c.on('exit', r))));
    try {
      await formCluster(Array.from({ length: n }, (_, i) => base + i));
      consola.success(`cluster of ${n} nodes is up: redis-cli -c -p ${base}   (Ctrl-C stops it)`);
    } catch (e) {
      consola.error(`could not form the cluster: ${(e as Error).message}`);
      stopAll();
    }
    await exited;
  },
});

/**
 * One command to the local node on <port>, on a fresh connection; waits up to
 * <waitMs> for the node to accept connections (it may still be starting).
 */
export async function callNode(port: number, args: readonly string[], waitMs = 15_000): Promise<string> {
  const c = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => {});
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await c.connect();
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return String(await c.call(args[0]!, ...args.slice(1)));
  } finally {
    c.disconnect();
  }
}

/** RAFT.CLUSTER INIT on the first node, JOIN on the others, as the deployment guide does by hand. */
export async function formCluster(ports: readonly number[], log: (line: string) => void = (l) => consola.info(l)): Promise<void> {
  const init = await callNode(ports[0]!, ['RAFT.CLUSTER', 'INIT']);
  log(`RAFT.CLUSTER INIT on ${ports[0]}: ${init}`);
  for (const p of ports.slice(1)) log(`RAFT.CLUSTER JOIN on ${p}: ${await callNode(p, ['RAFT.CLUSTER', 'JOIN', `127.0.0.1:${ports[0]}`])}`);
}

export const clusterCommand = defineCommand({
  meta: { name: 'cluster', description: 'Run a local cluster for trying redisraft-wasm out' },
  subCommands: { start },
});
