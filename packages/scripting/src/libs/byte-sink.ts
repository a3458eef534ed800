// A growable output buffer the encoders keep between calls, so packing a
// value allocates nothing once the buffer has grown to the usual size.

export class ByteSink {
  buf: Buffer;
  pos = 0;

  constructor(initialBytes = 256) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Room for `n` more bytes at `pos`. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    if (this.pos === this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(n);
    this.buf.set(n === src.length ? src : src.subarray(start, end), this.pos);
    this.pos += n;
  }

  /** ASCII text (numbers, literals). */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    // Numbers and literals are short: a loop beats Buffer.write's call overhead.
    if (n <= 32) {
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
      this.pos = p;
    } else this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  /** The bytes written so far (a view, valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Starts over, dropping a buffer that grew past `keepBytes` so one huge value does not pin memory. */
  reset(keepBytes = 1 << 20): void {
    this.pos = 0;
    if (this.buf.length > keepBytes) this.buf = Buffer.allocUnsafe(256);
  }
}
