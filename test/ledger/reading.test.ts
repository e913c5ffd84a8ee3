/**
 * Rule 12, reading: the balance as of any instant (monthly and top-up parts,
 * used this period, period start, next reset) — the past recomputed from the
 * entries, the future projected without writing; usage reports by local
 * day/week/month in the account's zone, by action, member and attribute, with
 * voided events left out; the forecast (burn rate, run-out vs the next reset,
 * in reserve / in deficit against even pace, credits forfeited at the reset).
 */
import { describe, expect, test } from 'vitest';
import type { PoolBalance } from '../../main/core/ledger/balance.js';
import { DAY, contentHash, fresh, ms } from './helpers.js';

describe('balance as of an instant', () => {
  test('a past balance is recomputed from the entries and matches what the balance was then', () => {
    const h = fresh('2026-01-15T11:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-01-10' });
    const seen: [string, PoolBalance][] = [];
    const look = () => seen.push([new Date(h.clock.now()).toISOString(), h.pool(a, 'credits')]);
    look();
    h.at('2026-01-15T12:00:00Z');
    h.op('usage.record', { account: a, action: 'email', quantity: 100 });
    look();
    h.at('2026-01-16T12:00:00Z');
    h.op('grants.add', { account: a, pool: 'credits', amount: 50, source: 'bonus' });
    look();
    h.at('2026-01-17T12:00:00Z');
    const late = h.op('usage.record', { account: a, action: 'sms', quantity: 15 });
    look();
    h.at('2026-01-18T12:00:00Z');
    h.op('holds.place', { account: a, pool: 'credits', amount: 25, expires: '2026-01-19T12:00:00Z' });
    look();
    h.at('2026-02-09T23:59:59.999Z');
    look();
    h.at('2026-02-10T00:00:00Z');
    look();
    h.at('2026-02-11T12:00:00Z');
    h.op('usage.record', { account: a, action: 'email', quantity: 5 });
    look();
    h.at('2026-02-12T12:00:00Z');
    h.op('events.void', { event: late.eventId });
    look();
    h.at('2026-02-20T00:00:00Z');
    h.op('usage.record', { account: a, action: 'email', quantity: 1 });

    // Hand-checked snapshots of what was seen at the time.
    expect(seen.map(([t, b]) => [t, b.monthlyRemaining, b.topupRemaining, b.held, b.usedThisPeriod, b.periodStart.slice(0, 10), b.nextReset.slice(0, 10)])).toEqual([
      ['2026-01-15T11:00:00.000Z', 1000, 0, 0, 0, '2026-01-10', '2026-02-10'],
      ['2026-01-15T12:00:00.000Z', 900, 0, 0, 100, '2026-01-10', '2026-02-10'],
      ['2026-01-16T12:00:00.000Z', 900, 50, 0, 100, '2026-01-10', '2026-02-10'],
      ['2026-01-17T12:00:00.000Z', 870, 50, 0, 130, '2026-01-10', '2026-02-10'],
      ['2026-01-18T12:00:00.000Z', 870, 50, 25, 130, '2026-01-10', '2026-02-10'],
      ['2026-02-09T23:59:59.999Z', 870, 50, 0, 130, '2026-01-10', '2026-02-10'],
      ['2026-02-10T00:00:00.000Z', 1000, 50, 0, 0, '2026-02-10', '2026-03-10'],
      ['2026-02-11T12:00:00.000Z', 995, 50, 0, 5, '2026-02-10', '2026-03-10'],
      // The void returns January's 30 to a grant that has expired: nothing comes back.
      ['2026-02-12T12:00:00.000Z', 995, 50, 0, 5, '2026-02-10', '2026-03-10'],
    ]);
    // Now, long after, ask for each of those instants again.
    for (const [t, then] of seen) expect(h.pool(a, 'credits', t), `balance --at ${t}`).toEqual(then);
    // And one millisecond before the first use.
    expect(h.pool(a, 'credits', '2026-01-15T11:59:59.999Z')).toMatchObject({ monthlyRemaining: 1000, usedThisPeriod: 0 });
  });

  test('a balance at a future instant past a reset shows the new allocation and writes nothing', () => {
    const h = fresh('2026-01-15T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-01-10' });
    h.op('usage.record', { account: a, action: 'email', quantity: 300 });
    h.op('grants.add', { account: a, pool: 'credits', amount: 40, source: 'promo', expires: '2026-02-20T00:00:00Z' });
    h.op('grants.add', { account: a, pool: 'credits', amount: 60, source: 'purchase', priceCents: 60 });
    const hash = contentHash(h.ctx);
    const feb = h.op('balance.get', { account: a, at: '2026-02-15T00:00:00Z' }).pools[0]!;
    expect(feb).toMatchObject({ allocation: 1000, monthlyRemaining: 1000, topupRemaining: 100, remaining: 1100, usedThisPeriod: 0, periodStart: '2026-02-10T00:00:00.000Z', nextReset: '2026-03-10T00:00:00.000Z' });
    // After the promo's expiry only the purchase is left of the top-ups.
    const mar = h.op('balance.get', { account: a, at: '2026-03-15T00:00:00Z' }).pools[0]!;
    expect(mar).toMatchObject({ monthlyRemaining: 1000, topupRemaining: 60, periodStart: '2026-03-10T00:00:00.000Z' });
    h.op('reports.forecast', { account: a, at: '2026-02-15T00:00:00Z' });
    h.op('balance.all', { at: '2027-01-01T00:00:00Z' });
    expect(contentHash(h.ctx)).toBe(hash);
    // When that time comes, the booked balance agrees with the projection.
    h.at('2026-02-15T00:00:00Z');
    h.op('usage.record', { account: a, action: 'email', quantity: 1 });
    expect(h.pool(a, 'credits', '2026-02-15T00:00:00Z')).toMatchObject({ monthlyRemaining: 999, topupRemaining: 100, usedThisPeriod: 1 });
  });

  test('no read writes anything, even with a reset, an expiry and a hold lapse pending', () => {
    const h = fresh('2026-01-15T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-01-10' });
    h.op('usage.record', { account: a, action: 'email', quantity: 3, attrs: { flow: 'f' } });
    h.op('grants.add', { account: a, pool: 'credits', amount: 5, source: 'promo', expires: '2026-01-20T00:00:00Z' });
    h.op('holds.place', { account: a, pool: 'credits', amount: 2 });
    h.at('2026-02-12T00:00:00Z');
    const hash = contentHash(h.ctx);
    h.op('balance.get', { account: a });
    h.op('balance.get', { account: a, at: '2026-01-16T00:00:00Z' });
    h.op('balance.all', {});
    h.op('reports.usage', { account: a, by: ['day', 'action'] });
    h.op('reports.forecast', { account: a });
    h.op('accounts.show', { account: a });
    h.op('accounts.list', {});
    h.op('grants.list', { account: a });
    h.op('holds.list', { account: a });
    h.op('events.list', { account: a });
    h.op('alerts.list', { account: a });
    h.op('refusals.list', { account: a });
    expect(h.op('check', {}).ok).toBe(true);
    expect(contentHash(h.ctx)).toBe(hash);
    // What they report is the projection: February's 1,000, no promo, no hold.
    expect(h.pool(a, 'credits')).toMatchObject({ monthlyRemaining: 1000, topupRemaining: 0, held: 0, periodStart: '2026-02-10T00:00:00.000Z' });
    expect(h.op('holds.list', { account: a })[0]!.status).toBe('expired');
  });

  test('a late (backdated) event in the open period counts from its own instant; a closed period refuses it', () => {
    const h = fresh('2026-01-20T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-01-10' });
    h.op('usage.record', { account: a, action: 'email', quantity: 100 });
    h.op('usage.record', { account: a, action: 'email', quantity: 40, at: '2026-01-12T08:00:00Z' });
    expect(h.pool(a, 'credits', '2026-01-12T07:59:59Z')).toMatchObject({ remaining: 1000, usedThisPeriod: 0 });
    expect(h.pool(a, 'credits', '2026-01-12T08:00:00Z')).toMatchObject({ remaining: 960, usedThisPeriod: 40 });
    expect(h.pool(a, 'credits')).toMatchObject({ remaining: 860, usedThisPeriod: 140 });
    expect(h.op('reports.usage', { account: a, by: ['day'] }).rows.map((r) => [r.keys.day, r.credits])).toEqual([
      ['2026-01-12', 40],
      ['2026-01-20', 100],
    ]);
    h.at('2026-02-11T00:00:00Z');
    h.op('usage.record', { account: a, action: 'email' });
    expect(h.invalid('usage.record', { account: a, action: 'email', at: '2026-02-09T00:00:00Z' }).message).toMatch(/closed period/);
    expect(h.invalid('grants.add', { account: a, pool: 'credits', amount: 1, at: '2026-02-09T00:00:00Z' }).message).toMatch(/closed period/);
  });

  test('a future balance follows a downgrade recorded this period', () => {
    const h = fresh('2026-01-15T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'starter', anchor: '2026-01-10' });
    h.op('accounts.plan', { account: a, plan: 'free' });
    const hash = contentHash(h.ctx);
    expect(h.pool(a, 'credits')).toMatchObject({ allocation: 10_000, remaining: 10_000 });
    expect(h.pool(a, 'credits', '2026-02-10T00:00:00Z')).toMatchObject({ allocation: 1000, remaining: 1000 });
    expect(contentHash(h.ctx)).toBe(hash);
  });
});

describe('usage reports', () => {
  /** Lux in Los Angeles (PST, −08:00 in January): local midnight is 08:00Z. */
  const la = () => {
    const h = fresh('2026-01-12T00:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', tz: 'America/Los_Angeles', anchor: '2026-01-01' });
    h.op('members.add', { account: a, member: 'alice' });
    h.op('members.add', { account: a, member: 'bob' });
    const at = (t: string, input: { action: string; quantity?: number; member?: string; attrs?: Record<string, string> }) => {
      h.at(t);
      return h.op('usage.record', { account: a, ...input });
    };
    return { h, a, at };
  };

  test('by day and week in the account zone: events either side of local midnight land on their local day', () => {
    const { h, a, at } = la();
    at('2026-01-16T07:59:00Z', { action: 'email', quantity: 1 }); // Thu Jan 15, 23:59 local
    at('2026-01-16T08:00:00Z', { action: 'email', quantity: 2 }); // Fri Jan 16, 00:00 local
    at('2026-01-19T07:59:59Z', { action: 'email', quantity: 4 }); // Sun Jan 18, 23:59 local
    at('2026-01-19T08:00:00Z', { action: 'email', quantity: 8 }); // Mon Jan 19, 00:00 local
    const byDay = h.op('reports.usage', { account: a, from: '2026-01-12', to: '2026-01-26', by: ['day'] });
    expect(byDay.rows.map((r) => [r.keys.day, r.credits])).toEqual([
      ['2026-01-15', 1],
      ['2026-01-16', 2],
      ['2026-01-18', 4],
      ['2026-01-19', 8],
    ]);
    expect(byDay.zone).toBe('America/Los_Angeles');
    // "2026-01-12" is read in the account's zone: local midnight, 08:00Z.
    expect(byDay.from).toBe('2026-01-12T08:00:00.000Z');
    const byWeek = h.op('reports.usage', { account: a, from: '2026-01-12', to: '2026-01-26', by: ['week'] });
    // Weeks start on Monday: Jan 12 and Jan 19.
    expect(byWeek.rows.map((r) => [r.keys.week, r.events, r.credits])).toEqual([
      ['2026-01-12', 3, 7],
      ['2026-01-19', 1, 8],
    ]);
  });

  test('by month in the account zone across the month end and a DST change', () => {
    const { h, a, at } = la();
    at('2026-02-01T07:30:00Z', { action: 'sms', quantity: 1 }); // Jan 31, 23:30 local
    at('2026-02-01T08:30:00Z', { action: 'sms', quantity: 2 }); // Feb 1, 00:30 local
    // DST starts Mar 8: Apr 1 local midnight is 07:00Z (PDT, −07:00).
    at('2026-04-01T06:59:59Z', { action: 'sms', quantity: 3 }); // Mar 31, 23:59 local
    at('2026-04-01T07:00:00Z', { action: 'sms', quantity: 4 }); // Apr 1, 00:00 local
    const r = h.op('reports.usage', { account: a, from: '2026-01-01', to: '2026-05-01', by: ['month'] });
    expect(r.rows.map((x) => [x.keys.month, x.credits])).toEqual([
      ['2026-01', 2],
      ['2026-02', 4],
      ['2026-03', 6],
      ['2026-04', 8],
    ]);
    expect(r.total).toEqual({ events: 4, credits: 20 });
  });

  test('by action, member and attr:server; voided events are excluded', () => {
    const { h, a, at } = la();
    at('2026-01-13T10:00:00Z', { action: 'email', quantity: 3, member: 'alice', attrs: { server: 'eu-1' } });
    at('2026-01-13T11:00:00Z', { action: 'sms', quantity: 1, member: 'bob', attrs: { server: 'eu-1' } });
    const gone = at('2026-01-13T12:00:00Z', { action: 'sms', quantity: 10, member: 'alice', attrs: { server: 'us-1' } });
    at('2026-01-13T13:00:00Z', { action: 'voice-call', quantity: 2, attrs: { server: 'us-1' } });
    at('2026-01-13T14:00:00Z', { action: 'email', quantity: 1 });
    h.op('events.void', { event: gone.eventId });
    const rep = (by: string[]) => h.op('reports.usage', { account: a, from: '2026-01-01', to: '2026-02-01', by }).rows.map((r) => [Object.values(r.keys).join('|'), r.events, r.credits]);
    expect(rep(['action'])).toEqual([
      ['email', 2, 4],
      ['sms', 1, 2],
      ['voice-call', 1, 10],
    ]);
    expect(rep(['member'])).toEqual([
      ['', 2, 11],
      ['alice', 1, 3],
      ['bob', 1, 2],
    ]);
    expect(rep(['attr:server'])).toEqual([
      ['', 1, 1],
      ['eu-1', 2, 5],
      ['us-1', 1, 10],
    ]);
    expect(rep(['member', 'action'])).toEqual([
      ['|email', 1, 1],
      ['|voice-call', 1, 10],
      ['alice|email', 1, 3],
      ['bob|sms', 1, 2],
    ]);
    const filtered = h.op('reports.usage', { account: a, from: '2026-01-01', to: '2026-02-01', where: { server: 'us-1' } });
    expect(filtered.total).toEqual({ events: 1, credits: 10 });
    expect(h.op('reports.usage', { account: a, from: '2026-01-01', to: '2026-02-01', member: 'alice' }).total).toEqual({ events: 1, credits: 3 });
  });

  test('without from/to the report covers the current period', () => {
    const { h, a, at } = la();
    at('2026-01-20T00:00:00Z', { action: 'email', quantity: 2 });
    at('2026-02-03T00:00:00Z', { action: 'email', quantity: 5 });
    const r = h.op('reports.usage', { account: a });
    expect([r.from, r.to, r.total.credits]).toEqual(['2026-02-01T08:00:00.000Z', '2026-03-01T08:00:00.000Z', 5]);
  });
});

describe('forecast', () => {
  /** Lux Free, period Jan 1 – Feb 1 (31 days, UTC); the forecast is read on Jan 11, 10 days in. */
  const at10days = (used: number, bonus = 0) => {
    const h = fresh('2026-01-05T00:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-01-01' });
    if (bonus) h.op('grants.add', { account: a, pool: 'credits', amount: bonus, source: 'bonus' });
    h.op('usage.record', { account: a, action: 'email', quantity: used });
    h.at('2026-01-11T00:00:00Z');
    return { h, a, f: h.op('reports.forecast', { account: a }).pools[0]! };
  };

  test('in deficit: 400 used in 10 of 31 days runs out before the reset', () => {
    const { f } = at10days(400);
    // burn = 400 / 10 days = 40/day; even pace = 1000 × 10/31 = 322.580 (floored to the mc).
    expect(f.burnPerDay).toBe(40);
    expect(f.evenPaceUsed).toBe(322.58);
    expect(f.pace).toBe('in deficit');
    expect(f.paceDelta).toBe(77.42);
    // 600 left at 40/day lasts 15 days: Jan 26, six days before the Feb 1 reset.
    expect(f.remaining).toBe(600);
    expect(f.runOutAt).toBe('2026-01-26T00:00:00.000Z');
    expect(f.runsOutBeforeReset).toBe(true);
    expect(f.shortByMs).toBe(6 * DAY);
    // At that pace nothing is left to forfeit; idle, all 600 would lapse.
    expect(f.forfeitAtReset).toBe(0);
    expect(f.forfeitIfIdle).toBe(600);
    expect(f.nextReset).toBe('2026-02-01T00:00:00.000Z');
  });

  test('in reserve: 100 used in 10 days lasts past the reset and forfeits what the pace leaves', () => {
    const { f } = at10days(100, 50);
    expect(f.burnPerDay).toBe(10);
    expect(f.pace).toBe('in reserve');
    expect(f.paceDelta).toBe(222.58);
    // 950 left (900 monthly + 50 bonus) at 10/day: 95 days, Apr 16.
    expect(f.remaining).toBe(950);
    expect(f.runOutAt).toBe('2026-04-16T00:00:00.000Z');
    expect(f.runsOutBeforeReset).toBe(false);
    expect(f.shortByMs).toBe(0);
    // 21 more days at 10/day spends 210 of the 900 monthly: 690 expire. The bonus does not.
    expect(f.forfeitAtReset).toBe(690);
    expect(f.forfeitIfIdle).toBe(900);
  });

  test('nothing used yet: no run-out, everything would be forfeited; an unlimited pool says unlimited', () => {
    const h = fresh('2026-01-11T00:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'pro', anchor: '2026-01-01' });
    h.op('usage.record', { account: a, action: 'compress', quantity: 50 });
    const f = h.op('reports.forecast', { account: a }).pools;
    const comp = f.find((p) => p.pool === 'compression')!;
    const ai = f.find((p) => p.pool === 'ai')!;
    expect([comp.unlimited, comp.pace, comp.runOutAt, comp.burnPerDay]).toEqual([true, 'unlimited', null, 5]);
    expect([ai.runOutAt, ai.pace, ai.forfeitAtReset, ai.evenPaceUsed]).toEqual([null, 'in reserve', 1000, 322.58]);
  });

  test('top-ups carrying a pool past the reset: the monthly part runs out first, on its own date', () => {
    const { f } = at10days(400, 1000);
    // 600 monthly at 40/day: Jan 26; with the 1,000 bonus, 1,600 lasts 40 days: Feb 20, past the Feb 1 reset.
    expect(f.pace).toBe('in deficit');
    expect(f.monthlyRunOutAt).toBe('2026-01-26T00:00:00.000Z');
    expect(f.runOutAt).toBe('2026-02-20T00:00:00.000Z');
    expect(f.runsOutBeforeReset).toBe(false);
  });

  test('held credits are not counted as available for the run-out', () => {
    const { h, a } = at10days(400);
    h.op('holds.place', { account: a, pool: 'credits', amount: 200, expires: '2026-01-20T00:00:00Z' });
    const f = h.op('reports.forecast', { account: a }).pools[0]!;
    // 400 available at 40/day: 10 days.
    expect([f.remaining, f.runOutAt]).toEqual([400, '2026-01-21T00:00:00.000Z']);
    expect(ms(f.nextReset) - ms(f.runOutAt!)).toBe(11 * DAY);
  });
});
