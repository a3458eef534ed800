// Runs redis-benchmark against a port and parses its quiet output.
import { spawnSync } from 'node:child_process';

export interface BenchFigure { test: string; rps: number; p50Ms: number }

export function redisBenchmark(port: number, args: string[]): BenchFigure[] {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-q', ...args], { encoding: 'utf8', timeout: 600_000 });
  if (r.error) throw new Error(`redis-benchmark could not run (install redis-tools): ${r.error.message}`);
  const figures: BenchFigure[] = [];
  // Quiet mode prints progress with \r; the final line per test is "SET: 12345.67 requests per second, p50=0.123 msec".
  for (const m of r.stdout.matchAll(/([A-Za-z0-9_][^\r\n:]*): ([\d.]+) requests per second(?:, p50=([\d.]+) msec)?/g)) {
    figures.push({ test: m[1]!, rps: Number(m[2]), p50Ms: Number(m[3] ?? NaN) });
  }
  // Keep the last figure per test (progress lines come first).
  const last = new Map<string, BenchFigure>();
  for (const f of figures) last.set(f.test, f);
  return [...last.values()];
}
