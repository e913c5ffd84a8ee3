/**
 * Refunds of purchased credits: the unused part of a purchase grant, inside the
 * provider's window (Lux: 30 days). The money returned is the same share of the
 * price as the credits returned, rounded down to the minor unit.
 */
import { InputError } from '../util/errors.js';
import { formatMc, formatMoney, mcToCredits, mulDivFloor } from '../util/credits.js';
import { iso } from '../util/period.js';
import { getAccount } from './accounts.js';
import { heldAt, liveGrants, postEntry } from './book.js';
import type { Ctx } from './context.js';
import { checkNotBefore, checkWriteTime } from './guards.js';
import { materialize } from './materialize.js';
import { recordRefusal } from './refusals.js';
import { RefusedError } from '../util/errors.js';
import type { GrantRow } from './grants.js';

export interface RefundResult {
  refundId: string;
  grantId: string;
  account: string;
  credits: number;
  amountCents: number;
  currency: string | null;
  at: string;
}

/** Why the unused part of a grant cannot be refunded at t, or null if it can. */
export function refundRefusal(g: GrantRow & { remaining_mc: number }, providerName: string, windowDays: number | null, t: number): string | null {
  if (g.source !== 'purchase') return `grant ${g.id} is a ${g.source} grant; only purchased credits can be refunded`;
  if (windowDays === null || g.refundable_until === null) return `${providerName} does not offer refunds of purchased credits`;
  if (t > g.refundable_until) return `the ${windowDays}-day refund window for grant ${g.id} closed at ${iso(g.refundable_until)}`;
  if (g.remaining_mc === 0) return `grant ${g.id} has no unused credits left to refund`;
  return null;
}

/** What a refund of the grant at t would return, or why it is refused; reads only. */
function assess(ctx: Ctx, g: GrantRow & { remaining_mc: number }, acct: ReturnType<typeof getAccount>, remainingMc: number, t: number): { amountMc: number; moneyMinor: number } | { why: string } {
  const row = { ...g, remaining_mc: remainingMc };
  let why = refundRefusal(row, acct.provider.name, acct.provider.refundWindowDays, t);
  if (!why) {
    // Credits held for a running job stay put.
    const pool = liveGrants(ctx, acct.id, g.pool, t).reduce((s, x) => s + x.remaining_mc, 0);
    const held = heldAt(ctx, acct.id, g.pool, t);
    if (pool - remainingMc < held) why = `${formatMc(held)} ${g.pool} credits are held for a running job; release the hold before refunding`;
  }
  if (why) return { why };
  return { amountMc: remainingMc, moneyMinor: g.price_minor === null ? 0 : mulDivFloor(g.price_minor, remainingMc, g.amount_mc) };
}

function grantRow(ctx: Ctx, grantId: string): GrantRow & { remaining_mc: number } {
  if (typeof grantId !== 'string' || !grantId) throw new InputError('a grant id is required', 'grant');
  const g = ctx.stmt('SELECT g.*, b.remaining_mc FROM grants g JOIN grant_balances b ON b.grant_id = g.id WHERE g.id = ?').get(grantId) as (GrantRow & { remaining_mc: number }) | undefined;
  if (!g) throw new InputError(`grant "${grantId}" was not found; \`creditdeck grants ACCOUNT\` lists grant ids`, 'grant');
  return g;
}

/**
 * What refunding the grant's unused credits at t would return, checked by the
 * same rules as refundGrant, without writing anything but the refusal: a
 * payment provider is asked to return money only after this passes.
 */
export function refundOutlook(ctx: Ctx, grantId: string, t: number = ctx.clock.now()): { amountMc: number; moneyMinor: number } | { why: string } {
  return ctx.db.transaction(() => {
    const g = grantRow(ctx, grantId);
    return assess(ctx, g, getAccount(ctx, g.account_id), g.remaining_mc, t);
  })();
}

export function quoteRefund(ctx: Ctx, grantId: string, t: number = ctx.clock.now()): { amountMc: number; moneyMinor: number; currency: string | null } {
  const out = ctx.db.transaction(() => {
    const g = grantRow(ctx, grantId);
    const acct = getAccount(ctx, g.account_id);
    checkWriteTime(ctx, acct, t);
    checkNotBefore(t, g.granted_at, `its grant ${g.id} was made`);
    return { g, acct, a: assess(ctx, g, acct, g.remaining_mc, t) };
  })();
  if ('why' in out.a) {
    const why = out.a.why;
    const refusalId = ctx.write(() => recordRefusal(ctx, { accountId: out.acct.id, action: 'refund', pool: out.g.pool, at: t, reason: 'refund', message: why, details: { grantId } }));
    throw new RefusedError(why, 'refund', { grantId, refusalId });
  }
  return { ...out.a, currency: out.g.currency };
}

export interface RefundOptions {
  at?: number;
  /**
   * The money has already been returned (a Stripe refund for a quoteRefund):
   * record exactly that, without checking the window again. Credits spent
   * since the quote cannot be taken back: the refund takes what is left.
   */
  returned?: { amountMc: number; moneyMinor: number };
}

export function refundGrant(ctx: Ctx, grantId: string, opts: RefundOptions = {}): RefundResult {
  const t = opts.at ?? ctx.clock.now();
  const out = ctx.write((): { ok: RefundResult } | { refused: string; refusalId: number } => {
    const g = grantRow(ctx, grantId);
    const acct = getAccount(ctx, g.account_id);
    checkWriteTime(ctx, acct, t);
    checkNotBefore(t, g.granted_at, `its grant ${g.id} was made`);
    materialize(ctx, acct, t);
    const fresh = ctx.stmt('SELECT remaining_mc FROM grant_balances WHERE grant_id = ?').get(grantId) as { remaining_mc: number };
    let a: { amountMc: number; moneyMinor: number } | { why: string };
    if (opts.returned) {
      const amountMc = Math.min(opts.returned.amountMc, fresh.remaining_mc);
      a = amountMc > 0 ? { amountMc, moneyMinor: opts.returned.moneyMinor } : { why: `grant ${g.id} has no unused credits left to take back for the refund already made` };
    } else {
      a = assess(ctx, g, acct, fresh.remaining_mc, t);
    }
    if ('why' in a) {
      const refusalId = recordRefusal(ctx, { accountId: acct.id, action: 'refund', pool: g.pool, at: t, reason: 'refund', message: a.why, details: { grantId } });
      return { refused: a.why, refusalId };
    }
    postEntry(ctx, { accountId: acct.id, pool: g.pool, grantId, kind: 'refund', amountMc: a.amountMc, at: t });
    const id = ctx.ids.next('rf');
    ctx.stmt('INSERT INTO refunds (id, grant_id, account_id, amount_mc, money_minor, currency, at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, grantId, acct.id, a.amountMc, a.moneyMinor, g.currency, t);
    return { ok: { refundId: id, grantId, account: acct.id, credits: mcToCredits(a.amountMc), amountCents: a.moneyMinor, currency: g.currency, at: iso(t) } };
  });
  if ('refused' in out) throw new RefusedError(out.refused, 'refund', { grantId, refusalId: out.refusalId });
  return out.ok;
}

export function describeRefund(r: RefundResult): string {
  return `refunded ${formatMc(r.credits * 1000)} credits from ${r.grantId}${r.currency ? ` (${formatMoney(r.amountCents, r.currency)})` : ''}`;
}
