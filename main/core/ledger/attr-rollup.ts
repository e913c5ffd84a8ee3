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

/**
 * Differences between the rollup and a recomputation from the events it has
 * applied (for checkInvariants). Empty when they agree.
 */
export function attrRollupProblems(ctx: Ctx): string[] {
  const rows = ctx.db
    .prepare(
      `WITH m AS (SELECT event_seq, void_rowid FROM attr_rollup_mark WHERE id = 1),
       x AS (
         SELECT e.account_id, j.key AS name, e.at - (e.at % ${ROLLUP_MS}) AS bucket, e.pool, CAST(j.value AS TEXT) AS value,
                1 - (v.rowid IS NOT NULL AND v.rowid <= m.void_rowid) AS sign, e.quantity_milli AS q, e.cost_mc AS c
         FROM events e JOIN m LEFT JOIN voids v ON v.event_id = e.id, json_each(e.attrs) j
         WHERE e.seq <= m.event_seq AND e.attrs IS NOT NULL
       ),
       want AS (SELECT account_id, name, bucket, pool, value, SUM(sign) AS n, SUM(sign * q) AS q, SUM(sign * c) AS c FROM x GROUP BY 1, 2, 3, 4, 5)
       SELECT COALESCE(r.account_id, w.account_id) AS account_id, COALESCE(r.name, w.name) AS name, COALESCE(r.value, w.value) AS value,
              COALESCE(r.events, 0) AS n, COALESCE(w.n, 0) AS xn, COALESCE(r.quantity_milli, 0) AS q, COALESCE(w.q, 0) AS xq, COALESCE(r.cost_mc, 0) AS c, COALESCE(w.c, 0) AS xc
       FROM attr_rollup r FULL OUTER JOIN want w USING (account_id, name, bucket, pool, value)
       WHERE COALESCE(r.events, 0) != COALESCE(w.n, 0) OR COALESCE(r.quantity_milli, 0) != COALESCE(w.q, 0) OR COALESCE(r.cost_mc, 0) != COALESCE(w.c, 0)
       LIMIT 20`,
    )
    .all() as { account_id: string; name: string; value: string; n: number; xn: number; q: number; xq: number; c: number; xc: number }[];
  return rows.map((r) => `attribute rollup ${r.account_id} ${r.name}=${r.value}: ${r.n}/${r.q}/${r.c} ≠ events ${r.xn}/${r.xq}/${r.xc}`);
}
