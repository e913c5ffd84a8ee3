/**
 * Rule 7: monthly spending limits per account and per member; daily limits per
 * attribute value (reset at local midnight in the account's zone); hourly rate
 * limits per action that refuse even with credits left and say when the next
 * call will pass; threshold alerts (50/80/100 %) and a low-balance alert, each
 * once per pool per period.
 */
import { describe, expect, test } from 'vitest';
import { fresh, ms } from './helpers.js';

describe('spending limits', () => {
  test('account monthly limit: spending up to it passes, past it is refused with account_limit', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-06-01' });
    h.op('accounts.set', { account: a, monthlyLimit: 10 });
    h.op('usage.record', { account: a, action: 'email', quantity: 8 });
    const e = h.refused('usage.record', { account: a, action: 'sms', quantity: 2 }, 'account_limit');
    expect(e.details).toMatchObject({ limit: 10, spent: 8, resetsAt: '2026-07-01T00:00:00.000Z' });
    // Exactly at the limit is allowed.
    h.op('usage.record', { account: a, action: 'email', quantity: 2 });
    h.refused('usage.record', { account: a, action: 'voice-synthesis', quantity: 1 }, 'account_limit');
    expect(h.op('refusals.list', { account: a }).map((r) => r.reason)).toEqual(['account_limit', 'account_limit']);
    // Credits were never the problem.
    expect(h.pool(a, 'credits').remaining).toBe(990);
    // Free actions never count.
    h.op('actions.set', { account: a, action: 'email', free: true });
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 100 }).status).toBe('free');
    // The limit resets with the period.
    h.at('2026-07-01T00:00:00Z');
    expect(h.op('usage.record', { account: a, action: 'sms', quantity: 5 }).credits).toBe(10);
  });

  test('account limit counts every pool of the account', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'rise' });
    h.op('accounts.set', { account: a, monthlyLimit: 5 });
    h.op('usage.record', { account: a, action: 'image', quantity: 4 });
    h.refused('usage.record', { account: a, action: 'video', quantity: 2 }, 'account_limit');
    h.op('usage.record', { account: a, action: 'video', quantity: 1 });
  });

  test('member monthly limit refuses that member only; a void gives the room back; it resets next period', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-06-01' });
    h.op('members.add', { account: a, member: 'bob', monthlyLimit: 5 });
    h.op('members.add', { account: a, member: 'alice' });
    const b1 = h.op('usage.record', { account: a, action: 'email', quantity: 3, member: 'bob' });
    h.op('usage.record', { account: a, action: 'sms', quantity: 1, member: 'bob' });
    const e = h.refused('usage.record', { account: a, action: 'email', quantity: 1, member: 'bob' }, 'member_limit');
    expect(e.details).toMatchObject({ member: 'bob', limit: 5, spent: 5 });
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 50, member: 'alice' }).credits).toBe(50);
    // Usage without a member is not bob's.
    h.op('usage.record', { account: a, action: 'email', quantity: 1 });
    h.op('events.void', { event: b1.eventId });
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 3, member: 'bob' }).credits).toBe(3);
    h.refused('usage.record', { account: a, action: 'email', quantity: 1, member: 'bob' }, 'member_limit');
    h.at('2026-07-01T00:00:00Z');
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 5, member: 'bob' }).credits).toBe(5);
  });

  test('daily limit per attribute value: "*" limits each server separately, a specific value can be tighter, and it resets at local midnight', () => {
    // 2026-06-02 10:00Z is 06:00 in New York (EDT, −04:00): the local day ends at 2026-06-03T04:00Z.
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'flowly', plan: 'custom', amounts: { credits: '1000' }, tz: 'America/New_York' });
    h.op('actions.set', { account: a, action: 'ai:claude-sonnet-4.5', cost: 1 });
    h.op('limits.daily', { account: a, attr: 'server', value: '*', limit: 10 });
    h.op('limits.daily', { account: a, attr: 'server', value: 'eu-1', limit: 3 });
    const msg = (server: string, quantity = 1) => ({ account: a, action: 'ai:claude-sonnet-4.5', quantity, attrs: { server } });
    h.op('usage.record', msg('us-1', 10));
    const e = h.refused('usage.record', msg('us-1'), 'daily_limit');
    expect(e.details).toMatchObject({ attr: 'server', value: 'us-1', limit: 10, spent: 10, retryAt: '2026-06-03T04:00:00.000Z' });
    // Another server has its own allowance.
    h.op('usage.record', msg('us-2', 10));
    h.op('usage.record', msg('eu-1', 3));
    h.refused('usage.record', msg('eu-1'), 'daily_limit');
    // Events without the attribute are not limited.
    h.op('usage.record', { account: a, action: 'ai:claude-sonnet-4.5', quantity: 50 });
    // Still June 2 in New York one millisecond before local midnight.
    h.clock.set(ms('2026-06-03T03:59:59.999Z'));
    h.refused('usage.record', msg('us-1'), 'daily_limit');
    h.clock.set(ms('2026-06-03T04:00:00.000Z'));
    h.op('usage.record', msg('us-1', 10));
    h.op('usage.record', msg('eu-1', 3));
    expect(h.op('refusals.list', { account: a }).map((r) => r.reason)).toEqual(['daily_limit', 'daily_limit', 'daily_limit']);
  });

  test('one local day is one daily allowance, even when its midnight repeats (Havana, clocks back 01:00 → 00:00)', () => {
    // Nov 1 2026 in Havana begins at 00:00 −04:00 (04:00Z); at 05:00Z the clocks go back to 00:00 −05:00.
    const h = fresh('2026-11-01T04:30:00Z');
    const a = h.account({ preset: 'flowly', plan: 'custom', amounts: { credits: '1000' }, tz: 'America/Havana', anchor: '2026-10-15' });
    h.op('actions.set', { account: a, action: 'ai:claude-haiku-4.5', cost: 1 });
    h.op('limits.daily', { account: a, attr: 'server', value: '*', limit: 10 });
    const msg = { account: a, action: 'ai:claude-haiku-4.5', attrs: { server: 'cu-1' } };
    h.op('usage.record', { ...msg, quantity: 10 });
    h.at('2026-11-01T12:00:00Z'); // 07:00 local, still Nov 1
    const e = h.refused('usage.record', { ...msg, quantity: 1 }, 'daily_limit');
    // Nov 2 00:00 −05:00.
    expect(e.details.retryAt).toBe('2026-11-02T05:00:00.000Z');
    h.at('2026-11-02T05:00:00Z');
    h.op('usage.record', { ...msg, quantity: 10 });
  });

  test('a daily limit set mid-day counts what was already spent today', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'flowly', plan: 'custom', amounts: { credits: '1000' } });
    h.op('actions.set', { account: a, action: 'ai:claude-haiku-4.5', cost: 1 });
    h.op('usage.record', { account: a, action: 'ai:claude-haiku-4.5', quantity: 4, attrs: { server: 's1' } });
    h.op('limits.daily', { account: a, attr: 'server', value: 's1', limit: 5 });
    h.op('usage.record', { account: a, action: 'ai:claude-haiku-4.5', quantity: 1, attrs: { server: 's1' } });
    h.refused('usage.record', { account: a, action: 'ai:claude-haiku-4.5', quantity: 1, attrs: { server: 's1' } }, 'daily_limit');
  });
});

describe('hourly rate limits', () => {
  const flux = () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'flux', plan: 'edge' });
    h.op('actions.set', { account: a, action: 'mcp-tool', cost: 1, hourlyLimit: 3 });
    return { h, a };
  };

  test('refused with rate_limit even with credits left; retryAt is the oldest call in the window + 1 h, and a call then passes', () => {
    const { h, a } = flux();
    for (const t of ['10:00', '10:10', '10:20']) {
      h.at(`2026-06-02T${t}:00Z`);
      h.op('usage.record', { account: a, action: 'mcp-tool' });
    }
    h.at('2026-06-02T10:30:00Z');
    const e = h.refused('usage.record', { account: a, action: 'mcp-tool' }, 'rate_limit');
    expect(e.details).toMatchObject({ limit: 3, retryAt: '2026-06-02T11:00:00.000Z' });
    expect(e.message).toMatch(/next call will pass at 2026-06-02T11:00:00.000Z/);
    expect(h.pool(a, 'credits').remaining).toBe(197);
    // One millisecond early is still refused.
    h.clock.set(ms('2026-06-02T10:59:59.999Z'));
    h.refused('usage.record', { account: a, action: 'mcp-tool' }, 'rate_limit');
    h.clock.set(ms(e.details.retryAt as string));
    expect(h.op('usage.record', { account: a, action: 'mcp-tool' }).status).toBe('applied');
    // The window now holds 10:10, 10:20, 11:00: the next call passes at 11:10.
    const e2 = h.refused('usage.record', { account: a, action: 'mcp-tool' }, 'rate_limit');
    expect(e2.details.retryAt).toBe('2026-06-02T11:10:00.000Z');
    expect(h.op('refusals.list', { account: a }).filter((r) => r.reason === 'rate_limit')).toHaveLength(3);
  });

  test('the limit is per action: another action is not held back', () => {
    const { h, a } = flux();
    for (let i = 0; i < 3; i++) h.op('usage.record', { account: a, action: 'mcp-tool' });
    h.refused('usage.record', { account: a, action: 'mcp-tool' }, 'rate_limit');
    h.op('actions.set', { account: a, action: 'api-request', cost: 1 });
    expect(h.op('usage.record', { account: a, action: 'api-request' }).status).toBe('applied');
  });

  test('after the limit is lowered, retryAt is still the time the next call will pass', () => {
    const { h, a } = flux();
    for (const t of ['10:00', '10:10', '10:20']) {
      h.at(`2026-06-02T${t}:00Z`);
      h.op('usage.record', { account: a, action: 'mcp-tool' });
    }
    h.op('actions.set', { account: a, action: 'mcp-tool', hourlyLimit: 1 });
    h.at('2026-06-02T10:30:00Z');
    const e = h.refused('usage.record', { account: a, action: 'mcp-tool' }, 'rate_limit');
    // With a limit of 1, the call passes once the 10:20 call has left the window.
    expect(e.details.retryAt).toBe('2026-06-02T11:20:00.000Z');
    h.clock.set(ms('2026-06-02T11:19:59.999Z'));
    h.refused('usage.record', { account: a, action: 'mcp-tool' }, 'rate_limit');
    h.clock.set(ms(e.details.retryAt as string));
    expect(h.op('usage.record', { account: a, action: 'mcp-tool' }).status).toBe('applied');
  });

  test('removing the limit lets calls through at once', () => {
    const { h, a } = flux();
    for (let i = 0; i < 3; i++) h.op('usage.record', { account: a, action: 'mcp-tool' });
    h.refused('usage.record', { account: a, action: 'mcp-tool' }, 'rate_limit');
    h.op('actions.set', { account: a, action: 'mcp-tool', hourlyLimit: null });
    h.op('usage.record', { account: a, action: 'mcp-tool' });
  });
});

describe('alerts', () => {
  test('50/80/100 % thresholds are recorded once each, at the event that crosses them', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-06-01' });
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 499 }).alerts).toEqual([]);
    const r50 = h.op('usage.record', { account: a, action: 'email', quantity: 1 }).alerts;
    expect(r50.map((x) => [x.kind, x.level])).toEqual([['threshold', 50]]);
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 299 }).alerts).toEqual([]);
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 1 }).alerts.map((x) => x.level)).toEqual([80]);
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 200 }).alerts.map((x) => x.level)).toEqual([100]);
    const listed = h.op('alerts.list', { account: a });
    expect(listed.map((x) => [x.kind, x.level, x.periodStart]).sort()).toEqual([
      ['threshold', 100, '2026-06-01T00:00:00.000Z'],
      ['threshold', 50, '2026-06-01T00:00:00.000Z'],
      ['threshold', 80, '2026-06-01T00:00:00.000Z'],
    ]);
  });

  test('one event crossing several levels records each; a void and re-use does not record them again; the next period does', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-06-01' });
    h.op('grants.add', { account: a, pool: 'credits', amount: 100, source: 'bonus' });
    const big = h.op('usage.record', { account: a, action: 'email', quantity: 850 });
    expect(big.alerts.map((x) => x.level)).toEqual([50, 80]);
    h.op('events.void', { event: big.eventId });
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 1000 }).alerts.map((x) => x.level)).toEqual([100]);
    expect(h.op('alerts.list', { account: a }).filter((x) => x.kind === 'threshold')).toHaveLength(3);
    h.at('2026-07-01T00:00:00Z');
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 500 }).alerts.map((x) => [x.level, x.periodStart])).toEqual([[50, '2026-07-01T00:00:00.000Z']]);
  });

  test('custom thresholds via accounts.set', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    h.op('accounts.set', { account: a, thresholds: [90, 25] });
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 250 }).alerts.map((x) => x.level)).toEqual([25]);
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 700 }).alerts.map((x) => x.level)).toEqual([90]);
  });

  test('low-balance alert when the remaining credits cross the level set with accounts.set, once per period', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-06-01' });
    h.op('accounts.set', { account: a, lowBalance: 100, thresholds: [] });
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 899 }).alerts).toEqual([]);
    const low = h.op('usage.record', { account: a, action: 'email', quantity: 1 }).alerts;
    expect(low.map((x) => [x.kind, x.pool])).toEqual([['low-balance', 'credits']]);
    expect(low[0]!.message).toMatch(/100 left/);
    // Topping up and crossing again in the same period does not repeat it.
    h.op('grants.add', { account: a, pool: 'credits', amount: 500, source: 'purchase', priceCents: 500 });
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 550 }).alerts).toEqual([]);
    expect(h.op('alerts.list', { account: a }).filter((x) => x.kind === 'low-balance')).toHaveLength(1);
  });

  test('top-ups count toward the low-balance level: no alert while they keep the balance above it', () => {
    const h = fresh('2026-06-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    h.op('accounts.set', { account: a, lowBalance: 100, thresholds: [] });
    h.op('grants.add', { account: a, pool: 'credits', amount: 200, source: 'bonus' });
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 1000 }).alerts).toEqual([]);
    expect(h.op('usage.record', { account: a, action: 'email', quantity: 100 }).alerts.map((x) => x.kind)).toEqual(['low-balance']);
  });
});
