// CLUSTER SLOTS / SHARDS / NODES / INFO / MYID: the Raft group described as
// one Redis Cluster shard owning every slot, whose master is the leader and
// whose replicas are the followers. Cluster-aware clients (ioredis Cluster,
// redis-py RedisCluster, redis-cli -c) then find the leader and follow
// failovers by themselves.
import { array, bulk, error, int, map, verbatim, type Reply } from '@redisraft-wasm/resp';
import type { NodeContext } from '../node-context.js';
import type { ClientSession } from '../session.js';
import { NO_KEYS, type ServerCommand } from '../server-command.js';
import { parseAddr } from './peer-link.js';
import { keySlot } from './key-slot.js';
import type { RaftHost } from './raft-host.js';

/** Redis Cluster node ids are 40 hex characters; ours are derived from the Raft id. */
export function clusterNodeId(id: number): string {
  return id.toString(16).padStart(40, '0');
}

interface ShardNode { id: number; host: string; port: number; leader: boolean; self: boolean; connected: boolean }

function shardNodes(host: RaftHost): ShardNode[] {
  const n = host.node;
  if (!n || host.state !== 'up') return [];
  const out: ShardNode[] = [];
  for (const m of n.membership().members) {
    const a = parseAddr(m.id === n.id ? host.advertisedAddr() : m.addr);
    if (!a) continue;
    const link = host.peerInfo().find((p) => p.id === m.id)?.link;
    out.push({ id: m.id, host: a.host, port: a.port, leader: m.id === n.leaderId, self: m.id === n.id, connected: m.id === n.id || link?.state === 'connected' });
  }
  // The master first, as CLUSTER SLOTS lists it.
  return out.sort((x, y) => Number(y.leader) - Number(x.leader));
}

function cluster(host: RaftHost) {
  return (_node: NodeContext, _s: ClientSession, argv: Buffer[]): Reply => {
    const sub = argv[1]!.toString().toUpperCase();
    const nodes = shardNodes(host);
    const hasLeader = nodes.some((x) => x.leader);
    switch (sub) {
      case 'MYID':
        return bulk(clusterNodeId(host.node?.id ?? 0));
      case 'SLOTS':
        if (!hasLeader) return array([]);
        return array([array([int(0), int(16383), ...nodes.map((x) => array([bulk(x.host), int(x.port), bulk(clusterNodeId(x.id))]))])]);
      case 'SHARDS':
        if (!hasLeader) return array([]);
        return array([map([
          bulk('slots'), array([int(0), int(16383)]),
          bulk('nodes'), array(nodes.map((x) => map([
            bulk('id'), bulk(clusterNodeId(x.id)), bulk('port'), int(x.port), bulk('ip'), bulk(x.host), bulk('endpoint'), bulk(x.host),
            bulk('role'), bulk(x.leader ? 'master' : 'replica'), bulk('replication-offset'), int(host.appliedIndex),
            bulk('health'), bulk(x.connected ? 'online' : 'fail'),
          ]))),
        ])]);
      case 'NODES': {
        const leaderId = nodes.find((x) => x.leader)?.id;
        const lines = nodes.map((x) => {
          const flags = `${x.self ? 'myself,' : ''}${x.leader ? 'master' : 'slave'}`;
          const master = x.leader || leaderId === undefined ? '-' : clusterNodeId(leaderId);
          const slots = x.leader ? ' 0-16383' : '';
          return `${clusterNodeId(x.id)} ${x.host}:${x.port}@${x.port} ${flags} ${master} 0 0 ${host.node?.currentTerm ?? 0} ${x.connected ? 'connected' : 'disconnected'}${slots}`;
        });
        return verbatim(lines.map((l) => `${l}\n`).join(''));
      }
      case 'INFO': {
        const ok = hasLeader;
        return verbatim([
          `cluster_state:${ok ? 'ok' : 'fail'}`, `cluster_slots_assigned:${ok ? 16384 : 0}`, `cluster_slots_ok:${ok ? 16384 : 0}`,
          'cluster_slots_pfail:0', `cluster_slots_fail:${ok ? 0 : 16384}`, `cluster_known_nodes:${nodes.length}`, `cluster_size:${ok ? 1 : 0}`,
          `cluster_current_epoch:${host.node?.currentTerm ?? 0}`, `cluster_my_epoch:${host.node?.currentTerm ?? 0}`,
        ].map((l) => `${l}\r\n`).join(''));
      }
      case 'KEYSLOT':
        return argv.length === 3 ? int(keySlot(argv[2]!)) : error("ERR wrong number of arguments for 'cluster|keyslot' command");
      default:
        return error(`ERR unknown subcommand '${argv[1]!.toString()}'. Try CLUSTER SLOTS, SHARDS, NODES, INFO, MYID or KEYSLOT.`);
    }
  };
}

export function clusterCommands(host: RaftHost): ServerCommand[] {
  return [{
    ...NO_KEYS, group: 'cluster', since: '3.0.0', name: 'cluster', arity: -2, flags: ['loading', 'stale'],
    summary: 'Describes the Raft group as one Redis Cluster shard: the leader is the master.', handler: cluster(host),
  }];
}
