/**
 * The ledger's invariants, recomputed from the append-only rows and compared
 * with the summary rows. Tests run this after every operation; `creditdeck
 * check` runs it on a user's file.
 *  - per grant: remaining = granted − used − expired − refunded + voided, never below zero
 *  - per event: its use entries add up to its cost (limited pools), counting
 *    what it overdrew (repaid later by use entries on other grants) and what
 *    it drew, late, from credits that had expired
 *  - per pool and period: the usage summary equals the events, net of voids
 *  - per hold: outstanding = amount − captured − released − expired
 */
import { periodAt } from '../util/period.js';
import { getAccount } from './accounts.js';
import { ROLLUP_MS } from './book.js';
import { attrRollupProblems, rollupDiff } from './attr-rollup.js';
import type { Ctx } from './context.js';
import { verifyAudit } from '../team/audit.js';
import { reconciliationProblems } from './reconcile-check.js';
import { overdraftProblems } from './overdrafts.js';
import { lateDrawProblems } from './late.js';

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
  // Summed here rather than by a GROUP BY: sorting a million entries by event id cost more than the rest of this check.
  const posted = new Posted((ctx.stmt('SELECT COALESCE(MAX(seq), 0) AS n FROM events').get() as { n: number }).n);
  for (const [eventId, grantId, mc] of ctx.stmt(`SELECT event_id, grant_id, amount_mc FROM entries WHERE kind = 'use'`).raw().iterate() as IterableIterator<[string | null, string, number]>) {
    posted.add(eventId, grantId, mc);
  }
  // One pass over the events for the debits and the period usage; iterated, not fetched whole.
  const accounts = (ctx.stmt('SELECT id FROM accounts').all() as { id: string }[]).map(({ id }) => getAccount(ctx, id));
  const rules = new Map(accounts.map((a) => [a.id, a.rule]));
  const expected = new Map<string, Map<string, { used: number; events: number }>>(accounts.map((a) => [a.id, new Map()]));
  // Overdrafts and late draws, by event: few, so read whole.
  const overdrawn = new Map((ctx.stmt('SELECT event_id, amount_mc FROM overdrafts').raw().all() as [string, number][]).map(([e, mc]) => [e, mc]));
  const repaid = new Map<string, Debits>();
  for (const [e, g, mc] of ctx.stmt(`SELECT event_id, grant_id, amount_mc FROM overdraft_moves WHERE kind = 'repay'`).raw().all() as [string, string, number][]) {
    const list = repaid.get(e) ?? [];
    addDebit(list, g, mc);
    repaid.set(e, list);
  }
  const lateDrawn = new Map((ctx.stmt('SELECT event_id, SUM(amount_mc) FROM late_draws GROUP BY event_id').raw().all() as [string, number][]).map(([e, mc]) => [e, mc]));
  const events = ctx.stmt(`SELECT id, account_id, pool, at, cost_mc, debits, (SELECT 1 FROM voids v WHERE v.event_id = e.id) FROM events e`).raw().iterate() as IterableIterator<
    [string, string, string, number, number, string | null, number | null]
  >;
  for (const [id, accountId, pool, at, cost, debits, voided] of events) {
    const carried: Debits = [];
    for (const [g, mc] of debits ? (JSON.parse(debits) as Debits) : []) addDebit(carried, g, mc);
    // Repayments are use entries of this event on later grants: carried by the overdraft's rows, not the event's.
    const repayments = repaid.get(id) ?? [];
    for (const [g, mc] of repayments) addDebit(carried, g, mc);
    const mine = posted.take(id) ?? [];
    // At the event: what its entries drew, less later repayments, plus what it overdrew and drew late from expired credits.
    const sum = mine.reduce((t, d) => t + d[1], 0) - repayments.reduce((t, d) => t + d[1], 0);
    const owedOrLate = (overdrawn.get(id) ?? 0) + (lateDrawn.get(id) ?? 0);
    if ((mine.length > 0 || owedOrLate > 0) && sum + owedOrLate !== cost) problems.push(`event ${id}: debits ${sum}${owedOrLate ? ` (and ${owedOrLate} overdrawn or drawn late)` : ''} ≠ cost ${cost}`);
    if (!sameDebits(carried, mine)) problems.push(`event ${id}: carried debits differ from its entries`);

    const rule = rules.get(accountId);
    if (cost <= 0 || voided || !rule) continue;
    const k = `${pool}@${periodAt(rule, at).start}`;
    const byPeriod = expected.get(accountId)!;
    const cur = byPeriod.get(k);
    if (cur) {
      cur.used += cost;
      cur.events += 1;
    } else byPeriod.set(k, { used: cost, events: 1 });
  }
  for (const id of posted.rest()) problems.push(`entries name event ${id}, which does not exist`);

  for (const { id } of accounts) {
    const want = expected.get(id)!;
    const summary = ctx.stmt('SELECT pool, period_start, used_mc, events FROM period_usage WHERE account_id = ?').all(id) as {
      pool: string;
      period_start: number;
      used_mc: number;
      events: number;
    }[];
    for (const s of summary) {
      const k = `${s.pool}@${s.period_start}`;
      const e = want.get(k) ?? { used: 0, events: 0 };
      if (e.used !== s.used_mc || e.events !== s.events) problems.push(`account ${id} ${k}: period usage ${s.used_mc}/${s.events} ≠ events ${e.used}/${e.events}`);
      want.delete(k);
    }
    for (const [k, e] of want) problems.push(`account ${id} ${k}: events ${e.used} missing from period usage`);
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
  // Each reconciliation is carried by its own usage event: same account and pool, its difference as the cost, dated with it.
  problems.push(...reconciliationProblems(ctx));
  // Overdrafts: outstanding = overdrawn − repaid − cancelled, never below zero; late draws within what expired.
  problems.push(...overdraftProblems(ctx), ...lateDrawProblems(ctx));
  // The team's audit log: an edited, deleted or reordered row breaks its hash chain.
  problems.push(...verifyAudit(ctx));
  return problems;
}

/** [grant id, millicredits], one pair per grant. */
type Debits = [string, number][];

/** An event id as events.id writes it, "ev_" + its seq in base 36 (no leading zero; 10 digits at most, so exact). */
const SEQ_ID = /^ev_[1-9a-z][0-9a-z]{0,9}$/;

/**
 * Each event's use entries, until its own row takes them. Most events have one
 * entry and an id that is their seq, so those sit in two arrays indexed by seq;
 * the rest (several entries, another id, none) in a Map. A million events as
 * a Map of arrays cost more than twice the scan of the entries that filled it.
 */
class Posted {
  /** The one entry's grant by seq: undefined for none yet, null once taken or moved to `other`. */
  private readonly grant: (string | null | undefined)[];
  private readonly mc: Float64Array;
  private readonly other = new Map<string | null, Debits>();

  constructor(private readonly maxSeq: number) {
    this.grant = new Array<string | null | undefined>(maxSeq + 1).fill(undefined);
    this.mc = new Float64Array(maxSeq + 1);
  }

  private seq(id: string | null): number | null {
    if (id === null || !SEQ_ID.test(id)) return null;
    const n = parseInt(id.slice(3), 36);
    return n <= this.maxSeq ? n : null;
  }

  add(eventId: string | null, grant: string, mc: number): void {
    const seq = this.seq(eventId);
    const list = seq === null || this.grant[seq] === null ? this.other.get(eventId) : undefined;
    if (list) return addDebit(list, grant, mc);
    if (seq === null) return void this.other.set(eventId, [[grant, mc]]);
    const first = this.grant[seq];
    if (first === undefined) {
      this.grant[seq] = grant;
      this.mc[seq] = mc;
      return;
    }
    // A second entry for the event: it moves to the Map.
    this.grant[seq] = null;
    const moved: Debits = [[first!, this.mc[seq]!]];
    addDebit(moved, grant, mc);
    this.other.set(eventId, moved);
  }

  /** The event's entries, once: the event row takes them. */
  take(eventId: string): Debits | undefined {
    const seq = this.seq(eventId);
    const g = seq === null ? null : this.grant[seq];
    if (seq !== null && typeof g === 'string') {
      this.grant[seq] = null;
      return [[g, this.mc[seq]!]];
    }
    const list = this.other.get(eventId);
    this.other.delete(eventId);
    return list;
  }

  /** Events named by entries that no event row took. */
  *rest(): Iterable<string | null> {
    for (let seq = 0; seq <= this.maxSeq; seq++) if (typeof this.grant[seq] === 'string') yield `ev_${seq.toString(36)}`;
    yield* this.other.keys();
  }
}

function addDebit(list: Debits, grant: string, mc: number): void {
  const same = list.find((d) => d[0] === grant);
  if (same) same[1] += mc;
  else list.push([grant, mc]);
}

/** The same grants with the same amounts, in any order. */
function sameDebits(a: Debits, b: Debits): boolean {
  return a.length === b.length && a.every(([g, mc]) => b.some((d) => d[0] === g && d[1] === mc));
}
