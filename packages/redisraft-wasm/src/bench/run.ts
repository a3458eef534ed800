// Runs every setup in turn (start it, measure each pipeline x test, stop it),
// then prints the table and writes the chart. Whatever happens, every process
// and directory the run made is gone when it returns, and on Ctrl-C.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runLoad, type LoadOptions, type TestName } from './load.js';
import { formatTable, type Row } from './report.js';
import { renderChart } from './chart.js';
import { Processes, clusterSetups, redisServerInstalled, redisSetups, type Setup } from './setups.js';

export interface BenchOptions {
  readonly nodes: number;
  readonly clients: number;
  readonly pipelines: readonly number[];
  readonly requests: number;
  readonly tests: readonly TestName[];
  readonly size: number;
  readonly redis: boolean;
  readonly chart: string;
}

export interface Log {
  info(line: string): void;
  warn(line: string): void;
}

/** Returns whether every setup ran. */
export async function runBench(o: BenchOptions, log: Log): Promise<boolean> {
  const procs = new Processes();
  const onExit = () => procs.killAllNow();
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (signalled) process.exit(code); // a second signal: kill them now (on 'exit')
    signalled = true;
    log.warn(`received ${signal}, stopping the servers`);
    void procs.stopAll().finally(() => process.exit(code));
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const notes: string[] = [];
    const setups: Setup[] = [...clusterSetups(o.nodes)];
    if (!o.redis) notes.push('redis-server rows skipped (--no-redis); no ratios.');
    else if (!redisServerInstalled()) notes.push('redis-server rows skipped: redis-server is not installed (not on PATH); no ratios.');
    else setups.push(...redisSetups());

    const rows: Row[] = [];
    let allRan = true;
    for (const setup of setups) {
      try {
        rows.push(...(await measure(setup, o, procs, log)));
      } catch (e) {
        allRan = false;
        notes.push(`${setup.name}: failed: ${(e as Error).message}`);
        log.warn(`${setup.name}: failed: ${(e as Error).message}`);
      }
    }

    const keyspace = Math.min(o.requests, 100_000);
    const about = [`${o.clients} clients, ${o.requests} requests per measurement, ${o.size}-byte values, ${keyspace} keys, loopback`,
      'pipeline = requests in flight per connection; ratio = ops/s over redis-server appendfsync always (same test and pipeline, this run)'];
    for (const r of rows) if (r.errors > 0) notes.push(`${r.setup}, ${r.test.toUpperCase()} pipeline ${r.pipeline}: ${r.errors} error replies (first: ${r.firstError})`);
    process.stdout.write(`\nredisraft-wasm bench: ${about.join('; ')}\n\n${formatTable(rows)}\n`);
    if (notes.length) process.stdout.write(`\n${notes.map((n) => `note: ${n}`).join('\n')}\n`);
    if (rows.length) {
      mkdirSync(dirname(o.chart), { recursive: true });
      writeFileSync(o.chart, renderChart(rows, about));
      process.stdout.write(`\nchart: ${o.chart}\n`);
    }
    return allRan;
  } finally {
    await procs.stopAll();
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function measure(setup: Setup, o: BenchOptions, procs: Processes, log: Log): Promise<Row[]> {
  log.info(`${setup.name}: starting`);
  const running = await setup.start(procs);
  const keyspace = Math.min(o.requests, 100_000);
  const rows: Row[] = [];
  try {
    // Unmeasured: lets the JIT of the server (and of this load generator) settle first.
    const warmup = Math.min(10_000, Math.ceil(o.requests / 10));
    const load = (options: Omit<LoadOptions, 'port' | 'size' | 'keyspace'>) =>
      Promise.race([runLoad({ ...options, port: running.port, size: o.size, keyspace }), running.exited]);
    await load({ test: 'set', clients: o.clients, pipeline: o.pipelines[0]!, requests: warmup });
    let filled = false;
    for (const pipeline of o.pipelines) {
      for (const test of o.tests) {
        if (test === 'get' && !filled) await load({ test: 'set', clients: 4, pipeline: 64, requests: keyspace });
        filled = true; // a SET run writes every key (requests >= keyspace)
        const r = await load({ test, clients: o.clients, pipeline, requests: o.requests });
        const ms = (p: number) => r.latency.percentile(p) / 1e6;
        rows.push({
          setup: setup.name, baseline: setup.baseline ?? false, test, pipeline, opsPerSec: r.opsPerSec,
          p50: ms(50), p99: ms(99), p999: ms(99.9), errors: r.errors, ...(r.firstError === undefined ? {} : { firstError: r.firstError }),
        });
        log.info(`${setup.name}: ${test.toUpperCase()} pipeline ${pipeline}: ${r.opsPerSec.toFixed(0)} ops/s, p50 ${ms(50).toFixed(3)} ms, p99 ${ms(99).toFixed(3)} ms`);
      }
    }
    return rows;
  } finally {
    await running.stop();
  }
}
