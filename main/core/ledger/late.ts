/**
 * Late entries (docs/team.md, "Late entries"): an entry recorded on a member's
 * machine and dated in a period that has since reset. Within the account's
 * grace window after that reset (default 72 h) it is booked in its own period,
 * drawing first on the credits that expired at that reset — so later balances
 * move only by what those could not cover; after the window it is refused
 * (late_entry). Nothing already written changes: a late draw is a row of its
 * own (late_draws), next to the grant's expiry it draws on.
 */
import { InputError } from '../util/errors.js';
import { parseWhole } from '../util/credits.js';
import { iso, periodAt } from '../util/period.js';
import type { Account } from './accounts.js';
import { getAccount } from './accounts.js';
import type { Ctx } from './context.js';
import { materializedTo } from './materialize.js';

export const DEFAULT_GRACE_HOURS = 72;
/** A month and a half: past that the period is long gone from anyone's books. */
export const MAX_GRACE_HOURS = 1080;
const HOUR_MS = 3_600_000;

export function graceHours(ctx: Ctx, accountId: string): number {
  return (ctx.stmt('SELECT grace_hours FROM accounts WHERE id = ?').get(accountId) as { grace_hours: number } | undefined)?.grace_hours ?? DEFAULT_GRACE_HOURS;
}

export function checkGraceHours(hours: string | number): number {
  return parseWhole(String(hours), '--grace-hours', { allowZero: true, max: MAX_GRACE_HOURS });
}

export function setGraceHours(ctx: Ctx, accountId: string, hours: string | number): number {
  const acct = getAccount(ctx, accountId);
  const h = checkGraceHours(hours);
  ctx.write(() => {
    ctx.stmt('UPDATE accounts SET grace_hours = ? WHERE id = ?').run(h, acct.id);
    ctx.configChanged();
  });
  return h;
}

export interface Lateness {
  /** The reset that closed the entry's period. */
  reset: number;
  /** The start of the period open now: what the entry's other checks are made against. */
  open: number;
  /** Until when the account takes entries for that period. */
  until: number;
  graceHours: number;
}

/** Null when t falls in the open period; otherwise the reset that closed t's period and the grace window after it. */
export function lateness(ctx: Ctx, acct: Account, t: number): Lateness | null {
  const open = periodAt(acct.rule, Math.max(materializedTo(ctx, acct.id), acct.firstPeriodStart)).start;
  if (t >= open) return null;
  if (t < acct.firstPeriodStart) throw new InputError(`--at ${iso(t)} is before ${acct.name}'s first period (${iso(acct.firstPeriodStart)})`, '--at');
  const reset = periodAt(acct.rule, t).end;
  const hours = graceHours(ctx, acct.id);
  return { reset, open, until: reset + hours * HOUR_MS, graceHours: hours };
}

export interface ExpiredCredits {
  grantId: string;
  mc: number;
}

/**
 * What a late entry may still draw from the credits of `pool` that expired at
 * `reset`, per grant in draw-down order: each grant's expiry less what late
 * entries (not voided) already drew on it, and, in all, less what the reset
 * carried over (a rollover grant holds those credits now: they did not expire).
 */
export function expiredAt(ctx: Ctx, accountId: string, pool: string, reset: number): ExpiredCredits[] {
  const rows = ctx
    .stmt(
      `SELECT g.id, b.expired_mc - COALESCE((SELECT SUM(d.amount_mc) FROM late_draws d WHERE d.grant_id = g.id AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = d.event_id)), 0) AS left
       FROM grants g JOIN grant_balances b ON b.grant_id = g.id
       WHERE g.account_id = ? AND g.pool = ? AND g.expires_at = ? AND b.expired_mc > 0
       ORDER BY CASE g.source WHEN 'monthly' THEN 0 WHEN 'upgrade' THEN 0 ELSE 1 END,
                CASE g.source WHEN 'promo' THEN 0 WHEN 'bonus' THEN 0 WHEN 'manual' THEN 1 ELSE 2 END, g.granted_at, g.id`,
    )
    .all(accountId, pool, reset) as { id: string; left: number }[];
  const carried = (
    ctx.stmt(`SELECT COALESCE(SUM(amount_mc), 0) AS c FROM grants WHERE account_id = ? AND pool = ? AND source = 'rollover' AND granted_at = ?`).get(accountId, pool, reset) as { c: number }
  ).c;
  // The carried credits come off the monthly-like grants' expiry first: those are what a rollover carries.
  let uncarried = carried;
  const out: ExpiredCredits[] = [];
  for (const r of rows) {
    const skip = Math.min(uncarried, r.left);
    uncarried -= skip;
    if (r.left - skip > 0) out.push({ grantId: r.id, mc: r.left - skip });
  }
  return out;
}

export function recordLateDraw(ctx: Ctx, eventId: string, grantId: string, amountMc: number, at: number): void {
  ctx.stmt('INSERT INTO late_draws (event_id, grant_id, amount_mc, at) VALUES (?, ?, ?, ?)').run(eventId, grantId, amountMc, at);
}

/** What an event drew from expired credits, in millicredits. */
export function lateDrawnBy(ctx: Ctx, eventId: string): number {
  return (ctx.stmt('SELECT COALESCE(SUM(amount_mc), 0) AS s FROM late_draws WHERE event_id = ?').get(eventId) as { s: number }).s;
}

/**
 * The late draws' invariants (checkInvariants): each names an event of the
 * grant's account and pool, dated before the grant expired; and no grant gives
 * late entries more than it expired.
 */
export function lateDrawProblems(ctx: Ctx): string[] {
  const problems: string[] = [];
  const bad = ctx
    .stmt(
      `SELECT d.id, d.event_id FROM late_draws d JOIN grants g ON g.id = d.grant_id LEFT JOIN events e ON e.id = d.event_id
       WHERE e.id IS NULL OR e.account_id != g.account_id OR e.pool != g.pool OR g.expires_at IS NULL OR e.at >= g.expires_at`,
    )
    .all() as { id: number; event_id: string }[];
  for (const b of bad) problems.push(`late draw ${b.id}: event ${b.event_id} is not an earlier event of its grant's pool`);
  const over = ctx
    .stmt(
      `SELECT d.grant_id, SUM(d.amount_mc) AS drawn, b.expired_mc FROM late_draws d JOIN grant_balances b ON b.grant_id = d.grant_id
       WHERE NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = d.event_id) GROUP BY d.grant_id HAVING drawn > b.expired_mc`,
    )
    .all() as { grant_id: string; drawn: number; expired_mc: number }[];
  for (const o of over) problems.push(`grant ${o.grant_id}: late entries drew ${o.drawn}, more than the ${o.expired_mc} that expired`);
  return problems;
}
