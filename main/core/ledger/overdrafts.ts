/**
 * Overdrafts (docs/team.md, "Overdrafts"): usage recorded on a member's
 * machine is a fact, so an entry pushed when its pool can no longer cover it
 * is recorded anyway and what the pool lacked becomes a debt on the pool,
 * attributed to the member. The debt is its own append-only row; the next
 * grants repay it first (book.ts, repayDebts), a void cancels what is still
 * owed. overdraft_balances is the summary that moves with those rows.
 */
import { mcToCredits } from '../util/credits.js';
import { iso } from '../util/period.js';
import type { Ctx } from './context.js';

export interface OverdraftInsert {
  accountId: string;
  pool: string;
  eventId: string;
  member: string | null;
  amountMc: number;
  at: number;
}

export function recordOverdraft(ctx: Ctx, o: OverdraftInsert): void {
  ctx
    .stmt('INSERT INTO overdrafts (event_id, account_id, pool, member, amount_mc, at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(o.eventId, o.accountId, o.pool, o.member, o.amountMc, o.at, ctx.clock.now());
  ctx.stmt('INSERT INTO overdraft_balances (event_id, account_id, pool, outstanding_mc) VALUES (?, ?, ?, ?)').run(o.eventId, o.accountId, o.pool, o.amountMc);
}

/** What one event still owes (0 when it never overdrew, or has been repaid). */
export function owedBy(ctx: Ctx, eventId: string): number {
  return (ctx.stmt('SELECT outstanding_mc FROM overdraft_balances WHERE event_id = ?').get(eventId) as { outstanding_mc: number } | undefined)?.outstanding_mc ?? 0;
}

/** What one event overdrew when it was recorded (0 for most). */
export function overdrawnAt(ctx: Ctx, eventId: string): number {
  return (ctx.stmt('SELECT amount_mc FROM overdrafts WHERE event_id = ?').get(eventId) as { amount_mc: number } | undefined)?.amount_mc ?? 0;
}

/** The grants that repaid an event's debt, [grant id, millicredits]: a void returns these credits too. */
export function repaymentsOf(ctx: Ctx, eventId: string): [string, number][] {
  return (ctx.stmt(`SELECT grant_id, amount_mc FROM overdraft_moves WHERE event_id = ? AND kind = 'repay' ORDER BY id`).all(eventId) as { grant_id: string; amount_mc: number }[]).map((r) => [
    r.grant_id,
    r.amount_mc,
  ]);
}

/** A void cancels what the event still owes: nobody repays usage that did not count. Returns what was cancelled. */
export function cancelDebt(ctx: Ctx, eventId: string, at: number): number {
  const owed = owedBy(ctx, eventId);
  if (owed === 0) return 0;
  ctx.stmt(`INSERT INTO overdraft_moves (event_id, kind, grant_id, amount_mc, at) VALUES (?, 'void', NULL, ?, ?)`).run(eventId, owed, at);
  ctx.stmt('UPDATE overdraft_balances SET outstanding_mc = 0 WHERE event_id = ?').run(eventId);
  return owed;
}

export interface PoolDebt {
  /** Millicredits still owed by the pool. */
  outstandingMc: number;
  /** Who overdrew it, most first. */
  byMember: { member: string | null; mc: number }[];
}

/** One overdrawn event's debt still owed, in the order grants repay them (oldest first). */
export interface DebtRow {
  eventId: string;
  member: string | null;
  mc: number;
}

/**
 * Each pool's debts as of t, oldest first (pools that owed nothing then are
 * absent): what was overdrawn up to t, less what was repaid or cancelled up to t.
 */
export function debtRowsAt(ctx: Ctx, accountId: string, t: number): Map<string, DebtRow[]> {
  const rows = ctx
    .stmt(
      `SELECT o.event_id, o.pool, o.member, o.amount_mc - COALESCE((SELECT SUM(m.amount_mc) FROM overdraft_moves m WHERE m.event_id = o.event_id AND m.at <= @t), 0) AS mc
       FROM overdrafts o WHERE o.account_id = @account AND o.at <= @t ORDER BY o.at, o.event_id`,
    )
    .all({ account: accountId, t }) as { event_id: string; pool: string; member: string | null; mc: number }[];
  const out = new Map<string, DebtRow[]>();
  for (const r of rows) {
    if (r.mc <= 0) continue;
    const list = out.get(r.pool) ?? [];
    list.push({ eventId: r.event_id, member: r.member, mc: r.mc });
    out.set(r.pool, list);
  }
  return out;
}

/** A grant of amountMc repaying debts as book.ts repayDebts does (oldest first), on the rows in memory; returns what it repaid. */
export function repayRows(rows: DebtRow[], amountMc: number): number {
  let left = amountMc;
  for (const d of rows) {
    if (left === 0) break;
    const take = Math.min(left, d.mc);
    d.mc -= take;
    left -= take;
  }
  return amountMc - left;
}

/** What the rows still owe in all and by member, most first. */
export function poolDebt(rows: readonly DebtRow[]): PoolDebt {
  const by = new Map<string | null, number>();
  for (const d of rows) if (d.mc > 0) by.set(d.member, (by.get(d.member) ?? 0) + d.mc);
  const byMember = [...by].map(([member, mc]) => ({ member, mc })).sort((x, y) => y.mc - x.mc || byName(x.member, y.member));
  return { outstandingMc: byMember.reduce((s, m) => s + m.mc, 0), byMember };
}

/** SQLite's order for member names: null first, then by code unit. */
function byName(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

export interface OverdraftView {
  eventId: string;
  account: string;
  pool: string;
  member: string | null;
  at: string;
  /** Credits the pool lacked when the entry arrived. */
  overdrawn: number;
  /** Credits still owed. */
  outstanding: number;
}

/** Every overdraft, newest first (an account's alone when given). */
export function listOverdrafts(ctx: Ctx, accountId?: string): OverdraftView[] {
  const rows = ctx
    .stmt(
      `SELECT o.event_id, o.account_id, o.pool, o.member, o.at, o.amount_mc, b.outstanding_mc FROM overdrafts o JOIN overdraft_balances b ON b.event_id = o.event_id
       WHERE @account IS NULL OR o.account_id = @account ORDER BY o.at DESC, o.event_id DESC`,
    )
      .all({ account: accountId ?? null }) as { event_id: string; account_id: string; pool: string; member: string | null; at: number; amount_mc: number; outstanding_mc: number }[];
  return rows.map((r) => ({ eventId: r.event_id, account: r.account_id, pool: r.pool, member: r.member, at: iso(r.at), overdrawn: mcToCredits(r.amount_mc), outstanding: mcToCredits(r.outstanding_mc) }));
}

/**
 * The overdrafts' invariants (checkInvariants): outstanding = overdrawn −
 * repaid − cancelled, never below zero; each debt names an event of its
 * account and pool; a repayment's grant is of the same account and pool.
 */
export function overdraftProblems(ctx: Ctx): string[] {
  const problems: string[] = [];
  const rows = ctx
    .stmt(
      `SELECT o.event_id, o.account_id, o.pool, o.amount_mc, b.outstanding_mc, b.account_id AS b_account, b.pool AS b_pool,
         COALESCE((SELECT SUM(amount_mc) FROM overdraft_moves m WHERE m.event_id = o.event_id), 0) AS moved,
         (SELECT account_id || '/' || pool FROM events e WHERE e.id = o.event_id) AS event_pool
       FROM overdrafts o LEFT JOIN overdraft_balances b ON b.event_id = o.event_id`,
    )
    .all() as { event_id: string; account_id: string; pool: string; amount_mc: number; outstanding_mc: number | null; b_account: string | null; b_pool: string | null; moved: number; event_pool: string | null }[];
  for (const r of rows) {
    const want = r.amount_mc - r.moved;
    if (want < 0) problems.push(`overdraft ${r.event_id}: repaid or cancelled ${r.moved}, more than its debt ${r.amount_mc}`);
    if (r.outstanding_mc !== want) problems.push(`overdraft ${r.event_id}: summary outstanding ${r.outstanding_mc ?? 'missing'} ≠ recomputed ${want}`);
    if (r.b_account !== null && (r.b_account !== r.account_id || r.b_pool !== r.pool)) problems.push(`overdraft ${r.event_id}: summary is for ${r.b_account}/${r.b_pool}`);
    if (r.event_pool !== `${r.account_id}/${r.pool}`) problems.push(`overdraft ${r.event_id}: its event ${r.event_pool === null ? 'does not exist' : `is on ${r.event_pool}`}`);
  }
  const strays = ctx
    .stmt(
      `SELECT m.id, m.event_id FROM overdraft_moves m JOIN overdrafts o ON o.event_id = m.event_id JOIN grants g ON g.id = m.grant_id
       WHERE m.kind = 'repay' AND (g.account_id != o.account_id OR g.pool != o.pool)`,
    )
    .all() as { id: number; event_id: string }[];
  for (const s of strays) problems.push(`overdraft ${s.event_id}: repayment ${s.id} comes from another account's or pool's grant`);
  return problems;
}
