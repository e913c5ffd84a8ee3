/**
 * The resets calendar (main/core/calendar/): RFC 5545 text (CRLF, folding at
 * 75 octets without splitting a character, TEXT escaping), a year of resets
 * per account at their exact instants in the account's zone, what arrives,
 * the reminder before credits expire unused, stable UIDs; the CLI's file and
 * the hosts' feed (loopback, and the team host with a scoped read token).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../../main/core/api/handlers.js';
import { foldLine, icsText } from '../../main/core/calendar/ics.js';
import { resetsCalendar } from '../../main/core/calendar/resets.js';
import { run } from '../../main/cli/index.js';
import { startWebHost } from '../../main/web/server.js';
import { fresh } from '../ledger/helpers.js';
import { raw } from '../web/helpers.js';
import { startTeamHost } from '../team-host/helpers.js';

/** The calendar's events as {property: value}, unfolded and unescaped enough to read. */
function events(text: string): Record<string, string>[] {
  const lines = text.replace(/\r\n /g, '').split('\r\n');
  const out: Record<string, string>[] = [];
  let cur: Record<string, string> | null = null;
  let inAlarm = false;
  for (const l of lines) {
    if (l === 'BEGIN:VEVENT') cur = {};
    else if (l === 'END:VEVENT') {
      out.push(cur!);
      cur = null;
    }
    else if (l === 'BEGIN:VALARM') inAlarm = true;
    else if (l === 'END:VALARM') inAlarm = false;
    else if (cur) {
      const i = l.indexOf(':');
      cur[(inAlarm ? 'ALARM-' : '') + l.slice(0, i)] = l.slice(i + 1).replace(/\\n/g, '\n').replace(/\\([,;\\])/g, '$1');
    }
  }
  return out;
}

describe('iCalendar text', () => {
  it('folds at 75 octets without splitting a character, and escapes TEXT', () => {
    const line = `DESCRIPTION:${'é'.repeat(30)}${'x'.repeat(60)}€€€`;
    const folded = foldLine(line);
    for (const l of folded.split('\r\n')) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(icsText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
  });
});

describe('the resets calendar', () => {
  it('a year of resets per account at their instants in its zone, what arrives, and the reminder before credits expire unused', () => {
    const h = fresh('2026-12-04T12:00:00Z');
    call(h.ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
    call(h.ctx, 'accounts.add', { preset: 'lux', plan: 'free', anchor: '2026-11-15', tz: 'America/New_York' });
    call(h.ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video' });
    const cal = resetsCalendar(h.ctx);
    expect(cal.text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(cal.text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const ev = events(cal.text);
    expect(cal.events).toBe(ev.length);
    const rise = ev.filter((e) => e.UID!.startsWith('reset-fluxnote-rise-'));
    // The anniversary on the 31st, clamped to the month's last day.
    expect(rise.map((e) => e.DTSTART)).toEqual(['20261231T000000Z', '20270131T000000Z', '20270228T000000Z', '20270331T000000Z', '20270430T000000Z', '20270531T000000Z', '20270630T000000Z', '20270731T000000Z', '20270831T000000Z', '20270930T000000Z', '20271031T000000Z', '20271130T000000Z']);
    expect(rise[0]).toMatchObject({ SUMMARY: 'FluxNote Rise: credits reset', 'ALARM-TRIGGER': '-P2D' });
    expect(rise[0]!.DESCRIPTION).toMatch(/^21 videos and 1,000 images arrive; what is left of the period before expires\.\nAt this pace about \d+ videos and about 1,000 images will expire unused\.$/);
    expect(rise[1]!['ALARM-TRIGGER']).toBeUndefined();
    const reminder = ev.find((e) => e.UID === 'expiry-fluxnote-rise-2026-12-31T00:00:00.000Z@creditdeck');
    expect(reminder).toMatchObject({ DTSTART: '20261229T000000Z', SUMMARY: 'FluxNote Rise: use them or lose them' });
    // Lux Free in New York: midnight there, in UTC (EST, then EDT from March).
    const lux = ev.filter((e) => e.UID!.startsWith('reset-lux-free-')).map((e) => e.DTSTART);
    expect(lux.slice(0, 5)).toEqual(['20261215T050000Z', '20270115T050000Z', '20270215T050000Z', '20270315T040000Z', '20270415T040000Z']);
    // Sorted by time across accounts; the same calendar a day later keeps every UID.
    expect(ev.map((e) => e.DTSTART)).toEqual([...ev.map((e) => e.DTSTART!)].sort());
    h.clock.advance(86_400_000);
    expect(events(resetsCalendar(h.ctx).text).map((e) => e.UID)).toEqual(ev.map((e) => e.UID));
  });

  it('no reminder when nothing will expire, and unlimited pools are not said to arrive', () => {
    const h = fresh('2026-12-04T12:00:00Z');
    call(h.ctx, 'accounts.add', { preset: 'fluxnote', plan: 'free', anchor: '2026-12-01' });
    // Everything of the period used: nothing left to expire.
    call(h.ctx, 'usage.record', { account: 'fluxnote-free', action: 'video' });
    call(h.ctx, 'usage.record', { account: 'fluxnote-free', action: 'image', quantity: 100 });
    const ev = events(resetsCalendar(h.ctx, 'fluxnote-free').text);
    expect(ev.some((e) => e.UID!.startsWith('expiry-'))).toBe(false);
    call(h.ctx, 'accounts.add', { preset: 'fluximage', plan: 'pro' });
    const fi = events(resetsCalendar(h.ctx, 'fluximage-pro').text)[0]!;
    expect(fi.DESCRIPTION).not.toMatch(/compress/i);
  });
});

describe('the calendar from the command line and the hosts', () => {
  it('creditdeck calendar: CRLF text, -o FILE, --json', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'creditdeck-cal-')), 'l.sqlite');
    const cli = async (args: string[]) => {
      let out = '';
      const code = await run(['--db', db, ...args], { out: (s) => (out += s), err: () => {}, env: {} });
      return { code, out };
    };
    await cli(['account', 'add', '--preset', 'fluxnote', '--plan', 'rise']);
    const printed = await cli(['calendar', 'fluxnote-rise']);
    expect(printed.code).toBe(0);
    expect(printed.out.split('\r\n')[0]).toBe('BEGIN:VCALENDAR');
    expect(printed.out).not.toMatch(/[^\r]\n/);
    const file = join(mkdtempSync(join(tmpdir(), 'creditdeck-cal-')), 'resets.ics');
    expect((await cli(['calendar', '-o', file])).out).toMatch(/^Wrote 1[23] events to /);
    expect(readFileSync(file, 'utf8')).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(JSON.parse((await cli(['--json', 'calendar'])).out)).toMatchObject({ filename: 'creditdeck-resets.ics', text: expect.stringContaining('BEGIN:VEVENT') });
    expect((await cli(['calendar', 'nope'])).code).toBe(2);
  });

  it('GET /calendar.ics: the local web host on loopback; the team host with a scoped read token in the URL', async () => {
    const h = fresh('2026-12-04T12:00:00Z');
    call(h.ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise' });
    const web = await startWebHost({ ctx: h.ctx, staticDir: '/nonexistent', log: () => {} });
    try {
      const r = await raw(web.url, { path: '/calendar.ics?account=fluxnote-rise' });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/calendar; charset=utf-8');
      expect(r.text).toContain('SUMMARY:FluxNote Rise: credits reset');
      expect((await raw(web.url, { path: '/calendar.ics', method: 'POST' })).status).toBe(405);
    } finally {
      await web.close();
    }

    const team = await startTeamHost({ limits: { freeFailures: 1000 } });
    try {
      await team.call('accounts.add', { preset: 'fluxnote', plan: 'rise' });
      await team.call('accounts.add', { preset: 'lux', plan: 'free' });
      expect((await team.req({ path: '/calendar.ics' })).status).toBe(401);
      expect((await team.req({ path: '/calendar.ics?token=cdk_nope' })).status).toBe(401);
      const made = await team.call('team.tokens.create', { device: 'calendar feed', scopes: ['read'], accounts: ['fluxnote-rise'] });
      expect(made.status, made.text).toBe(200);
      const token = made.json().result.token as string;
      const feed = await team.req({ path: `/calendar.ics?account=fluxnote-rise&token=${encodeURIComponent(token)}` });
      expect(feed.status, feed.text).toBe(200);
      expect(feed.text).toContain('UID:reset-fluxnote-rise-');
      // A token limited to one account reads no other.
      expect((await team.req({ path: `/calendar.ics?account=lux-free&token=${encodeURIComponent(token)}` })).status).toBe(403);
      expect((await team.req({ path: `/calendar.ics?token=${encodeURIComponent(token)}` })).status).toBe(403);
      // The token in the URL reaches no log.
      expect(team.log.join('') + team.out.join('')).not.toContain(token);
    } finally {
      await team.stop();
    }
  });
});
