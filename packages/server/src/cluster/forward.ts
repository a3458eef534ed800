// Sends one command to another node (the leader) and relays its reply,
// authenticated with this node's peer credentials.
import { Redis } from 'ioredis';
import { error, type Reply } from '@redisraft-wasm/resp';
import { parseAddr } from './peer-link.js';
import type { PeerCredentials } from '../credentials.js';

function toReply(v: unknown): Reply {
  if (v === null) return { kind: 'nil' };
  if (typeof v === 'number') return { kind: 'int', value: v };
  if (Buffer.isBuffer(v)) return { kind: 'bulk', value: v };
  if (typeof v === 'string') return v === 'OK' ? { kind: 'status', value: v } : { kind: 'bulk', value: Buffer.from(v) };
  if (Array.isArray(v)) return { kind: 'array', items: v.map(toReply) };
  return { kind: 'bulk', value: Buffer.from(String(v)) };
}

export async function forward(addr: string, argv: readonly Buffer[], credentials: PeerCredentials | null): Promise<Reply> {
  const a = parseAddr(addr);
  if (!a) return error(`ERR bad leader address '${addr}'`);
  const client = new Redis(a.port, a.host, {
    lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false,
    username: credentials?.user ?? undefined, password: credentials?.password,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return toReply(await client.call(argv[0]!.toString(), ...argv.slice(1)));
  } catch (e) {
    return error((e as Error).message);
  } finally {
    client.disconnect();
  }
}
