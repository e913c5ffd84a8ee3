/**
 * Flux, from its "Account & Billing · Credits" page: 200 credits per month on
 * Edge, granted on the 1st of each calendar month (UTC), use-it-or-lose-it;
 * packs Starter 500/$5 and Pro 2,000/$15 that never expire; Pulse cannot buy;
 * hourly rate limits per tool apply even with credits remaining. Tool costs
 * are not in that page, so the test sets them (the user would, from the
 * MCP / API reference): mcp-tool 2 credits with 5 calls an hour, api-request 5.
 */
import { describe, expect, test } from 'vitest';
import { expiries, ledger } from './helpers.js';

describe('Flux Edge: a month, a pack and a reset', () => {
  test('November to January on Edge', () => {
    const l = ledger('2026-11-15T09:00:00Z');
    const edge = l.run('accounts.add', { preset: 'flux', plan: 'edge' }).id;

    // Mid-November sign-up: this calendar month's 200, resetting at 1 December 00:00 UTC.
    let b = l.pool(edge, 'credits');
    expect([b.allocation, b.remaining, b.monthlyRemaining, b.topupRemaining]).toEqual([200, 200, 200, 0]);
    expect(b.periodStart).toBe('2026-11-01T00:00:00.000Z');
    expect(b.nextReset).toBe('2026-12-01T00:00:00.000Z');

    // The credits page gives no per-tool cost: recording is refused until the user sets one.
    const noCost = l.invalid('usage.record', { account: edge, action: 'mcp-tool' });
    expect(noCost.message).toMatch(/no cost/);
    const tool = l.run('actions.set', { account: edge, action: 'mcp-tool', cost: 2, hourlyLimit: 5 });
    expect([tool.cost, tool.hourlyLimit, tool.pool]).toEqual([2, 5, 'credits']);
    l.run('actions.set', { account: edge, action: 'api-request', cost: 5 });

    // Five tool calls, 09:00–09:04, across two tracked profiles (credits are per account).
    for (let i = 0; i < 5; i++) {
      l.at(`2026-11-15T09:0${i}:00Z`);
      const u = l.run('usage.record', { account: edge, action: 'mcp-tool', attrs: { profile: i % 2 ? 'p-b' : 'p-a' } });
      expect(u.credits).toBe(2);
      expect(u.debits.map((d) => d.source)).toEqual(['monthly']);
    }
    expect(l.pool(edge, 'credits').remaining).toBe(190);

    // The sixth call within the hour is rate-limited although 190 credits remain.
    l.at('2026-11-15T09:30:00Z');
    const limited = l.refuse('usage.record', { account: edge, action: 'mcp-tool' }, 'rate_limit');
    expect(limited.details.retryAt).toBe('2026-11-15T10:00:00.000Z');
    expect(l.pool(edge, 'credits').remaining).toBe(190);
    // The limit is per tool: a Data API request still goes through.
    expect(l.run('usage.record', { account: edge, action: 'api-request', quantity: 6 }).credits).toBe(30);
    // An hour after the first call, the tool is allowed again.
    l.at('2026-11-15T10:00:00Z');
    expect(l.run('usage.record', { account: edge, action: 'mcp-tool' }).credits).toBe(2);
    // 200 − 10 − 30 − 2 = 158 monthly credits left.
    expect(l.pool(edge, 'credits').monthlyRemaining).toBe(158);

    // Buy the Pro pack: 2,000 credits for $15, never expiring.
    l.at('2026-11-20T12:00:00Z');
    const pro = l.run('grants.add', { account: edge, pool: 'credits', amount: 2000, source: 'purchase', priceCents: 1500 });
    expect([pro.credits, pro.priceCents, pro.expiresAt, pro.source]).toEqual([2000, 1500, null, 'purchase']);
    b = l.pool(edge, 'credits');
    expect([b.monthlyRemaining, b.topupRemaining, b.remaining]).toEqual([158, 2000, 2158]);

    // Spending after the purchase still comes out of the monthly grant first.
    const u1 = l.run('usage.record', { account: edge, action: 'api-request', quantity: 8 });
    expect(u1.credits).toBe(40);
    expect(u1.debits.map((d) => [d.source, d.credits])).toEqual([['monthly', 40]]);
    b = l.pool(edge, 'credits');
    expect([b.monthlyRemaining, b.topupRemaining, b.usedThisPeriod]).toEqual([118, 2000, 82]);

    // Just before the reset: 118 monthly credits unused.
    expect(l.pool(edge, 'credits', '2026-11-30T23:59:59.999Z').monthlyRemaining).toBe(118);
    // At 1 December 00:00 UTC exactly: a fresh 200, the pack untouched.
    b = l.pool(edge, 'credits', '2026-12-01T00:00:00Z');
    expect([b.allocation, b.monthlyRemaining, b.topupRemaining, b.usedThisPeriod]).toEqual([200, 200, 2000, 0]);
    expect(b.periodStart).toBe('2026-12-01T00:00:00.000Z');
    expect(b.nextReset).toBe('2027-01-01T00:00:00.000Z');

    // The first December write books the reset: the 118 expire at exactly 2026-12-01T00:00:00Z.
    l.at('2026-12-03T08:00:00Z');
    expect(expiries(l.ctx, edge)).toEqual([]);
    const dec = l.run('usage.record', { account: edge, action: 'api-request', quantity: 37 });
    expect(dec.credits).toBe(185);
    expect(dec.debits.map((d) => [d.source, d.credits])).toEqual([['monthly', 185]]);
    expect(expiries(l.ctx, edge)).toEqual([['monthly', 118, '2026-12-01T00:00:00.000Z']]);
    const grants = l.run('grants.list', { account: edge });
    const nov = grants.find((g) => g.source === 'monthly' && g.expiresAt === '2026-12-01T00:00:00.000Z')!;
    expect([nov.credits, nov.used, nov.expired, nov.remaining]).toEqual([200, 82, 118, 0]);
    const packRow = grants.find((g) => g.source === 'purchase')!;
    expect([packRow.remaining, packRow.used, packRow.expired]).toEqual([2000, 0, 0]);
    // Looking back is still exact: on 30 November the 118 were there.
    expect(l.pool(edge, 'credits', '2026-11-30T23:59:59.999Z').monthlyRemaining).toBe(118);

    // 15 monthly credits left; a 10-request batch costs 50: 15 from the month, then 35 from the pack.
    const over = l.run('usage.record', { account: edge, action: 'api-request', quantity: 10 });
    expect(over.credits).toBe(50);
    expect(over.debits.map((d) => [d.source, d.credits])).toEqual([
      ['monthly', 15],
      ['purchase', 35],
    ]);
    b = l.pool(edge, 'credits');
    expect([b.monthlyRemaining, b.topupRemaining, b.remaining, b.usedThisPeriod]).toEqual([0, 1965, 1965, 235]);
    // From now on every call is paid by the pack.
    expect(l.run('usage.record', { account: edge, action: 'mcp-tool' }).debits.map((d) => [d.source, d.credits])).toEqual([['purchase', 2]]);

    // 1 January: nothing monthly left to expire in December's grant; a new 200; the pack keeps its 1,963.
    l.at('2027-01-01T00:00:00Z');
    b = l.pool(edge, 'credits');
    expect([b.allocation, b.monthlyRemaining, b.topupRemaining]).toEqual([200, 200, 1963]);
    l.at('2027-01-02T10:00:00Z');
    expect(l.run('usage.record', { account: edge, action: 'mcp-tool' }).debits.map((d) => d.source)).toEqual(['monthly']);
    expect(expiries(l.ctx, edge)).toEqual([['monthly', 118, '2026-12-01T00:00:00.000Z']]);

    // A Starter pack: 500 credits for $5.
    const starter = l.run('grants.add', { account: edge, pool: 'credits', amount: 500, source: 'purchase', priceCents: 500 });
    expect([starter.credits, starter.priceCents, starter.expiresAt]).toEqual([500, 500, null]);
    expect(l.pool(edge, 'credits').topupRemaining).toBe(2463);
  });

  test('the hourly limit refuses even with credits left, and is recorded', () => {
    const l = ledger('2026-11-15T09:00:00Z');
    const edge = l.run('accounts.add', { preset: 'flux', plan: 'edge' }).id;
    l.run('actions.set', { account: edge, action: 'mcp-tool', cost: 1, hourlyLimit: 2 });
    l.run('usage.record', { account: edge, action: 'mcp-tool' });
    l.at('2026-11-15T09:10:00Z');
    l.run('usage.record', { account: edge, action: 'mcp-tool' });
    l.at('2026-11-15T09:20:00Z');
    const e = l.refuse('usage.record', { account: edge, action: 'mcp-tool' }, 'rate_limit');
    expect(e.message).toMatch(/2 calls per hour/);
    expect(l.pool(edge, 'credits').available).toBe(198);
    const r = l.run('refusals.list', { account: edge });
    expect(r.map((x) => [x.reason, x.action])).toEqual([['rate_limit', 'mcp-tool']]);
  });

  test('a Pulse account gets no monthly grant and cannot buy packs', () => {
    const l = ledger('2026-11-15T09:00:00Z');
    const pulse = l.run('accounts.add', { preset: 'flux', plan: 'pulse' }).id;
    expect(l.pool(pulse, 'credits').remaining).toBe(0);
    for (const [amount, price] of [
      [500, 500],
      [2000, 1500],
    ] as const) {
      const e = l.refuse('grants.add', { account: pulse, pool: 'credits', amount, source: 'purchase', priceCents: price }, 'plan');
      expect(e.message).toMatch(/Pulse accounts cannot buy credit packs/);
    }
    expect(l.pool(pulse, 'credits').remaining).toBe(0);
    expect(l.run('grants.list', { account: pulse })).toEqual([]);
    expect(l.run('refusals.list', { account: pulse }).map((x) => x.reason)).toEqual(['plan', 'plan']);
    // With a tool cost set, a Pulse call has no credits to draw on.
    l.run('actions.set', { account: pulse, action: 'mcp-tool', cost: 1 });
    l.refuse('usage.record', { account: pulse, action: 'mcp-tool' }, 'insufficient_credits');
  });

  test('the monthly grant follows the UTC calendar whatever the account time zone', () => {
    // 30 November 20:00 in Los Angeles is already 1 December 04:00 UTC: the new month's 200 are there.
    const l = ledger('2026-11-30T12:00:00Z');
    const edge = l.run('accounts.add', { preset: 'flux', plan: 'edge', tz: 'America/Los_Angeles' }).id;
    l.run('actions.set', { account: edge, action: 'mcp-tool', cost: 50 });
    l.run('usage.record', { account: edge, action: 'mcp-tool', quantity: 3 });
    expect(l.pool(edge, 'credits').nextReset).toBe('2026-12-01T00:00:00.000Z');
    l.at('2026-12-01T04:00:00Z');
    const b = l.pool(edge, 'credits');
    expect([b.periodStart, b.monthlyRemaining]).toEqual(['2026-12-01T00:00:00.000Z', 200]);
    l.run('usage.record', { account: edge, action: 'mcp-tool' });
    expect(expiries(l.ctx, edge)).toEqual([['monthly', 50, '2026-12-01T00:00:00.000Z']]);
  });

  test('a hold reserves credits for a fan-out before it runs', () => {
    const l = ledger('2026-11-15T09:00:00Z');
    const edge = l.run('accounts.add', { preset: 'flux', plan: 'edge' }).id;
    l.run('actions.set', { account: edge, action: 'mcp-tool', cost: 4 });
    // A 45-call batch at 4 credits = 180 of the 200, reserved up front.
    const hold = l.run('holds.place', { account: edge, pool: 'credits', amount: 180 });
    expect(l.pool(edge, 'credits').available).toBe(20);
    // Other work can spend only the 20 not held: 6 calls (24) are refused, 5 (20) pass.
    l.refuse('usage.record', { account: edge, action: 'mcp-tool', quantity: 6 }, 'insufficient_credits');
    l.run('usage.record', { account: edge, action: 'mcp-tool', quantity: 5 });
    // The batch itself draws on its hold.
    const batch = l.run('usage.record', { account: edge, action: 'mcp-tool', quantity: 45, holdId: hold.holdId });
    expect(batch.credits).toBe(180);
    const b = l.pool(edge, 'credits');
    expect([b.remaining, b.held, b.available]).toEqual([0, 0, 0]);
  });
});

