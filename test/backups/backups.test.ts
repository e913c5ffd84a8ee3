/**
 * Backups under stress: an online backup taken while another process keeps
 * writing opens, passes SQLite's integrity check and every invariant, and
 * holds exactly the balances the source had as of the backup's last event;
 * restoring it reproduces them. A JSON export and import reproduces every
 * balance and the full history. A ledger written by the first schema is
 * migrated forward with its data and balances intact; a newer one is refused
 * with a clear message, by the API and the command line, and left untouched.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import { SCHEMA_VERSION, SchemaTooNewError, openDb } from '../../main/core/db/open.js';
import { exportRestorable, migrations } from '../../main/core/db/migrations.js';
import { backupTo, exportTo, restoreBackup, restoreExport, verifyBackup } from '../../main/core/ledger/backup.js';
import { Ctx } from '../../main/core/ledger/context.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { digest } from '../hostile/ledger.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = () => mkdtempSync(join(tmpdir(), 'creditdeck-backups-'));
const rows = (ctx: Ctx, table: string, order: string) => ctx.db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all();
const balancesAt = (ctx: Ctx, at: string) => ['lux', 'fluxnote'].map((account) => call(ctx, 'balance.get', { account, at }));
const HISTORY: [string, string][] = [
  ['events', 'seq'],
  ['entries', 'id'],
  ['grants', 'rowid'],
  ['voids', 'rowid'],
  ['holds', 'rowid'],
  ['hold_moves', 'id'],
  ['refunds', 'rowid'],
  ['plan_changes', 'id'],
  ['refusals', 'id'],
];

describe('online backup while another process writes', () => {
  test('each backup is consistent, equals the source as of its last event, and restores exactly', async () => {
    const d = dir();
    const path = join(d, 'live.sqlite');
    const start = Date.now() - 3 * 86_400_000;
    const clock = new ManualClock(start);
    const ctx = openLedger(path, { clock, ids: seededIds(5) });
    call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', name: 'Lux', tz: 'America/New_York' });
    call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'max', name: 'FluxNote' });
    call(ctx, 'grants.add', { account: 'lux', pool: 'credits', amount: 3000, source: 'purchase', priceCents: 900 });

    // The writer runs in its own process; a backup is taken each time it reports progress.
    const writes = 1200;
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'writer.ts'), path, String(writes), String(start)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const backups: string[] = [];
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    await new Promise<void>((ok, fail) => {
      let buf = '';
      child.stdout.on('data', (c: Buffer) => {
        buf += c.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const line of lines) if (/^\d+$/.test(line) && Number(line) % 150 === 0) backups.push(backupTo(ctx, join(d, `b${backups.length}.sqlite`)).path);
      });
      child.on('error', fail);
      child.on('close', (code) => (code === 0 ? ok() : fail(new Error(`writer exited ${code}: ${stderr}`))));
    });
    expect(backups.length).toBeGreaterThanOrEqual(4);

    const total = (ctx.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    expect(checkInvariants(ctx)).toEqual([]);
    const counts: number[] = [];
    for (const b of backups) {
      const info = verifyBackup(b, clock); // schema, integrity_check and every invariant
      counts.push(info.events);
      const copy = new Ctx(new Database(b, { readonly: true }), clock, seededIds(1));
      expect(copy.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(checkInvariants(copy)).toEqual([]);
      // The backup is a prefix of the history…
      const last = copy.db.prepare('SELECT MAX(at) AS at FROM events').get() as { at: number };
      for (const [table, order] of HISTORY.filter(([t]) => t === 'events' || t === 'voids')) {
        const mine = rows(copy, table, order);
        expect(rows(ctx, table, order).slice(0, mine.length)).toEqual(mine);
      }
      // …and its balances are the source's as of its last event.
      const at = new Date(last.at).toISOString();
      expect(balancesAt(copy, at)).toEqual(balancesAt(ctx, at));
      // Restoring it in place of a ledger gives back exactly those balances.
      const target = join(d, `restored-${counts.length}.sqlite`);
      restoreBackup(b, target, clock);
      const restored = openLedger(target, { clock, ids: seededIds(2) });
      expect(balancesAt(restored, at)).toEqual(balancesAt(copy, at));
      expect(rows(restored, 'entries', 'id')).toEqual(rows(copy, 'entries', 'id'));
      restored.db.close();
      copy.db.close();
    }
    // The writes really went on while the backups were taken.
    expect(counts.some((n) => n > 0 && n < total)).toBe(true);
    expect(new Set(counts).size).toBeGreaterThan(1);
    ctx.db.close();
  }, 180_000);
});

describe('JSON export and import', () => {
  test('reproduce every balance, now and in the past, and the full history', () => {
    const d = dir();
    const clock = new ManualClock(Date.parse('2027-12-20T10:00:00Z'));
    const src = openLedger(join(d, 'src.sqlite'), { clock, ids: seededIds(8) });
    call(src, 'accounts.add', { preset: 'lux', plan: 'free', name: 'Lux', tz: 'America/New_York', anchor: '2027-10-31' });
    call(src, 'accounts.add', { preset: 'fluxnote', plan: 'rise', name: 'FluxNote', anchor: '2027-11-30' });
    const bought = call(src, 'grants.add', { account: 'lux', pool: 'credits', amount: 200, source: 'purchase', priceCents: 2000 });
    const times: string[] = [];
    for (let i = 0; i < 120; i++) {
      clock.advance(13 * 3_600_000);
      const e = call(src, 'usage.record', { account: i % 2 ? 'lux' : 'fluxnote', action: i % 2 ? 'ai:claude-sonnet' : 'image', quantity: i % 2 ? 1500 + i : 1, attrs: { flow: `f${i % 3}` } });
      if (i % 17 === 0) call(src, 'events.void', { event: e.eventId });
      if (i % 29 === 0) call(src, 'holds.release', { hold: call(src, 'holds.place', { account: 'lux', pool: 'credits', amount: 3 }).holdId });
      if (i === 30) call(src, 'accounts.plan', { account: 'fluxnote', plan: 'pro' });
      if (i === 20) call(src, 'grants.refund', { grant: bought.grantId });
      if (i % 10 === 0) times.push(new Date(clock.now()).toISOString());
    }
    expect(call(src, 'grants.list', { account: 'lux' }).find((g) => g.grantId === bought.grantId)!.refunded).toBeGreaterThan(0);
    expect(checkInvariants(src)).toEqual([]);

    exportTo(src, join(d, 'src.jsonl'));
    const dst = openLedger(join(d, 'dst.sqlite'), { clock, ids: seededIds(9) });
    restoreExport(dst, join(d, 'src.jsonl'));
    for (const [table, order] of HISTORY) expect(rows(dst, table, order), table).toEqual(rows(src, table, order));
    for (const at of [...times, new Date(clock.now()).toISOString()]) expect(balancesAt(dst, at), at).toEqual(balancesAt(src, at));
    expect(call(dst, 'balance.all', {})).toEqual(call(src, 'balance.all', {}));
    expect(call(dst, 'reports.usage', { account: 'lux', by: ['month', 'attr:flow'], from: '2027-10-31', to: new Date(clock.now()).toISOString() })).toEqual(
      call(src, 'reports.usage', { account: 'lux', by: ['month', 'attr:flow'], from: '2027-10-31', to: new Date(clock.now()).toISOString() }),
    );
    expect(checkInvariants(dst)).toEqual([]);
    src.db.close();
    dst.db.close();
  });
});

describe('schema versions', () => {
  /**
   * A file with only the first migration (user_version 1) holding a lived-in
   * ledger. Today's code writes only today's schema, so the history is written
   * into a current ledger (returned, for comparison) and copied column by
   * column into a file that has just the first schema's tables and columns.
   */
  function firstSchemaLedger(path: string, clock: ManualClock): Ctx {
    const src = openLedger(`${path}.today.sqlite`, { clock, ids: seededIds(4) });
    call(src, 'accounts.add', { preset: 'lux', plan: 'free', name: 'Lux', tz: 'Europe/Berlin', anchor: '2028-01-31' });
    call(src, 'accounts.add', { preset: 'fluxnote', plan: 'rise', name: 'FluxNote' });
    call(src, 'grants.add', { account: 'lux', pool: 'credits', amount: 40, source: 'purchase', priceCents: 400 });
    for (let i = 0; i < 40; i++) {
      clock.advance(20 * 3_600_000);
      call(src, 'usage.record', { account: i % 2 ? 'lux' : 'fluxnote', action: i % 2 ? 'sms' : 'video', key: `v1-${i}` });
    }
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec(migrations[0]!.sql);
    db.prepare('ATTACH DATABASE ? AS today').run(`${path}.today.sqlite`);
    const tables = (db.prepare(`SELECT name FROM main.sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name);
    for (const t of tables) {
      const cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(t) as { name: string }[]).map((c) => `"${c.name}"`).join(', ');
      db.exec(`INSERT OR REPLACE INTO main."${t}" (${cols}) SELECT ${cols} FROM today."${t}"`);
    }
    db.exec('DETACH DATABASE today');
    db.pragma('user_version = 1');
    db.close();
    return src;
  }

  test('a ledger written at schema 1 is migrated forward on open, its data and balances unchanged', () => {
    const d = dir();
    const clock = new ManualClock(Date.parse('2028-02-10T08:00:00Z'));
    const today = firstSchemaLedger(join(d, 'v1.sqlite'), clock);
    const wantRows = HISTORY.map(([t, o]) => rows(today, t, o));
    const wantBalances = call(today, 'balance.all', {});
    today.db.close();
    expect(new Database(join(d, 'v1.sqlite'), { readonly: true }).pragma('user_version', { simple: true })).toBe(1);

    // With one migration only this would be a no-op; today there are more, so opening really migrates.
    expect(SCHEMA_VERSION).toBe(migrations.length);
    const ctx = openLedger(join(d, 'v1.sqlite'), { clock, ids: seededIds(6) });
    expect(ctx.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = (ctx.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name);
    for (const m of migrations.slice(1)) for (const [, t] of m.sql.matchAll(/CREATE TABLE (\w+)/g)) expect(tables, `${m.id} created ${t!}`).toContain(t);
    expect(HISTORY.map(([t, o]) => rows(ctx, t, o))).toEqual(wantRows);
    expect(call(ctx, 'balance.all', {})).toEqual(wantBalances);
    expect(call(ctx, 'check', {})).toMatchObject({ ok: true });
    // Columns added since were filled from the preset's own rules (whole units), or took their defaults.
    expect(call(ctx, 'actions.list', { account: 'fluxnote' }).find((a) => a.id === 'video')!.wholeUnits).toBe(true);
    expect(call(ctx, 'actions.list', { account: 'lux' }).find((a) => a.id === 'ai:claude-haiku')!.wholeUnits).toBe(false);
    // And it keeps working, retries included.
    expect(call(ctx, 'usage.record', { account: 'lux', action: 'sms', key: 'v1-39' }).status).toBe('duplicate');
    expect(call(ctx, 'usage.record', { account: 'lux', action: 'sms' }).status).toBe('applied');
    ctx.db.close();
  });

  test('an export from before migrations that leave rows loadable restores (then their backfills run); one from before a change of rows is refused, nothing written', () => {
    // The oldest version whose export still loads: every later migration changes indexes only, or adds columns with a backfill.
    const oldest = migrations.findLastIndex((m) => m.rowsUnchanged !== true && m.backfill === undefined) + 1;
    expect(oldest).toBeGreaterThan(1);
    expect(oldest).toBeLessThan(SCHEMA_VERSION);
    expect(exportRestorable(SCHEMA_VERSION)).toBe(true);
    expect(exportRestorable(oldest)).toBe(true);
    expect(exportRestorable(oldest - 1)).toBe(false);
    expect(exportRestorable(1)).toBe(false);
    for (const v of [0, SCHEMA_VERSION + 1, 1.5, Number.NaN]) expect(exportRestorable(v), String(v)).toBe(false);

    const d = dir();
    const clock = new ManualClock(Date.parse('2028-02-10T08:00:00Z'));
    const src = openLedger(join(d, 'src.sqlite'), { clock, ids: seededIds(6) });
    call(src, 'accounts.add', { preset: 'lux', plan: 'free', name: 'Lux' });
    for (let i = 0; i < 5; i++) call(src, 'usage.record', { account: 'lux', action: 'sms' });
    exportTo(src, join(d, 'now.jsonl'));
    const [head, ...body] = readFileSync(join(d, 'now.jsonl'), 'utf8').split('\n');
    const stamped = (v: number) => {
      const file = join(d, `v${v}.jsonl`);
      writeFileSync(file, [JSON.stringify({ ...JSON.parse(head!), schemaVersion: v }), ...body].join('\n'));
      return file;
    };

    const before = openLedger(join(d, 'before.sqlite'), { clock, ids: seededIds(7) });
    restoreExport(before, stamped(oldest));
    expect(call(before, 'balance.all', {})).toEqual(call(src, 'balance.all', {}));
    expect(checkInvariants(before)).toEqual([]);

    // Rows written before the whole-units column existed: loaded with its default, then the backfill sets the preset's flags.
    const noFlag = join(d, 'no-flag.jsonl');
    const strip = (line: string) => {
      const item = JSON.parse(line) as { t: string; r: Record<string, unknown> };
      if (item.t === 'actions') delete item.r.whole_units;
      return JSON.stringify(item);
    };
    const version = migrations.findIndex((m) => m.id === '202612041500_whole_units_alert_basis');
    writeFileSync(noFlag, [JSON.stringify({ ...JSON.parse(head!), schemaVersion: version }), ...body.filter(Boolean).map(strip)].join('\n') + '\n');
    const flagged = openLedger(join(d, 'flagged.sqlite'), { clock, ids: seededIds(9) });
    restoreExport(flagged, noFlag);
    expect(call(flagged, 'actions.list', { account: 'lux' }).filter((a) => a.wholeUnits).map((a) => a.id)).toEqual(['email', 'sms']);
    flagged.db.close();

    const old = openLedger(join(d, 'old.sqlite'), { clock, ids: seededIds(8) });
    const empty = digest(join(d, 'old.sqlite'));
    expect(() => restoreExport(old, stamped(1))).toThrow(/has schema 1, whose rows this version \(schema \d+\) cannot load as they are; restore a \.sqlite backup/);
    expect(digest(join(d, 'old.sqlite'))).toBe(empty);
    for (const c of [src, before, old]) c.db.close();
  });

  test('a schema-1 backup restores in place of a ledger and is migrated forward', () => {
    const d = dir();
    const clock = new ManualClock(Date.parse('2028-02-10T08:00:00Z'));
    const today = firstSchemaLedger(join(d, 'v1.sqlite'), clock);
    const want = call(today, 'balance.all', {});
    today.db.close();
    const v1 = new Database(join(d, 'v1.sqlite'));
    v1.prepare('VACUUM INTO ?').run(join(d, 'v1-backup.sqlite'));
    v1.close();
    restoreBackup(join(d, 'v1-backup.sqlite'), join(d, 'target.sqlite'), clock);
    const ctx = openLedger(join(d, 'target.sqlite'), { clock, ids: seededIds(6) });
    expect(ctx.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(call(ctx, 'balance.all', {})).toEqual(want);
    ctx.db.close();
  });

  /** A real ledger, then stamped as written by the next schema; in rollback-journal mode like a VACUUM INTO copy. */
  function newerLedger(d: string): string {
    const clock = new ManualClock(Date.parse('2028-02-10T08:00:00Z'));
    const ctx = openLedger(join(d, 'src.sqlite'), { clock, ids: seededIds(6) });
    call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', name: 'Lux' });
    call(ctx, 'usage.record', { account: 'lux', action: 'email' });
    const path = join(d, 'newer.sqlite');
    backupTo(ctx, path);
    ctx.db.close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    return path;
  }
  const bytes = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

  test('a newer ledger is refused with a clear message, and the file is not touched (regression: it was switched to WAL)', () => {
    const d = dir();
    const path = newerLedger(d);
    const [b, c] = [bytes(path), digest(path)];
    const e = (() => {
      try {
        openLedger(path);
      } catch (err) {
        return err;
      }
      throw new Error('a newer ledger was opened');
    })();
    expect(e).toBeInstanceOf(SchemaTooNewError);
    expect((e as Error).message).toBe(
      `this ledger was written by a newer Creditdeck (schema ${SCHEMA_VERSION + 1}, this version knows ${SCHEMA_VERSION}); update Creditdeck to open it — nothing was changed`,
    );
    expect(() => openDb(path)).toThrow(SchemaTooNewError);
    expect(() => verifyBackup(path, new ManualClock(0))).toThrow(SchemaTooNewError);
    expect(bytes(path)).toBe(b);
    expect(digest(path)).toBe(c);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  test('the command line refuses it too (exit 1, the message on stderr), for reading, writing and restoring', () => {
    const d = dir();
    const path = newerLedger(d);
    const live = join(d, 'live.sqlite');
    copyFileSync(join(d, 'src.sqlite'), live);
    const [b, liveDigest] = [bytes(path), digest(live)];
    const bin = join(ROOT, 'bin', 'creditdeck.mjs');
    const message = new RegExp(`written by a newer Creditdeck \\(schema ${SCHEMA_VERSION + 1}, this version knows ${SCHEMA_VERSION}\\); update Creditdeck to open it — nothing was changed`);
    for (const args of [['--db', path, 'balance'], ['--db', path, 'use', 'lux', 'email'], ['--db', path, '--json', 'check'], ['--db', live, 'restore', path]]) {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CREDITDECK_DB: '' } });
      expect(r.status, args.join(' ') + r.stderr).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    expect(bytes(path)).toBe(b);
    expect(digest(live)).toBe(liveDigest);
  });
});
