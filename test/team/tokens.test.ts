import { describe, expect, test } from 'vitest';
import { ForbiddenError, UnauthorizedError } from '../../main/core/team/types.js';
import { InputError } from '../../main/core/util/errors.js';
import { issueToken, listTokens, revokeToken, rotateToken } from '../../main/core/team/tokens.js';
import { keyedHash } from '../../main/core/team/host-key.js';
import { DAY, HOUR, KEY, MINUTE, rows, teamLedger, thrown } from './helpers.js';

describe('tokens', () => {
  test('cdk_ + id + 256-bit secret; the caller it stands for is its member, with their role', () => {
    const t = teamLedger();
    expect(t.ownerToken).toMatch(/^cdk_tok_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
    expect(t.owner).toEqual({
      team: expect.stringMatching(/^team_/),
      member: 'olga',
      name: 'Olga',
      role: 'owner',
      via: 'token',
      tokenId: t.ownerToken.slice(4, 24),
      device: 'laptop',
      scopes: null,
      accounts: null,
      pools: null,
      capMc: null,
      address: '192.0.2.1',
    });
  });

  test('stored only as its keyed hash', () => {
    const t = teamLedger();
    const secret = t.ownerToken.slice(25);
    const [row] = rows(t.ctx, 'team_tokens') as { secret_hash: string }[];
    expect(row!.secret_hash).toBe(keyedHash(KEY, secret));
    expect(JSON.stringify(rows(t.ctx, 'team_tokens'))).not.toContain(secret);
  });

  test('unknown ids, wrong secrets, garbage and another key get one answer: 401 "the token is not valid"', () => {
    const t = teamLedger();
    const flip = t.ownerToken.slice(0, -1) + (t.ownerToken.endsWith('A') ? 'B' : 'A');
    const unknown = t.ownerToken.replace(/tok_[0-9a-z]{16}/, 'tok_0000000000000000');
    for (const bad of [flip, unknown, '', 'cdk_', 'Bearer x', `${t.ownerToken}x`, t.ownerToken.replace('cdk_', 'cds_')]) {
      const e = thrown(() => t.as(bad));
      expect(e, bad).toBeInstanceOf(UnauthorizedError);
      expect((e as Error).message).toBe('the token is not valid');
    }
    expect(() => t.as.call(null, t.ownerToken)).not.toThrow();
  });

  test('revocation takes effect on the next request', () => {
    const t = teamLedger();
    const bob = t.person('bob', 'member');
    expect(t.as(bob.token).member).toBe('bob');
    revokeToken(t.ctx, bob.caller.tokenId!);
    expect(() => t.as(bob.token)).toThrow(new UnauthorizedError('the token was revoked'));
    // The owner's own token is untouched.
    expect(t.as(t.ownerToken).member).toBe('olga');
  });

  test('an expired token, and the token of a removed member, are refused', () => {
    const t = teamLedger();
    t.person('bob', 'member');
    const scoped = issueToken(t.ctx, KEY, { member: 'olga', device: 'cron', scopes: ['read'], expiresAt: t.clock.now() + HOUR }, t.owner);
    expect(t.as(scoped.token).scopes).toEqual(['read']);
    t.clock.advance(HOUR);
    expect(() => t.as(scoped.token)).toThrow(new UnauthorizedError('the token has expired'));
    const bob2 = issueToken(t.ctx, KEY, { member: 'bob', device: 'phone' }, t.owner);
    t.ctx.db.prepare('UPDATE team_people SET removed_at = ? WHERE id = ?').run(t.clock.now(), 'bob');
    expect(() => t.as(bob2.token)).toThrow(new UnauthorizedError('bob was removed from the team'));
  });

  test('last use is written at most once a minute', () => {
    const t = teamLedger();
    const lastUsed = () => listTokens(t.ctx)[0]!.lastUsedAt;
    const first = lastUsed();
    expect(first).toBe(new Date(t.clock.now()).toISOString());
    t.clock.advance(59_999);
    t.as(t.ownerToken);
    expect(lastUsed()).toBe(first);
    t.clock.advance(1);
    t.as(t.ownerToken);
    expect(lastUsed()).toBe(new Date(t.clock.now()).toISOString());
  });

  test('listTokens names every token without its secret or hash', () => {
    const t = teamLedger();
    const s = issueToken(t.ctx, KEY, { member: 'olga', device: 'agent', scopes: ['record', 'read'], accounts: ['lux'], capMc: 50_000 }, t.owner);
    const list = listTokens(t.ctx);
    expect(list.map((x) => x.device).sort()).toEqual(['agent', 'laptop']);
    expect(list.find((x) => x.id === s.id)).toMatchObject({ member: 'olga', scopes: ['read', 'record'], accounts: ['lux'], pools: null, cap: 50, expiresAt: null, revokedAt: null });
    const text = JSON.stringify(list);
    for (const secret of [t.ownerToken, s.token, t.ownerToken.slice(25), s.token.slice(25)]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });

  test('rotation: a new token at once, the old one until its grace period ends', () => {
    const t = teamLedger();
    const old = t.owner.tokenId!;
    const r = rotateToken(t.ctx, KEY, old, 10 * MINUTE);
    expect(r.replaces).toBe(old);
    expect(t.as(r.token)).toMatchObject({ member: 'olga', device: 'laptop', tokenId: r.id });
    t.clock.advance(10 * MINUTE - 1);
    expect(t.as(t.ownerToken).tokenId).toBe(old);
    t.clock.advance(1);
    expect(() => t.as(t.ownerToken)).toThrow(/replaced and its grace period is over/);
    expect(t.as(r.token).tokenId).toBe(r.id);
    expect(() => rotateToken(t.ctx, KEY, old, 0)).toThrow(InputError);
    expect(() => rotateToken(t.ctx, KEY, r.id, 31 * DAY)).toThrow(/0 to 30 days/);
  });

  test('a token never has more than its creator', () => {
    const t = teamLedger();
    const vera = t.person('vera', 'viewer');
    const bob = t.person('bob', 'member');
    const ada = t.person('ada', 'admin');
    // A viewer may hand out read, never record.
    expect(issueToken(t.ctx, KEY, { member: 'vera', device: 'dash', scopes: ['read'] }, vera.caller).token).toMatch(/^cdk_/);
    expect(thrown(() => issueToken(t.ctx, KEY, { member: 'vera', device: 'x', scopes: ['record'] }, vera.caller))).toEqual(new ForbiddenError('a viewer may not hold the record scope'));
    // A scoped token creates nothing.
    const script = issueToken(t.ctx, KEY, { member: 'bob', device: 'script', scopes: ['record', 'read'] }, bob.caller);
    expect(thrown(() => issueToken(t.ctx, KEY, { member: 'bob', device: 'y', scopes: ['read'] }, t.as(script.token)))).toBeInstanceOf(ForbiddenError);
    // Members issue only their own; admins issue for members and viewers, not for owners or other admins.
    expect(thrown(() => issueToken(t.ctx, KEY, { member: 'vera', device: 'z' }, bob.caller))).toBeInstanceOf(ForbiddenError);
    expect(issueToken(t.ctx, KEY, { member: 'bob', device: 'tablet' }, ada.caller).token).toMatch(/^cdk_/);
    expect(thrown(() => issueToken(t.ctx, KEY, { member: 'olga', device: 'z' }, ada.caller))).toBeInstanceOf(ForbiddenError);
    // Limits without scopes are a mistake, said as such.
    expect(thrown(() => issueToken(t.ctx, KEY, { member: 'bob', device: 'z', accounts: ['lux'] }, bob.caller))).toBeInstanceOf(InputError);
  });

  test('bad input is an InputError and writes nothing', () => {
    const t = teamLedger();
    const before = JSON.stringify(rows(t.ctx, 'team_tokens'));
    const bad: [object, RegExp][] = [
      [{ member: 'nobody', device: 'x' }, /team member "nobody" was not found/],
      [{ member: 'olga', device: '' }, /device must be 1–64 characters/],
      [{ member: 'olga', device: 'a\u001bb' }, /control character/],
      [{ member: 'olga', device: 'x', scopes: [] }, /at least one scope/],
      [{ member: 'olga', device: 'x', scopes: ['admin'] }, /"admin" is not a scope/],
      [{ member: 'olga', device: 'x', scopes: ['read'], accounts: ['nope'] }, /nope/],
      [{ member: 'olga', device: 'x', scopes: ['read'], pools: ['lux/gold'] }, /lux has no pool "gold"/],
      [{ member: 'olga', device: 'x', scopes: ['read'], pools: ['lux'] }, /not ACCOUNT\/POOL/],
      [{ member: 'olga', device: 'x', scopes: ['read'], capMc: -1 }, /cap must be/],
      [{ member: 'olga', device: 'x', scopes: ['read'], expiresAt: t.clock.now() }, /expire in the future/],
    ];
    for (const [input, message] of bad) {
      const e = thrown(() => issueToken(t.ctx, KEY, input as never, t.owner));
      expect(e, JSON.stringify(input)).toBeInstanceOf(InputError);
      expect((e as Error).message).toMatch(message);
    }
    expect(JSON.stringify(rows(t.ctx, 'team_tokens'))).toBe(before);
  });
});
