import { describe, expect, test } from 'vitest';
import { createInvite, listInvites, redeemInvite, revokeInvite } from '../../main/core/team/invites.js';
import { ForbiddenError } from '../../main/core/team/types.js';
import { InputError } from '../../main/core/util/errors.js';
import { DAY, KEY, rows, teamLedger, thrown } from './helpers.js';

describe('invites', () => {
  test('an invite is a single-use code bound to a role; redeeming it makes the person and their first device token', () => {
    const t = teamLedger();
    const inv = createInvite(t.ctx, KEY, t.owner, { role: 'member', name: 'Bob Stone' });
    expect(inv).toMatchObject({ role: 'member', member: 'bob-stone', name: 'Bob Stone', expiresAt: new Date(t.clock.now() + 7 * DAY).toISOString() });
    expect(inv.invite).toMatch(/^cdi_inv_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
    const r = redeemInvite(t.ctx, KEY, { invite: inv.invite, device: 'bob laptop' });
    expect(r).toMatchObject({ member: 'bob-stone', name: 'Bob Stone', role: 'member', team: { name: 'Studio' } });
    expect(t.as(r.token)).toMatchObject({ member: 'bob-stone', role: 'member', device: 'bob laptop', scopes: null });
    const again = thrown(() => redeemInvite(t.ctx, KEY, { invite: inv.invite, device: 'another' }));
    expect(again).toBeInstanceOf(InputError);
    expect((again as Error).message).toMatch(/^this invite was already used \(.*\); an invite works once — ask for a new one$/);
    expect(listInvites(t.ctx)).toEqual([expect.objectContaining({ id: inv.id, status: 'used', member: 'bob-stone' })]);
    expect(JSON.stringify(listInvites(t.ctx))).not.toContain(inv.invite.slice(-43));
  });

  test('an expired, withdrawn, unknown or mistyped invite is a clear InputError and writes nothing', () => {
    const t = teamLedger();
    const late = createInvite(t.ctx, KEY, t.owner, { role: 'viewer', member: 'vera', ttlMs: DAY });
    const gone = createInvite(t.ctx, KEY, t.owner, { role: 'viewer', member: 'vic' });
    revokeInvite(t.ctx, gone.id);
    t.clock.advance(DAY);
    const before = JSON.stringify([rows(t.ctx, 'team_people'), rows(t.ctx, 'team_tokens'), rows(t.ctx, 'team_invites')]);
    const cases: [string, RegExp][] = [
      [late.invite, /^this invite expired at 2027-03-11T09:00:00.000Z; ask for a new one$/],
      [gone.invite, /^this invite was withdrawn; ask for a new one$/],
      [late.invite.slice(0, -2) + 'xx', /^this invite code is not valid; ask for a new invite$/],
      ['cdi_inv_0000000000000000_' + 'a'.repeat(43), /not valid/],
      ['hello', /not valid/],
    ];
    for (const [code, message] of cases) {
      const e = thrown(() => redeemInvite(t.ctx, KEY, { invite: code, device: 'd' }));
      expect(e, code).toBeInstanceOf(InputError);
      expect((e as Error).message).toMatch(message);
    }
    expect(JSON.stringify([rows(t.ctx, 'team_people'), rows(t.ctx, 'team_tokens'), rows(t.ctx, 'team_invites')])).toBe(before);
  });

  test('admins invite members and viewers; owners anyone; members nobody', () => {
    const t = teamLedger();
    const ada = t.person('ada', 'admin');
    const bob = t.person('bob', 'member');
    expect(createInvite(t.ctx, KEY, ada.caller, { role: 'viewer' }).role).toBe('viewer');
    expect(thrown(() => createInvite(t.ctx, KEY, ada.caller, { role: 'admin' }))).toEqual(new ForbiddenError('inviting a admin needs role owner'));
    expect(createInvite(t.ctx, KEY, t.owner, { role: 'owner', member: 'otto' }).role).toBe('owner');
    expect(thrown(() => createInvite(t.ctx, KEY, bob.caller, { role: 'member' }))).toBeInstanceOf(ForbiddenError);
  });

  test('an invite for someone already on the team carries their role: a new device, not a promotion', () => {
    const t = teamLedger();
    t.person('bob', 'member');
    expect(() => createInvite(t.ctx, KEY, t.owner, { role: 'admin', member: 'bob' })).toThrow(/already on the team as member/);
    const inv = createInvite(t.ctx, KEY, t.owner, { role: 'member', member: 'bob' });
    const r = redeemInvite(t.ctx, KEY, { invite: inv.invite, device: 'phone' });
    expect(t.as(r.token)).toMatchObject({ member: 'bob', device: 'phone' });
    expect(() => createInvite(t.ctx, KEY, t.owner, { role: 'member', ttlMs: 31 * DAY })).toThrow(/1 minute to 30 days/);
  });
});
