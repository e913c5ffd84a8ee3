/** Refusals are recorded so a user can later see why work stopped. */
import { RefusedError, type RefusalReason } from '../util/errors.js';
import { iso } from '../util/period.js';
import type { Ctx } from './context.js';

export interface RefusalRecord {
  accountId: string;
  key?: string | null;
  action: string;
  pool?: string | null;
  quantityMilli?: number;
  at: number;
  member?: string | null;
  attrs?: Record<string, string>;
  reason: RefusalReason;
  message: string;
  details?: Record<string, unknown>;
}

export function recordRefusal(ctx: Ctx, r: RefusalRecord): number {
  const res = ctx
    .stmt(
      `INSERT INTO refusals (account_id, key, action, pool, quantity_milli, at, member, attrs, reason, message, details, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      r.accountId,
      r.key ?? null,
      r.action,
      r.pool ?? null,
      r.quantityMilli ?? 0,
      r.at,
      r.member ?? null,
      JSON.stringify(r.attrs ?? {}),
      r.reason,
      r.message,
      JSON.stringify(r.details ?? {}),
      ctx.clock.now(),
    );
  return Number(res.lastInsertRowid);
}

/** Record the refusal in its own transaction, then throw it. */
export function refuseNow(ctx: Ctx, r: RefusalRecord): never {
  const id = ctx.write(() => recordRefusal(ctx, r));
  throw new RefusedError(r.message, r.reason, { ...(r.details ?? {}), refusalId: id });
}

export interface RefusalView {
  id: number;
  account: string;
  action: string;
  pool: string | null;
  at: string;
  member: string | null;
  reason: RefusalReason;
  message: string;
  details: Record<string, unknown>;
}

export function listRefusals(ctx: Ctx, accountId: string, limit = 50): RefusalView[] {
  const rows = ctx.stmt('SELECT * FROM refusals WHERE account_id = ? ORDER BY at DESC, id DESC LIMIT ?').all(accountId, limit) as {
    id: number;
    account_id: string;
    action: string;
    pool: string | null;
    at: number;
    member: string | null;
    reason: RefusalReason;
    message: string;
    details: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    account: r.account_id,
    action: r.action,
    pool: r.pool,
    at: iso(r.at),
    member: r.member,
    reason: r.reason,
    message: r.message,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}
