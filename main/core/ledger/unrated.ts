/**
 * Usage the rate card did not price: a reconciliation with a vendor's meter
 * (reconcile.ts) or an opening entry (opening.ts). One event of the ledger's
 * own action, quantity = credits, drawn down like any usage so balances,
 * reports, pace and the invariants stay one story. The caller has checked
 * that the grants given hold the amount, inside its write transaction.
 */
import { periodAt } from '../util/period.js';
import type { Account } from './accounts.js';
import { bumpPeriodUsage, bumpRollup, postEntry, type LiveGrant } from './book.js';
import { checkPeriodRoom } from './bounds.js';
import type { Ctx } from './context.js';
import { eventIdOf } from './usage.js';

export interface UnratedUse {
  pool: string;
  action: string;
  amountMc: number;
  t: number;
  /** The event's idempotency key (also its fingerprint): unique per account. */
  key: string;
  /** The pool's live grants at t, in draw-down order (none for an unlimited pool). */
  grants: LiveGrant[];
}

/** Book the event and its draw-down; answers the event id. */
export function bookUnratedUsage(ctx: Ctx, acct: Account, u: UnratedUse): string {
  const seq = (ctx.stmt('SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM events').get() as { s: number }).s;
  const eventId = eventIdOf(seq);
  const moves: [string, number][] = [];
  let rest = u.amountMc;
  for (const g of u.grants) {
    if (rest === 0) break;
    const take = Math.min(rest, g.remaining_mc);
    postEntry(ctx, { accountId: acct.id, pool: u.pool, grantId: g.id, kind: 'use', amountMc: take, at: u.t, eventId });
    moves.push([g.id, take]);
    rest -= take;
  }
  ctx
    .stmt(
      `INSERT INTO events (seq, id, account_id, key, fingerprint, action, pool, quantity_milli, at, member, attrs, status, cost_mc, hold_id, covered_by, debits, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 'applied', ?, NULL, NULL, ?, ?)`,
    )
    .run(seq, eventId, acct.id, u.key, u.key, u.action, u.pool, u.amountMc, u.t, u.amountMc, moves.length ? JSON.stringify(moves) : null, ctx.clock.now());
  bumpRollup(ctx, { accountId: acct.id, at: u.t, pool: u.pool, action: u.action, member: null, status: 'applied', quantityMilli: u.amountMc, costMc: u.amountMc }, 1);
  const period = periodAt(acct.rule, u.t);
  checkPeriodRoom(ctx, acct, period.start, bumpPeriodUsage(ctx, acct.id, u.pool, period.start, u.amountMc, 1));
  return eventId;
}
