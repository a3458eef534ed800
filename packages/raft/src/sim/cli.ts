// pnpm sim [--seeds N] [--seed S] [--events E (default 20000)] [--first F]
// Runs seeds, prints a summary; a failure prints its replay command and trace.
import { runSimulation } from './simulation.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const events = Number(arg('--events') ?? 20000);
const single = arg('--seed');
const first = Number(arg('--first') ?? 1);
const count = Number(arg('--seeds') ?? 100);
const seeds = single !== undefined ? [Number(single)] : Array.from({ length: count }, (_, i) => first + i);

const started = Date.now();
let failed = 0, totalEvents = 0, acked = 0, reads = 0;
for (const seed of seeds) {
  const r = runSimulation({ seed, events });
  totalEvents += r.events;
  acked += r.acked;
  reads += r.reads;
  if (!r.ok) {
    failed++;
    console.log(`seed ${seed} FAILED: ${r.error}`);
    console.log(`  replay: pnpm sim --seed ${seed} --events ${events}`);
    for (const line of r.trace.slice(-30)) console.log(`  ${line}`);
  } else if (single !== undefined) {
    for (const line of r.trace.slice(-30)) console.log(`  ${line}`);
  }
}
const secs = (Date.now() - started) / 1000;
console.log(`${seeds.length} seeds, ${totalEvents} events, ${acked} acknowledged writes, ${reads} linearizable reads checked, ${failed} failed, ${secs.toFixed(1)} s`);
process.exit(failed ? 1 : 0);
