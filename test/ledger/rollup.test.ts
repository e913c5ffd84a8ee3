/**
 * Reports read a 15-minute rollup where they can. It must answer exactly what
 * the events answer, in any zone, across DST changes and after voids.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { usageReport } from '../../main/core/ledger/reports.js';
import { refreshAttrRollup } from '../../main/core/ledger/attr-rollup.js';
import { fresh, type Harness } from './helpers.js';

const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Europe/London'];
const BYS = [['day'], ['week'], ['month'], ['day', 'action'], ['action', 'member'], ['status'], ['pool', 'day'], []];

/** Usage with a flow and a project attribute (each may be missing), some voided, in the order typed. */
const attrUses = fc.array(
  fc.record({
    minute: fc.integer({ min: 0, max: 29 * 24 * 60 - 1 }),
    action: fc.constantFrom('email', 'sms', 'ai:claude-haiku'),
    qty: fc.integer({ min: 1, max: 5000 }),
    flow: fc.constantFrom(undefined, 'welcome', 'digest', 'x'),
    project: fc.constantFrom(undefined, 'a', 'b'),
    voidIt: fc.boolean(),
    reportAfter: fc.boolean(),
  }),
  { minLength: 1, maxLength: 30 },
);
type AttrUse = typeof attrUses extends fc.Arbitrary<(infer U)[]> ? U : never;

function recordUse(h: Harness, account: string, start: number, u: AttrUse): void {
  const attrs: Record<string, string> = {};
  if (u.flow !== undefined) attrs.flow = u.flow;
  if (u.project !== undefined) attrs.project = u.project;
  const r = h.op('usage.record', { account, action: u.action, quantity: u.qty, attrs, at: new Date(start + u.minute * 60_000).toISOString() });
  if (u.voidIt && 'eventId' in r) h.op('events.void', { event: r.eventId });
}

describe('usage rollup', () => {
  it('gives the same report as the events, for random usage in random zones', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.array(fc.record({ minute: fc.integer({ min: 0, max: 29 * 24 * 60 - 1 }), action: fc.constantFrom('email', 'sms', 'ai:claude-haiku'), qty: fc.integer({ min: 1, max: 5000 }), member: fc.constantFrom(undefined, 'ana', 'ben'), voidIt: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        (zone, uses) => {
          // Lux, anchored Oct 5 in the zone: the period spans the early-November DST change in the north.
          const h = fresh('2026-10-05T12:00:00Z');
          const a = h.account({ preset: 'lux', plan: 'pro', tz: zone, anchor: '2026-10-05' });
          h.op('members.add', { account: a, member: 'ana' });
          h.op('members.add', { account: a, member: 'ben' });
          const start = Date.parse('2026-10-06T00:00:00Z');
          const sorted = [...uses].sort((x, y) => x.minute - y.minute);
          h.clock.set(start + 29 * 24 * 3_600_000);
          const ids: string[] = [];
          for (const u of sorted) {
            const r = h.op('usage.record', { account: a, action: u.action, quantity: u.qty, member: u.member, at: new Date(start + u.minute * 60_000).toISOString() });
            if (u.voidIt) ids.push(r.eventId);
          }
          for (const id of ids) h.op('events.void', { event: id });
          for (const by of BYS) {
            const fromRollup = usageReport(h.ctx, { account: a, by });
            const fromEvents = usageReport(h.ctx, { account: a, by, fromEvents: true });
            expect(fromRollup).toEqual(fromEvents);
          }
        },
      ),
      { numRuns: 40, seed: 20261122 },
    );
  });

  it('answers breakdowns by attribute from the attribute rollup, caught up between batches of usage and voids', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        attrUses,
        (zone, uses) => {
          const h = fresh('2026-10-05T12:00:00Z');
          const a = h.account({ preset: 'lux', plan: 'pro', tz: zone, anchor: '2026-10-05' });
          const start = Date.parse('2026-10-06T00:00:00Z');
          h.clock.set(start + 29 * 24 * 3_600_000);
          const compare = () => {
            for (const by of [['attr:flow'], ['day', 'attr:flow'], ['attr:project', 'pool'], ['week', 'attr:project']]) {
              expect(usageReport(h.ctx, { account: a, by })).toEqual(usageReport(h.ctx, { account: a, by, fromEvents: true }));
            }
            expect(usageReport(h.ctx, { account: a, by: ['attr:flow'], pool: 'credits' })).toEqual(usageReport(h.ctx, { account: a, by: ['attr:flow'], pool: 'credits', fromEvents: true }));
            h.clean();
          };
          // In the order typed, not in time order: backdated events must land in their own bucket.
          for (const u of uses) {
            recordUse(h, a, start, u);
            if (u.reportAfter) compare();
          }
          compare();
        },
      ),
      { numRuns: 30, seed: 20261123 },
    );
  });

  it('answers a filter on one attribute value from the attribute rollup, exactly as the scan does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        attrUses,
        // '' matches no event (values are never empty), in both.
        fc.constantFrom('welcome', 'digest', 'x', 'other', ''),
        (zone, uses, flow) => {
          const h = fresh('2026-10-05T12:00:00Z');
          const a = h.account({ preset: 'lux', plan: 'pro', tz: zone, anchor: '2026-10-05' });
          const start = Date.parse('2026-10-06T00:00:00Z');
          h.clock.set(start + 29 * 24 * 3_600_000);
          for (const u of uses) recordUse(h, a, start, u);
          const where = { flow };
          const ranges = [{}, { from: start + 3 * 86_400_000, to: start + 10 * 86_400_000 + 45 * 60_000 }];
          for (const range of ranges) {
            for (const by of [[], ['day'], ['week', 'pool'], ['month'], ['attr:flow'], ['day', 'attr:flow']]) {
              const fast = usageReport(h.ctx, { account: a, by, where, ...range });
              expect(fast, JSON.stringify({ by, where, range })).toEqual(usageReport(h.ctx, { account: a, by, where, ...range, fromEvents: true }));
            }
            expect(usageReport(h.ctx, { account: a, by: ['day'], where, pool: 'credits', ...range })).toEqual(usageReport(h.ctx, { account: a, by: ['day'], where, pool: 'credits', ...range, fromEvents: true }));
          }
          // The fast path really read the attribute rollup: a row changed there shows in its answer, not in the scan's.
          expect(refreshAttrRollup(h.ctx)).toBe(true);
          const bumped = h.ctx.db.prepare(`UPDATE attr_rollup SET events = events + 1 WHERE account_id = ? AND name = 'flow' AND value = ?`).run(a, flow).changes;
          expect(bumped > 0).toBe(uses.some((u) => u.flow === flow));
          if (bumped > 0) expect(usageReport(h.ctx, { account: a, where }).total.events).toBe(usageReport(h.ctx, { account: a, where, fromEvents: true }).total.events + bumped);
        },
      ),
      { numRuns: 30, seed: 20261204 },
    );
  });

  it('filters on attributes by scanning where the attribute rollup cannot answer', () => {
    const h = fresh('2026-11-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-11-01' });
    h.op('usage.record', { account: a, action: 'email', at: '2026-11-10T10:07:00Z', attrs: { flow: 'welcome', project: 'p' } });
    h.op('usage.record', { account: a, action: 'sms', at: '2026-11-10T10:08:00Z', attrs: { flow: 'welcome' } });
    h.op('usage.record', { account: a, action: 'email', at: '2026-11-10T10:09:00Z', attrs: { flow: 'digest', project: 'p' } });
    // Poison the attribute rollup: any answer read from it would be off.
    expect(refreshAttrRollup(h.ctx)).toBe(true);
    h.ctx.db.prepare(`UPDATE attr_rollup SET events = events + 100`).run();
    const count = (input: Omit<Parameters<typeof usageReport>[1], 'account'>) => usageReport(h.ctx, { account: a, ...input }).total.events;
    expect(count({ where: { flow: 'welcome' }, action: 'email' })).toBe(1);
    expect(count({ where: { flow: 'welcome', project: 'p' } })).toBe(1);
    expect(count({ where: { flow: 'welcome' }, by: ['attr:project'] })).toBe(2);
    expect(count({ where: { flow: 'welcome' }, by: ['action'] })).toBe(2);
    expect(count({ where: { flow: 'welcome' }, from: Date.parse('2026-11-10T10:07:30Z'), to: Date.parse('2026-11-10T11:00:00Z') })).toBe(1);
    // And the aligned, single-attribute case does read it.
    expect(count({ where: { flow: 'welcome' } })).toBe(102);
  });

  it('falls back to the events for attributes and unaligned ranges', () => {
    const h = fresh('2026-11-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-11-01' });
    h.op('usage.record', { account: a, action: 'email', at: '2026-11-10T10:07:00Z', attrs: { flow: 'welcome' } });
    h.op('usage.record', { account: a, action: 'email', at: '2026-11-10T10:08:00Z', attrs: { flow: 'digest' } });
    const byFlow = usageReport(h.ctx, { account: a, by: ['attr:flow'] });
    expect(byFlow.rows.map((r) => [r.keys['attr:flow'], r.events])).toEqual([
      ['digest', 1],
      ['welcome', 1],
    ]);
    // 10:07:30 is inside a 15-minute bucket: only the event after it counts.
    const late = usageReport(h.ctx, { account: a, from: Date.parse('2026-11-10T10:07:30Z'), to: Date.parse('2026-11-10T11:00:00Z') });
    expect(late.total.events).toBe(1);
  });
});
