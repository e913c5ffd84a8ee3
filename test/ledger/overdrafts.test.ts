/**
 * Offline entries that collide, in the ledger itself (docs/team.md): a pushed
 * entry the pool cannot cover is recorded and overdraws the pool (a debt,
 * attributed, alerted), the next grant or reset repays it first, a void
 * cancels it; the same use made online is refused at zero as before. A late
 * entry is booked in its closed period within the grace window, drawing first
 * on what expired at the reset; after it, refused (late_entry). The
 * invariants hold after every step.
 */
import { describe, expect, it } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import type { UseResult } from '../../main/core/ledger/usage.js';
import { RefusedError } from '../../main/core/util/errors.js';
import { useText } from '../../main/cli/format.js';
import { fresh, thrown, type Harness } from './helpers.js';

/** usage.record as team.push runs it: an entry recorded on a member's machine. */
function pushed(h: Harness, input: Record<string, unknown>): UseResult {
  try {
    return call(h.ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video', ...input } as never, { pushed: true }) as UseResult;
  } finally {
    h.clean();
  }
}

const debts = (h: Harness) => h.ctx.db.prepare('SELECT event_id, member, amount_mc FROM overdrafts ORDER BY at').all();

function rise(h: Harness): void {
  h.account({ preset: 'fluxnote', plan: 'rise' });
  h.op('members.add', { account: 'fluxnote-rise', member: 'mo' });
  h.op('members.add', { account: 'fluxnote-rise', member: 'li' });
}

describe('overdrafts', () => {
  it('a pushed entry the pool cannot cover is recorded, overdraws it, is alerted, and the next grant repays it first', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    rise(h);
    h.at('2026-11-16T09:00:00Z');
    h.op('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 20, member: 'mo' });
    // Online, the last credit and no more: refused at zero, as today.
    h.refused('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 2, member: 'li' }, 'insufficient_credits');
    // Pushed from li's machine: a fact. One video is covered, one is the pool's debt.
    const r = pushed(h, { quantity: 2, member: 'li', at: '2026-11-16T08:30:00Z' });
    expect(r).toMatchObject({ status: 'applied', credits: 2, overdrawn: 1, debits: [{ credits: 1 }] });
    expect(r.alerts).toContainEqual(expect.objectContaining({ kind: 'overdrawn', member: 'li', message: expect.stringMatching(/li's video used offline overdrew the video credits by 1/) }));
    expect(debts(h)).toEqual([{ event_id: r.eventId, member: 'li', amount_mc: 1000 }]);
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject({ remaining: 0, available: 0, usedThisPeriod: 22, overdrawn: 1, overdrawnBy: [{ member: 'li', credits: 1 }] });
    // With a debt outstanding, online usage is still refused.
    h.refused('usage.record', { account: 'fluxnote-rise', action: 'video', member: 'mo' }, 'insufficient_credits');

    // A bonus of 5 repays the debt first: 4 left.
    h.op('grants.add', { account: 'fluxnote-rise', pool: 'video', amount: 5, source: 'bonus' });
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject({ remaining: 4, overdrawn: 0, overdrawnBy: [] });
    expect(h.ctx.db.prepare(`SELECT kind, amount_mc FROM overdraft_moves`).all()).toEqual([{ kind: 'repay', amount_mc: 1000 }]);
    // A retry of the same push answers the first result, the overdraft included.
    expect(call(h.ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 2, member: 'li', at: '2026-11-16T08:30:00Z', key: r.key }, { pushed: true })).toMatchObject({
      status: 'duplicate',
      overdrawn: 1,
    });
  });

  it("the reset repays the debt: the new period starts at its allocation less what was owed", () => {
    const h = fresh('2026-11-15T12:00:00Z');
    rise(h);
    h.at('2026-12-10T09:00:00Z');
    h.op('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 21, member: 'mo' });
    const a = pushed(h, { quantity: 2, member: 'li', at: '2026-12-10T08:00:00Z' });
    const b = pushed(h, { quantity: 1, member: 'mo', at: '2026-12-10T08:10:00Z' });
    expect([a.overdrawn, b.overdrawn]).toEqual([2, 1]);
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject({ overdrawn: 3, overdrawnBy: [{ member: 'li', credits: 2 }, { member: 'mo', credits: 1 }] });
    // A read past the reset, before anything books it, already shows the repayment.
    expect(h.pool('fluxnote-rise', 'video', '2026-12-15T01:00:00Z')).toMatchObject({ remaining: 18, overdrawn: 0 });
    h.at('2026-12-15T01:00:00Z');
    h.op('usage.record', { account: 'fluxnote-rise', action: 'image', member: 'mo' });
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject({ allocation: 21, remaining: 18, usedThisPeriod: 0, overdrawn: 0 });
    // And as of before the reset, the debt was there.
    expect(h.pool('fluxnote-rise', 'video', '2026-12-14T12:00:00Z')).toMatchObject({ overdrawn: 3 });
  });

  it('a read projecting several resets repays the debt from each one, oldest first, exactly as booking them does', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    rise(h);
    h.at('2026-11-16T09:00:00Z');
    h.op('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 21, member: 'mo' });
    pushed(h, { quantity: 30, member: 'li', at: '2026-11-16T08:00:00Z' });
    pushed(h, { quantity: 20, member: 'mo', at: '2026-11-16T08:10:00Z' });
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject({ overdrawn: 50, overdrawnBy: [{ member: 'li', credits: 30 }, { member: 'mo', credits: 20 }] });
    // Nothing booked past November: two resets of 21 repay li's 30 (oldest) then 12 of mo's 20.
    const twoResets = { allocation: 21, monthlyRemaining: 0, remaining: 0, overdrawn: 8, overdrawnBy: [{ member: 'mo', credits: 8 }] };
    const threeResets = { allocation: 21, monthlyRemaining: 13, remaining: 13, overdrawn: 0, overdrawnBy: [] };
    expect(h.pool('fluxnote-rise', 'video', '2027-01-15T01:00:00Z')).toMatchObject(twoResets);
    expect(h.pool('fluxnote-rise', 'video', '2027-02-15T01:00:00Z')).toMatchObject(threeResets);
    // Booking those resets gives what the reads said.
    h.at('2027-01-15T01:00:00Z');
    h.op('usage.record', { account: 'fluxnote-rise', action: 'image', member: 'mo' });
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject(twoResets);
    h.at('2027-02-15T01:00:00Z');
    h.op('usage.record', { account: 'fluxnote-rise', action: 'image', member: 'mo' });
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject(threeResets);
  });

  it('a void cancels what an event still owes and returns what was repaid', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    rise(h);
    h.at('2026-11-16T09:00:00Z');
    h.op('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 21 });
    const r = pushed(h, { quantity: 3, member: 'li', at: '2026-11-16T08:00:00Z' });
    h.op('grants.add', { account: 'fluxnote-rise', pool: 'video', amount: 1, source: 'bonus' });
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject({ remaining: 0, overdrawn: 2 });
    h.op('events.void', { event: r.eventId });
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject({ remaining: 1, overdrawn: 0 });
    expect(h.ctx.db.prepare(`SELECT kind, amount_mc FROM overdraft_moves ORDER BY id`).all()).toEqual([
      { kind: 'repay', amount_mc: 1000 },
      { kind: 'void', amount_mc: 2000 },
    ]);
  });

  it('the check finds a debt whose summary was tampered with', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    rise(h);
    h.at('2026-11-16T09:00:00Z');
    h.op('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 21 });
    const r = pushed(h, { quantity: 2, member: 'li', at: '2026-11-16T08:00:00Z' });
    h.ctx.db.prepare('UPDATE overdraft_balances SET outstanding_mc = 500 WHERE event_id = ?').run(r.eventId);
    expect(checkInvariants(h.ctx)).toEqual([`overdraft ${r.eventId}: summary outstanding 500 ≠ recomputed 2000`]);
    expect(thrown(() => h.ctx.db.prepare('DELETE FROM overdrafts').run())).toMatchObject({ message: expect.stringMatching(/append-only/) });
  });
});

describe('late entries', () => {
  // Rise resets on the 15th, 00:00 UTC; 15 of November's 21 videos are used, so 6 expire at the reset.
  function lateSetup(): Harness {
    const h = fresh('2026-11-15T12:00:00Z');
    rise(h);
    h.at('2026-12-14T20:00:00Z');
    h.op('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 15, member: 'mo' });
    h.at('2026-12-16T09:00:00Z');
    h.op('usage.record', { account: 'fluxnote-rise', action: 'video', member: 'mo' });
    return h;
  }

  it('within the grace window: booked in its own period, first out of what expired at the reset', () => {
    const h = lateSetup();
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject({ remaining: 20, usedThisPeriod: 1 });
    const a = pushed(h, { quantity: 4, member: 'li', at: '2026-12-14T22:00:00Z' });
    expect(a).toMatchObject({ status: 'applied', credits: 4, late: { reset: '2026-12-15T00:00:00.000Z', fromExpired: 4 }, debits: [] });
    // Today's balance does not move: the expired credits covered it. November's usage does.
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject({ remaining: 20, usedThisPeriod: 1 });
    expect(h.pool('fluxnote-rise', 'video', '2026-12-14T23:00:00Z')).toMatchObject({ usedThisPeriod: 19 });
    // The next late one finds 2 expired credits left: the other 2 come off this period.
    const b = pushed(h, { quantity: 4, member: 'li', at: '2026-12-14T23:00:00Z' });
    expect(b).toMatchObject({ late: { fromExpired: 2 }, debits: [{ credits: 2 }] });
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject({ remaining: 18 });
    // Made online, the same late use is refused as before: only entries from a member's machine are taken late.
    const online = h.invalid('usage.record', { account: 'fluxnote-rise', action: 'video', member: 'li', at: '2026-12-14T23:30:00Z' });
    expect(online.message).toMatch(/closed period/);
    // The check: a late draw past what its grant expired, or naming an event of another pool, is found.
    const [draw] = h.ctx.db.prepare('SELECT grant_id FROM late_draws').all() as { grant_id: string }[];
    const image = (h.op('usage.record', { account: 'fluxnote-rise', action: 'image', member: 'li' }) as UseResult).eventId;
    h.ctx.db.prepare('INSERT INTO late_draws (event_id, grant_id, amount_mc, at) VALUES (?, ?, 1000, 0)').run(image, draw!.grant_id);
    expect(checkInvariants(h.ctx)).toEqual([
      `event ${image}: debits 1000 (and 1000 overdrawn or drawn late) ≠ cost 1000`,
      expect.stringMatching(/^late draw \d+: event .* is not an earlier event of its grant's pool$/),
      `grant ${draw!.grant_id}: late entries drew 7000, more than the 6000 that expired`,
    ]);
  });

  it('after the grace window: refused with late_entry, nothing booked; a longer window per account takes it', () => {
    const h = lateSetup();
    h.at('2026-12-18T00:00:01Z');
    const e = thrown(() => pushed(h, { member: 'li', at: '2026-12-14T22:00:00Z' }));
    expect(e).toBeInstanceOf(RefusedError);
    expect(e).toMatchObject({ reason: 'late_entry', message: expect.stringMatching(/grace window.*72 hours.*until 2026-12-18T00:00:00.000Z/) });
    expect(h.ctx.db.prepare('SELECT COUNT(*) AS n FROM late_draws').get()).toEqual({ n: 0 });
    expect(h.op('accounts.set', { account: 'fluxnote-rise', graceHours: 96 })).toMatchObject({ graceHours: 96 });
    expect(pushed(h, { member: 'li', at: '2026-12-14T22:00:00Z' })).toMatchObject({ late: { fromExpired: 1 } });
    h.invalid('accounts.set', { account: 'fluxnote-rise', graceHours: -1 });
  });

  it('a late entry the expired and current credits cannot cover overdraws the pool', () => {
    const h = lateSetup();
    h.op('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 20, member: 'mo' });
    const r = pushed(h, { quantity: 8, member: 'li', at: '2026-12-14T22:00:00Z' });
    expect(r).toMatchObject({ late: { fromExpired: 6 }, overdrawn: 2 });
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject({ remaining: 0, overdrawn: 2 });
    // The command line says both.
    expect(useText(r as never)).toMatch(/late: booked in the period that reset at 2026-12-15T00:00:00.000Z, 6 of it out of credits that expired then\n {2}overdrawn: the pool could not cover 2 video credits; the next grant or reset repays it first/);
  });
});

describe("the host's clock decides time for a member's entries", () => {
  /** usage.record as team.push runs every entry: stamped by the member's clock; `offline`: it waited in the outbox. */
  function fromMember(h: Harness, input: Record<string, unknown>, offline = false): UseResult {
    try {
      return call(h.ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video', ...input } as never, { memberClock: true, pushed: offline }) as UseResult;
    } finally {
      h.clean();
    }
  }

  it('an entry stamped after the host\'s now (a member\'s clock running fast) is booked at the host\'s now: no reset is booked early', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    rise(h);
    // The host is 2 minutes before December's reset; li's clock runs 4 minutes fast.
    h.at('2026-12-14T23:58:00Z');
    const r = fromMember(h, { quantity: 2, member: 'li', at: '2026-12-15T00:02:00Z' });
    expect(r).toMatchObject({ status: 'applied', at: '2026-12-14T23:58:00.000Z', credits: 2 });
    expect(h.ctx.db.prepare('SELECT at FROM events WHERE id = ?').get(r.eventId)).toEqual({ at: Date.parse('2026-12-14T23:58:00Z') });
    // November is still open on the host: its own writes at its own now are taken.
    expect(h.op('usage.record', { account: 'fluxnote-rise', action: 'video', member: 'mo' })).toMatchObject({ status: 'applied', at: '2026-12-14T23:58:00.000Z' });
    expect(h.op('grants.add', { account: 'fluxnote-rise', pool: 'video', amount: 5, source: 'bonus' })).toBeTruthy();
    expect(h.pool('fluxnote-rise', 'video')).toMatchObject({ periodStart: '2026-11-15T00:00:00.000Z', usedThisPeriod: 3 });
    // The same entry sent again (its answer lost) is the same entry, though it was booked under another time.
    expect(fromMember(h, { quantity: 2, member: 'li', at: '2026-12-15T00:02:00Z', key: r.key })).toMatchObject({ status: 'duplicate', eventId: r.eventId });
    // More than 5 minutes ahead is still bad input, nothing written.
    expect((thrown(() => fromMember(h, { member: 'li', at: '2026-12-15T00:03:01Z' })) as Error).message).toMatch(/in the future/);
  });

  it('lateness is judged against the host\'s clock, not against whether anything was written since', () => {
    // Nothing is written to the account after November's 15 videos: December's reset is not booked when li's entries arrive.
    const setup = (now: string): Harness => {
      const h = fresh('2026-11-15T12:00:00Z');
      rise(h);
      h.at('2026-12-14T20:00:00Z');
      h.op('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 15, member: 'mo' });
      h.at(now);
      return h;
    };
    // Five days after the reset, past the 72-hour window: refused, though the old period was never closed by a write.
    const past = setup('2026-12-20T00:00:00Z');
    const e = thrown(() => fromMember(past, { quantity: 4, member: 'li', at: '2026-12-14T22:00:00Z' }, true));
    expect(e).toMatchObject({ reason: 'late_entry', message: expect.stringMatching(/reset at 2026-12-15T00:00:00.000Z/) });
    expect(past.pool('fluxnote-rise', 'video', '2026-12-14T23:00:00Z')).toMatchObject({ usedThisPeriod: 15 });
    // Within the window: late, out of what expired at the reset (6), not an ordinary entry of November.
    const inside = setup('2026-12-16T09:00:00Z');
    expect(fromMember(inside, { quantity: 4, member: 'li', at: '2026-12-14T22:00:00Z' }, true)).toMatchObject({ late: { reset: '2026-12-15T00:00:00.000Z', fromExpired: 4 }, debits: [] });
    expect(inside.pool('fluxnote-rise', 'video')).toMatchObject({ periodStart: '2026-12-15T00:00:00.000Z', remaining: 21 });
    // A live entry (it did not wait in an outbox) stamped before the reset the host has passed is in a closed period.
    expect((thrown(() => fromMember(inside, { member: 'li', at: '2026-12-14T23:00:00Z' })) as Error).message).toMatch(/closed period/);
  });
});
