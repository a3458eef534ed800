import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runSimulation } from '../src/sim/simulation.js';

// The bounded run of `pnpm test`; `pnpm sim --seeds N` runs any number.
const SEEDS = Number(process.env.SIM_SEEDS ?? 500);
const EVENTS = Number(process.env.SIM_EVENTS ?? 20000);

test(`${SEEDS} seeded clusters of ${EVENTS}+ events under faults keep every safety and liveness property`, () => {
  const failures: string[] = [];
  let events = 0, acked = 0, reads = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = runSimulation({ seed, events: EVENTS });
    events += r.events;
    acked += r.acked;
    reads += r.reads;
    if (!r.ok) failures.push(`seed ${seed}: ${r.error}\n  replay: pnpm sim --seed ${seed} --events ${EVENTS}\n  ${r.trace.slice(-15).join('\n  ')}`);
    if (failures.length >= 3) break;
  }
  assert.equal(failures, []);
  assert.ok(events >= SEEDS * EVENTS, `ran ${events} events`);
  assert.ok(acked > SEEDS * 20, `only ${acked} writes were acknowledged: the load is not exercising the cluster`);
  assert.ok(reads > SEEDS * 5, `only ${reads} reads were checked`);
});

test('a seed replays identically', () => {
  const a = runSimulation({ seed: 4242, events: 3000 });
  const b = runSimulation({ seed: 4242, events: 3000 });
  assert.equal([a.events, a.steps, a.acked, a.reads, a.trace], [b.events, b.steps, b.acked, b.reads, b.trace]);
});

test.run();
