// One node process's client-facing server: accepts connections, parses
// requests, dispatches through the command table, writes replies in order.
import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { NIL, QUEUED, error, Errors, ProtocolError, type Reply } from '@redisraft-wasm/resp';
import { Store, arityOk, parseKeyspaceEvents } from '@redisraft-wasm/store';
import type { ConsolaInstance } from 'consola';
import type { NodeConfig } from './config/index.js';
import { ClientSession, type OutputLimit } from './session.js';
import { LocalExecutor, type Executor } from './executor.js';
import type { NodeContext, NodeStats } from './node-context.js';
import type { InternalCheck, ServerCommand, TableEntry } from './server-command.js';
import { credentialSettings, mayRunInternal, noPermission } from './credentials.js';
import { RefusalLog } from './refusal-log.js';
import { connectionCommands } from './commands/connection.js';
import { introspectionCommands } from './commands/introspection.js';
import { TRANSACTION_CONTROL, transactionCommands } from './commands/transaction.js';
import { dumpRestoreCommands } from './commands/dump-restore.js';
import { parseSize } from './config/index.js';
import { PubSubHub } from './pubsub/hub.js';
import { allowedWhileSubscribed, inProgramOrder, pubsubCommands, subscribedOnlyError } from './pubsub/pubsub-commands.js';
import { scriptingCommands, type ScriptingEngine } from '@redisraft-wasm/scripting';
import { scriptingMemoryInfo } from './scripting.js';

export interface NodeServerOptions {
  readonly config: NodeConfig;
  readonly logger: ConsolaInstance;
  readonly version: string;
  readonly store?: Store;
  /** Lua scripting (EVAL, FUNCTION): its commands join the store's table and its state the store's. */
  readonly scripting?: ScriptingEngine;
  /** Server commands added by later layers (RAFT.*, CLUSTER, MULTI, ...). */
  readonly extraCommands?: readonly ServerCommand[];
}

export class NodeServer {
  readonly store: Store;
  readonly context: NodeContext;
  executor: Executor;
  /** This node's subscribers; the store publishes into it as it applies PUBLISH and keyspace events. */
  readonly pubsub = new PubSubHub();
  private readonly table = new Map<string, TableEntry>();
  private readonly sessions = new Map<number, ClientSession>();
  private readonly listeners: Server[] = [];
  private nextClientId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly log: ConsolaInstance;
  private outputLimits: Record<'normal' | 'pubsub', OutputLimit> = {
    normal: { hardBytes: 0, softBytes: 0, softSeconds: 0 },
    pubsub: { hardBytes: 0, softBytes: 0, softSeconds: 0 },
  };

  constructor(private readonly opts: NodeServerOptions) {
    this.log = opts.logger;
    const extraCommands = [...dumpRestoreCommands, ...(opts.scripting ? scriptingCommands(opts.scripting) : [])];
    this.store = opts.store ?? new Store({ databases: opts.config.int('databases'), extraCommands });
    opts.scripting?.attach(this.store);
    this.executor = new LocalExecutor(this.store);
    this.store.events.sink = this.pubsub;
    this.store.events.flags = parseKeyspaceEvents(opts.config.text('notify-keyspace-events')) ?? 0;
    for (const spec of this.store.commands.values()) this.table.set(spec.name, { spec });
    for (const cmd of [...connectionCommands, ...introspectionCommands, ...transactionCommands(() => this.executor), ...pubsubCommands, ...(opts.extraCommands ?? [])]) {
      this.table.set(cmd.name, { spec: cmd, server: cmd.handler, internal: cmd.internal });
    }
    const stats: NodeStats = {
      connectionsReceived: 0, commandsProcessed: 0, rejectedConnections: 0, outputLimitDisconnections: 0,
      protocolErrors: 0, netInputBytes: 0, netOutputBytes: 0,
    };
    this.context = {
      config: opts.config, store: this.store, sessions: this.sessions, table: this.table, stats,
      startedAtMs: Date.now(), version: opts.version, tcpPort: opts.config.int('port'),
      runId: randomBytes(20).toString('hex'), infoSections: new Map(), memoryInfo: [], refusals: new RefusalLog((line) => this.log.warn(line)),
      pubsub: this.pubsub,
    };
    if (opts.scripting) this.context.memoryInfo.push(() => scriptingMemoryInfo(opts.scripting!));
    this.applyOutputLimit();
    opts.config.onChange((name) => {
      if (name === 'client-output-buffer-limit') this.applyOutputLimit();
      if (name === 'notify-keyspace-events') this.store.events.flags = parseKeyspaceEvents(opts.config.text(name)) ?? 0;
      if (name === 'proto-max-bulk-len') for (const s of this.sessions.values()) s.parser.limits.maxBulkBytes = opts.config.size('proto-max-bulk-len');
    });
  }

  /** Adds a command to the table (later layers: RAFT.*, CLUSTER, ...). */
  addCommand(cmd: ServerCommand): void {
    this.table.set(cmd.name, { spec: cmd, server: cmd.handler, internal: cmd.internal });
  }

  async start(): Promise<void> {
    const port = this.opts.config.int('port');
    for (const host of this.opts.config.list('bind')) {
      const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: host === '*' ? '0.0.0.0' : host, port, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.listeners.push(server);
    }
    this.idleTimer = setInterval(() => this.closeIdleClients(), 1000);
    this.idleTimer.unref();
  }

  /** The port actually bound (useful with --port 0). */
  get port(): number {
    const addr = this.listeners[0]?.address();
    return typeof addr === 'object' && addr ? addr.port : this.opts.config.int('port');
  }

  /** Stops accepting, closes every client, resolves when the listeners are closed. */
  async stop(): Promise<void> {
    if (this.idleTimer) clearInterval(this.idleTimer);
    const closed = this.listeners.map((s) => new Promise<void>((r) => s.close(() => r())));
    for (const s of this.sessions.values()) {
      s.flush();
      s.socket.destroy();
    }
    await Promise.all(closed);
  }

  private applyOutputLimit(): void {
    // "normal <hard> <soft> <seconds> pubsub ...": subscribed clients get the pubsub class, all others the normal one.
    const words = this.opts.config.text('client-output-buffer-limit').split(/\s+/);
    for (const cls of ['normal', 'pubsub'] as const) {
      const i = words.indexOf(cls);
      if (i >= 0 && i + 3 < words.length) {
        this.outputLimits[cls] = {
          hardBytes: parseSize(words[i + 1]!) ?? 0,
          softBytes: parseSize(words[i + 2]!) ?? 0,
          softSeconds: Number(words[i + 3]) || 0,
        };
      }
    }
  }

  private accept(socket: Socket): void {
    const stats = this.context.stats;
    stats.connectionsReceived++;
    if (this.sessions.size >= this.opts.config.int('maxclients')) {
      stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    const needsAuth = this.opts.config.text('requirepass') !== '';
    const limit = (s: ClientSession) => (this.pubsub.isSubscribed(s) ? this.outputLimits.pubsub : this.outputLimits.normal);
    const session = new ClientSession(this.nextClientId++, socket, needsAuth, limit, (s) => {
      stats.outputLimitDisconnections++;
      this.log.warn(`client id=${s.id} addr=${s.addr} closed for overcoming of output buffer limits`);
      s.socket.destroy();
    });
    session.parser.limits.maxBulkBytes = this.opts.config.size('proto-max-bulk-len');
    this.sessions.set(session.id, session);
    const onCommand = (argv: Buffer[]) => this.dispatch(session, argv);
    socket.on('data', (chunk: Buffer) => {
      stats.netInputBytes += chunk.length;
      session.lastActivity = Date.now();
      if (session.closing) return;
      try {
        session.parser.feed(chunk, onCommand);
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        stats.protocolErrors++;
        this.log.debug(`protocol error from ${session.addr}: ${e.message}`);
        session.reply(error(`ERR ${e.message}`));
        session.closeAfterReplies();
        return;
      }
      if (session.closing) session.closeAfterReplies();
      else {
        session.flush();
        session.throttle();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      stats.netOutputBytes += session.bytesOut;
      this.sessions.delete(session.id);
      this.pubsub.forget(session);
      if (session.remoteWatch) this.executor.endRemoteWatch?.(session);
    });
  }

  private dispatch(session: ClientSession, argv: Buffer[]): void {
    if (session.closing || session.hold(argv)) return;
    this.context.stats.commandsProcessed++;
    const name = argv[0]!.toString('latin1').toLowerCase();
    const entry = this.table.get(name);
    let reply: Reply | Promise<Reply>;
    if (!entry) reply = error(Errors.unknownCommand(argv[0]!.toString('latin1'), argv.slice(1)));
    else if (!arityOk(entry.spec, argv.length)) reply = error(Errors.wrongArity(name));
    else if (!session.authenticated && !entry.spec.flags.includes('no_auth')) reply = error(Errors.noAuth);
    // As Redis checks ACLs: after authentication, before MULTI queues the command (EXEC then aborts).
    else if (entry.internal && !this.mayRun(session, entry.internal, argv)) reply = this.refuseInternal(session, entry.internal(argv)!);
    else if (session.proto === 2 && this.pubsub.isSubscribed(session) && !allowedWhileSubscribed(name)) reply = subscribedOnlyError(name, argv);
    else if (session.multi && !TRANSACTION_CONTROL.has(name)) reply = this.queue(session, argv, entry);
    else {
      session.lastCommand = name;
      const server = entry.server;
      if (server && session.pendingReplies > 0 && inProgramOrder(name)) {
        // (UN)SUBSCRIBE behind a PUBLISH still in the log acts after it; what the client sent next waits for it.
        // A connection closed meanwhile is not subscribed again (its close has cleared it from the hub).
        reply = session.afterPending(() => (session.socket.destroyed ? NIL : server(this.context, session, argv)));
        if (reply instanceof Promise) session.holdUntil(reply, (a) => this.dispatch(session, a));
      } else reply = server ? server(this.context, session, argv) : this.executor.execute(session, argv, entry.spec);
    }
    if (session.multi && !(reply instanceof Promise) && reply.kind === 'error' && !TRANSACTION_CONTROL.has(name)) session.multi.dirty = true;
    session.reply(reply);
  }

  /** Whether this call may run: not internal, or from a peer session, or the cluster has no password. */
  private mayRun(session: ClientSession, internal: InternalCheck, argv: Buffer[]): boolean {
    return internal(argv) === null || mayRunInternal(credentialSettings(this.opts.config), session);
  }

  private refuseInternal(session: ClientSession, name: string): Reply {
    this.context.refusals.note('internal-command', `refused internal command '${name}' from ${session.addr} (user ${session.user}): only a connection authenticated as the cluster user may send it`);
    return error(noPermission(session.user, name));
  }

  /** Inside MULTI: everything is queued for EXEC (data commands travel as one log entry, server commands run here). */
  private queue(session: ClientSession, argv: Buffer[], entry: TableEntry): Reply {
    if (entry.spec.flags.includes('no_multi')) return error('ERR Command not allowed inside a transaction');
    session.multi!.queued.push({ argv, spec: entry.spec, server: entry.server });
    return QUEUED;
  }

  private closeIdleClients(): void {
    const timeoutS = this.opts.config.int('timeout');
    if (timeoutS === 0) return;
    const cutoff = Date.now() - timeoutS * 1000;
    for (const s of this.sessions.values()) {
      // Subscribers wait for messages, not for themselves: no timeout for them (Redis's rule).
      if (s.lastActivity < cutoff && s.pendingReplies === 0 && !this.pubsub.isSubscribed(s)) s.socket.destroy();
    }
  }
}
