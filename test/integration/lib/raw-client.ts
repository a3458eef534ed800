// A raw TCP client for checking exact bytes on the wire.
import { connect, type Socket } from 'node:net';

export class RawClient {
  private data = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => { this.data = Buffer.concat([this.data, d]); this.wake(); });
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  send(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** Waits until exactly `n` bytes or more arrived (or the socket closed), returns and consumes them. */
  async read(n: number, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.data.length < n && !this.closed) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} bytes, have ${JSON.stringify(this.data.toString('latin1'))}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 50); });
    }
    const out = this.data.subarray(0, n).toString('latin1');
    this.data = this.data.subarray(n);
    return out;
  }

  /** Sends and reads back exactly the expected reply length. */
  async roundTrip(request: string | Buffer, expected: string): Promise<string> {
    this.send(request);
    return this.read(Buffer.byteLength(expected, 'latin1'));
  }

  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}
