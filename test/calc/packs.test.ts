/**
 * Packs in plan sizing: where a provider sells packs, `calc` counts a plan
 * plus whole packs as a way to cover a monthly need, prices it exactly and
 * recommends the cheapest way it can tell — and says so in words.
 */
import { describe, expect, test } from 'vitest';
import { calc } from '../../main/core/calc.js';
import { providerSchema, type ProviderInput } from '../../main/core/presets/schema.js';
import { ledger } from '../presets/helpers.js';

const l = ledger('2026-05-14T12:00:00Z');
const run = (input: Parameters<typeof l.run<'calc'>>[1]) => l.run('calc', input);

describe('Flux: Edge plus packs', () => {
  test('300 credits a month + 20 % = 360: Edge (200) and one $5 Starter pack', () => {
    const r = run({ preset: 'flux', need: { credits: '300' } });
    expect(r.needs).toEqual({ credits: 360 });
    const [pulse, edge] = r.plans;
    // Pulse gets no credits and may buy no packs: it cannot cover the need.
    expect(pulse).toMatchObject({ plan: 'pulse', fits: false, packs: null, packsCents: null, totalCents: null });
    expect(edge).toMatchObject({ plan: 'edge', fits: false, shortfall: { credits: 160 }, packsCents: 500, totalCents: null });
    expect(edge!.packs).toEqual([{ pack: 'starter', name: 'Starter', pool: 'credits', count: 1, credits: 500, priceCents: 500, chosenAmount: false }]);
    expect(r.recommended).toBe('edge');
    expect(r.advice).toBe("Edge + 1 Starter pack (500 credits) a month: $5.00 for the pack, plus Edge's price, which the docs do not state. Gives 700 credits a month for the 360 you need.");
  });

  test('the least-cost mix of packs: 2,800 short → two Starters and a Pro ($25), not two Pros ($30)', () => {
    const r = run({ preset: 'flux', need: { credits: '2500' } });
    const edge = r.plans.find((p) => p.plan === 'edge')!;
    expect(edge.packs!.map((k) => [k.pack, k.count, k.credits, k.priceCents])).toEqual([
      ['starter', 2, 1000, 1000],
      ['pro', 1, 2000, 1500],
    ]);
    expect(edge.packsCents).toBe(2500);
    expect(r.advice).toMatch(/^Edge \+ 2 Starter packs \(1,000 credits\) \+ 1 Pro pack \(2,000 credits\) a month: \$25\.00 for the packs/);
  });

  test('a need the plan covers alone buys no packs', () => {
    const edge = run({ preset: 'flux', need: { credits: '100' } }).plans.find((p) => p.plan === 'edge')!;
    expect(edge).toMatchObject({ fits: true, packs: [], packsCents: 0 });
  });
});

describe('the recommendation', () => {
  test('FluxNote sells no packs: the guide walk is unchanged, with its monthly cost in words', () => {
    const r = run({ preset: 'fluxnote', videos: 5, variations: 4 });
    expect(r.plans.map((p) => [p.plan, p.packs, p.totalCents])).toEqual([
      ['free', null, null],
      ['rise', null, null],
      ['pro', [], 1500],
      ['max', [], 3000],
    ]);
    expect(r.recommended).toBe('pro');
    expect(r.advice).toBe('Pro: $15.00 a month. Gives 50 videos a month for the 24 you need.');
  });

  test('Lux: a pack of the amount you choose covers Free, but with no price stated the plan that fits alone is recommended', () => {
    const r = run({ preset: 'lux', need: { credits: '5000' } });
    expect(r.plans[0]!.packs).toEqual([{ pack: 'credits', name: 'Add credits', pool: 'credits', count: 1, credits: 5000, priceCents: null, chosenAmount: true }]);
    expect(r.recommended).toBe('starter');
    expect(r.advice).toBe("Starter: Starter's price is not stated in the docs. Gives 10,000 credits a month for the 6,000 you need.");
  });

  test('Flowly gives no plan sizes: nothing to recommend', () => {
    expect(run({ preset: 'flowly', need: { credits: '100' } })).toMatchObject({ recommended: null, advice: null });
  });

  test('with every price known, the cheapest total wins — a small plan with a pack over a bigger plan', () => {
    const doc: ProviderInput = {
      id: 'acme',
      name: 'Acme',
      currency: 'USD',
      reset: { rule: 'anniversary' },
      pools: [{ id: 'credits', label: 'Credits', unit: 'credit' }],
      plans: [
        { id: 'small', name: 'Small', priceCents: 1000, allocations: { credits: 200 }, packPools: ['credits'] },
        { id: 'big', name: 'Big', priceCents: 3000, allocations: { credits: 1000 } },
      ],
      packs: [{ id: 'p500', name: 'Boost', pool: 'credits', credits: 500, priceCents: 500 }],
      actions: [],
    };
    const provider = providerSchema.parse(doc);
    const r = calc(provider, { need: { credits: '500' } });
    expect(r.plans.map((p) => [p.plan, p.totalCents])).toEqual([
      ['small', 1500],
      ['big', 3000],
    ]);
    expect(r.recommended).toBe('small');
    expect(r.advice).toBe('Small + 1 Boost pack (500 credits) a month: $15.00 a month ($10.00 plan + $5.00 packs). Gives 700 credits a month for the 600 you need.');
    // 1,000 × 1.2 = 1,200: Small + 2 packs ($20) still beats Big, which is short now.
    expect(calc(provider, { need: { credits: '1000' } })).toMatchObject({ recommended: 'small', plans: [{ totalCents: 2000 }, { fits: false, packs: null }] });
  });
});
