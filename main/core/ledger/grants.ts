/** Top-up grants: purchased, bonus, promo and manual credits. */
import { InputError } from '../util/errors.js';
import { refuseNow } from './refusals.js';
import { mcToCredits, parseCredits, parseMinorUnits } from '../util/credits.js';
import { iso } from '../util/period.js';
import { assertPool, getAccount, planAt, type Account } from './accounts.js';
import { insertGrant, type GrantSource } from './book.js';
import type { Ctx } from './context.js';
import { checkKey, checkWriteTime, firstDifference, keyReuseError } from './guards.js';
import { materialize } from './materialize.js';
import { checkPoolRoom } from './bounds.js';

export interface GrantInput {
  account: string;
  pool: string;
  amount: string | number;
  source?: 'purchase' | 'bonus' | 'promo' | 'manual';
  expiresAt?: number;
  priceCents?: string | number;
  at?: number;
  key?: string;
  note?: string;
  /** Pack id, for purchases: checked against the plan's pack rules. */
  pack?: string;
  /**
   * A verified payment: the pack rules were checked before any money moved
   * (main/core/purchases), so the credits are granted even if the plan has
   * changed since.
   */
  paid?: boolean;
}

export interface GrantResult {
  status: 'granted' | 'duplicate';
  grantId: string;
  account: string;
  pool: string;
  source: string;
  credits: number;
  grantedAt: string;
  expiresAt: string | null;
  refundableUntil: string | null;
  priceCents: number | null;
}

const SOURCES = ['purchase', 'bonus', 'promo', 'manual'] as const;

/**
 * Pack rules, checked before any money moves: the plan must allow packs for
 * the pool (Flux Pulse and all of FluxNote cannot buy; Fluximage only AI).
 * Returns the reason it is refused, or null when allowed.
 */
export function purchaseRefusal(ctx: Ctx, acct: Account, pool: string, t: number): string | null {
  const { plan } = planAt(ctx, acct, t);
  if (plan.packPools.includes(pool)) return null;
  const p = acct.provider.name;
  if (acct.provider.packs.length === 0) return `${p} sells no credit packs; upgrade the plan for more credits`;
  if (plan.packPools.length === 0) return `${p} ${plan.name} accounts cannot buy credit packs${acct.provider.plans.some((x) => x.packPools.includes(pool)) ? ` (plans that can: ${acct.provider.plans.filter((x) => x.packPools.includes(pool)).map((x) => x.name).join(', ')})` : ''}`;
  return `${p} ${plan.name} sells top-ups only for ${plan.packPools.join(', ')}, not ${pool}`;
}

export function grantCredits(ctx: Ctx, input: GrantInput): GrantResult {
  const acct = getAccount(ctx, input.account);
  assertPool(acct, input.pool);
  const source = input.source ?? 'manual';
  if (!SOURCES.includes(source)) throw new InputError(`--source must be one of ${SOURCES.join(', ')} (got "${String(source)}")`, 'source');
  const amountMc = parseCredits(input.amount, 'amount');
  const priceMinor = input.priceCents === undefined ? null : parseMinorUnits(input.priceCents, '--price');
  const t = input.at ?? ctx.clock.now();
  const key = input.key === undefined ? null : checkKey(input.key);
  if (input.expiresAt !== undefined && input.expiresAt <= t) throw new InputError(`--expires ${iso(input.expiresAt)} must be after the grant time ${iso(t)}`, 'expires');
  if (input.note !== undefined && (typeof input.note !== 'string' || input.note.length > 500)) throw new InputError('--note must be at most 500 characters', 'note');

  if (source === 'purchase' && input.paid !== true) {
    const why = purchaseRefusal(ctx, acct, input.pool, t);
    if (why) refuseNow(ctx, { accountId: acct.id, key, action: `purchase:${input.pack ?? input.pool}`, pool: input.pool, at: t, reason: 'plan', message: why });
  }
  return ctx.write(() => {
    if (key !== null) {
      const prior = ctx.stmt('SELECT * FROM grants WHERE account_id = ? AND key = ?').get(acct.id, key) as GrantRow | undefined;
      if (prior) {
        const differs = firstDifference([
          ['pool', prior.pool, input.pool],
          ['amount', prior.amount_mc, amountMc],
          ['source', prior.source, source],
          ['price', prior.price_minor, priceMinor],
          ['expiry (--expires)', prior.expires_at, input.expiresAt ?? null],
          ['note', prior.note, input.note ?? (input.pack ? `pack ${input.pack}` : null)],
          ['time (--at)', prior.granted_at, input.at],
        ]);
        if (differs) throw keyReuseError(key, differs, prior.id);
        return { ...toResult(prior), status: 'duplicate' as const };
      }
    }
    checkWriteTime(ctx, acct, t);
    materialize(ctx, acct, t);
    checkPoolRoom(ctx, acct, input.pool, t, amountMc);
    const refundableUntil = source === 'purchase' && acct.provider.refundWindowDays !== null ? t + acct.provider.refundWindowDays * 86_400_000 : null;
    const id = insertGrant(ctx, {
      accountId: acct.id,
      pool: input.pool,
      source: source as GrantSource,
      amountMc,
      grantedAt: t,
      expiresAt: input.expiresAt ?? null,
      periodStart: null,
      priceMinor,
      currency: priceMinor === null ? null : acct.provider.currency,
      refundableUntil,
      key,
      note: input.note ?? (input.pack ? `pack ${input.pack}` : null),
    });
    return toResult(ctx.stmt('SELECT * FROM grants WHERE id = ?').get(id) as GrantRow);
  });
}

export interface GrantRow {
  id: string;
  account_id: string;
  pool: string;
  source: string;
  amount_mc: number;
  granted_at: number;
  expires_at: number | null;
  period_start: number | null;
  price_minor: number | null;
  currency: string | null;
  refundable_until: number | null;
  key: string | null;
  note: string | null;
}

export function toResult(g: GrantRow): GrantResult {
  return {
    status: 'granted',
    grantId: g.id,
    account: g.account_id,
    pool: g.pool,
    source: g.source,
    credits: mcToCredits(g.amount_mc),
    grantedAt: iso(g.granted_at),
    expiresAt: g.expires_at === null ? null : iso(g.expires_at),
    refundableUntil: g.refundable_until === null ? null : iso(g.refundable_until),
    priceCents: g.price_minor,
  };
}

export interface GrantListItem extends Omit<GrantResult, 'status'> {
  remaining: number;
  used: number;
  expired: number;
  refunded: number;
  note: string | null;
}

export function listGrants(ctx: Ctx, accountId: string, opts: { live?: boolean } = {}): GrantListItem[] {
  const acct = getAccount(ctx, accountId);
  const rows = ctx
    .stmt(
      `SELECT g.*, b.remaining_mc, b.used_mc, b.expired_mc, b.refunded_mc, b.voided_mc FROM grants g JOIN grant_balances b ON b.grant_id = g.id
       WHERE g.account_id = ? AND (? = 0 OR b.remaining_mc > 0) ORDER BY g.granted_at DESC, g.id LIMIT 500`,
    )
    .all(acct.id, opts.live ? 1 : 0) as (GrantRow & { remaining_mc: number; used_mc: number; expired_mc: number; refunded_mc: number; voided_mc: number })[];
  return rows.map((r) => {
    const { status: _s, ...rest } = toResult(r);
    void _s;
    return {
      ...rest,
      remaining: mcToCredits(r.remaining_mc),
      used: mcToCredits(r.used_mc - r.voided_mc),
      expired: mcToCredits(r.expired_mc),
      refunded: mcToCredits(r.refunded_mc),
      note: r.note,
    };
  });
}
