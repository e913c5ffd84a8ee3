/**
 * Rule 2, periods: the 1st of the calendar month (Flux: 00:00 UTC) or the
 * billing anniversary; anchors on the 29th–31st clamp to the month's last day
 * and come back in longer months; resets are local midnight in the account's
 * zone, exact instants, correct across DST and leap years.
 *
 * Every expected instant below is worked out by hand from the zone's offset on
 * that date (New York: EST −05:00 until 2026-03-08 02:00, EDT −04:00 until
 * 2026-11-01 02:00), not read back from the code.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { periodAt, resetsBetween, startOfLocal, type ResetRule } from '../../main/core/util/period.js';
import { HOUR, DAY, entries, fresh, grants, iso, ms } from './helpers.js';

const P = (rule: ResetRule, at: string) => {
  const p = periodAt(rule, ms(at));
  return [iso(p.start), iso(p.end)];
};

describe('periods: calendar month in UTC (Flux)', () => {
  const flux: ResetRule = { day: 1, zone: 'UTC' };

  test('a mid-month instant lies in [1st 00:00Z, next 1st 00:00Z)', () => {
    expect(P(flux, '2026-02-15T10:00:00Z')).toEqual(['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
    expect(P(flux, '2026-12-31T23:59:59.999Z')).toEqual(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });

  test('the reset instant itself starts the new period; one millisecond earlier is the old one', () => {
    expect(P(flux, '2026-03-01T00:00:00.000Z')).toEqual(['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
    expect(P(flux, '2026-02-28T23:59:59.999Z')).toEqual(['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
  });

  test('a Flux account reports the UTC calendar month even with a non-UTC account zone', () => {
    const h = fresh('2026-02-15T10:00:00Z');
    const a = h.account({ preset: 'flux', plan: 'edge', tz: 'Asia/Tokyo' });
    const b = h.pool(a, 'credits');
    expect([b.periodStart, b.nextReset]).toEqual(['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
    expect(b.allocation).toBe(200);
  });

  test('resetsBetween lists exactly the resets r with from < r <= to', () => {
    const rs = resetsBetween(flux, ms('2026-01-01T00:00:00Z'), ms('2026-04-01T00:00:00Z')).map(iso);
    expect(rs).toEqual(['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
  });
});

describe('periods: billing anniversary with clamped anchors', () => {
  test('anchor Jan 31 → Feb 28 → Mar 31 → Apr 30 (2026, not a leap year)', () => {
    const r: ResetRule = { day: 31, zone: 'UTC' };
    expect(P(r, '2026-02-15T00:00:00Z')).toEqual(['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z']);
    expect(P(r, '2026-03-05T00:00:00Z')).toEqual(['2026-02-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z']);
    expect(P(r, '2026-04-10T00:00:00Z')).toEqual(['2026-03-31T00:00:00.000Z', '2026-04-30T00:00:00.000Z']);
    expect(P(r, '2026-05-30T23:00:00Z')).toEqual(['2026-04-30T00:00:00.000Z', '2026-05-31T00:00:00.000Z']);
  });

  test('anchor Jan 31 in 2028 (leap year) → Feb 29 → Mar 31', () => {
    const r: ResetRule = { day: 31, zone: 'UTC' };
    expect(P(r, '2028-02-15T00:00:00Z')).toEqual(['2028-01-31T00:00:00.000Z', '2028-02-29T00:00:00.000Z']);
    expect(P(r, '2028-02-29T00:00:00Z')).toEqual(['2028-02-29T00:00:00.000Z', '2028-03-31T00:00:00.000Z']);
    expect(P(r, '2028-02-28T23:59:59.999Z')).toEqual(['2028-01-31T00:00:00.000Z', '2028-02-29T00:00:00.000Z']);
  });

  test('anchor on the 29th and 30th clamp in February and return in March', () => {
    const d29: ResetRule = { day: 29, zone: 'UTC' };
    const d30: ResetRule = { day: 30, zone: 'UTC' };
    expect(P(d29, '2026-02-28T12:00:00Z')).toEqual(['2026-02-28T00:00:00.000Z', '2026-03-29T00:00:00.000Z']);
    expect(P(d29, '2026-02-27T12:00:00Z')).toEqual(['2026-01-29T00:00:00.000Z', '2026-02-28T00:00:00.000Z']);
    expect(P(d29, '2028-02-28T12:00:00Z')).toEqual(['2028-01-29T00:00:00.000Z', '2028-02-29T00:00:00.000Z']);
    expect(P(d30, '2026-03-01T00:00:00Z')).toEqual(['2026-02-28T00:00:00.000Z', '2026-03-30T00:00:00.000Z']);
    expect(P(d30, '2028-03-01T00:00:00Z')).toEqual(['2028-02-29T00:00:00.000Z', '2028-03-30T00:00:00.000Z']);
    // A 30-day month keeps the 30th.
    expect(P(d30, '2026-05-01T00:00:00Z')).toEqual(['2026-04-30T00:00:00.000Z', '2026-05-30T00:00:00.000Z']);
  });

  test('through the API: a Lux account anchored on Jan 31 resets Feb 28 then Mar 31, booking one monthly grant each', () => {
    const h = fresh('2026-02-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-01-31' });
    let b = h.pool(a, 'credits');
    expect([b.periodStart, b.nextReset]).toEqual(['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z']);
    h.op('usage.record', { account: a, action: 'email', quantity: 1 });
    h.at('2026-03-05T00:00:00Z');
    h.op('usage.record', { account: a, action: 'email', quantity: 1 });
    b = h.pool(a, 'credits');
    expect([b.periodStart, b.nextReset]).toEqual(['2026-02-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z']);
    expect(grants(h.ctx, a, 'monthly').map((g) => [iso(g.granted_at), iso(g.expires_at!)])).toEqual([
      ['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
      ['2026-02-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z'],
    ]);
  });
});

describe('periods: time zones across DST', () => {
  const ny8: ResetRule = { day: 8, zone: 'America/New_York' };
  const ny1: ResetRule = { day: 1, zone: 'America/New_York' };

  test('New York anchor on the 8th: Mar 8 midnight is still EST (05:00Z), Apr 8 midnight is EDT (04:00Z)', () => {
    const p = periodAt(ny8, ms('2026-03-20T12:00:00Z'));
    expect([iso(p.start), iso(p.end)]).toEqual(['2026-03-08T05:00:00.000Z', '2026-04-08T04:00:00.000Z']);
    // 31 days, one hour short: the clocks sprang forward inside it.
    expect(p.end - p.start).toBe(31 * DAY - HOUR);
    const before = periodAt(ny8, ms('2026-03-08T04:59:59.999Z'));
    expect([iso(before.start), iso(before.end)]).toEqual(['2026-02-08T05:00:00.000Z', '2026-03-08T05:00:00.000Z']);
    expect(before.end - before.start).toBe(28 * DAY);
  });

  test('New York anchor on the 1st: Nov 1 midnight is still EDT (04:00Z), Dec 1 midnight is EST (05:00Z)', () => {
    const p = periodAt(ny1, ms('2026-11-15T12:00:00Z'));
    expect([iso(p.start), iso(p.end)]).toEqual(['2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z']);
    // 30 days and one hour: the clocks fell back inside it.
    expect(p.end - p.start).toBe(30 * DAY + HOUR);
    const oct = periodAt(ny1, ms('2026-10-15T12:00:00Z'));
    expect(oct.end - oct.start).toBe(31 * DAY);
  });

  test('Santiago: where midnight does not exist (clocks jump 00:00 → 01:00) the reset is the first instant after the gap', () => {
    // 2026-09-06 00:00 −04:00 never happens in Chile: the day starts at 01:00 −03:00 = 04:00Z.
    const p = periodAt({ day: 6, zone: 'America/Santiago' }, ms('2026-09-20T00:00:00Z'));
    expect(iso(p.start)).toBe('2026-09-06T04:00:00.000Z');
    expect(DateTime.fromMillis(p.start, { zone: 'America/Santiago' }).toFormat('yyyy-MM-dd HH:mm')).toBe('2026-09-06 01:00');
    // Oct 6 midnight is −03:00.
    expect(iso(p.end)).toBe('2026-10-06T03:00:00.000Z');
  });

  test('Kolkata (+05:30, no DST): Feb 28 anchor-31 midnight is 18:30Z the day before', () => {
    const p = periodAt({ day: 31, zone: 'Asia/Kolkata' }, ms('2026-03-10T00:00:00Z'));
    expect([iso(p.start), iso(p.end)]).toEqual(['2026-02-27T18:30:00.000Z', '2026-03-30T18:30:00.000Z']);
  });

  test('where the clocks go back across midnight (Havana, Nov 1), the reset is the first local midnight', () => {
    // Cuba: 01:00 CDT (−04:00, 05:00Z) goes back to 00:00 CST (−05:00), so the
    // local day Nov 1 begins at 00:00 −04:00 = 04:00Z and its midnight repeats at 05:00Z.
    // An instant at 04:30Z is already Nov 1 locally and must be in the new period.
    const rule: ResetRule = { day: 1, zone: 'America/Havana' };
    const p = periodAt(rule, ms('2026-11-01T04:30:00Z'));
    expect(iso(p.start)).toBe('2026-11-01T04:00:00.000Z');
    expect(periodAt(rule, ms('2026-11-01T03:59:59.999Z')).end).toBe(p.start);
  });

  test('through the API: a New York account expires the monthly grant exactly at local midnight of the reset', () => {
    const h = fresh('2026-03-20T15:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', tz: 'America/New_York', anchor: '2026-02-08' });
    h.op('usage.record', { account: a, action: 'email', quantity: 10 });
    let b = h.pool(a, 'credits');
    expect([b.periodStart, b.nextReset]).toEqual(['2026-03-08T05:00:00.000Z', '2026-04-08T04:00:00.000Z']);
    // One millisecond before the reset: still the March period.
    h.clock.set(ms('2026-04-08T03:59:59.999Z'));
    h.op('usage.record', { account: a, action: 'email', quantity: 1 });
    expect(entries(h.ctx, a, 'expire')).toEqual([]);
    h.clock.set(ms('2026-04-08T04:00:00.000Z'));
    h.op('usage.record', { account: a, action: 'email', quantity: 1 });
    const exp = entries(h.ctx, a, 'expire');
    expect(exp.map((e) => [e.source, e.amount_mc, iso(e.at)])).toEqual([['monthly', 1000_000 - 11_000, '2026-04-08T04:00:00.000Z']]);
    b = h.pool(a, 'credits');
    expect([b.periodStart, b.nextReset, b.remaining]).toEqual(['2026-04-08T04:00:00.000Z', '2026-05-08T04:00:00.000Z', 999]);
  });
});

describe('periods: property — periods tile time in every zone and land on the clamped anchor day', () => {
  const zones = [
    'UTC',
    'America/New_York',
    'Europe/London',
    'Europe/Paris',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'Australia/Lord_Howe',
    'Australia/Adelaide',
    'America/Santiago',
    'America/Havana',
    'America/Asuncion',
    'Atlantic/Azores',
    'Asia/Beirut',
    'Pacific/Chatham',
    'Pacific/Apia',
    'Africa/Casablanca',
    'America/St_Johns',
  ];
  const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });

  test('start <= t < end; periodAt(end).start = end; periodAt(start − 1).end = start; start is the first instant of the clamped anchor day', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), fc.integer({ min: 1, max: 31 }), (t, zone, day) => {
        const rule = { day, zone };
        const p = periodAt(rule, t);
        expect(p.start).toBeLessThanOrEqual(t);
        expect(t).toBeLessThan(p.end);
        // Consecutive periods tile: no gaps, no overlaps.
        expect(periodAt(rule, p.end).start).toBe(p.end);
        expect(periodAt(rule, p.start - 1).end).toBe(p.start);
        // Between 27 and 32 days long (DST moves it by at most an hour or two).
        expect(p.end - p.start).toBeGreaterThan(27 * DAY);
        expect(p.end - p.start).toBeLessThan(32 * DAY);
        const s = DateTime.fromMillis(p.start, { zone });
        const want = Math.min(day, s.daysInMonth!);
        expect(s.day).toBe(want);
        // Local midnight, or the first instant after a DST gap that swallowed it…
        const prev = DateTime.fromMillis(p.start - 1, { zone });
        const midnight = s.hour === 0 && s.minute === 0 && s.second === 0 && s.millisecond === 0;
        expect(midnight || prev.day !== s.day).toBe(true);
        // …and always the first instant of that local day: the instant before it is on an earlier day.
        expect(prev.toISODate()! < s.toISODate()!).toBe(true);
      }),
      { numRuns: 4000 },
    );
  });

  test('a local day (daily-limit bucket) starts at the first instant of that local date', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (t, zone) => {
        const start = startOfLocal(t, zone, 'day');
        expect(start).toBeLessThanOrEqual(t);
        const local = (x: number) => DateTime.fromMillis(x, { zone }).toISODate()!;
        expect(local(start)).toBe(local(t));
        expect(local(start - 1) < local(t)).toBe(true);
      }),
      {
        numRuns: 3000,
        // The second pass through a repeated midnight: Havana 2026-11-01 00:30 −05:00, Azores 2026-10-25 00:30 −01:00.
        examples: [
          [ms('2026-11-01T05:30:00Z'), 'America/Havana'],
          [ms('2026-10-25T01:30:00Z'), 'Atlantic/Azores'],
        ],
      },
    );
  });

  test('the end of a period is the start of the next month’s period on the clamped day', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), fc.integer({ min: 1, max: 31 }), (t, zone, day) => {
        const p = periodAt({ day, zone }, t);
        const s = DateTime.fromMillis(p.start, { zone });
        const e = DateTime.fromMillis(p.end, { zone });
        const monthsApart = (e.year - s.year) * 12 + (e.month - s.month);
        expect(monthsApart).toBe(1);
        expect(e.day).toBe(Math.min(day, e.daysInMonth!));
      }),
      { numRuns: 2000 },
    );
  });
});
