import { describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { callAs } from '../../main/core/team/call-as.js';
import { setCaps } from '../../main/core/team/caps.js';
import { issueToken } from '../../main/core/team/tokens.js';
import { RefusedError } from '../../main/core/util/errors.js';
import { KEY, rows, teamLedger, thrown, type TeamLedger } from './helpers.js';

/** Lux free: 1,000 credits a month from the 10th (its creation day, UTC); an sms costs 2. Bob records with a scoped token. */
function setup(o: { accountLimit?: number; memberCap?: number; tokenCap?: number }) {
  const t = teamLedger();
  t.person('bob', 'member');
  const bob = t.as(issueToken(t.ctx, KEY, { member: 'bob', device: 'agent', scopes: ['record'], capMc: o.tokenCap === undefined ? null : o.tokenCap * 1000 }, t.owner).token);
  if (o.accountLimit !== undefined) call(t.ctx, 'accounts.set', { account: 'lux', monthlyLimit: o.accountLimit });
  if (o.memberCap !== undefined) setCaps(t.ctx, 'bob', { 'lux/credits': o.memberCap });
  const sms = (quantity = 1) => callAs(t.ctx, bob, 'usage.record', { account: 'lux', action: 'sms', quantity });
  return { t, bob, sms };
}

function refusal(t: TeamLedger, fn: () => unknown): RefusedError {
  const before = rows(t.ctx, 'events').length;
  const e = thrown(fn);
  expect(e, String(e)).toBeInstanceOf(RefusedError);
  expect(rows(t.ctx, 'events')).toHaveLength(before);
  t.clean();
  return e as RefusedError;
}

describe('caps: one precedence rule — pool credits, account spending limit, member cap, token cap', () => {
  test('the pool first: with every limit crossed, the refusal is the credits', () => {
    const { t, sms } = setup({ accountLimit: 10, memberCap: 10, tokenCap: 10 });
    sms(5);
    expect(refusal(t, () => sms(600)).reason).toBe('insufficient_credits');
  });

  test('then the account spending limit, before the member and token caps', () => {
    const { t, sms } = setup({ accountLimit: 10, memberCap: 10, tokenCap: 10 });
    sms(5);
    expect(refusal(t, () => sms(1)).reason).toBe('account_limit');
  });

  test('then the member cap, before the token cap; it names its figure, what is spent and the reset', () => {
    const { t, sms } = setup({ memberCap: 10, tokenCap: 10 });
    sms(5);
    const e = refusal(t, () => sms(1));
    expect(e.reason).toBe('member_cap');
    expect(e.message).toBe("bob's cap on lux/credits is 10 credits per period and 10 are spent (this costs 2); it resets at 2027-04-10T00:00:00.000Z");
    expect(e.details).toMatchObject({ limit: 'member_cap', member: 'bob', pool: 'lux/credits', cap: 10, spent: 10, cost: 2, resetsAt: '2027-04-10T00:00:00.000Z' });
  });

  test('a cap of one credit says "1 credit", not "1 credits"', () => {
    const { t, sms } = setup({ memberCap: 1 });
    const e = refusal(t, () => sms(1));
    expect(e.reason).toBe('member_cap');
    expect(e.message).toMatch(/^bob's cap on lux\/credits is 1 credit per period and 0 are spent \(this costs 2\)/);
  });

  test('then the token cap', () => {
    const { t, sms, bob } = setup({ tokenCap: 6 });
    sms(3);
    const e = refusal(t, () => sms(1));
    expect(e.reason).toBe('token_cap');
    expect(e.message).toBe(`token ${bob.tokenId}'s cap on lux is 6 credits per period and 6 are spent (this costs 2); it resets at 2027-04-10T00:00:00.000Z`);
    // The member's other device is not capped.
    expect(call(t.ctx, 'usage.record', { account: 'lux', action: 'sms', member: 'bob' }).status).toBe('applied');
  });

  test('caps reset with the period', () => {
    const { t, sms } = setup({ memberCap: 4, tokenCap: 4 });
    sms(2);
    expect(refusal(t, () => sms(1)).reason).toBe('member_cap');
    t.clock.set('2027-04-10T00:00:00Z');
    expect(sms(2).status).toBe('applied');
    t.clean();
  });
});

describe('member caps', () => {
  test('apply to the member however the usage arrives, count what was spent before the cap was set, and get voided credits back', () => {
    const t = teamLedger();
    t.person('bob', 'member');
    const e1 = call(t.ctx, 'usage.record', { account: 'lux', action: 'sms', member: 'bob', quantity: 3 });
    setCaps(t.ctx, 'bob', { 'lux/credits': 8 });
    call(t.ctx, 'usage.record', { account: 'lux', action: 'sms', member: 'bob' });
    expect(refusal(t, () => call(t.ctx, 'usage.record', { account: 'lux', action: 'sms', member: 'bob' })).details).toMatchObject({ spent: 8, cap: 8 });
    call(t.ctx, 'events.void', { event: e1.eventId });
    expect(call(t.ctx, 'usage.record', { account: 'lux', action: 'sms', member: 'bob', quantity: 3 }).status).toBe('applied');
    // Other members, and the other account, are not capped.
    expect(call(t.ctx, 'usage.record', { account: 'lux', action: 'sms', member: 'olga', quantity: 10 }).status).toBe('applied');
    expect(call(t.ctx, 'usage.record', { account: 'lux-two', action: 'sms', member: 'bob', quantity: 10 }).status).toBe('applied');
    t.clean();
  });

  test('a cap is cleared with null; bad caps are InputErrors and write nothing', () => {
    const t = teamLedger();
    t.person('bob', 'member');
    expect(setCaps(t.ctx, 'bob', { 'lux/credits': '2.5' })).toEqual({ 'lux/credits': 2.5 });
    expect(setCaps(t.ctx, 'bob', { 'lux/credits': null })).toEqual({});
    for (const bad of [{ lux: 3 }, { 'lux/gold': 3 }, { 'nope/credits': 3 }, { 'lux/credits': -1 }, { 'lux/credits': 'x' }]) {
      expect(() => setCaps(t.ctx, 'bob', bad), JSON.stringify(bad)).toThrow();
      expect(rows(t.ctx, 'team_caps')).toEqual([]);
    }
  });
});
