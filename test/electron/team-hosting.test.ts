/**
 * Settings → Team in the desktop app: making the ledger a team ledger from the
 * window, then hosting it over HTTPS while the app runs (the same team host
 * as `creditdeck serve --team`), and the window acting as the team's owner.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { freePort } from '../util/free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL } from '../../main/electron/channel.js';
import { FORBIDDEN } from '../../main/electron/ipc.js';
import { HOSTING_FILE, loadHostingSettings, networkAddresses, saveHostingSettings } from '../../main/electron/team-hosting.js';
import { DEFAULT_HOSTING } from '../../main/core/api/hosting.js';
import { dispatch } from '../../main/web/dispatch.js';
import { memoryLedger } from '../web/helpers.js';
import { pinned } from '../team-host/helpers.js';
import { topFrame } from './fake-electron.js';
import { launch, OWN_PAGE, quitAll } from './launch.js';

afterEach(quitAll);

const own = topFrame(`${OWN_PAGE}#/settings`);
type Env = { ok: true; result: any } | { ok: false; error: { code: string; message: string; field?: string } }; // eslint-disable-line @typescript-eslint/no-explicit-any


async function desktop(appData = mkdtempSync(join(tmpdir(), 'creditdeck-app-'))) {
  const l = await launch({ appData });
  const invoke = (name: string, input: unknown = {}) => l.fake.invoke(CHANNEL, own, name, input) as Promise<Env>;
  return { ...l, appData, invoke };
}

const userData = (appData: string) => join(appData, 'Creditdeck');

describe('hosting settings', () => {
  it('lists the IPv4 network addresses and HOSTNAME.local, never loopback or IPv6', () => {
    const ifaces = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '', mac: '', cidr: null }],
      en0: [
        { address: '192.168.1.20', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null },
        { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 1 },
      ],
      en1: [{ address: '10.0.0.5', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null }],
    } as const;
    expect(networkAddresses(ifaces as never, 'Studio-Mac.lan')).toEqual(['192.168.1.20', '10.0.0.5', 'studio-mac.local']);
    // A machine name that cannot be a DNS label is left out.
    expect(networkAddresses({}, 'my_laptop')).toEqual([]);
  });

  it('keeps the settings owner-only and falls back to the defaults for anything damaged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-hosting-'));
    expect(loadHostingSettings(dir)).toEqual(DEFAULT_HOSTING);
    saveHostingSettings(dir, { bind: 'this-computer', port: 5000, address: null, autoStart: true });
    expect(loadHostingSettings(dir)).toEqual({ bind: 'this-computer', port: 5000, address: null, autoStart: true });
    if (process.platform !== 'win32') expect(statSync(join(dir, HOSTING_FILE)).mode & 0o777).toBe(0o600);
    writeFileSync(join(dir, HOSTING_FILE), JSON.stringify({ bind: 'everyone', port: 80, address: 'x y', autoStart: 'yes' }));
    expect(loadHostingSettings(dir)).toEqual(DEFAULT_HOSTING);
    writeFileSync(join(dir, HOSTING_FILE), 'not json');
    expect(loadHostingSettings(dir)).toEqual(DEFAULT_HOSTING);
  });
});

describe('desktop app: Settings → Team', () => {
  it('makes the team from the window, hosts it over HTTPS, and a member joins through the invite link', async () => {
    const { invoke, appData } = await desktop();
    // A ledger of one person: no team, nothing to host.
    expect(await invoke('team.whoami')).toMatchObject({ ok: false });
    expect(await invoke('hosting.start', { bind: 'this-computer', port: await freePort() })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('not a team ledger') } });
    await invoke('accounts.add', { preset: 'fluxnote', plan: 'rise' });

    const init = await invoke('team.init', { name: 'Studio', owner: 'olga', ownerName: 'Olga', device: 'desktop app' });
    expect(init).toMatchObject({ ok: true, result: { team: { name: 'Studio' }, owner: { id: 'olga', role: 'owner' }, token: { token: expect.stringMatching(/^cdk_/) } } });
    expect(await invoke('team.init', { name: 'Again', owner: 'olga' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('already the team ledger') } });
    // The window is the team's owner now, and what it records is the owner's and audited.
    expect(await invoke('team.whoami')).toMatchObject({ ok: true, result: { member: 'olga', name: 'Olga', role: 'owner', via: 'local' } });
    expect(await invoke('usage.record', { account: 'fluxnote-rise', action: 'video' })).toMatchObject({ ok: true, result: { status: 'applied' } });
    // A stranger's call is not the owner's.
    expect(await invoke('team.redeem', { invite: 'x', device: 'y' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'call' } });

    const stopped = (await invoke('hosting.status')) as { ok: true; result: { running: boolean; settings: unknown } };
    expect(stopped.result).toMatchObject({ running: false, url: null, fingerprint: null, settings: DEFAULT_HOSTING });
    // Without hosting an invite has only its code.
    const offline = await invoke('team.invite', { role: 'viewer', name: 'Vic' });
    expect(offline).toMatchObject({ ok: true, result: { invite: expect.any(String) } });
    expect((offline as { result: { link?: string } }).result.link).toBeUndefined();

    const port = await freePort();
    const started = (await invoke('hosting.start', { bind: 'this-computer', port, autoStart: true })) as { ok: true; result: { running: boolean; url: string; fingerprint: string } };
    expect(started).toMatchObject({ ok: true, result: { running: true, url: `https://127.0.0.1:${port}`, fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/), error: null } });
    const { url, fingerprint } = started.result;
    // The certificate's key is kept beside the ledger, owner-only, as `serve --team` keeps it; the settings that worked are remembered.
    if (process.platform !== 'win32') expect(statSync(join(userData(appData), 'creditdeck.sqlite.team-key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(userData(appData), HOSTING_FILE), 'utf8')).toContain('"autoStart":true');

    const invite = (await invoke('team.invite', { role: 'member', name: 'Mo' })) as { ok: true; result: { invite: string; link: string; member: string } };
    expect(invite.result.link).toBe(`${url}/join#invite=${encodeURIComponent(invite.result.invite)}&fp=${encodeURIComponent(fingerprint)}`);
    const json = (body: unknown, token?: string) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const redeemed = await pinned(url, fingerprint, { path: '/api/team.redeem', ...json({ invite: invite.result.invite, device: 'mo-laptop' }) });
    expect(redeemed.status).toBe(200);
    const memberToken = redeemed.json().result.token as string;
    const used = await pinned(url, fingerprint, { path: '/api/usage.record', ...json({ account: 'fluxnote-rise', action: 'image', quantity: 3 }, memberToken) });
    expect(used.status).toBe(200);
    // A member may not host, nor make a team: those calls do not exist over HTTP.
    const host = await pinned(url, fingerprint, { path: '/api/hosting.stop', ...json({}, memberToken) });
    expect(host.status).toBe(400);
    expect(host.json().error.message).toContain('only available in the Creditdeck desktop app');

    // The window sees the member's use, and the audit log names who did what, hosting included.
    const events = (await invoke('events.list', { account: 'fluxnote-rise' })) as { ok: true; result: { events: { member: string | null }[] } };
    expect(events.result.events.map((e) => e.member).sort()).toEqual([invite.result.member, 'olga']);
    const audit = (await invoke('team.audit', {})) as { ok: true; result: { entries: { call: string; member: string }[] } | { call: string; member: string }[] };
    const rows = Array.isArray(audit.result) ? audit.result : audit.result.entries;
    expect(rows.map((r) => `${r.member} ${r.call}`)).toEqual(expect.arrayContaining(['olga usage.record', 'olga hosting.start', `${invite.result.member} usage.record`, 'olga team.invite']));

    // Stopped: nothing listens there any more.
    expect(await invoke('hosting.stop')).toMatchObject({ ok: true, result: { running: false, url: null } });
    await expect(pinned(url, fingerprint, { path: '/' })).rejects.toThrow();
  });

  it('says plainly when the port is taken, and starts again by itself at the next launch when asked to', async () => {
    const first = await desktop();
    await first.invoke('team.init', { name: 'Studio', owner: 'olga' });
    const busy = createServer();
    await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
    const taken = (busy.address() as AddressInfo).port;
    try {
      const refused = await first.invoke('hosting.start', { bind: 'this-computer', port: taken, autoStart: true });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input', message: `port ${taken} is already in use on this computer (another program, or \`creditdeck serve\`); choose another port` } });
      expect(await first.invoke('hosting.status')).toMatchObject({ ok: true, result: { running: false, error: expect.stringContaining('already in use') } });
    } finally {
      await new Promise<void>((ok) => busy.close(() => ok()));
    }
    // Bad settings are refused before anything listens.
    expect(await first.invoke('hosting.start', { port: 80 })).toMatchObject({ ok: false, error: { field: 'port' } });
    expect(await first.invoke('hosting.start', { bind: 'network', address: 'elsewhere.example' })).toMatchObject({ ok: false, error: { field: 'address', message: expect.stringContaining('not an address of this computer') } });

    const port = await freePort();
    expect(await first.invoke('hosting.start', { bind: 'this-computer', port, autoStart: true })).toMatchObject({ ok: true, result: { running: true } });
    // Quitting stops the host with the app.
    first.fake.app.emit('will-quit');
    await expect(pinned(`https://127.0.0.1:${port}`, 'AA', { path: '/' })).rejects.toThrow();

    const again = await desktop(first.appData);
    const s = (await again.invoke('hosting.status')) as { ok: true; result: { running: boolean; url: string; fingerprint: string } };
    expect(s.result).toMatchObject({ running: true, url: `https://127.0.0.1:${port}` });
    // The same certificate as before: members' pins still hold.
    const whoami = await pinned(s.result.url, s.result.fingerprint, { path: '/api/team.whoami', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(whoami.status).toBe(401);
  });

  it('hosting and making a team are the desktop window\'s own: refused from any other page and over HTTP', async () => {
    const { fake } = await desktop();
    for (const name of ['team.init', 'hosting.start', 'hosting.stop', 'hosting.status']) {
      expect(await fake.invoke(CHANNEL, topFrame('https://evil.example/'), name, {}), name).toEqual(FORBIDDEN);
      const ctx = memoryLedger();
      expect(dispatch(ctx, name, {}), name).toMatchObject({ ok: false, error: { code: 'invalid_input', message: `"${name}" is only available in the Creditdeck desktop app` } });
      ctx.db.close();
    }
  });
});
