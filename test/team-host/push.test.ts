/**
 * team.push on a real team host: a member's outbox, many entries per request,
 * each answered on its own (accepted, duplicate with the first answer,
 * rejected with the reason), each recorded as the member and audited; a push
 * sent again counts nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { listAudit } from '../../main/core/team/audit.js';
import type { Role } from '../../main/core/team/types.js';
import { startTeamHost, type TeamHost } from './helpers.js';

let host: TeamHost;
const tokens = {} as Record<Role, string>;

async function join(role: Role, member: string): Promise<string> {
  const inv = createInvite(host.ctx, host.key, localOwner(host.ctx), { role, member, name: member.toUpperCase() });
  const r = await host.call('team.redeem', { invite: inv.invite, device: `${member}'s laptop` }, null);
  expect(r.status, r.text).toBe(200);
  return r.json().result.token as string;
}

const events = () => (host.ctx.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
const video = (id: string, extra: Record<string, unknown> = {}) => ({ id, call: 'usage.record', input: { account: 'fluxnote-rise', action: 'video', ...extra } });

beforeAll(async () => {
  host = await startTeamHost({ limits: { freeFailures: 1000 } });
  tokens.owner = host.ownerToken;
  expect((await host.call('accounts.add', { preset: 'fluxnote', plan: 'rise' })).status).toBe(200);
  tokens.member = await join('member', 'mo');
  tokens.viewer = await join('viewer', 'vi');
});

afterAll(async () => {
  await host?.stop();
});

describe('team.push', () => {
  it("records each entry as the member, answers each on its own, and a second push of the same entries counts nothing twice", async () => {
    const entries = [video('ob_first_entry'), video('ob_second_entry', { quantity: 2 }), { id: 'ob_third_entry', call: 'usage.record', input: { account: 'fluxnote-rise', action: 'image', quantity: 5 } }];
    const first = await host.call('team.push', { entries }, tokens.member);
    expect(first.status, first.text).toBe(200);
    const answers = first.json().result.results as { id: string; status: string; result: { eventId: string; status: string } }[];
    expect(answers.map((a) => [a.id, a.status])).toEqual(entries.map((e) => [e.id, 'accepted']));
    const rows = host.ctx.db.prepare(`SELECT member, key FROM events WHERE key LIKE 'push-%' ORDER BY seq`).all() as { member: string; key: string }[];
    expect(rows).toEqual(entries.map((e) => ({ member: 'mo', key: `push-${e.id}` })));
    const count = events();

    // The answer was lost: the client sends the same entries again.
    const again = await host.call('team.push', { entries }, tokens.member);
    const repeated = again.json().result.results as { id: string; status: string; result: { eventId: string } }[];
    expect(repeated.map((a) => a.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(repeated.map((a) => a.result.eventId)).toEqual(answers.map((a) => a.result.eventId));
    expect(events()).toBe(count);

    // Audited: each push by one row of the member's, listing its entries with their answers; no row per entry.
    const audit = listAudit(host.ctx, {});
    expect(audit.filter((r) => r.call === 'usage.record')).toEqual([]);
    const pushes = audit.filter((r) => r.call === 'team.push' && r.member === 'mo').map((r) => (r.args as { entries: { id: string; status: string }[] }).entries);
    expect(pushes.map((p) => p.map((e) => [e.id, e.status]))).toEqual([entries.map((e) => [e.id, 'accepted']), entries.map((e) => [e.id, 'duplicate'])]);
  });

  it('rejects an entry with the reason and keeps the rest: someone else named, a key of its own, an id twice, bad input; one past the credits overdraws', async () => {
    // Rise has 21 videos a month; 3 are spent above.
    const entries = [
      { ...video('ob_too_many_videos', { quantity: 40 }), offline: true },
      video('ob_for_someone_else', { member: 'ana' }),
      video('ob_with_its_own_key', { key: 'mine' }),
      { ...video('ob_fine_one_video'), offline: true },
      video('ob_fine_one_video'),
      video('ob_bad_quantity_x', { quantity: 'x' }),
    ];
    const r = await host.call('team.push', { entries }, tokens.member);
    expect(r.status, r.text).toBe(200);
    const answers = r.json().result.results as { id: string; status: string; reason?: string; message?: string }[];
    expect(answers.map((a) => [a.status, a.reason ?? null])).toEqual([
      ['accepted', null],
      ['rejected', 'forbidden'],
      ['rejected', 'invalid_input'],
      ['accepted', null],
      ['rejected', 'invalid_input'],
      ['rejected', 'invalid_input'],
    ]);
    // Recorded offline (it waited in the outbox), usage is a fact: 40 videos with 18 left overdraw the pool by 22, then one more by 1.
    expect((answers[0] as { result?: { overdrawn?: number } }).result?.overdrawn).toBe(22);
    expect((answers[3] as { result?: { overdrawn?: number } }).result?.overdrawn).toBe(1);
    expect(answers[1]!.message).toMatch(/needs role admin/);
    expect(answers[4]!.message).toMatch(/in this push twice/);
    // An entry pushed as it is recorded (online) is refused at zero, as any online use.
    const online = await host.call('team.push', { entries: [video('ob_online_at_zero')] }, tokens.member);
    expect(online.json().result.results).toEqual([expect.objectContaining({ status: 'rejected', reason: 'insufficient_credits' })]);
    // The debts are on the ledger's record, the member's.
    expect(host.ctx.db.prepare(`SELECT member, amount_mc FROM overdrafts ORDER BY at, event_id`).all()).toEqual([
      { member: 'mo', amount_mc: 22_000 },
      { member: 'mo', amount_mc: 1000 },
    ]);
  });

  it("books an entry stamped ahead of the host (a member's clock running fast) at the host's now; the audit row keeps the time sent", async () => {
    const before = host.ctx.clock.now();
    const sent = new Date(before + 120_000).toISOString();
    const first = await host.call('team.push', { entries: [video('ob_fast_clock', { action: 'image', at: sent })] }, tokens.member);
    const after = host.ctx.clock.now();
    const [answer] = first.json().result.results as { status: string; result: { eventId: string; at: string } }[];
    expect(answer!.status, first.text).toBe('accepted');
    const at = Date.parse(answer!.result.at);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    const listed = listAudit(host.ctx, { limit: 1000 })
      .filter((r) => r.call === 'team.push')
      .flatMap((r) => (r.args as { entries: { id: string; input: { at?: string } }[] }).entries)
      .filter((e) => e.id === 'ob_fast_clock');
    expect(listed.map((e) => e.input.at)).toEqual([sent]);
    // Sent again with the same time (its answer lost): the same entry.
    const again = await host.call('team.push', { entries: [video('ob_fast_clock', { action: 'image', at: sent })] }, tokens.member);
    expect(again.json().result.results[0]).toMatchObject({ status: 'duplicate', result: { eventId: answer!.result.eventId } });
  });

  it('is refused whole for a viewer (403) and checked at the boundary (400)', async () => {
    const before = events();
    const viewer = await host.call('team.push', { entries: [video('ob_viewer_entry')] }, tokens.viewer);
    expect(viewer.status).toBe(403);
    expect(viewer.json().error.message).toMatch(/team.push needs role member/);
    for (const bad of [{ entries: [] }, { entries: [video('short')] }, { entries: [{ id: 'ob_grant_entry', call: 'grants.add', input: {} }] }]) {
      expect((await host.call('team.push', bad, tokens.member)).status).toBe(400);
    }
    expect(events()).toBe(before);
  });
});

describe('team.settings', () => {
  it('anyone reads the offline allowance, an admin sets it (a share or credits per member), a member may not, and team.pull leases by it', async () => {
    expect((await host.call('team.settings', {}, tokens.viewer)).json().result).toMatchObject({ allowance: { share: 10 } });
    const denied = await host.call('team.settings.set', { allowance: '1' }, tokens.member);
    expect(denied.status).toBe(403);
    const fixed = await host.call('team.settings.set', { allowance: '1.5' }, tokens.owner);
    expect(fixed.status, fixed.text).toBe(200);
    expect(fixed.json().result.allowance).toEqual({ fixed: 1.5, description: '1.5 credits per member per pool (at most what the pool has left)' });
    // Images have plenty left: 1.5 each. Videos owe credits: nothing left to lease.
    const lease = (await host.call('team.pull', {}, tokens.member)).json().result.accounts[0].allowance as Record<string, number>;
    expect(lease).toEqual({ video: 0, image: 1.5 });
    expect((await host.call('team.settings.set', { allowance: '101%' }, tokens.owner)).status).toBe(400);
    expect((await host.call('team.settings.set', { allowance: '25%' }, tokens.owner)).json().result.allowance).toMatchObject({ share: 25 });
  });
});

describe('team.pull', () => {
  it("leaves archived accounts off members' machines, and brings one back when it is unarchived", async () => {
    expect((await host.call('accounts.add', { preset: 'lux', plan: 'free', name: 'Old studio' }, tokens.owner)).status).toBe(200);
    const ids = async () => ((await host.call('team.pull', {}, tokens.member)).json().result.accounts as { id: string; name: string }[]).map((a) => a.name);
    expect(await ids()).toContain('Old studio');
    const old = ((await host.call('accounts.list', {}, tokens.owner)).json().result as { id: string; name: string }[]).find((a) => a.name === 'Old studio')!;
    expect((await host.call('accounts.archive', { account: old.id, archived: true }, tokens.owner)).status).toBe(200);
    const after = await ids();
    expect(after).not.toContain('Old studio');
    expect(after.length).toBeGreaterThan(0);
    expect((await host.call('accounts.archive', { account: old.id, archived: false }, tokens.owner)).status).toBe(200);
    expect(await ids()).toContain('Old studio');
  });
});
