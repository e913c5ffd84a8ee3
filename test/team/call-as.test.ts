import { describe, expect, test } from 'vitest';
import { callAs } from '../../main/core/team/call-as.js';
import { listAudit } from '../../main/core/team/audit.js';
import { issueToken } from '../../main/core/team/tokens.js';
import { ForbiddenError } from '../../main/core/team/types.js';
import { InputError } from '../../main/core/util/errors.js';
import { KEY, rows, teamLedger, thrown } from './helpers.js';

describe('callAs: attribution', () => {
  test("a member's usage is theirs without saying so", () => {
    const t = teamLedger();
    const bob = t.person('bob', 'member', 'Bob');
    const r = callAs(t.ctx, bob.caller, 'usage.record', { account: 'lux', action: 'sms' });
    expect(r.status).toBe('applied');
    expect(t.ctx.db.prepare('SELECT member FROM events').all()).toEqual([{ member: 'bob' }]);
    // The team person became a usage member of the account, by name.
    expect(t.ctx.db.prepare(`SELECT id, name FROM members WHERE account_id = 'lux'`).all()).toEqual([{ id: 'bob', name: 'Bob' }]);
    t.clean();
  });

  test('a member naming someone else is refused, nothing recorded; the attempt is audited', () => {
    const t = teamLedger();
    const bob = t.person('bob', 'member');
    t.person('cat', 'member');
    const e = thrown(() => callAs(t.ctx, bob.caller, 'usage.record', { account: 'lux', action: 'sms', member: 'cat' }));
    expect(e).toBeInstanceOf(ForbiddenError);
    expect((e as Error).message).toBe('usage.record for another member (cat) needs role admin; a member records as themself');
    expect(rows(t.ctx, 'events')).toEqual([]);
    expect(listAudit(t.ctx, { after: 1 }).map((a) => [a.member, a.call, a.result])).toEqual([['bob', 'usage.record', 'forbidden']]);
  });

  test('an admin or owner may name another member, and the audit says so', () => {
    const t = teamLedger();
    const ada = t.person('ada', 'admin');
    t.person('cat', 'member');
    callAs(t.ctx, ada.caller, 'usage.record', { account: 'lux', action: 'sms', member: 'cat' });
    callAs(t.ctx, t.owner, 'usage.record', { account: 'lux', action: 'email', member: 'cat' });
    expect(t.ctx.db.prepare('SELECT member FROM events ORDER BY seq').all()).toEqual([{ member: 'cat' }, { member: 'cat' }]);
    const audit = listAudit(t.ctx, { after: 1 });
    expect(audit.map((a) => [a.member, a.tokenId, a.address, a.result])).toEqual([
      ['ada', ada.caller.tokenId, '192.0.2.1', 'ok'],
      ['olga', t.owner.tokenId, '192.0.2.1', 'ok'],
    ]);
    expect(audit[0]!.args).toEqual({ account: 'lux', action: 'sms', member: 'cat', onBehalfOf: 'cat' });
    t.clean();
  });

  test('naming a member who is not on the team is bad input, nothing written', () => {
    const t = teamLedger();
    const e = thrown(() => callAs(t.ctx, t.owner, 'usage.record', { account: 'lux', action: 'sms', member: 'zed' }));
    expect(e).toBeInstanceOf(InputError);
    expect(rows(t.ctx, 'events')).toEqual([]);
    expect(rows(t.ctx, 'team_audit')).toHaveLength(1); // team.init's row only
  });
});

describe('callAs: roles and scoped tokens', () => {
  test('a viewer reads everything and writes nothing', () => {
    const t = teamLedger();
    const vera = t.person('vera', 'viewer');
    expect(callAs(t.ctx, vera.caller, 'balance.all', {})).toHaveLength(2);
    expect(() => callAs(t.ctx, vera.caller, 'usage.record', { account: 'lux', action: 'sms' })).toThrow('usage.record needs role member (vera is viewer)');
    expect(() => callAs(t.ctx, vera.caller, 'holds.place', { account: 'lux', pool: 'credits', amount: 5 })).toThrow(ForbiddenError);
    expect(rows(t.ctx, 'events')).toEqual([]);
    expect(rows(t.ctx, 'holds')).toEqual([]);
  });

  test('reads are not audited; writes are, with their result', () => {
    const t = teamLedger();
    callAs(t.ctx, t.owner, 'balance.get', { account: 'lux' });
    callAs(t.ctx, t.owner, 'accounts.set', { account: 'lux', monthlyLimit: 3 });
    callAs(t.ctx, t.owner, 'usage.record', { account: 'lux', action: 'sms' });
    expect(() => callAs(t.ctx, t.owner, 'usage.record', { account: 'lux', action: 'sms' })).toThrow(/monthly spending limit/);
    expect(listAudit(t.ctx, { after: 1 }).map((a) => [a.call, a.result])).toEqual([
      ['accounts.set', 'ok'],
      ['usage.record', 'ok'],
      ['usage.record', 'refused:account_limit'],
    ]);
    // The refusal itself stays in the ledger beside its audit row.
    expect(rows(t.ctx, 'refusals')).toHaveLength(1);
    t.clean();
  });

  test('scopes: record records, read reads, reserve holds; none manages', () => {
    const t = teamLedger();
    const mk = (scopes: ('read' | 'record' | 'reserve')[]) => t.as(issueToken(t.ctx, KEY, { member: 'olga', device: scopes.join('+'), scopes }, t.owner).token);
    const rec = mk(['record']);
    const rd = mk(['read']);
    const res = mk(['reserve']);
    expect(callAs(t.ctx, rec, 'usage.record', { account: 'lux', action: 'sms' }).status).toBe('applied');
    expect(() => callAs(t.ctx, rec, 'balance.get', { account: 'lux' })).toThrow('balance.get needs scope read (this token has record)');
    expect(callAs(t.ctx, rd, 'balance.get', { account: 'lux' }).account).toBe('lux');
    expect(() => callAs(t.ctx, rd, 'usage.record', { account: 'lux', action: 'sms' })).toThrow(/needs scope record/);
    const hold = callAs(t.ctx, res, 'holds.place', { account: 'lux', pool: 'credits', amount: 10 });
    expect(callAs(t.ctx, res, 'holds.capture', { hold: hold.holdId, action: 'sms' }).status).toBe('applied');
    for (const s of [rec, rd, res]) expect(() => callAs(t.ctx, s, 'grants.add', { account: 'lux', pool: 'credits', amount: 5 })).toThrow(ForbiddenError);
    t.clean();
  });

  test('a token limited to some accounts or pools stays inside them', () => {
    const t = teamLedger();
    const one = t.as(issueToken(t.ctx, KEY, { member: 'olga', device: 'one', scopes: ['read', 'record'], accounts: ['lux'] }, t.owner).token);
    expect(callAs(t.ctx, one, 'usage.record', { account: 'lux', action: 'sms' }).status).toBe('applied');
    expect(() => callAs(t.ctx, one, 'usage.record', { account: 'lux-two', action: 'sms' })).toThrow('this token is limited to lux; usage.record on lux-two needs a token for that account');
    expect(() => callAs(t.ctx, one, 'balance.all', {})).toThrow(/reads every account; this token is limited to lux: name an account/);
    expect(callAs(t.ctx, one, 'presets.list', {}).length).toBeGreaterThan(0);
    const pool = t.as(issueToken(t.ctx, KEY, { member: 'olga', device: 'pool', scopes: ['read', 'record'], pools: ['lux-two/credits'] }, t.owner).token);
    expect(callAs(t.ctx, pool, 'usage.record', { account: 'lux-two', action: 'sms' }).status).toBe('applied');
    expect(callAs(t.ctx, pool, 'balance.get', { account: 'lux-two' }).account).toBe('lux-two');
    expect(() => callAs(t.ctx, pool, 'usage.record', { account: 'lux', action: 'sms' })).toThrow(ForbiddenError);
    t.clean();
  });
});
