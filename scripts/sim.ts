/**
 * `npm run sim`: the long deterministic simulation (test/sim). Runs seeds
 * until at least SIM_OPS operations (default 100,000) have been played
 * against the ledger and the reference model, with balances compared after
 * every step and the invariants checked every SIM_INVARIANTS_EVERY steps
 * (default 100) and at the end of each run. On a failure it prints the seed
 * and the shortest reproducing operation list, and exits 1.
 *
 *   SIM_SEED=n            start at this seed (default 1)
 *   SIM_STEPS=n           operations per seed (default 2000)
 *   SIM_OPS=n             total operations (default 100000)
 *   SIM_REPLAY=file.json  replay a printed list ({seed, setup, ops}) instead
 */
import { readFileSync } from 'node:fs';
import { runOps, simulate, type Op, type Setup } from '../test/sim/runner.js';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);

if (process.env.SIM_REPLAY) {
  const { seed, setup, ops } = JSON.parse(readFileSync(process.env.SIM_REPLAY, 'utf8')) as { seed: number; setup: Setup; ops: Op[] };
  const r = runOps(setup, ops, { seed, invariantsEvery: 1 });
  process.stdout.write(r.failure ? `fails at step ${r.failure.step}: ${r.failure.message}\n` : `passes (${ops.length} operations)\n`);
  process.exit(r.failure ? 1 : 0);
}

const first = env('SIM_SEED', 1);
const steps = env('SIM_STEPS', 2000);
const total = env('SIM_OPS', 100_000);
const every = env('SIM_INVARIANTS_EVERY', 100);
const t0 = Date.now();
const counts: Record<string, number> = {};
let ops = 0;
let seeds = 0;
for (let seed = first; ops < total; seed++) {
  const s0 = Date.now();
  const r = simulate(seed, steps, every);
  if (!r.ok) {
    process.stderr.write(r.report + '\n');
    process.exit(1);
  }
  ops += steps;
  seeds++;
  for (const [k, v] of Object.entries(r.counts)) counts[k] = (counts[k] ?? 0) + v;
  process.stderr.write(`seed ${seed}: ${steps} operations ok in ${Date.now() - s0} ms (clock ended ${r.end}); ${ops} so far\n`);
}
const byKind: Record<string, number> = {};
for (const [k, v] of Object.entries(counts)) byKind[k.split(/[:( ]/)[0]!] = (byKind[k.split(/[:( ]/)[0]!] ?? 0) + v;
process.stdout.write(JSON.stringify({ seeds, operations: ops, seconds: Math.round((Date.now() - t0) / 1000), byKind, outcomes: Object.fromEntries(Object.entries(counts).sort()) }, null, 2) + '\n');
