/**
 * A member's command line reading a team account's alerts and its members'
 * names, on a real team host (HTTPS on 127.0.0.1): `alerts TEAM/ACCOUNT`
 * answers from the host while it is up and, once it is stopped, this period's
 * from this device's copy as of the last sync; `events TEAM/ACCOUNT` names
 * each member (Ana, Mo) both ways, text and JSON. Clocks are manual.
 */
import { describe, expect, it } from 'vitest';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { inviteLink } from '../../main/web/invite-link.js';
import { fileHosts } from './helpers.js';
import { memberMachine } from './member-machine.js';

const newHost = fileHosts();

const T = Date.parse('2026-11-20T12:00:00Z');

interface Alerts {
  account: string;
  source: string;
  asOf: string | null;
  alerts: { kind: string; level: number; pool: string; message: string; at: string }[];
}

describe("a member's alerts and members' names, online and offline", () => {
  it('alerts and named history: the host online; the mirror as of the last sync once it is stopped', async () => {
    const h = await newHost();
    expect((await h.call('accounts.add', { preset: 'lux', plan: 'pro' })).status).toBe(200);
    // Alerts at 1 % of the allocation (1,000 of 100,000 credits), so a few sends cross one.
    expect((await h.call('accounts.set', { account: 'lux-pro', thresholds: [1] })).status).toBe(200);
    h.clock.set(T);
    const inv = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'mo', name: 'Mo' });
    const cli = memberMachine(new ManualClock(T));
    expect((await cli(['team', 'join', inviteLink(h.url, inv.invite, h.fingerprint), '--device', 'mo-laptop'])).code).toBe(0);
    expect((await cli(['use', 'studio/lux-pro', 'email', '400'])).code).toBe(0);
    expect((await h.call('usage.record', { account: 'lux-pro', action: 'email', quantity: 700 })).status).toBe(200);

    // Online: the host's alerts, and its history named from this device's copy.
    const on = await cli(['--json', 'alerts', 'studio/lux-pro']);
    expect(on.code, on.err).toBe(0);
    const onA = on.json<Alerts>();
    expect([onA.account, onA.source]).toEqual(['studio/lux-pro', 'host']);
    expect(onA.alerts.map((a) => [a.kind, a.level, a.pool])).toEqual([['threshold', 1, 'credits']]);
    expect((await cli(['team', 'sync'])).code).toBe(0);
    const evOn = (await cli(['--json', 'events', 'studio/lux-pro'])).json<{ source: string; events: { member: string; memberName: string }[] }>();
    expect(evOn.source).toBe('host');
    expect(evOn.events.map((e) => [e.member, e.memberName])).toEqual([
      ['ana', 'Ana'],
      ['mo', 'Mo'],
    ]);

    await h.stop();
    const off = await cli(['--json', 'alerts', 'studio/lux-pro']);
    expect(off.code, off.err).toBe(0);
    const offA = off.json<Alerts>();
    expect([offA.source, offA.asOf]).toEqual(['mirror', new Date(T).toISOString()]);
    expect(offA.alerts).toEqual(onA.alerts.map((a) => expect.objectContaining({ kind: a.kind, level: a.level, pool: a.pool, message: a.message, at: a.at })));
    const text = await cli(['alerts', 'studio/lux-pro']);
    expect(text.out).toMatch(/studio\/lux-pro: offline — the team host is not reachable; the team's numbers as of /);
    expect(text.out).toMatch(/studio\/lux-pro\/credits {2}.*1 % of this period's allocation used/);

    const evOff = await cli(['--json', 'events', 'studio/lux-pro']);
    expect(evOff.json<{ source: string; events: { memberName: string }[] }>().events.map((e) => e.memberName)).toEqual(['Ana', 'Mo']);
    const evText = await cli(['events', 'studio/lux-pro']);
    expect(evText.out).toMatch(/email .* Ana\n/);
    expect(evText.out).not.toMatch(/ ana\n/);

    // An account this device has no copy of says so; a local account's alerts are untouched by all this.
    const nope = await cli(['alerts', 'studio/nope']);
    expect([nope.code, nope.err]).toEqual([2, expect.stringMatching(/the team host is not reachable \(.*\) and this device has no copy of studio\/nope/)]);
  });
});
