import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { exportTo } from '../../main/core/ledger/backup.js';
import { callAs, callPublic } from '../../main/core/team/call-as.js';
import { startSession } from '../../main/core/team/sessions.js';
import { ForbiddenError, UnauthorizedError } from '../../main/core/team/types.js';
import { KEY, teamLedger, thrown } from './helpers.js';

const services = { teamKey: KEY };

describe('the team calls', () => {
  test('whoami', () => {
    const t = teamLedger();
    expect(callAs(t.ctx, t.owner, 'team.whoami', {}, services)).toMatchObject({ team: { name: 'Studio' }, member: 'olga', name: 'Olga', role: 'owner', device: 'laptop', scopes: null });
  });

  test('invite → redeem (no caller) → the new member records as themself; the owner sees it by name', () => {
    const t = teamLedger();
    const inv = callAs(t.ctx, t.owner, 'team.invite', { role: 'member', name: 'Bea', ttl: '2d' }, services);
    expect(inv.member).toBe('bea');
    const joined = callPublic(t.ctx, 'team.redeem', { invite: inv.invite, device: 'bea laptop' }, '203.0.113.9', services);
    expect(joined).toMatchObject({ member: 'bea', role: 'member', team: { name: 'Studio' } });
    const bea = t.as(joined.token);
    callAs(t.ctx, bea, 'usage.record', { account: 'lux', action: 'sms' }, services);
    expect(callAs(t.ctx, t.owner, 'reports.usage', { account: 'lux', by: ['member'] }, services)).toMatchObject({ rows: [expect.objectContaining({ keys: { member: 'bea' }, credits: 2 })] });
    const audit = callAs(t.ctx, t.owner, 'team.audit', { after: 1 }, services);
    expect(audit.map((a) => [a.call, a.member, a.address])).toEqual([
      ['team.invite', 'olga', '192.0.2.1'],
      ['team.redeem', 'bea', '203.0.113.9'],
      ['usage.record', 'bea', '192.0.2.1'],
    ]);
    expect(() => callPublic(t.ctx, 'usage.record', {}, null, services)).toThrow(ForbiddenError);
    t.clean();
  });

  test('members: list with caps; set role, name and caps by the rules; remove stops their tokens at once', () => {
    const t = teamLedger();
    const ada = t.person('ada', 'admin');
    const bob = t.person('bob', 'member');
    t.person('otto', 'owner');
    callAs(t.ctx, ada.caller, 'team.members.set', { member: 'bob', name: 'Bob B', caps: { 'lux/credits': 50 } }, services);
    expect(callAs(t.ctx, bob.caller, 'team.members.list', {}, services).find((m) => m.id === 'bob')).toMatchObject({ name: 'Bob B', role: 'member', caps: { 'lux/credits': 50 } });
    expect(thrown(() => callAs(t.ctx, ada.caller, 'team.members.set', { member: 'bob', role: 'admin' }, services))).toBeInstanceOf(ForbiddenError);
    expect(thrown(() => callAs(t.ctx, ada.caller, 'team.members.set', { member: 'otto', caps: { 'lux/credits': 1 } }, services))).toBeInstanceOf(ForbiddenError);
    expect(thrown(() => callAs(t.ctx, bob.caller, 'team.members.set', { member: 'bob', caps: { 'lux/credits': 500 } }, services))).toBeInstanceOf(ForbiddenError);
    callAs(t.ctx, t.owner, 'team.members.set', { member: 'bob', role: 'viewer' }, services);
    expect(t.as(bob.token).role).toBe('viewer');
    callAs(t.ctx, ada.caller, 'team.members.remove', { member: 'bob' }, services);
    expect(() => t.as(bob.token)).toThrow(UnauthorizedError);
    // The last owner stays.
    callAs(t.ctx, t.owner, 'team.members.remove', { member: 'otto' }, services);
    expect(() => callAs(t.ctx, t.owner, 'team.members.set', { member: 'olga', role: 'admin' }, services)).toThrow(/only owner/);
  });

  test('tokens: a member creates scoped tokens for themself, lists only their own, cannot revoke others', () => {
    const t = teamLedger();
    const bob = t.person('bob', 'member');
    const made = callAs(t.ctx, bob.caller, 'team.tokens.create', { device: 'agent', scopes: ['record'], accounts: ['lux'], cap: 20, expires: '2027-06-01T00:00:00Z' }, services);
    expect(made).toMatchObject({ member: 'bob', scopes: ['record'], accounts: ['lux'], cap: 20, expiresAt: '2027-06-01T00:00:00.000Z' });
    expect(t.as(made.token).capMc).toBe(20_000);
    expect(callAs(t.ctx, bob.caller, 'team.tokens.list', {}, services).map((x) => x.member)).toEqual(['bob', 'bob']);
    expect(callAs(t.ctx, t.owner, 'team.tokens.list', {}, services)).toHaveLength(3);
    expect(thrown(() => callAs(t.ctx, bob.caller, 'team.tokens.revoke', { id: t.owner.tokenId! }, services))).toBeInstanceOf(ForbiddenError);
    const rotated = callAs(t.ctx, bob.caller, 'team.tokens.rotate', { id: made.id, grace: '5m' }, services);
    expect(t.as(rotated.token).scopes).toEqual(['record']);
    callAs(t.ctx, t.owner, 'team.tokens.revoke', { id: rotated.id }, services);
    expect(() => t.as(rotated.token)).toThrow(/revoked/);
    // A scoped token manages nothing.
    expect(() => callAs(t.ctx, t.as(made.token), 'team.tokens.list', {}, services)).toThrow(ForbiddenError);
  });

  test('sessions: listed for owners, ended by them', () => {
    const t = teamLedger();
    const bob = t.person('bob', 'member');
    const s = startSession(t.ctx, KEY, bob.caller);
    expect(callAs(t.ctx, t.owner, 'team.sessions.list', {}, services).map((x) => x.member)).toEqual(['bob']);
    callAs(t.ctx, t.owner, 'team.sessions.end', { id: s.id }, services);
    expect(callAs(t.ctx, bob.caller, 'team.sessions.list', {}, services)[0]!.active).toBe(false);
  });

  test('without a caller the team calls say how they are made', () => {
    const t = teamLedger();
    expect(() => call(t.ctx, 'team.whoami', {})).toThrow(/made as a team member/);
    expect(() => call(t.ctx, 'team.redeem', { invite: 'x', device: 'y' })).toThrow(/team key is not loaded/);
  });

  test('secrets never reach an export, the audit log or a list', () => {
    const t = teamLedger();
    const inv = callAs(t.ctx, t.owner, 'team.invite', { role: 'viewer', member: 'vic' }, services);
    const joined = callPublic(t.ctx, 'team.redeem', { invite: inv.invite, device: 'vic phone' }, null, services);
    const scoped = callAs(t.ctx, t.owner, 'team.tokens.create', { device: 'cron', scopes: ['read'] }, services);
    const s = startSession(t.ctx, KEY, t.owner);
    const file = join(mkdtempSync(join(tmpdir(), 'cd-team-export-')), 'x.jsonl');
    exportTo(t.ctx, file);
    const exported = readFileSync(file, 'utf8');
    const seen = exported + JSON.stringify(callAs(t.ctx, t.owner, 'team.audit', {}, services)) + JSON.stringify(callAs(t.ctx, t.owner, 'team.tokens.list', {}, services)) + JSON.stringify(callAs(t.ctx, t.owner, 'team.sessions.list', {}, services)) + JSON.stringify(callAs(t.ctx, t.owner, 'team.invites.list', {}, services));
    expect(exported).toContain('team_tokens');
    for (const secret of [t.ownerToken, inv.invite, joined.token, scoped.token, s.session, s.csrf]) {
      expect(seen).not.toContain(secret);
      expect(seen).not.toContain(secret.slice(-43));
    }
    expect(exported).not.toContain(KEY.toString('hex'));
    expect(exported).not.toContain(KEY.toString('base64'));
  });
});
