/**
 * Rule 9: ledger rows are never updated or deleted (triggers refuse it);
 * voiding writes reversing entries that return credits to the grants they came
 * from where those are still live — where a grant has expired since, the
 * reversal is followed by an expiry: usage goes down, the balance does not
 * come back.
 */
import { describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { entries, fresh, grants, iso, remainingMc } from './helpers.js';

describe('voids', () => {
  test('voiding returns each part of the event to the grant it came from', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-06-01' });
    const bonus = h.op('grants.add', { account: a, pool: 'credits', amount: 50, source: 'bonus' }).grantId;
    const purchase = h.op('grants.add', { account: a, pool: 'credits', amount: 50, source: 'purchase', priceCents: 500 }).grantId;
    h.op('usage.record', { account: a, action: 'email', quantity: 980 });
    const ev = h.op('usage.record', { account: a, action: 'email', quantity: 90 });
    const monthly = grants(h.ctx, a, 'monthly')[0]!.id;
    expect(ev.debits.map((d) => [d.grantId, d.credits])).toEqual([
      [monthly, 20],
      [bonus, 50],
      [purchase, 20],
    ]);
    h.at('2026-06-11T12:00:00Z');
    const v = h.op('events.void', { event: ev.eventId, reason: 'flow failed' });
    expect(v.status).toBe('voided');
    expect(v.returned).toEqual([
      { grantId: monthly, credits: 20, live: true },
      { grantId: bonus, credits: 50, live: true },
      { grantId: purchase, credits: 20, live: true },
    ]);
    expect([remainingMc(h.ctx, monthly), remainingMc(h.ctx, bonus), remainingMc(h.ctx, purchase)]).toEqual([20_000, 50_000, 50_000]);
    const voids = entries(h.ctx, a, 'void');
    expect(voids.map((e) => [e.grant_id, e.amount_mc, iso(e.at), e.event_id])).toEqual([
      [monthly, 20_000, '2026-06-11T12:00:00.000Z', ev.eventId],
      [bonus, 50_000, '2026-06-11T12:00:00.000Z', ev.eventId],
      [purchase, 20_000, '2026-06-11T12:00:00.000Z', ev.eventId],
    ]);
    expect(h.pool(a, 'credits')).toMatchObject({ remaining: 120, usedThisPeriod: 980 });
    // The original use entries are still there, untouched.
    expect(entries(h.ctx, a, 'use').filter((e) => e.event_id === ev.eventId)).toHaveLength(3);
    expect(h.op('events.list', { account: a }).events[0]).toMatchObject({ eventId: ev.eventId, voided: true });
  });

  test('voiding twice is a duplicate that returns nothing more', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    const ev = h.op('usage.record', { account: a, action: 'sms', quantity: 5 });
    h.op('events.void', { event: ev.eventId });
    const again = h.op('events.void', { event: ev.eventId });
    expect([again.status, again.returned]).toEqual(['duplicate', []]);
    expect(h.pool(a, 'credits')).toMatchObject({ remaining: 1000, usedThisPeriod: 0 });
    expect(entries(h.ctx, a, 'void')).toHaveLength(1);
  });

  test('an event cannot be voided a second time under another spelling of its id', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    const ev = h.op('usage.record', { account: a, action: 'sms', quantity: 5 });
    expect(ev.eventId).toMatch(/^ev_[0-9a-z]+$/);
    h.op('events.void', { event: ev.eventId });
    const alias = ev.eventId.replace(/^ev_/, 'ev_00');
    let second: unknown;
    try {
      second = call(h.ctx, 'events.void', { event: alias });
    } catch (err) {
      second = err;
    }
    // Either refused as an unknown id or reported as a duplicate — never a second return of credits.
    if (second instanceof Error) expect(second.message).toMatch(/not found/);
    else expect((second as { status: string }).status).toBe('duplicate');
    h.clean();
    expect(h.pool(a, 'credits')).toMatchObject({ remaining: 1000, usedThisPeriod: 0 });
    expect(entries(h.ctx, a, 'void')).toHaveLength(1);
  });

  test('voiding after the reset: the expired monthly part lowers usage but does not come back; a live top-up part does', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-06-01' });
    const bonus = h.op('grants.add', { account: a, pool: 'credits', amount: 100, source: 'bonus' }).grantId;
    h.op('usage.record', { account: a, action: 'email', quantity: 900 });
    const ev = h.op('usage.record', { account: a, action: 'email', quantity: 130 }); // 100 monthly + 30 bonus
    h.at('2026-07-05T00:00:00Z');
    const before = h.pool(a, 'credits');
    expect([before.monthlyRemaining, before.topupRemaining]).toEqual([1000, 70]);
    const v = h.op('events.void', { event: ev.eventId });
    const monthly = grants(h.ctx, a, 'monthly')[0]!.id;
    expect(v.returned).toEqual([
      { grantId: monthly, credits: 100, live: false },
      { grantId: bonus, credits: 30, live: true },
    ]);
    const after = h.pool(a, 'credits');
    expect([after.monthlyRemaining, after.topupRemaining]).toEqual([1000, 100]);
    // The June grant got a void and an expiry at the void's instant, netting to zero.
    const june = entries(h.ctx, a).filter((e) => e.grant_id === monthly && e.event_id === ev.eventId && e.kind !== 'use');
    expect(june.map((e) => [e.kind, e.amount_mc, iso(e.at)])).toEqual([
      ['void', 100_000, '2026-07-05T00:00:00.000Z'],
      ['expire', 100_000, '2026-07-05T00:00:00.000Z'],
    ]);
    expect(remainingMc(h.ctx, monthly)).toBe(0);
    // As of the end of June (before the void) June's usage was 1,030; today's report leaves the voided event out.
    expect(h.pool(a, 'credits', '2026-06-30T23:59:59Z').usedThisPeriod).toBe(1030);
    expect(h.op('reports.usage', { account: a, from: '2026-06-01', to: '2026-07-01' }).total.credits).toBe(900);
  });

  test('credits voided back into an expiring top-up still expire on time, and cannot be refunded after', () => {
    const h = fresh('2026-03-12T09:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-03-01' });
    const g = h.op('grants.add', { account: a, pool: 'credits', amount: 100, source: 'purchase', priceCents: 100, expires: '2026-03-20T00:00:00Z' }).grantId;
    h.op('usage.record', { account: a, action: 'email', quantity: 1000 });
    const ev = h.op('usage.record', { account: a, action: 'email', quantity: 100 });
    expect(ev.debits.map((d) => d.grantId)).toEqual([g]);
    // A short hold lapses on Mar 14, so the ledger looks ahead again while the top-up is empty.
    h.op('grants.add', { account: a, pool: 'credits', amount: 1, source: 'manual' });
    h.op('holds.place', { account: a, pool: 'credits', amount: 1, expires: '2026-03-14T00:00:00Z' });
    h.at('2026-03-15T00:00:00Z');
    h.op('grants.add', { account: a, pool: 'credits', amount: 1, source: 'manual' });
    h.at('2026-03-16T00:00:00Z');
    expect(h.op('events.void', { event: ev.eventId }).returned).toEqual([{ grantId: g, credits: 100, live: true }]);
    expect(remainingMc(h.ctx, g)).toBe(100_000);
    h.at('2026-03-21T00:00:00Z');
    h.op('usage.record', { account: a, action: 'email', quantity: 1 });
    // The write after Mar 20 books the top-up's expiry, dated at its expiry.
    expect(entries(h.ctx, a, 'expire').filter((e) => e.grant_id === g).map((e) => [e.amount_mc, iso(e.at)])).toEqual([[100_000, '2026-03-20T00:00:00.000Z']]);
    expect(remainingMc(h.ctx, g)).toBe(0);
    // Still inside the 30-day window, but the credits expired: nothing to refund.
    h.at('2026-03-22T00:00:00Z');
    expect(h.refused('grants.refund', { grant: g }, 'refund').message).toMatch(/no unused credits/);
  });

  test('voiding a covered event frees nothing; voiding the charged one lets the image be charged again', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'starter' });
    const alt = h.op('usage.record', { account: a, action: 'alt-text', attrs: { image: 'x' } });
    const seo = h.op('usage.record', { account: a, action: 'seo-rename', attrs: { image: 'x' } });
    expect(h.op('events.void', { event: seo.eventId }).returned).toEqual([]);
    expect(h.pool(a, 'ai').usedThisPeriod).toBe(1);
    h.op('events.void', { event: alt.eventId });
    expect(h.pool(a, 'ai').usedThisPeriod).toBe(0);
    expect(h.op('usage.record', { account: a, action: 'seo-rename', attrs: { image: 'x' } }).status).toBe('applied');
  });

  test('a void cannot be dated before its event, and an unknown event is an input error', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    const ev = h.op('usage.record', { account: a, action: 'sms' });
    expect(h.invalid('events.void', { event: ev.eventId, at: '2026-06-10T11:00:00Z' }).message).toMatch(/before its event/);
    expect(h.invalid('events.void', { event: 'ev_nope' }).message).toMatch(/not found/);
    expect(h.invalid('events.void', { event: '' }).message).toMatch(/event/);
  });

  test('the unlimited pool: voiding lowers usage', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'pro' });
    const ev = h.op('usage.record', { account: a, action: 'compress', quantity: 40 });
    h.op('events.void', { event: ev.eventId });
    expect(h.pool(a, 'compression')).toMatchObject({ unlimited: true, usedThisPeriod: 0 });
  });
});

describe('append-only triggers', () => {
  const stocked = () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    h.op('usage.record', { account: a, action: 'sms', quantity: 5 });
    h.op('holds.place', { account: a, pool: 'credits', amount: 1 });
    h.refused('usage.record', { account: a, action: 'email', quantity: 100_000 }, 'insufficient_credits');
    return h;
  };

  test.each([
    ['UPDATE events SET cost_mc = 0'],
    ['DELETE FROM events'],
    ['UPDATE entries SET amount_mc = 1'],
    ['DELETE FROM entries'],
    ['UPDATE grants SET amount_mc = 99999999'],
    ['DELETE FROM grants'],
    ["UPDATE refusals SET reason = 'x'"],
    ['DELETE FROM refusals'],
    ['UPDATE holds SET amount_mc = 2'],
    ['DELETE FROM plan_changes'],
    ['UPDATE alerts SET level = 1'],
  ])('%s is refused as append-only', (sql) => {
    const h = stocked();
    const total = 'SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM entries) + (SELECT COUNT(*) FROM grants) AS n';
    const before = h.ctx.db.prepare(total).get();
    expect(() => h.ctx.db.prepare(sql).run()).toThrow(/append-only/);
    expect(h.ctx.db.prepare(total).get()).toEqual(before);
    h.clean();
  });
});
