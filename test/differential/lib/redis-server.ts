// A throwaway redis-server (Debian's) for differential tests: no persistence,
// loopback only, killed when done. Replies come back as raw RESP bytes.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { replyEnd } from '@redisraft-wasm/resp';
import { freePort } from '../../integration/lib/node-process.js';

export class RawRedis {
  private buf: Buffer = Buffer.alloc(0);
  private waiters: { n: number; resolve: (replies: Buffer[]) => void; got: Buffer[] }[] = [];

  private constructor(private readonly proc: ChildProcess, private readonly socket: Socket, readonly port: number) {
    socket.on('data', (d) => this.onData(d));
  }

  static async start(): Promise<RawRedis> {
    const port = await freePort();
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    proc.on('error', () => {});
    for (let i = 0; i < 100; i++) {
      const socket = await new Promise<Socket | null>((res) => { const s = connect(port, '127.0.0.1', () => res(s)); s.on('error', () => res(null)); });
      if (socket) return new RawRedis(proc, socket, port);
      if (proc.exitCode !== null) throw new Error('redis-server exited at start (is redis-server installed?)');
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
    throw new Error('redis-server did not start');
  }

  /** Sends commands pipelined; resolves with each raw reply. */
  send(commands: Buffer[][]): Promise<Buffer[]> {
    return new Promise((resolve) => {
      this.waiters.push({ n: commands.length, resolve, got: [] });
      const parts: Buffer[] = [];
      for (const argv of commands) {
        parts.push(Buffer.from(`*${argv.length}\r\n`));
        for (const a of argv) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
      }
      this.socket.write(Buffer.concat(parts));
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    let off = 0;
    for (;;) {
      const end = replyEnd(this.buf, off);
      if (end === -1) break;
      const w = this.waiters[0]!;
      w.got.push(Buffer.from(this.buf.subarray(off, end)));
      off = end;
      if (w.got.length === w.n) { this.waiters.shift(); w.resolve(w.got); }
    }
    this.buf = this.buf.subarray(off);
  }

  stop(): void {
    this.socket.destroy();
    this.proc.kill('SIGKILL');
  }
}
