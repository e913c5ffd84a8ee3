/**
 * Plan fit and what-if: an account's real usage in its last periods set
 * against every plan of its provider, and its latest period replayed through
 * each — when it would have run out, how short, what packs would have cost.
 */
import { describe, expect, it } from 'vitest';
import { fresh } from './helpers.js';

describe('plans.fit', () => {
  const fluxnote = () => {
    const h = fresh('2026-08-10T00:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'rise', anchor: '2026-08-10' });
    // Usage is recorded as it happens: a closed period takes no late entries.
    const use = (at: string, action: string, quantity: number) => {
      h.at(at);
      return h.op('usage.record', { account: a, action, quantity });
    };
    // Aug 10 – Sep 10: 15 videos, 500 images. Sep 10 – Oct 10: all 21 videos, 1,000 images.
    use('2026-08-12T10:00:00Z', 'video', 15);
    use('2026-08-20T10:00:00Z', 'image', 500);
    use('2026-09-11T10:00:00Z', 'video', 21);
    use('2026-09-12T10:00:00Z', 'image', 1000);
    // Oct 10 – Nov 10: 5 videos over three days (one event voided), 100 images, free edits.
    use('2026-10-11T09:00:00Z', 'video', 1);
    use('2026-10-12T09:00:00Z', 'video', 2);
    const voided = use('2026-10-12T10:00:00Z', 'video', 4);
    h.op('events.void', { event: 'eventId' in voided ? voided.eventId : '' });
    use('2026-10-13T16:20:00Z', 'video', 2);
    use('2026-10-14T09:00:00Z', 'image', 100);
    use('2026-10-14T09:00:00Z', 'edit', 7);
    // This period so far: not a whole period, not counted.
    use('2026-11-12T09:00:00Z', 'video', 3);
    h.at('2026-11-20T12:00:00Z');
    return { h, a };
  };

  it("counts the periods each plan would have covered and replays the latest through each", () => {
    const { h, a } = fluxnote();
    const r = h.op('plans.fit', { account: a });
    expect(r.periods).toEqual([
      { start: '2026-08-10T00:00:00.000Z', end: '2026-09-10T00:00:00.000Z', partial: false, used: { video: 15, image: 500 } },
      { start: '2026-09-10T00:00:00.000Z', end: '2026-10-10T00:00:00.000Z', partial: false, used: { video: 21, image: 1000 } },
      { start: '2026-10-10T00:00:00.000Z', end: '2026-11-10T00:00:00.000Z', partial: false, used: { video: 5, image: 100 } },
    ]);
    const by = Object.fromEntries(r.plans.map((p) => [p.plan, p]));
    expect(by.free).toMatchObject({ periodsFit: 0, fitsAll: false, current: false, priceCents: 0 });
    expect(by.rise).toMatchObject({ periodsFit: 3, fitsAll: true, current: true, priceCents: 799 });
    expect(by.pro!.periodsFit).toBe(3);
    // Free's 1 video runs out with the second video, on Oct 12 at 09:00; its 100 images are exactly enough.
    expect(by.free!.replay.pools).toEqual([
      { pool: 'video', used: 5, allocation: 1, left: 0, short: 4, runsOutAt: '2026-10-12T09:00:00.000Z', topUpCents: null, packs: null },
      { pool: 'image', used: 100, allocation: 100, left: 0, short: 0, runsOutAt: null, topUpCents: null, packs: [] },
    ]);
    // No packs to make up the difference: with packs it covers no more.
    expect(by.free!.periodsFitWithPacks).toBe(0);
    // FluxNote sells no packs: a shortfall has no price, so neither has the period.
    expect(by.free!.replay).toMatchObject({ extraCents: null, totalCents: null });
    expect(by.rise!.replay).toMatchObject({ extraCents: 0, totalCents: 799 });
    expect(by.rise!.replay.pools[0]).toMatchObject({ left: 16, short: 0, runsOutAt: null });
  });

  it('looks back as many periods as asked, never before the account began', () => {
    const { h, a } = fluxnote();
    expect(h.op('plans.fit', { account: a, periods: 1 }).periods.map((p) => p.start)).toEqual(['2026-10-10T00:00:00.000Z']);
    expect(h.op('plans.fit', { account: a, periods: 12 }).periods).toHaveLength(3);
  });

  it('uses the current period so far when no period has ended yet', () => {
    const h = fresh('2026-11-01T00:00:00Z');
    const a = h.account({ preset: 'flux', plan: 'edge' });
    h.op('actions.set', { account: a, action: 'api-request', cost: 5 });
    h.at('2026-11-20T12:00:00Z');
    h.op('usage.record', { account: a, action: 'api-request', quantity: 10 });
    const r = h.op('plans.fit', { account: a });
    expect(r.periods).toEqual([{ start: '2026-11-01T00:00:00.000Z', end: '2026-11-20T12:00:00.000Z', partial: true, used: { credits: 50 } }]);
    expect(r.replayed.partial).toBe(true);
  });

  it('prices a shortfall in whole packs, the cheapest way the plan may buy them', () => {
    const h = fresh('2026-10-01T00:00:00Z');
    const a = h.account({ preset: 'flux', plan: 'edge' });
    h.op('actions.set', { account: a, action: 'api-request', cost: 5 });
    h.op('grants.add', { account: a, pool: 'credits', amount: 1000, source: 'purchase', priceCents: 1000 });
    // October: 900 credits — Edge's 200 and 700 of the packs.
    h.at('2026-10-20T00:00:00Z');
    h.op('usage.record', { account: a, action: 'api-request', quantity: 40, at: '2026-10-05T08:00:00Z' }); // 200
    h.op('usage.record', { account: a, action: 'api-request', quantity: 140, at: '2026-10-15T08:00:00Z' }); // 700
    h.at('2026-11-03T00:00:00Z');
    const r = h.op('plans.fit', { account: a });
    expect(r.periods[0]).toMatchObject({ start: '2026-10-01T00:00:00.000Z', used: { credits: 900 } });
    const edge = r.plans.find((p) => p.plan === 'edge')!;
    // 700 short: two Starter packs (1,000 credits, $10) beat one Pro pack (2,000, $15).
    expect(edge.replay.pools[0]).toMatchObject({ short: 700, runsOutAt: '2026-10-15T08:00:00.000Z', topUpCents: 1000 });
    expect(edge.replay).toMatchObject({ extraCents: 1000, totalCents: null });
    expect(edge.replay.pools[0]!.packs).toEqual([{ pack: 'starter', name: 'Starter', pool: 'credits', count: 2, credits: 1000, priceCents: 1000, chosenAmount: false }]);
    // Edge alone is short; with the packs it may buy it covers the period.
    expect(edge).toMatchObject({ periodsFit: 0, periodsFitWithPacks: 1 });
    // Pulse may buy no packs: the shortfall cannot be priced.
    const pulse = r.plans.find((p) => p.plan === 'pulse')!;
    expect(pulse.replay.pools[0]).toMatchObject({ allocation: 0, short: 900, runsOutAt: '2026-10-05T08:00:00.000Z', topUpCents: null });
    expect(pulse).toMatchObject({ periodsFit: 0, periodsFitWithPacks: 0 });
    expect(pulse.replay.pools[0]!.packs).toBeNull();
  });

  it('leaves a plan whose allocation the docs do not give undecided, and refuses bad input', () => {
    const h = fresh('2026-10-01T00:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'pro', anchor: '2026-10-01' });
    h.at('2026-11-05T00:00:00Z');
    const r = h.op('plans.fit', { account: a });
    const enterprise = r.plans.find((p) => p.plan === 'enterprise')!;
    expect(enterprise).toMatchObject({ periodsFit: null, fitsAll: null });
    expect(enterprise.replay.pools[0]).toMatchObject({ allocation: null, short: null });
    expect(h.invalid('plans.fit', { account: a, periods: 0 }).message).toMatch(/periods/);
    expect(h.invalid('plans.fit', { account: 'nope' }).message).toMatch(/nope/);
  });
});
