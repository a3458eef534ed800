// RAFT.CLUSTER JOIN: ask each address in turn to add us (RAFT.NODE ADD),
// following -MOVED to the leader, waiting out elections, and picking a new
// random id if ours is taken (unless it was configured). We authenticate
// with our peer credentials; a node that refuses them ends the join at once
// (every node of a cluster shares its cluster-password), leaving this node
// uninitialized and without files.
import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { nodeId } from '@redisraft-wasm/raft';
import { OK, error, type Reply } from '@redisraft-wasm/resp';
import { parseAddr } from './peer-link.js';
import type { RaftHost } from './raft-host.js';
import type { PeerCredentials } from '../credentials.js';

const ATTEMPT_TIMEOUT_MS = 5000;
const JOIN_DEADLINE_MS = 10_000;

async function askToAdd(addr: string, id: number, myAddr: string, credentials: PeerCredentials | null): Promise<{ reply?: unknown; err?: string }> {
  const a = parseAddr(addr)!;
  const client = new Redis(a.port, a.host, {
    lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: ATTEMPT_TIMEOUT_MS,
    commandTimeout: ATTEMPT_TIMEOUT_MS * 2, enableOfflineQueue: false,
    username: credentials?.user ?? undefined, password: credentials?.password,
  });
  // A refused AUTH reaches us as an 'error' event; the pending call then fails only with "Connection is closed".
  let refusedAuth: string | undefined;
  client.on('error', (e: Error) => { if (credentialRefusal(e.message)) refusedAuth = e.message; });
  try {
    await client.connect();
    return { reply: await client.call('RAFT.NODE', 'ADD', String(id), myAddr) };
  } catch (e) {
    return { err: refusedAuth ?? (e as Error).message };
  } finally {
    client.disconnect();
  }
}

/** Whether a reply refuses our credentials (wrong, missing, or not a peer's). */
export function credentialRefusal(text: string): boolean {
  return /^(WRONGPASS|NOPERM|NOAUTH)\b/.test(text);
}

/** The error JOIN answers when the cluster refused what we authenticated with. */
export function refusedJoin(addr: string, credentials: PeerCredentials | null, reply: string): string {
  const sent = credentials?.user ? 'cluster-password' : credentials ? 'requirepass; this node has no cluster-password' : 'none sent; this node has no cluster-password';
  return `ERR cannot join: the cluster at ${addr} refused our credentials (${sent}): ${reply}`;
}

export async function joinCluster(host: RaftHost, addrs: string[], configuredId: number, credentials: PeerCredentials | null): Promise<Reply> {
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
    const { reply, err } = await askToAdd(addr, id, myAddr, credentials);
    if (Array.isArray(reply) && reply.length === 2) {
      host.joined(String(reply[1]));
      return OK;
    }
    const text = err ?? String(reply);
    if (credentialRefusal(text)) {
      host.abandonJoin();
      return error(refusedJoin(addr, credentials, text));
    }
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
