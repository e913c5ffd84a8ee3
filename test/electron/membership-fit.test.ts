/**
 * The desktop app's plan fit of a joined team's account (membership.fit),
 * through the shell's IPC handler with the fake Electron against a real team
 * host: online it is the host's plans.fit, "now"; with the host stopped it is
 * this run's last answer, marked as remembered with its time, and for an
 * account never asked while online nothing at all — the mirror cannot make one.
 * A credential the host's access table refuses plans.fit is said as that.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMembership } from '../../main/electron/membership.js';
import { membershipStore } from '../../main/electron/membership-store.js';
import type { SafeStorageLike } from '../../main/electron/electron-api.js';
import { issueToken } from '../../main/core/team/tokens.js';
import { FakeTimers } from './fake-timers.js';
import { CHANNEL } from '../../main/electron/channel.js';
import { FORBIDDEN } from '../../main/electron/ipc.js';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { dispatch } from '../../main/web/dispatch.js';
import { inviteLink } from '../../main/web/invite-link.js';
import { memoryLedger } from '../web/helpers.js';
import { fileHosts } from '../team-host/helpers.js';
import { topFrame } from './fake-electron.js';
import { launch, OWN_PAGE, quitAll } from './launch.js';

afterEach(quitAll);
const newHost = fileHosts();

const own = topFrame(`${OWN_PAGE}#/plans`);
type Env = { ok: true; result: any } | { ok: false; error: { code: string; message: string; field?: string } }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("desktop app: a team account's plan fit from the host", () => {
  it('online the host’s fit now; offline the last answer of this run, or none, saying why', async () => {
    const h = await newHost();
    h.clock.set(Date.now());
    expect((await h.call('accounts.add', { preset: 'fluxnote', plan: 'rise' })).status).toBe(200);
    expect((await h.call('accounts.add', { preset: 'lux', plan: 'pro' })).status).toBe(200);
    expect((await h.call('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 12 })).status).toBe(200);
    const inv = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'mo', name: 'Mo' });
    const m = await launch();
    const invoke = (name: string, input: unknown = {}) => m.fake.invoke(CHANNEL, own, name, input) as Promise<Env>;
    expect(await invoke('membership.join', { link: inviteLink(h.url, inv.invite, h.fingerprint), device: 'mo-desktop' })).toMatchObject({ ok: true });

    const hostFit = (await h.call('plans.fit', { account: 'fluxnote-rise' })).json().result as { plans: { plan: string; current: boolean }[] };
    const online = await invoke('membership.fit', { account: 'studio/fluxnote-rise' });
    expect(online).toMatchObject({ ok: true, result: { account: 'studio/fluxnote-rise', source: 'host', message: null, report: hostFit } });
    const asOf = online.ok ? (online.result as { asOf: string }).asOf : '';
    expect(Date.parse(asOf)).toBeGreaterThan(0);
    expect(hostFit.plans.find((p) => p.current)?.plan).toBe('rise');

    // Bad input is refused before the host is asked.
    expect(await invoke('membership.fit', { account: 'fluxnote-rise' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('must be TEAM/ACCOUNT') } });
    expect(await invoke('membership.fit', { account: 'studio/fluxnote-rise', periods: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await invoke('membership.fit', { account: 'elsewhere/fluxnote-rise' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'this app has not joined a team called elsewhere' } });
    // An account the host does not have: the host's own words.
    expect(await invoke('membership.fit', { account: 'studio/nope' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('nope') } });

    await h.stop();
    // The answer of a minute ago, said to be that, with why there is no newer one.
    const remembered = await invoke('membership.fit', { account: 'studio/fluxnote-rise' });
    expect(remembered).toMatchObject({ ok: true, result: { source: 'remembered', asOf, report: hostFit, message: expect.any(String) } });
    // Never asked while online: nothing is made up.
    expect(await invoke('membership.fit', { account: 'studio/lux-pro' })).toMatchObject({ ok: true, result: { account: 'studio/lux-pro', source: 'offline', asOf: null, report: null, message: expect.any(String) } });
    // Another period count is another question: not answered from the remembered one.
    expect(await invoke('membership.fit', { account: 'studio/fluxnote-rise', periods: 2 })).toMatchObject({ ok: true, result: { source: 'offline', report: null } });
  });

  it("a token the host's table refuses plan fit (scoped to record only): 'forbidden' with the host's words, no report", async () => {
    const h = await newHost();
    h.clock.set(Date.now());
    expect((await h.call('accounts.add', { preset: 'fluxnote', plan: 'rise' })).status).toBe(200);
    const inv = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'mo', name: 'Mo' });
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-member-fit-'));
    const keychain: SafeStorageLike = {
      isEncryptionAvailable: () => true,
      encryptString: (x) => Buffer.concat([Buffer.from('KEYCHAIN:'), Buffer.from(Buffer.from(x).map((b) => b ^ 0x5a))]),
      decryptString: (b) => Buffer.from(b.subarray(9).map((x) => x ^ 0x5a)).toString(),
      getSelectedStorageBackend: () => 'gnome_libsecret',
    };
    const store = membershipStore(dir, keychain, 'linux');
    const m = createMembership({ dir, store, timers: new FakeTimers(), now: () => Date.now(), log: () => {}, notify: () => {}, changed: () => {} });
    try {
      await m.join(inviteLink(h.url, inv.invite, h.fingerprint), 'mo-desktop');
      const scoped = issueToken(h.ctx, h.key, { member: 'mo', device: 'mo-script', scopes: ['record'] }, localOwner(h.ctx));
      store.save({ ...store.credentials('studio'), token: scoped.token });
      expect(await m.fit('studio/fluxnote-rise', undefined)).toEqual({ account: 'studio/fluxnote-rise', source: 'forbidden', asOf: null, report: null, message: expect.stringContaining('plans.fit needs scope read') });
    } finally {
      m.close();
    }
  });

  it('is the desktop window’s own: refused from any other page and over HTTP', async () => {
    const m = await launch();
    expect(await m.fake.invoke(CHANNEL, topFrame('https://evil.example/'), 'membership.fit', { account: 'studio/x' })).toEqual(FORBIDDEN);
    const ctx = memoryLedger();
    expect(dispatch(ctx, 'membership.fit', { account: 'studio/x' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: '"membership.fit" is only available in the Creditdeck desktop app' } });
    ctx.db.close();
  });
});
