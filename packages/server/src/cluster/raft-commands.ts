// RAFT.* commands: cluster lifecycle (INIT, JOIN, NODE ADD/REMOVE), status
// (RAFT.INFO, INFO raft), settings (RAFT.CONFIG), TRANSFER-LEADER, explicit
// mode (RAFT <command>), and the internal peer messages.
import { OK, array, bulk, error, status, verbatim, Errors, type Reply } from '@redisraft-wasm/resp';
import { globMatch, parseSafeInt } from '@redisraft-wasm/store';
import { nodeId, type NodeId } from '@redisraft-wasm/raft';
import { OPTIONS } from '../config/index.js';
import type { NodeContext } from '../node-context.js';
import type { ClientSession } from '../session.js';
import { NO_KEYS, type ServerCommand } from '../server-command.js';
import { joinCluster } from './join.js';
import { forward } from './forward.js';
import { PEER_COMMANDS } from './peer-codec.js';
import { nodeAddReply, type RaftHost } from './raft-host.js';
import type { RaftExecutor } from './raft-executor.js';

export function raftInfoText(host: RaftHost, node: NodeContext): string {
  const n = host.node;
  const st = n?.status();
  const role = !n || host.state === 'uninitialized' ? '-' : st!.role === 'precandidate' ? 'candidate' : st!.role;
  const voting = n ? n.membership().isVoter(n.id) : false;
  const lines = [
    '# Raft',
    `node_id:${n?.id ?? node.config.int('id')}`,
    `state:${host.state}`,
    `role:${role}`,
    `is_voting:${voting ? 'yes' : 'no'}`,
    `leader_id:${n && n.leaderId !== 0 ? n.leaderId : -1}`,
    `current_term:${st?.term ?? 0}`,
    `num_nodes:${n ? n.membership().members.length : 0}`,
    `num_voting_nodes:${n ? n.membership().voters.length : 0}`,
  ];
  host.peerInfo().forEach((p, i) => {
    const [addrHost, port] = splitAddr(p.addr);
    const link = p.link;
    const since = link && link.lastConnectedAt ? Math.floor((Date.now() - link.lastConnectedAt) / 1000) : 0;
    lines.push(`node${i}:id=${p.id},state=${link?.state ?? 'disconnected'},voting=${p.voter ? 'yes' : 'no'},addr=${addrHost},port=${port},last_conn_secs=${since},conn_errors=${link?.connErrors ?? 0},conn_oks=${link?.connOks ?? 0}`);
  });
  const entries = st ? st.lastIndex - st.snapshotIndex : 0;
  lines.push(
    `dbid:${host.dbid}`,
    '', '# Log',
    `log_entries:${entries}`,
    `current_index:${st?.lastIndex ?? 0}`,
    `commit_index:${st?.commit ?? 0}`,
    `last_applied_index:${host.appliedIndex}`,
    `file_size:${host.logFileBytes()}`,
    `cache_memory_size:${n?.log.cachedBytes() ?? 0}`,
    `cache_entries:${n ? n.log.lastIndex() - n.log.firstCachedIndex() + 1 : 0}`,
    '', '# Snapshot',
    `snapshot_in_progress:${host.snapshotInProgress ? 'yes' : 'no'}`,
    `snapshot_last_index:${st?.snapshotIndex ?? 0}`,
    `snapshot_last_term:${n?.log.snapshotTerm ?? 0}`,
    '', '# Clients',
    `clients_in_multi_state:${[...node.sessions.values()].filter((s) => s.multi !== null).length}`,
  );
  return lines.map((l) => `${l}\r\n`).join('');
}

function splitAddr(addr: string): [string, string] {
  const i = addr.lastIndexOf(':');
  return i > 0 ? [addr.slice(0, i), addr.slice(i + 1)] : [addr, ''];
}

function parseNodeId(b: Buffer | undefined): NodeId | null {
  const v = b ? parseSafeInt(b) : null;
  return v !== null && v > 0 && v < 2 ** 32 ? nodeId(v) : null;
}

export function raftCommands(host: RaftHost, executor: RaftExecutor): ServerCommand[] {
  const notLeader = () => executor.redirect([], undefined);
  const needCluster = (): Reply | null => (host.state === 'up' ? null : error(Errors.noCluster));

  const cluster = (node: NodeContext, _s: ClientSession, argv: Buffer[]): Reply | Promise<Reply> => {
    const sub = argv[1]!.toString().toUpperCase();
    if (sub === 'INIT') {
      if (host.state !== 'uninitialized') return error('ERR Already cluster member');
      return host.init().then((dbid) => status(`OK ${dbid}`));
    }
    if (sub === 'JOIN') {
      if (host.state !== 'uninitialized') return error('ERR Already cluster member');
      if (argv.length < 3) return error(Errors.wrongArity('raft.cluster|join'));
      return joinCluster(host, argv.slice(2).map((a) => a.toString()), node.config.int('id'), host.peerCredentials());
    }
    return error(`ERR unknown subcommand '${argv[1]!.toString()}'; RAFT.CLUSTER takes INIT or JOIN`);
  };

  const nodeCmd = (_n: NodeContext, _s: ClientSession, argv: Buffer[]): Reply | Promise<Reply> => {
    const missing = needCluster();
    if (missing) return missing;
    const sub = argv[1]!.toString().toUpperCase();
    if (!host.isLeader) return notLeader();
    const members = host.node!.membership();
    if (sub === 'ADD') {
      if (argv.length !== 4) return error(Errors.wrongArity('raft.node|add'));
      const id = parseNodeId(argv[2]);
      if (id === null) return error('ERR invalid node id');
      const addr = argv[3]!.toString();
      if (!/^.+:\d+$/.test(addr)) return error(`ERR invalid address '${addr}': expected host:port`);
      if (members.has(id)) return error('ERR node id already exists');
      return host.changeMembers({ kind: 'add-learner', id, addr }, () => nodeAddReply(id, host.dbid));
    }
    if (sub === 'REMOVE') {
      if (argv.length !== 3) return error(Errors.wrongArity('raft.node|remove'));
      const id = parseNodeId(argv[2]);
      if (id === null || !members.has(id)) return error('ERR node id does not exist');
      if (id === host.node!.id && members.voters.length > 1) return removeSelf(argv);
      return host.changeMembers({ kind: 'remove', id }, () => OK);
    }
    return error(`ERR unknown subcommand '${argv[1]!.toString()}'; RAFT.NODE takes ADD or REMOVE`);
  };

  /** Removing the leader: hand leadership over, then ask the new leader to remove us. */
  const removeSelf = async (argv: Buffer[]): Promise<Reply> => {
    const me = host.node!.id;
    const r = host.node!.proposeConfChange({ kind: 'remove', id: me });
    if (r.ok) return host.changeMembers({ kind: 'remove', id: me }, () => OK);
    const deadline = Date.now() + 4 * host.electionTimeoutMs();
    while (Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 20));
      const addr = host.leaderAddr();
      if (addr && !host.isLeader) return forward(addr, argv, host.peerCredentials());
    }
    return error('ERR leadership could not be handed over in time; retry RAFT.NODE REMOVE');
  };

  const transfer = (_n: NodeContext, _s: ClientSession, argv: Buffer[]): Reply => {
    const missing = needCluster();
    if (missing) return missing;
    if (!host.isLeader) return notLeader();
    const n = host.node!;
    let to: NodeId | null;
    if (argv.length > 1) {
      to = parseNodeId(argv[1]);
      if (to === null || !n.membership().isVoter(to)) return error('ERR node id does not exist or is not a voter');
    } else {
      const best = n.status().progress.filter((p) => n.membership().isVoter(p.id)).sort((a, b) => b.match - a.match)[0];
      if (!best) return error('ERR no other voter to transfer leadership to');
      to = best.id;
    }
    return host.transferLeadership(to);
  };

  const config = (node: NodeContext, session: ClientSession, argv: Buffer[]): Reply => {
    const sub = argv[1]!.toString().toUpperCase();
    if (sub === 'GET' && argv.length === 3) {
      const out: Reply[] = [];
      // cluster-password reads back masked except to a peer: knowing it is what makes a connection a peer.
      for (const o of OPTIONS) if (o.scope === 'raft' && globMatch(argv[2]!, Buffer.from(o.name), true)) out.push(bulk(o.name), bulk(node.config.shown(o.name, session.peer)));
      return array(out);
    }
    if (sub === 'SET' && argv.length === 4) {
      const name = argv[2]!.toString();
      const spec = OPTIONS.find((o) => o.name === name.toLowerCase() && o.scope === 'raft');
      if (!spec) return error(`ERR unknown Raft parameter '${name}'`);
      const r = node.config.set(spec.name, argv[3]!.toString(), true);
      return r.ok ? OK : error(`ERR ${r.error}`);
    }
    return error('ERR RAFT.CONFIG takes GET <pattern> or SET <name> <value>');
  };

  const debug = (_node: NodeContext, _session: ClientSession, argv: Buffer[]): Reply | Promise<Reply> => {
    const sub = argv[1]!.toString().toUpperCase();
    if (sub === 'COMPACT' && argv.length === 2) {
      if (host.state !== 'up') return error(Errors.noCluster);
      return host.takeSnapshot();
    }
    return error(`ERR RAFT.DEBUG takes COMPACT; '${argv[1]!.toString()}' is not supported`);
  };

  const explicit = (node: NodeContext, session: ClientSession, argv: Buffer[]): Reply | Promise<Reply> => {
    // RAFT <command> ...: replicate this command even when raftize-all-commands is no.
    const inner = argv.slice(1);
    const entry = node.table.get(inner[0]!.toString('latin1').toLowerCase());
    if (!entry || entry.server) return error(`ERR RAFT takes a data command; '${inner[0]!.toString()}' is not one`);
    if (host.state !== 'up') return error(Errors.noCluster);
    return executor.replicated(session, inner, entry.spec);
  };

  const raft = { ...NO_KEYS, group: 'raft', since: '1.0.0' } as const;
  const peer = (name: string): ServerCommand => ({
    ...raft, name: name.toLowerCase(), arity: -2, flags: ['fast', 'loading', 'stale'], summary: 'Internal: a Raft message from a peer.',
    internal: () => name.toLowerCase(),
    handler: (_n, session, argv) => host.receive(argv, session.addr) ?? OK,
  });
  // RAFT.NODE ADD is what a joining node sends the leader: a peer's request. REMOVE stays an administrator's.
  const nodeAddIsInternal = (argv: readonly Buffer[]) => (argv[1]?.toString().toUpperCase() === 'ADD' ? 'raft.node|add' : null);
  return [
    { ...raft, name: 'raft.cluster', arity: -2, flags: ['admin', 'loading', 'stale'], summary: 'Creates a Raft cluster (INIT) or joins one (JOIN host:port ...).', handler: cluster },
    { ...raft, name: 'raft.node', arity: -3, flags: ['admin'], summary: 'Adds (ADD id host:port) or removes (REMOVE id) a cluster node.', handler: nodeCmd, internal: nodeAddIsInternal },
    { ...raft, name: 'raft.info', arity: 1, flags: ['loading', 'stale'], summary: 'Describes this node, its peers, its log and snapshot.', handler: (node) => verbatim(raftInfoText(host, node)) },
    { ...raft, name: 'raft.config', arity: -3, flags: ['admin', 'loading', 'stale'], summary: 'Reads (GET pattern) or changes (SET name value) Raft parameters.', handler: config },
    { ...raft, name: 'raft.transfer-leader', arity: -1, flags: ['admin'], summary: 'Hands leadership to the given node, or to the most up-to-date one.', handler: transfer },
    { ...raft, name: 'raft.debug', arity: -2, flags: ['admin', 'stale'], summary: 'Debugging aids: COMPACT forces a snapshot and log trim now.', handler: debug },
    { ...raft, name: 'raft', arity: -2, flags: ['write'], summary: 'Replicates a command through the Raft log (explicit mode).', handler: explicit },
    ...PEER_COMMANDS.map(peer),
  ];
}
