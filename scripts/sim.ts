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
 *
 *   SIM_TEAM=1            the team simulation instead (test/sim/team.ts): members'
 *                         clients with outboxes, partitions, lost answers, skewed
 *                         clocks and revoked devices against one team host; seeds of
 *                         SIM_STEPS (default 500) until SIM_OPS (default 20,000), the
 *                         invariants after every sync. SIM_REPLAY replays its lists too.
 */
import { readFileSync } from 'node:fs';
import { runOps, simulate, type Op, type Setup } from '../test/sim/runner.js';
import { runTeam, simulateTeam, type TeamOp, type TeamSetup } from '../test/sim/team.js';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const team = process.env.SIM_TEAM === '1';

if (process.env.SIM_REPLAY) {
  const { seed, setup, ops } = JSON.parse(readFileSync(process.env.SIM_REPLAY, 'utf8')) as { seed: number; setup: Setup | TeamSetup; ops: Op[] | TeamOp[] };
  // A team list says how the members' clocks are skewed.
  const r = 'skews' in setup ? await runTeam(setup, ops as TeamOp[], { seed }) : runOps(setup, ops as Op[], { seed, invariantsEvery: 1 });
  process.stdout.write(r.failure ? `fails at step ${r.failure.step}: ${r.failure.message}\n` : `passes (${ops.length} operations)\n`);
  process.exit(r.failure ? 1 : 0);
}

const first = env('SIM_SEED', 1);
const steps = env('SIM_STEPS', team ? 500 : 2000);
const total = env('SIM_OPS', team ? 20_000 : 100_000);
const every = env('SIM_INVARIANTS_EVERY', 100);
const t0 = Date.now();
const counts: Record<string, number> = {};
let ops = 0;
let seeds = 0;
for (let seed = first; ops < total; seed++) {
  const s0 = Date.now();
  const r = team ? await simulateTeam(seed, steps) : simulate(seed, steps, every);
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
