/**
 * The attribute rollup: usage per 15-minute bucket, pool and attribute value
 * (flow, server, project…), so a breakdown by attribute over a period reads
 * thousands of rows instead of parsing the JSON of every event.
 *
 * It is kept off the hot path: recording an event writes nothing here. A
 * report brings it up to date first — every event and void recorded since the
 * last catch-up, in one write transaction (so two processes cannot both apply
 * the same events) — and a bulk import does the same at its end. The watermark
 * is the last event seq and void rowid applied; events are applied by seq, so
 * backdated events land in their own bucket.
 */
import { ROLLUP_MS } from './book.js';
import type { Ctx } from './context.js';

interface Mark {
  event_seq: number;
  void_rowid: number;
}

const UPSERT = `ON CONFLICT (account_id, name, bucket, pool, value) DO UPDATE SET
  events = events + excluded.events, quantity_milli = quantity_milli + excluded.quantity_milli, cost_mc = cost_mc + excluded.cost_mc`;

/** Apply every event and void recorded since the last catch-up. Returns false where the ledger is read-only. */
export function refreshAttrRollup(ctx: Ctx): boolean {
  if (ctx.db.readonly) return false;
  const lastSeq = (ctx.stmt('SELECT COALESCE(MAX(seq), 0) AS s FROM events').get() as { s: number }).s;
  const lastVoid = (ctx.stmt('SELECT COALESCE(MAX(rowid), 0) AS r FROM voids').get() as { r: number }).r;
  const seen = ctx.stmt('SELECT event_seq, void_rowid FROM attr_rollup_mark WHERE id = 1').get() as Mark;
  if (seen.event_seq >= lastSeq && seen.void_rowid >= lastVoid) return true;
  ctx.write(() => {
    // Re-read under the write lock: another process may have caught up meanwhile.
    const mark = ctx.stmt('SELECT event_seq, void_rowid FROM attr_rollup_mark WHERE id = 1').get() as Mark;
    const toSeq = (ctx.stmt('SELECT COALESCE(MAX(seq), 0) AS s FROM events').get() as { s: number }).s;
    const toVoid = (ctx.stmt('SELECT COALESCE(MAX(rowid), 0) AS r FROM voids').get() as { r: number }).r;
    ctx
      .stmt(
        `INSERT INTO attr_rollup (account_id, name, bucket, pool, value, events, quantity_milli, cost_mc)
         SELECT e.account_id, j.key, e.at - (e.at % ${ROLLUP_MS}), e.pool, CAST(j.value AS TEXT), COUNT(*), SUM(e.quantity_milli), SUM(e.cost_mc)
         FROM events e, json_each(e.attrs) j
         WHERE e.seq > ? AND e.seq <= ? AND e.attrs IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5 ${UPSERT}`,
      )
      .run(mark.event_seq, toSeq);
    // A void takes its event back out; the event itself is applied by now (its seq ≤ toSeq).
    ctx
      .stmt(
        `INSERT INTO attr_rollup (account_id, name, bucket, pool, value, events, quantity_milli, cost_mc)
         SELECT e.account_id, j.key, e.at - (e.at % ${ROLLUP_MS}), e.pool, CAST(j.value AS TEXT), -COUNT(*), -SUM(e.quantity_milli), -SUM(e.cost_mc)
         FROM voids v JOIN events e ON e.id = v.event_id, json_each(e.attrs) j
         WHERE v.rowid > ? AND v.rowid <= ? AND e.attrs IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5 ${UPSERT}`,
      )
      .run(mark.void_rowid, toVoid);
    ctx.stmt('UPDATE attr_rollup_mark SET event_seq = ?, void_rowid = ? WHERE id = 1').run(Math.max(mark.event_seq, toSeq), Math.max(mark.void_rowid, toVoid));
  });
  return true;
}

/** A rollup row that differs from its recomputation: its key, then events/quantity/cost in the rollup and recomputed. */
export interface RollupDiff {
  key: Record<string, string | number>;
  have: [number, number, number];
  want: [number, number, number];
}

/**
 * Compare a rollup table (keyed by its primary key; events, quantity_milli,
 * cost_mc) with `recompute`, a SELECT of the same key columns in primary-key
 * order then the three sums. The recomputation is aggregated into a temp table
 * with the same key and types first, so each side finds the other by a
 * primary-key lookup: joined to a subquery instead, SQLite nested-looped the
 * two (minutes at a million events). Rows absent on one side count as zeros.
 */
export function rollupDiff(ctx: Ctx, table: 'usage_rollup' | 'attr_rollup', recompute: string, limit = -1): { rows: RollupDiff[]; haveEvents: number; wantEvents: number } {
  const db = ctx.db;
  const keys = (db.prepare(`SELECT name, type FROM pragma_table_info('${table}') WHERE pk > 0 ORDER BY pk`).all() as { name: string; type: string }[]);
  const tmp = `temp."check_${table}"`;
  db.exec(`DROP TABLE IF EXISTS ${tmp}`);
  // Same column types as the rollup's key, so the comparisons can use either side's index.
  db.exec(`CREATE TABLE ${tmp} (${keys.map((k) => `"${k.name}" ${k.type} NOT NULL`).join(', ')}, n INTEGER NOT NULL, q INTEGER NOT NULL, c INTEGER NOT NULL, PRIMARY KEY (${keys.map((k) => `"${k.name}"`).join(', ')})) WITHOUT ROWID`);
  try {
    db.prepare(`INSERT INTO ${tmp} ${recompute}`).run();
    const on = (a: string, b: string) => keys.map((k) => `${a}."${k.name}" = ${b}."${k.name}"`).join(' AND ');
    const keyOut = (a: string) => keys.map((k) => `${a}."${k.name}" AS "${k.name}"`).join(', ');
    const rows = db
      .prepare(
        `SELECT * FROM (
           SELECT ${keyOut('r')}, r.events AS n, r.quantity_milli AS q, r.cost_mc AS c, COALESCE(x.n, 0) AS xn, COALESCE(x.q, 0) AS xq, COALESCE(x.c, 0) AS xc
           FROM "${table}" r LEFT JOIN ${tmp} x ON ${on('x', 'r')}
           WHERE r.events != COALESCE(x.n, 0) OR r.quantity_milli != COALESCE(x.q, 0) OR r.cost_mc != COALESCE(x.c, 0)
           UNION ALL
           SELECT ${keyOut('x')}, 0, 0, 0, x.n, x.q, x.c FROM ${tmp} x
           WHERE (x.n != 0 OR x.q != 0 OR x.c != 0) AND NOT EXISTS (SELECT 1 FROM "${table}" r WHERE ${on('r', 'x')})
         ) LIMIT ${limit}`,
      )
      .all() as Record<string, string | number>[];
    const have = (db.prepare(`SELECT COALESCE(SUM(events), 0) AS n FROM "${table}"`).get() as { n: number }).n;
    const want = (db.prepare(`SELECT COALESCE(SUM(n), 0) AS n FROM ${tmp}`).get() as { n: number }).n;
    return {
      rows: rows.map((r) => ({ key: Object.fromEntries(keys.map((k) => [k.name, r[k.name]!])), have: [Number(r.n), Number(r.q), Number(r.c)], want: [Number(r.xn), Number(r.xq), Number(r.xc)] })),
      haveEvents: have,
      wantEvents: want,
    };
  } finally {
    db.exec(`DROP TABLE IF EXISTS ${tmp}`);
  }
}

/**
 * Differences between the rollup and a recomputation from the events it has
 * applied (for checkInvariants). Empty when they agree.
 */
export function attrRollupProblems(ctx: Ctx): string[] {
  const { rows } = rollupDiff(
    ctx,
    'attr_rollup',
    // A void counts once the rollup has seen it (its rowid is at or below the mark).
    `SELECT account_id, name, bucket, pool, value, SUM(s), SUM(s * q), SUM(s * c) FROM (
       SELECT e.account_id, j.key AS name, e.at - (e.at % ${ROLLUP_MS}) AS bucket, e.pool, CAST(j.value AS TEXT) AS value,
              1 - (v.rowid IS NOT NULL AND v.rowid <= m.void_rowid) AS s, e.quantity_milli AS q, e.cost_mc AS c
       FROM attr_rollup_mark m JOIN events e ON e.seq <= m.event_seq LEFT JOIN voids v ON v.event_id = e.id, json_each(e.attrs) j
       WHERE m.id = 1 AND e.attrs IS NOT NULL)
     GROUP BY 1, 2, 3, 4, 5`,
    20,
  );
  return rows.map((r) => `attribute rollup ${r.key.account_id} ${r.key.name}=${r.key.value} at ${r.key.bucket}: ${r.have.join('/')} ≠ events ${r.want.join('/')}`);
}
