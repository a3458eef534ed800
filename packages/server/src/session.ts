// One client connection: its protocol state, and the ordered queue of
// replies (some complete later, e.g. after a Raft commit) that must leave in
// request order.
import type { Socket } from 'node:net';
import { ReplyWriter, RequestParser, DEFAULT_REQUEST_LIMITS, type Protocol, type Reply } from '@redisraft-wasm/resp';
import type { CommandSpec } from '@redisraft-wasm/store';
import type { ServerHandler } from './server-command.js';
import { DEFAULT_USER } from './credentials.js';

export interface OutputLimit {
  hardBytes: number;
  softBytes: number;
  softSeconds: number;
}

/** A command queued by MULTI: a data command (through the log at EXEC) or a server command (run here at EXEC). */
export interface QueuedCommand {
  readonly argv: Buffer[];
  readonly spec: CommandSpec;
  readonly server?: ServerHandler;
}

/**
 * Replies a client may have pending before its socket stops being read:
 * a burst of pipelined writes is taken in as the log commits it, so memory
 * stays bounded and heartbeats keep flowing between the bursts' chunks.
 */
export const MAX_PENDING_REPLIES = 1024;

export class ClientSession {
  readonly parser: RequestParser;
  readonly writer = new ReplyWriter();
  proto: Protocol = 2;
  name = '';
  libName = '';
  libVer = '';
  authenticated: boolean;
  /** The user this connection runs as (CLIENT LIST, NOPERM errors). */
  user = DEFAULT_USER;
  /** Authenticated as the cluster user: may send the internal RAFT.* commands. */
  peer = false;
  db = 0;
  readonly createdAt = Date.now();
  lastActivity = Date.now();
  lastCommand = 'NULL';
  closing = false;
  /** Inside MULTI: the queued commands, and whether one was refused (EXEC then aborts). */
  multi: { queued: QueuedCommand[]; dirty: boolean } | null = null;
  /** WATCHed keys (latin1) with the version seen. */
  readonly watched = new Map<string, { key: Buffer; version: number }>();
  /** The WATCH lives on the leader, over this session's own proxy connection (follower-proxy). */
  remoteWatch = false;
  /**
   * Blocking commands of this client now waiting for data (BLPOP, XREAD
   * BLOCK, ...): from the first attempt that found nothing until the reply.
   * A count, not a flag: a pipelining client can have two waiting at once.
   * INFO blocked_clients counts the clients with one; CLIENT LIST shows `b`.
   */
  blockedWaits = 0;
  /** Replies waiting for an earlier, still pending one. */
  private readonly queue: { reply: Reply | null; settled?: Promise<void> }[] = [];
  /** Reading from the socket stopped: too many replies are pending (back-pressure on a pipelining client). */
  readPaused = false;
  private softSince = 0;
  private flushScheduled = false;
  /** Bytes handed to the socket, for INFO stats. */
  bytesOut = 0;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    needsAuth: boolean,
    /** The limit of the session's class (normal, or pubsub while subscribed). */
    private readonly limit: (s: ClientSession) => OutputLimit,
    private readonly onOverLimit: (s: ClientSession) => void,
  ) {
    this.authenticated = !needsAuth;
    this.parser = new RequestParser({ ...DEFAULT_REQUEST_LIMITS }, needsAuth);
  }

  get addr(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  get laddr(): string {
    return `${this.socket.localAddress}:${this.socket.localPort}`;
  }

  /** Queues a reply, or a promise of one, behind everything before it. */
  reply(r: Reply | Promise<Reply>): void {
    if (!(r instanceof Promise)) {
      if (this.queue.length === 0) this.writer.write(r, this.proto);
      else this.queue.push({ reply: r });
      return;
    }
    const slot: { reply: Reply | null; settled?: Promise<void> } = { reply: null };
    this.queue.push(slot);
    slot.settled = r.then(
      (v) => { slot.reply = v; this.drain(); },
      (e: unknown) => { slot.reply = { kind: 'error', message: `ERR ${(e as Error).message ?? String(e)}` }; this.drain(); },
    );
  }

  /**
   * Runs `fn` once every reply queued before it is ready, so a command that
   * acts at once (SUBSCRIBE, UNSUBSCRIBE) takes effect after the pipelined
   * commands before it (a PUBLISH still going through the log), as in Redis.
   */
  afterPending(fn: () => Reply | Promise<Reply>): Reply | Promise<Reply> {
    const waits: Promise<void>[] = [];
    for (const q of this.queue) if (q.reply === null) waits.push(q.settled!);
    return waits.length === 0 ? fn() : Promise.all(waits).then(fn);
  }

  /** Commands read while one deferred by afterPending() waits; null when none waits. */
  private held: Buffer[][] | null = null;

  /** Keeps the commands read from now on until `p` settles, then runs them in order (program order behind a deferred command). */
  holdUntil(p: Promise<unknown>, run: (argv: Buffer[]) => void): void {
    this.held = [];
    const release = () => {
      const held = this.held ?? [];
      this.held = null;
      for (const argv of held) {
        // A released command may defer again: the rest then wait behind it.
        const again = this.held as Buffer[][] | null;
        if (again) again.push(argv);
        else run(argv);
      }
      this.flush();
    };
    p.then(release, release);
  }

  /** True when `argv` was kept behind a deferred command. */
  hold(argv: Buffer[]): boolean {
    if (this.held === null) return false;
    this.held.push(argv);
    return true;
  }

  /**
   * A Pub/Sub message. RESP3 push frames may come between replies, so they
   * leave at once; in RESP2 a message waits behind replies still pending, or
   * it would be taken for one of them.
   */
  push(message: Reply): void {
    if (this.closing || this.socket.destroyed) return;
    if (this.proto === 3 || this.queue.length === 0) this.writer.write(message, this.proto);
    else this.queue.push({ reply: message });
    this.scheduleFlush();
  }

  private drain(): void {
    while (this.queue.length > 0 && this.queue[0]!.reply !== null) this.writer.write(this.queue.shift()!.reply!, this.proto);
    if (this.readPaused && this.queue.length <= MAX_PENDING_REPLIES / 2) {
      this.readPaused = false;
      this.socket.resume();
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    // Replies resolved in one apply batch (a pipelined client's writes), and the messages one apply delivers,
    // leave in one socket write: the flush waits until the callbacks queued with this one have run.
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => {
      this.flushScheduled = false;
      this.flush();
      if (this.closing && this.queue.length === 0) this.socket.end();
    });
  }

  get pendingReplies(): number {
    return this.queue.length;
  }

  /** After a chunk of requests: stop reading while too many replies are pending; drain() reads on again. */
  throttle(): void {
    if (!this.readPaused && this.queue.length >= MAX_PENDING_REPLIES) {
      this.readPaused = true;
      this.socket.pause();
    }
  }

  /** Sends what is ready in one write; enforces the output buffer limit. */
  flush(): void {
    if (this.writer.pendingBytes === 0 || this.socket.destroyed) return;
    const parts = this.writer.take();
    for (const p of parts) this.bytesOut += p.length;
    if (parts.length === 1) this.socket.write(parts[0]!);
    else {
      this.socket.cork();
      for (const p of parts) this.socket.write(p);
      this.socket.uncork();
    }
    this.checkOutputLimit();
  }

  private checkOutputLimit(): void {
    const { hardBytes, softBytes, softSeconds } = this.limit(this);
    const held = this.socket.writableLength;
    if (hardBytes > 0 && held > hardBytes) return this.onOverLimit(this);
    if (softBytes > 0 && held > softBytes) {
      const now = Date.now();
      if (this.softSince === 0) this.softSince = now;
      else if (now - this.softSince >= softSeconds * 1000) return this.onOverLimit(this);
    } else this.softSince = 0;
  }

  /** Closes once every queued reply has been written. */
  closeAfterReplies(): void {
    this.closing = true;
    this.flush();
    if (this.queue.length === 0) this.socket.end();
  }
}
