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
  private readonly queue: { reply: Reply | null }[] = [];
  private softSince = 0;
  private flushScheduled = false;
  /** Bytes handed to the socket, for INFO stats. */
  bytesOut = 0;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    needsAuth: boolean,
    private readonly limit: () => OutputLimit,
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
    const slot = { reply: null as Reply | null };
    this.queue.push(slot);
    r.then(
      (v) => { slot.reply = v; this.drain(); },
      (e: unknown) => { slot.reply = { kind: 'error', message: `ERR ${(e as Error).message ?? String(e)}` }; this.drain(); },
    );
  }

  private drain(): void {
    while (this.queue.length > 0 && this.queue[0]!.reply !== null) this.writer.write(this.queue.shift()!.reply!, this.proto);
    // Replies resolved in one apply batch (a pipelined client's writes) leave in one socket write: the flush
    // waits until the promise callbacks queued with this one have run.
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
    const { hardBytes, softBytes, softSeconds } = this.limit();
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
