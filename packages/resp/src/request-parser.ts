// Streaming parser for client requests: RESP multibulk arrays and inline
// commands, with Redis's limits and its exact protocol error texts.
//
// Why not redis-parser here: it parses replies, not requests. It accepts
// things a server must refuse (negative and null bulks, nested arrays),
// knows nothing of inline commands, and buffers bulks of any size. Checking
// all that in front of it would mean parsing every header twice. redis-parser
// is used where it fits: parsing replies (follower proxy, peers, tests).
import { splitInlineArgs } from './inline-args.js';

export interface RequestLimits {
  /** proto-max-bulk-len: largest bulk string accepted (Redis default 512 MiB). */
  maxBulkBytes: number;
  /** Largest inline command or header line before a newline must appear (Redis: 64 KiB). */
  maxInlineBytes: number;
  /** Largest multibulk count (Redis: INT_MAX). */
  maxMultibulkLength: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = Object.freeze({
  maxBulkBytes: 512 * 1024 * 1024,
  maxInlineBytes: 64 * 1024,
  maxMultibulkLength: 2 ** 31 - 1,
});

/** Limits Redis applies before a client has authenticated. */
export const UNAUTHENTICATED_LIMITS = Object.freeze({ maxMultibulkLength: 10, maxBulkBytes: 16384 });

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

const CR = 13, LF = 10, STAR = 42, DOLLAR = 36;

export class RequestParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  // Multibulk state carried across chunks.
  private argsLeft = 0;
  private args: Buffer[] = [];
  private bulkLen = -1;
  // A large bulk arriving over many chunks is gathered without re-concatenating.
  private bigParts: Buffer[] = [];
  private bigHave = 0;

  constructor(public limits: RequestLimits = DEFAULT_REQUEST_LIMITS, public unauthenticated = false) {}

  /**
   * Parses as many complete commands as `chunk` completes, calling
   * `onCommand` for each (empty commands are skipped, as Redis does).
   * Throws ProtocolError on malformed input; the connection must then close.
   */
  feed(chunk: Buffer, onCommand: (argv: Buffer[]) => void): void {
    if (this.bigParts.length > 0) {
      chunk = this.feedBigBulk(chunk);
      if (this.bigParts.length > 0) return;
      if (this.argsLeft === 0) this.emit(onCommand);
    }
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
    for (;;) {
      if (this.argsLeft === 0) {
        if (this.pos >= this.buf.length) break;
        if (this.buf[this.pos] === STAR) {
          if (!this.parseMultibulkHeader()) break;
          if (this.argsLeft === 0) continue; // *0 or negative: nothing to run
        } else {
          const argv = this.parseInline();
          if (argv === null) break;
          if (argv.length > 0) onCommand(argv);
          continue;
        }
      }
      if (!this.parseBulks()) break;
      this.emit(onCommand);
    }
  }

  private emit(onCommand: (argv: Buffer[]) => void): void {
    const argv = this.args;
    this.args = [];
    onCommand(argv);
  }

  /** Index of the CR of the next CRLF-terminated line from `pos`, or -1 (after enforcing the line limit). */
  private lineEnd(what: string): number {
    const nl = this.buf.indexOf(LF, this.pos);
    if (nl === -1) {
      if (this.buf.length - this.pos > this.limits.maxInlineBytes) throw new ProtocolError(`Protocol error: too big ${what}`);
      return -1;
    }
    return nl;
  }

  private parseMultibulkHeader(): boolean {
    const nl = this.lineEnd('mbulk count string');
    if (nl === -1) return false;
    const end = nl > this.pos && this.buf[nl - 1] === CR ? nl - 1 : nl;
    const n = parseDecimal(this.buf, this.pos + 1, end);
    const max = this.unauthenticated ? UNAUTHENTICATED_LIMITS.maxMultibulkLength : this.limits.maxMultibulkLength;
    if (n === null || n > this.limits.maxMultibulkLength) throw new ProtocolError('Protocol error: invalid multibulk length');
    if (n > max) throw new ProtocolError('Protocol error: unauthenticated multibulk length');
    this.pos = nl + 1;
    this.argsLeft = n > 0 ? n : 0;
    this.bulkLen = -1;
    return true;
  }

  /** Reads bulks until the command is complete (true) or data runs out (false). */
  private parseBulks(): boolean {
    while (this.argsLeft > 0) {
      if (this.bulkLen === -1) {
        if (this.pos >= this.buf.length) return false;
        if (this.buf[this.pos] !== DOLLAR) {
          throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(this.buf[this.pos]!)}'`);
        }
        const nl = this.lineEnd('bulk count string');
        if (nl === -1) return false;
        const end = nl > this.pos && this.buf[nl - 1] === CR ? nl - 1 : nl;
        const n = parseDecimal(this.buf, this.pos + 1, end);
        if (n === null || n < 0 || n > this.limits.maxBulkBytes) throw new ProtocolError('Protocol error: invalid bulk length');
        if (this.unauthenticated && n > UNAUTHENTICATED_LIMITS.maxBulkBytes) throw new ProtocolError('Protocol error: unauthenticated bulk length');
        this.pos = nl + 1;
        this.bulkLen = n;
      }
      const need = this.bulkLen + 2;
      const have = this.buf.length - this.pos;
      if (have < need) {
        if (this.bulkLen >= 64 * 1024) {
          // Gather the rest chunk by chunk; the buffer so far becomes the first part.
          this.bigParts = [this.buf.subarray(this.pos)];
          this.bigHave = have;
          this.buf = Buffer.alloc(0);
          this.pos = 0;
        }
        return false;
      }
      // Copy out of the read buffer so the socket's chunk can be freed.
      this.args.push(Buffer.from(this.buf.subarray(this.pos, this.pos + this.bulkLen)));
      this.pos += need;
      this.bulkLen = -1;
      this.argsLeft--;
    }
    return true;
  }

  /** Continues a large bulk; returns what is left of `chunk` after it completes. */
  private feedBigBulk(chunk: Buffer): Buffer {
    const need = this.bulkLen + 2;
    const take = Math.min(need - this.bigHave, chunk.length);
    this.bigParts.push(chunk.subarray(0, take));
    this.bigHave += take;
    if (this.bigHave < need) return Buffer.alloc(0);
    const whole = Buffer.concat(this.bigParts, need);
    this.args.push(whole.subarray(0, this.bulkLen));
    this.bigParts = [];
    this.bigHave = 0;
    this.bulkLen = -1;
    this.argsLeft--;
    const rest = chunk.subarray(take);
    if (this.argsLeft > 0) {
      // The command continues in `rest`: parse it through the normal path.
      this.buf = Buffer.alloc(0);
      this.pos = 0;
    }
    return rest;
  }

  private parseInline(): Buffer[] | null {
    const nl = this.lineEnd('inline request');
    if (nl === -1) return null;
    const end = nl > this.pos && this.buf[nl - 1] === CR ? nl - 1 : nl;
    const line = this.buf.subarray(this.pos, end);
    this.pos = nl + 1;
    const argv = splitInlineArgs(line);
    if (argv === null) throw new ProtocolError('Protocol error: unbalanced quotes in request');
    return argv;
  }

  /** Bytes held for an incomplete command (for client query buffer accounting). */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.bigHave;
  }
}

/** Parses an optionally negative decimal in buf[start, end); null if not a valid integer. */
function parseDecimal(buf: Buffer, start: number, end: number): number | null {
  if (start >= end || end - start > 12) return null;
  let i = start, neg = false;
  if (buf[i] === 45) { neg = true; i++; if (i === end) return null; }
  let n = 0;
  for (; i < end; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  return neg ? -n : n;
}
