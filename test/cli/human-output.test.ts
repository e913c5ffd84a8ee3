/**
 * The CLI's text for people (issue 15): units never added together, the
 * forecast in the pool's unit with estimates rounded, forfeited grants said
 * so, and no ISO instants or milliseconds outside --json.
 */
import { describe, expect, it } from 'vitest';
import { cli } from './harness.js';

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d|\.\d{3}Z/;

async function rise() {
  const c = cli('2026-11-03T14:00:00Z');
  await c.exec('account', 'add', '--preset', 'fluxnote', '--plan', 'rise', '--anchor', '2026-10-31');
  for (const [action, qty, at] of [
    ['video', '10', '2026-11-02T12:00:00Z'],
    ['image', '1', '2026-11-02T13:00:00Z'],
    ['image', '300', '2026-11-03T09:00:00Z'],
  ] as const) {
    expect((await c.exec('use', 'fluxnote-rise', action, qty, '--at', at)).code).toBe(0);
  }
  return c;
}

describe('usage', () => {
  it('totals videos and images separately, never their sum', async () => {
    const c = await rise();
    const r = await c.exec('usage', 'fluxnote-rise');
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')[0]).toBe('fluxnote-rise · Oct 31 00:00 UTC → Nov 30 00:00 UTC (UTC)');
    expect(r.out).toMatch(/^DAY {9}POOL {3}EVENTS {2}CREDITS/m);
    expect(r.out).toMatch(/^2026-11-02 {2}image {7}1 {8}1 {2}/m);
    // 10 video credits and 301 image credits, never "311 credits".
    expect(r.out.trim().split('\n').at(-1)).toBe('Total: 3 events; 301 image credits, 10 video credits');
    expect(r.out).not.toMatch(/QUANTITY/);
    expect(r.out).not.toMatch(ISO);
  });

  it('one pool asked for: one total, in that pool; grouped by action, quantities in one unit per row', async () => {
    const c = await rise();
    const r = await c.exec('usage', 'fluxnote-rise', '--pool', 'image', '--by', 'action');
    expect(r.out).toMatch(/^ACTION {2}EVENTS {2}QUANTITY {2}CREDITS/m);
    expect(r.out.trim().split('\n').at(-1)).toBe('Total: 2 events, 301 image credits');
  });

  it('--json keeps the grouping asked for and ISO instants', async () => {
    const c = await rise();
    const j = (await c.exec('--json', 'usage', 'fluxnote-rise')).json();
    expect(j.by).toEqual(['day']);
    expect(j.from).toBe('2026-10-31T00:00:00.000Z');
  });
});

describe('forecast', () => {
  it("speaks the pool's unit and rounds estimates to what is worth reading", async () => {
    const c = await rise();
    const r = await c.exec('forecast', 'fluxnote-rise');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(
      [
        // 10 videos in the 86 h since Oct 31: 2.79 a day; the 11 left last 94.6 h; 7.49 past even pace (21 × 86 / 720).
        'video        11 videos left · 2.8 videos a day · runs out Nov 7 12:36 UTC, 22 d 11 h before the reset (short about 63 videos)',
        '             7.5 videos in deficit against even pace · used 10 of 21 videos · resets Nov 30 00:00 UTC (in 26 d 10 h)',
        // 301 images in 86 h: 84 a day, and the 699 left last 199.7 h.
        'image        699 images left · 84 images a day · runs out Nov 11 21:42 UTC, 18 d 2 h before the reset (short about 1,520 images)',
        '             182 images in deficit against even pace · used 301 of 1,000 images · resets Nov 30 00:00 UTC (in 26 d 10 h)',
        '',
      ].join('\n'),
    );
  });

  it('with top-ups, says when the monthly part runs out and how far the top-ups carry it', async () => {
    const c = cli('2026-11-03T14:00:00Z');
    await c.exec('account', 'add', '--preset', 'fluxnote', '--plan', 'rise', '--anchor', '2026-10-31');
    await c.exec('grant', 'fluxnote-rise', 'video', '30', '--source', 'bonus', '--at', '2026-10-31T08:00:00Z');
    await c.exec('use', 'fluxnote-rise', 'video', '5', '--at', '2026-11-02T12:00:00Z');
    const r = await c.exec('forecast', 'fluxnote-rise');
    expect(r.out.split('\n')[0]).toBe('video        46 videos left · 1.4 videos a day · the monthly part runs out Nov 15 01:12 UTC; top-ups carry it to Dec 6 13:12 UTC, past the reset');
  });
});

describe('grants', () => {
  it('shows what expired unused as forfeited, not as left', async () => {
    const c = cli('2026-11-03T14:00:00Z');
    await c.exec('account', 'add', '--preset', 'fluxnote', '--plan', 'rise', '--anchor', '2026-08-31', '--at', '2026-09-01T00:00:00Z');
    await c.exec('use', 'fluxnote-rise', 'video', '3', '--at', '2026-10-02T12:00:00Z');
    const r = await c.exec('grants', 'fluxnote-rise');
    expect(r.code, r.err).toBe(0);
    const row = (pool: string, granted: string) => r.out.split('\n').find((l) => l.includes(` ${pool} `) && l.includes(granted))!.replace(/^gr_\w+ +/, '').replace(/ +/g, ' ');
    expect(row('video', 'Sep 30')).toBe('video monthly 21 3 18 forfeited Sep 30 00:00 UTC Oct 31 00:00 UTC');
    expect(row('image', 'Aug 31')).toBe('image monthly 1,000 0 1,000 forfeited Aug 31 00:00 UTC Sep 30 00:00 UTC');
    expect(r.out).not.toMatch(/ 0 remaining|REMAINING/);
    expect(r.out).not.toMatch(ISO);
  });
});
