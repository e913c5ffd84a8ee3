/**
 * Reading balances as of any instant. Now or later: from the summary rows,
 * projecting any resets and expiries not yet booked (reading never writes).
 * Earlier: recomputed from the entries dated up to that instant.
 */
import { mcToCredits, parseCredits } from '../util/credits.js';
import { iso, periodAt } from '../util/period.js';
import { getAccount, planAt, type Account } from './accounts.js';
import { MONTHLY_LIKE } from './book.js';
import type { Ctx } from './context.js';
import { materializedTo } from './materialize.js';
import { debtRowsAt, poolDebt, repayRows, type DebtRow, type PoolDebt } from './overdrafts.js';

export interface PoolBalance {
  pool: string;
  label: string;
  unit: string;
  unlimited: boolean;
  /** Credits granted for this period (monthly + upgrades + rollover); null when unlimited. */
  allocation: number | null;
  monthlyRemaining: number | null;
  topupRemaining: number;
  remaining: number | null;
  held: number;
  available: number | null;
  usedThisPeriod: number;
  periodStart: string;
  nextReset: string;
  /** Credits the pool owes for offline entries it could not cover (repaid first by the next grant); 0 almost always. */
  overdrawn: number;
  /** Who overdrew it, most first (member null: an entry without one). */
  overdrawnBy: { member: string | null; credits: number }[];
}

export interface Balance {
  account: string;
  name: string;
  provider: string;
  plan: string;
  planName: string;
  zone: string;
  at: string;
  pools: PoolBalance[];
}

/** Integer form, for the ledger's own arithmetic and the invariants. */
export interface PoolBalanceMc {
  pool: string;
  unlimited: boolean;
  allocationMc: number;
  monthlyMc: number;
  topupMc: number;
  heldMc: number;
  usedMc: number;
  periodStart: number;
  nextReset: number;
  /** What the pool owes at t; a reset this read projects has repaid it as booking will. */
  debt: PoolDebt;
}

export function balanceMc(ctx: Ctx, acct: Account, t: number): PoolBalanceMc[] {
  const m = materializedTo(ctx, acct.id);
  const debts = debtRowsAt(ctx, acct.id, t);
  return t >= m ? projected(ctx, acct, t, m, debts) : historical(ctx, acct, t, debts);
}

interface LiveRow {
  pool: string;
  source: string;
  expires_at: number | null;
  granted_at: number;
  remaining_mc: number;
}

function projected(ctx: Ctx, acct: Account, t: number, m: number, debts: Map<string, DebtRow[]>): PoolBalanceMc[] {
  const live = ctx
    .stmt(
      `SELECT g.pool, g.source, g.expires_at, g.granted_at, b.remaining_mc FROM grant_balances b JOIN grants g ON g.id = b.grant_id
       WHERE b.account_id = ? AND b.remaining_mc > 0`,
    )
    .all(acct.id) as LiveRow[];
  const booked = periodAt(acct.rule, Math.max(m, acct.firstPeriodStart));
  // Fix: a new account is materialized only to firstPeriodStart − 1, so its first
  // period's monthly grant is not booked yet; project it too (was shown as 0 credits).
  const nothingBooked = m < acct.firstPeriodStart;
  const period = periodAt(acct.rule, t);
  const plan = planAt(ctx, acct, t);
  return acct.provider.pools.map((pool) => {
    let monthly = 0;
    let topup = 0;
    let monthlyAtBookedEnd = 0;
    for (const g of live) {
      if (g.pool !== pool.id || g.granted_at > t) continue;
      if (MONTHLY_LIKE.has(g.source) && g.expires_at === booked.end) monthlyAtBookedEnd += g.remaining_mc;
      if (g.expires_at !== null && g.expires_at <= t) continue;
      if (MONTHLY_LIKE.has(g.source)) monthly += g.remaining_mc;
      else topup += g.remaining_mc;
    }
    const alloc = plan.amounts[pool.id]!;
    const owed = debts.get(pool.id) ?? [];
    let allocationMc: number;
    let usedMc: number;
    if (nothingBooked || period.start > booked.start) {
      // Resets not booked yet: project them exactly as materialize will book them.
      let carry = 0;
      let prevLeft = nothingBooked ? 0 : monthlyAtBookedEnd;
      let p = nothingBooked ? booked : periodAt(acct.rule, booked.end);
      const cap = pool.rolloverCap === null ? null : parseCredits(pool.rolloverCap, 'rolloverCap', { allowZero: true });
      for (;;) {
        const a = planAt(ctx, acct, p.start).amounts[pool.id]!;
        carry = cap === null ? 0 : Math.min(cap, prevLeft);
        const granted = (typeof a === 'number' ? a : 0) + carry;
        // Each booked reset's grants repay the oldest debts first (book.ts repayDebts): so does each projected one.
        const left = granted - repayRows(owed, granted);
        if (p.start >= period.start) {
          allocationMc = granted;
          monthly = left;
          break;
        }
        prevLeft = left;
        p = periodAt(acct.rule, p.end);
      }
      usedMc = 0;
    } else {
      allocationMc = grantedFor(ctx, acct.id, pool.id, period.start, t);
      usedMc = (ctx.stmt('SELECT used_mc FROM period_usage WHERE account_id = ? AND pool = ? AND period_start = ?').get(acct.id, pool.id, period.start) as { used_mc: number } | undefined)?.used_mc ?? 0;
    }
    const held = (
      ctx.stmt(`SELECT COALESCE(SUM(outstanding_mc), 0) AS h FROM hold_balances WHERE account_id = ? AND pool = ? AND status = 'open' AND expires_at > ?`).get(acct.id, pool.id, t) as {
        h: number;
      }
    ).h;
    return {
      pool: pool.id,
      unlimited: alloc === 'unlimited',
      allocationMc,
      monthlyMc: monthly,
      topupMc: topup,
      heldMc: held,
      usedMc,
      periodStart: period.start,
      nextReset: period.end,
      debt: poolDebt(owed),
    };
  });
}

function grantedFor(ctx: Ctx, accountId: string, pool: string, periodStart: number, t: number): number {
  return (
    ctx
      .stmt(`SELECT COALESCE(SUM(amount_mc), 0) AS a FROM grants WHERE account_id = ? AND pool = ? AND period_start = ? AND granted_at <= ? AND source IN ('monthly','upgrade','rollover')`)
      .get(accountId, pool, periodStart, t) as { a: number }
  ).a;
}

function historical(ctx: Ctx, acct: Account, t: number, debts: Map<string, DebtRow[]>): PoolBalanceMc[] {
  const period = periodAt(acct.rule, t);
  const plan = planAt(ctx, acct, t);
  return acct.provider.pools.map((pool) => {
    const rows = ctx
      .stmt(
        `SELECT g.source, g.expires_at, SUM(CASE e.kind WHEN 'grant' THEN e.amount_mc WHEN 'void' THEN e.amount_mc ELSE -e.amount_mc END) AS rem
         FROM grants g JOIN entries e ON e.grant_id = g.id AND e.at <= ?
         WHERE g.account_id = ? AND g.pool = ? AND g.granted_at <= ? GROUP BY g.id`,
      )
      .all(t, acct.id, pool.id, t) as { source: string; expires_at: number | null; rem: number }[];
    let monthly = 0;
    let topup = 0;
    for (const r of rows) {
      if (r.rem <= 0 || (r.expires_at !== null && r.expires_at <= t)) continue;
      if (MONTHLY_LIKE.has(r.source)) monthly += r.rem;
      else topup += r.rem;
    }
    const used = (
      ctx
        .stmt(
          `SELECT COALESCE(SUM(cost_mc), 0) AS u FROM events e WHERE e.account_id = ? AND e.pool = ? AND e.at >= ? AND e.at <= ?
           AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = e.id AND v.at <= ?)`,
        )
        .get(acct.id, pool.id, period.start, t, t) as { u: number }
    ).u;
    const held = (
      ctx
        .stmt(
          `SELECT COALESCE(SUM(h.amount_mc - COALESCE((SELECT SUM(m.amount_mc) FROM hold_moves m WHERE m.hold_id = h.id AND m.at <= ?), 0)), 0) AS h
           FROM holds h WHERE h.account_id = ? AND h.pool = ? AND h.created_at <= ? AND h.expires_at > ?`,
        )
        .get(t, acct.id, pool.id, t, t) as { h: number }
    ).h;
    return {
      pool: pool.id,
      unlimited: plan.amounts[pool.id] === 'unlimited',
      allocationMc: grantedFor(ctx, acct.id, pool.id, period.start, t),
      monthlyMc: monthly,
      topupMc: topup,
      heldMc: Math.max(0, held),
      usedMc: used,
      periodStart: period.start,
      nextReset: period.end,
      debt: poolDebt(debts.get(pool.id) ?? []),
    };
  });
}

export function getBalance(ctx: Ctx, accountId: string, at?: number): Balance {
  const acct = getAccount(ctx, accountId);
  const t = at ?? ctx.clock.now();
  const plan = planAt(ctx, acct, t);
  const pools = balanceMc(ctx, acct, t).map((b): PoolBalance => {
    const def = acct.provider.pools.find((p) => p.id === b.pool)!;
    const debt = b.debt;
    const remaining = b.monthlyMc + b.topupMc;
    return {
      pool: b.pool,
      label: def.label,
      unit: def.unit,
      unlimited: b.unlimited,
      allocation: b.unlimited ? null : mcToCredits(b.allocationMc),
      monthlyRemaining: b.unlimited ? null : mcToCredits(b.monthlyMc),
      topupRemaining: mcToCredits(b.topupMc),
      remaining: b.unlimited ? null : mcToCredits(remaining),
      held: mcToCredits(b.heldMc),
      available: b.unlimited ? null : mcToCredits(Math.max(0, remaining - b.heldMc)),
      usedThisPeriod: mcToCredits(b.usedMc),
      periodStart: iso(b.periodStart),
      nextReset: iso(b.nextReset),
      overdrawn: mcToCredits(debt.outstandingMc),
      overdrawnBy: debt.byMember.map((m) => ({ member: m.member, credits: mcToCredits(m.mc) })),
    };
  });
  return { account: acct.id, name: acct.name, provider: acct.provider.id, plan: plan.plan.id, planName: plan.plan.name, zone: acct.zone, at: iso(t), pools };
}
