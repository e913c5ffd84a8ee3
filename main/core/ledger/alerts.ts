/**
 * Threshold alerts: recorded once per pool per period (a unique index, so a
 * retry or a second process cannot record one twice) for the app to notify.
 */
import { formatMc } from '../util/credits.js';
import { iso } from '../util/period.js';
import type { Account } from './accounts.js';
import type { Ctx } from './context.js';

/**
 * threshold: a share of the period's allocation used; spend: a share of the
 * monthly spending limit used (alert basis "limit" or "both"); limit: work
 * refused by the account's or a member's spending limit; overdrawn: an entry
 * recorded offline arrived when its pool could not cover it (overdrafts.ts).
 */
export type AlertKind = 'threshold' | 'low-balance' | 'exhausted' | 'limit' | 'spend' | 'overdrawn';

/** Alerts about the whole account (spending limits span every pool) carry this pool. */
export const ACCOUNT_WIDE = '*';

export interface Alert {
  id: number;
  account: string;
  pool: string;
  periodStart: string;
  kind: AlertKind;
  level: number;
  at: string;
  message: string;
  /** The member whose own spending limit the alert is about. */
  member?: string;
}

export function recordAlert(ctx: Ctx, acct: Account, pool: string, periodStart: number, kind: AlertKind, level: number, at: number, message: string, member: string | null = null): Alert | null {
  const r = ctx
    .stmt('INSERT OR IGNORE INTO alerts (account_id, pool, period_start, kind, level, at, message, member) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(acct.id, pool, periodStart, kind, level, at, message, member);
  if (r.changes === 0) return null;
  return { id: Number(r.lastInsertRowid), account: acct.id, pool, periodStart: iso(periodStart), kind, level, at: iso(at), message, ...(member === null ? {} : { member }) };
}

/** Threshold alerts against the monthly spending limit, after the account's period spend moved from `before` to `after`. */
export function checkSpendAlerts(ctx: Ctx, acct: Account, periodStart: number, before: number, after: number, at: number): Alert[] {
  const limit = acct.monthlyLimitMc;
  if (limit === null || limit === 0 || acct.alertBasis === 'allocation') return [];
  const out: Alert[] = [];
  for (const level of acct.thresholds) {
    const mark = limit * level;
    if (before * 100 < mark && after * 100 >= mark) {
      const a = recordAlert(ctx, acct, ACCOUNT_WIDE, periodStart, 'spend', level, at, `${acct.name}: ${level} % of the monthly spending limit used (${formatMc(after, { group: true })} of ${formatMc(limit, { group: true })} credits)`);
      if (a) out.push(a);
    }
  }
  return out;
}

/** What a pool's move crosses: allocation thresholds (levels) and the low-balance level, or null. Pure, so the import can ask before it writes. */
export function poolAlertsCrossed(
  acct: Account,
  allocationMc: number,
  before: number,
  after: number,
  remainingBefore: number,
  remainingAfter: number,
): { levels: number[]; low: number | null } {
  const levels: number[] = [];
  if (allocationMc > 0 && acct.alertBasis !== 'limit') {
    for (const level of acct.thresholds) {
      const mark = allocationMc * level; // compare used*100 against alloc*level: integers only
      if (before * 100 < mark && after * 100 >= mark) levels.push(level);
    }
  }
  // A level in credits, or a share of this period's allocation (Flowly's low-credit emails).
  const low = acct.lowBalanceMc ?? (acct.lowBalancePct !== null && allocationMc > 0 ? Math.floor((allocationMc * acct.lowBalancePct) / 100) : null);
  return { levels, low: low !== null && remainingBefore > low && remainingAfter <= low ? low : null };
}

/** Alerts for a pool after its period usage moved from `before` to `after` (millicredits). */
export function checkPoolAlerts(
  ctx: Ctx,
  acct: Account,
  pool: string,
  periodStart: number,
  allocationMc: number,
  before: number,
  after: number,
  remainingBefore: number,
  remainingAfter: number,
  at: number,
): Alert[] {
  const out: Alert[] = [];
  const crossed = poolAlertsCrossed(acct, allocationMc, before, after, remainingBefore, remainingAfter);
  for (const level of crossed.levels) {
    const what = pool === 'credits' ? 'allocation' : `${pool} allocation`;
    const a = recordAlert(ctx, acct, pool, periodStart, 'threshold', level, at, `${acct.name}: ${level} % of this period's ${what} used (${formatMc(after)} used, ${formatMc(allocationMc)} granted)`);
    if (a) out.push(a);
  }
  if (crossed.low !== null) {
    const level = acct.lowBalanceMc === null ? ` (${acct.lowBalancePct} % of the allocation)` : '';
    const a = recordAlert(ctx, acct, pool, periodStart, 'low-balance', 0, at, `${acct.name}: ${pool === 'credits' ? 'credit' : pool} balance is low (${formatMc(remainingAfter)} left, alert level ${formatMc(crossed.low)}${level})`);
    if (a) out.push(a);
  }
  return out;
}

interface AlertRow {
  id: number;
  account_id: string;
  pool: string;
  period_start: number;
  kind: AlertKind;
  level: number;
  at: number;
  message: string;
  member: string | null;
}

export function listAlerts(ctx: Ctx, accountId: string | null, sinceId = 0, limit = 100): Alert[] {
  const rows = ctx
    .stmt('SELECT * FROM alerts WHERE (? IS NULL OR account_id = ?) AND id > ? ORDER BY id DESC LIMIT ?')
    .all(accountId, accountId, sinceId, limit) as AlertRow[];
  return rows.map((r) => ({
    id: r.id,
    account: r.account_id,
    pool: r.pool,
    periodStart: iso(r.period_start),
    kind: r.kind,
    level: r.level,
    at: iso(r.at),
    message: r.message,
    ...(r.member === null ? {} : { member: r.member }),
  }));
}

