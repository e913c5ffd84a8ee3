import { statSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { cli } from '../cli/harness.js';
import { openLedger } from '../../main/core/api/open.js';
import { authenticateToken } from '../../main/core/team/tokens.js';
import { loadOrCreateHostKey } from '../../main/core/team/host-key.js';

describe('creditdeck team', () => {
  test('init prints the owner token once; the CLI on the host is the local owner; invite, members, caps, tokens, audit', async () => {
    const c = cli('2027-03-10T09:00:00Z');
    expect((await c.exec('account', 'add', '--preset', 'lux', '--plan', 'free', '--name', 'Lux')).code).toBe(0);
    const init = await c.exec('--json', 'team', 'init', '--name', 'Studio', '--owner', 'olga', '--owner-name', 'Olga', '--device', 'desk');
    expect(init.code, init.err).toBe(0);
    const { team, owner, token } = init.json();
    expect(team.name).toBe('Studio');
    expect(owner).toEqual({ id: 'olga', name: 'Olga', role: 'owner' });
    expect(token).toMatch(/^cdk_tok_/);
    if (process.platform !== 'win32') expect(statSync(`${c.db}.team-key`).mode & 0o777).toBe(0o600);
    const again = await c.exec('team', 'init', '--name', 'Other', '--owner', 'x');
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already the team ledger of "Studio"/);

    expect((await c.exec('team', 'whoami')).out).toBe('olga (Olga), owner of Studio, on the host itself\n');
    const inv = await c.exec('--json', 'team', 'invite', '--role', 'member', '--name', 'Bob', '--ttl', '2d');
    expect(inv.code, inv.err).toBe(0);
    expect(inv.json()).toMatchObject({ role: 'member', member: 'bob', link: null, expiresAt: '2027-03-12T09:00:00.000Z' });
    const text = await c.exec('team', 'invite', '--role', 'viewer', '--member', 'vic', '--host-url', 'https://team.example:4318', '--fingerprint', 'AB:CD');
    expect(text.out).toMatch(/^Invite for vic \(vic\) as viewer, until Mar 17 09:00 UTC; it works once\. Share it privately:\n {2}https:\/\/team\.example:4318\/join#invite=cdi_inv_[^&]+&fp=AB%3ACD\n$/);
    expect((await c.exec('team', 'invite', '--role', 'member', '--host-url', 'http://plain', '--fingerprint', 'none')).code).toBe(2);

    expect((await c.exec('team', 'member', 'set', 'olga', '--cap', 'lux/credits=100')).code).toBe(0);
    expect((await c.exec('team', 'members')).out).toBe('olga  Olga  owner  caps lux/credits=100\n');
    const made = await c.exec('--json', 'team', 'token', 'create', '--scope', 'read,record', '--account', 'lux', '--cap', '5', '--device', 'agent');
    expect(made.code, made.err).toBe(0);
    expect(made.json()).toMatchObject({ scopes: ['read', 'record'], accounts: ['lux'], cap: 5, device: 'agent' });
    const tokens = await c.exec('team', 'tokens');
    expect(tokens.out).toContain('scopes read,record accounts lux cap 5');
    expect(tokens.out).not.toContain(made.json().token);
    expect(tokens.out).toMatch(/last used (never|Mar 10 09:00 UTC)/);
    const revoked = await c.exec('team', 'token', 'revoke', made.json().id);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toBe(`${made.json().id} revoked at Mar 10 09:00 UTC: its next request is refused\n`);

    const audit = await c.exec('--json', 'team', 'audit');
    expect(audit.json().map((a: { call: string }) => a.call)).toEqual(['team.init', 'team.invite', 'team.invite', 'team.members.set', 'team.tokens.create', 'team.tokens.revoke']);
    expect(audit.out).not.toMatch(/cdk_|cdi_/);
    expect((await c.exec('check')).code).toBe(0);

    // The key beside the ledger checks the printed token.
    const ctx = openLedger(c.db);
    expect(authenticateToken(ctx, loadOrCreateHostKey(c.db), token, null).member).toBe('olga');
    ctx.db.close();
  });

  test('team commands on a ledger that is not a team ledger say how to make one', async () => {
    const c = cli();
    const r = await c.exec('team', 'members');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a team ledger; make it one with `creditdeck team init/);
  });
});
