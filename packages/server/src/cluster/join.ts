// RAFT.CLUSTER JOIN: ask each address in turn to add us (RAFT.NODE ADD),
// following -MOVED to the leader, waiting out elections, and picking a new
// random id if ours is taken (unless it was configured).
import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { nodeId } from '@redisraft-wasm/raft';
import { OK, error, type Reply } from '@redisraft-wasm/resp';
import { parseAddr } from './peer-link.js';
import type { RaftHost } from './raft-host.js';

const ATTEMPT_TIMEOUT_MS = 5000;
const JOIN_DEADLINE_MS = 10_000;

async function askToAdd(addr: string, id: number, myAddr: string, password: string): Promise<{ reply?: unknown; err?: string }> {
  const a = parseAddr(addr)!;
  const client = new Redis(a.port, a.host, {
    lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: ATTEMPT_TIMEOUT_MS,
    commandTimeout: ATTEMPT_TIMEOUT_MS * 2, password: password || undefined, enableOfflineQueue: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return { reply: await client.call('RAFT.NODE', 'ADD', String(id), myAddr) };
  } catch (e) {
    return { err: (e as Error).message };
  } finally {
    client.disconnect();
  }
}

export async function joinCluster(host: RaftHost, addrs: string[], configuredId: number, password: string): Promise<Reply> {
  const bad = addrs.filter((a) => !parseAddr(a));
  if (bad.length) return error(`ERR invalid address '${bad[0]}': expected host:port`);
  let id = configuredId || randomInt(1, 2 ** 31);
  host.prepareJoin(nodeId(id));
  const myAddr = host.advertisedAddr();
  const deadline = Date.now() + JOIN_DEADLINE_MS;
  const queue = [...addrs];
  const failures: string[] = [];
  while (Date.now() < deadline) {
    const addr = queue.shift();
    if (!addr) {
      queue.push(...addrs);
      await new Promise((r) => setTimeout(r, 300));
      continue;
    }
    const { reply, err } = await askToAdd(addr, id, myAddr, password);
    if (Array.isArray(reply) && reply.length === 2) {
      host.joined(String(reply[1]));
      return OK;
    }
    const text = err ?? String(reply);
    const moved = /^MOVED \d+ (\S+)/.exec(text);
    if (moved) { queue.unshift(moved[1]!); continue; }
    if (/node id already exists/.test(text)) {
      if (configuredId) { host.abandonJoin(); return error(`ERR node id ${id} is already used in that cluster`); }
      id = randomInt(1, 2 ** 31);
      host.prepareJoin(nodeId(id));
      queue.unshift(addr);
      continue;
    }
    if (/CLUSTERDOWN|TRYAGAIN|in progress/.test(text)) {
      await new Promise((r) => setTimeout(r, 200));
      queue.unshift(addr);
      continue;
    }
    failures.push(`${addr}: ${text}`);
    if (failures.length >= addrs.length * 3 && queue.length === 0) break;
  }
  host.abandonJoin();
  return error(`ERR failed to join the cluster (${failures.slice(-3).join('; ') || 'timed out'})`);
}
