/**
 * A plan change dated exactly at a reset: the new period belongs wholly to the
 * new plan, and nothing is granted twice.
 */
import { describe, expect, it } from 'vitest';
import { fresh } from './helpers.js';

describe('plan change at the reset instant', () => {
  it('a downgrade at the reset gives the new period the smaller allocation', () => {
    const h = fresh('2026-11-10T12:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'pro', anchor: '2026-11-05' });
    h.at('2026-12-05T00:00:00Z');
    const r = h.op('accounts.plan', { account: a, plan: 'rise', at: '2026-12-05T00:00:00Z' });
    expect(r.granted).toEqual([]);
    const video = h.pool(a, 'video');
    expect([video.allocation, video.monthlyRemaining]).toEqual([21, 21]);
    // November stayed Pro's: 50 videos until the reset.
    expect(h.pool(a, 'video', '2026-12-04T23:59:59Z').allocation).toBe(50);
  });

  it('an upgrade at the reset grants the new allocation once, with no upgrade top-up', () => {
    const h = fresh('2026-11-10T12:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'rise', anchor: '2026-11-05' });
    h.at('2026-12-05T00:00:00Z');
    const r = h.op('accounts.plan', { account: a, plan: 'max', at: '2026-12-05T00:00:00Z' });
    expect(r.granted).toEqual([]);
    const image = h.pool(a, 'image');
    expect([image.allocation, image.monthlyRemaining]).toEqual([5000, 5000]);
  });

  it('from unlimited to a number at the reset: one grant of the new allocation', () => {
    const h = fresh('2026-11-10T12:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'pro', anchor: '2026-11-05' });
    h.op('usage.record', { account: a, action: 'compress', quantity: 300 });
    h.at('2026-12-05T00:00:00Z');
    const r = h.op('accounts.plan', { account: a, plan: 'starter', at: '2026-12-05T00:00:00Z' });
    expect(r.granted).toEqual([]);
    const comp = h.pool(a, 'compression');
    expect([comp.unlimited, comp.allocation, comp.remaining]).toEqual([false, 200, 200]);
  });

  it('a period already booked at the reset instant under the old plan: an upgrade still grants the difference, usage at that instant counts', () => {
    const h = fresh('2026-11-10T12:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'rise', anchor: '2026-11-05' });
    h.at('2026-12-05T00:00:00Z');
    h.op('usage.record', { account: a, action: 'video', quantity: 3 }); // books December under Rise (21)
    expect(h.op('accounts.plan', { account: a, plan: 'pro' }).granted).toEqual([
      { pool: 'video', credits: 29 },
      { pool: 'image', credits: 1100 },
    ]);
    expect(h.pool(a, 'video').remaining).toBe(47);
    const b = h.account({ preset: 'fluximage', plan: 'agency', anchor: '2026-11-05', name: 'agency' });
    h.op('usage.record', { account: b, action: 'compress', quantity: 6 }); // unlimited, at the reset instant
    h.op('accounts.plan', { account: b, plan: 'starter' });
    expect(h.pool(b, 'compression').remaining).toBe(194);
  });

  it('from unlimited to a number mid-period: the new allocation less what the period has used', () => {
    const h = fresh('2026-11-10T12:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'pro', anchor: '2026-11-05' });
    h.op('usage.record', { account: a, action: 'compress', quantity: 300 });
    h.at('2026-11-20T00:00:00Z');
    const r = h.op('accounts.plan', { account: a, plan: 'starter' });
    expect(r.granted).toEqual([]);
    expect(h.pool(a, 'compression').remaining).toBe(0);
    // Fewer used than the allocation: the rest is there at once.
    const b = h.account({ preset: 'fluximage', plan: 'pro', anchor: '2026-11-05', name: 'second' });
    h.op('usage.record', { account: b, action: 'compress', quantity: 30 });
    expect(h.op('accounts.plan', { account: b, plan: 'starter' }).granted).toEqual([{ pool: 'compression', credits: 170 }]);
    expect(h.pool(b, 'compression').remaining).toBe(170);
  });
});
