// One long-lived, pipelined connection to a peer for our outgoing Raft
// messages (its replies are bare +OK, parsed with redis-parser only to keep
// the stream in step and notice errors). It authenticates first (as the
// cluster user, when there is a cluster password); a peer that refuses our
// credentials is dropped and retried like an unreachable one. Reconnects
// every reconnect-interval; keeps the counters RAFT.INFO shows.
import { connect, type Socket } from 'node:net';
import RedisParser from 'redis-parser';
import { encodeCommand } from './encode-command.js';
import { authCommand, type PeerCredentials } from '../credentials.js';

export type LinkState = 'connecting' | 'connected' | 'disconnected';

export interface PeerAddress { readonly host: string; readonly port: number }

export function parseAddr(addr: string): PeerAddress | null {
  const i = addr.lastIndexOf(':');
  if (i <= 0) return null;
  const port = Number(addr.slice(i + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: addr.slice(0, i).replace(/^\[|\]$/g, ''), port };
}

export class PeerLink {
  state: LinkState = 'disconnected';
  connErrors = 0;
  connOks = 0;
  lastConnectedAt = 0;
  private socket: Socket | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private refusedInARow = false;

  constructor(
    public addr: PeerAddress,
    private readonly reconnectMs: () => number,
    private readonly credentials: PeerCredentials | null,
    private readonly onError: (message: string) => void,
    /** The peer refused our credentials: once per run of refusals, so a misconfigured node is named without flooding the log. */
    private readonly onRefused: (message: string) => void,
  ) {
    this.connect();
  }

  private connect(): void {
    if (this.closed) return;
    this.state = 'connecting';
    const s = connect({ host: this.addr.host, port: this.addr.port, noDelay: true });
    this.socket = s;
    // The first reply on a connection that authenticates is AUTH's.
    let awaitingAuth = this.credentials !== null;
    const where = `${this.addr.host}:${this.addr.port}`;
    const parser = new RedisParser({
      returnReply: () => {
        if (!awaitingAuth) return;
        awaitingAuth = false;
        this.refusedInARow = false;
      },
      returnError: (e) => {
        if (!awaitingAuth) return this.onError(`peer ${where} answered: ${e.message}`);
        awaitingAuth = false;
        if (!this.refusedInARow) {
          const as = this.credentials?.user ? `as cluster user '${this.credentials.user}'` : 'with requirepass';
          this.onRefused(`the node at ${where} refused our credentials (${as}): ${e.message}; check cluster-password on both nodes`);
        }
        this.refusedInARow = true;
        s.destroy(new Error('credentials refused'));
      },
      returnFatalError: () => s.destroy(),
      returnBuffers: false,
    });
    s.on('connect', () => {
      this.state = 'connected';
      this.connOks++;
      this.lastConnectedAt = Date.now();
      if (this.credentials) s.write(encodeCommand(authCommand(this.credentials)));
    });
    s.on('data', (d) => parser.execute(d));
    s.on('error', () => {});
    s.on('close', (hadError) => {
      if (this.socket !== s) return;
      this.socket = null;
      if (this.state !== 'connected' || hadError) this.connErrors++;
      this.state = 'disconnected';
      if (!this.closed) this.retryTimer = setTimeout(() => this.connect(), this.reconnectMs());
    });
  }

  /** Sends if connected; Raft tolerates a lost message, so nothing is queued while down. */
  send(argv: readonly Buffer[]): boolean {
    if (this.state !== 'connected' || !this.socket) return false;
    this.socket.write(encodeCommand(argv));
    return true;
  }

  /** Bytes written but not yet handed to the kernel (for pacing snapshot chunks). */
  get pendingBytes(): number {
    return this.socket?.writableLength ?? 0;
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.destroy();
    this.socket = null;
    this.state = 'disconnected';
  }
}
