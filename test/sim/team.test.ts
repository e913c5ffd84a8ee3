/**
 * The team simulation, short run (the long one is `SIM_TEAM=1 npm run sim`):
 * members' clients with outboxes, partitions, lost answers, two processes
 * pushing at once, skewed clocks, resets and revoked devices, against one
 * team host and the reference model (test/sim/team.ts). Every step compares
 * every pool's balance and checks that each entry is counted exactly once.
 */
import { describe, expect, test } from 'vitest';
import { Model, type MAccount, type Outcome } from './model.js';
import { SCENARIOS } from './runner.js';
import { generateTeam, runTeam, simulateTeam, type TeamOp } from './team.js';

const STEPS = Number(process.env.SIM_TEAM_STEPS ?? 200);

describe('team simulation: members offline and online against the reference model', () => {
  const seen = new Set<string>();

  test.each(SCENARIOS.map((s, i) => [i, 9200 + i, s.start] as const))(`scenario %i, seed %i (from %s): ${STEPS} operations`, async (_i, seed) => {
    const r = await simulateTeam(seed, STEPS);
    if (!r.ok) throw new Error(r.report);
    for (const k of Object.keys(r.counts)) seen.add(k);
  }, 120_000);

  test('the seeds above went through every kind of step', () => {
    const all = [...seen].join('\n');
    // Accepted online, rejected by the host, kept pending behind a partition, refused by the allowance, answers lost, two processes.
    for (const want of ['record:accepted applied', 'record:rejected ', 'record:pending (down)', 'record:pending (lossy)', 'record:over allowance', 'sync:up', 'sync (two processes)', 'link:lossy', 'grant:', 'clock:reset', 'revoke', 'skew']) {
      expect(all, want).toContain(want);
    }
  });

  test('the generator is deterministic: one seed, one list', () => {
    expect(JSON.stringify(generateTeam(42, 300))).toBe(JSON.stringify(generateTeam(42, 300)));
    expect(JSON.stringify(generateTeam(42, 300))).not.toBe(JSON.stringify(generateTeam(43, 300)));
  });

  test('a planted bug is found and shrunk: a model that forgets the time rules takes an entry from a clock running ahead', async () => {
    class Timeless extends Model {
      protected override dated(_a: MAccount, _t: number, _arrived: number): Outcome | null {
        return null;
      }
    }
    const r = await simulateTeam(9203, 120, () => new Timeless());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.report).toMatch(/seed 9203/);
    expect(r.report).toMatch(/host: rejected invalid_input .*model: accepted/);
    expect(r.ops.length).toBeLessThanOrEqual(4);
    expect(r.ops.map((o) => o.t)).toContain('record');
    // The printed list replays to the same failure, and passes with the real model.
    const replay = JSON.parse(r.report.split('\n').at(-1)!) as { seed: number; setup: { scenario: number; skews: number[] }; ops: TeamOp[] };
    expect((await runTeam(replay.setup, replay.ops, { seed: replay.seed, model: () => new Timeless() })).failure).not.toBeNull();
    expect((await runTeam(replay.setup, replay.ops, { seed: replay.seed })).failure).toBeNull();
  }, 120_000);

  // Found by this simulation (docs/stress.md): main/web/member-link.ts pushSender settles every entry
  // of a push the host refused (a revoked device) as rejected, though one of them may have been
  // committed earlier with its answer lost. Asserts the bug is there; once pushSender leaves such
  // entries pending, this fails: delete it and `rejectRefusedPush`.
  test('known bug: a revoked device marks rejected an entry the host counted before its answer was lost', async () => {
    const r = await simulateTeam(5, 400, undefined, { rejectRefusedPush: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.report).toMatch(/was rejected \(unauthorized: .*\) but the host recorded it as ev_\d+/);
    expect(r.ops).toContainEqual(expect.objectContaining({ t: 'revoke' }));
  }, 120_000);

  // Found by this simulation (docs/stress.md): main/web/member-link.ts recordEntry drops an
  // entry past the offline allowance when its push got no answer, though the host may have
  // committed it before the answer was lost. This asserts the bug is still there; once
  // recordEntry keeps unanswered entries, this fails: delete it and `dropUnanswered`.
  test('known bug: an entry whose answer was lost is dropped by the allowance, and the host counts an entry no outbox holds', async () => {
    const r = await simulateTeam(1, 100, undefined, { dropUnanswered: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.report).toMatch(/the host recorded push-ob-sim-\d+ \(ev_\d+\), which no outbox holds/);
    expect(r.ops).toContainEqual(expect.objectContaining({ t: 'link', link: 'lossy' }));
  }, 120_000);
});
