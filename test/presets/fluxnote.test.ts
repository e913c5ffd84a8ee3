/**
 * FluxNote, from "FluxNote Credits Explained" (May 14, 2026): one credit per
 * video or image; Rise has 21 video and 1,000 image credits; editing,
 * captions, voices, templates, uploads, rendering and downloads are free;
 * credits refresh in full on the monthly billing date and do not roll over;
 * out of video credits you cannot generate videos until the plan refreshes or
 * you upgrade, but can still edit, caption and download; no credit packs.
 * The account here subscribed on 31 October, so its billing date is the 31st,
 * which November does not have: it falls on the 30th, then the 31st again.
 */
import { describe, expect, test } from 'vitest';
import { expiries, ledger } from './helpers.js';

const FREE_OPS = ['edit', 'caption', 'voice', 'template', 'upload', 'render', 'download'] as const;

describe('FluxNote Rise anchored on the 31st', () => {
  test('October 31 to January', () => {
    const l = ledger('2026-10-31T09:00:00Z');
    const fn = l.run('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' }).id;
    let v = l.pool(fn, 'video');
    let i = l.pool(fn, 'image');
    expect([v.allocation, v.remaining, i.allocation, i.remaining]).toEqual([21, 21, 1000, 1000]);
    expect([v.periodStart, v.nextReset]).toEqual(['2026-10-31T00:00:00.000Z', '2026-11-30T00:00:00.000Z']);

    // The guide's animated scene: 5 image credits and 1 video credit, from separate pools.
    l.at('2026-11-02T10:00:00Z');
    expect(l.run('usage.record', { account: fn, action: 'image', quantity: 5 }).credits).toBe(5);
    expect(l.run('usage.record', { account: fn, action: 'video' }).credits).toBe(1);
    // Then five platform versions of that video with new captions and voices: all free.
    for (let k = 0; k < 5; k++) {
      for (const op of FREE_OPS) {
        const u = l.run('usage.record', { account: fn, action: op, attrs: { version: String(k) } });
        expect([u.status, u.credits, u.debits]).toEqual(['free', 0, []]);
      }
    }
    v = l.pool(fn, 'video');
    i = l.pool(fn, 'image');
    expect([v.remaining, v.usedThisPeriod, i.remaining, i.usedThisPeriod]).toEqual([20, 1, 995, 5]);

    // Twenty more videos use up the 21.
    for (let k = 0; k < 20; k++) {
      l.at(`2026-11-${String(3 + k).padStart(2, '0')}T10:00:00Z`);
      l.run('usage.record', { account: fn, action: 'video' });
    }
    expect(l.pool(fn, 'video').remaining).toBe(0);
    // The 22nd video is refused…
    l.at('2026-11-25T10:00:00Z');
    const out = l.refuse('usage.record', { account: fn, action: 'video' }, 'insufficient_credits');
    expect(out.message).toMatch(/cannot generate new videos/);
    expect(out.details.nextReset).toBe('2026-11-30T00:00:00.000Z');
    // …while images still work, and editing, captioning and downloading still cost nothing.
    expect(l.run('usage.record', { account: fn, action: 'image' }).credits).toBe(1);
    for (const op of ['edit', 'caption', 'download'] as const) expect(l.run('usage.record', { account: fn, action: op }).status).toBe('free');
    // There are no one-off packs to buy, for either pool.
    for (const pool of ['video', 'image']) {
      const e = l.refuse('grants.add', { account: fn, pool, amount: 10, source: 'purchase' }, 'plan');
      expect(e.message).toMatch(/FluxNote sells no credit packs/);
    }

    // The 31st does not exist in November: the refresh is on 30 November, 00:00.
    v = l.pool(fn, 'video', '2026-11-29T23:59:59.999Z');
    i = l.pool(fn, 'image', '2026-11-29T23:59:59.999Z');
    expect([v.remaining, i.remaining]).toEqual([0, 994]);
    v = l.pool(fn, 'video', '2026-11-30T00:00:00Z');
    i = l.pool(fn, 'image', '2026-11-30T00:00:00Z');
    // In full, and no rollover: 1,000 images, not 1,994.
    expect([v.remaining, i.remaining, v.usedThisPeriod, i.usedThisPeriod]).toEqual([21, 1000, 0, 0]);
    expect([v.periodStart, v.nextReset]).toEqual(['2026-11-30T00:00:00.000Z', '2026-12-31T00:00:00.000Z']);

    l.at('2026-11-30T10:00:00Z');
    expect(l.run('usage.record', { account: fn, action: 'video' }).debits.map((d) => d.source)).toEqual(['monthly']);
    // The 994 unused images expired at the billing date.
    expect(expiries(l.ctx, fn)).toEqual([['monthly', 994, '2026-11-30T00:00:00.000Z']]);

    // December: 20 more videos exhaust Rise again; upgrading to Pro (50) makes the difference available now.
    l.at('2026-12-10T10:00:00Z');
    expect(l.run('usage.record', { account: fn, action: 'video', quantity: 20 }).credits).toBe(20);
    l.refuse('usage.record', { account: fn, action: 'video' }, 'insufficient_credits');
    const up = l.run('accounts.plan', { account: fn, plan: 'pro' });
    expect(up.granted).toEqual([
      { pool: 'video', credits: 29 },
      { pool: 'image', credits: 1100 },
    ]);
    expect(l.run('usage.record', { account: fn, action: 'video' }).credits).toBe(1);
    v = l.pool(fn, 'video');
    expect([v.allocation, v.remaining]).toEqual([50, 28]);

    // 31 December, the next billing date: Pro's 50 and 2,100, nothing carried over.
    v = l.pool(fn, 'video', '2026-12-31T00:00:00Z');
    i = l.pool(fn, 'image', '2026-12-31T00:00:00Z');
    expect([v.remaining, i.remaining]).toEqual([50, 2100]);
    expect([v.periodStart, v.nextReset]).toEqual(['2026-12-31T00:00:00.000Z', '2027-01-31T00:00:00.000Z']);
    l.at('2027-01-05T10:00:00Z');
    l.run('usage.record', { account: fn, action: 'image' });
    // December's leftovers (28 video; 1,000 + 1,100 image, none used) expired at exactly 2026-12-31T00:00:00Z.
    const dec = expiries(l.ctx, fn).filter((e) => e[2] === '2026-12-31T00:00:00.000Z');
    const sum = (pool: string) =>
      l
        .run('grants.list', { account: fn })
        .filter((g) => g.pool === pool && g.expiresAt === '2026-12-31T00:00:00.000Z')
        .reduce((s, g) => s + g.expired, 0);
    expect(dec.reduce((s, e) => s + e[1], 0)).toBe(28 + 2100);
    expect([sum('video'), sum('image')]).toEqual([28, 2100]);
    i = l.pool(fn, 'image');
    expect([i.allocation, i.remaining]).toEqual([2100, 2099]);
  });

  test('a billing date on the 31st falls on the last day of shorter months, including 29 February', () => {
    const l = ledger('2027-12-31T08:00:00Z');
    const fn = l.run('accounts.add', { preset: 'fluxnote', plan: 'free', anchor: '2027-12-31' }).id;
    const resets: string[] = [];
    for (const at of ['2028-01-15T00:00:00Z', '2028-02-15T00:00:00Z', '2028-03-15T00:00:00Z', '2028-04-15T00:00:00Z', '2028-05-15T00:00:00Z']) {
      l.at(at);
      const v = l.pool(fn, 'video');
      resets.push(v.nextReset);
      // Free: 1 video and 100 images each period, in full.
      expect([v.remaining, l.pool(fn, 'image').remaining]).toEqual([1, 100]);
      l.run('usage.record', { account: fn, action: 'video' });
      l.refuse('usage.record', { account: fn, action: 'video' }, 'insufficient_credits');
    }
    expect(resets).toEqual([
      '2028-01-31T00:00:00.000Z',
      '2028-02-29T00:00:00.000Z',
      '2028-03-31T00:00:00.000Z',
      '2028-04-30T00:00:00.000Z',
      '2028-05-31T00:00:00.000Z',
    ]);
  });
});
