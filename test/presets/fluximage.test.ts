/**
 * Fluximage, from "Credits and usage: compressions, AI credits, top-ups":
 * compression credits 20 / 200 / unlimited / unlimited and AI credits
 * 0 / 200 / 1,000 / 10,000 (Free / Starter / Pro / Agency); one image
 * processed = one compression credit; alt text and SEO rename on the same
 * image cost 1 AI credit together; top-ups are AI credits that never expire and
 * are used only after the monthly allocation; both pools reset on the billing
 * period start date. The usage API's fields are rebuilt here from 'balance.get'.
 */
import { describe, expect, test } from 'vitest';
import { ledger, type Ledger } from './helpers.js';

/** The doc's /api/usage response, derived from the ledger's balance. */
function usageApi(l: Ledger, account: string) {
  const b = l.run('balance.get', { account });
  const c = b.pools.find((p) => p.pool === 'compression')!;
  const a = b.pools.find((p) => p.pool === 'ai')!;
  return {
    plan: b.plan,
    compressor_used: c.usedThisPeriod,
    compressor_limit: c.unlimited ? 'unlimited' : c.allocation,
    ia_credits_used: a.usedThisPeriod,
    ia_credits_monthly: a.allocation,
    ia_topup_credits: a.topupRemaining,
    ia_credits_remaining: a.remaining,
    canCompress: c.unlimited || (c.available ?? 0) >= 1,
    canUseIA: a.unlimited || (a.available ?? 0) >= 1,
  };
}

describe('Fluximage', () => {
  test('Pro: unlimited compressions, 1,000 AI credits, one charge per image, a top-up that outlives the reset', () => {
    const l = ledger('2026-02-14T10:00:00Z');
    const fx = l.run('accounts.add', { preset: 'fluximage', plan: 'pro' }).id;
    expect(usageApi(l, fx)).toEqual({
      plan: 'pro',
      compressor_used: 0,
      compressor_limit: 'unlimited',
      ia_credits_used: 0,
      ia_credits_monthly: 1000,
      ia_topup_credits: 0,
      ia_credits_remaining: 1000,
      canCompress: true,
      canUseIA: true,
    });
    const c = l.pool(fx, 'compression');
    expect([c.unlimited, c.remaining, c.available, c.allocation]).toEqual([true, null, null, null]);

    // Compressions are never refused on Pro: 250 one by one (more than Starter's 200), then a batch of 5,000.
    for (let k = 0; k < 250; k++) {
      const u = l.run('usage.record', { account: fx, action: 'compress', attrs: { image: `photo-${k}` } });
      expect([u.status, u.credits]).toEqual(['applied', 1]);
    }
    expect(l.run('usage.record', { account: fx, action: 'compress', quantity: 5000 }).credits).toBe(5000);
    expect(l.pool(fx, 'compression').usedThisPeriod).toBe(5250);
    expect(l.pool(fx, 'compression').remaining).toBeNull();

    // Alt text and SEO rename on one image: 1 AI credit, in either order.
    const alt1 = l.run('usage.record', { account: fx, action: 'alt-text', attrs: { image: 'img-1' } });
    expect([alt1.status, alt1.credits]).toEqual(['applied', 1]);
    const seo1 = l.run('usage.record', { account: fx, action: 'seo-rename', attrs: { image: 'img-1' } });
    expect([seo1.status, seo1.credits, seo1.coveredBy]).toEqual(['covered', 0, alt1.eventId]);
    expect(l.run('usage.record', { account: fx, action: 'seo-rename', attrs: { image: 'img-2' } }).credits).toBe(1);
    expect(l.run('usage.record', { account: fx, action: 'alt-text', attrs: { image: 'img-2' } }).status).toBe('covered');
    expect(l.pool(fx, 'ai').usedThisPeriod).toBe(2);

    // A top-up of 100 AI credits.
    l.at('2026-02-20T09:00:00Z');
    const top = l.run('grants.add', { account: fx, pool: 'ai', amount: 100, source: 'purchase' });
    expect(top.expiresAt).toBeNull();
    // Still drawn from the monthly allocation first: 998 left there, a batch of 997 images leaves 1.
    expect(l.run('usage.record', { account: fx, action: 'alt-text', quantity: 997 }).debits.map((d) => [d.source, d.credits])).toEqual([['monthly', 997]]);
    expect(l.run('usage.record', { account: fx, action: 'alt-text', attrs: { image: 'img-3' } }).debits.map((d) => d.source)).toEqual(['monthly']);
    // Monthly used up: now the top-up pays, still once per image.
    const seo4 = l.run('usage.record', { account: fx, action: 'seo-rename', attrs: { image: 'img-4' } });
    expect(seo4.debits.map((d) => [d.source, d.credits])).toEqual([['purchase', 1]]);
    expect(l.run('usage.record', { account: fx, action: 'alt-text', attrs: { image: 'img-4' } }).credits).toBe(0);
    expect(usageApi(l, fx)).toEqual({
      plan: 'pro',
      compressor_used: 5250,
      compressor_limit: 'unlimited',
      ia_credits_used: 1001,
      ia_credits_monthly: 1000,
      ia_topup_credits: 99,
      ia_credits_remaining: 99,
      canCompress: true,
      canUseIA: true,
    });
    // Top-ups are AI credits only.
    const notCompression = l.refuse('grants.add', { account: fx, pool: 'compression', amount: 100, source: 'purchase' }, 'plan');
    expect(notCompression.message).toMatch(/only for ai/);

    // 14 March, the billing period start: both pools reset, the 99 top-up credits stay.
    l.at('2026-03-14T00:00:00Z');
    expect(usageApi(l, fx)).toEqual({
      plan: 'pro',
      compressor_used: 0,
      compressor_limit: 'unlimited',
      ia_credits_used: 0,
      ia_credits_monthly: 1000,
      ia_topup_credits: 99,
      ia_credits_remaining: 1099,
      canCompress: true,
      canUseIA: true,
    });
    expect(l.pool(fx, 'ai').nextReset).toBe('2026-04-14T00:00:00.000Z');
    l.at('2026-03-15T12:00:00Z');
    expect(l.run('usage.record', { account: fx, action: 'alt-text', attrs: { image: 'img-9' } }).debits.map((d) => d.source)).toEqual(['monthly']);
    const grants = l.run('grants.list', { account: fx });
    expect(grants.filter((g) => g.source === 'purchase').map((g) => [g.remaining, g.expired])).toEqual([[99, 0]]);
  });

  test('Starter: the 201st compression of the period is refused', () => {
    const l = ledger('2026-02-14T10:00:00Z');
    const fx = l.run('accounts.add', { preset: 'fluximage', plan: 'starter' }).id;
    for (let k = 0; k < 200; k++) l.run('usage.record', { account: fx, action: 'compress' });
    const e = l.refuse('usage.record', { account: fx, action: 'compress' }, 'insufficient_credits');
    expect(e.message).toMatch(/canCompress/);
    expect(usageApi(l, fx)).toEqual({
      plan: 'starter',
      compressor_used: 200,
      compressor_limit: 200,
      ia_credits_used: 0,
      ia_credits_monthly: 200,
      ia_topup_credits: 0,
      ia_credits_remaining: 200,
      canCompress: false,
      canUseIA: true,
    });
    // AI features are a separate pool and still work.
    expect(l.run('usage.record', { account: fx, action: 'alt-text', attrs: { image: 'a' } }).credits).toBe(1);
    // No compression top-ups; the next period brings 200 again.
    l.refuse('grants.add', { account: fx, pool: 'compression', amount: 50, source: 'purchase' }, 'plan');
    l.at('2026-03-14T00:00:00Z');
    expect(usageApi(l, fx).canCompress).toBe(true);
    expect(l.pool(fx, 'compression').remaining).toBe(200);
  });

  test('Free: 20 compressions and no AI credits until a top-up', () => {
    const l = ledger('2026-02-14T10:00:00Z');
    const fx = l.run('accounts.add', { preset: 'fluximage', plan: 'free' }).id;
    let v = usageApi(l, fx);
    expect([v.compressor_limit, v.ia_credits_monthly, v.ia_credits_remaining, v.canUseIA]).toEqual([20, 0, 0, false]);
    l.refuse('usage.record', { account: fx, action: 'alt-text', attrs: { image: 'a' } }, 'insufficient_credits');
    l.run('grants.add', { account: fx, pool: 'ai', amount: 10, source: 'purchase' });
    v = usageApi(l, fx);
    expect([v.ia_topup_credits, v.ia_credits_remaining, v.canUseIA]).toEqual([10, 10, true]);
    expect(l.run('usage.record', { account: fx, action: 'alt-text', attrs: { image: 'a' } }).debits.map((d) => d.source)).toEqual(['purchase']);
    expect(l.run('usage.record', { account: fx, action: 'compress', quantity: 20 }).credits).toBe(20);
    l.refuse('usage.record', { account: fx, action: 'compress' }, 'insufficient_credits');
  });
});
