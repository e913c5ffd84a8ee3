/**
 * Backups, exports and restores reproduce every balance and the full history,
 * and refuse what they cannot trust.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { InputError } from '../../main/core/util/errors.js';
import { SchemaTooNewError } from '../../main/core/db/open.js';
import { restoreBackup, restoreExport, verifyBackup } from '../../main/core/ledger/backup.js';
import { snapshot } from './helpers.js';
import type { Ctx } from '../../main/core/ledger/context.js';

const dir = () => mkdtempSync(join(tmpdir(), 'creditdeck-backup-'));

/** A ledger with a bit of everything: resets, top-ups, voids, holds, refunds, refusals. */
function busyLedger(path: string): { ctx: Ctx; clock: ManualClock } {
  const clock = new ManualClock(Date.parse('2026-10-10T09:00:00Z'));
  const ctx = openLedger(path, { clock, ids: seededIds(3) });
  const lux = call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', anchor: '2026-10-05', tz: 'Europe/Paris' }).id;
  const fn = call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-09-30' }).id;
  call(ctx, 'members.add', { account: lux, member: 'ana', monthlyLimit: 400 });
  const bought = call(ctx, 'grants.add', { account: lux, pool: 'credits', amount: 500, source: 'purchase', priceCents: 1000 });
  for (let i = 0; i < 30; i++) {
    clock.advance(7 * 3_600_000);
    call(ctx, 'usage.record', { account: lux, action: i % 2 ? 'ai:claude-sonnet' : 'sms', quantity: i % 2 ? 3000 : 2, member: i % 3 ? 'ana' : undefined, attrs: { flow: `f${i % 4}` } });
    call(ctx, 'usage.record', { account: fn, action: i % 5 ? 'image' : 'video' });
  }
  const ev = call(ctx, 'usage.record', { account: fn, action: 'video' });
  call(ctx, 'events.void', { event: ev.eventId });
  const hold = call(ctx, 'holds.place', { account: lux, pool: 'credits', amount: 20 });
  call(ctx, 'holds.capture', { hold: hold.holdId, action: 'email', quantity: 5 });
  call(ctx, 'holds.release', { hold: hold.holdId });
  clock.advance(3 * 86_400_000);
  call(ctx, 'grants.refund', { grant: bought.grantId });
  try {
    call(ctx, 'usage.record', { account: fn, action: 'video', quantity: 500 });
  } catch {
    /* refused and recorded */
  }
  return { ctx, clock };
}

function balances(ctx: Ctx): unknown {
  return ['2026-10-12T00:00:00Z', '2026-10-20T00:00:00Z', undefined].map((at) => call(ctx, 'balance.all', { at }));
}

describe('backup, export, restore', () => {
  it('an export restored into a new ledger has the same rows, balances and reports', () => {
    const d = dir();
    const { ctx, clock } = busyLedger(join(d, 'a.sqlite'));
    const out = call(ctx, 'data.export', { path: join(d, 'a.jsonl') });
    expect(out.rows).toBeGreaterThan(100);
    const copy = openLedger(join(d, 'b.sqlite'), { clock, ids: seededIds(9) });
    const r = restoreExport(copy, join(d, 'a.jsonl'));
    expect(r.accounts).toBe(2);
    expect(snapshot(copy)).toBe(snapshot(ctx));
    expect(balances(copy)).toEqual(balances(ctx));
    expect(call(copy, 'reports.usage', { account: 'lux-free', by: ['day', 'attr:flow'] })).toEqual(call(ctx, 'reports.usage', { account: 'lux-free', by: ['day', 'attr:flow'] }));
    // And the restored ledger keeps working.
    expect(call(copy, 'usage.record', { account: 'lux-free', action: 'email' }).status).toBe('applied');
  });

  it('refuses an export into a ledger that is not empty, and a tampered export, restoring nothing', () => {
    const d = dir();
    const { ctx, clock } = busyLedger(join(d, 'a.sqlite'));
    call(ctx, 'data.export', { path: join(d, 'a.jsonl') });
    expect(() => restoreExport(ctx, join(d, 'a.jsonl'))).toThrow(/not empty/);

    const lines = readFileSync(join(d, 'a.jsonl'), 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('{"t":"grant_balances"'));
    const row = JSON.parse(lines[i]!) as { t: string; r: { remaining_mc: number } };
    row.r.remaining_mc += 1000; // one credit from nowhere
    lines[i] = JSON.stringify(row);
    writeFileSync(join(d, 'bad.jsonl'), lines.join('\n'));
    const target = openLedger(join(d, 'c.sqlite'), { clock, ids: seededIds(9) });
    const before = snapshot(target);
    expect(() => restoreExport(target, join(d, 'bad.jsonl'))).toThrow(/does not add up/);
    expect(snapshot(target)).toBe(before);
  });

  it('a backup taken with `data.backup` restores in place of a ledger, keeping the old file', () => {
    const d = dir();
    const { ctx, clock } = busyLedger(join(d, 'live.sqlite'));
    const b = call(ctx, 'data.backup', {});
    expect(b.path.startsWith(join(d, 'backups'))).toBe(true);
    expect(call(ctx, 'data.backups', {}).map((x) => x.path)).toEqual([b.path]);
    const want = snapshot(ctx);
    const wantBalances = balances(ctx);
    // Later work that the restore will roll back.
    call(ctx, 'usage.record', { account: 'fluxnote-rise', action: 'image', quantity: 7 });
    ctx.db.close();

    const r = restoreBackup(b.path, join(d, 'live.sqlite'), clock);
    expect(r.keptAs).not.toBeNull();
    expect(existsSync(r.keptAs!)).toBe(true);
    const back = openLedger(join(d, 'live.sqlite'), { clock, ids: seededIds(9) });
    expect(snapshot(back)).toBe(want);
    expect(balances(back)).toEqual(wantBalances);
    // The kept file still has the later work.
    const kept = openLedger(r.keptAs!, { clock, ids: seededIds(9) });
    expect(call(kept, 'events.list', { account: 'fluxnote-rise', limit: 1 }).events[0]!.quantity).toBe(7);
  });

  it('refuses a ledger from a newer Creditdeck, a damaged or foreign file, and never overwrites on backup', () => {
    const d = dir();
    const clock = new ManualClock(Date.parse('2026-10-10T09:00:00Z'));
    const newer = new Database(join(d, 'newer.sqlite'));
    newer.pragma('user_version = 99');
    newer.exec('CREATE TABLE x (a)');
    newer.close();
    expect(() => verifyBackup(join(d, 'newer.sqlite'), clock)).toThrow(SchemaTooNewError);
    expect(() => openLedger(join(d, 'newer.sqlite'))).toThrow(/newer Creditdeck/);
    writeFileSync(join(d, 'junk.sqlite'), 'not a database at all, just text '.repeat(200));
    expect(() => verifyBackup(join(d, 'junk.sqlite'), clock)).toThrow(InputError);
    const { ctx } = busyLedger(join(d, 'a.sqlite'));
    writeFileSync(join(d, 'taken.sqlite'), 'x');
    expect(() => call(ctx, 'data.backup', { path: join(d, 'taken.sqlite') })).toThrow(/already exists/);
    expect(readFileSync(join(d, 'taken.sqlite'), 'utf8')).toBe('x');
  });
});
