// The results table: one row per setup x test x pipeline, with ops/s, the
// ratio to redis-server appendfsync always (same test, same pipeline, same
// run) and latency percentiles.
import type { TestName } from './load.js';

export interface Row {
  readonly setup: string;
  readonly baseline: boolean;
  readonly test: TestName;
  readonly pipeline: number;
  readonly opsPerSec: number;
  /** Latency percentiles in ms. */
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly errors: number;
  readonly firstError?: string;
}

export const COLUMNS = ['setup', 'test', 'pipeline', 'ops/s', 'ratio', 'p50 ms', 'p99 ms', 'p99.9 ms'] as const;

/** ops/s of <row> over that of the baseline row of the same test and pipeline, if the run has one. */
export function ratio(row: Row, rows: readonly Row[]): number | undefined {
  const base = rows.find((r) => r.baseline && r.test === row.test && r.pipeline === row.pipeline);
  return base && base.opsPerSec > 0 ? row.opsPerSec / base.opsPerSec : undefined;
}

export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => {
    const q = ratio(r, rows);
    return [r.setup, r.test.toUpperCase(), String(r.pipeline), r.opsPerSec.toFixed(0), q === undefined ? '-' : q.toFixed(2), ms(r.p50), ms(r.p99), ms(r.p999)];
  });
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((s, i) => (i === 0 || i === 1 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function ms(v: number): string {
  return Number.isNaN(v) ? '-' : v < 10 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(1);
}
