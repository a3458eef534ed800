// Redis's math.random for scripts (rand.c: the 48-bit lrand48 generator),
// so a script draws the numbers Redis would draw after the same
// math.randomseed. Each run starts from a seed its log entry carries, so
// every node draws the same numbers (Redis keeps one generator for the
// process, which a replicated state machine cannot share).
const MOD = 1n << 48n;
const A = 0x5deece66dn;
const C = 0xbn;
const INT32_MAX = 2147483647;

export class RedisRand48 {
  private x = 0x1234abcd330en;

  /** redisSrand48: the seed's two 16-bit halves above Redis's fixed low word. */
  seed(seed: number): void {
    const s = seed | 0;
    const low = s & 0xffff;
    const high = (s >> 16) & 0xffff;
    this.x = (BigInt(high) << 32n) | (BigInt(low) << 16n) | 0x330en;
  }

  /** redisLrand48: the top 31 bits of the next state. */
  next(): number {
    this.x = (A * this.x + C) % MOD;
    return Number(this.x >> 17n);
  }

  /** The [0, 1) draw math.random uses. */
  nextUnit(): number {
    return (this.next() % INT32_MAX) / INT32_MAX;
  }
}
