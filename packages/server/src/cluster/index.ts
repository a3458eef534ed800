// Turns a NodeServer into a Raft cluster node.
import type { NodeServer } from '../node-server.js';
import type { ConsolaInstance } from 'consola';
import { RaftHost } from './raft-host.js';
import { RaftExecutor } from './raft-executor.js';
import { raftCommands, raftInfoText } from './raft-commands.js';
import { clusterCommands } from './cluster-commands.js';

export function attachRaft(server: NodeServer, logger: ConsolaInstance): RaftHost {
  const ctx = server.context;
  const host = new RaftHost(ctx.config, server.store, logger, () => server.port, ctx.refusals);
  if (ctx.config.text('cluster-password') === '') {
    logger.warn(`cluster-password is not set: the internal RAFT.* commands (RAFT.AE, RAFT.REQUESTVOTE, RAFT.NODE ADD, ...) are open to any client that can connect${ctx.config.text('requirepass') ? ' and AUTH with requirepass' : ''}; set cluster-password on every node to keep them to peers (docs/security.md)`);
  }
  const executor = new RaftExecutor(host, server.store, ctx.config);
  server.executor = executor;
  host.onStop.push(() => executor.close());
  for (const c of [...raftCommands(host, executor), ...clusterCommands(host)]) server.addCommand(c);
  ctx.infoSections.set('raft', () => raftInfoText(host, ctx));
  // Cluster clients (redis-py's RedisCluster) check this before CLUSTER SLOTS: a node in a Raft cluster answers as one.
  ctx.infoSections.set('cluster', () => `# Cluster\r\ncluster_enabled:${host.state === 'up' ? 1 : 0}\r\n`);
  return host;
}

export { RaftHost, type ClusterState } from './raft-host.js';
export { keySlot, crc16 } from './key-slot.js';
export { encodeEntryPayload, decodeEntryPayload, type EntryPayload } from './entry-payload.js';
