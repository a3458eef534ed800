// follower-proxy yes: a follower forwards client commands to the leader over
// one pooled connection per protocol and relays the leader's reply bytes
// as they are (status, error, integer, bulk, nil, nested arrays, RESP3).
// It authenticates with this node's peer credentials, which also grant
// ordinary client rights: it carries only data commands of clients already
// authenticated here (server commands, the internal ones included, are run by
// the follower itself and never forwarded), and it works even where the
// nodes' requirepass differ.
import { connect, type Socket } from 'node:net';
import { error, raw, replyEnd, type Protocol, type Reply } from '@redisraft-wasm/resp';
import { encodeCommand } from './encode-command.js';
import { parseAddr } from './peer-link.js';
import { authCommand, type PeerCredentials } from '../credentials.js';

class ProxyConnection {
  private readonly socket: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private readonly waiting: ((r: Reply) => void)[] = [];
  private skip: number;
  closed = false;

  constructor(readonly addr: string, proto: Protocol, credentials: PeerCredentials | null) {
    const a = parseAddr(addr)!;
    this.socket = connect({ host: a.host, port: a.port, noDelay: true });
    // Handshake replies (AUTH, HELLO) are not relayed to anyone.
    this.skip = 0;
    if (credentials) { this.socket.write(encodeCommand(authCommand(credentials))); this.skip++; }
    if (proto === 3) { this.socket.write(encodeCommand([Buffer.from('HELLO'), Buffer.from('3')])); this.skip++; }
    this.socket.on('data', (d) => this.onData(d));
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w(error('TRYAGAIN the connection to the leader closed; retry'));
    });
  }

  /** MULTI, the commands and EXEC in one write, so nothing interleaves; only EXEC's reply is relayed. */
  sendTransaction(commands: readonly (readonly Buffer[])[]): Promise<Reply> {
    const all = [[Buffer.from('MULTI')], ...commands, [Buffer.from('EXEC')]];
    const replies = all.map((argv) => this.send(argv));
    return replies[replies.length - 1]!;
  }

  send(argv: readonly Buffer[]): Promise<Reply> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(encodeCommand(argv));
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    let off = 0;
    for (;;) {
      let end: number;
      try {
        end = replyEnd(this.buf, off);
      } catch {
        this.socket.destroy();
        return;
      }
      if (end === -1) break;
      const bytes = Buffer.from(this.buf.subarray(off, end));
      off = end;
      if (this.skip > 0) { this.skip--; continue; }
      this.waiting.shift()?.(raw(bytes));
    }
    this.buf = this.buf.subarray(off);
  }

  close(): void {
    this.socket.destroy();
  }
}

export class LeaderProxy {
  private readonly conns = new Map<string, ProxyConnection>();
  /** Connections of their own for clients that WATCH: WATCH state lives per connection on the leader. */
  private readonly sessionConns = new Map<number, ProxyConnection>();

  /** WATCH on the leader over the client's own connection (opened now, kept until EXEC, DISCARD or UNWATCH). */
  watch(sessionId: number, leaderAddr: string, proto: Protocol, keys: readonly Buffer[]): Promise<Reply> {
    let c = this.sessionConns.get(sessionId);
    if (!c || c.closed || c.addr !== leaderAddr) {
      c?.close();
      if (!parseAddr(leaderAddr)) return Promise.resolve(error(`ERR bad leader address '${leaderAddr}'`));
      c = new ProxyConnection(leaderAddr, proto, this.credentials());
      this.sessionConns.set(sessionId, c);
    }
    return c.send([Buffer.from('WATCH'), ...keys]);
  }

  /** EXEC of a client that WATCHed through us: on the same connection, so the leader checks its WATCH. */
  execWatched(sessionId: number, commands: readonly (readonly Buffer[])[]): Promise<Reply> {
    const c = this.sessionConns.get(sessionId);
    this.sessionConns.delete(sessionId);
    if (!c || c.closed) return Promise.resolve(error('TRYAGAIN the connection that held the WATCH to the leader closed; retry the transaction'));
    // The connection ends with the transaction, once EXEC's reply is in.
    return c.sendTransaction(commands).finally(() => c.close());
  }

  endSession(sessionId: number): void {
    this.sessionConns.get(sessionId)?.close();
    this.sessionConns.delete(sessionId);
  }

  constructor(private readonly credentials: () => PeerCredentials | null) {}

  forward(leaderAddr: string, proto: Protocol, argv: readonly Buffer[]): Promise<Reply> {
    const c = this.connection(leaderAddr, proto);
    return c ? c.send(argv) : Promise.resolve(error(`ERR bad leader address '${leaderAddr}'`));
  }

  forwardTransaction(leaderAddr: string, proto: Protocol, commands: readonly (readonly Buffer[])[]): Promise<Reply> {
    const c = this.connection(leaderAddr, proto);
    return c ? c.sendTransaction(commands) : Promise.resolve(error(`ERR bad leader address '${leaderAddr}'`));
  }

  private connection(leaderAddr: string, proto: Protocol): ProxyConnection | null {
    const key = `${leaderAddr}/${proto}`;
    let c = this.conns.get(key);
    if (!c || c.closed) {
      if (!parseAddr(leaderAddr)) return null;
      c = new ProxyConnection(leaderAddr, proto, this.credentials());
      this.conns.set(key, c);
    }
    // Connections to a former leader are dropped once another leads.
    for (const [k, other] of this.conns) if (!k.startsWith(`${leaderAddr}/`)) { other.close(); this.conns.delete(k); }
    return c;
  }

  close(): void {
    for (const c of [...this.conns.values(), ...this.sessionConns.values()]) c.close();
    this.conns.clear();
    this.sessionConns.clear();
  }
}
