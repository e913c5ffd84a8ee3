/**
 * Members' names and this period's alerts reach a member's mirror: team.pull
 * sends each account's people by id and name (nothing else about them) and
 * its alerts of the current period, so offline history names "Mo", not "mo",
 * and alerts read offline as of the last sync; a mirror row kept before they
 * were sent still loads (ids stay ids, no alerts).
 */
import { describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { callAs } from '../../main/core/team/call-as.js';
import type { PullAnswer } from '../../main/core/sync/mirror.js';
import { mirrorReads } from '../../main/core/sync/team-reads.js';
import { mirrorMember } from './mirror-member.js';

function member() {
  const m = mirrorMember();
  const email = (quantity: number, who = m.mo.caller) => callAs(m.t.ctx, who, 'usage.record', { account: 'lux', action: 'email', quantity });
  return { ...m, email };
}

describe("members and alerts in a member's mirror", () => {
  test("team.pull sends each account's people by id and name only, an account member's own name first", () => {
    const m = member();
    m.t.person('vi', 'viewer', 'Vi Ng');
    call(m.t.ctx, 'members.add', { account: 'lux', member: 'ext', name: 'Freelancer Eve' });
    call(m.t.ctx, 'members.add', { account: 'lux', member: 'mo', name: 'Mo (studio B)' });
    const a = m.answer().accounts;
    const lux = a.find((x) => x.id === 'lux')!;
    expect(lux.members).toEqual([
      { id: 'ext', name: 'Freelancer Eve' },
      { id: 'mo', name: 'Mo (studio B)' },
      { id: 'olga', name: 'Olga' },
      { id: 'vi', name: 'Vi Ng' },
    ]);
    // The other account has no members of its own: the team's people, by their team names.
    expect(a.find((x) => x.id !== 'lux')!.members!.map((p) => p.name)).toEqual(['Mo', 'Olga', 'Vi Ng']);
    for (const p of lux.members!) expect(Object.keys(p).sort()).toEqual(['id', 'name']);
  });

  test("alerts of the current period only, as the host has them at the pull; a new period starts with none", () => {
    const m = member();
    m.email(850); // 85 % of the free plan's 1,000 credits
    const host = call(m.t.ctx, 'alerts.list', { account: 'lux' }) as { kind: string; level: number }[];
    expect(host.length).toBeGreaterThan(0);
    m.pull();
    const off = mirrorReads.alerts(m.box, m.ref, 'lux');
    expect([off.account, off.source, off.asOf]).toEqual(['studio/lux', 'mirror', '2027-03-10T09:00:00.000Z']);
    expect(off.alerts.map((x) => [x.kind, x.level, x.pool])).toEqual(host.map((x) => [x.kind, x.level, 'credits']));
    expect(off.alerts[0]).toMatchObject({ at: '2027-03-10T09:00:00.000Z', periodStart: '2027-03-10T00:00:00.000Z' });
    expect(off.alerts[0]!.message).toMatch(/^Lux: \d+ % of this period's allocation used/);
    const other = m.mirror.accounts('team-1').find((x) => x.id !== 'lux')!.id;
    expect(mirrorReads.alerts(m.box, m.ref, other).alerts).toEqual([]);

    // The account resets on Apr 10: March's alerts are about numbers gone, so the next pull sends none until one is crossed again.
    m.t.clock.set(Date.parse('2027-04-11T09:00:00Z'));
    m.pull();
    expect(mirrorReads.alerts(m.box, m.ref, 'lux').alerts).toEqual([]);
    m.email(600);
    m.pull();
    const april = mirrorReads.alerts(m.box, m.ref, 'lux').alerts;
    expect(april.map((x) => x.level)).toEqual([50]);
    expect(april[0]!.periodStart).toBe('2027-04-10T00:00:00.000Z');
  });

  test("offline history names each member by the mirror's list", () => {
    const m = member();
    m.email(2);
    m.email(3, m.t.owner);
    m.pull();
    const ev = mirrorReads.events(m.box, m.ref, 'lux', { limit: 10 }).events;
    expect(ev.map((e) => [e.member, e.memberName])).toEqual([
      ['olga', 'Olga'],
      ['mo', 'Mo'],
    ]);
  });

  test('a mirror row kept before members and alerts were sent still loads: ids stay ids, no alerts', () => {
    const m = member();
    m.email(850);
    const p = m.answer();
    // An older host: its accounts without the two fields.
    const older: PullAnswer = { ...p, accounts: p.accounts.map(({ members: _m, alerts: _a, ...a }) => a) };
    m.mirror.apply('team-1', older);
    expect(m.mirror.account('team-1', 'lux')!.members).toBeUndefined();
    expect(mirrorReads.events(m.box, m.ref, 'lux', { limit: 10 }).events.map((e) => [e.member, e.memberName])).toEqual([['mo', 'mo']]);
    expect(mirrorReads.alerts(m.box, m.ref, 'lux')).toMatchObject({ source: 'mirror', alerts: [] });
    // The next pull from a host that sends them fills them in.
    m.pull();
    expect(mirrorReads.events(m.box, m.ref, 'lux', { limit: 10 }).events[0]!.memberName).toBe('Mo');
    expect(mirrorReads.alerts(m.box, m.ref, 'lux').alerts.length).toBeGreaterThan(0);
  });
});
