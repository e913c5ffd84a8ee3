/**
 * A member's command line on a real team host (HTTPS on 127.0.0.1, its own
 * certificate): join from the invite link (the fingerprint pinned, the token
 * kept owner-only), record online, record offline while the host is down
 * (pending, exit 0), sync when it is back (each entry exactly once, as the
 * member), rejections kept in the outbox with the reason, a changed
 * certificate refused, a revoked device's entries rejected and kept, and
 * leaving only once the pending entries are dealt with.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../main/cli/index.js';
import { Outbox } from '../../main/core/sync/outbox.js';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { listTokens, revokeToken } from '../../main/core/team/tokens.js';
import { inviteLink } from '../../main/web/invite-link.js';
import { fileHosts, startTeamHost, type TeamHost } from './helpers.js';

const newHost = fileHosts();

async function host(o: Parameters<typeof startTeamHost>[0] = {}): Promise<TeamHost> {
  const h = await newHost(o);
  // The member's machine records at its own (real) time: the host's clock must not be behind it.
  h.clock.set(Date.now());
  return h;
}

/** The member's machine: its own folder, ledger and outbox. */
function machine() {
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-member-'));
  const db = join(dir, 'creditdeck.sqlite');
  const cli = async (args: string[], ask: string | null = null) => {
    let out = '';
    let err = '';
    const code = await run(['--db', db, ...args], { out: (s) => (out += s), err: (s) => (err += s), env: {}, ask: async () => ask });
    return { code, out, err, json: () => JSON.parse(out) };
  };
  return { dir, db, cli };
}

const hostEvents = (h: TeamHost) => h.ctx.db.prepare(`SELECT member, action, quantity_milli FROM events ORDER BY seq`).all();

describe("a member's command line", () => {
  it('joins, records online, records offline while the host is down, and syncs each entry once when it is back', async () => {
    const h = await host();
    expect((await h.call('accounts.add', { preset: 'lux', plan: 'pro' })).status).toBe(200);
    const inv = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'mo', name: 'Mo' });
    const m = machine();

    const joined = await m.cli(['--json', 'team', 'join', inviteLink(h.url, inv.invite, h.fingerprint), '--device', 'mo-laptop']);
    expect(joined.code, joined.err).toBe(0);
    expect(joined.json()).toEqual({ team: { id: expect.any(String), name: 'Studio' }, alias: 'studio', member: 'mo', role: 'member', host: h.url });
    // The token is kept owner-only, and never printed.
    const creds = join(m.dir, 'teams', 'studio.json');
    if (process.platform !== 'win32') expect(statSync(creds).mode & 0o777).toBe(0o600);
    const token = JSON.parse(readFileSync(creds, 'utf8')).token as string;
    expect(token).toMatch(/^cdk_/);
    expect(joined.out + joined.err).not.toContain(token);
    // An invite works once.
    expect((await machine().cli(['team', 'join', inviteLink(h.url, inv.invite, h.fingerprint)])).code).toBe(2);
    // A team joined already is refused before a new invite is redeemed: the invite stays good for another device.
    const secondInvite = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'mo2', name: 'Mo two' });
    const twice = await m.cli(['team', 'join', inviteLink(h.url, secondInvite.invite, h.fingerprint)]);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/already joined Studio at .*the invite was not used.*creditdeck team leave studio/s);
    expect((await machine().cli(['team', 'join', inviteLink(h.url, secondInvite.invite, h.fingerprint)])).code).toBe(0);

    const online = await m.cli(['--json', 'use', 'studio/lux-pro', 'email']);
    expect(online.code, online.err).toBe(0);
    expect(online.json()).toMatchObject({ status: 'applied', account: 'lux-pro', credits: 1 });

    // The host goes down: three entries wait in the outbox.
    const port = new URL(h.url).port;
    await h.stop();
    for (const q of ['1', '2', '3']) {
      const r = await m.cli(['--json', 'use', 'studio/lux-pro', 'sms', q]);
      expect(r.code, r.err).toBe(0);
      expect(r.json()).toMatchObject({ status: 'pending', team: 'studio', entry: expect.stringMatching(/^ob_/) });
    }
    expect((await m.cli(['--json', 'team', 'status'])).json()).toMatchObject({ alias: 'studio', member: 'mo', role: 'member', online: false, pending: 3, rejected: 0 });
    const down = await m.cli(['team', 'sync']);
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/not reachable .*3 entries stay pending/);

    // Back, on the same ledger, port and certificate.
    const back = await host({ dir: h.dir, init: false, serve: { port } });
    const synced = await m.cli(['--json', 'team', 'sync']);
    expect(synced.code, synced.err).toBe(0);
    expect(synced.json()).toEqual({ pushed: 3, accepted: 3, duplicate: 0, rejected: 0, asOf: expect.any(String) });
    expect(hostEvents(back)).toEqual([
      { member: 'mo', action: 'email', quantity_milli: 1000 },
      { member: 'mo', action: 'sms', quantity_milli: 1000 },
      { member: 'mo', action: 'sms', quantity_milli: 2000 },
      { member: 'mo', action: 'sms', quantity_milli: 3000 },
    ]);
    expect((await m.cli(['--json', 'team', 'sync'])).json()).toEqual({ pushed: 0, accepted: 0, duplicate: 0, rejected: 0, asOf: expect.any(String) });
    // Online, a team account's balance is the host's.
    const hostBalance = (await m.cli(['--json', 'balance', 'studio/lux-pro'])).json() as { source: string; balance: { pools: { remaining: number }[] } };
    expect(hostBalance.source).toBe('host');
    expect((await m.cli(['--json', 'team', 'status'])).json()).toMatchObject({ online: true, pending: 0, lastSync: expect.any(String) });
    // In words for people, as every other instant the command line prints.
    expect((await m.cli(['team', 'status'])).out).toMatch(/· last sync [A-Z][a-z]{2} \d{1,2}( \d{4})? \d\d:\d\d UTC ·/);
    expect((await m.cli(['team', 'sync'])).out).toMatch(/numbers here are as of [A-Z][a-z]{2} \d{1,2}( \d{4})? \d\d:\d\d UTC\.$/m);

    // Refused by the host: exit 3, kept in the outbox with the reason until dismissed.
    const refused = await m.cli(['use', 'studio/lux-pro', 'email', '99999999']);
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/kept in the outbox/);
    const box = (await m.cli(['--json', 'team', 'outbox'])).json() as { rejected: { id: string; reason: string }[] };
    expect(box.rejected).toHaveLength(1);
    expect(box.rejected[0]!.reason).toBe('insufficient_credits');
    expect((await m.cli(['--json', 'team', 'outbox', '--dismiss', box.rejected[0]!.id])).json()).toMatchObject({ rejected: [] });

    // Offline reads: the mirror as of the last sync, this device's pending entries on top.
    const beforeDown = hostBalance.balance.pools[0]!.remaining;
    const port2 = new URL(back.url).port;
    await back.stop();
    expect((await m.cli(['use', 'studio/lux-pro', 'sms', '2'])).code).toBe(0);
    const offline = await m.cli(['--json', 'balance', 'studio/lux-pro']);
    expect(offline.code, offline.err).toBe(0);
    expect(offline.json()).toMatchObject({ account: 'studio/lux-pro', source: 'mirror', asOf: expect.any(String), pending: { entries: 1, byPool: { credits: expect.any(Number) } } });
    expect((offline.json() as { balance: { pools: { remaining: number }[] } }).balance.pools[0]!.remaining).toBe(beforeDown);
    const text = await m.cli(['balance', 'studio/lux-pro']);
    expect(text.out).toMatch(/offline: the team host is not reachable; these are the team's numbers as of /);
    expect(text.out).toMatch(/1 entry from this device not sent yet: about [\d.]+ credits more to come off/);
    // The list of every account shows the team's beside the local ones, from the mirror.
    expect(((await m.cli(['--json', 'balance'])).json() as { account: string }[]).map((b) => b.account)).toContain('studio/lux-pro');
    const again = await host({ dir: h.dir, init: false, serve: { port: port2 } });
    expect((await m.cli(['--json', 'team', 'sync'])).json()).toMatchObject({ pushed: 1, accepted: 1 });
    const back2 = again;

    // A certificate that is not the pinned one is refused, saying what to check.
    const saved = readFileSync(creds, 'utf8');
    writeFileSync(creds, saved.replace(/"fingerprint": "[^"]+"/, `"fingerprint": "${'AB:'.repeat(31)}AB"`));
    const wrong = await m.cli(['team', 'status']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/certificate is not the one you joined with/);
    // Syncing is refused the same way (exit 2, what to check), never "not reachable".
    const wrongSync = await m.cli(['team', 'sync']);
    expect(wrongSync.code).toBe(2);
    expect(wrongSync.err).toMatch(/certificate is not the one you joined with/);
    writeFileSync(creds, saved);

    // A revoked device: its entries are rejected with why, and kept.
    const mine = listTokens(back2.ctx, { member: 'mo' })[0]!;
    revokeToken(back2.ctx, mine.id);
    const revoked = await m.cli(['use', 'studio/lux-pro', 'email']);
    expect(revoked.code).toBe(4);
    expect(revoked.err).toMatch(/no longer accepts this device/);
    expect(((await m.cli(['--json', 'team', 'outbox'])).json() as { rejected: unknown[] }).rejected).toEqual([expect.objectContaining({ reason: 'unauthorized', inDoubt: false })]);
    // One sent before whose answer was lost, refused at the door now: it may be on the host, so it is in doubt, not plainly rejected.
    const kept = new Outbox(join(m.dir, 'outbox.sqlite'));
    const doubt = kept.add(JSON.parse(saved).team.id as string, 'usage.record', { account: 'lux-pro', action: 'email', at: new Date().toISOString() }, Date.now()).id;
    kept.markSent([doubt], Date.now());
    kept.close();
    expect((await m.cli(['team', 'sync'])).code).toBe(4);
    expect(((await m.cli(['--json', 'team', 'outbox'])).json() as { rejected: unknown[] }).rejected).toEqual([
      expect.objectContaining({ inDoubt: false }),
      expect.objectContaining({ id: doubt, reason: 'unauthorized', inDoubt: true, message: expect.stringContaining(`may have recorded it before it refused this device: a team admin can check the account's usage history for an event keyed push-${doubt}`) }),
    ]);
    const status = await m.cli(['team', 'status']);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toMatch(/refused: .*no longer accepts this device[^]*0 pending · 2 rejected \(1 of them may have been recorded all the same/);
    expect((await m.cli(['team', 'outbox'])).out).toMatch(new RegExp(`0 pending, 2 rejected\\n  rejected  ob_\\w+ .*\\n  in doubt  ${doubt} `));
  });

  it('leaves only once the pending entries are dealt with', async () => {
    const h = await host();
    await h.call('accounts.add', { preset: 'lux', plan: 'pro' });
    const inv = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'bo', name: 'Bo' });
    const m = machine();
    expect((await m.cli(['team', 'join', inviteLink(h.url, inv.invite, h.fingerprint)])).code).toBe(0);
    await h.stop();
    expect((await m.cli(['use', 'studio/lux-pro', 'email'])).code).toBe(0);
    // No terminal to ask: refused, nothing changed.
    const asked = await m.cli(['team', 'leave']);
    expect(asked.code).toBe(2);
    expect(asked.err).toMatch(/1 entries are still pending/);
    expect(existsSync(join(m.dir, 'teams', 'studio.json'))).toBe(true);
    // Answered no: still a member.
    expect((await m.cli(['team', 'leave'], 'n')).code).toBe(2);
    const left = await m.cli(['--json', 'team', 'leave'], 'y');
    expect(left.code, left.err).toBe(0);
    expect(left.json()).toMatchObject({ left: { name: 'Studio' }, dropped: 1 });
    expect(existsSync(join(m.dir, 'teams', 'studio.json'))).toBe(false);
    expect((await m.cli(['use', 'studio/lux-pro', 'email'])).code).toBe(2);
  });

  it("places, spends and releases team-wide holds through the host, and says so when it is out of reach", async () => {
    const h = await host();
    await h.call('accounts.add', { preset: 'lux', plan: 'pro' });
    const inv = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'cy', name: 'Cy' });
    const m = machine();
    expect((await m.cli(['team', 'join', inviteLink(h.url, inv.invite, h.fingerprint)])).code).toBe(0);
    const placed = await m.cli(['--json', 'hold', 'studio/lux-pro', 'credits', '30']);
    expect(placed.code, placed.err).toBe(0);
    const hold = placed.json() as { holdId: string; credits: number };
    expect(hold.credits).toBe(30);
    // Held on the host: everyone's available credits are down by it.
    const pool = (await h.call('balance.get', { account: 'lux-pro' })).json().result.pools[0] as { held: number };
    expect(pool.held).toBe(30);
    expect((await m.cli(['holds', 'studio/lux-pro'])).out).toMatch(new RegExp(`${hold.holdId}  credits  30 held`));
    const spent = await m.cli(['--json', 'capture', `studio/${hold.holdId}`, 'email', '5']);
    expect(spent.code, spent.err).toBe(0);
    expect(h.ctx.db.prepare('SELECT member FROM events').all()).toEqual([{ member: 'cy' }]);
    expect((await m.cli(['--json', 'release', `studio/${hold.holdId}`])).json()).toMatchObject({ status: 'released' });
    await h.stop();
    const offline = await m.cli(['hold', 'studio/lux-pro', 'credits', '10']);
    expect(offline.code).toBe(1);
    expect(offline.err).toMatch(/holds are team-wide, so placing one needs the team host, which is not reachable .*nothing was done/);
  });

  it('offline, spends no more than the allowance leased at the last sync, and refuses on the member\'s machine past it', async () => {
    const h = await host();
    await h.call('accounts.add', { preset: 'fluxnote', plan: 'rise' });
    const inv = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'di', name: 'Di' });
    const m = machine();
    // Joining pulls the team once: 10 % of the 21 videos, split between the owner and Di, is 1.05 videos each.
    expect((await m.cli(['team', 'join', inviteLink(h.url, inv.invite, h.fingerprint)])).code).toBe(0);
    await h.stop();
    expect((await m.cli(['--json', 'use', 'studio/fluxnote-rise', 'video'])).json()).toMatchObject({ status: 'pending' });
    const past = await m.cli(['use', 'studio/fluxnote-rise', 'video']);
    expect(past.code).toBe(3);
    expect(past.err).toMatch(/refused \(offline_allowance\): offline, this device may spend 1\.05 video credits of studio\/fluxnote-rise until it syncs, and its entries not yet sent would come to about 2; nothing was recorded/);
    // Nothing was kept of the refused one; images have their own allowance (50 each).
    expect((await m.cli(['--json', 'team', 'status'])).json()).toMatchObject({ pending: 1 });
    expect((await m.cli(['--json', 'use', 'studio/fluxnote-rise', 'image', '50'])).json()).toMatchObject({ status: 'pending' });
    expect((await m.cli(['use', 'studio/fluxnote-rise', 'image'])).code).toBe(3);
  });
});
