/**
 * Rule 4, top-ups and draw-down: top-ups never expire unless given an expiry,
 * survive resets and are used only after the monthly grant. Order: the current
 * monthly grant first, then the soonest-expiring grant, then promo/bonus before
 * manual before purchased, then the oldest first. One event spanning several
 * grants writes one entry per grant — all or nothing.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { RefusedError } from '../../main/core/util/errors.js';
import { DAY, HOUR, contentHash, count, entries, fresh, grants, remainingMc, thrown } from './helpers.js';

describe('draw-down order', () => {
  /** A Lux Free account (1,000 monthly) with top-ups of every kind, added in a known order. */
  const stocked = () => {
    const h = fresh('2026-03-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    const add = (amount: number, source: 'purchase' | 'bonus' | 'promo' | 'manual', expires?: string) => {
      h.clock.advance(60_000);
      return h.op('grants.add', { account: a, pool: 'credits', amount, source, ...(expires ? { expires } : {}) }).grantId;
    };
    const g = {
      purchaseOld: add(50, 'purchase'),
      manual: add(40, 'manual'),
      bonusOld: add(5, 'bonus'),
      promo: add(30, 'promo'),
      promoExpiring: add(20, 'promo', '2026-03-30T00:00:00Z'),
      purchaseExpiring: add(10, 'purchase', '2026-03-25T00:00:00Z'),
      purchaseNew: add(60, 'purchase'),
    };
    h.clock.advance(60_000);
    return { h, a, g };
  };

  test('one event spanning every grant: monthly, soonest-expiring, promo/bonus, manual, purchase, oldest first — one entry each', () => {
    const { h, a, g } = stocked();
    const monthly = grants(h.ctx, a, 'monthly')[0]!.id;
    // 1000 + 10 + 20 + 5 + 30 + 40 + 50 + 7 of the newest purchase.
    const r = h.op('usage.record', { account: a, action: 'email', quantity: 1162 });
    expect(r.credits).toBe(1162);
    expect(r.debits.map((d) => [d.grantId, d.source, d.credits])).toEqual([
      [monthly, 'monthly', 1000],
      [g.purchaseExpiring, 'purchase', 10],
      [g.promoExpiring, 'promo', 20],
      [g.bonusOld, 'bonus', 5],
      [g.promo, 'promo', 30],
      [g.manual, 'manual', 40],
      [g.purchaseOld, 'purchase', 50],
      [g.purchaseNew, 'purchase', 7],
    ]);
    // The entries table agrees: one 'use' entry per grant, summing to the cost.
    const uses = entries(h.ctx, a, 'use').filter((e) => e.event_id === r.eventId);
    expect(uses.map((e) => [e.grant_id, e.amount_mc])).toEqual(r.debits.map((d) => [d.grantId, d.credits * 1000]));
    expect(uses.reduce((s, e) => s + e.amount_mc, 0)).toBe(1_162_000);
    expect(remainingMc(h.ctx, g.purchaseNew)).toBe(53_000);
    expect(h.pool(a, 'credits').remaining).toBe(53);
  });

  test('small events take the monthly grant first even when a top-up expires sooner', () => {
    const { h, a } = stocked();
    const r = h.op('usage.record', { account: a, action: 'sms', quantity: 3 });
    expect(r.debits.map((d) => [d.source, d.credits])).toEqual([['monthly', 6]]);
    const b = h.pool(a, 'credits');
    expect([b.monthlyRemaining, b.topupRemaining]).toEqual([994, 215]);
  });

  test('top-ups survive the reset; the new monthly grant is used before them again', () => {
    const { h, a, g } = stocked();
    h.op('usage.record', { account: a, action: 'email', quantity: 1005 }); // monthly + 5 of the expiring purchase
    h.at('2026-04-10T00:00:00Z');
    const b = h.pool(a, 'credits');
    // The two expiring top-ups lapsed on Mar 25 / Mar 30; the rest carry on: 5 + 30 + 40 + 50 + 60.
    expect([b.monthlyRemaining, b.topupRemaining]).toEqual([1000, 185]);
    const r = h.op('usage.record', { account: a, action: 'email', quantity: 2 });
    expect(r.debits.map((d) => d.source)).toEqual(['monthly']);
    // The expiring top-ups' leftovers were written off at their own expiry instants.
    const exp = entries(h.ctx, a, 'expire').filter((e) => e.grant_id === g.purchaseExpiring || e.grant_id === g.promoExpiring);
    expect(exp.map((e) => [e.grant_id, e.amount_mc, new Date(e.at).toISOString()])).toEqual([
      [g.purchaseExpiring, 5000, '2026-03-25T00:00:00.000Z'],
      [g.promoExpiring, 20_000, '2026-03-30T00:00:00.000Z'],
    ]);
  });

  test('a refused event writes no entries at all and changes no grant', () => {
    const { h, a } = stocked();
    const before = { entries: count(h.ctx, 'entries', a), events: count(h.ctx, 'events', a), balances: h.ctx.db.prepare('SELECT * FROM grant_balances ORDER BY grant_id').all() };
    // 1,215 available; ask for 1,216.
    const e = h.refused('usage.record', { account: a, action: 'email', quantity: 1216 }, 'insufficient_credits');
    expect(e.details).toMatchObject({ cost: 1216, available: 1215 });
    expect(count(h.ctx, 'entries', a)).toBe(before.entries);
    expect(count(h.ctx, 'events', a)).toBe(before.events);
    expect(h.ctx.db.prepare('SELECT * FROM grant_balances ORDER BY grant_id').all()).toEqual(before.balances);
    // Exactly everything is fine.
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 1215 }).debits).toHaveLength(8);
    expect(h.pool(a, 'credits').remaining).toBe(0);
  });

  test('an event that fails midway for bad input leaves every table as it was', () => {
    const { h, a } = stocked();
    const hash = contentHash(h.ctx);
    h.invalid('usage.record', { account: a, action: 'email', quantity: 3, member: 'nobody' });
    expect(contentHash(h.ctx)).toBe(hash);
  });

  test('a top-up with a key is granted once; the same key for another grant is an input error', () => {
    const h = fresh('2026-03-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    const g1 = h.op('grants.add', { account: a, pool: 'credits', amount: 25, source: 'purchase', priceCents: 250, key: 'stripe-cs_1' });
    const g2 = h.op('grants.add', { account: a, pool: 'credits', amount: 25, source: 'purchase', priceCents: 250, key: 'stripe-cs_1' });
    expect([g1.status, g2.status, g2.grantId]).toEqual(['granted', 'duplicate', g1.grantId]);
    expect(h.pool(a, 'credits').topupRemaining).toBe(25);
    expect(h.invalid('grants.add', { account: a, pool: 'credits', amount: 30, source: 'purchase', key: 'stripe-cs_1' }).message).toMatch(/idempotency key "stripe-cs_1" was already used for gr_\w+ with a different amount;/);
  });

  test('top-ups never expire unless given an expiry: a year of resets later they are all there', () => {
    const h = fresh('2026-03-10T12:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'starter' });
    h.op('grants.add', { account: a, pool: 'ai', amount: 30, source: 'purchase', priceCents: 300 });
    h.op('grants.add', { account: a, pool: 'ai', amount: 5, source: 'promo', expires: '2026-06-01T00:00:00Z' });
    h.at('2027-03-15T00:00:00Z');
    h.op('usage.record', { account: a, action: 'compress' });
    expect(h.pool(a, 'ai')).toMatchObject({ monthlyRemaining: 200, topupRemaining: 30 });
    expect(grants(h.ctx, a, 'monthly').filter((g) => g.pool === 'ai')).toHaveLength(13);
  });

  test('a top-up dated later in the period is not used for an event dated before it', () => {
    const h = fresh('2026-03-20T12:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'free', anchor: '2026-03-10' });
    h.op('usage.record', { account: a, action: 'video', at: '2026-03-11T00:00:00Z' });
    h.op('grants.add', { account: a, pool: 'video', amount: 2, source: 'manual', at: '2026-03-20T00:00:00Z' });
    const e = h.refused('usage.record', { account: a, action: 'video', at: '2026-03-15T00:00:00Z' }, 'insufficient_credits');
    expect(e.details).toMatchObject({ available: 0 });
    expect(h.op('usage.record', { account: a, action: 'video' }).debits.map((d) => d.source)).toEqual(['manual']);
  });
});

describe('draw-down: property', () => {
  type Op =
    | { kind: 'grant'; amount: number; source: 'purchase' | 'bonus' | 'promo' | 'manual'; expiresInH: number | null }
    | { kind: 'use'; quantity: number }
    | { kind: 'wait'; hours: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('grant' as const),
      amount: fc.integer({ min: 1, max: 60 }),
      source: fc.constantFrom('purchase' as const, 'bonus' as const, 'promo' as const, 'manual' as const),
      expiresInH: fc.option(fc.integer({ min: 1, max: 24 * 40 }), { nil: null }),
    }),
    fc.record({ kind: fc.constant('use' as const), quantity: fc.integer({ min: 1, max: 120 }) }),
    fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 24 * 12 }) }),
  );
  const RANK: Record<string, number> = { promo: 0, bonus: 0, manual: 1, purchase: 2 };

  test('random grants and uses: no grant goes negative, debits sum to the cost, and the greedy order holds', () => {
    let multi = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        // Lux Enterprise with a small allocation (100 a month), so events often span several grants.
        const h = fresh('2026-01-05T00:00:00Z');
        const a = h.account({ preset: 'lux', plan: 'enterprise', amounts: { credits: '100' } });
        for (const o of ops) {
          if (o.kind === 'wait') {
            h.clock.advance(o.hours * HOUR);
            continue;
          }
          if (o.kind === 'grant') {
            const expires = o.expiresInH === null ? undefined : new Date(h.clock.now() + o.expiresInH * HOUR).toISOString();
            h.op('grants.add', { account: a, pool: 'credits', amount: o.amount, source: o.source, ...(expires ? { expires } : {}) });
            continue;
          }
          const avail = h.pool(a, 'credits').available!;
          const now = h.clock.now();
          if (o.quantity > avail) {
            const e = thrown(() => h.op('usage.record', { account: a, action: 'email', quantity: o.quantity }));
            expect(e).toBeInstanceOf(RefusedError);
            continue;
          }
          const r = h.op('usage.record', { account: a, action: 'email', quantity: o.quantity });
          const sum = r.debits.reduce((s, d) => s + Math.round(d.credits * 1000), 0);
          expect(sum).toBe(o.quantity * 1000);
          // Greedy: every grant drawn but the last is now empty, and every grant still
          // holding credits ranks after the last one drawn.
          const live = grants(h.ctx, a).filter((g) => g.granted_at <= now && (g.expires_at === null || g.expires_at > now));
          const key = (g: (typeof live)[number]) => [g.source === 'monthly' ? 0 : 1, g.expires_at === null ? 1 : 0, g.expires_at ?? 0, RANK[g.source] ?? 2, g.granted_at];
          const cmp = (x: number[], y: number[]) => {
            for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
            return 0;
          };
          const drawn = r.debits.map((d) => live.find((g) => g.id === d.grantId)!);
          if (drawn.length > 1) multi++;
          for (let i = 0; i + 1 < drawn.length; i++) {
            expect(remainingMc(h.ctx, drawn[i]!.id)).toBe(0);
            expect(cmp(key(drawn[i]!), key(drawn[i + 1]!))).toBeLessThanOrEqual(0);
          }
          const last = drawn[drawn.length - 1]!;
          for (const g of live) {
            if (r.debits.some((d) => d.grantId === g.id)) continue;
            if (remainingMc(h.ctx, g.id) > 0) expect(cmp(key(g), key(last))).toBeGreaterThanOrEqual(0);
          }
        }
        const neg = h.ctx.db.prepare('SELECT COUNT(*) AS n FROM grant_balances WHERE remaining_mc < 0').get() as { n: number };
        expect(neg.n).toBe(0);
      }),
      // Seeded, so the runs (and the check below that they spanned grants) are the same everywhere.
      { numRuns: 40, seed: 20261104 },
    );
    // The runs did exercise events spanning several grants.
    expect(multi).toBeGreaterThan(5);
  });

  test('a day of 0.001-credit events never loses or invents a millicredit', () => {
    const h = fresh('2026-01-05T00:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    h.op('grants.add', { account: a, pool: 'credits', amount: '0.003', source: 'promo', expires: new Date(h.clock.now() + DAY).toISOString() });
    for (let i = 0; i < 50; i++) h.op('usage.record', { account: a, action: 'voice-synthesis', quantity: 1 });
    // 1000.003 − 50 × 0.001
    expect(h.pool(a, 'credits').remaining).toBe(999.953);
  });
});
