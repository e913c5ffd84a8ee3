/**
 * A member's reads of a team account from the mirror (main/core/sync/
 * mirror-reads.ts, team-reads.ts): the forecast follows the local forecast's
 * rules exactly (a ledger's own balance fed through it gives the ledger's own
 * forecast), pending entries count as used and are said apart, usage groups by
 * the account's local day, history lists pending entries first.
 */
import { describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { Outbox } from '../../main/core/sync/outbox.js';
import { Mirror, type MirroredAccount } from '../../main/core/sync/mirror.js';
import { pendingItems, teamEvents, teamForecast, teamUsage, parseUsageKey, mirrorUsageItem, pendingUsageItem, type MirrorEvent } from '../../main/core/sync/mirror-reads.js';
import { mirrorReads } from '../../main/core/sync/team-reads.js';
import { InputError } from '../../main/core/util/errors.js';
import { fresh, ms, thrown } from '../ledger/helpers.js';

const origin = { account: 'studio/lux', source: 'mirror' as const, asOf: '2026-01-05T00:00:00.000Z' };

/** A Lux Free account (1,000 credits, Jan 1 – Feb 1 UTC) with `used` emails recorded on Jan 5, read at `at`. */
function lux(used: number, at = '2026-01-11T00:00:00Z') {
  const h = fresh('2026-01-05T00:00:00Z');
  const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-01-01' });
  if (used) h.op('usage.record', { account: a, action: 'email', quantity: used });
  h.at(at);
  const mirrored: MirroredAccount = { id: a, name: 'Lux', zone: 'UTC', actions: call(h.ctx, 'actions.list', { account: a }), balance: call(h.ctx, 'balance.get', { account: a }) as unknown as MirroredAccount['balance'] };
  return { h, a, mirrored };
}

const pendingEntry = (id: string, input: Record<string, unknown>) => ({ id, team: 't1', call: 'usage.record', input, createdAt: ms('2026-01-06T00:00:00Z'), status: 'pending' as const, result: null, reason: null, message: null, settledAt: null, dismissed: false, sentAt: null, inDoubt: false });

describe('forecast from a mirrored balance', () => {
  test('a balance read through teamForecast gives the ledger’s own forecast (in deficit, runs out before the reset)', () => {
    const { h, a, mirrored } = lux(400);
    const local = call(h.ctx, 'reports.forecast', { account: a }).pools;
    const t = ms('2026-01-11T00:00:00Z');
    const f = teamForecast(origin, (mirrored.balance as unknown as { pools: Parameters<typeof teamForecast>[1] }).pools, t, t, []);
    expect(f.pools.map(({ pendingCredits: _p, periodEnded: _e, ...rest }) => rest)).toEqual(local);
    expect(f.pools[0]!.pace).toBe('in deficit');
    expect(f.pools[0]!.runOutAt).toBe('2026-01-26T00:00:00.000Z');
    expect(f.pools[0]!.pendingCredits).toBe(0);
  });

  test('pending entries count as used: 0 synced + 400 pending reads as the ledger with 400 recorded', () => {
    const synced = lux(0);
    const recorded = lux(400);
    const items = pendingItems(synced.mirrored, [pendingEntry('e1', { account: synced.a, action: 'email', quantity: 150, at: '2026-01-05T00:00:00Z' }), pendingEntry('e2', { account: synced.a, action: 'email', quantity: '250', at: '2026-01-05T00:00:00Z' })], 'ben');
    const t = ms('2026-01-11T00:00:00Z');
    const f = teamForecast(origin, (synced.mirrored.balance as unknown as { pools: Parameters<typeof teamForecast>[1] }).pools, ms('2026-01-05T00:00:00Z'), t, items);
    const local = call(recorded.h.ctx, 'reports.forecast', { account: recorded.a }).pools[0]!;
    const { pendingCredits, periodEnded, ...rest } = f.pools[0]!;
    expect(rest).toEqual(local);
    expect([pendingCredits, periodEnded]).toEqual([400, false]);
  });

  test('a copy whose period has reset since is forecast as of its read and flagged', () => {
    const { mirrored } = lux(100);
    const f = teamForecast(origin, (mirrored.balance as unknown as { pools: Parameters<typeof teamForecast>[1] }).pools, ms('2026-01-11T00:00:00Z'), ms('2026-02-03T00:00:00Z'), []);
    expect(f.pools[0]!.periodEnded).toBe(true);
    expect(f.pools[0]!.line).toMatch(/^as of 2026-01-11T00:00:00.000Z: .* the pool has reset since; sync for the new period$/);
    expect(f.pools[0]!.used).toBe(100);
  });
});

describe('pending entries costed from the mirrored rate card', () => {
  test('rounded up to the millicredit as the ledger books; free, bring-your-own-key and unknown actions cost 0 here; newest first', () => {
    const m: MirroredAccount = {
      id: 'acc',
      name: 'A',
      zone: 'UTC',
      actions: [
        { id: 'tok', pool: 'credits', cost: 1, per: 3 },
        { id: 'free', pool: 'credits', cost: 5, per: 1, free: true },
      ],
      balance: { pools: [] },
    };
    const items = pendingItems(
      m,
      [
        pendingEntry('a', { account: 'acc', action: 'tok', quantity: 1, at: '2026-01-06T01:00:00Z' }),
        pendingEntry('b', { account: 'acc', action: 'free', at: '2026-01-06T02:00:00Z' }),
        pendingEntry('c', { account: 'acc', action: 'tok', quantity: 3, byoKey: true, at: '2026-01-06T03:00:00Z' }),
        pendingEntry('d', { account: 'acc', action: 'nope', at: '2026-01-06T04:00:00Z' }),
        pendingEntry('e', { account: 'other', action: 'tok', at: '2026-01-06T05:00:00Z' }),
      ],
      'ben',
    );
    expect(items.map((i) => [i.id, i.mc, i.pool])).toEqual([
      ['d', 0, ''],
      ['c', 0, 'credits'],
      ['b', 0, 'credits'],
      ['a', 334, 'credits'],
    ]);
  });
});

describe('usage and history with pending entries on top', () => {
  const ev = (seq: number, at: string, action: string, credits: number, member = 'ana'): MirrorEvent => ({ seq, id: `ev${seq}`, account: 'acc', action, pool: 'credits', member, at, quantity: 1, credits, status: 'ok', overdrawn: 0 });
  const pend = { id: 'p1', at: ms('2026-01-10T23:30:00Z'), action: 'video', pool: 'credits', member: 'ben', quantityMilli: 2000, mc: 40_500 };

  test('by day in the account’s zone, pool kept apart, pending counted in and said apart, outside the period left out', () => {
    const events = [ev(1, '2025-12-31T23:00:00.000Z', 'video', 10), ev(2, '2026-01-10T22:00:00.000Z', 'video', 20.25), ev(3, '2026-01-10T23:10:00.000Z', 'image', 0.001)];
    // New York: Jan 10 22:00 and 23:10 UTC are Jan 10 local, and so is the pending one at 23:30 UTC.
    const u = teamUsage(origin, 'America/New_York', ms('2026-01-01T05:00:00Z'), ms('2026-02-01T05:00:00Z'), 'day', [...events.map(mirrorUsageItem), pendingUsageItem(pend)]);
    expect(u.rows).toEqual([{ keys: { day: '2026-01-10', pool: 'credits' }, events: 3, quantity: 4, credits: 60.751, pendingEvents: 1, pendingCredits: 40.5 }]);
    expect(u.total).toEqual({ events: 3, credits: 60.751, pendingEvents: 1, pendingCredits: 40.5 });
    const byMember = teamUsage(origin, 'UTC', ms('2026-01-01T00:00:00Z'), ms('2026-02-01T00:00:00Z'), 'member', [...events.map(mirrorUsageItem), pendingUsageItem(pend)]);
    expect(byMember.rows.map((r) => [r.keys.member, r.credits, r.pendingEvents])).toEqual([
      ['ana', 20.251, 0],
      ['ben', 40.5, 1],
    ]);
  });

  test('history: pending first (one action’s when asked), then recorded, the limit over both', () => {
    const recorded = [ev(3, '2026-01-10T23:10:00.000Z', 'image', 1), ev(2, '2026-01-10T22:00:00.000Z', 'video', 20)].map((e) => ({ ...e, seq: e.seq, pending: false, id: e.id }));
    const r = teamEvents(origin, recorded, [pend], { limit: 2 });
    expect(r.events.map((e) => [e.id, e.status, e.pending, e.credits])).toEqual([
      ['p1', 'pending', true, 40.5],
      ['ev3', 'ok', false, 1],
    ]);
    expect(r.pendingEntries).toBe(1);
    expect(teamEvents(origin, recorded, [pend], { limit: 5, action: 'image' }).pendingEntries).toBe(0);
  });

  test('a grouping a team account does not have is refused, saying which it has', () => {
    expect(parseUsageKey(undefined)).toBe('day');
    const e = thrown(() => parseUsageKey('week'));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toContain('use day, action or member');
  });
});

describe('reads from the mirror file', () => {
  test('events, usage and forecast from a pulled copy with this device’s pending entries; an account it has no copy of is a clear error', () => {
    const { a, mirrored } = lux(300, '2026-01-05T00:00:00Z');
    const box = new Outbox(':memory:');
    new Mirror(box.db).apply('t1', { at: '2026-01-05T00:00:00.000Z', accounts: [mirrored], events: [{ seq: 1, id: 'ev1', account: a, action: 'email', pool: 'credits', member: 'ana', at: '2026-01-05T00:00:00.000Z', quantity: 300, credits: 300, status: 'ok', overdrawn: 0 }], after: 1, more: false });
    box.add('t1', 'usage.record', { account: a, action: 'email', quantity: 2, at: '2026-01-06T00:00:00.000Z' }, ms('2026-01-06T00:00:00Z'));
    const c = { alias: 'studio', team: { id: 't1' }, member: 'ben' };
    const ev = mirrorReads.events(box, c, a, { limit: 10 });
    expect(ev.events.map((e) => [e.pending, e.member, e.credits])).toEqual([
      [true, 'ben', 2],
      [false, 'ana', 300],
    ]);
    expect([ev.source, ev.asOf, ev.account]).toEqual(['mirror', '2026-01-05T00:00:00.000Z', `studio/${a}`]);
    const u = mirrorReads.usage(box, c, a, 'member');
    expect(u.rows.map((r) => [r.keys.member, r.credits, r.pendingCredits])).toEqual([
      ['ana', 300, 0],
      ['ben', 2, 2],
    ]);
    const f = mirrorReads.forecast(box, c, a, ms('2026-01-11T00:00:00Z'));
    expect([f.pools[0]!.used, f.pools[0]!.remaining, f.pools[0]!.pendingCredits]).toEqual([302, 698, 2]);
    const e = thrown(() => mirrorReads.events(box, c, 'nope', { limit: 5 }, 'the team host is not reachable; '));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe('the team host is not reachable; this device has no copy of studio/nope: it is not an account of studio as of the last sync (sync once while online)');
    box.close();
  });
});
