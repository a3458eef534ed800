// `redisraft-wasm bench`: a local cluster (raft-log-fsync yes / no /
// in-memory) against plain redis-server (appendfsync always / everysec / no
// persistence), SET and GET, at several pipeline depths; a table and an SVG.
import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { createConsola } from 'consola';
import { TESTS, type TestName } from '../bench/load.js';
import { runBench, type BenchOptions } from '../bench/run.js';

export const benchCommand = defineCommand({
  meta: {
    name: 'bench',
    description: 'Benchmark a local cluster (raft-log-fsync yes / no / in-memory) against redis-server (appendfsync always / everysec / none): ops/s and p50/p99/p99.9 latency',
  },
  args: {
    nodes: { type: 'string', description: 'nodes in the local cluster', default: '3' },
    clients: { type: 'string', description: 'client connections (default 50, 10 with --quick)' },
    pipeline: { type: 'string', description: 'requests in flight per connection, a comma list', default: '1,16' },
    requests: { type: 'string', description: 'requests per measurement (default 100000, 2000 with --quick)' },
    tests: { type: 'string', description: `tests to run, a comma list of ${TESTS.join(', ')}`, default: 'set,get' },
    size: { type: 'string', description: 'value size in bytes', default: '3' },
    quick: { type: 'boolean', description: 'small counts, for a smoke run' },
    redis: { type: 'boolean', description: 'also measure redis-server, when installed', default: true, negativeDescription: 'skip the redis-server rows' },
    chart: { type: 'string', description: 'where to write the SVG chart', default: 'redisraft-wasm-bench.svg' },
  },
  async run({ args }) {
    const options = benchOptions(args);
    // Progress on stderr, so stdout holds just the table.
    const log = createConsola({ stdout: process.stderr, stderr: process.stderr });
    const ok = await runBench(options, { info: (l) => log.info(l), warn: (l) => log.warn(l) });
    if (!ok) process.exitCode = 1;
  },
});

function benchOptions(args: Record<string, unknown>): BenchOptions {
  const quick = args.quick === true;
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const text = args[name] === undefined || args[name] === '' ? String(fallback) : String(args[name]);
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got '${text}'`);
    return n;
  };
  const pipelines = String(args.pipeline).split(',').map((p) => p.trim()).filter(Boolean).map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 1000) throw new Error(`--pipeline takes depths from 1 to 1000, got '${p}'`);
    return Number(p);
  });
  const tests = String(args.tests).split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  for (const t of tests) if (!TESTS.includes(t as TestName)) throw new Error(`--tests: unknown test '${t}' (known: ${TESTS.join(', ')})`);
  if (!pipelines.length) throw new Error('--pipeline needs at least one depth');
  if (!tests.length) throw new Error('--tests needs at least one test');
  return {
    nodes: int('nodes', 3, 1, 15),
    clients: int('clients', quick ? 10 : 50, 1, 10_000),
    pipelines: [...new Set(pipelines)],
    requests: int('requests', quick ? 2_000 : 100_000, 1, 1e9),
    tests: [...new Set(tests)] as TestName[],
    size: int('size', 3, 0, 512 * 1024 * 1024),
    redis: args.redis !== false,
    chart: resolve(String(args.chart)),
  };
}
