/**
 * The desktop app's reads of a joined team's account beyond its balance,
 * through the shell's IPC handler with the fake Electron against a real team
 * host: membership.events, membership.usage and membership.forecast answer
 * from the mirror (never waiting for the host) with this device's pending
 * entries on top while the host is stopped, and a team pool that will run out
 * before its reset is warned of once per period, named TEAM/ACCOUNT.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL } from '../../main/electron/channel.js';
import { FORBIDDEN } from '../../main/electron/ipc.js';
import { PACE_TITLE } from '../../main/electron/notify.js';
import { setAllowance } from '../../main/core/sync/allowance.js';
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

const own = topFrame(`${OWN_PAGE}#/usage`);
type Env = { ok: true; result: any } | { ok: false; error: { code: string; message: string; field?: string } }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("desktop app: a team account's history, usage and forecast from the mirror", () => {
  it('lists the 2 entries recorded with the host stopped first, counts them in usage and the forecast, and warns of the pace once', async () => {
    const h = await newHost();
    // The member's app records at its own (real) time: the host's (manual) clock a minute ahead counts what arrives.
    h.clock.set(Date.now() + 60_000);
    // Its period began three days ago: the member's entries (real time, a minute behind the host) are inside it even just after midnight.
    expect((await h.call('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10) })).status).toBe(200);
    // 12 of the 21 monthly videos used at once: at this pace the pool runs out long before the reset.
    expect((await h.call('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 12 })).status).toBe(200);
    // Five videos a member may record offline, whatever is left.
    setAllowance(h.ctx, 5);
    const inv = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'mo', name: 'Mo' });
    const m = await launch();
    const invoke = (name: string, input: unknown = {}) => m.fake.invoke(CHANNEL, own, name, input) as Promise<Env>;
    expect(await invoke('membership.join', { link: inviteLink(h.url, inv.invite, h.fingerprint), device: 'mo-desktop' })).toMatchObject({ ok: true });
    expect(await invoke('membership.record', { account: 'studio/fluxnote-rise', action: 'video' })).toMatchObject({ ok: true, result: { status: 'applied' } });

    await h.stop();
    for (let i = 0; i < 2; i++) expect(await invoke('membership.record', { account: 'studio/fluxnote-rise', action: 'video' })).toMatchObject({ ok: true, result: { status: 'pending' } });

    const events = await invoke('membership.events', { account: 'studio/fluxnote-rise' });
    expect(events.ok).toBe(true);
    const ev = events.ok ? (events.result as { source: string; asOf: string; pendingEntries: number; events: { member: string; action: string; credits: number; status: string; pending: boolean }[] }) : null;
    expect([ev!.source, ev!.pendingEntries, typeof ev!.asOf]).toEqual(['mirror', 2, 'string']);
    expect(ev!.events.map((e) => [e.member, e.credits, e.pending])).toEqual([
      ['mo', 1, true],
      ['mo', 1, true],
      ['mo', 1, false],
      ['ana', 12, false],
    ]);

    const usage = await invoke('membership.usage', { account: 'studio/fluxnote-rise', by: 'member' });
    expect(usage).toMatchObject({ ok: true, result: { source: 'mirror', by: ['member', 'pool'], total: { events: 4, credits: 15, pendingEvents: 2, pendingCredits: 2 } } });
    expect(await invoke('membership.usage', { account: 'studio/fluxnote-rise', by: 'week' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('use day, action or member') } });
    expect(await invoke('membership.events', { account: 'fluxnote-rise' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('must be TEAM/ACCOUNT') } });
    expect(await invoke('membership.forecast', { account: 'elsewhere/fluxnote-rise' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'this app has not joined a team called elsewhere' } });

    const forecast = await invoke('membership.forecast', { account: 'studio/fluxnote-rise' });
    const video = forecast.ok ? (forecast.result as { pools: { pool: string; used: number; remaining: number; pendingCredits: number; runsOutBeforeReset: boolean }[] }).pools.find((p) => p.pool === 'video') : undefined;
    expect(video).toMatchObject({ used: 15, remaining: 6, pendingCredits: 2, runsOutBeforeReset: true });

    // The pace warning, from the mirror, naming the team's account; once per period.
    const before = m.fake.notifications.length;
    expect(m.app!.notifier!.check()).toBeGreaterThanOrEqual(1);
    const pace = m.fake.notifications.slice(before).filter((n) => n.options.title === PACE_TITLE);
    expect(pace.map((n) => n.options.body)).toEqual([expect.stringMatching(/^At this pace FluxNote Rise \(studio\/fluxnote-rise\) runs out of video credits .* before the reset$/)]);
    expect(pace[0]!.shown).toBe(true);
    expect(m.app!.notifier!.check()).toBe(0);
  });

  it('the new reads are the desktop window’s own: refused from any other page and over HTTP', async () => {
    const m = await launch();
    for (const name of ['membership.events', 'membership.usage', 'membership.forecast']) {
      expect(await m.fake.invoke(CHANNEL, topFrame('https://evil.example/'), name, { account: 'studio/x' }), name).toEqual(FORBIDDEN);
      const ctx = memoryLedger();
      expect(dispatch(ctx, name, { account: 'studio/x' }), name).toMatchObject({ ok: false, error: { code: 'invalid_input', message: `"${name}" is only available in the Creditdeck desktop app` } });
      ctx.db.close();
    }
  });
});
