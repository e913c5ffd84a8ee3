/**
 * The ledger's invariants, recomputed from the append-only rows and compared
 * with the summary rows. Tests run this after every operation; `creditdeck
 * check` runs it on a user's file.
 *  - per grant: remaining = granted − used − expired − refunded + voided, never below zero
 *  - per event: its use entries add up to its cost (limited pools)
 *  - per pool and period: the usage summary equals the events, net of voids
 *  - per hold: outstanding = amount − captured − released − expired
 */
import { periodAt } from '../util/period.js';
import { getAccount } from './accounts.js';
import { ROLLUP_MS } from './book.js';
import { attrRollupProblems, rollupDiff } from './attr-rollup.js';
import type { Ctx } from './context.js';

export function checkInvariants(ctx: Ctx): string[] {
  // Fix: read everything from one snapshot. Run statement by statement, another
  // process's commit could land between two queries (say, entries read before an
  // event and its entries were committed), and `check` reported problems that are
  // not there. A deferred read transaction in WAL mode sees one consistent state.
  return ctx.db.inTransaction ? check(ctx) : ctx.db.transaction(() => check(ctx))();
}

function check(ctx: Ctx): string[] {
  const problems: string[] = [];
  const grants = ctx
    .stmt(
      `SELECT g.id, g.amount_mc, b.remaining_mc, b.used_mc, b.expired_mc, b.refunded_mc, b.voided_mc,
         COALESCE(SUM(CASE WHEN e.kind = 'grant' THEN e.amount_mc END), 0) AS e_grant,
         COALESCE(SUM(CASE WHEN e.kind = 'use' THEN e.amount_mc END), 0) AS e_use,
         COALESCE(SUM(CASE WHEN e.kind = 'expire' THEN e.amount_mc END), 0) AS e_expire,
         COALESCE(SUM(CASE WHEN e.kind = 'refund' THEN e.amount_mc END), 0) AS e_refund,
         COALESCE(SUM(CASE WHEN e.kind = 'void' THEN e.amount_mc END), 0) AS e_void
       FROM grants g JOIN grant_balances b ON b.grant_id = g.id LEFT JOIN entries e ON e.grant_id = g.id
       GROUP BY g.id`,
    )
    .all() as Record<string, number | string>[];
  for (const g of grants) {
    const n = (k: string) => Number(g[k]);
    const recomputed = n('e_grant') - n('e_use') - n('e_expire') - n('e_refund') + n('e_void');
    if (n('e_grant') !== n('amount_mc')) problems.push(`grant ${g.id}: grant entry ${n('e_grant')} ≠ amount ${n('amount_mc')}`);
    if (recomputed !== n('remaining_mc')) problems.push(`grant ${g.id}: summary remaining ${n('remaining_mc')} ≠ recomputed ${recomputed}`);
    if (recomputed < 0) problems.push(`grant ${g.id}: below zero (${recomputed})`);
    for (const [col, ent] of [
      ['used_mc', 'e_use'],
      ['expired_mc', 'e_expire'],
      ['refunded_mc', 'e_refund'],
      ['voided_mc', 'e_void'],
    ] as const) {
      if (n(col) !== n(ent)) problems.push(`grant ${g.id}: summary ${col} ${n(col)} ≠ entries ${n(ent)}`);
    }
  }

  // Each event's use entries add up to its cost, and match the debits it carries.
  const used = new Map<string, Map<string, number>>();
  for (const r of ctx.stmt(`SELECT event_id, grant_id, SUM(amount_mc) AS mc FROM entries WHERE kind = 'use' GROUP BY event_id, grant_id`).all() as { event_id: string; grant_id: string; mc: number }[]) {
    const m = used.get(r.event_id) ?? new Map<string, number>();
    m.set(r.grant_id, r.mc);
    used.set(r.event_id, m);
  }
  // Iterated, not fetched whole: a million short-lived rows instead of one array that outlives them all.
  for (const e of ctx.stmt('SELECT id, cost_mc, debits FROM events').iterate() as IterableIterator<{ id: string; cost_mc: number; debits: string | null }>) {
    const carried = new Map<string, number>();
    for (const [g, mc] of e.debits ? (JSON.parse(e.debits) as [string, number][]) : []) carried.set(g, (carried.get(g) ?? 0) + mc);
    const posted = used.get(e.id) ?? new Map<string, number>();
    used.delete(e.id);
    const sum = [...posted.values()].reduce((a, b) => a + b, 0);
    if (posted.size > 0 && sum !== e.cost_mc) problems.push(`event ${e.id}: debits ${sum} ≠ cost ${e.cost_mc}`);
    if (JSON.stringify([...carried].sort()) !== JSON.stringify([...posted].sort())) problems.push(`event ${e.id}: carried debits differ from its entries`);
  }
  for (const id of used.keys()) problems.push(`entries name event ${id}, which does not exist`);

  const accounts = ctx.stmt('SELECT id FROM accounts').all() as { id: string }[];
  for (const { id } of accounts) {
    const acct = getAccount(ctx, id);
    const expected = new Map<string, { used: number; events: number }>();
    const rows = ctx
      .stmt(`SELECT pool, at, cost_mc, (SELECT 1 FROM voids v WHERE v.event_id = e.id) AS voided FROM events e WHERE account_id = ? AND cost_mc > 0`)
      .iterate(id) as IterableIterator<{ pool: string; at: number; cost_mc: number; voided: number | null }>;
    for (const r of rows) {
      if (r.voided) continue;
      const k = `${r.pool}@${periodAt(acct.rule, r.at).start}`;
      const cur = expected.get(k) ?? { used: 0, events: 0 };
      cur.used += r.cost_mc;
      cur.events += 1;
      expected.set(k, cur);
    }
    const summary = ctx.stmt('SELECT pool, period_start, used_mc, events FROM period_usage WHERE account_id = ?').all(id) as {
      pool: string;
      period_start: number;
      used_mc: number;
      events: number;
    }[];
    for (const s of summary) {
      const k = `${s.pool}@${s.period_start}`;
      const e = expected.get(k) ?? { used: 0, events: 0 };
      if (e.used !== s.used_mc || e.events !== s.events) problems.push(`account ${id} ${k}: period usage ${s.used_mc}/${s.events} ≠ events ${e.used}/${e.events}`);
      expected.delete(k);
    }
    for (const [k, e] of expected) problems.push(`account ${id} ${k}: events ${e.used} missing from period usage`);
  }

  // The 15-minute rollup equals the events, net of voids.
  const rolled = rollupDiff(
    ctx,
    'usage_rollup',
    `SELECT e.account_id, e.at - (e.at % ${ROLLUP_MS}), e.pool, e.action, COALESCE(e.member, ''), e.status, COUNT(*), SUM(e.quantity_milli), SUM(e.cost_mc)
     FROM events e WHERE NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = e.id)
     GROUP BY 1, 2, 3, 4, 5, 6`,
  );
  for (const r of rolled.rows) problems.push(`rollup ${r.key.account_id} ${r.key.bucket} ${r.key.action}: ${r.have.join('/')} ≠ events ${r.want.join('/')}`);
  if (rolled.haveEvents !== rolled.wantEvents) problems.push(`rollup counts ${rolled.haveEvents} events, the ledger has ${rolled.wantEvents}`);
  // The attribute rollup equals the events it has caught up with, net of the voids it has seen.
  problems.push(...attrRollupProblems(ctx));

  const holds = ctx
    .stmt(
      `SELECT h.id, h.amount_mc, b.outstanding_mc, b.status, COALESCE((SELECT SUM(amount_mc) FROM hold_moves m WHERE m.hold_id = h.id), 0) AS moved
       FROM holds h JOIN hold_balances b ON b.hold_id = h.id`,
    )
    .all() as { id: string; amount_mc: number; outstanding_mc: number; status: string; moved: number }[];
  for (const h of holds) {
    const expect = h.status === 'open' ? h.amount_mc - h.moved : 0;
    if (h.outstanding_mc !== expect) problems.push(`hold ${h.id}: outstanding ${h.outstanding_mc} ≠ ${expect}`);
    if (h.amount_mc - h.moved < 0 && h.status === 'open') problems.push(`hold ${h.id}: captured more than held`);
  }
  return problems;
}
