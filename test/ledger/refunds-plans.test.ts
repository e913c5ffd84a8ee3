/**
 * Rule 10, refunds: only the unused part of a purchased grant, within the
 * provider's window (Lux: 30 days); money back = floor(price × unused / amount);
 * otherwise refused with the reason, and the refusal recorded.
 *
 * Rule 11, plans: a change takes effect at a stated instant — an upgrade grants
 * the difference at once, expiring at the reset; a downgrade keeps this
 * period's credits and gives the smaller allocation from the next reset;
 * changes are dated in order; packs only where the plan allows (Flux Edge
 * only; FluxNote none; Fluximage AI only).
 */
import { describe, expect, test } from 'vitest';
import { DAY, count, entries, fresh, grants, iso, ms } from './helpers.js';

describe('refunds', () => {
  /** Lux Free with a 1,000-credit purchase ($10) on 2026-03-12, and `used` of it spent. */
  const bought = (used: number, priceCents = 1000) => {
    const h = fresh('2026-03-12T09:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-03-01' });
    const g = h.op('grants.add', { account: a, pool: 'credits', amount: 1000, source: 'purchase', priceCents });
    expect(g.refundableUntil).toBe('2026-04-11T09:00:00.000Z');
    // The monthly 1,000 goes first, then `used` of the purchase.
    h.op('usage.record', { account: a, action: 'email', quantity: 1000 + used });
    return { h, a, grant: g.grantId };
  };

  test('partly used, within 30 days: refunds the unused credits and the same share of the price, rounded down', () => {
    const { h, a, grant } = bought(300, 999);
    h.at('2026-03-30T00:00:00Z');
    const r = h.op('grants.refund', { grant });
    // floor(999 × 700 / 1000) = floor(699.3) = 699.
    expect([r.credits, r.amountCents, r.currency]).toEqual([700, 699, 'USD']);
    const b = h.pool(a, 'credits');
    expect([b.topupRemaining, b.remaining]).toEqual([0, 0]);
    expect(entries(h.ctx, a, 'refund').map((e) => [e.grant_id, e.amount_mc, iso(e.at)])).toEqual([[grant, 700_000, '2026-03-30T00:00:00.000Z']]);
    expect(h.ctx.db.prepare('SELECT amount_mc, money_minor FROM refunds').all()).toEqual([{ amount_mc: 700_000, money_minor: 699 }]);
    // Nothing is left to refund now.
    const e = h.refused('grants.refund', { grant }, 'refund');
    expect(e.message).toMatch(/no unused credits/);
  });

  test('Lux: $10.00 for 1,000 credits, 250 used, refunded on day 10: 750 credits and $7.50', () => {
    const { h, a, grant } = bought(250);
    h.clock.set(ms('2026-03-12T09:00:00Z') + 10 * DAY);
    expect(h.op('grants.refund', { grant })).toMatchObject({ grantId: grant, credits: 750, amountCents: 750, currency: 'USD' });
    expect(h.pool(a, 'credits').remaining).toBe(0);
  });

  test('unused in full on day 29: the whole price comes back', () => {
    const { h, grant } = bought(0);
    h.clock.set(ms('2026-03-12T09:00:00Z') + 29 * DAY);
    expect(h.op('grants.refund', { grant })).toMatchObject({ credits: 1000, amountCents: 1000 });
  });

  test('after the 30-day window: refused with reason refund and recorded', () => {
    const { h, a, grant } = bought(100);
    h.clock.set(ms('2026-04-11T09:00:00Z') + 1);
    const e = h.refused('grants.refund', { grant }, 'refund');
    expect(e.message).toMatch(/30-day refund window .* closed at 2026-04-11T09:00:00.000Z/);
    expect(e.details).toMatchObject({ grantId: grant });
    expect(h.op('refusals.list', { account: a }).map((r) => [r.reason, r.action])).toEqual([['refund', 'refund']]);
    expect(count(h.ctx, 'refunds')).toBe(0);
    expect(h.pool(a, 'credits').topupRemaining).toBe(900);
  });

  test('a fully used purchase is refused', () => {
    const { h, grant } = bought(1000);
    expect(h.refused('grants.refund', { grant }, 'refund').message).toMatch(/no unused credits/);
  });

  test.each(['manual', 'bonus', 'promo'] as const)('a %s grant is refused: only purchased credits are refundable', (source) => {
    const h = fresh('2026-03-12T09:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    const g = h.op('grants.add', { account: a, pool: 'credits', amount: 10, source });
    expect(h.refused('grants.refund', { grant: g.grantId }, 'refund').message).toMatch(/only purchased credits can be refunded/);
  });

  test('a monthly grant is refused', () => {
    const h = fresh('2026-03-12T09:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    h.op('usage.record', { account: a, action: 'email' });
    h.refused('grants.refund', { grant: grants(h.ctx, a, 'monthly')[0]!.id }, 'refund');
  });

  test('a provider without a refund window (Flux pack) is refused', () => {
    const h = fresh('2026-03-12T09:00:00Z');
    const a = h.account({ preset: 'flux', plan: 'edge' });
    const g = h.op('grants.add', { account: a, pool: 'credits', amount: 500, source: 'purchase', priceCents: 500 });
    expect(g.refundableUntil).toBeNull();
    expect(h.refused('grants.refund', { grant: g.grantId }, 'refund').message).toMatch(/does not offer refunds/);
  });

  test('credits held for a running job are not refunded from under it', () => {
    const { h, grant, a } = bought(0);
    h.op('holds.place', { account: a, pool: 'credits', amount: 10 });
    expect(h.refused('grants.refund', { grant }, 'refund').message).toMatch(/held/);
  });

  test('an unknown grant is an input error', () => {
    const h = fresh('2026-03-12T09:00:00Z');
    h.account({ preset: 'lux', plan: 'free' });
    expect(h.invalid('grants.refund', { grant: 'gr_missing' }).message).toMatch(/not found/);
  });
});

describe('plans', () => {
  test('upgrade mid-period grants the difference at once, expiring at the reset; the next period gets the new allocation', () => {
    const h = fresh('2026-01-20T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-01-10' });
    h.op('usage.record', { account: a, action: 'email', quantity: 400 });
    const r = h.op('accounts.plan', { account: a, plan: 'starter' });
    expect(r).toMatchObject({ from: 'free', to: 'starter', effectiveAt: '2026-01-20T12:00:00.000Z', granted: [{ pool: 'credits', credits: 9000 }] });
    const up = grants(h.ctx, a, 'upgrade');
    expect(up.map((g) => [g.amount_mc, iso(g.granted_at), iso(g.expires_at!)])).toEqual([[9_000_000, '2026-01-20T12:00:00.000Z', '2026-02-10T00:00:00.000Z']]);
    expect(h.pool(a, 'credits')).toMatchObject({ allocation: 10_000, remaining: 9600, usedThisPeriod: 400 });
    h.at('2026-02-10T00:00:00Z');
    h.op('usage.record', { account: a, action: 'email' });
    expect(h.pool(a, 'credits')).toMatchObject({ allocation: 10_000, remaining: 9999 });
    // Both January grants expired at the reset: 600 of the monthly, 9,000 of the upgrade.
    expect(entries(h.ctx, a, 'expire').map((e) => [e.source, e.amount_mc, iso(e.at)])).toEqual([
      ['monthly', 600_000, '2026-02-10T00:00:00.000Z'],
      ['upgrade', 9_000_000, '2026-02-10T00:00:00.000Z'],
    ]);
  });

  test('downgrade keeps this period’s credits; the smaller allocation starts at the next reset', () => {
    const h = fresh('2026-01-20T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'starter', anchor: '2026-01-10' });
    h.op('usage.record', { account: a, action: 'email', quantity: 100 });
    const r = h.op('accounts.plan', { account: a, plan: 'free' });
    expect(r.granted).toEqual([]);
    expect(h.pool(a, 'credits')).toMatchObject({ remaining: 9900 });
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 5000 }).credits).toBe(5000);
    h.at('2026-02-10T00:00:00Z');
    expect(h.pool(a, 'credits')).toMatchObject({ allocation: 1000, remaining: 1000 });
    h.op('usage.record', { account: a, action: 'email' });
    expect(grants(h.ctx, a, 'monthly').map((g) => g.amount_mc)).toEqual([10_000_000, 1_000_000]);
  });

  test('a plan change dated at a stated instant; an earlier-dated change after it is refused', () => {
    const h = fresh('2026-01-25T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-01-10' });
    h.op('accounts.plan', { account: a, plan: 'starter', at: '2026-01-22T00:00:00Z' });
    expect(grants(h.ctx, a, 'upgrade').map((g) => iso(g.granted_at))).toEqual(['2026-01-22T00:00:00.000Z']);
    const e = h.invalid('accounts.plan', { account: a, plan: 'pro', at: '2026-01-21T00:00:00Z' });
    expect(e.message).toMatch(/later plan change/);
    expect(h.op('accounts.show', { account: a }).plan).toBe('starter');
    // Changing to the plan already in force is refused too.
    expect(h.invalid('accounts.plan', { account: a, plan: 'starter' }).message).toMatch(/already on/);
  });

  test('a second upgrade in one period grants only what was not yet granted', () => {
    const h = fresh('2026-01-20T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-01-10' });
    h.op('accounts.plan', { account: a, plan: 'starter' });
    h.op('accounts.plan', { account: a, plan: 'free' });
    const r = h.op('accounts.plan', { account: a, plan: 'pro' });
    expect(r.granted).toEqual([{ pool: 'credits', credits: 90_000 }]);
    expect(h.pool(a, 'credits')).toMatchObject({ allocation: 100_000, remaining: 100_000 });
  });

  test('Fluximage Starter → Pro makes compression unlimited from the change on; back to Starter, the period has used its 200 already', () => {
    const h = fresh('2026-01-20T12:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'starter' });
    h.op('usage.record', { account: a, action: 'compress', quantity: 200 });
    h.refused('usage.record', { account: a, action: 'compress' }, 'insufficient_credits');
    h.op('accounts.plan', { account: a, plan: 'pro' });
    expect(h.op('usage.record', { account: a, action: 'compress', quantity: 5000 }).debits.map((d) => d.source)).toEqual(['unlimited']);
    expect(h.pool(a, 'compression').unlimited).toBe(true);
    h.at('2026-01-25T12:00:00Z');
    const down = h.op('accounts.plan', { account: a, plan: 'starter' });
    // 5,200 compressions this period against Starter's 200: nothing is minted.
    expect([down.granted, down.forfeited]).toEqual([[], []]);
    expect(h.pool(a, 'compression')).toMatchObject({ unlimited: false, remaining: 0 });
    h.refused('usage.record', { account: a, action: 'compress' }, 'insufficient_credits');
  });

  test('Flux Pulse → Edge mid-month grants 200 at once and opens pack purchases', () => {
    const h = fresh('2026-03-15T00:00:00Z');
    const a = h.account({ preset: 'flux', plan: 'pulse' });
    expect(h.pool(a, 'credits').remaining).toBe(0);
    h.refused('grants.add', { account: a, pool: 'credits', amount: 500, source: 'purchase', priceCents: 500 }, 'plan');
    h.op('accounts.plan', { account: a, plan: 'edge' });
    expect(h.pool(a, 'credits')).toMatchObject({ remaining: 200, nextReset: '2026-04-01T00:00:00.000Z' });
    h.op('grants.add', { account: a, pool: 'credits', amount: 500, source: 'purchase', priceCents: 500 });
    expect(h.pool(a, 'credits').remaining).toBe(700);
  });
});

describe('plans: which plans may buy packs', () => {
  const buy = (preset: string, plan: string, pool: string) => {
    const h = fresh('2026-03-15T00:00:00Z');
    const a = h.account({ preset, plan });
    return { h, a, input: { account: a, pool, amount: 100, source: 'purchase' as const, priceCents: 100 } };
  };

  test.each([
    ['flux', 'pulse', 'credits'],
    ['fluxnote', 'free', 'video'],
    ['fluxnote', 'rise', 'image'],
    ['fluxnote', 'pro', 'video'],
    ['fluxnote', 'max', 'image'],
    ['fluximage', 'starter', 'compression'],
    ['fluximage', 'free', 'compression'],
  ])('%s %s: buying %s credits is refused with reason plan and recorded', (preset, plan, pool) => {
    const { h, a, input } = buy(preset, plan, pool);
    const e = h.refused('grants.add', input, 'plan');
    expect(e.message.length).toBeGreaterThan(10);
    expect(h.op('refusals.list', { account: a }).map((r) => r.reason)).toEqual(['plan']);
    expect(count(h.ctx, 'grants', a)).toBe(0);
  });

  test.each([
    ['flux', 'edge', 'credits'],
    ['fluximage', 'free', 'ai'],
    ['fluximage', 'agency', 'ai'],
    ['lux', 'free', 'credits'],
  ])('%s %s: buying %s credits is allowed', (preset, plan, pool) => {
    const { h, a, input } = buy(preset, plan, pool);
    expect(h.op('grants.add', input).status).toBe('granted');
    expect(h.pool(a, pool).topupRemaining).toBe(100);
  });
});
