/**
 * POST /api/batch on the team host: the caller is authenticated once for the
 * request (token or session with its CSRF token), then every call is decided
 * by the access table and audited as if it had come alone. Sign-in and
 * sign-out are never part of a batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { listAudit } from '../../main/core/team/audit.js';
import { SESSION_COOKIE } from '../../main/web/team-host.js';
import { startTeamHost, type TeamHost } from './helpers.js';

let host: TeamHost;
let viewer = '';
let member = '';
let action = '';

async function join(role: 'viewer' | 'member', name: string): Promise<string> {
  const inv = createInvite(host.ctx, host.key, localOwner(host.ctx), { role, member: name, name: name.toUpperCase() });
  const r = await host.call('team.redeem', { invite: inv.invite, device: `${name}'s laptop` }, null);
  expect(r.status, r.text).toBe(200);
  return r.json().result.token as string;
}

beforeAll(async () => {
  host = await startTeamHost({ limits: { freeFailures: 1000 } });
  expect((await host.call('accounts.add', { preset: 'lux', plan: 'free' })).status).toBe(200);
  action = ((await host.call('actions.list', { account: 'lux-free' })).json().result as { id: string }[])[0]!.id;
  viewer = await join('viewer', 'vi');
  member = await join('member', 'mo');
});
afterAll(async () => {
  await host?.stop();
});

const batch = (calls: { name: string; input?: unknown }[], token: string | null, headers: Record<string, string> = {}) => host.call('batch', { calls }, token, headers);
const codes = (out: { ok: boolean; error?: { code: string } }[]) => out.map((e) => (e.ok ? 'ok' : e.error!.code));

describe('team host: POST /api/batch', () => {
  it("decides each call by the caller's role, as alone: a viewer reads, and is forbidden to write, in the same batch", async () => {
    const calls = [
      { name: 'balance.get', input: { account: 'lux-free' } },
      { name: 'usage.record', input: { account: 'lux-free', action, quantity: 1, key: 'vi-batch' } },
      { name: 'accounts.list', input: {} },
      { name: 'team.audit', input: {} },
    ];
    const r = await batch(calls, viewer);
    expect(r.status, r.text).toBe(200);
    const out = r.json().result;
    expect(codes(out)).toEqual(['ok', 'forbidden', 'ok', 'forbidden']);
    const alone = await Promise.all(calls.map(async (c) => (await host.call(c.name, c.input, viewer)).json()));
    expect(out.map((e: { ok: boolean }) => e.ok)).toEqual(alone.map((e) => e.ok));
    expect(out[0]).toEqual(alone[0]);
    // Nothing recorded; the refusal is in the audit log, the viewer's own, as for a call alone.
    expect((host.ctx.db.prepare("SELECT COUNT(*) AS n FROM events WHERE key = 'vi-batch'").get() as { n: number }).n).toBe(0);
    const refused = listAudit(host.ctx, { limit: 1000 }).filter((a) => a.call === 'usage.record' && a.member === 'vi' && a.result === 'forbidden');
    expect(refused.length).toBeGreaterThanOrEqual(2);
  });

  it("a member's writes in a batch are the member's, audited one by one", async () => {
    const record = (key: string) => ({ name: 'usage.record', input: { account: 'lux-free', action, quantity: 1, key } });
    const r = await batch([record('mo-b1'), record('mo-b2')], member);
    expect(codes(r.json().result)).toEqual(['ok', 'ok']);
    const rows = host.ctx.db.prepare("SELECT member FROM events WHERE key IN ('mo-b1', 'mo-b2') ORDER BY key").all() as { member: string }[];
    expect(rows.map((x) => x.member)).toEqual(['mo', 'mo']);
    const audited = listAudit(host.ctx, { limit: 1000 }).filter((a) => a.call === 'usage.record' && a.member === 'mo' && a.result === 'ok');
    expect(audited.length).toBeGreaterThanOrEqual(2);
  });

  it('answers 401 to a batch without a caller, and runs none of it', async () => {
    const r = await batch([{ name: 'usage.record', input: { account: 'lux-free', action, quantity: 1, key: 'anon-batch' } }], null);
    expect(r.status).toBe(401);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((host.ctx.db.prepare("SELECT COUNT(*) AS n FROM events WHERE key = 'anon-batch'").get() as { n: number }).n).toBe(0);
  });

  it('never signs in, out or redeems inside a batch', async () => {
    const r = await batch(
      [
        { name: 'team.signin', input: { token: member } },
        { name: 'team.signout', input: {} },
        { name: 'team.redeem', input: { invite: 'x', device: 'y' } },
        { name: 'team.session', input: {} },
        { name: 'accounts.list', input: {} },
      ],
      member,
    );
    const out = r.json().result;
    expect(codes(out)).toEqual(['invalid_input', 'invalid_input', 'invalid_input', 'invalid_input', 'ok']);
    expect(out[1].error.message).toBe('"team.signout" is sent on its own, not in a batch');
  });

  it('a browser session needs its CSRF token for a batch, as for any POST', async () => {
    const signin = await host.call('team.signin', { token: member }, null, { origin: host.url });
    const set = ([] as string[]).concat(signin.headers['set-cookie'] ?? []);
    const cookie = set.find((c) => c.startsWith(`${SESSION_COOKIE}=`))!.split(';', 1)[0]!;
    const jar = { cookie, origin: host.url };
    const calls = [{ name: 'balance.get', input: { account: 'lux-free' } }];
    expect((await batch(calls, null, jar)).status).toBe(403);
    const ok = await batch(calls, null, { ...jar, 'x-csrf-token': signin.json().result.csrf });
    expect(ok.status, ok.text).toBe(200);
    expect(codes(ok.json().result)).toEqual(['ok']);
  });
});
