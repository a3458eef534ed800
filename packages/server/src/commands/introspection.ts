// COMMAND, INFO and CONFIG: what clients and tools ask a server about itself.
import { OK, NIL, int, bulk, array, map, set, error, status, verbatim, Errors, type Reply } from '@redisraft-wasm/resp';
import { commandKeys, globMatch, type CommandSpec } from '@redisraft-wasm/store';
import { OPTION_NAMES, optionNamed, type OptionSpec } from '../config/index.js';
import type { NodeContext } from '../node-context.js';
import type { ClientSession } from '../session.js';
import { NO_KEYS, type ServerCommand } from '../server-command.js';
import { REDIS_COMPAT_VERSION } from './connection.js';

function aclCategories(spec: CommandSpec): string[] {
  const cats = new Set<string>();
  if (spec.flags.includes('write')) cats.add('@write');
  if (spec.flags.includes('readonly')) cats.add('@read');
  cats.add(spec.flags.includes('fast') ? '@fast' : '@slow');
  if (spec.flags.includes('admin')) cats.add('@admin').add('@dangerous');
  if (spec.flags.includes('blocking')) cats.add('@blocking');
  cats.add(`@${spec.group}`);
  return [...cats];
}

function keySpecs(spec: CommandSpec): Reply[] {
  if (spec.firstKey === 0 || spec.getKeys) return [];
  const last = spec.lastKey < 0 ? spec.lastKey : spec.lastKey - spec.firstKey;
  const flags = spec.flags.includes('write') ? ['RW', 'UPDATE'] : ['RO', 'ACCESS'];
  return [map([
    bulk('flags'), set(flags.map((f) => status(f))),
    bulk('begin_search'), map([bulk('type'), bulk('index'), bulk('spec'), map([bulk('index'), int(spec.firstKey)])]),
    bulk('find_keys'), map([bulk('type'), bulk('range'), bulk('spec'), map([bulk('lastkey'), int(last), bulk('keystep'), int(spec.keyStep), bulk('limit'), int(0)])]),
  ])];
}

export function commandInfo(spec: CommandSpec): Reply {
  const flags = [...spec.flags];
  if (spec.getKeys && !flags.includes('movablekeys')) flags.push('movablekeys');
  return array([
    bulk(spec.name), int(spec.arity), set(flags.map((f) => status(f))),
    int(spec.firstKey), int(spec.lastKey), int(spec.keyStep),
    set(aclCategories(spec).map((c) => status(c))), set([]), array(keySpecs(spec)), array([]),
  ]);
}

function commandDocs(spec: CommandSpec): Reply {
  const fields: Reply[] = [bulk('summary'), bulk(spec.summary), bulk('since'), bulk(spec.since), bulk('group'), bulk(spec.group)];
  if (spec.complexity) fields.push(bulk('complexity'), bulk(spec.complexity));
  return map(fields);
}

function command(node: NodeContext, _s: ClientSession, argv: Buffer[]): Reply {
  const all = [...node.table.values()].map((e) => e.spec);
  if (argv.length === 1) return array(all.map(commandInfo));
  const sub = argv[1]!.toString().toLowerCase();
  const lookup = (b: Buffer) => node.table.get(b.toString().toLowerCase())?.spec;
  switch (sub) {
    case 'count':
      return int(all.length);
    case 'list':
      return array(all.map((s) => bulk(s.name)));
    case 'info':
      return array(argv.length === 2 ? all.map(commandInfo) : argv.slice(2).map((n) => { const s = lookup(n); return s ? commandInfo(s) : NIL; }));
    case 'docs': {
      const specs = argv.length === 2 ? all : argv.slice(2).map(lookup).filter((s): s is CommandSpec => s !== undefined);
      return map(specs.flatMap((s) => [bulk(s.name), commandDocs(s)]));
    }
    case 'getkeys': {
      if (argv.length < 3) return error(Errors.wrongArity('command|getkeys'));
      const spec = lookup(argv[2]!);
      const args = argv.slice(2);
      if (!spec) return error('ERR Invalid command specified');
      if (spec.arity >= 0 ? args.length !== spec.arity : args.length < -spec.arity) return error('ERR Invalid number of arguments specified for command');
      const keys = commandKeys(spec, args);
      if (keys.length === 0) return error('ERR The command has no key arguments');
      return array(keys.map((i) => bulk(args[i]!)));
    }
    case 'help':
      return array(['COMMAND <subcommand> [<arg> ...]. Subcommands are:', '(no subcommand)', 'COUNT', 'LIST', 'INFO [<command-name> ...]', 'DOCS [<command-name> ...]', 'GETKEYS <full-command>', 'HELP'].map((s) => status(s)));
    default:
      return error(`ERR unknown subcommand '${argv[1]!.toString()}'. Try COMMAND HELP.`);
  }
}

/** Redis's bytesToHuman: 0B, 1023B, 1.00K, 700.00M, up to P; bytes again beyond. */
function bytesToHuman(n: bigint): string {
  let div = 1024n;
  for (const unit of ['K', 'M', 'G', 'T', 'P']) {
    if (n < div) break;
    if (n < div * 1024n) return `${(Number(n) / Number(div)).toFixed(2)}${unit}`;
    div *= 1024n;
  }
  return `${n}B`;
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)}M` : `${(bytes / 1024).toFixed(2)}K`;
}

/** Clients waiting in a blocking command on this node (Redis counts clients, not the keys they wait on). */
function blockedClients(node: NodeContext): number {
  let n = 0;
  for (const s of node.sessions.values()) if (s.blockedWaits > 0) n++;
  return n;
}

const SECTIONS: Record<string, (node: NodeContext) => string[]> = {
  server: (node) => {
    const up = Math.floor((Date.now() - node.startedAtMs) / 1000);
    return [
      `redis_version:${REDIS_COMPAT_VERSION}`, `redisraft_wasm_version:${node.version}`, 'redis_git_sha1:00000000', 'redis_git_dirty:0',
      'redis_build_id:0', 'redis_mode:standalone', `os:${process.platform} ${process.arch}`, 'arch_bits:64', 'multiplexing_api:libuv',
      `process_id:${process.pid}`, `run_id:${node.runId}`, `tcp_port:${node.tcpPort}`, `server_time_usec:${Date.now() * 1000}`,
      `uptime_in_seconds:${up}`, `uptime_in_days:${Math.floor(up / 86400)}`, 'hz:10', `executable:${process.argv[1] ?? ''}`, 'config_file:',
    ];
  },
  clients: (node) => [
    `connected_clients:${node.sessions.size}`, 'cluster_connections:0', `maxclients:${node.config.int('maxclients')}`,
    'client_recent_max_input_buffer:0', 'client_recent_max_output_buffer:0', `blocked_clients:${blockedClients(node)}`, 'tracking_clients:0', 'clients_in_timeout_table:0',
  ],
  memory: (node) => {
    const m = process.memoryUsage();
    return [
      `used_memory:${m.heapUsed + m.external}`, `used_memory_human:${mb(m.heapUsed + m.external)}`, `used_memory_rss:${m.rss}`,
      `used_memory_rss_human:${mb(m.rss)}`, `used_memory_dataset:${node.store.memoryUsage()}`, `used_memory_dataset_human:${mb(node.store.memoryUsage())}`,
      // maxmemory is reported as set; it is not enforced (no write is refused for memory).
      `maxmemory:${node.config.text('maxmemory')}`, `maxmemory_human:${bytesToHuman(BigInt(node.config.text('maxmemory')))}`,
      `maxmemory_policy:${node.config.text('maxmemory-policy')}`, 'mem_allocator:v8',
      ...node.memoryInfo.flatMap((f) => f()),
    ];
  },
  stats: (node) => [
    `total_connections_received:${node.stats.connectionsReceived}`, `total_commands_processed:${node.stats.commandsProcessed}`,
    'instantaneous_ops_per_sec:0', `total_net_input_bytes:${node.stats.netInputBytes}`, `total_net_output_bytes:${node.stats.netOutputBytes}`,
    `rejected_connections:${node.stats.rejectedConnections}`, `expired_keys:${node.store.expiredTotal()}`, 'evicted_keys:0',
    `client_output_buffer_limit_disconnections:${node.stats.outputLimitDisconnections}`, `total_error_replies:0`,
    `protocol_errors:${node.stats.protocolErrors}`,
  ],
  keyspace: (node) => {
    const keys = node.store.dbsize();
    return keys > 0 ? [`db0:keys=${keys},expires=${node.store.expiresCount()},avg_ttl=0`] : [];
  },
};

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'stats', 'keyspace'];

export function infoText(node: NodeContext, wanted: string[]): string {
  const names = new Set<string>();
  const extra = [...node.infoSections.keys()];
  for (const w of wanted.length ? wanted : ['default']) {
    const n = w.toLowerCase();
    if (n === 'default') { DEFAULT_SECTIONS.forEach((s) => names.add(s)); extra.forEach((s) => names.add(s)); }
    else if (n === 'all' || n === 'everything') { Object.keys(SECTIONS).forEach((s) => names.add(s)); extra.forEach((s) => names.add(s)); }
    else names.add(n);
  }
  const parts: string[] = [];
  for (const name of names) {
    const builtin = SECTIONS[name];
    const custom = node.infoSections.get(name);
    if (builtin) parts.push(`# ${name[0]!.toUpperCase()}${name.slice(1)}\r\n${builtin(node).map((l) => `${l}\r\n`).join('')}`);
    else if (custom) parts.push(custom());
  }
  return parts.join('\r\n');
}

function configValue(node: NodeContext, spec: OptionSpec): string {
  if (spec.name === 'dir') return node.config.text('dir') || process.cwd();
  return spec.show ? spec.show(node.config.text(spec.name)) : node.config.text(spec.name);
}

/**
 * CONFIG GET as Redis 7 answers it: a name without glob characters is looked
 * up (aliases too) and answered under the spelling asked; a pattern lists
 * every matching name and alias; several arguments, no pair twice.
 */
function configGet(node: NodeContext, argv: Buffer[]): Reply {
  const out: Reply[] = [];
  const seen = new Set<string>();
  for (const arg of argv.slice(2)) {
    const pat = arg.toString();
    if (!/[[*?]/.test(pat)) {
      const found = optionNamed(pat);
      if (!found || found.spec.scope !== 'redis' || seen.has(found.name)) continue;
      seen.add(found.name);
      out.push(bulk(pat), bulk(configValue(node, found.spec)));
      continue;
    }
    for (const [name, spec] of OPTION_NAMES) {
      if (spec.scope !== 'redis' || seen.has(name) || !globMatch(arg, Buffer.from(name), true)) continue;
      seen.add(name);
      out.push(bulk(name), bulk(configValue(node, spec)));
    }
  }
  return map(out);
}

/**
 * CONFIG SET name value [name value ...], all or nothing, with config.c's
 * precedence of errors: the first unknown name, else the first immutable or
 * repeated one (as spelled), else the first bad value (under the name or
 * alias used); nothing changes unless every pair is good.
 */
function configSet(node: NodeContext, argv: Buffer[]): Reply {
  if (argv.length < 4) return error(Errors.wrongArity('config|set'));
  if (argv.length % 2 !== 0) return error(Errors.syntax);
  const pairs: (readonly [OptionSpec, string])[] = [];
  const names: string[] = [];
  let refused: string | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const typed = argv[i]!.toString();
    const found = optionNamed(typed);
    if (!found || found.spec.scope !== 'redis') {
      if (refused === null) return error(`ERR Unknown option or number of arguments for CONFIG SET - '${typed}'`);
      continue;
    }
    if (refused !== null) continue;
    if (found.spec.startOnly) refused = `ERR CONFIG SET failed (possibly related to argument '${typed}') - can't set immutable config`;
    else if (names.includes(found.name)) refused = `ERR CONFIG SET failed (possibly related to argument '${typed}') - duplicate parameter`;
    pairs.push([found.spec, argv[i + 1]!.toString()]);
    names.push(found.name);
  }
  if (refused !== null) return error(refused);
  const r = node.config.setAll(pairs, true);
  if (!r.ok) return error(`ERR CONFIG SET failed (possibly related to argument '${names[r.index]}') - ${r.reason}`);
  return OK;
}

function config(node: NodeContext, _s: ClientSession, argv: Buffer[]): Reply {
  const sub = argv[1]!.toString().toLowerCase();
  if (sub === 'get') {
    if (argv.length < 3) return error(Errors.wrongArity('config|get'));
    return configGet(node, argv);
  }
  if (sub === 'set') return configSet(node, argv);
  if (sub === 'resetstat') {
    for (const k of Object.keys(node.stats) as (keyof typeof node.stats)[]) node.stats[k] = 0;
    return OK;
  }
  if (sub === 'rewrite') return error('ERR CONFIG REWRITE is not supported: settings live in the command line or config file you start the node with');
  if (sub === 'help') return array(['CONFIG <subcommand> [<arg> ...]. Subcommands are:', 'GET <pattern>', 'SET <directive> <value>', 'RESETSTAT', 'HELP'].map((s) => status(s)));
  return error(`ERR unknown subcommand '${argv[1]!.toString()}'. Try CONFIG HELP.`);
}

const srv = { ...NO_KEYS, group: 'server' } as const;

export const introspectionCommands: readonly ServerCommand[] = [
  { ...srv, name: 'command', arity: -1, flags: ['loading', 'stale'], summary: 'Returns detailed information about all commands.', since: '2.8.13', handler: command },
  { ...srv, name: 'info', arity: -1, flags: ['loading', 'stale'], summary: 'Returns information and statistics about the server.', since: '1.0.0',
    handler: (node, _s, argv) => verbatim(infoText(node, argv.slice(1).map((a) => a.toString()))) },
  { ...srv, name: 'config', arity: -2, flags: ['admin', 'noscript', 'loading', 'stale'], summary: 'A container for server configuration commands.', since: '2.0.0', handler: config },
];
