// Encodes replies for one client into one growing buffer, so a pipelined
// batch leaves in a single socket write. RESP2 or RESP3 per client.
import type { Reply } from './reply.js';
import { formatDouble } from './format-double.js';

export type Protocol = 2 | 3;

const INITIAL_BYTES = 16 * 1024;
// Bulk values at least this large are passed along as their own chunk instead of being copied.
const ZERO_COPY_BYTES = 32 * 1024;

export class ReplyWriter {
  private buf = Buffer.allocUnsafe(INITIAL_BYTES);
  private len = 0;
  private chunks: Buffer[] = [];
  private chunkBytes = 0;

  /** Bytes waiting to be taken. */
  get pendingBytes(): number {
    return this.chunkBytes + this.len;
  }

  write(reply: Reply, proto: Protocol): void {
    switch (reply.kind) {
      case 'status': return this.ascii(`+${reply.value}\r\n`);
      case 'error': return this.ascii(`-${reply.message.replace(/[\r\n]+/g, ' ')}\r\n`);
      case 'int': return this.ascii(`:${reply.value}\r\n`);
      case 'bulk': return this.bulk(reply.value);
      case 'nil': return this.ascii(proto === 3 ? '_\r\n' : '$-1\r\n');
      case 'nilArray': return this.ascii(proto === 3 ? '_\r\n' : '*-1\r\n');
      case 'array': return this.aggregate('*', reply.items, proto);
      case 'set': return this.aggregate(proto === 3 ? '~' : '*', reply.items, proto);
      case 'push': return this.aggregate(proto === 3 ? '>' : '*', reply.items, proto);
      case 'map':
        if (proto === 3) {
          this.ascii(`%${reply.entries.length / 2}\r\n`);
          for (const r of reply.entries) this.write(r, proto);
          return;
        }
        return this.aggregate('*', reply.entries, proto);
      case 'double': {
        const text = formatDouble(reply.value);
        if (proto === 3) return this.ascii(`,${text}\r\n`);
        return this.ascii(`$${text.length}\r\n${text}\r\n`);
      }
      case 'bool':
        return this.ascii(proto === 3 ? (reply.value ? '#t\r\n' : '#f\r\n') : reply.value ? ':1\r\n' : ':0\r\n');
      case 'verbatim':
        if (proto === 3) {
          this.ascii(`=${reply.value.length + 4}\r\n${reply.format}:`);
          this.bytes(reply.value);
          return this.ascii('\r\n');
        }
        return this.bulk(reply.value);
      case 'raw': return this.bytes(reply.data);
    }
  }

  /** Everything written so far, as one buffer or a few (large bulks are not copied). */
  take(): Buffer[] {
    if (this.len > 0) this.flushBuf();
    const out = this.chunks;
    this.chunks = [];
    this.chunkBytes = 0;
    return out;
  }

  private aggregate(prefix: string, items: readonly Reply[], proto: Protocol): void {
    this.ascii(`${prefix}${items.length}\r\n`);
    for (const r of items) this.write(r, proto);
  }

  private bulk(value: Buffer): void {
    this.ascii(`$${value.length}\r\n`);
    this.bytes(value);
    this.ascii('\r\n');
  }

  private ascii(s: string): void {
    this.reserve(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  private bytes(b: Buffer): void {
    if (b.length >= ZERO_COPY_BYTES) {
      if (this.len > 0) this.flushBuf();
      this.chunks.push(b);
      this.chunkBytes += b.length;
      return;
    }
    this.reserve(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    if (this.len > 0 && this.len + n > INITIAL_BYTES * 4) {
      this.flushBuf();
      if (n <= this.buf.length) return;
    }
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }

  private flushBuf(): void {
    // Hand out a copy of the used part; the scratch buffer is reused.
    const out = Buffer.allocUnsafe(this.len);
    this.buf.copy(out, 0, 0, this.len);
    this.chunks.push(out);
    this.chunkBytes += this.len;
    this.len = 0;
  }
}

/** One reply encoded on its own (tests, proxies, small paths). */
export function encodeReply(reply: Reply, proto: Protocol = 2): Buffer {
  const w = new ReplyWriter();
  w.write(reply, proto);
  const parts = w.take();
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
