// Runs the uvu suites through tsx and ends with one plain summary line
// ("N passed, N failed") that CI reads. Groups run in separate processes so
// unit tests stay fast and isolated from the real-process integration tests.
// Tests import workspace packages through the "source" export condition, so
// they run against src/ without waiting for other packages' builds.
//   node scripts/test.mjs                 all groups
//   node scripts/test.mjs unit            one group
//   node scripts/test.mjs unit raft       only files whose path matches /raft/
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const groups = {
  unit: { dir: 'packages', pattern: 'test[\\\\/].*\\.test\\.ts$', timeoutMs: 8 * 60_000 },
  differential: { dir: 'test', pattern: 'differential[\\\\/].*\\.test\\.ts$', timeoutMs: 6 * 60_000 },
  integration: { dir: 'test', pattern: 'integration[\\\\/].*\\.test\\.ts$', timeoutMs: 12 * 60_000 },
};

const [only, filter] = process.argv.slice(2);
const chosen = only ? [only] : Object.keys(groups);
let passed = 0, failed = 0, skipped = 0, broken = false;

for (const name of chosen) {
  const g = groups[name];
  if (!g) { console.error(`unknown test group '${name}' (known: ${Object.keys(groups).join(', ')})`); process.exit(2); }
  const pattern = filter ? `^(?=.*${filter})(?:.*${g.pattern})` : g.pattern;
  console.log(`\n== ${name} tests ==`);
  const r = await runGroup(g.dir, pattern, g.timeoutMs);
  passed += r.passed; failed += r.failed; skipped += r.skipped;
  if (r.code !== 0 && r.failed === 0) broken = true;
}

console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || broken ? 1 : 0);

function runGroup(dir, pattern, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, 'node_modules/uvu/bin.js'), dir, pattern, '-c', 'false'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    const timer = setTimeout(() => {
      console.error(`\ntest group timed out after ${timeoutMs / 1000}s; killing it`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const num = (label) => Number((out.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? 0);
      const total = num('Total'), ok = num('Passed'), skip = num('Skipped');
      const totalRun = total - skip;
      resolve({ passed: ok, failed: Math.max(0, totalRun - ok), skipped: skip, code: code ?? (signal ? 1 : 0) });
    });
  });
}
