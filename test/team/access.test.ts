import { describe, expect, test } from 'vitest';
import { handlers } from '../../main/core/api/handlers.js';
import { ACCESS, accessRule, decide } from '../../main/core/team/access.js';
import { ForbiddenError, ROLES, type Caller, type Role, type Scope } from '../../main/core/team/types.js';

const caller = (role: Role, scopes: Scope[] | null = null): Caller => ({
  team: 'team_x',
  member: 'm',
  name: 'M',
  role,
  via: scopes ? 'token' : 'session',
  tokenId: scopes ? 'tok_x' : null,
  device: null,
  scopes,
  accounts: null,
  pools: null,
  capMc: null,
  address: null,
});

describe('the access table', () => {
  test('every handler has exactly one entry, and no entry names a handler that is not there', () => {
    const names = Object.keys(handlers);
    const missing = names.filter((n) => accessRule(n) === null);
    expect(missing, 'handlers without an access rule: add them to ACCESS in main/core/team/access.ts').toEqual([]);
    expect(Object.keys(ACCESS).filter((n) => !names.includes(n))).toEqual([]);
  });

  test('a call without an entry is refused for everyone, the owner included', () => {
    expect(() => decide(caller('owner'), 'ledger.drop')).toThrow(new ForbiddenError('"ledger.drop" has no entry in the access table, so nobody may call it'));
    expect(() => decide(caller('owner'), 'toString')).toThrow(ForbiddenError);
  });

  test('the refusal names the role or scope needed', () => {
    expect(() => decide(caller('member'), 'events.void')).toThrow('events.void needs role admin (m is member)');
    expect(() => decide(caller('viewer'), 'usage.record')).toThrow('usage.record needs role member (m is viewer)');
    expect(() => decide(caller('owner', ['read']), 'usage.record')).toThrow('usage.record needs scope record (this token has read)');
    expect(() => decide(caller('owner', ['read', 'record', 'reserve']), 'grants.add')).toThrow(/needs a device token or a session: scoped tokens never manage members, tokens or money/);
  });

  test('owners may call everything; viewers write nothing; scoped tokens never manage members, tokens or money', () => {
    for (const [name, rule] of Object.entries(ACCESS)) {
      expect(() => decide(caller('owner'), name), name).not.toThrow();
      // A viewer writes nothing to the ledger; their own devices and sessions they manage (sign out, revoke a lost laptop).
      const ownDevices = ['team.tokens.create', 'team.tokens.revoke', 'team.tokens.rotate', 'team.sessions.end', 'team.redeem'];
      if (rule.write && !ownDevices.includes(name)) expect(() => decide(caller('viewer'), name), name).toThrow(ForbiddenError);
      else if (rule.write) expect(rule.scope, name).toBeNull();
      if (/^(grants\.(add|refund)|purchases\.|payments\.|data\.|team\.(members\.(set|remove)|tokens|invite))|^check$|^accounts\.(add|plan)$/.test(name)) {
        expect(rule.scope, `${name} must not be open to scoped tokens`).toBeNull();
        if (!/^team\./.test(name)) expect(rule.role, `${name} is the owner's`).toBe('owner');
      }
    }
  });

  test('money, data and the plan are the owner\'s; members record usage and use holds', () => {
    for (const n of ['grants.add', 'grants.refund', 'purchases.start', 'purchases.refund', 'payments.setKeys', 'data.export', 'data.backup', 'check', 'accounts.add', 'accounts.plan'] as const) {
      expect(ACCESS[n].role, n).toBe('owner');
    }
    for (const n of ['usage.record', 'holds.place', 'holds.capture', 'holds.release'] as const) expect(ACCESS[n].role, n).toBe('member');
    for (const n of ['events.void', 'actions.set', 'limits.daily', 'accounts.set', 'members.add'] as const) expect(ACCESS[n].role, n).toBe('admin');
    expect(ROLES).toEqual(['owner', 'admin', 'member', 'viewer']);
  });
});
