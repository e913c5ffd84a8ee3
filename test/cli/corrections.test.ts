/** The corrections from the command line (issue 15): opening, rename, archive, plan preview, member rename/cap/remove. */
import { describe, expect, it } from 'vitest';
import { cli } from './harness.js';

describe('creditdeck corrections', () => {
  it('account add --used records the opening entry; account opening refuses a second', async () => {
    const c = cli('2026-11-16T12:00:00Z');
    expect((await c.exec('account', 'add', '--preset', 'fluxnote', '--plan', 'rise', '--anchor', '2026-10-01', '--used', 'video=10')).code).toBe(0);
    const bal = await c.exec('--json', 'balance', 'fluxnote-rise');
    expect(bal.json().pools.find((p: { pool: string }) => p.pool === 'video')).toMatchObject({ usedThisPeriod: 10, available: 11 });
    const again = await c.exec('account', 'opening', 'fluxnote-rise', 'video=3');
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already has an opening entry of 10 for video \(ev_1\)/);
    const img = await c.exec('account', 'opening', 'fluxnote-rise', 'image=120');
    expect(img).toMatchObject({ code: 0, out: 'ev_2: opening 120 image credits used at 2026-11-16T12:00:00.000Z\n' });
  });

  it('account plan --preview changes nothing and says what is granted now and what applies at the reset', async () => {
    const c = cli('2026-11-16T12:00:00Z');
    await c.exec('account', 'add', '--preset', 'fluxnote', '--plan', 'rise', '--anchor', '2026-10-01');
    await c.exec('use', 'fluxnote-rise', 'video', '6');
    const before = c.digest();
    const p = await c.exec('account', 'plan', 'fluxnote-rise', 'pro', '--preview');
    expect(p.code).toBe(0);
    expect(p.out).toBe(
      [
        'fluxnote-rise: Rise → Pro at Nov 16 12:00 UTC (preview: nothing changed)',
        "  the account's name follows: FluxNote Rise → FluxNote Pro",
        '  video: granted 29 video credits now, 44 video credits available after; from the reset Dec 1 00:00 UTC: 50 video credits a period (now 21 video credits)',
        '  image: granted 1,100 image credits now, 2,100 image credits available after; from the reset Dec 1 00:00 UTC: 2,100 image credits a period (now 1,000 image credits)',
        '',
      ].join('\n'),
    );
    expect(c.digest()).toBe(before);
    expect((await c.exec('--json', 'account', 'plan', 'fluxnote-rise', 'pro', '--preview')).json()).toMatchObject({ from: 'rise', to: 'pro' });
  });

  it('rename, archive (hidden, read-only, listed with --all) and unarchive', async () => {
    const c = cli('2026-11-16T12:00:00Z');
    await c.exec('account', 'add', '--preset', 'fluxnote', '--plan', 'rise');
    expect((await c.exec('account', 'rename', 'fluxnote-rise', 'Studio videos')).out).toBe('fluxnote-rise is now named Studio videos\n');
    expect((await c.exec('account', 'archive', 'fluxnote-rise')).out).toBe('Studio videos (fluxnote-rise) archived: hidden, and read-only until unarchived\n');
    expect((await c.exec('--json', 'account', 'list')).json()).toEqual([]);
    expect((await c.exec('account', 'list', '--all')).out).toMatch(/Studio videos \(archived\)/);
    const refused = await c.exec('use', 'fluxnote-rise', 'video');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/Studio videos is archived: .*creditdeck account unarchive fluxnote-rise/);
    expect((await c.exec('check')).code).toBe(0);
    expect((await c.exec('account', 'unarchive', 'fluxnote-rise')).out).toBe('Studio videos (fluxnote-rise) restored\n');
    expect((await c.exec('use', 'fluxnote-rise', 'video')).code).toBe(0);
  });

  it('member rename, cap per pool, remove; list --all shows the removed', async () => {
    const c = cli('2026-11-16T12:00:00Z');
    await c.exec('account', 'add', '--preset', 'fluxnote', '--plan', 'rise');
    await c.exec('member', 'add', 'fluxnote-rise', 'ana', '--monthly-limit', '50');
    expect((await c.exec('member', 'rename', 'fluxnote-rise', 'ana', 'Ana Lima')).out).toBe('ana (Ana Lima): monthly limit 50\n');
    expect((await c.exec('member', 'cap', 'fluxnote-rise', 'ana', 'video', '2')).out).toBe('ana (Ana Lima): monthly limit 50 · caps video 2\n');
    await c.exec('use', 'fluxnote-rise', 'video', '2', '--member', 'ana');
    const capped = await c.exec('use', 'fluxnote-rise', 'video', '--member', 'ana');
    expect(capped.code).toBe(3);
    expect(capped.err).toMatch(/ana's cap on fluxnote-rise\/video is 2 credits per period/);
    expect((await c.exec('member', 'cap', 'fluxnote-rise', 'ana', 'video', 'none')).out).toBe('ana (Ana Lima): monthly limit 50\n');
    expect((await c.exec('member', 'remove', 'fluxnote-rise', 'ana')).out).toMatch(/^ana \(Ana Lima\): monthly limit 50 — removed Nov 16 12:00 UTC\n$/);
    expect((await c.exec('member', 'list', 'fluxnote-rise')).out).toBe('No members.\n');
    expect((await c.exec('member', 'list', 'fluxnote-rise', '--all')).out).toMatch(/ana \(Ana Lima\).*removed/);
    expect((await c.exec('use', 'fluxnote-rise', 'video', '--member', 'ana')).code).toBe(2);
  });
});
