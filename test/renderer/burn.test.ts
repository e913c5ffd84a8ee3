/** The burn-down's series: the allocation as steps, usage over time, and what was left of the allocation. */
import { describe, expect, it } from 'vitest';
import { allocationAt, allocationSteps, remainingOverTime, usedOverTime } from '../../renderer/src/lib/burn.js';
import { niceTicks } from '../../renderer/src/lib/series.js';

const H = 3_600_000;
const D = 24 * H;
const start = Date.parse('2026-10-31T00:00:00Z');
const reset = Date.parse('2026-11-30T00:00:00Z');
const grant = (source: string, credits: number, grantedAt: string, pool = 'video') => ({ pool, source, credits, grantedAt });

describe('allocationSteps', () => {
  it('steps up at a mid-period upgrade and ends on the balance’s allocation', () => {
    const grants = [grant('monthly', 21, '2026-10-31T00:00:00Z'), grant('upgrade', 29, '2026-11-02T12:00:00Z'), grant('purchase', 500, '2026-11-01T00:00:00Z'), grant('upgrade', 900, '2026-11-01T00:00:00Z', 'image')];
    const steps = allocationSteps(grants, 'video', start, reset, 50);
    expect(steps).toEqual([
      { at: start, allocation: 21 },
      { at: Date.parse('2026-11-02T12:00:00Z'), allocation: 50 },
    ]);
    expect(allocationAt(steps, start + D)).toBe(21);
    expect(allocationAt(steps, Date.parse('2026-11-02T12:00:00Z'))).toBe(50);
  });

  it('puts what the grants list does not show (a reset not yet booked) at the period start', () => {
    expect(allocationSteps([], 'video', start, reset, 21)).toEqual([{ at: start, allocation: 21 }]);
    // Grants of earlier periods do not count; sums are exact (no 0.1 + 0.2 drift).
    const steps = allocationSteps([grant('monthly', 10, '2026-09-30T00:00:00Z'), grant('upgrade', 0.1, '2026-11-01T00:00:00Z'), grant('upgrade', 0.2, '2026-11-02T00:00:00Z')], 'video', start, reset, 1.3);
    expect(steps.map((s) => s.allocation)).toEqual([1, 1.1, 1.3]);
  });
});

describe('usedOverTime and remainingOverTime', () => {
  const now = Date.parse('2026-11-03T14:00:00Z');
  const used = usedOverTime(
    [
      { day: '2026-11-01', credits: 2 },
      { day: '2026-10-31', credits: 3 },
      { day: '2026-11-03', credits: 1 },
    ],
    start,
    '2026-10-31',
    now,
  );

  it('rises across each day with usage, flat between, up to now', () => {
    expect(used).toEqual([
      { x: start, y: 0 },
      { x: start, y: 0 },
      { x: start + D, y: 3 },
      { x: start + D, y: 3 },
      { x: start + 2 * D, y: 5 },
      { x: start + 3 * D, y: 5 },
      { x: now, y: 6 },
    ]);
  });

  it('jumps at the upgrade instead of redrawing the history with the new allocation', () => {
    const steps = [
      { at: start, allocation: 21 },
      { at: start + 2 * D + 12 * H, allocation: 50 },
    ];
    const left = remainingOverTime(used, steps);
    expect(left[0]).toEqual({ x: start, y: 21 });
    // Before the upgrade 21 − 5; at its instant both values; after it 50 − 5.
    expect(left.filter((p) => p.x === start + 2 * D + 12 * H)).toEqual([
      { x: start + 2 * D + 12 * H, y: 16 },
      { x: start + 2 * D + 12 * H, y: 45 },
    ]);
    expect(left[left.length - 1]).toEqual({ x: now, y: 44 });
    // Without a step it is the allocation less usage throughout.
    expect(remainingOverTime(used, [{ at: start, allocation: 21 }]).map((p) => p.y)).toEqual([21, 21, 18, 18, 16, 16, 15]);
  });
});

describe('niceTicks for counts', () => {
  it('keeps whole steps for assets, where credits may take fractions', () => {
    expect(niceTicks(1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1, 5, true)).toEqual([0, 1]);
    expect(niceTicks(3, 5, true)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(12, 5, true)).toEqual([0, 3, 6, 9, 12]);
    expect(niceTicks(50, 5, true)).toEqual([0, 10, 20, 30, 40, 50]);
  });
});
