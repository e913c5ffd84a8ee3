import { describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { appendAudit, listAudit, redact, verifyAudit } from '../../main/core/team/audit.js';
import { callAs } from '../../main/core/team/call-as.js';
import { teamLedger } from './helpers.js';

/** Six audited calls, then the triggers dropped: what someone with the file and sqlite3 could do. */
function tampered() {
  const t = teamLedger();
  for (let i = 0; i < 6; i++) callAs(t.ctx, t.owner, 'usage.record', { account: 'lux', action: 'sms', key: `k${i}` });
  expect(verifyAudit(t.ctx)).toEqual([]);
  t.ctx.db.exec('DROP TRIGGER team_audit_no_update; DROP TRIGGER team_audit_no_delete;');
  return t;
}

describe('the audit log', () => {
  test('append-only: the triggers refuse an update or a delete', () => {
    const t = teamLedger();
    callAs(t.ctx, t.owner, 'accounts.set', { account: 'lux', name: 'Lux Main' });
    expect(() => t.ctx.db.exec(`UPDATE team_audit SET result = 'ok'`)).toThrow(/append-only: team_audit cannot be updated/);
    expect(() => t.ctx.db.exec('DELETE FROM team_audit')).toThrow(/append-only: team_audit cannot be deleted/);
  });

  test('rows chain: each hash covers the row before it', () => {
    const t = teamLedger();
    callAs(t.ctx, t.owner, 'accounts.set', { account: 'lux', name: 'A' });
    callAs(t.ctx, t.owner, 'accounts.set', { account: 'lux', name: 'B' });
    const [init, a, b] = listAudit(t.ctx);
    expect([init!.seq, init!.call, init!.args]).toEqual([1, 'team.init', { name: 'Studio', owner: 'olga', ownerName: 'Olga', device: 'laptop' }]);
    expect([a!.seq, b!.seq]).toEqual([2, 3]);
    expect(t.ctx.db.prepare('SELECT prev_hash FROM team_audit WHERE seq = 3').get()).toEqual({ prev_hash: a!.hash });
    expect(listAudit(t.ctx, { after: 2 })).toEqual([b]);
    expect(listAudit(t.ctx, { after: 1, limit: 1 })).toEqual([a]);
  });

  test('an edited row makes check fail', () => {
    const t = tampered();
    t.ctx.db.exec(`UPDATE team_audit SET member = 'someone-else' WHERE seq = 3`);
    expect(verifyAudit(t.ctx)).toEqual(['audit row 3: its contents do not match its hash (the row was edited)']);
    expect(call(t.ctx, 'check', {})).toMatchObject({ ok: false, problems: ['audit row 3: its contents do not match its hash (the row was edited)'] });
  });

  test('a deleted row, the newest rows deleted, and reordered rows are found', () => {
    const t = tampered();
    t.ctx.db.exec('DELETE FROM team_audit WHERE seq = 2');
    expect(verifyAudit(t.ctx)).toEqual(['audit row 3 follows row 1: 1 row(s) before it are missing', 'audit row 3: does not chain to the row before it (a row was deleted, inserted or moved)']);

    const u = tampered();
    u.ctx.db.exec('DELETE FROM team_audit WHERE seq >= 5');
    expect(verifyAudit(u.ctx)).toEqual(['audit log ends at row 4, but row 7 was written: the newest rows were deleted']);

    const v = tampered();
    // Swap rows 2 and 3 (their seq numbers) — the order of events rewritten.
    v.ctx.db.exec('UPDATE team_audit SET seq = 100 WHERE seq = 2; UPDATE team_audit SET seq = 2 WHERE seq = 3; UPDATE team_audit SET seq = 3 WHERE seq = 100;');
    expect(verifyAudit(v.ctx).length).toBeGreaterThan(0);
    expect(call(v.ctx, 'check', {}).ok).toBe(false);
  });

  test('arguments are kept with every secret-like key dropped and long text shortened', () => {
    expect(redact({ invite: 'cdi_x', token: 'cdk_x', secretKey: 'sk_x', webhookSecret: 'w', password: 'p', session: 's', csrf: 'c', nested: { bearerToken: 'b', ok: 1 }, device: 'laptop' })).toEqual({
      nested: { ok: 1 },
      device: 'laptop',
    });
    expect(redact({ text: 'x'.repeat(1000) })).toEqual({ text: `${'x'.repeat(100)}… (1000 characters)` });
    const t = teamLedger();
    appendAudit(t.ctx, { member: 'olga', tokenId: null, address: null, call: 'team.redeem', args: { invite: 'cdi_secret', device: 'd' }, result: 'ok' });
    expect(listAudit(t.ctx, { after: 1 })[0]!.args).toEqual({ device: 'd' });
  });
});
