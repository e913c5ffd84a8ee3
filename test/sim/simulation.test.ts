/**
 * The deterministic simulation, short run (the long one is `npm run sim`,
 * scripts/sim.ts): seeded lists of random operations — use, duplicate
 * retries, conflicting keys, voids, grants of every source, holds, captures,
 * releases, lapses, refunds, plan changes and clock jumps across month ends,
 * the 29th–31st, DST changes (some at midnight) and Feb 29 2028 — played
 * against the ledger and against the reference model in test/sim/model.ts,
 * comparing every pool's balance of three accounts after every step and
 * checking the ledger's invariants every few steps. A failure prints its seed
 * and the shortest operation list that still reproduces it.
 */
import { describe, expect, test } from 'vitest';
import { Model, type MEvent, type Outcome } from './model.js';
import { SCENARIOS, generate, runOps, simulate } from './runner.js';

const STEPS = Number(process.env.SIM_STEPS ?? 500);

describe('deterministic simulation against the reference model', () => {
  // One seed per scenario: Flux Edge (calendar month, UTC), Lux (anniversary on the
  // 31st/12th/5th in New York, Berlin, Havana, Santiago, Lord Howe) and Fluximage
  // (two pools, unlimited compressions on Pro/Agency, dedupe per image).
  test.each(SCENARIOS.map((s, i) => [i, 9100 + i, s.start] as const))(`scenario %i, seed %i (from %s): ${STEPS} operations`, (_i, seed) => {
    const r = simulate(seed, STEPS, 5);
    if (!r.ok) throw new Error(r.report);
    const kinds = new Set(Object.keys(r.counts).map((k) => k.split(/[:( ]/)[0]));
    for (const k of ['use', 'capture', 'retry', 'conflict', 'void', 'grant', 'hold', 'release', 'refund', 'plan', 'clock']) expect(kinds, k).toContain(k);
  }, 120_000);

  test('the generator is deterministic: one seed, one list', () => {
    expect(JSON.stringify(generate(42, 300))).toBe(JSON.stringify(generate(42, 300)));
    expect(JSON.stringify(generate(42, 300))).not.toBe(JSON.stringify(generate(43, 300)));
  });

  test('a planted bug is found, shrunk to a few operations and printed with its seed', () => {
    // A model that forgets that a void gives the credits back.
    class Forgetful extends Model {
      override voidEvent(e: MEvent, t: number): Outcome {
        const saved = e.debits.map(([g]) => [g, g.remaining] as const);
        const out = super.voidEvent(e, t);
        for (const [g, rem] of saved) g.remaining = rem;
        return out;
      }
    }
    const r = simulate(9100, 300, 5, () => new Forgetful());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.report).toMatch(/seed 9100/);
    expect(r.report).toMatch(/balance/);
    // The smallest story: a charged use and its void (clock moves are optional).
    expect(r.ops.length).toBeLessThanOrEqual(4);
    expect(r.ops.map((o) => o.t)).toEqual(expect.arrayContaining(['use', 'void']));
    // And the printed list replays to the same failure with the real model out of the picture.
    const replay = JSON.parse(r.report.split('\n').at(-1)!) as { seed: number; setup: { scenario: number }; ops: typeof r.ops };
    expect(runOps(replay.setup, replay.ops, { seed: replay.seed, invariantsEvery: 1, model: () => new Forgetful() }).failure).not.toBeNull();
    expect(runOps(replay.setup, replay.ops, { seed: replay.seed, invariantsEvery: 1 }).failure).toBeNull();
  }, 120_000);
});
