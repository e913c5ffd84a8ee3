/**
 * Low-level bookkeeping: every movement of credits is an entry against one
 * grant, and the grant's summary row moves with it in the same transaction.
 */
import type { Ctx } from './context.js';

export type GrantSource = 'monthly' | 'upgrade' | 'rollover' | 'purchase' | 'bonus' | 'promo' | 'manual';
export type EntryKind = 'grant' | 'use' | 'expire' | 'refund' | 'void';

/** Monthly-like grants belong to one period and expire at its reset. */
export const MONTHLY_LIKE: ReadonlySet<string> = new Set(['monthly', 'upgrade', 'rollover']);

export interface GrantInsert {
  accountId: string;
  pool: string;
  source: GrantSource;
  amountMc: number;
  grantedAt: number;
  expiresAt: number | null;
  periodStart: number | null;
  priceMinor?: number | null;
  currency?: string | null;
  refundableUntil?: number | null;
  key?: string | null;
  note?: string | null;
}

export function insertGrant(ctx: Ctx, g: GrantInsert): string {
  const id = ctx.ids.next('gr');
  ctx
    .stmt(
      `INSERT INTO grants (id, account_id, pool, source, amount_mc, granted_at, expires_at, period_start, price_minor, currency, refundable_until, key, note, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      g.accountId,
      g.pool,
      g.source,
      g.amountMc,
      g.grantedAt,
      g.expiresAt,
      g.periodStart,
      g.priceMinor ?? null,
      g.currency ?? null,
      g.refundableUntil ?? null,
      g.key ?? null,
      g.note ?? null,
      ctx.clock.now(),
    );
  ctx
    .stmt('INSERT INTO entries (account_id, pool, grant_id, kind, amount_mc, at, event_id) VALUES (?, ?, ?, ?, ?, ?, NULL)')
    .run(g.accountId, g.pool, id, 'grant', g.amountMc, g.grantedAt);
  ctx
    .stmt('INSERT INTO grant_balances (grant_id, account_id, pool, remaining_mc, used_mc, expired_mc, refunded_mc, voided_mc) VALUES (?, ?, ?, ?, 0, 0, 0, 0)')
    .run(id, g.accountId, g.pool, g.amountMc);
  if (g.expiresAt !== null) noteDue(ctx, g.accountId, g.expiresAt);
  repayDebts(ctx, g.accountId, g.pool, id, g.amountMc, g.grantedAt);
  return id;
}

/**
 * A new grant repays the pool's overdrafts first, oldest first (docs/team.md,
 * "Overdrafts"): each repayment is a 'use' entry of the overdrawn event on this
 * grant and an overdraft_moves row, so after the grant the pool holds grant − debt.
 */
function repayDebts(ctx: Ctx, accountId: string, pool: string, grantId: string, amountMc: number, at: number): void {
  const owed = ctx
    .stmt('SELECT b.event_id, b.outstanding_mc FROM overdraft_balances b JOIN overdrafts o ON o.event_id = b.event_id WHERE b.account_id = ? AND b.pool = ? AND b.outstanding_mc > 0 ORDER BY o.at, o.event_id')
    .all(accountId, pool) as { event_id: string; outstanding_mc: number }[];
  let left = amountMc;
  for (const d of owed) {
    if (left === 0) break;
    const take = Math.min(left, d.outstanding_mc);
    postEntry(ctx, { accountId, pool, grantId, kind: 'use', amountMc: take, at, eventId: d.event_id });
    ctx.stmt(`INSERT INTO overdraft_moves (event_id, kind, grant_id, amount_mc, at) VALUES (?, 'repay', ?, ?, ?)`).run(d.event_id, grantId, take, at);
    ctx.stmt('UPDATE overdraft_balances SET outstanding_mc = outstanding_mc - ? WHERE event_id = ?').run(take, d.event_id);
    left -= take;
  }
}

const COLUMN: Record<Exclude<EntryKind, 'grant'>, string> = {
  use: 'used_mc',
  expire: 'expired_mc',
  refund: 'refunded_mc',
  void: 'voided_mc',
};

/** Post one movement against a grant; 'void' returns credits, the others take them. */
export function postEntry(
  ctx: Ctx,
  e: { accountId: string; pool: string; grantId: string; kind: Exclude<EntryKind, 'grant'>; amountMc: number; at: number; eventId?: string | null },
): void {
  if (e.amountMc <= 0) return;
  ctx
    .stmt('INSERT INTO entries (account_id, pool, grant_id, kind, amount_mc, at, event_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(e.accountId, e.pool, e.grantId, e.kind, e.amountMc, e.at, e.eventId ?? null);
  moveGrant(ctx, e.grantId, e.kind, e.amountMc);
}

/** Move a grant's summary row by the entries posted against it (one, or a batch's sum). */
export function moveGrant(ctx: Ctx, grantId: string, kind: Exclude<EntryKind, 'grant'>, amountMc: number): void {
  const sign = kind === 'void' ? 1 : -1;
  // The CHECK (remaining_mc >= 0) makes overdrawing a grant impossible, not just unlikely.
  ctx
    .stmt(`UPDATE grant_balances SET remaining_mc = remaining_mc + ?, ${COLUMN[kind]} = ${COLUMN[kind]} + ? WHERE grant_id = ?`)
    .run(sign * amountMc, amountMc, grantId);
}

/** Move a period's usage summary; returns the new total. */
export function bumpPeriodUsage(ctx: Ctx, accountId: string, pool: string, periodStart: number, deltaMc: number, deltaEvents: number): number {
  const r = ctx
    .stmt(
      `INSERT INTO period_usage (account_id, pool, period_start, used_mc, events) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account_id, pool, period_start) DO UPDATE SET used_mc = used_mc + excluded.used_mc, events = events + excluded.events
       RETURNING used_mc`,
    )
    .get(accountId, pool, periodStart, deltaMc, deltaEvents) as { used_mc: number };
  return r.used_mc;
}

export const ROLLUP_MS = 15 * 60_000;

/** Move the 15-minute usage rollup for one event (sign −1 for a void). */
export function bumpRollup(
  ctx: Ctx,
  e: { accountId: string; at: number; pool: string; action: string; member: string | null; status: string; quantityMilli: number; costMc: number },
  sign: 1 | -1,
): void {
  addRollup(ctx, { accountId: e.accountId, bucket: e.at - (e.at % ROLLUP_MS), pool: e.pool, action: e.action, member: e.member ?? '', status: e.status, events: sign, quantityMilli: sign * e.quantityMilli, costMc: sign * e.costMc });
}

export interface RollupDelta {
  accountId: string;
  bucket: number;
  pool: string;
  action: string;
  member: string;
  status: string;
  events: number;
  quantityMilli: number;
  costMc: number;
}

/** Add to one rollup row: one event's move, or a batch's sum (the import). */
export function addRollup(ctx: Ctx, r: RollupDelta): void {
  ctx
    .stmt(
      `INSERT INTO usage_rollup (account_id, bucket, pool, action, member, status, events, quantity_milli, cost_mc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, bucket, pool, action, member, status) DO UPDATE SET
         events = events + excluded.events, quantity_milli = quantity_milli + excluded.quantity_milli, cost_mc = cost_mc + excluded.cost_mc`,
    )
    .run(r.accountId, r.bucket, r.pool, r.action, r.member, r.status, r.events, r.quantityMilli, r.costMc);
}

/** Something new will expire at `at`: make sure the next write looks at it then. */
export function noteDue(ctx: Ctx, accountId: string, at: number): void {
  ctx.stmt('UPDATE account_state SET next_due = MIN(next_due, ?) WHERE account_id = ?').run(at, accountId);
}

export function bumpCounter(ctx: Ctx, accountId: string, scope: string, bucket: number, deltaMc: number): void {
  ctx
    .stmt(
      `INSERT INTO spend_counters (account_id, scope, bucket, spent_mc) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id, scope, bucket) DO UPDATE SET spent_mc = spent_mc + excluded.spent_mc`,
    )
    .run(accountId, scope, bucket, deltaMc);
}

export function counter(ctx: Ctx, accountId: string, scope: string, bucket: number): number {
  const r = ctx.stmt('SELECT spent_mc FROM spend_counters WHERE account_id = ? AND scope = ? AND bucket = ?').get(accountId, scope, bucket) as
    | { spent_mc: number }
    | undefined;
  return r?.spent_mc ?? 0;
}

export interface LiveGrant {
  id: string;
  source: GrantSource;
  expires_at: number | null;
  granted_at: number;
  remaining_mc: number;
}

/** The draw-down order (below); it reads no time, so one ordered list serves every instant. */
const DRAW_ORDER = `ORDER BY CASE g.source WHEN 'monthly' THEN 0 WHEN 'upgrade' THEN 0 ELSE 1 END,
                g.expires_at IS NULL, g.expires_at,
                CASE g.source WHEN 'promo' THEN 0 WHEN 'bonus' THEN 0 WHEN 'manual' THEN 1 ELSE 2 END,
                g.granted_at, g.id`;

/**
 * Grants that can pay at instant t, in draw-down order: the current period's
 * monthly grant first, then the soonest-expiring grant, then promo/bonus before
 * manual before purchased, then oldest first (ties broken by id, so the order
 * is total and deterministic).
 */
export function liveGrants(ctx: Ctx, accountId: string, pool: string, t: number): LiveGrant[] {
  return ctx
    .stmt(
      `SELECT g.id, g.source, g.expires_at, g.granted_at, b.remaining_mc
       FROM grant_balances b JOIN grants g ON g.id = b.grant_id
       WHERE b.account_id = ? AND b.pool = ? AND b.remaining_mc > 0 AND g.granted_at <= ? AND (g.expires_at IS NULL OR g.expires_at > ?)
       ${DRAW_ORDER}`,
    )
    .all(accountId, pool, t, t) as LiveGrant[];
}

/** Every grant of a pool with credits left, live or not, in draw-down order: liveGrants at t is this list filtered by isLiveAt. */
export function grantsInDrawOrder(ctx: Ctx, accountId: string, pool: string): LiveGrant[] {
  return ctx
    .stmt(
      `SELECT g.id, g.source, g.expires_at, g.granted_at, b.remaining_mc
       FROM grant_balances b JOIN grants g ON g.id = b.grant_id
       WHERE b.account_id = ? AND b.pool = ? AND b.remaining_mc > 0
       ${DRAW_ORDER}`,
    )
    .all(accountId, pool) as LiveGrant[];
}

/** liveGrants' own test of one grant at t. */
export function isLiveAt(g: LiveGrant, t: number): boolean {
  return g.remaining_mc > 0 && g.granted_at <= t && (g.expires_at === null || g.expires_at > t);
}

/** Credits reserved by open holds on a pool at instant t. */
export function heldAt(ctx: Ctx, accountId: string, pool: string, t: number, exceptHold?: string | null): number {
  const r = ctx
    .stmt(
      `SELECT COALESCE(SUM(outstanding_mc), 0) AS held FROM hold_balances
       WHERE account_id = ? AND pool = ? AND status = 'open' AND expires_at > ? AND hold_id IS NOT ?`,
    )
    .get(accountId, pool, t, exceptHold ?? null) as { held: number };
  return r.held;
}
