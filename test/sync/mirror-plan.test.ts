/**
 * team.pull sends each account's plan, its packs and who buys them (the
 * member's Plans and Purchases pages read them from the mirror); a mirror row
 * kept before the field was sent still loads, without it.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { call } from '../../main/core/api/handlers.js';
import { callAs } from '../../main/core/team/call-as.js';
import { Mirror, type PullAnswer } from '../../main/core/sync/mirror.js';
import { KEY, teamLedger } from '../team/helpers.js';

const services = { teamKey: KEY };

describe("team.pull: each account's plan", () => {
  it('the plan in force, its price and monthly allocations, the packs it may buy with their prices, and the owners who buy them', () => {
    const t = teamLedger();
    call(t.ctx, 'accounts.add', { preset: 'flux', plan: 'edge', name: 'Flux' });
    call(t.ctx, 'accounts.add', { preset: 'flux', plan: 'pulse', name: 'Flux Pulse' });
    t.person('ana', 'owner', 'Ana');
    t.person('ben', 'admin', 'Ben');
    const mo = t.person('mo', 'member', 'Mo');
    const pull = callAs(t.ctx, mo.caller, 'team.pull', {}, services);
    const byName = (n: string) => pull.accounts.find((a) => a.name === n)!;
    expect(byName('Flux').plan).toEqual({
      provider: 'flux',
      providerName: 'Flux',
      id: 'edge',
      name: 'Edge',
      priceCents: null,
      currency: 'USD',
      monthly: { credits: 200 },
      packs: [
        { id: 'starter', name: 'Starter', pool: 'credits', credits: 500, priceCents: 500, perCredit: '0.01' },
        { id: 'pro', name: 'Pro', pool: 'credits', credits: 2000, priceCents: 1500, perCredit: '0.0075' },
      ],
      buyers: ['Ana', 'Olga'],
    });
    // A plan that may buy no packs sends none; a pack of any amount has no credits or price.
    expect(byName('Flux Pulse').plan).toMatchObject({ id: 'pulse', packs: [], monthly: { credits: 0 } });
    expect(byName('Lux').plan?.packs).toEqual([{ id: 'credits', name: 'Add credits', pool: 'credits', credits: null, priceCents: null, perCredit: null }]);
  });

  it('follows a plan change, and a removed owner no longer buys', () => {
    const t = teamLedger();
    call(t.ctx, 'accounts.add', { preset: 'flux', plan: 'pulse', name: 'Flux' });
    const ana = t.person('ana', 'owner', 'Ana');
    expect(callAs(t.ctx, t.owner, 'team.members.remove', { member: ana.caller.member }, services)).toBeTruthy();
    call(t.ctx, 'accounts.plan', { account: 'flux', plan: 'edge' });
    const plan = callAs(t.ctx, t.owner, 'team.pull', {}, services).accounts.find((a) => a.id === 'flux')!.plan!;
    expect([plan.name, plan.monthly, plan.buyers]).toEqual(['Edge', { credits: 200 }, ['Olga']]);
  });

  it('a mirror row kept before the plan was sent still loads, without it; the next pull brings it', () => {
    const t = teamLedger();
    const pull = callAs(t.ctx, t.owner, 'team.pull', {}, services);
    const mirror = new Mirror(new Database(':memory:'));
    // As JSON, the way it arrives over HTTPS.
    const answer = JSON.parse(JSON.stringify(pull)) as PullAnswer;
    mirror.apply('studio', { ...answer, accounts: answer.accounts.map(({ plan: _plan, ...rest }) => rest) });
    const kept = mirror.account('studio', 'lux')!;
    expect(kept.plan).toBeUndefined();
    expect(kept.name).toBe('Lux');
    mirror.apply('studio', answer);
    expect(mirror.account('studio', 'lux')!.plan).toMatchObject({ providerName: 'Lux', id: 'free' });
  });
});
