// A growable ring buffer: O(1) push and pop at both ends and O(1) indexing,
// for list values (no Array.shift). Tracks the bytes it holds.
export class Deque {
  private buf: (Buffer | undefined)[] = new Array(8);
  private head = 0;
  length = 0;
  bytes = 0;

  static of(items: readonly Buffer[]): Deque {
    const d = new Deque();
    for (const x of items) d.pushRight(x);
    return d;
  }

  clone(): Deque {
    const d = new Deque();
    d.buf = this.buf.slice();
    d.head = this.head;
    d.length = this.length;
    d.bytes = this.bytes;
    return d;
  }

  at(i: number): Buffer {
    return this.buf[(this.head + i) & (this.buf.length - 1)]!;
  }

  set(i: number, v: Buffer): void {
    const j = (this.head + i) & (this.buf.length - 1);
    this.bytes += v.length - this.buf[j]!.length;
    this.buf[j] = v;
  }

  pushRight(v: Buffer): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.head + this.length) & (this.buf.length - 1)] = v;
    this.length++;
    this.bytes += v.length;
  }

  pushLeft(v: Buffer): void {
    if (this.length === this.buf.length) this.grow();
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = v;
    this.length++;
    this.bytes += v.length;
  }

  popLeft(): Buffer | undefined {
    if (this.length === 0) return undefined;
    const v = this.buf[this.head]!;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.length--;
    this.bytes -= v.length;
    return v;
  }

  popRight(): Buffer | undefined {
    if (this.length === 0) return undefined;
    const j = (this.head + this.length - 1) & (this.buf.length - 1);
    const v = this.buf[j]!;
    this.buf[j] = undefined;
    this.length--;
    this.bytes -= v.length;
    return v;
  }

  /** Items [start, end) as an array (for ranges and rebuilding). */
  slice(start = 0, end = this.length): Buffer[] {
    const out: Buffer[] = [];
    for (let i = start; i < end; i++) out.push(this.at(i));
    return out;
  }

  private grow(): void {
    const next: (Buffer | undefined)[] = new Array(this.buf.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.at(i);
    this.buf = next;
    this.head = 0;
  }
}
