// The load generator: <clients> ioredis connections, each keeping <pipeline>
// requests in flight (a closed loop: a reply sends the next request), until
// <requests> requests have been sent in all. Every request's latency, from
// send to reply, goes into one histogram.
import { Redis } from 'ioredis';
import { Histogram } from './histogram.js';

export type TestName = 'set' | 'get';
export const TESTS: readonly TestName[] = ['set', 'get'];

export interface LoadOptions {
  readonly port: number;
  readonly test: TestName;
  readonly clients: number;
  readonly pipeline: number;
  readonly requests: number;
  /** SET value size in bytes. */
  readonly size: number;
  /** Keys are bench:0 ... bench:<keyspace - 1>, taken in turn, so a SET run covers them all for a GET run. */
  readonly keyspace: number;
  /** A request not answered in this time fails the measurement. */
  readonly timeoutMs?: number;
}

export interface LoadResult {
  /** Requests answered without an error. */
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  /** Per-request latency in ns. */
  readonly latency: Histogram;
  readonly errors: number;
  readonly firstError?: string;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  // Past depth 1, the requests a connection sends in one event-loop turn go out in one write, as a client pipeline would.
  const conns = await connectAll(o.port, o.clients, o.timeoutMs ?? 30_000, o.pipeline > 1);
  try {
    const value = Buffer.alloc(o.size, 'x');
    const latency = new Histogram();
    let sent = 0, errors = 0, firstError: string | undefined;
    const send = (c: Redis, key: string): Promise<unknown> => (o.test === 'set' ? c.set(key, value) : c.getBuffer(key));
    let failed = false;
    const lane = async (c: Redis): Promise<void> => {
      while (sent < o.requests && !failed) {
        const key = `bench:${sent++ % o.keyspace}`;
        const t0 = process.hrtime.bigint();
        try {
          await send(c, key);
          latency.record(Number(process.hrtime.bigint() - t0));
        } catch (e) {
          const err = e as Error;
          // An error reply (-CLUSTERDOWN, -MOVED, ...) is counted; a lost connection or a timeout ends the measurement.
          if (err.name !== 'ReplyError') { failed = true; throw new Error(`request to port ${o.port} failed: ${err.message}`); }
          errors++;
          firstError ??= err.message;
        }
      }
    };
    const started = process.hrtime.bigint();
    await Promise.all(conns.flatMap((c) => Array.from({ length: o.pipeline }, () => lane(c))));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const ops = latency.count;
    return { ops, seconds, opsPerSec: ops / seconds, latency, errors, ...(firstError === undefined ? {} : { firstError }) };
  } finally {
    for (const c of conns) c.disconnect();
  }
}

async function connectAll(port: number, n: number, timeoutMs: number, autoPipeline: boolean): Promise<Redis[]> {
  const conns: Redis[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const c = new Redis(port, '127.0.0.1', {
        lazyConnect: true, enableReadyCheck: false, enableOfflineQueue: false, maxRetriesPerRequest: 0,
        retryStrategy: () => null, commandTimeout: timeoutMs, connectTimeout: timeoutMs, enableAutoPipelining: autoPipeline,
      });
      c.on('error', () => {}); // failures reach the awaiting request
      conns.push(c);
    }
    await Promise.all(conns.map((c) => c.connect()));
    return conns;
  } catch (e) {
    for (const c of conns) c.disconnect();
    throw e;
  }
}
