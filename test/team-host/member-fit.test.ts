/**
 * A member's `creditdeck fit TEAM/ACCOUNT` on a real team host (HTTPS on
 * 127.0.0.1): online it is the host's own plans.fit of the team account,
 * marked as the host's and named TEAM/ACCOUNT; with the host stopped it fails
 * saying plan fit needs the host — nothing is made up from this device's copy.
 * The member's clock and the host's are the same manual instant.
 */
import { describe, expect, it } from 'vitest';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { inviteLink } from '../../main/web/invite-link.js';
import { fileHosts } from './helpers.js';
import { memberMachine } from './member-machine.js';

const newHost = fileHosts();

/** Well into the account's third period (it was added Nov 15): two complete periods to compare. */
const T = Date.parse('2027-01-20T12:00:00Z');

describe("a member's plan fit of a team account", () => {
  it("online: the host's fit, now, as TEAM/ACCOUNT; offline: says it needs the host, nothing shown", async () => {
    const h = await newHost();
    expect((await h.call('accounts.add', { preset: 'fluxnote', plan: 'rise' })).status).toBe(200);
    // 21 videos in December, Rise's whole monthly allocation.
    h.clock.set(Date.parse('2026-12-10T12:00:00Z'));
    expect((await h.call('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 21 })).status).toBe(200);
    h.clock.set(T);
    const inv = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'viewer', member: 'vi', name: 'Vi' });
    const cli = memberMachine(new ManualClock(T));
    expect((await cli(['team', 'join', inviteLink(h.url, inv.invite, h.fingerprint), '--device', 'vi-laptop'])).code).toBe(0);

    const own = (await h.call('plans.fit', { account: 'fluxnote-rise', periods: 2 })).json().result as { account: string; periods: unknown[]; plans: { plan: string; periodsFit: number | null }[] };
    expect(own.periods).toHaveLength(2);
    const online = await cli(['--json', 'fit', 'studio/fluxnote-rise', '--periods', '2']);
    expect(online.code, online.err).toBe(0);
    expect(online.json()).toEqual({ ...own, account: 'studio/fluxnote-rise', source: 'host', asOf: new Date(T).toISOString() });

    const text = await cli(['fit', 'studio/fluxnote-rise']);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^From the team host, now \(2027-01-20T12:00:00\.000Z\): studio\/fluxnote-rise\n/);
    expect(text.out).toMatch(/Rise ←/);

    // The host judges the input: a period count it refuses is said in words, nothing else happens.
    const bad = await cli(['fit', 'studio/fluxnote-rise', '--periods', '30']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/periods/);

    await h.stop();
    const off = await cli(['fit', 'studio/fluxnote-rise']);
    expect(off.code).not.toBe(0);
    expect(off.out).toBe('');
    expect(off.err).toMatch(/plan fit needs the team host, which is not reachable \(.+\): it replays the team's past periods, which this device's copy does not hold/);
    // A local account's fit is unchanged: still the local ledger's own (and this one has none of that name).
    expect((await cli(['fit', 'fluxnote-rise'])).err).toMatch(/fluxnote-rise/);
  });
});
