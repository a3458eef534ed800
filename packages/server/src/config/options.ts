// Every option a node understands, Redis's and Raft's, declared once: the
// CLI, the config file, CONFIG GET/SET, RAFT.CONFIG GET/SET and the docs all
// read this table.
import { ERR_NOTIFY_CLASS, keyspaceEventsToString, parseKeyspaceEvents, NOTIFY_ALL, Notify } from '@redisraft-wasm/store';

export type OptionScope = 'redis' | 'raft';
export type OptionType =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'size'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'string' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'list' }
  /** A value with its own syntax: `normalize` gives the stored text or null, `invalid` the error then. */
  | { kind: 'custom'; normalize: (raw: string) => string | null; invalid: string };

export interface OptionSpec {
  readonly name: string;
  readonly scope: OptionScope;
  readonly type: OptionType;
  /** Default in its textual form, as CONFIG GET shows it. */
  readonly default: string;
  /** Cannot change while the node runs. */
  readonly startOnly: boolean;
  /** Values that cannot work with consensus: returns the line to refuse them with. */
  readonly refuse?: (value: string) => string | null;
  /** Read back masked (RAFT.CONFIG GET) except by a peer session. */
  readonly secret?: boolean;
  readonly description: string;
  /** How CONFIG GET prints the stored value, when that differs from it. */
  readonly show?: (stored: string) => string;
}

const int = (min: number, max: number): OptionType => ({ kind: 'int', min, max });
const size = (min: number, max: number): OptionType => ({ kind: 'size', min, max });
const BOOL: OptionType = { kind: 'bool' };
const STRING: OptionType = { kind: 'string' };
const MAX_MS = 24 * 3600 * 1000;

/**
 * notify-keyspace-events is stored so that it parses back to the same
 * classes: Redis's printer hides `n` behind `A`, so the stored text keeps
 * an explicit `n` and CONFIG GET prints Redis's text.
 */
const KEYSPACE_EVENTS: OptionType = {
  kind: 'custom',
  normalize: (raw) => {
    const flags = parseKeyspaceEvents(raw);
    if (flags === null) return null;
    const hidden = (flags & NOTIFY_ALL) === NOTIFY_ALL && (flags & Notify.new) !== 0;
    return keyspaceEventsToString(flags) + (hidden ? 'n' : '');
  },
  invalid: ERR_NOTIFY_CLASS,
};

function need(setting: string, value: string, required: string, why: string): string {
  return `refusing to start: '${setting} ${value}' cannot work with Raft replication (${why}); set ${setting} to ${required}`;
}

export const OPTIONS: readonly OptionSpec[] = [
  // Redis options (SPEC section 2).
  { name: 'port', scope: 'redis', type: int(0, 65535), default: '6379', startOnly: true, description: 'TCP port for clients and peers' },
  { name: 'bind', scope: 'redis', type: { kind: 'list' }, default: '127.0.0.1', startOnly: true, description: 'addresses to listen on, space separated' },
  { name: 'dir', scope: 'redis', type: STRING, default: '', startOnly: true, description: 'working directory for the Raft log and snapshot (default: the current directory)' },
  { name: 'dbfilename', scope: 'redis', type: STRING, default: 'dump.rdb', startOnly: true, description: 'snapshot file name, in dir' },
  { name: 'logfile', scope: 'redis', type: STRING, default: '', startOnly: true, description: 'log file; empty logs to standard output' },
  { name: 'requirepass', scope: 'redis', type: STRING, default: '', startOnly: false, description: 'password clients must AUTH with (CONFIG GET shows it, as Redis does)' },
  { name: 'databases', scope: 'redis', type: int(1, 1_000_000), default: '16', startOnly: true, description: 'number of databases; only database 0 can be selected' },
  { name: 'save', scope: 'redis', type: STRING, default: '', startOnly: true, description: 'must be empty: snapshots are taken by the Raft log compaction',
    refuse: (v) => (v.trim() === '' ? null : need('save', `"${v}"`, '""', 'snapshots are managed by Raft')) },
  { name: 'appendonly', scope: 'redis', type: BOOL, default: 'no', startOnly: true, description: 'must be no: the Raft log is the append-only file',
    refuse: (v) => (v === 'yes' ? need('appendonly', v, 'no', 'the Raft log is the append-only file') : null) },
  { name: 'maxmemory-policy', scope: 'redis', type: { kind: 'enum', values: ['noeviction', 'allkeys-lru', 'volatile-lru', 'allkeys-random', 'volatile-random', 'volatile-ttl', 'allkeys-lfu', 'volatile-lfu'] }, default: 'noeviction', startOnly: true,
    description: 'must be noeviction: eviction is not deterministic across nodes',
    refuse: (v) => (v === 'noeviction' ? null : need('maxmemory-policy', v, 'noeviction', 'eviction would differ between nodes')) },
  { name: 'replicaof', scope: 'redis', type: STRING, default: '', startOnly: true, description: 'must be unset: Raft does the replication',
    refuse: (v) => (v.trim() === '' ? null : need('replicaof', `"${v}"`, 'nothing (remove it)', 'Raft does the replication')) },
  { name: 'cluster-enabled', scope: 'redis', type: BOOL, default: 'no', startOnly: true, description: 'must be no: a Raft group is one shard',
    refuse: (v) => (v === 'yes' ? need('cluster-enabled', v, 'no', 'Redis Cluster sharding is not used') : null) },
  { name: 'proto-max-bulk-len', scope: 'redis', type: size(1024 * 1024, 2 ** 32), default: '536870912', startOnly: false, description: 'largest bulk string a client may send' },
  // Scripting. The instruction limit decides where a runaway script stops, on every node: set it alike everywhere.
  { name: 'lua-instruction-limit', scope: 'redis', type: int(0, Number.MAX_SAFE_INTEGER), default: '100000000', startOnly: false,
    description: 'Lua VM instructions a script may run before it is stopped and its writes undone (0 = no limit); must be equal on every node' },
  { name: 'lua-time-limit', scope: 'redis', type: int(0, MAX_MS), default: '5000', startOnly: false, description: 'accepted for Redis compatibility; scripts are bounded by lua-instruction-limit' },
  { name: 'busy-reply-threshold', scope: 'redis', type: int(0, MAX_MS), default: '5000', startOnly: false, description: 'accepted for Redis compatibility (alias of lua-time-limit in Redis 7)' },
  { name: 'client-output-buffer-limit', scope: 'redis', type: STRING, default: 'normal 256mb 0 0 pubsub 32mb 8mb 60', startOnly: false, description: 'per-class hard limit, soft limit and soft seconds for reply buffers' },
  { name: 'maxclients', scope: 'redis', type: int(1, 1_000_000), default: '10000', startOnly: false, description: 'most clients connected at once' },
  { name: 'notify-keyspace-events', scope: 'redis', type: KEYSPACE_EVENTS, default: '', startOnly: false,
    show: (v) => keyspaceEventsToString(parseKeyspaceEvents(v) ?? 0),
    description: 'keyspace notification classes (K E g $ l s h z x e t m d n A); every node emits them as it applies each entry' },
  { name: 'timeout', scope: 'redis', type: int(0, 2 ** 31 - 1), default: '0', startOnly: false, description: 'close idle clients after this many seconds (0 = never)' },
  // Raft parameters (SPEC section 3).
  { name: 'id', scope: 'raft', type: int(0, 2 ** 32 - 1), default: '0', startOnly: true, description: 'node id; 0 = assigned at INIT/JOIN, random and unique' },
  { name: 'addr', scope: 'raft', type: STRING, default: '', startOnly: true, description: 'host:port advertised to peers (default: first non-loopback address and port)' },
  { name: 'raft-log-filename', scope: 'raft', type: STRING, default: 'redisraft.db', startOnly: true, description: 'Raft log base name, in dir' },
  { name: 'persistence', scope: 'raft', type: BOOL, default: 'yes', startOnly: true, description: 'no = pure in-memory node, which cannot restart' },
  { name: 'raft-interval', scope: 'raft', type: int(1, MAX_MS), default: '100', startOnly: false, description: 'ms between periodic chores' },
  { name: 'request-timeout', scope: 'raft', type: int(1, MAX_MS), default: '250', startOnly: false, description: 'ms before an AppendEntries is resent; heartbeat interval' },
  { name: 'election-timeout', scope: 'raft', type: int(1, MAX_MS), default: '500', startOnly: false, description: 'ms without a leader before an election' },
  { name: 'reconnect-interval', scope: 'raft', type: int(1, MAX_MS), default: '100', startOnly: false, description: 'ms to wait after a failed peer connection' },
  { name: 'follower-proxy', scope: 'raft', type: BOOL, default: 'no', startOnly: false, description: 'followers forward commands to the leader' },
  { name: 'raft-log-max-file-size', scope: 'raft', type: size(0, Number.MAX_SAFE_INTEGER), default: '64000000', startOnly: false, description: 'snapshot and trim the log past this size' },
  { name: 'raft-log-max-cache-size', scope: 'raft', type: size(0, Number.MAX_SAFE_INTEGER), default: '8000000', startOnly: false, description: 'bytes of log entries kept in memory' },
  { name: 'raft-log-fsync', scope: 'raft', type: BOOL, default: 'yes', startOnly: false, description: 'fsync the log before acknowledging writes' },
  { name: 'quorum-reads', scope: 'raft', type: BOOL, default: 'yes', startOnly: false, description: 'confirm leadership with a quorum before reads' },
  { name: 'raftize-all-commands', scope: 'raft', type: BOOL, default: 'yes', startOnly: false, description: 'no = explicit mode: only RAFT <command> is replicated' },
  { name: 'loglevel', scope: 'raft', type: { kind: 'enum', values: ['debug', 'verbose', 'notice', 'warning'] }, default: 'notice', startOnly: false, description: 'log verbosity' },
  { name: 'cluster-user', scope: 'raft', type: STRING, default: 'raft-peer', startOnly: true, description: 'user name nodes authenticate to each other as (AUTH <cluster-user> <cluster-password>)',
    refuse: (v) => (v === '' || /\s/.test(v) ? `refusing to start: cluster-user '${v}' must be a non-empty name without spaces` : null) },
  { name: 'cluster-password', scope: 'raft', type: STRING, default: '', startOnly: true, secret: true, description: 'password nodes authenticate to each other with; set, the internal RAFT.* commands are refused on any other connection' },
];

export const OPTION_BY_NAME: ReadonlyMap<string, OptionSpec> = new Map(OPTIONS.map((o) => [o.name, o]));

/** Resolves the spellings users write: `raft.log-filename`, `raft-log-filename`, `raft.election-timeout`. */
export function resolveOptionName(raw: string): OptionSpec | undefined {
  const name = raw.toLowerCase();
  const direct = OPTION_BY_NAME.get(name);
  if (direct) return direct;
  if (name.startsWith('raft.')) {
    const rest = name.slice(5);
    return OPTION_BY_NAME.get(rest) ?? OPTION_BY_NAME.get(`raft-${rest}`);
  }
  return undefined;
}
