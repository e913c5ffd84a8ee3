/**
 * A member's command line reading a team account beyond its balance, on a
 * real team host (HTTPS on 127.0.0.1): `events`, `usage` and `forecast
 * TEAM/ACCOUNT` answer from the host while it is up and, once it is stopped,
 * from this device's copy as of the last sync — with the entries recorded
 * offline listed first and counted on top, marked pending. The member's clock
 * and the host's are the same manual instant (no waiting on real time).
 */
import { describe, expect, it } from 'vitest';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { inviteLink } from '../../main/web/invite-link.js';
import { fileHosts } from './helpers.js';
import { memberMachine } from './member-machine.js';

const newHost = fileHosts();

/** Five days into the account's first period (it was added at START, Nov 15 12:00 UTC). */
const T = Date.parse('2026-11-20T12:00:00Z');

interface Ev {
  id: string;
  action: string;
  member: string | null;
  credits: number;
  status: string;
  pending: boolean;
}

describe("a member's offline reads of a team account", () => {
  it('events, usage and forecast: the host online; the mirror as of the last sync with 2 pending entries on top once it is stopped', async () => {
    const h = await newHost();
    expect((await h.call('accounts.add', { preset: 'lux', plan: 'pro' })).status).toBe(200);
    h.clock.set(T);
    expect((await h.call('usage.record', { account: 'lux-pro', action: 'email', quantity: 10 })).status).toBe(200);
    const inv = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'mo', name: 'Mo' });
    const cli = memberMachine(new ManualClock(T));
    expect((await cli(['team', 'join', inviteLink(h.url, inv.invite, h.fingerprint), '--device', 'mo-laptop'])).code).toBe(0);
    expect((await cli(['use', 'studio/lux-pro', 'sms', '3'])).code).toBe(0);

    // Online: the host's numbers.
    const evOnline = await cli(['--json', 'events', 'studio/lux-pro']);
    expect(evOnline.code, evOnline.err).toBe(0);
    const on = evOnline.json<{ source: string; events: Ev[]; pendingEntries: number }>();
    expect(on.source).toBe('host');
    expect(on.events.map((e) => [e.member, e.action, e.credits, e.pending])).toEqual([
      ['mo', 'sms', 6, false],
      ['ana', 'email', 10, false],
    ]);
    const usageOnline = (await cli(['--json', 'usage', 'studio/lux-pro', '--by', 'member'])).json<{ source: string; rows: { keys: Record<string, string>; credits: number }[]; total: { credits: number } }>();
    expect(usageOnline.source).toBe('host');
    expect(usageOnline.rows.map((r) => [r.keys.member, r.keys.pool, r.credits])).toEqual([
      ['ana', 'credits', 10],
      ['mo', 'credits', 6],
    ]);
    const fcOnline = (await cli(['--json', 'forecast', 'studio/lux-pro'])).json<{ source: string; pools: { used: number; remaining: number; burnPerDay: number; pendingCredits: number }[] }>();
    expect(fcOnline.source).toBe('host');
    // 16 credits in the 5.5 days since the period began (Nov 15 00:00 UTC): 2.909 a day, out of 100,000.
    expect(fcOnline.pools[0]).toMatchObject({ used: 16, remaining: 99_984, burnPerDay: 2.909, pendingCredits: 0 });

    // The host stops; two entries wait in the outbox.
    await h.stop();
    for (const q of ['1', '4']) expect((await cli(['--json', 'use', 'studio/lux-pro', 'sms', q])).json()).toMatchObject({ status: 'pending' });

    const evOff = await cli(['--json', 'events', 'studio/lux-pro']);
    expect(evOff.code, evOff.err).toBe(0);
    const off = evOff.json<{ source: string; asOf: string; events: Ev[]; pendingEntries: number }>();
    expect([off.source, off.asOf, off.pendingEntries]).toEqual(['mirror', new Date(T).toISOString(), 2]);
    expect(off.events.map((e) => [e.member, e.action, e.credits, e.status, e.pending])).toEqual([
      ['mo', 'sms', 8, 'pending', true],
      ['mo', 'sms', 2, 'pending', true],
      ['mo', 'sms', 6, expect.any(String), false],
      ['ana', 'email', 10, expect.any(String), false],
    ]);
    expect(off.events[0]!.id).toMatch(/^ob_/);
    expect((await cli(['--json', 'events', 'studio/lux-pro', '--action', 'email', '--limit', '5'])).json<{ events: Ev[] }>().events.map((e) => e.member)).toEqual(['ana']);
    expect((await cli(['--json', 'events', 'studio/lux-pro', '--limit', '3'])).json<{ events: Ev[] }>().events).toHaveLength(3);
    const text = await cli(['events', 'studio/lux-pro']);
    expect(text.out).toMatch(/offline — the team host is not reachable; the team's numbers as of /);
    expect(text.out).toMatch(/pending — not sent yet/);
    expect(text.out).toMatch(/2 entries from this device not sent yet/);

    const usageOff = (await cli(['--json', 'usage', 'studio/lux-pro', '--by', 'member'])).json<{ source: string; rows: { keys: Record<string, string>; events: number; credits: number; pendingEvents: number; pendingCredits: number }[]; total: { credits: number; pendingCredits: number } }>();
    expect(usageOff.source).toBe('mirror');
    expect(usageOff.rows.map((r) => [r.keys.member, r.events, r.credits, r.pendingEvents, r.pendingCredits])).toEqual([
      ['ana', 1, 10, 0, 0],
      ['mo', 3, 16, 2, 10],
    ]);
    expect(usageOff.total).toMatchObject({ credits: 26, pendingCredits: 10 });
    const byDay = await cli(['usage', 'studio/lux-pro']);
    expect(byDay.code, byDay.err).toBe(0);
    expect(byDay.out).toMatch(/2026-11-20 .*26/);
    expect(byDay.out).toMatch(/Of these, 2 pending from this device, not sent yet: about 10 credits/);

    // The forecast from the mirror: the host's numbers as of the sync, the 10 pending credits counted as used.
    const fcOff = (await cli(['--json', 'forecast', 'studio/lux-pro'])).json<{ source: string; pools: { used: number; remaining: number; burnPerDay: number; pendingCredits: number; pace: string }[] }>();
    expect(fcOff.source).toBe('mirror');
    expect(fcOff.pools[0]).toMatchObject({ used: 26, remaining: 99_974, burnPerDay: 4.727, pendingCredits: 10, pace: 'in reserve' });
    expect((await cli(['forecast', 'studio/lux-pro'])).out).toMatch(/Counted as used: this device's entries not sent yet, about 10 credits/);

    // Bad input says what was wrong; an account this device has no copy of says so.
    const week = await cli(['usage', 'studio/lux-pro', '--by', 'week']);
    expect([week.code, week.err]).toEqual([2, expect.stringContaining('use day, action or member')]);
    const nope = await cli(['events', 'studio/nope']);
    expect(nope.code).toBe(2);
    expect(nope.err).toMatch(/the team host is not reachable \(.*\) and this device has no copy of studio\/nope/);
    const at = await cli(['forecast', 'studio/lux-pro', '--at', '2026-11-21']);
    expect([at.code, at.err]).toEqual([2, expect.stringContaining('--at is for local accounts')]);
  });
});
