/**
 * Shared by the hostile-input tests: a ledger file with some of everything on
 * it, and a content digest of that file taken through a separate read-only
 * connection — every table's rows (sorted, as JSON), the schema and the
 * schema version. File bytes are not compared: WAL checkpoints move them
 * without changing any row.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import type { Clock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';

export interface Seeded {
  ctx: Ctx;
  path: string;
  dir: string;
  holdId: string;
  eventId: string;
  purchaseId: string;
}

/** A ledger file with two accounts, a member, usage, a purchase and an open hold. */
export function seededLedger(clock: Clock, prefix = 'creditdeck-hostile-'): Seeded {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'ledger.sqlite');
  const ctx = openLedger(path, { clock, ids: seededIds(11) });
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', name: 'Lux', tz: 'America/New_York' });
  call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise', name: 'FluxNote' });
  call(ctx, 'members.add', { account: 'lux', member: 'alice' });
  const ev = call(ctx, 'usage.record', { account: 'lux', action: 'email', quantity: 3, key: 'k1', attrs: { flow: 'welcome' } });
  const purchase = call(ctx, 'grants.add', { account: 'lux', pool: 'credits', amount: 50, source: 'purchase', priceCents: 500 });
  const hold = call(ctx, 'holds.place', { account: 'lux', pool: 'credits', amount: 5, expires: new Date(clock.now() + 86_400_000).toISOString() });
  call(ctx, 'usage.record', { account: 'fluxnote', action: 'image', quantity: 2 });
  return { ctx, path, dir, holdId: hold.holdId, eventId: ev.eventId, purchaseId: purchase.grantId };
}

/** A digest of the ledger file's content, read through its own read-only connection. */
export function digest(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const h = createHash('sha256');
    h.update(`user_version=${String(db.pragma('user_version', { simple: true }))}\n`);
    const schema = db.prepare(`SELECT type, name, sql FROM sqlite_master ORDER BY type, name`).all() as { type: string; name: string; sql: string | null }[];
    for (const s of schema) h.update(`${s.type} ${s.name} ${s.sql ?? ''}\n`);
    for (const { name } of schema.filter((s) => s.type === 'table')) {
      const rows = (db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all() as Record<string, unknown>[]).map((r) => JSON.stringify(r)).sort();
      h.update(`${name} ${rows.length}\n${rows.join('\n')}\n`);
    }
    return h.digest('hex');
  } finally {
    db.close();
  }
}

/** How many rows each table holds (to show a real change is seen). */
export function rowCount(path: string, table: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}
