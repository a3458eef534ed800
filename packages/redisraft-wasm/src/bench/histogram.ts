// A small HDR-like histogram of non-negative integers (latencies in ns):
// values below 2^BITS are counted exactly; above, each power-of-two range is
// cut into 2^(BITS-1) equal buckets, so a value is known to within 1/2^(BITS-1)
// (0.8%) whatever its size. Fixed memory, O(1) record, mergeable.

const BITS = 8;
const LINEAR = 2 ** BITS; // values [0, LINEAR) have a bucket each
const HALF = LINEAR / 2; // buckets per power of two above that
const MAX_SHIFT = 40;
/** 2^48 - 1 ns, about 3 days; larger values are counted as this. */
export const MAX_VALUE = 2 ** (BITS + MAX_SHIFT) - 1;

export class Histogram {
  private readonly counts = new Float64Array(LINEAR + MAX_SHIFT * HALF);
  count = 0;
  min = Infinity;
  max = 0;
  private sum = 0;

  record(value: number): void {
    const v = value > 0 ? Math.min(MAX_VALUE, Math.floor(value)) : 0;
    this.counts[bucketOf(v)]!++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /**
   * The value at percentile p (0-100): the smallest recorded value that at least
   * p% of the values do not exceed, to the histogram's precision (the middle of
   * its bucket, kept within the recorded min and max; the min and the max
   * themselves are exact). NaN when empty.
   */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) * this.count) / 100 - 1e-9));
    if (rank === 1) return this.min;
    if (rank >= this.count) return this.max;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const [lo, width] = rangeOf(i);
        return Math.min(this.max, Math.max(this.min, lo + (width - 1) / 2));
      }
    }
    return this.max;
  }
}

function bucketOf(v: number): number {
  if (v < LINEAR) return v;
  const shift = msb(v) - BITS + 1; // v <= MAX_VALUE, so shift <= MAX_SHIFT
  const sub = Math.floor(v / 2 ** shift); // in [HALF, LINEAR)
  return LINEAR + (shift - 1) * HALF + (sub - HALF);
}

/** [lowest value, number of values] of bucket i. */
function rangeOf(i: number): [number, number] {
  if (i < LINEAR) return [i, 1];
  const shift = Math.floor((i - LINEAR) / HALF) + 1;
  const sub = ((i - LINEAR) % HALF) + HALF;
  return [sub * 2 ** shift, 2 ** shift];
}

/** Index of the highest set bit of a positive integer below 2^52. */
function msb(v: number): number {
  return v < 2 ** 32 ? 31 - Math.clz32(v) : 63 - Math.clz32(Math.floor(v / 2 ** 32));
}
