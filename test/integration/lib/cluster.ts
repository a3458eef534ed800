// A real cluster of node processes on loopback, formed the way the
// deployment guide does it: INIT on the first, JOIN on the others.
import { startNode, type NodeProcess } from './node-process.js';

export async function raftInfo(n: NodeProcess, password?: string): Promise<Record<string, string>> {
  const r = n.client({ password });
  try {
    const text = String(await r.call('RAFT.INFO'));
    return Object.fromEntries(text.split(/\r?\n/).filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
  } finally {
    r.disconnect();
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export function seedArgs(i: number, port: number, extra: string[] = []): string[] {
  return ['--bind', '127.0.0.1', '--dbfilename', `raft${i}.rdb`, '--loadmodule', '/opt/redisraft.so',
    `raft-log-filename=raftlog${i}.db`, `addr=127.0.0.1:${port}`, ...extra];
}

/** Node i's arguments with its own data directory, to restart it from its files. */
export function nodeArgs(i: number, port: number, dir: string, extra: string[] = []): string[] {
  return seedArgs(i, port, ['--dir', dir, ...extra]);
}

export async function startCluster(size: number, extra: string[] = [], password?: string, dirs?: string[]): Promise<NodeProcess[]> {
  const { freePort } = await import('./node-process.js');
  const nodes: NodeProcess[] = [];
  for (let i = 1; i <= size; i++) {
    const port = await freePort();
    nodes.push(await startNode(dirs ? nodeArgs(i, port, dirs[i - 1]!, extra) : seedArgs(i, port, extra), port));
  }
  const first = nodes[0]!.client({ password });
  await first.call('RAFT.CLUSTER', 'INIT');
  first.disconnect();
  for (const n of nodes.slice(1)) {
    const c = n.client({ password });
    await c.call('RAFT.CLUSTER', 'JOIN', `127.0.0.1:${nodes[0]!.port}`);
    c.disconnect();
  }
  await waitFor('every node to be a voter', async () => {
    const infos = await Promise.all(nodes.map((n) => raftInfo(n, password)));
    return infos.every((i) => i.num_voting_nodes === String(size) && i.is_voting === 'yes');
  });
  return nodes;
}

export async function findLeader(nodes: NodeProcess[], password?: string): Promise<NodeProcess> {
  return waitFor('a leader', async () => {
    for (const n of nodes) {
      if (n.proc.exitCode !== null || n.proc.signalCode !== null) continue;
      if ((await raftInfo(n, password)).role === 'leader') return n;
    }
    return null;
  });
}
