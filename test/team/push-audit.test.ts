/**
 * A team push is audited by one row (team/push-audit.ts): every entry as sent
 * with the host's answer, secrets dropped as from any row, the chain intact,
 * and `team audit` says it in one line.
 */
import { describe, expect, test } from 'vitest';
import '../../main/core/api/handlers.js';
import type { PushAnswer } from '../../main/core/api/sync.js';
import { listAudit, verifyAudit } from '../../main/core/team/audit.js';
import { callAs } from '../../main/core/team/call-as.js';
import { describePushAudit, pushAudit } from '../../main/core/team/push-audit.js';
import { callerWorld } from './helpers.js';

describe('the audit row of a push', () => {
  test('before it ran, its size; after, each entry with its answer, the reason and offline only where they apply', () => {
    const entries = [
      { id: 'e_one_aaaa', call: 'usage.record', input: { account: 'lux', action: 'sms' }, offline: true },
      { id: 'e_two_bbbb', call: 'usage.record', input: { account: 'lux', action: 'nope' }, offline: false },
    ];
    expect(pushAudit({ entries })).toEqual({ entries: 2 });
    const results = [
      { id: 'e_one_aaaa', status: 'accepted', result: { credits: 1 } },
      { id: 'e_two_bbbb', status: 'rejected', reason: 'invalid_input', message: 'unknown action' },
    ];
    expect(pushAudit({ entries }, { results })).toEqual({
      entries: [
        { id: 'e_one_aaaa', call: 'usage.record', input: { account: 'lux', action: 'sms' }, offline: true, status: 'accepted' },
        { id: 'e_two_bbbb', call: 'usage.record', input: { account: 'lux', action: 'nope' }, status: 'rejected', reason: 'invalid_input' },
      ],
    });
    expect(describePushAudit(pushAudit({ entries }, { results }))).toBe('2 entries (1 accepted, 1 rejected)');
    expect(describePushAudit({ entries: 3 })).toBeNull();
  });

  test("one row for a push, in the caller's name and the chain; a secret-like attribute never reaches it", () => {
    const { t, callers } = callerWorld(3);
    const before = (t.ctx.db.prepare('SELECT COUNT(*) AS n FROM team_audit').get() as { n: number }).n;
    const entries = [
      { id: 'e_first_entry', call: 'usage.record', input: { account: 'lux', action: 'sms', attrs: { flow: 'signup', apiToken: 'sekrit-value' } } },
      { id: 'e_other_person', call: 'usage.record', input: { account: 'lux', action: 'sms', member: 'ad' } },
      { id: 'e_plain_entry', call: 'usage.record', input: { account: 'lux', action: 'email' } },
    ];
    const { results } = callAs(t.ctx, callers.mo, 'team.push', { entries }) as { results: PushAnswer[] };
    expect(results.map((r) => r.status)).toEqual([expect.any(String), 'rejected', 'accepted']);
    const rows = t.ctx.db.prepare('SELECT member, call, args_json, result FROM team_audit WHERE seq > ?').all(before) as { member: string; call: string; args_json: string; result: string }[];
    expect(rows.map((r) => [r.member, r.call, r.result])).toEqual([['mo', 'team.push', 'ok']]);
    const listed = (JSON.parse(rows[0]!.args_json) as { entries: { id: string; status: string; reason?: string }[] }).entries;
    expect(listed.map((e) => [e.id, e.status, e.reason ?? null])).toEqual(results.map((r) => [r.id, r.status, r.reason ?? null]));
    expect(listed[1]).toMatchObject({ input: { member: 'ad' }, reason: 'forbidden' });
    expect(rows[0]!.args_json).not.toContain('sekrit');
    // As team.audit answers it: the row's line for people beside its arguments.
    const [view] = listAudit(t.ctx, { after: before });
    expect(view!.summary).toMatch(/^3 entries \(\d (accepted|rejected), \d (accepted|rejected)\)$/);
    expect(listAudit(t.ctx, { limit: 1 })[0]!.summary).toBeUndefined();
    expect(verifyAudit(t.ctx)).toEqual([]);
    t.clean();
  });
});
