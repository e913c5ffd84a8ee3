/**
 * Brings an account's ledger up to an instant: grants each period's monthly
 * allocation once, carries a rollover where a pool allows one, expires what
 * has expired (as entries dated at the expiry instant) and releases expired
 * holds. Runs inside the caller's write transaction; the unique index on
 * (account, pool, source, period) makes a second grant impossible even if two
 * processes race.
 */
import { mcToCredits, parseCredits } from '../util/credits.js';
import { periodAt, resetsBetween } from '../util/period.js';
import type { Account } from './accounts.js';
import { planAt } from './accounts.js';
import { insertGrant, postEntry } from './book.js';
import type { Ctx } from './context.js';

export interface State {
  horizon: number;
  nextDue: number;
}

/**
 * The horizon: every reset, expiry and hold lapse up to it is booked and no
 * entry is dated after it. Usage events do not move the stored mark (that
 * would cost a page write per event); the latest event time covers them.
 */
export function horizonState(ctx: Ctx, accountId: string): State {
  const r = ctx
    .stmt('SELECT s.materialized_to AS m, s.next_due AS due, (SELECT MAX(at) FROM events WHERE account_id = s.account_id) AS last FROM account_state s WHERE s.account_id = ?')
    .get(accountId) as { m: number; due: number; last: number | null };
  return { horizon: r.last === null ? r.m : Math.max(r.m, r.last), nextDue: r.due };
}

export function materializedTo(ctx: Ctx, accountId: string): number {
  return horizonState(ctx, accountId).horizon;
}

/**
 * `usage` is true for a usage event about to be inserted at t: its own row
 * then marks the horizon. Every other write dated t stores the mark.
 */
export function materialize(ctx: Ctx, acct: Account, t: number, usage = false): void {
  const s = horizonState(ctx, acct.id);
  const m = s.horizon;
  if (t <= m) return;
  if (t < s.nextDue) {
    // Nothing resets or expires before t.
    if (!usage) ctx.stmt('UPDATE account_state SET materialized_to = ? WHERE account_id = ?').run(t, acct.id);
    return;
  }
  for (const r of resetsBetween(acct.rule, m, t)) {
    const next = periodAt(acct.rule, r).end;
    const plan = planAt(ctx, acct, r);
    for (const pool of acct.provider.pools) {
      if (pool.rolloverCap !== null && r > acct.firstPeriodStart) {
        const cap = parseCredits(pool.rolloverCap, 'rolloverCap', { allowZero: true });
        const left = ctx
          .stmt(
            `SELECT COALESCE(SUM(b.remaining_mc), 0) AS left FROM grants g JOIN grant_balances b ON b.grant_id = g.id
             WHERE g.account_id = ? AND g.pool = ? AND g.source IN ('monthly','upgrade','rollover') AND g.expires_at = ?`,
          )
          .get(acct.id, pool.id, r) as { left: number };
        const carry = Math.min(cap, left.left);
        if (carry > 0) {
          insertGrant(ctx, {
            accountId: acct.id,
            pool: pool.id,
            source: 'rollover',
            amountMc: carry,
            grantedAt: r,
            expiresAt: next,
            periodStart: r,
            note: `carried over (cap ${mcToCredits(cap)})`,
          });
        }
      }
      const alloc = plan.amounts[pool.id];
      if (typeof alloc === 'number' && alloc > 0) {
        insertGrant(ctx, { accountId: acct.id, pool: pool.id, source: 'monthly', amountMc: alloc, grantedAt: r, expiresAt: next, periodStart: r });
      }
    }
  }
  expireGrants(ctx, acct.id, t);
  expireHolds(ctx, acct.id, t);
  const nextGrant = ctx
    .stmt(
      `SELECT MIN(g.expires_at) AS due FROM grants g JOIN grant_balances b ON b.grant_id = g.id
       WHERE g.account_id = ? AND g.expires_at > ? AND b.remaining_mc > 0`,
    )
    .get(acct.id, t) as { due: number | null };
  const nextHold = ctx.stmt(`SELECT MIN(expires_at) AS due FROM hold_balances WHERE account_id = ? AND status = 'open'`).get(acct.id) as { due: number | null };
  const due = Math.min(periodAt(acct.rule, t).end, nextGrant.due ?? Infinity, nextHold.due ?? Infinity);
  ctx.stmt('UPDATE account_state SET materialized_to = ?, next_due = ? WHERE account_id = ?').run(t, due, acct.id);
}

function expireGrants(ctx: Ctx, accountId: string, t: number): void {
  const due = ctx
    .stmt(
      `SELECT g.id, g.pool, g.expires_at, b.remaining_mc FROM grants g JOIN grant_balances b ON b.grant_id = g.id
       WHERE g.account_id = ? AND g.expires_at IS NOT NULL AND g.expires_at <= ? AND b.remaining_mc > 0`,
    )
    .all(accountId, t) as { id: string; pool: string; expires_at: number; remaining_mc: number }[];
  for (const g of due) {
    postEntry(ctx, { accountId, pool: g.pool, grantId: g.id, kind: 'expire', amountMc: g.remaining_mc, at: g.expires_at });
  }
}

function expireHolds(ctx: Ctx, accountId: string, t: number): void {
  const due = ctx
    .stmt(`SELECT hold_id, outstanding_mc, expires_at FROM hold_balances WHERE account_id = ? AND status = 'open' AND expires_at <= ?`)
    .all(accountId, t) as { hold_id: string; outstanding_mc: number; expires_at: number }[];
  for (const h of due) {
    ctx.stmt('INSERT INTO hold_moves (hold_id, kind, amount_mc, at, event_id) VALUES (?, ?, ?, ?, NULL)').run(h.hold_id, 'expire', h.outstanding_mc, h.expires_at);
    ctx.stmt(`UPDATE hold_balances SET outstanding_mc = 0, status = 'expired' WHERE hold_id = ?`).run(h.hold_id);
  }
}
