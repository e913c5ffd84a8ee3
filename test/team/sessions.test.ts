import { describe, expect, test } from 'vitest';
import { authenticateSession, endSession, listSessions, startSession, verifyCsrf } from '../../main/core/team/sessions.js';
import { issueToken, revokeToken } from '../../main/core/team/tokens.js';
import { ForbiddenError, UnauthorizedError } from '../../main/core/team/types.js';
import { HOUR, KEY, MINUTE, teamLedger, thrown } from './helpers.js';

describe('browser sessions', () => {
  test('a session is its person with their whole role; the CSRF token is checked in constant time', () => {
    const t = teamLedger();
    const s = startSession(t.ctx, KEY, t.owner);
    expect(s.session).toMatch(/^cds_ses_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
    const c = authenticateSession(t.ctx, KEY, s.session, '198.51.100.7');
    expect(c).toMatchObject({ member: 'olga', role: 'owner', via: 'session', tokenId: t.owner.tokenId, device: 'laptop', scopes: null, address: '198.51.100.7', sessionId: s.id });
    expect(verifyCsrf(t.ctx, KEY, s.id, s.csrf)).toBe(true);
    for (const bad of ['', s.csrf.slice(1), s.session, undefined, 42]) expect(verifyCsrf(t.ctx, KEY, s.id, bad)).toBe(false);
    expect(verifyCsrf(t.ctx, KEY, 'ses_nope', s.csrf)).toBe(false);
  });

  test('idle expiry slides with use; the absolute expiry does not', () => {
    const t = teamLedger();
    const s = startSession(t.ctx, KEY, t.owner);
    for (let i = 0; i < 24; i++) {
      t.clock.advance(29 * MINUTE);
      authenticateSession(t.ctx, KEY, s.session, null);
    }
    // 11 h 36 min in, still used every 29 minutes: alive until 12 h.
    t.clock.advance(24 * MINUTE);
    expect(() => authenticateSession(t.ctx, KEY, s.session, null)).toThrow(new UnauthorizedError('the session has expired; sign in again'));
    const idle = startSession(t.ctx, KEY, t.owner);
    t.clock.advance(30 * MINUTE);
    expect(() => authenticateSession(t.ctx, KEY, idle.session, null)).toThrow(new UnauthorizedError('the session ended after being idle; sign in again'));
  });

  test('ended, unknown, forged: refused; ending is effective on the next request and the CSRF token dies with it', () => {
    const t = teamLedger();
    const s = startSession(t.ctx, KEY, t.owner);
    endSession(t.ctx, s.id);
    expect(() => authenticateSession(t.ctx, KEY, s.session, null)).toThrow(/the session was ended/);
    expect(verifyCsrf(t.ctx, KEY, s.id, s.csrf)).toBe(false);
    for (const bad of [s.session.slice(0, -1) + (s.session.endsWith('A') ? 'B' : 'A'), 'cds_ses_0000000000000000_' + 'a'.repeat(43), t.ownerToken, '']) {
      expect(thrown(() => authenticateSession(t.ctx, KEY, bad, null))).toEqual(new UnauthorizedError('not signed in, or the session has ended; sign in again'));
    }
  });

  test('revoking the device a session signed in with ends the session; a scoped token starts none', () => {
    const t = teamLedger();
    const bob = t.person('bob', 'member');
    const s = startSession(t.ctx, KEY, bob.caller);
    revokeToken(t.ctx, bob.caller.tokenId!);
    expect(() => authenticateSession(t.ctx, KEY, s.session, null)).toThrow(/revoked/);
    const scoped = t.as(issueToken(t.ctx, KEY, { member: 'olga', device: 'cron', scopes: ['read'] }, t.owner).token);
    expect(() => startSession(t.ctx, KEY, scoped)).toThrow(ForbiddenError);
  });

  test('listSessions shows sessions without secrets', () => {
    const t = teamLedger();
    const s = startSession(t.ctx, KEY, t.owner, { idleMs: HOUR });
    const list = listSessions(t.ctx);
    expect(list).toEqual([expect.objectContaining({ id: s.id, member: 'olga', active: true, endedAt: null })]);
    const text = JSON.stringify(list);
    expect(text).not.toContain(s.session.slice(-43));
    expect(text).not.toContain(s.csrf);
  });
});
