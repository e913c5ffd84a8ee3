/**
 * The Fluximage shape (usage.fluximage, GET /api/usage, `usage --format
 * fluximage`) field by field against Fluximage's document "Credits and usage:
 * compressions, AI credits, top-ups", on every plan, with and without top-ups.
 */
import { describe, expect, test } from 'vitest';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';

// The document's field table, in its order.
const DOC_FIELDS = ['plan', 'compressor_used', 'compressor_limit', 'ia_credits_used', 'ia_credits_monthly', 'ia_topup_credits', 'ia_credits_remaining', 'canCompress', 'canUseIA'];
// The document's allocation tables: compression credits and AI credits per month ("Unlimited" for Pro and Agency compressions).
const DOC_PLANS = {
  free: { compression: 20, ai: 0 },
  starter: { compression: 200, ai: 200 },
  pro: { compression: 'Unlimited', ai: 1000 },
  agency: { compression: 'Unlimited', ai: 10000 },
} as const;

function ledger(plan: keyof typeof DOC_PLANS) {
  const clock = new ManualClock(Date.parse('2026-11-15T12:00:00Z'));
  const ctx = openLedger(':memory:', { clock, ids: seededIds(3) });
  const id = call(ctx, 'accounts.add', { preset: 'fluximage', plan, anchor: '2026-11-03', name: 'Studio images' }).id;
  // count images in one event (no image attribute, so nothing is covered by another action on the same image)
  const use = (action: string, count: number) => call(ctx, 'usage.record', { account: id, action, quantity: count });
  const topup = (credits: number) => call(ctx, 'grants.add', { account: id, pool: 'ai', amount: credits, source: 'purchase' });
  const shape = () => call(ctx, 'usage.fluximage', { account: id });
  return { ctx, id, use, topup, shape };
}

const limitOf = (c: number | 'Unlimited') => (c === 'Unlimited' ? null : c);

describe.each(Object.entries(DOC_PLANS))('Fluximage %s', (plan, doc) => {
  test('without top-ups: every documented field, in order, from the ledger', () => {
    const l = ledger(plan as keyof typeof DOC_PLANS);
    l.use('compress', 7);
    if (doc.ai > 0) l.use('alt-text', 5);
    const u = l.shape();
    expect(Object.keys(u)).toEqual(DOC_FIELDS);
    expect(u).toEqual({
      plan,
      compressor_used: 7,
      compressor_limit: limitOf(doc.compression),
      ia_credits_used: doc.ai > 0 ? 5 : 0,
      ia_credits_monthly: doc.ai,
      ia_topup_credits: 0,
      ia_credits_remaining: doc.ai > 0 ? doc.ai - 5 : 0,
      canCompress: true,
      canUseIA: doc.ai > 0,
    });
    expect(checkInvariants(l.ctx)).toEqual([]);
  });

  test('with top-ups: they count in the remaining total and are spent only after the monthly allocation', () => {
    const l = ledger(plan as keyof typeof DOC_PLANS);
    l.topup(30);
    expect(l.shape()).toMatchObject({ ia_credits_used: 0, ia_credits_monthly: doc.ai, ia_topup_credits: 30, ia_credits_remaining: doc.ai + 30, canUseIA: true });
    // Use the whole monthly allocation and 4 more: the 4 come from the top-up.
    l.use('alt-text', doc.ai + 4);
    const u = l.shape();
    expect(u).toMatchObject({ ia_credits_used: doc.ai + 4, ia_credits_monthly: doc.ai, ia_topup_credits: 26, ia_credits_remaining: 26, canUseIA: true });
    l.use('seo-rename', 26);
    expect(l.shape()).toMatchObject({ ia_credits_used: doc.ai + 30, ia_topup_credits: 0, ia_credits_remaining: 0, canUseIA: false });
    expect(checkInvariants(l.ctx)).toEqual([]);
  });
});

describe('the edges the document names', () => {
  test('canCompress turns false when the monthly compressions are used (Free: 20)', () => {
    const l = ledger('free');
    l.use('compress', 19);
    expect(l.shape()).toMatchObject({ compressor_used: 19, compressor_limit: 20, canCompress: true });
    l.use('compress', 1);
    expect(l.shape()).toMatchObject({ compressor_used: 20, compressor_limit: 20, canCompress: false });
  });

  test('unlimited compressions (Pro, Agency): limit null, never blocked', () => {
    const l = ledger('agency');
    l.use('compress', 250);
    expect(l.shape()).toMatchObject({ compressor_used: 250, compressor_limit: null, canCompress: true });
    // JSON keeps null (JSON.stringify(Infinity) is null too).
    expect(JSON.parse(JSON.stringify(l.shape())).compressor_limit).toBeNull();
  });

  test('alt text and SEO rename on one image cost 1 AI credit together', () => {
    const l = ledger('starter');
    call(l.ctx, 'usage.record', { account: l.id, action: 'alt-text', attrs: { image: 'hero.png' } });
    call(l.ctx, 'usage.record', { account: l.id, action: 'seo-rename', attrs: { image: 'hero.png' } });
    expect(l.shape()).toMatchObject({ ia_credits_used: 1, ia_credits_remaining: 199 });
  });

  test('a reset clears the monthly usage; top-ups are never cleared', () => {
    const l = ledger('starter');
    l.topup(10);
    l.use('alt-text', 200);
    l.use('compress', 50);
    (l.ctx.clock as ManualClock).set(Date.parse('2026-12-03T00:00:00Z'));
    expect(l.shape()).toMatchObject({ compressor_used: 0, ia_credits_used: 0, ia_credits_monthly: 200, ia_topup_credits: 10, ia_credits_remaining: 210 });
  });

  test('credits held for a batch job are not available: canUseIA says so, the remaining total still counts them', () => {
    const l = ledger('starter');
    l.use('alt-text', 150);
    call(l.ctx, 'holds.place', { account: l.id, pool: 'ai', amount: 50 });
    expect(l.shape()).toMatchObject({ ia_credits_remaining: 50, canUseIA: false });
  });

  test('another provider\'s account, or no account to choose, is a clear error', () => {
    const l = ledger('pro');
    const lux = call(l.ctx, 'accounts.add', { preset: 'lux', plan: 'free' }).id;
    expect(() => call(l.ctx, 'usage.fluximage', { account: lux })).toThrow(`${lux} is a Lux account; this shape is Fluximage's (compression and AI credits): read /v1/balances/${lux} instead`);
    // One Fluximage account: it is the one meant.
    expect(call(l.ctx, 'usage.fluximage', {}).plan).toBe('pro');
    const second = call(l.ctx, 'accounts.add', { preset: 'fluximage', plan: 'free', name: 'Second' }).id;
    expect(() => call(l.ctx, 'usage.fluximage', {})).toThrow(`name the account (?account=ID): ${[l.id, second].sort().join(', ')} are Fluximage accounts`);
  });
});
