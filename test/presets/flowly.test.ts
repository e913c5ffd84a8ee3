/**
 * Flowly, from "Understanding Credits": monthly plan credits reset each
 * billing cycle, are used first and do not roll over; bonus credits are
 * one-time purchases that never expire and are used only after the monthly
 * credits; your own API key bypasses the credit system entirely; daily limits
 * are set per server; low-credit alerts. The doc gives no plan size and no
 * per-model cost (only "Low" / "Medium"), so the user supplies them: 500
 * monthly credits, Sonnet 4.5 at 4 credits a message, Haiku 4.5 at 1.
 */
import { describe, expect, test } from 'vitest';
import { expiries, ledger } from './helpers.js';

describe('Flowly custom plan: monthly then bonus, BYO key, per-server daily limits, low-credit alert', () => {
  test('May 20 to July 20', () => {
    const l = ledger('2026-05-20T10:00:00Z');
    const fl = l.run('accounts.add', { preset: 'flowly', plan: 'custom', amounts: { credits: '500' } }).id;
    let b = l.pool(fl, 'credits');
    expect([b.allocation, b.remaining, b.nextReset]).toEqual([500, 500, '2026-06-20T00:00:00.000Z']);

    // No model cost in the docs: the user must set one before recording.
    l.invalid('usage.record', { account: fl, action: 'ai:claude-sonnet-4.5' });
    l.run('actions.set', { account: fl, action: 'ai:claude-sonnet-4.5', cost: 4 });
    l.run('actions.set', { account: fl, action: 'ai:claude-haiku-4.5', cost: 1 });
    l.run('accounts.set', { account: fl, lowBalance: 100 });
    // A daily limit of 40 credits for every server, each counted separately.
    const limits = l.run('limits.daily', { account: fl, attr: 'server', value: '*', limit: 40 });
    expect(limits).toEqual([{ attr: 'server', value: '*', limit: 40 }]);

    // A bonus pack: 300 credits, bought once, never expiring.
    l.at('2026-05-21T08:00:00Z');
    const bonus = l.run('grants.add', { account: fl, pool: 'credits', amount: 300, source: 'purchase', note: 'bonus credits' });
    expect(bonus.expiresAt).toBeNull();
    b = l.pool(fl, 'credits');
    expect([b.monthlyRemaining, b.topupRemaining]).toEqual([500, 300]);

    // Server eu-1: ten Sonnet messages = 40 credits, all from the monthly credits.
    for (let i = 0; i < 10; i++) {
      l.at(`2026-05-21T09:${String(i).padStart(2, '0')}:00Z`);
      const u = l.run('usage.record', { account: fl, action: 'ai:claude-sonnet-4.5', attrs: { server: 'eu-1' } });
      expect(u.debits.map((d) => [d.source, d.credits])).toEqual([['monthly', 4]]);
    }
    // The eleventh would make 44 > 40 today on eu-1.
    l.at('2026-05-21T12:00:00Z');
    const daily = l.refuse('usage.record', { account: fl, action: 'ai:claude-sonnet-4.5', attrs: { server: 'eu-1' } }, 'daily_limit');
    expect([daily.details.value, daily.details.spent, daily.details.retryAt]).toEqual(['eu-1', 40, '2026-05-22T00:00:00.000Z']);
    // Another server has its own 40.
    expect(l.run('usage.record', { account: fl, action: 'ai:claude-haiku-4.5', attrs: { server: 'us-1' } }).credits).toBe(1);
    // Your own API key: no Flowly credits, no limit.
    const byo = l.run('usage.record', { account: fl, action: 'ai:claude-sonnet-4.5', attrs: { server: 'eu-1' }, byoKey: true });
    expect([byo.status, byo.credits, byo.debits]).toEqual(['bypassed', 0, []]);
    b = l.pool(fl, 'credits');
    expect([b.monthlyRemaining, b.topupRemaining, b.usedThisPeriod]).toEqual([459, 300, 41]);
    // Per-server usage.
    const perServer = l.run('reports.usage', { account: fl, by: ['attr:server', 'status'] });
    expect(perServer.rows.map((r) => [r.keys['attr:server'], r.keys.status, r.events, r.credits])).toEqual([
      ['eu-1', 'applied', 10, 40],
      ['eu-1', 'bypassed', 1, 0],
      ['us-1', 'applied', 1, 1],
    ]);

    // Next day eu-1 may spend again.
    l.at('2026-05-22T00:00:00Z');
    expect(l.run('usage.record', { account: fl, action: 'ai:claude-sonnet-4.5', attrs: { server: 'eu-1' } }).credits).toBe(4);

    // A heavy day without a server: 100 messages = 400 → 445 of 500 used, past 50 % and 80 %.
    l.at('2026-05-22T10:00:00Z');
    const heavy = l.run('usage.record', { account: fl, action: 'ai:claude-sonnet-4.5', quantity: 100 });
    expect(heavy.alerts.map((a) => [a.kind, a.level])).toEqual([
      ['threshold', 50],
      ['threshold', 80],
    ]);
    expect(l.pool(fl, 'credits').monthlyRemaining).toBe(55);
    // 20 more messages = 80: the last 55 monthly credits, then 25 bonus credits.
    const spill = l.run('usage.record', { account: fl, action: 'ai:claude-sonnet-4.5', quantity: 20 });
    expect(spill.debits.map((d) => [d.source, d.credits])).toEqual([
      ['monthly', 55],
      ['purchase', 25],
    ]);
    expect(spill.alerts.map((a) => [a.kind, a.level])).toEqual([['threshold', 100]]);
    // 275 bonus credits left; 44 messages (176) leave 99 ≤ the low-credit level of 100.
    const low = l.run('usage.record', { account: fl, action: 'ai:claude-sonnet-4.5', quantity: 44 });
    expect(low.alerts.map((a) => a.kind)).toEqual(['low-balance']);
    b = l.pool(fl, 'credits');
    expect([b.monthlyRemaining, b.topupRemaining, b.remaining]).toEqual([0, 99, 99]);

    // 25 messages = 100 > 99: the assistant stops answering; a BYO-key message still works.
    const out = l.refuse('usage.record', { account: fl, action: 'ai:claude-sonnet-4.5', quantity: 25 }, 'insufficient_credits');
    expect(out.message).toMatch(/the assistant stops answering/);
    expect(l.run('usage.record', { account: fl, action: 'ai:claude-sonnet-4.5', quantity: 25, byoKey: true }).status).toBe('bypassed');
    expect(l.pool(fl, 'credits').remaining).toBe(99);

    // June 20: 500 new monthly credits; the bonus 99 are still there.
    b = l.pool(fl, 'credits', '2026-06-20T00:00:00Z');
    expect([b.allocation, b.monthlyRemaining, b.topupRemaining]).toEqual([500, 500, 99]);
    l.at('2026-06-25T10:00:00Z');
    // A server still has its own daily 40: 30 Haiku messages on us-1 pass, 11 more would not.
    const june = l.run('usage.record', { account: fl, action: 'ai:claude-haiku-4.5', quantity: 30, attrs: { server: 'us-1' } });
    expect(june.debits.map((d) => [d.source, d.credits])).toEqual([['monthly', 30]]);
    l.refuse('usage.record', { account: fl, action: 'ai:claude-haiku-4.5', quantity: 11, attrs: { server: 'us-1' } }, 'daily_limit');
    l.run('usage.record', { account: fl, action: 'ai:claude-haiku-4.5', quantity: 70 });
    b = l.pool(fl, 'credits');
    expect([b.monthlyRemaining, b.topupRemaining, b.usedThisPeriod]).toEqual([400, 99, 100]);

    // July 20: the 400 unused monthly credits do not roll over; the bonus credits stay.
    l.at('2026-07-20T06:00:00Z');
    const july = l.run('usage.record', { account: fl, action: 'ai:claude-haiku-4.5' });
    expect(july.debits.map((d) => d.source)).toEqual(['monthly']);
    expect(expiries(l.ctx, fl)).toEqual([['monthly', 400, '2026-07-20T00:00:00.000Z']]);
    b = l.pool(fl, 'credits');
    expect([b.allocation, b.monthlyRemaining, b.topupRemaining]).toEqual([500, 499, 99]);
  });
});
