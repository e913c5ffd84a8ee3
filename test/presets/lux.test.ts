/**
 * Lux, from its "Billing & Credits" page: Free 1,000 credits a month; AI at
 * haiku 1, sonnet 5, opus 15, gpt-4o 5, gpt-4o-mini 1 credits per 1K tokens;
 * email 1, SMS 2, voice call 5 per minute, voice synthesis 1 per 1K
 * characters; when credits run out flows pause; purchased credits never
 * expire and unused ones are refundable within 30 days; monthly allotments
 * reset each billing cycle; organisation usage attributed to flows and users.
 */
import { describe, expect, test } from 'vitest';
import { ledger } from './helpers.js';

describe('Lux Free: a month of flows, running out, buying, the reset and refunds', () => {
  test('March 10 to April 25', () => {
    const l = ledger('2026-03-10T12:00:00Z');
    const lux = l.run('accounts.add', { preset: 'lux', plan: 'free', name: 'Lux org' }).id;
    let b = l.pool(lux, 'credits');
    expect([b.allocation, b.remaining]).toEqual([1000, 1000]);
    // The billing cycle starts on the sign-up day.
    expect(b.periodStart).toBe('2026-03-10T00:00:00.000Z');
    expect(b.nextReset).toBe('2026-04-10T00:00:00.000Z');

    // Organisation billing: one account for all members; an admin limit on bob.
    l.run('members.add', { account: lux, member: 'alice' });
    l.run('members.add', { account: lux, member: 'bob', monthlyLimit: 50 });

    const use = (action: string, quantity: number, member: string | undefined, flow: string, execution: string) =>
      l.run('usage.record', { account: lux, action, quantity, ...(member ? { member } : {}), attrs: { flow, execution } });

    // 1,500 Sonnet tokens at 5 credits per 1K = 7.5 credits.
    expect(use('ai:claude-sonnet', 1500, 'alice', 'flow_onboard', 'exec_1').credits).toBe(7.5);
    // The doc's execution log: flow_123 / exec_456 spends ai 12 + email 1 = 13 (12 = 2,400 Sonnet tokens).
    expect(use('ai:claude-sonnet', 2400, 'alice', 'flow_123', 'exec_456').credits).toBe(12);
    expect(use('email', 1, 'alice', 'flow_123', 'exec_456').credits).toBe(1);
    // Communication: 3 SMS × 2, 4 voice minutes × 5, 2,500 characters of synthesis at 1 per 1K.
    expect(use('sms', 3, 'bob', 'flow_alerts', 'exec_2').credits).toBe(6);
    expect(use('voice-call', 4, 'bob', 'flow_alerts', 'exec_2').credits).toBe(20);
    expect(use('voice-synthesis', 2500, 'bob', 'flow_alerts', 'exec_2').credits).toBe(2.5);
    // The other models: 1,000 Haiku = 1, 2,000 Opus = 30, 1,000 GPT-4o = 5, 500 GPT-4o-mini = 0.5.
    expect(use('ai:claude-haiku', 1000, 'alice', 'flow_research', 'exec_3').credits).toBe(1);
    expect(use('ai:claude-opus', 2000, 'alice', 'flow_research', 'exec_3').credits).toBe(30);
    expect(use('ai:gpt-4o', 1000, 'alice', 'flow_research', 'exec_3').credits).toBe(5);
    expect(use('ai:gpt-4o-mini', 500, 'alice', 'flow_research', 'exec_3').credits).toBe(0.5);
    // Ten newsletter emails, no member.
    expect(use('email', 10, undefined, 'flow_newsletter', 'exec_4').credits).toBe(10);

    // Lux's estimate formula on this month's usage:
    //   AI calls × tokens × model rate = (1.5×5 + 2.4×5 + 1×1 + 2×15 + 1×5 + 0.5×1) = 56
    //   + emails × 1 = 11, + SMS × 2 = 6, + voice minutes × 5 = 20  → 93
    // plus 2.5 of voice synthesis (on the rate card, not in the formula) = 95.5 spent.
    b = l.pool(lux, 'credits');
    expect([b.usedThisPeriod, b.remaining]).toEqual([95.5, 904.5]);

    // bob has spent 6 + 20 + 2.5 = 28.5; 5 more voice minutes (25) would pass his 50.
    const capped = l.refuse('usage.record', { account: lux, action: 'voice-call', quantity: 5, member: 'bob', attrs: { flow: 'flow_alerts', execution: 'exec_5' } }, 'member_limit');
    expect(capped.details.spent).toBe(28.5);

    // Usage attributed to flows and users.
    const byFlow = l.run('reports.usage', { account: lux, by: ['attr:flow'] });
    expect(byFlow.rows.map((r) => [r.keys['attr:flow'], r.events, r.credits])).toEqual([
      ['flow_123', 2, 13],
      ['flow_alerts', 3, 28.5],
      ['flow_newsletter', 1, 10],
      ['flow_onboard', 1, 7.5],
      ['flow_research', 4, 36.5],
    ]);
    expect(byFlow.total).toEqual({ events: 11, credits: 95.5 });
    const exec = l.run('reports.usage', { account: lux, where: { execution: 'exec_456' }, by: ['action'] });
    expect(exec.rows.map((r) => [r.keys.action, r.credits])).toEqual([
      ['ai:claude-sonnet', 12],
      ['email', 1],
    ]);
    expect(exec.total.credits).toBe(13);
    const byMember = l.run('reports.usage', { account: lux, by: ['member'] });
    expect(byMember.rows.map((r) => [r.keys.member, r.credits])).toEqual([
      ['', 10],
      ['alice', 57],
      ['bob', 28.5],
    ]);

    // A long Opus run: 40,000 tokens × 15 / 1K = 600 → 695.5 of 1,000 used, past the 50 % alert.
    l.at('2026-03-15T09:00:00Z');
    const big = use('ai:claude-opus', 40000, 'alice', 'flow_research', 'exec_6');
    expect(big.credits).toBe(600);
    expect(big.alerts.map((a) => [a.kind, a.level])).toEqual([['threshold', 50]]);
    // 20,000 more tokens = 300 → 995.5 used, past 80 %; 4.5 credits left.
    const more = use('ai:claude-opus', 20000, 'alice', 'flow_research', 'exec_7');
    expect(more.alerts.map((a) => [a.kind, a.level])).toEqual([['threshold', 80]]);
    expect(l.pool(lux, 'credits').remaining).toBe(4.5);

    // 1,000 Sonnet tokens cost 5 > 4.5: the flow pauses, and the refusal is recorded.
    const paused = l.refuse('usage.record', { account: lux, action: 'ai:claude-sonnet', quantity: 1000, member: 'alice', attrs: { flow: 'flow_123', execution: 'exec_8' } }, 'insufficient_credits');
    expect(paused.message).toMatch(/flows pause execution until credits are added/);
    expect([paused.details.cost, paused.details.available]).toEqual([5, 4.5]);
    const refusals = l.run('refusals.list', { account: lux });
    expect(refusals[0]!.reason).toBe('insufficient_credits');
    expect(refusals[0]!.message).toMatch(/flows pause/);
    expect(refusals[0]!.action).toBe('ai:claude-sonnet');
    // "You receive notification"
    const alerts = l.run('alerts.list', { account: lux });
    expect(alerts.map((a) => a.kind)).toContain('exhausted');
    expect(l.pool(lux, 'credits').remaining).toBe(4.5);

    // "Add credits to resume": buy 500 (the user paid $10; the docs give no price).
    l.at('2026-03-20T12:00:00Z');
    const a = l.run('grants.add', { account: lux, pool: 'credits', amount: 500, source: 'purchase', priceCents: 1000 });
    expect([a.expiresAt, a.refundableUntil]).toEqual([null, '2026-04-19T12:00:00.000Z']);
    const resumed = l.run('usage.record', { account: lux, action: 'ai:claude-sonnet', quantity: 1000, member: 'alice', attrs: { flow: 'flow_123', execution: 'exec_8' } });
    // The monthly 4.5 first, then 0.5 of the purchase.
    expect(resumed.debits.map((d) => [d.source, d.credits])).toEqual([
      ['monthly', 4.5],
      ['purchase', 0.5],
    ]);
    l.at('2026-03-25T12:00:00Z');
    const bPurchase = l.run('grants.add', { account: lux, pool: 'credits', amount: 200, source: 'purchase', priceCents: 400 });
    expect(bPurchase.refundableUntil).toBe('2026-04-24T12:00:00.000Z');
    b = l.pool(lux, 'credits');
    expect([b.monthlyRemaining, b.topupRemaining]).toEqual([0, 699.5]);

    // April 10, 00:00 UTC: the monthly allotment resets; purchased credits survive.
    b = l.pool(lux, 'credits', '2026-04-10T00:00:00Z');
    expect([b.allocation, b.monthlyRemaining, b.topupRemaining, b.usedThisPeriod]).toEqual([1000, 1000, 699.5, 0]);
    l.at('2026-04-12T08:00:00Z');
    const april = use('email', 2, 'alice', 'flow_newsletter', 'exec_9');
    expect(april.debits.map((d) => d.source)).toEqual(['monthly']);
    b = l.pool(lux, 'credits');
    expect([b.monthlyRemaining, b.topupRemaining, b.nextReset]).toEqual([998, 699.5, '2026-05-10T00:00:00.000Z']);
    // bob's monthly limit starts again too.
    expect(l.run('usage.record', { account: lux, action: 'voice-call', quantity: 5, member: 'bob' }).credits).toBe(25);

    // Day 26 after the first purchase: its unused 499.5 of 500 are refunded, 499.5/500 of $10 = $9.99.
    l.at('2026-04-15T12:00:00Z');
    const refund = l.run('grants.refund', { grant: a.grantId });
    expect([refund.credits, refund.amountCents, refund.currency]).toEqual([499.5, 999, 'USD']);
    expect(l.pool(lux, 'credits').topupRemaining).toBe(200);

    // 31 days after the second purchase (window closed 2026-04-24T12:00Z): refused.
    l.at('2026-04-25T12:00:00Z');
    const late = l.refuse('grants.refund', { grant: bPurchase.grantId }, 'refund');
    expect(late.message).toMatch(/30-day refund window/);
    expect(l.pool(lux, 'credits').topupRemaining).toBe(200);
    expect(l.run('refusals.list', { account: lux })[0]!.reason).toBe('refund');

    // Monthly credits are not purchased credits: never refundable.
    const monthly = l.run('grants.list', { account: lux }).find((g) => g.source === 'monthly' && g.expiresAt === '2026-05-10T00:00:00.000Z')!;
    l.refuse('grants.refund', { grant: monthly.grantId }, 'refund');
  });

  test('a monthly credit limit set by the admin', () => {
    const l = ledger('2026-03-10T12:00:00Z');
    const lux = l.run('accounts.add', { preset: 'lux', plan: 'starter' }).id;
    expect(l.pool(lux, 'credits').allocation).toBe(10000);
    l.run('accounts.set', { account: lux, monthlyLimit: 100 });
    // 19 emails + 20 SMS × 2 = 59; 10 voice minutes (50) would make 109 > 100.
    l.run('usage.record', { account: lux, action: 'email', quantity: 19 });
    l.run('usage.record', { account: lux, action: 'sms', quantity: 20 });
    const e = l.refuse('usage.record', { account: lux, action: 'voice-call', quantity: 10 }, 'account_limit');
    expect(e.details.spent).toBe(59);
    expect(l.run('usage.record', { account: lux, action: 'voice-call', quantity: 8 }).credits).toBe(40);
    expect(l.pool(lux, 'credits').remaining).toBe(10000 - 99);
  });

  test('Enterprise is custom: its allocation must be given', () => {
    const l = ledger('2026-03-10T12:00:00Z');
    l.invalid('accounts.add', { preset: 'lux', plan: 'enterprise' });
    // Free sets its own 1,000: an --amount is refused there.
    l.invalid('accounts.add', { preset: 'lux', plan: 'free', amounts: { credits: '5000' } });
    const ent = l.run('accounts.add', { preset: 'lux', plan: 'enterprise', amounts: { credits: '250000' } });
    expect(l.pool(ent.id, 'credits').allocation).toBe(250000);
  });
});
