// Connection commands as Redis 7.0 answers them.
import { OK, PONG, NIL, int, bulk, array, map, error, status, verbatim, Errors, type Reply } from '@redisraft-wasm/resp';
import { parseSafeInt } from '@redisraft-wasm/store';
import type { NodeContext } from '../node-context.js';
import type { ClientSession } from '../session.js';
import { NO_KEYS, type ServerCommand } from '../server-command.js';
import { DEFAULT_USER, checkCredentials, credentialSettings } from '../credentials.js';

export const REDIS_COMPAT_VERSION = '7.0.15';
const WRONGPASS = error('WRONGPASS invalid username-password pair or user is disabled.');
const NO_PASSWORD = error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');

/**
 * AUTH and HELLO ... AUTH: requirepass makes the connection the default
 * user's; the cluster credentials make it a peer session (which may also run
 * every ordinary command). A refused attempt at the cluster user is logged
 * (rate-limited) with the address: it is usually a node with the wrong
 * cluster-password. A failed AUTH leaves the connection as it was, as in Redis.
 */
function authenticate(node: NodeContext, session: ClientSession, user: string | null, pass: Buffer): Reply | null {
  const settings = credentialSettings(node.config);
  const r = checkCredentials(settings, user, pass);
  if (!r.ok) {
    if (user === settings.clusterUser) {
      node.refusals.note('peer-auth', `refused AUTH as cluster user '${user}' from ${session.addr}: wrong cluster-password${settings.clusterPassword === '' ? ' (this node has none set)' : ''}`);
    }
    return r.why === 'no-password' ? NO_PASSWORD : WRONGPASS;
  }
  session.authenticated = true;
  session.parser.unauthenticated = false;
  session.user = r.user;
  session.peer = r.peer;
  return null;
}

function auth(node: NodeContext, session: ClientSession, argv: Buffer[]): Reply {
  if (argv.length > 3) return error(Errors.syntax);
  return authenticate(node, session, argv.length === 3 ? argv[1]!.toString() : null, argv[argv.length - 1]!) ?? OK;
}

function hello(node: NodeContext, session: ClientSession, argv: Buffer[]): Reply {
  let proto = session.proto;
  let i = 1;
  if (argv.length > 1) {
    const v = parseSafeInt(argv[1]!);
    if (v === null) return error('ERR Protocol version is not an integer or out of range');
    if (v !== 2 && v !== 3) return error('NOPROTO unsupported protocol version');
    proto = v;
    i = 2;
  }
  let setName: string | null = null;
  for (; i < argv.length; i++) {
    const opt = argv[i]!.toString().toLowerCase();
    if (opt === 'auth' && i + 2 < argv.length) {
      const refused = authenticate(node, session, argv[i + 1]!.toString(), argv[i + 2]!);
      if (refused) return refused;
      i += 2;
    } else if (opt === 'setname' && i + 1 < argv.length) {
      setName = argv[++i]!.toString();
      if (!validClientName(setName)) return error('ERR Client names cannot contain spaces, newlines or special characters.');
    } else return error(`ERR Syntax error in HELLO option '${argv[i]!.toString()}'`);
  }
  if (!session.authenticated) return error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
  if (setName !== null) session.name = setName;
  session.proto = proto;
  return map([
    bulk('server'), bulk('redis'),
    bulk('version'), bulk(REDIS_COMPAT_VERSION),
    bulk('proto'), int(proto),
    bulk('id'), int(session.id),
    bulk('mode'), bulk('standalone'),
    bulk('role'), bulk('master'),
    bulk('modules'), array([]),
  ]);
}

function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/** CLIENT LIST's flags in Redis's order: P subscribed, x in MULTI, b blocked in a blocking command; N for none. */
function clientFlags(node: NodeContext, s: ClientSession): string {
  const flags = `${node.pubsub.isSubscribed(s) ? 'P' : ''}${s.multi ? 'x' : ''}${s.blockedWaits > 0 ? 'b' : ''}`;
  return flags === '' ? 'N' : flags;
}

export function clientInfoLine(node: NodeContext, s: ClientSession): string {
  const now = Date.now();
  const subs = node.pubsub.countsOf(s);
  return [
    `id=${s.id}`, `addr=${s.addr}`, `laddr=${s.laddr}`, `fd=-1`, `name=${s.name}`,
    `age=${Math.floor((now - s.createdAt) / 1000)}`, `idle=${Math.floor((now - s.lastActivity) / 1000)}`,
    `flags=${clientFlags(node, s)}`, `db=${s.db}`, `sub=${subs.channels}`, `psub=${subs.patterns}`, `ssub=${subs.shard}`, `multi=${s.multi ? s.multi.queued.length : -1}`, `qbuf=${s.parser.bufferedBytes}`, `qbuf-free=0`,
    `argv-mem=0`, `multi-mem=0`, `rbs=0`, `rbp=0`, `obl=0`, `oll=0`, `omem=${s.socket.writableLength}`, `tot-mem=0`,
    `events=r`, `cmd=${s.lastCommand}`, `user=${s.user}`, `redir=-1`, `resp=${s.proto}`, `lib-name=${s.libName}`, `lib-ver=${s.libVer}`,
  ].join(' ');
}

function client(node: NodeContext, session: ClientSession, argv: Buffer[]): Reply {
  const sub = argv[1]!.toString().toLowerCase();
  const wrongArity = () => error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]!.toString()}'. Try CLIENT HELP.`);
  switch (sub) {
    case 'id':
      return argv.length === 2 ? int(session.id) : wrongArity();
    case 'setname': {
      if (argv.length !== 3) return wrongArity();
      const name = argv[2]!.toString();
      if (!validClientName(name)) return error('ERR Client names cannot contain spaces, newlines or special characters.');
      session.name = name;
      return OK;
    }
    case 'getname':
      return argv.length === 2 ? (session.name ? bulk(session.name) : NIL) : wrongArity();
    case 'setinfo': {
      if (argv.length !== 4) return wrongArity();
      const attr = argv[2]!.toString().toLowerCase();
      const value = argv[3]!.toString();
      if (attr !== 'lib-name' && attr !== 'lib-ver') return error(`ERR Unrecognized option '${argv[2]!.toString()}'`);
      if (!validClientName(value)) return error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
      if (attr === 'lib-name') session.libName = value;
      else session.libVer = value;
      return OK;
    }
    case 'list':
    case 'info': {
      const lines = sub === 'info' ? [clientInfoLine(node, session)] : [...node.sessions.values()].map((s) => clientInfoLine(node, s));
      return verbatim(lines.join('\n') + '\n');
    }
    case 'kill': {
      // CLIENT KILL ID <id> | ADDR <addr>: enough for tools that clean up their own connections.
      if (argv.length === 4) {
        const filter = argv[2]!.toString().toLowerCase();
        const value = argv[3]!.toString();
        let killed = 0;
        for (const s of node.sessions.values()) {
          if ((filter === 'id' && String(s.id) === value) || (filter === 'addr' && s.addr === value)) { s.closeAfterReplies(); killed++; }
        }
        if (filter !== 'id' && filter !== 'addr') return error(Errors.syntax);
        return int(killed);
      }
      return error('ERR CLIENT KILL supports only the ID and ADDR filters here');
    }
    case 'no-evict':
    case 'no-touch':
      return argv.length === 3 ? OK : wrongArity();
    case 'help':
      return array(['CLIENT <subcommand> [<arg> ...]. Subcommands are:', 'ID', 'SETNAME <name>', 'GETNAME', 'SETINFO <LIB-NAME|LIB-VER> <value>', 'LIST', 'INFO', 'KILL <ID id|ADDR addr>', 'HELP'].map((s) => status(s)));
    default:
      return error(`ERR unknown subcommand '${argv[1]!.toString()}'. Try CLIENT HELP.`);
  }
}

function select(node: NodeContext, _session: ClientSession, argv: Buffer[]): Reply {
  const n = parseSafeInt(argv[1]!);
  if (n === null) return error(Errors.notInteger);
  if (n < 0 || n >= node.config.int('databases')) return error('ERR DB index is out of range');
  if (n !== 0) return error('ERR SELECT is not allowed: a Raft-replicated node serves database 0 only');
  return OK;
}

/** PING; a subscribed RESP2 client gets ["pong", message] instead, as Redis answers it. */
function ping(node: NodeContext, session: ClientSession, argv: Buffer[]): Reply {
  if (argv.length > 2) return error(Errors.wrongArity('ping'));
  if (session.proto === 2 && node.pubsub.isSubscribed(session)) return array([bulk('pong'), bulk(argv[1] ?? '')]);
  return argv.length === 2 ? bulk(argv[1]!) : PONG;
}

const conn = { ...NO_KEYS, group: 'connection' } as const;

export const connectionCommands: readonly ServerCommand[] = [
  { ...conn, name: 'ping', arity: -1, flags: ['fast'], summary: 'Returns the server\'s liveliness response.', since: '1.0.0',
    handler: ping },
  { ...conn, name: 'echo', arity: 2, flags: ['fast'], summary: 'Returns the given string.', since: '1.0.0', handler: (_n, _s, argv) => bulk(argv[1]!) },
  { ...conn, name: 'auth', arity: -2, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth'], summary: 'Authenticates the connection.', since: '1.0.0', handler: auth },
  { ...conn, name: 'hello', arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth'], summary: 'Handshakes with the Redis server.', since: '6.0.0', handler: hello },
  { ...conn, name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], summary: 'Changes the selected database.', since: '1.0.0', handler: select },
  { ...conn, name: 'quit', arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth'], summary: 'Closes the connection.', since: '1.0.0',
    handler: (_n, session) => { session.closing = true; return OK; } },
  { ...conn, name: 'reset', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth'], summary: 'Resets the connection.', since: '6.2.0',
    handler: (node, session) => {
      node.pubsub.forget(session);
      session.proto = 2; session.name = '';
      session.authenticated = node.config.text('requirepass') === ''; session.user = DEFAULT_USER; session.peer = false;
      return status('RESET');
    } },
  { ...conn, name: 'client', arity: -2, flags: ['noscript', 'loading', 'stale'], summary: 'A container for client connection commands.', since: '2.4.0', handler: client },
  { ...NO_KEYS, group: 'server', name: 'time', arity: 1, flags: ['loading', 'stale', 'fast', 'random'], summary: 'Returns the server time.', since: '2.6.0',
    handler: () => { const us = BigInt(Date.now()) * 1000n + BigInt(Math.floor((performance.now() % 1) * 1000)); return array([bulk(String(us / 1_000_000n)), bulk(String(us % 1_000_000n))]); } },
];
