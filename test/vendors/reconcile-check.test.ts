/**
 * Reconciliations hold together with the ledger: `check` finds a row whose
 * event is missing or does not carry its difference; voiding the event undoes
 * the reconciliation's credits like any usage; the rows are append-only;
 * an export carries them and restores exactly.
 */
import { expect, test } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportTo, restoreExport } from '../../main/core/ledger/backup.js';
import { saveReading } from '../../main/core/connectors/readings.js';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';

function ledger() {
  const ctx = openLedger(':memory:', { clock: new ManualClock(Date.parse('2026-11-15T12:00:00Z')), ids: seededIds(4) });
  const acct = call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', anchor: '2026-11-03' }).id;
  call(ctx, 'usage.record', { account: acct, action: 'email', quantity: 10 });
  const remaining = () => call(ctx, 'balance.get', { account: acct }).pools[0]!.remaining!;
  return { ctx, acct, remaining };
}

test('a reconciliation is checked against its event; a tampered row is named', () => {
  const { ctx, acct, remaining } = ledger();
  const before = remaining();
  const r = call(ctx, 'reconcile.page', { account: acct, pool: 'credits', remaining: before - 2.5, note: 'page' });
  expect(r.recorded).toBe(2.5);
  expect(remaining()).toBe(before - 2.5);
  expect(checkInvariants(ctx)).toEqual([]);
  const ev = call(ctx, 'events.list', { account: acct }).events.find((e) => e.action === 'email')!;
  ctx.db
    .prepare(`INSERT INTO reconciliations (id, account_id, pool, origin, vendor, figure, vendor_mc, ledger_mc, delta_mc, observed_at, at, auto, event_id, note, recorded_at) VALUES ('rc_bad', ?, 'credits', 'page', 'Lux', 'remaining', 0, 1, 1, 0, 0, 0, ?, NULL, 0)`)
    .run(acct, ev.eventId);
  ctx.db.prepare(`INSERT INTO reconciliations (id, account_id, pool, origin, vendor, figure, vendor_mc, ledger_mc, delta_mc, observed_at, at, auto, event_id, note, recorded_at) VALUES ('rc_gone', ?, 'credits', 'page', 'Lux', 'remaining', 0, 1, 1, 0, 0, 0, 'ev_zz', NULL, 0)`).run(acct);
  const problems = checkInvariants(ctx);
  expect(problems).toContain(`reconciliation rc_gone: its event ev_zz does not exist`);
  expect(problems.some((p) => p.startsWith(`reconciliation rc_bad: event ${ev.eventId} is ${acct}/credits email`))).toBe(true);
});

test('voiding the reconciliation\'s event returns its credits; the row itself cannot be changed or deleted', () => {
  const { ctx, acct, remaining } = ledger();
  const before = remaining();
  const r = call(ctx, 'reconcile.page', { account: acct, pool: 'credits', remaining: before - 4 });
  call(ctx, 'events.void', { event: r.eventId, reason: 'the page was stale' });
  expect(remaining()).toBe(before);
  expect(checkInvariants(ctx)).toEqual([]);
  expect(() => ctx.db.prepare(`UPDATE reconciliations SET delta_mc = 1`).run()).toThrow(/append-only/);
  expect(() => ctx.db.prepare(`DELETE FROM reconciliations`).run()).toThrow(/append-only/);
});

test('readings, reconciliations and the setting travel in an export and restore exactly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-rc-export-'));
  const src = openLedger(join(dir, 'a.sqlite'), { clock: new ManualClock(Date.parse('2026-11-15T12:00:00Z')), ids: seededIds(4) });
  const acct = call(src, 'accounts.add', { preset: 'fluximage', plan: 'starter', anchor: '2026-11-03' }).id;
  call(src, 'usage.record', { account: acct, action: 'alt-text', quantity: 20 });
  saveReading(src, acct, Date.parse('2026-11-15T11:00:00Z'), [{ pool: 'ai', vendorUsedMc: 23_000 }], 'starter');
  call(src, 'reconcile.accept', { account: acct });
  call(src, 'reconcile.auto', { account: acct, auto: true });
  exportTo(src, join(dir, 'x.jsonl'));
  const dst = openLedger(join(dir, 'b.sqlite'), { clock: new ManualClock(Date.parse('2026-11-15T12:00:00Z')), ids: seededIds(5) });
  restoreExport(dst, join(dir, 'x.jsonl'));
  for (const t of ['vendor_readings', 'reconciliations', 'vendor_settings']) expect(dst.db.prepare(`SELECT * FROM ${t}`).all(), t).toEqual(src.db.prepare(`SELECT * FROM ${t}`).all());
  expect(call(dst, 'balance.get', { account: acct })).toEqual(call(src, 'balance.get', { account: acct }));
  expect(checkInvariants(dst)).toEqual([]);
  src.db.close();
  dst.db.close();
});
