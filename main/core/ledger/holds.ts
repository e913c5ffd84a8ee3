/**
 * Holds reserve credits for a batch job before it fans out. A hold is a claim
 * on a pool (not on particular grants): other usage cannot spend what is held,
 * captures (usage recorded with the hold) draw it down, and releasing or
 * expiring the hold frees what is left.
 */
import { InputError } from '../util/errors.js';
import { formatMc, mcToCredits, parseCredits } from '../util/credits.js';
import { iso } from '../util/period.js';
import { assertPool, getAccount } from './accounts.js';
import { heldAt, liveGrants, noteDue } from './book.js';
import type { Ctx } from './context.js';
import { checkKey, checkNotBefore, checkWriteTime, firstDifference, keyReuseError } from './guards.js';
import { materialize } from './materialize.js';
import { recordRefusal } from './refusals.js';
import { RefusedError } from '../util/errors.js';
import { isUnlimited, recordUsage, type UseInput, type UseResult } from './usage.js';

export const DEFAULT_HOLD_MS = 60 * 60_000;

export interface HoldInput {
  account: string;
  pool: string;
  amount: string | number;
  at?: number;
  expiresAt?: number;
  /** How long the hold lasts from its time (an agent's TTL); a replay compares it, not the instant it ends. */
  ttlMs?: number;
  key?: string;
  note?: string;
}

export interface HoldView {
  holdId: string;
  account: string;
  pool: string;
  credits: number;
  outstanding: number;
  captured: number;
  status: 'open' | 'released' | 'expired';
  createdAt: string;
  expiresAt: string;
}

interface HoldRow {
  id: string;
  account_id: string;
  pool: string;
  amount_mc: number;
  created_at: number;
  expires_at: number;
  outstanding_mc: number;
  status: 'open' | 'released' | 'expired';
}

function view(ctx: Ctx, id: string): HoldView {
  const h = ctx.stmt('SELECT h.*, b.outstanding_mc, b.status FROM holds h JOIN hold_balances b ON b.hold_id = h.id WHERE h.id = ?').get(id) as HoldRow | undefined;
  if (!h) throw new InputError(`hold "${id}" was not found`, 'hold');
  const captured = (ctx.stmt(`SELECT COALESCE(SUM(amount_mc), 0) AS c FROM hold_moves WHERE hold_id = ? AND kind = 'capture'`).get(id) as { c: number }).c;
  const status = h.status === 'open' && h.expires_at <= ctx.clock.now() ? 'expired' : h.status;
  return {
    holdId: h.id,
    account: h.account_id,
    pool: h.pool,
    credits: mcToCredits(h.amount_mc),
    outstanding: status === 'open' ? mcToCredits(h.outstanding_mc) : 0,
    captured: mcToCredits(captured),
    status,
    createdAt: iso(h.created_at),
    expiresAt: iso(h.expires_at),
  };
}

export function getHold(ctx: Ctx, id: string): HoldView {
  return view(ctx, id);
}

export function placeHold(ctx: Ctx, input: HoldInput): HoldView {
  const acct = getAccount(ctx, input.account);
  assertPool(acct, input.pool);
  const amount = parseCredits(input.amount, 'amount');
  const t = input.at ?? ctx.clock.now();
  if (input.expiresAt !== undefined && input.ttlMs !== undefined) throw new InputError('give either --expires or a ttl, not both', 'ttl');
  const expiresAt = input.expiresAt ?? t + (input.ttlMs ?? DEFAULT_HOLD_MS);
  if (expiresAt <= t) throw new InputError(`--expires ${iso(expiresAt)} must be after ${iso(t)}`, 'expires');
  const key = input.key === undefined ? null : checkKey(input.key);
  const out = ctx.write((): { ok: string } | { refused: { message: string; refusalId: number; available: number } } => {
    if (key !== null) {
      const prior = ctx.stmt('SELECT id, pool, amount_mc, created_at, expires_at, note FROM holds WHERE account_id = ? AND key = ?').get(acct.id, key) as
        | { id: string; pool: string; amount_mc: number; created_at: number; expires_at: number; note: string | null }
        | undefined;
      if (prior) {
        const differs = firstDifference([
          ['pool', prior.pool, input.pool],
          ['amount', prior.amount_mc, amount],
          ['expiry (--expires)', prior.expires_at, input.expiresAt],
          ['ttl', prior.expires_at - prior.created_at, input.ttlMs],
          ['note', prior.note, input.note ?? null],
          ['time (--at)', prior.created_at, input.at],
        ]);
        if (differs) throw keyReuseError(key, differs, prior.id);
        return { ok: prior.id };
      }
    }
    checkWriteTime(ctx, acct, t);
    materialize(ctx, acct, t);
    if (isUnlimited(ctx, acct, input.pool, t)) throw new InputError(`${acct.name}'s ${input.pool} pool is unlimited on this plan; there is nothing to hold`, 'pool');
    const remaining = liveGrants(ctx, acct.id, input.pool, t).reduce((s, g) => s + g.remaining_mc, 0);
    const available = remaining - heldAt(ctx, acct.id, input.pool, t);
    if (amount > available) {
      const message = `cannot hold ${formatMc(amount)} ${input.pool} credits on ${acct.name}: ${formatMc(Math.max(0, available))} available`;
      const refusalId = recordRefusal(ctx, { accountId: acct.id, key, action: 'hold', pool: input.pool, quantityMilli: amount, at: t, reason: 'hold', message });
      return { refused: { message, refusalId, available } };
    }
    const id = ctx.ids.next('hold');
    ctx.stmt('INSERT INTO holds (id, account_id, pool, amount_mc, created_at, expires_at, key, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(id, acct.id, input.pool, amount, t, expiresAt, key, input.note ?? null);
    ctx.stmt(`INSERT INTO hold_balances (hold_id, account_id, pool, outstanding_mc, status, expires_at) VALUES (?, ?, ?, ?, 'open', ?)`).run(id, acct.id, input.pool, amount, expiresAt);
    noteDue(ctx, acct.id, expiresAt);
    return { ok: id };
  });
  if ('refused' in out) throw new RefusedError(out.refused.message, 'hold', { refusalId: out.refused.refusalId, available: mcToCredits(Math.max(0, out.refused.available)) });
  return view(ctx, out.ok);
}

/** Record usage against a hold: it draws the reservation down first. */
export function captureHold(ctx: Ctx, holdId: string, usage: Omit<UseInput, 'holdId' | 'account'>): UseResult {
  const h = view(ctx, holdId);
  return recordUsage(ctx, { ...usage, account: h.account, holdId });
}

export function releaseHold(ctx: Ctx, holdId: string, at?: number): HoldView {
  const t = at ?? ctx.clock.now();
  ctx.write(() => {
    const h = ctx.stmt('SELECT b.*, h.account_id, h.created_at FROM hold_balances b JOIN holds h ON h.id = b.hold_id WHERE b.hold_id = ?').get(holdId) as
      | { outstanding_mc: number; status: string; account_id: string; expires_at: number; created_at: number }
      | undefined;
    if (!h) throw new InputError(`hold "${holdId}" was not found`, 'hold');
    const acct = getAccount(ctx, h.account_id);
    checkWriteTime(ctx, acct, t);
    checkNotBefore(t, h.created_at, `its hold ${holdId} was placed`);
    materialize(ctx, acct, t);
    const fresh = ctx.stmt('SELECT outstanding_mc, status FROM hold_balances WHERE hold_id = ?').get(holdId) as { outstanding_mc: number; status: string };
    if (fresh.status !== 'open') return; // releasing twice is harmless
    ctx.stmt('INSERT INTO hold_moves (hold_id, kind, amount_mc, at, event_id) VALUES (?, ?, ?, ?, NULL)').run(holdId, 'release', fresh.outstanding_mc, t);
    ctx.stmt(`UPDATE hold_balances SET outstanding_mc = 0, status = 'released' WHERE hold_id = ?`).run(holdId);
  });
  return view(ctx, holdId);
}

export function listHolds(ctx: Ctx, accountId: string): HoldView[] {
  const acct = getAccount(ctx, accountId);
  const ids = ctx.stmt('SELECT id FROM holds WHERE account_id = ? ORDER BY created_at DESC LIMIT 200').all(acct.id) as { id: string }[];
  return ids.map((r) => view(ctx, r.id));
}
