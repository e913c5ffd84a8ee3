/**
 * `creditdeck check` compares both rollups with the events. A tampered,
 * missing or moved rollup row is named; and the comparison is planned as
 * lookups by key, never as one scan nested in another (at a million events
 * that took minutes).
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../../main/core/api/handlers.js';
import { refreshAttrRollup } from '../../main/core/ledger/attr-rollup.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import { Ctx } from '../../main/core/ledger/context.js';
import { seededIds } from '../../main/core/util/ids.js';
import { fresh } from './helpers.js';

function ledger() {
  const h = fresh('2026-11-10T12:00:00Z');
  const a = h.account({ preset: 'lux', plan: 'pro', anchor: '2026-11-01' });
  for (let i = 0; i < 12; i++) {
    h.op('usage.record', { account: a, action: i % 2 ? 'email' : 'sms', quantity: 1 + i, at: new Date(Date.parse('2026-11-10T09:00:00Z') + i * 7 * 60_000).toISOString(), attrs: { flow: `f${i % 3}` } });
  }
  const voided = h.op('usage.record', { account: a, action: 'email', attrs: { flow: 'f0' } });
  h.op('events.void', { event: voided.eventId });
  expect(refreshAttrRollup(h.ctx)).toBe(true);
  h.clean();
  return { h, a };
}

describe('check compares the rollups with the events', () => {
  it('names a tampered usage_rollup row', () => {
    const { h, a } = ledger();
    const row = h.ctx.db.prepare(`SELECT bucket, action FROM usage_rollup WHERE account_id = ? AND action = 'sms' ORDER BY bucket LIMIT 1`).get(a) as { bucket: number; action: string };
    h.ctx.db.prepare(`UPDATE usage_rollup SET cost_mc = cost_mc + 1 WHERE account_id = ? AND bucket = ? AND action = 'sms'`).run(a, row.bucket);
    const problems = call(h.ctx, 'check', {}).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^rollup ${a} ${row.bucket} sms: \\d+/\\d+/\\d+ ≠ events`));
  });

  it('names a tampered attr_rollup row', () => {
    const { h, a } = ledger();
    h.ctx.db.prepare(`UPDATE attr_rollup SET events = events + 1 WHERE account_id = ? AND name = 'flow' AND value = 'f1'`).run(a);
    const problems = call(h.ctx, 'check', {}).problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(new RegExp(`^attribute rollup ${a} flow=f1 at \\d+: `));
  });

  it('names rollup rows that are missing or moved to another bucket', () => {
    const { h, a } = ledger();
    const row = h.ctx.db.prepare(`SELECT * FROM usage_rollup WHERE account_id = ? ORDER BY bucket LIMIT 1`).get(a) as Record<string, string | number>;
    h.ctx.db.prepare(`DELETE FROM usage_rollup WHERE account_id = ? AND bucket = ? AND action = ?`).run(a, row.bucket, row.action);
    expect(checkInvariants(h.ctx)).toEqual([`rollup ${a} ${row.bucket} ${row.action}: 0/0/0 ≠ events ${row.events}/${row.quantity_milli}/${row.cost_mc}`, `rollup counts ${12 - Number(row.events)} events, the ledger has 12`]);

    // Moved: the totals still add up, but both buckets are named.
    const later = Number(row.bucket) + 365 * 86_400_000;
    h.ctx.db.prepare(`INSERT INTO usage_rollup (account_id, bucket, pool, action, member, status, events, quantity_milli, cost_mc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(a, later, row.pool, row.action, row.member, row.status, row.events, row.quantity_milli, row.cost_mc);
    const moved = checkInvariants(h.ctx);
    expect(moved).toHaveLength(2);
    expect(moved.join('\n')).toContain(`rollup ${a} ${row.bucket} ${row.action}: 0/0/0`);
    expect(moved.join('\n')).toContain(`rollup ${a} ${later} ${row.action}: ${row.events}/`);

    const attr = h.ctx.db.prepare(`SELECT bucket, value FROM attr_rollup WHERE account_id = ? ORDER BY bucket LIMIT 1`).get(a) as { bucket: number; value: string };
    h.ctx.db.prepare(`DELETE FROM attr_rollup WHERE account_id = ? AND bucket = ? AND value = ?`).run(a, attr.bucket, attr.value);
    expect(checkInvariants(h.ctx).filter((p) => p.startsWith('attribute rollup'))).toEqual([expect.stringMatching(new RegExp(`^attribute rollup ${a} flow=${attr.value} at ${attr.bucket}: 0/0/0 ≠ events [1-9]`))]);
  });

  it('leaves no temp tables behind, and works on a read-only connection', () => {
    const { h, a } = ledger();
    expect(checkInvariants(h.ctx)).toEqual([]);
    expect(h.ctx.db.prepare(`SELECT name FROM sqlite_temp_master`).all()).toEqual([]);
    // verifyBackup checks a backup through a read-only connection.
    const path = join(mkdtempSync(join(tmpdir(), 'creditdeck-check-')), 'b.sqlite');
    h.ctx.db.prepare(`UPDATE attr_rollup SET cost_mc = cost_mc + 1 WHERE account_id = ? AND value = 'f2' AND bucket = (SELECT MIN(bucket) FROM attr_rollup WHERE value = 'f2')`).run(a);
    h.ctx.db.prepare('VACUUM INTO ?').run(path);
    const ro = new Database(path, { readonly: true, fileMustExist: true });
    try {
      expect(checkInvariants(new Ctx(ro, h.clock, seededIds(1)))).toEqual([expect.stringMatching(new RegExp(`^attribute rollup ${a} flow=f2 `))]);
    } finally {
      ro.close();
    }
  });

  it('plans no scan nested in another scan, and no automatic index', () => {
    const { h } = ledger();
    const plans = plansOf(h.ctx, () => expect(checkInvariants(h.ctx)).toEqual([]));
    const rollupPlans = plans.filter((p) => /usage_rollup|attr_rollup/.test(p.sql));
    expect(rollupPlans.length).toBeGreaterThanOrEqual(4);
    for (const { sql, plan } of plans) {
      expect(plan.filter((r) => /AUTOMATIC/.test(r.detail)), sql).toEqual([]);
      // Two SCANs in one loop nest (same parent), json_each's per-row scan and subquery scans aside.
      const scans = plan.filter((r) => /^SCAN /.test(r.detail) && !/VIRTUAL TABLE|\(subquery|pragma_table_info/.test(r.detail));
      const parents = scans.map((r) => r.parent);
      expect(parents.length, `${sql}\n${plan.map((r) => r.detail).join('\n')}`).toBe(new Set(parents).size);
    }
  });
});

describe('check compares each event with its entries and the period usage', () => {
  it('names an event whose entries differ from its debits, entries of no event, and a wrong period total', () => {
    const { h, a } = ledger();
    const ev = h.ctx.db.prepare(`SELECT id, cost_mc, debits FROM events WHERE account_id = ? AND cost_mc > 0 ORDER BY seq LIMIT 1`).get(a) as { id: string; cost_mc: number; debits: string };
    const grant = (JSON.parse(ev.debits) as [string, number][])[0]![0];
    const entry = h.ctx.db.prepare(`INSERT INTO entries (account_id, pool, grant_id, kind, amount_mc, at, event_id) VALUES (?, 'credits', ?, 'use', ?, 0, ?)`);
    entry.run(a, grant, 7, ev.id);
    entry.run(a, grant, 5, 'ev_nope');
    const p = checkInvariants(h.ctx);
    expect(p).toContain(`event ${ev.id}: debits ${ev.cost_mc + 7} ≠ cost ${ev.cost_mc}`);
    expect(p).toContain(`event ${ev.id}: carried debits differ from its entries`);
    expect(p).toContain('entries name event ev_nope, which does not exist');

    // Entries by an id of another shape, and by a seq whose event row is gone (a middle one: below the largest seq).
    const second = h.ctx.db.prepare(`SELECT id, seq FROM events WHERE seq > (SELECT MIN(seq) FROM events) ORDER BY seq LIMIT 1`).get() as { id: string; seq: number };
    expect(second.id).toBe(`ev_${second.seq.toString(36)}`);
    entry.run(a, grant, 3, 'ev_01');
    entry.run(a, grant, 4, 'EV_1');
    // Tampering past the append-only trigger.
    h.ctx.db.pragma('foreign_keys = OFF');
    h.ctx.db.exec('DROP TRIGGER events_no_delete');
    h.ctx.db.prepare('DELETE FROM events WHERE seq = ?').run(second.seq);
    const gone = checkInvariants(h.ctx);
    for (const id of ['ev_01', 'EV_1', 'ev_nope', second.id]) expect(gone).toContain(`entries name event ${id}, which does not exist`);

    const { h: h2, a: a2 } = ledger();
    const period = h2.ctx.db.prepare(`SELECT pool, period_start, used_mc, events FROM period_usage WHERE account_id = ?`).get(a2) as { pool: string; period_start: number; used_mc: number; events: number };
    h2.ctx.db.prepare(`UPDATE period_usage SET used_mc = used_mc + 1 WHERE account_id = ?`).run(a2);
    expect(checkInvariants(h2.ctx)).toEqual([`account ${a2} ${period.pool}@${period.period_start}: period usage ${period.used_mc + 1}/${period.events} ≠ events ${period.used_mc}/${period.events}`]);
    h2.ctx.db.prepare(`DELETE FROM period_usage WHERE account_id = ?`).run(a2);
    expect(checkInvariants(h2.ctx)).toEqual([`account ${a2} ${period.pool}@${period.period_start}: events ${period.used_mc} missing from period usage`]);
  });
});

/** Every statement fn prepares that reads tables, planned as it is prepared (the temp tables are gone afterwards). */
function plansOf(ctx: Ctx, fn: () => void): { sql: string; plan: { parent: number; detail: string }[] }[] {
  const db = ctx.db;
  const prepare = db.prepare.bind(db);
  const seen: { sql: string; plan: { parent: number; detail: string }[] }[] = [];
  db.prepare = ((sql: string) => {
    if (/^\s*(SELECT|WITH|INSERT)/i.test(sql)) seen.push({ sql, plan: prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { parent: number; detail: string }[] });
    return prepare(sql);
  }) as typeof db.prepare;
  try {
    fn();
  } finally {
    db.prepare = prepare;
  }
  return seen;
}
