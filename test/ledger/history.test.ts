/**
 * The history list: newest first by the time of use (backdated events take
 * their place in time, not in the order they were typed), paged by a cursor
 * with nothing skipped or shown twice, filtered by action.
 */
import { describe, expect, it } from 'vitest';
import { fresh } from './helpers.js';

describe('events.list', () => {
  const setup = () => {
    const h = fresh('2026-03-01T00:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'pro', anchor: '2026-03-01' });
    h.at('2026-03-10T00:00:00Z');
    // Typed out of order, with three events sharing one instant.
    const times = ['2026-03-05T10:00:00Z', '2026-03-09T10:00:00Z', '2026-03-02T10:00:00Z', '2026-03-07T10:00:00Z', '2026-03-07T10:00:00Z', '2026-03-03T10:00:00Z', '2026-03-07T10:00:00Z', '2026-03-08T10:00:00Z'];
    const ids = times.map((at, i) => h.op('usage.record', { account: a, action: i % 3 === 0 ? 'sms' : 'email', quantity: 1, at, key: `k${i}` }));
    return { h, a, times, ids: ids.map((r) => ('eventId' in r ? r.eventId : '')) };
  };

  it('lists newest first by time, then by the order recorded, across pages of any size', () => {
    const { h, a, times, ids } = setup();
    const expected = times
      .map((at, i) => ({ at: Date.parse(at), i }))
      .sort((x, y) => y.at - x.at || y.i - x.i)
      .map((x) => ids[x.i]);
    for (const limit of [1, 2, 3, 8, 50]) {
      const seen: string[] = [];
      let before: number | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = h.op('events.list', { account: a, limit, ...(before !== undefined ? { before } : {}) });
        seen.push(...page.events.map((e) => e.eventId));
        if (page.next === null) break;
        before = page.next;
      }
      expect(seen, `limit ${limit}`).toEqual(expected);
    }
  });

  it('filters by action and by time range, still newest first', () => {
    const { h, a } = setup();
    const sms = h.op('events.list', { account: a, action: 'sms' }).events;
    expect(sms.map((e) => e.key)).toEqual(['k6', 'k3', 'k0']);
    const mid = h.op('events.list', { account: a, from: '2026-03-03T10:00:00Z', to: '2026-03-07T10:00:00Z' }).events;
    expect(mid.map((e) => e.key)).toEqual(['k0', 'k5']);
    const paged = h.op('events.list', { account: a, to: '2026-03-08T00:00:00Z', limit: 2 });
    expect(paged.events.map((e) => e.key)).toEqual(['k6', 'k4']);
    const rest = h.op('events.list', { account: a, to: '2026-03-08T00:00:00Z', limit: 10, before: paged.next! });
    expect(rest.events.map((e) => e.key)).toEqual(['k3', 'k0', 'k5', 'k2']);
  });

  it('refuses a cursor that is not an event of the account', () => {
    const { h, a } = setup();
    expect(h.invalid('events.list', { account: a, before: 999_999 }).message).toMatch(/--before 999999 is not an event of lux-pro/);
    const other = h.account({ preset: 'lux', plan: 'free', anchor: '2026-03-01', name: 'Other' });
    h.op('usage.record', { account: other, action: 'sms', quantity: 1, key: 'o1' });
    const { seq } = h.ctx.db.prepare('SELECT seq FROM events WHERE account_id = ?').get(other) as { seq: number };
    expect(h.invalid('events.list', { account: a, before: seq }).message).toMatch(/is not an event of lux-pro/);
  });
});
