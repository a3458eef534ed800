// Every option a node understands, Redis's and Raft's, declared once: the
// CLI, the config file, CONFIG GET/SET, RAFT.CONFIG GET/SET and the docs all
// read this table.
import { ERR_NOTIFY_CLASS, keyspaceEventsToString, parseKeyspaceEvents, NOTIFY_ALL, Notify } from '@redisraft-wasm/store';

export type OptionScope = 'redis' | 'raft';

/**
 * Numbers as Redis's config.c reads them: `int` with string2ll (strict
 * digits), `size` as a memory value (100, 1k, 1kb, 64mb, ...), `size` with
 * `percent` also as `N%` (kept as -N, shown back as N%). Bounds are 64-bit,
 * as in Redis (LONG_MAX and ULLONG_MAX do not fit a JS number); `unsigned`
 * options compare a negative input as its unsigned 64-bit value, which is
 * what makes Redis answer "-1" with the range error instead of a parse error.
 */
export type NumericType = {
  kind: 'int' | 'size';
  min: bigint;
  max: bigint;
  unsigned?: boolean;
  percent?: boolean;
};
export type OptionType =
  | NumericType
  | { kind: 'bool' }
  | { kind: 'string' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'list' }
  /** A value with its own syntax: `normalize` gives the stored text or null, `invalid` the error then. */
  | { kind: 'custom'; normalize: (raw: string) => string | null; invalid: string };

/**
 * How a change made while running (CONFIG SET, RAFT.CONFIG SET) takes effect:
 * `read`: read where it is used, so the next use sees it; `applied`: an
 * onChange listener applies it at once; `reported`: accepted and shown by
 * CONFIG GET, with no effect on this server (the description says why).
 * Start-only options cannot change while running.
 */
export type OptionEffect = 'read' | 'applied' | 'reported';

export interface OptionSpec {
  readonly name: string;
  readonly scope: OptionScope;
  readonly type: OptionType;
  /** Default in its textual form, as CONFIG GET shows it. */
  readonly default: string;
  /** Cannot change while the node runs. */
  readonly startOnly: boolean;
  /** How a run-time change takes effect (see OptionEffect); absent on older rows, which are read where used. */
  readonly effect?: OptionEffect;
  /** Redis's other name for it (hash-max-ziplist-entries for hash-max-listpack-entries): the same value under both. */
  readonly alias?: string;
  /**
   * Values that cannot work with consensus: returns why, naming the value
   * needed. Refused at start (prefixed "refusing to start: ") and by CONFIG SET.
   */
  readonly refuse?: (value: string) => string | null;
  /** Read back masked (RAFT.CONFIG GET) except by a peer session. */
  readonly secret?: boolean;
  readonly description: string;
  /** How CONFIG GET prints the stored value, when that differs from it. */
  readonly show?: (stored: string) => string;
}

const int = (min: number | bigint, max: number | bigint, unsigned = false): NumericType => ({ kind: 'int', min: BigInt(min), max: BigInt(max), unsigned });
const size = (min: number | bigint, max: number | bigint, unsigned = false): NumericType => ({ kind: 'size', min: BigInt(min), max: BigInt(max), unsigned });
const BOOL: OptionType = { kind: 'bool' };
const STRING: OptionType = { kind: 'string' };
const MAX_MS = 24 * 3600 * 1000;
// C limits Redis's config table uses as bounds.
const INT_MIN = -(2n ** 31n), INT_MAX = 2n ** 31n - 1n;
const LONG_MAX = 2n ** 63n - 1n, LLONG_MAX = LONG_MAX, SSIZE_MAX = LONG_MAX;
const ULLONG_MAX = 2n ** 64n - 1n;
/** Redis's size_t options: unsigned, 0 to LONG_MAX. */
const sizeT = (kind: 'int' | 'size', min: bigint | number = 0): NumericType => ({ kind, min: BigInt(min), max: LONG_MAX, unsigned: true });

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
  return `'${setting} ${value}' cannot work with Raft replication (${why}); set ${setting} to ${required}`;
}

/** Redis's words when a value needs jemalloc's defragmenter, which this server (on V8's heap) does not have. */
const NO_DEFRAG = 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution';

export const OPTIONS: readonly OptionSpec[] = [
  // Redis options (SPEC section 2).
  { name: 'port', scope: 'redis', type: int(0, 65535), default: '6379', startOnly: true, description: 'TCP port for clients and peers' },
  { name: 'bind', scope: 'redis', type: { kind: 'list' }, default: '127.0.0.1', startOnly: true, description: 'addresses to listen on, space separated' },
  { name: 'dir', scope: 'redis', type: STRING, default: '', startOnly: true, description: 'working directory for the Raft log and snapshot (default: the current directory)' },
  { name: 'dbfilename', scope: 'redis', type: STRING, default: 'dump.rdb', startOnly: true, description: 'snapshot file name, in dir' },
  { name: 'logfile', scope: 'redis', type: STRING, default: '', startOnly: true, description: 'log file; empty logs to standard output' },
  { name: 'requirepass', scope: 'redis', type: STRING, default: '', startOnly: false, description: 'password clients must AUTH with (CONFIG GET shows it, as Redis does)' },
  { name: 'databases', scope: 'redis', type: int(1, 1_000_000), default: '16', startOnly: true, description: 'number of databases; only database 0 can be selected' },
  // save, appendonly and maxmemory-policy can be set while running (Redis's suite and tools do), to the one value consensus allows.
  { name: 'save', scope: 'redis', type: STRING, default: '', startOnly: false, effect: 'read', description: 'must be empty: snapshots are taken by the Raft log compaction',
    refuse: (v) => (v.trim() === '' ? null : !validSavePoints(v) ? 'Invalid save parameters' : need('save', `"${v}"`, '""', 'snapshots are managed by Raft')) },
  { name: 'appendonly', scope: 'redis', type: BOOL, default: 'no', startOnly: false, effect: 'read', description: 'must be no: the Raft log is the append-only file',
    refuse: (v) => (v === 'yes' ? need('appendonly', v, 'no', 'the Raft log is the append-only file') : null) },
  { name: 'maxmemory-policy', scope: 'redis', type: { kind: 'enum', values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'] }, default: 'noeviction', startOnly: false, effect: 'read',
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
  // Redis 7.2 parameters its clients and its own test suite set while running. Types, ranges, defaults and
  // aliases are config.c's. The encoding thresholds decide what OBJECT ENCODING reports, from this node's
  // settings (a read; the stored representation is the same whatever they are). The others are accepted
  // and reported: what they tune does not exist here, or is fixed because it decides replicated state.
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', scope: 'redis', type: sizeT('int'), default: '512', startOnly: false, effect: 'applied',
    description: 'OBJECT ENCODING: a hash with more fields than this is reported as hashtable from then on' },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', scope: 'redis', type: sizeT('size'), default: '64', startOnly: false, effect: 'applied',
    description: 'OBJECT ENCODING: a hash once given a longer field or value is reported as hashtable' },
  { name: 'set-max-intset-entries', scope: 'redis', type: sizeT('int'), default: '512', startOnly: false, effect: 'applied',
    description: 'OBJECT ENCODING: a set of integers up to this size is reported as intset' },
  { name: 'set-max-listpack-entries', scope: 'redis', type: sizeT('int'), default: '128', startOnly: false, effect: 'applied',
    description: 'OBJECT ENCODING: a set with more members than this is reported as hashtable' },
  { name: 'set-max-listpack-value', scope: 'redis', type: sizeT('int'), default: '64', startOnly: false, effect: 'applied',
    description: 'OBJECT ENCODING: a set once given a longer member is reported as hashtable' },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', scope: 'redis', type: sizeT('int'), default: '128', startOnly: false, effect: 'applied',
    description: 'OBJECT ENCODING: a sorted set with more members than this is reported as skiplist (replies follow the default, 128, on every node)' },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', scope: 'redis', type: sizeT('size'), default: '64', startOnly: false, effect: 'applied',
    description: 'OBJECT ENCODING: a sorted set once given a longer member is reported as skiplist (replies follow the default, 64, on every node)' },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', scope: 'redis', type: int(INT_MIN, INT_MAX), default: '-2', startOnly: false, effect: 'applied',
    description: 'OBJECT ENCODING: entries (n > 0) or bytes (-1..-5 = 4kb..64kb) up to which a list is reported as listpack, else quicklist' },
  { name: 'list-compress-depth', scope: 'redis', type: int(0, INT_MAX), default: '0', startOnly: false, effect: 'reported', description: 'accepted; list nodes are never compressed here' },
  { name: 'stream-node-max-entries', scope: 'redis', type: int(0, LLONG_MAX), default: '100', startOnly: false, effect: 'reported',
    description: 'accepted; stream nodes hold 100 entries on every node, since node boundaries decide what XADD/XTRIM with ~ remove, which is replicated state' },
  { name: 'stream-node-max-bytes', scope: 'redis', type: sizeT('size'), default: '4096', startOnly: false, effect: 'reported',
    description: 'accepted; stream nodes close at 4096 bytes on every node, for the same reason' },
  { name: 'hll-sparse-max-bytes', scope: 'redis', type: sizeT('size'), default: '3000', startOnly: false, effect: 'reported',
    description: 'accepted; HyperLogLogs turn dense past 3000 bytes on every node, since the encoding is the value\'s bytes, which are replicated' },
  { name: 'maxmemory', scope: 'redis', type: size(0, ULLONG_MAX, true), default: '0', startOnly: false, effect: 'reported',
    description: 'accepted and reported (CONFIG GET, INFO memory); not enforced yet: no write is refused for memory' },
  { name: 'maxmemory-clients', scope: 'redis', type: { kind: 'size', min: -100n, max: SSIZE_MAX, percent: true }, default: '0', startOnly: false, effect: 'reported',
    description: 'accepted; clients are not evicted for memory' },
  { name: 'maxmemory-samples', scope: 'redis', type: int(1, INT_MAX), default: '5', startOnly: false, effect: 'reported', description: 'accepted; there is no eviction (maxmemory-policy noeviction)' },
  { name: 'slowlog-log-slower-than', scope: 'redis', type: int(-1, LLONG_MAX), default: '10000', startOnly: false, effect: 'reported', description: 'accepted; no slow log is kept' },
  { name: 'slowlog-max-len', scope: 'redis', type: int(0, LONG_MAX, true), default: '128', startOnly: false, effect: 'reported', description: 'accepted; no slow log is kept' },
  { name: 'latency-tracking', scope: 'redis', type: BOOL, default: 'yes', startOnly: false, effect: 'reported', description: 'accepted; no per-command latency histograms are kept' },
  { name: 'activedefrag', scope: 'redis', type: BOOL, default: 'no', startOnly: false, effect: 'reported', description: 'must be no, as in a Redis built without jemalloc: memory is V8\'s heap',
    refuse: (v) => (v === 'yes' ? NO_DEFRAG : null) },
  { name: 'lazyfree-lazy-eviction', scope: 'redis', type: BOOL, default: 'no', startOnly: false, effect: 'reported', description: 'accepted; values are freed by the garbage collector either way' },
  { name: 'lazyfree-lazy-expire', scope: 'redis', type: BOOL, default: 'no', startOnly: false, effect: 'reported', description: 'accepted; values are freed by the garbage collector either way' },
  { name: 'lazyfree-lazy-server-del', scope: 'redis', type: BOOL, default: 'no', startOnly: false, effect: 'reported', description: 'accepted; values are freed by the garbage collector either way' },
  { name: 'lazyfree-lazy-user-del', scope: 'redis', type: BOOL, default: 'no', startOnly: false, effect: 'reported', description: 'accepted; DEL and UNLINK free the same way' },
  { name: 'lazyfree-lazy-user-flush', scope: 'redis', type: BOOL, default: 'no', startOnly: false, effect: 'reported', description: 'accepted; FLUSHALL and FLUSHDB free the same way' },
  { name: 'replica-lazy-flush', alias: 'slave-lazy-flush', scope: 'redis', type: BOOL, default: 'no', startOnly: false, effect: 'reported', description: 'accepted; there are no Redis replicas (Raft replicates)' },
  { name: 'replica-serve-stale-data', alias: 'slave-serve-stale-data', scope: 'redis', type: BOOL, default: 'yes', startOnly: false, effect: 'reported',
    description: 'accepted; followers redirect or prove freshness (READONLY reads use ReadIndex), they never serve stale data' },
  { name: 'repl-backlog-size', scope: 'redis', type: size(1, LLONG_MAX), default: '1048576', startOnly: false, effect: 'reported', description: 'accepted; the Raft log is the backlog (raft-log-max-file-size)' },
  { name: 'appendfsync', scope: 'redis', type: { kind: 'enum', values: ['always', 'everysec', 'no'] }, default: 'everysec', startOnly: false, effect: 'reported',
    description: 'accepted; the Raft log is fsynced per raft-log-fsync' },
  { name: 'tracking-table-max-keys', scope: 'redis', type: sizeT('int'), default: '1000000', startOnly: false, effect: 'reported', description: 'accepted; no invalidation table is kept' },
  { name: 'client-query-buffer-limit', scope: 'redis', type: sizeT('size', 1024 * 1024), default: '1073741824', startOnly: false, effect: 'reported',
    description: 'accepted; a request is bounded by proto-max-bulk-len per argument' },
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
    refuse: (v) => (v === '' || /\s/.test(v) ? `cluster-user '${v}' must be a non-empty name without spaces` : null) },
  { name: 'cluster-password', scope: 'raft', type: STRING, default: '', startOnly: true, secret: true, description: 'password nodes authenticate to each other with; set, the internal RAFT.* commands are refused on any other connection' },
];

/** Redis's check of save points: pairs of seconds (>= 1) and changes (>= 0). */
function validSavePoints(v: string): boolean {
  const words = v.split(' ');
  if (words.length % 2 !== 0) return false;
  return words.every((w, i) => /^-?\d+$/.test(w) && Number(w) >= (i % 2 === 0 ? 1 : 0));
}

export const OPTION_BY_NAME: ReadonlyMap<string, OptionSpec> = new Map(OPTIONS.map((o) => [o.name, o]));
/** Names and aliases alike (CONFIG GET lists both, as Redis does). */
const OPTION_BY_ANY_NAME: ReadonlyMap<string, OptionSpec> = new Map(OPTIONS.flatMap((o) => (o.alias ? [[o.name, o], [o.alias, o]] : [[o.name, o]])));

/** Every name CONFIG GET patterns are matched against, aliases included, with the option each names. */
export const OPTION_NAMES: readonly (readonly [string, OptionSpec])[] = [...OPTION_BY_ANY_NAME];

/** An option by its name or alias (any case), with the spelling that matched: Redis reports errors under it. */
export function optionNamed(raw: string): { spec: OptionSpec; name: string } | undefined {
  const name = raw.toLowerCase();
  const spec = OPTION_BY_ANY_NAME.get(name);
  return spec ? { spec, name } : undefined;
}

/** Resolves the spellings users write: `raft.log-filename`, `raft-log-filename`, `raft.election-timeout`, aliases. */
export function resolveOptionName(raw: string): OptionSpec | undefined {
  const name = raw.toLowerCase();
  const direct = OPTION_BY_ANY_NAME.get(name);
  if (direct) return direct;
  if (name.startsWith('raft.')) {
    const rest = name.slice(5);
    return OPTION_BY_NAME.get(rest) ?? OPTION_BY_NAME.get(`raft-${rest}`);
  }
  return undefined;
}
