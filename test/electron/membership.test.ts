/**
 * Settings → Team → Join in the desktop app, driven through the shell's IPC
 * handler with the fake Electron, against a real team host (HTTPS on
 * 127.0.0.1, its own certificate): the invite redeemed with the fingerprint
 * pinned, the device token kept with safeStorage (never in the window's
 * answers), the team's accounts from the mirror, recording offline (pending,
 * the tray says so), the host back and the background push (fake timers: the
 * backoff, not a sleep), an overdraft and a rejection told in a notification,
 * leaving only once the pending entries are dealt with.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHANNEL } from '../../main/electron/channel.js';
import { FORBIDDEN } from '../../main/electron/ipc.js';
import { BACKOFF, MEMBER_OUTBOX_FILE } from '../../main/electron/membership.js';
import { PACE_TITLE } from '../../main/electron/notify.js';
import { MEMBERSHIPS_DIR } from '../../main/electron/membership-store.js';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { listTokens, revokeToken } from '../../main/core/team/tokens.js';
import { Outbox } from '../../main/core/sync/outbox.js';
import { dispatch } from '../../main/web/dispatch.js';
import { inviteLink } from '../../main/web/invite-link.js';
import { memoryLedger } from '../web/helpers.js';
import { fileHosts, startTeamHost, type TeamHost } from '../team-host/helpers.js';
import { topFrame } from './fake-electron.js';
import { launch, OWN_PAGE, quitAll } from './launch.js';

afterEach(quitAll);
const newHost = fileHosts();

async function host(o: Parameters<typeof startTeamHost>[0] = {}): Promise<TeamHost> {
  const h = await newHost(o);
  // The member's machine records at its own (real) time: the host's (manual) clock is a minute ahead, so its balances count what arrives.
  h.clock.set(Date.now() + 60_000);
  return h;
}

const own = topFrame(`${OWN_PAGE}#/settings`);
type Env = { ok: true; result: any } | { ok: false; error: { code: string; message: string; field?: string; reason?: string } }; // eslint-disable-line @typescript-eslint/no-explicit-any

async function memberApp(appData?: string) {
  const l = await launch(appData ? { appData } : {});
  const invoke = (name: string, input: unknown = {}) => l.fake.invoke(CHANNEL, own, name, input) as Promise<Env>;
  const userData = join(l.appData, 'Creditdeck');
  const tooltip = () => l.fake.trays[0]!.tooltip ?? '';
  return { ...l, invoke, userData, tooltip };
}

const hostVideos = (h: TeamHost) => h.ctx.db.prepare(`SELECT member, action, quantity_milli FROM events WHERE action = 'video' ORDER BY seq`).all();

describe('desktop app: a member of a team hosted elsewhere', () => {
  it('joins from the link, records offline (pending), syncs when the host is back, tells an overdraft and a rejection, and leaves only when told to drop what waits', async () => {
    const h = await host();
    expect((await h.call('accounts.add', { preset: 'fluxnote', plan: 'rise' })).status).toBe(200);
    // Enough videos that two recorded offline fit this member's offline allowance (a tenth of what is left, shared).
    expect((await h.call('grants.add', { account: 'fluxnote-rise', pool: 'video', amount: 200 })).status).toBe(200);
    const inv = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'mo', name: 'Mo' });
    const link = inviteLink(h.url, inv.invite, h.fingerprint);
    const m = await memberApp();

    // A certificate that is not the one the link names is refused before anything is sent, saying what to check.
    const forged = link.replace(/fp=[^&]+/, `fp=${encodeURIComponent(`${'AB:'.repeat(31)}AB`)}`);
    const refusedCert = await m.invoke('membership.join', { link: forged, device: 'mo-desktop' });
    expect(refusedCert).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/fingerprint.*ask its owner for the fingerprint/s) } });

    const joined = await m.invoke('membership.join', { link, device: 'mo-desktop' });
    expect(joined).toMatchObject({ ok: true, result: { alias: 'studio', team: { name: 'Studio' }, member: 'mo', role: 'member', host: h.url, state: 'synced', pending: 0, asOf: expect.any(String) } });
    // Joined already: refused before the new invite is redeemed, so it is not spent.
    const secondInvite = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'mo2', name: 'Mo two' });
    expect(await m.invoke('membership.join', { link: inviteLink(h.url, secondInvite.invite, h.fingerprint) })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/already joined Studio.*the invite was not used.*Settings → Team/s) } });
    expect(h.ctx.db.prepare("SELECT used_at FROM team_invites WHERE member = 'mo2'").get()).toEqual({ used_at: null });
    // The token: encrypted with safeStorage, apart from the rest; never in an answer to the window.
    const dir = join(m.userData, MEMBERSHIPS_DIR);
    expect(readdirSync(dir).sort()).toEqual(['studio.json', 'studio.token.bin']);
    if (process.platform !== 'win32') for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(m.fake.safeStorageCalls).toContain('encrypt');
    const token = m.fake.deps.safeStorage!.decryptString(readFileSync(join(dir, 'studio.token.bin')));
    expect(token).toMatch(/^cdk_/);
    expect(readFileSync(join(dir, 'studio.json'), 'utf8')).not.toContain(token);
    expect(readFileSync(join(dir, 'studio.token.bin')).toString('latin1')).not.toContain(token);
    expect(JSON.stringify(joined)).not.toContain(token);
    expect(JSON.stringify(await m.invoke('membership.status'))).not.toContain(token);

    // The team's accounts beside the local ones, from the mirror, marked with their team.
    const accounts = (await m.invoke('membership.accounts')) as { ok: true; result: { ref: string; team: { name: string }; balance: { pools: { pool: string; remaining: number }[] } }[] };
    expect(accounts.result.map((a) => `${a.ref} ${a.team.name}`)).toEqual(['studio/fluxnote-rise Studio']);
    const videosBefore = accounts.result[0]!.balance.pools.find((p) => p.pool === 'video')!.remaining;
    m.app!.tray!.refresh();
    expect(m.tooltip()).toMatch(/FluxNote Rise \(Studio\) — .*video/);
    expect(m.tooltip()).toContain('Studio: synced');

    // Online: the host's answer, as for a local account.
    expect(await m.invoke('membership.record', { account: 'studio/fluxnote-rise', action: 'video' })).toMatchObject({ ok: true, result: { status: 'applied', account: 'fluxnote-rise' } });

    // Another certificate at the host's address: refused, saying what to check, and not "offline"; the entry waits until the right host answers.
    const info = join(dir, 'studio.json');
    const saved = readFileSync(info, 'utf8');
    writeFileSync(info, saved.replace(/"fingerprint": "[^"]+"/, `"fingerprint": "${'AB:'.repeat(31)}AB"`));
    expect(await m.invoke('membership.record', { account: 'studio/fluxnote-rise', action: 'video' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'fingerprint', message: expect.stringContaining("certificate is not the one you joined with: ask its owner for the fingerprint") } });
    expect(await m.invoke('membership.sync', {})).toMatchObject({ ok: true, result: { teams: [{ state: 'pending', pending: 1, offlineSince: null, lastError: expect.stringContaining('certificate is not the one you joined with') }] } });
    writeFileSync(info, saved);
    expect(await m.invoke('membership.sync', {})).toMatchObject({ ok: true, result: { teams: [{ state: 'synced', pending: 0, lastError: null }] } });

    // The host goes down: two videos wait in the outbox; the window and the tray say so.
    const port = new URL(h.url).port;
    await h.stop();
    for (let i = 0; i < 2; i++) {
      expect(await m.invoke('membership.record', { account: 'studio/fluxnote-rise', action: 'video' })).toMatchObject({ ok: true, result: { status: 'pending', team: 'studio', entry: expect.stringMatching(/^ob_/) } });
    }
    const down = (await m.invoke('membership.status')) as { ok: true; result: { teams: { state: string; pending: number; offlineSince: string; nextTry: string }[] } };
    expect(down.result.teams[0]).toMatchObject({ state: 'offline', pending: 2, offlineSince: expect.any(String), nextTry: expect.any(String) });
    expect(m.tooltip()).toMatch(/Studio: offline since \d\d:\d\d · 2 pending/);
    // The mirror's numbers as of the last sync, with this device's pending entries on top.
    const offlineAccounts = (await m.invoke('membership.accounts')) as { ok: true; result: { state: string; asOf: string; pendingEntries: number; pending: { pool: string; pendingCredits: number }[] }[] };
    expect(offlineAccounts.result[0]).toMatchObject({ state: 'offline', asOf: expect.any(String), pendingEntries: 2, pending: [{ pool: 'video', pendingCredits: 2 }] });
    // The plan comes from the mirror too, for the Plans and Purchases pages (offline as well).
    expect(offlineAccounts.result[0]).toMatchObject({ plan: { name: 'Rise', monthly: { video: 21 }, buyers: [expect.any(String)] } });
    // Its people by name and this period's alerts, from the mirror as well (none crossed yet); a row pulled before they were sent reads as none.
    expect(offlineAccounts.result[0]).toMatchObject({ members: [{ id: 'ana', name: 'Ana' }, { id: 'mo', name: 'Mo' }], alerts: [] });
    const box = new Outbox(join(m.userData, MEMBER_OUTBOX_FILE));
    const rows = box.db.prepare('SELECT id, json FROM mirror_accounts').all() as { id: string; json: string }[];
    box.db.prepare(`UPDATE mirror_accounts SET json = json_remove(json, '$.members', '$.alerts')`).run();
    expect((await m.invoke('membership.accounts')) as { ok: true; result: unknown[] }).toMatchObject({ ok: true, result: [{ members: [], alerts: [] }] });
    for (const r of rows) box.db.prepare('UPDATE mirror_accounts SET json = ? WHERE id = ?').run(r.json, r.id);
    box.close();
    expect(m.tooltip()).toMatch(new RegExp(`video ${videosBefore - 2 - 2} .*as of \\d\\d:\\d\\d`));

    // The background tries again after 5 s, and finds it still away: the next try waits twice as long.
    const status = async () => ((await m.invoke('membership.status')) as { ok: true; result: { teams: { state: string; nextTry: string | null; lastError: string | null }[] } }).result.teams[0]!;
    const first = (await status()).nextTry;
    m.timers.advance(BACKOFF.firstMs);
    await expect.poll(async () => (await status()).nextTry !== first && (await status()).nextTry !== null, { timeout: 10_000 }).toBe(true);
    expect(Date.parse((await status()).nextTry!) - Date.now()).toBeGreaterThan(BACKOFF.firstMs);
    expect((await status()).state).toBe('offline');

    // Back, on the same ledger, port and certificate: the next try sends them, each once, as the member.
    const back = await host({ dir: h.dir, init: false, serve: { port } });
    m.timers.advance(2 * BACKOFF.firstMs);
    await expect.poll(async () => ((await m.invoke('membership.status')) as { ok: true; result: { teams: { state: string }[] } }).result.teams[0]!.state, { timeout: 10_000 }).toBe('synced');
    expect(hostVideos(back)).toEqual([
      { member: 'mo', action: 'video', quantity_milli: 1000 },
      { member: 'mo', action: 'video', quantity_milli: 1000 },
      { member: 'mo', action: 'video', quantity_milli: 1000 },
      { member: 'mo', action: 'video', quantity_milli: 1000 },
    ]);
    expect(m.tooltip()).toContain('Studio: synced');
    expect(m.fake.notifications).toHaveLength(0);

    // Offline again, one more video; meanwhile the team uses every video left: the entry is a fact, booked as an overdraft, and a notification says so.
    const port2 = new URL(back.url).port;
    await back.stop();
    expect(await m.invoke('membership.record', { account: 'studio/fluxnote-rise', action: 'video' })).toMatchObject({ ok: true, result: { status: 'pending' } });
    const drained = await host({ dir: h.dir, init: false, serve: { port: port2 } });
    // The host started again on the same ledger: the owner's token from the first start still signs in.
    const left = (await drained.call('balance.get', { account: 'fluxnote-rise' }, h.ownerToken)).json().result.pools.find((p: { pool: string }) => p.pool === 'video').remaining as number;
    expect((await drained.call('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: String(left) }, h.ownerToken)).status).toBe(200);
    expect(await m.invoke('membership.sync', { team: 'studio' })).toMatchObject({ ok: true, result: { teams: [{ state: 'synced', pending: 0, rejected: [] }] } });
    expect(m.fake.notifications.map((n) => n.options.title)).toEqual(['Studio: a pool is overdrawn']);
    expect(m.fake.notifications[0]!.options.body).toMatch(/studio\/fluxnote-rise: video was used while this computer was offline, after the pool ran out: 1 credits are owed/);
    // Topped up again (the debt repaid first), and synced, so the next offline entry has an allowance.
    expect((await drained.call('grants.add', { account: 'fluxnote-rise', pool: 'video', amount: 100 }, h.ownerToken)).status).toBe(200);
    expect(await m.invoke('membership.sync', {})).toMatchObject({ ok: true });

    // Offline once more; meanwhile the owner revokes this device: the entry is rejected when it arrives, and a notification says so.
    const port3 = new URL(drained.url).port;
    await drained.stop();
    expect(await m.invoke('membership.record', { account: 'studio/fluxnote-rise', action: 'video' })).toMatchObject({ ok: true, result: { status: 'pending' } });
    const again = await host({ dir: h.dir, init: false, serve: { port: port3 } });
    revokeToken(again.ctx, listTokens(again.ctx, { member: 'mo' })[0]!.id);
    // And one sent earlier whose answer was lost: refused at the door now, it may be on the host, so it is in doubt.
    const kept = new Outbox(join(m.userData, MEMBER_OUTBOX_FILE));
    const doubt = kept.add(joined.ok ? (joined.result as { team: { id: string } }).team.id : '', 'usage.record', { account: 'fluxnote-rise', action: 'video', at: new Date().toISOString() }, Date.now()).id;
    kept.markSent([doubt], Date.now());
    kept.close();
    expect(await m.invoke('membership.sync', { team: 'studio' })).toMatchObject({ ok: true });
    const rejected = (await m.invoke('membership.status')) as { ok: true; result: { teams: { pending: number; rejected: { id: string; reason: string; message: string }[] }[] } };
    expect(rejected.result.teams[0]).toMatchObject({
      pending: 0,
      rejected: [
        { reason: 'unauthorized', inDoubt: false, message: expect.stringContaining('no longer accepts this device') },
        { id: doubt, reason: 'unauthorized', inDoubt: true, message: expect.stringContaining(`may have recorded it before it refused this device: a team admin can check the account's usage history for an event keyed push-${doubt}`) },
      ],
    });
    expect(m.fake.notifications.map((n) => n.options.title)).toEqual(['Studio: a pool is overdrawn', 'Studio rejected an entry', 'Studio refused an entry that may be recorded']);
    expect(m.fake.notifications[1]!.shown).toBe(true);
    expect(m.fake.notifications[1]!.options.body).toContain('studio/fluxnote-rise: video');
    expect(await m.invoke('membership.sync', {})).toMatchObject({ ok: true });
    expect(m.fake.notifications).toHaveLength(3);

    // The app quits and starts again: the rejection is still listed, and not told a second time.
    m.fake.app.emit('will-quit');
    const m2 = await memberApp(m.appData);
    m2.timers.advance(0);
    expect(await m2.invoke('membership.sync', {})).toMatchObject({ ok: true, result: { teams: [{ rejected: [{ reason: 'unauthorized', inDoubt: false }, { id: doubt, inDoubt: true }] }] } });
    // (The start's own check may warn that the team's pool runs out before its reset at this pace: that is not a rejection.)
    expect(m2.fake.notifications.filter((n) => n.options.title !== PACE_TITLE)).toHaveLength(0);
    // Dismissed, each leaves the list.
    expect(await m2.invoke('membership.dismiss', { team: 'studio', entry: rejected.result.teams[0]!.rejected[0]!.id })).toMatchObject({ ok: true, result: { teams: [{ rejected: [{ id: doubt }] }] } });
    expect(await m2.invoke('membership.dismiss', { team: 'studio', entry: doubt })).toMatchObject({ ok: true, result: { teams: [{ rejected: [] }] } });

    // Leaving with an entry never sent: refused until the member agrees to drop it.
    await again.stop();
    expect(await m2.invoke('membership.record', { account: 'studio/fluxnote-rise', action: 'video' })).toMatchObject({ ok: true, result: { status: 'pending' } });
    expect(await m2.invoke('membership.leave', { team: 'studio' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'dropPending', message: expect.stringContaining('1 entry was never sent to Studio') } });
    expect(existsSync(join(dir, 'studio.json'))).toBe(true);
    expect(await m2.invoke('membership.leave', { team: 'studio', dropPending: true })).toMatchObject({ ok: true, result: { left: { name: 'Studio' }, dropped: expect.any(Number) } });
    expect(readdirSync(dir)).toEqual([]);
    expect(await m2.invoke('membership.status')).toEqual({ ok: true, result: { teams: [] } });
    expect(await m2.invoke('membership.accounts')).toEqual({ ok: true, result: [] });
    expect(existsSync(join(m2.userData, MEMBER_OUTBOX_FILE))).toBe(true);
    expect(m2.tooltip()).not.toContain('Studio');
  });

  it('is the desktop window\'s own: refused from any other page and over HTTP; a system without a keyring joins nothing', async () => {
    const m = await memberApp();
    for (const name of ['membership.join', 'membership.status', 'membership.sync', 'membership.leave', 'membership.record', 'membership.accounts', 'membership.dismiss']) {
      expect(await m.fake.invoke(CHANNEL, topFrame('https://evil.example/'), name, {}), name).toEqual(FORBIDDEN);
      const ctx = memoryLedger();
      expect(dispatch(ctx, name, {}), name).toMatchObject({ ok: false, error: { code: 'invalid_input', message: `"${name}" is only available in the Creditdeck desktop app` } });
      ctx.db.close();
    }
    const h = await host();
    const inv = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'mo', name: 'Mo' });
    const noKeyring = await launch({ storageBackend: 'basic_text' });
    const r = (await noKeyring.fake.invoke(CHANNEL, own, 'membership.join', { link: inviteLink(h.url, inv.invite, h.fingerprint) })) as Env;
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('cannot be kept safely here: no keyring') } });
    expect(existsSync(join(noKeyring.appData, 'Creditdeck', MEMBERSHIPS_DIR, 'studio.json'))).toBe(false);
    // The invite was not spent: a computer with a keyring joins with it.
    expect(await m.invoke('membership.join', { link: inviteLink(h.url, inv.invite, h.fingerprint) })).toMatchObject({ ok: true, result: { alias: 'studio', member: 'mo' } });
    // A bad link says what is wrong before anything is sent.
    expect(await m.invoke('membership.join', { link: 'https://studio.local:4317/join' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('no invite code') } });
  });
});
