/**
 * Voids reach a member's mirror: an event voided on the host after a member
 * pulled it is marked 'voided' at the next pull and leaves the mirror's usage
 * (history keeps it, marked), as the host's own reports do; an event voided
 * before it is pulled arrives marked; a mirror kept before voids were sent
 * catches up on every void at its next pull.
 */
import { describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { callAs } from '../../main/core/team/call-as.js';
import type { PullAnswer } from '../../main/core/sync/mirror.js';
import { mirrorReads } from '../../main/core/sync/team-reads.js';
import { mirrorMember, services } from './mirror-member.js';

function member() {
  const m = mirrorMember();
  const { t, mo, box, ref } = m;
  const email = (quantity: number) => callAs(t.ctx, mo.caller, 'usage.record', { account: 'lux', action: 'email', quantity }).eventId;
  const statuses = () => Object.fromEntries(mirrorReads.events(box, ref, 'lux', { limit: 50 }).events.map((e) => [e.id, e.status]));
  const used = () => mirrorReads.usage(box, ref, 'lux', 'action').total;
  return { ...m, email, statuses, used };
}

describe('voids in the mirror', () => {
  test('voided after the member pulled it: marked at the next pull and left out of usage, as the host reports it', () => {
    const m = member();
    const a = m.email(5);
    const b = m.email(7);
    m.pull();
    expect(m.used()).toMatchObject({ events: 2, credits: 12 });
    call(m.t.ctx, 'events.void', { event: a, reason: 'sent twice' });
    m.pull();
    expect(m.statuses()).toEqual({ [a]: 'voided', [b]: 'applied' });
    expect(m.used()).toMatchObject({ events: 1, credits: 7 });
    const host = call(m.t.ctx, 'reports.usage', { account: 'lux', by: ['action'] }) as { total: { credits: number } };
    expect(host.total.credits).toBe(7);
    // Nothing voided since: the next pull sends no void again.
    const again = callAs(m.t.ctx, m.t.person('vi', 'member').caller, 'team.pull', { after: m.mirror.after('team-1'), voidsAfter: m.mirror.voidsAfter('team-1') }, services);
    expect(again.voids).toEqual([]);
  });

  test('voided before it was pulled: it arrives marked; a void of an event past this pull is sent with the event, not before it', () => {
    const m = member();
    const a = m.email(5);
    call(m.t.ctx, 'events.void', { event: a });
    const b = m.email(3);
    m.pull();
    expect(m.statuses()).toEqual({ [a]: 'voided', [b]: 'applied' });
    expect(m.used()).toMatchObject({ events: 1, credits: 3 });
  });

  test('a mirror kept before voids were sent catches up on every void at its next pull', () => {
    const m = member();
    const a = m.email(5);
    m.email(2);
    m.pull();
    call(m.t.ctx, 'events.void', { event: a });
    // An older client: it asks without voidsAfter, and an older host answers without voids.
    const old = callAs(m.t.ctx, m.t.person('vi', 'member').caller, 'team.pull', { after: m.mirror.after('team-1') }, services);
    const { voids: _v, voidsAfter: _va, ...older } = JSON.parse(JSON.stringify(old)) as PullAnswer;
    m.mirror.apply('team-1', older);
    expect(m.mirror.voidsAfter('team-1')).toBe(0);
    expect(m.statuses()[a]).toBe('applied');
    m.pull();
    expect(m.statuses()[a]).toBe('voided');
    expect(m.used()).toMatchObject({ events: 1, credits: 2 });
  });
});
