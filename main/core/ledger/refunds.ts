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
import { checkWriteTime } from './guards.js';
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

export function refundGrant(ctx: Ctx, grantId: string, opts: { at?: number } = {}): RefundResult {
  if (typeof grantId !== 'string' || !grantId) throw new InputError('a grant id is required', 'grant');
  const t = opts.at ?? ctx.clock.now();
  const out = ctx.write((): { ok: RefundResult } | { refused: string; refusalId: number } => {
    const g = ctx.stmt('SELECT g.*, b.remaining_mc FROM grants g JOIN grant_balances b ON b.grant_id = g.id WHERE g.id = ?').get(grantId) as
      | (GrantRow & { remaining_mc: number })
      | undefined;
    if (!g) throw new InputError(`grant "${grantId}" was not found; \`creditdeck grants ACCOUNT\` lists grant ids`, 'grant');
    const acct = getAccount(ctx, g.account_id);
    checkWriteTime(ctx, acct, t);
    materialize(ctx, acct, t);
    const fresh = ctx.stmt('SELECT remaining_mc FROM grant_balances WHERE grant_id = ?').get(grantId) as { remaining_mc: number };
    const row = { ...g, remaining_mc: fresh.remaining_mc };
    let why = refundRefusal(row, acct.provider.name, acct.provider.refundWindowDays, t);
    if (!why) {
      // Credits held for a running job stay put.
      const pool = liveGrants(ctx, acct.id, g.pool, t).reduce((s, x) => s + x.remaining_mc, 0);
      const held = heldAt(ctx, acct.id, g.pool, t);
      if (pool - fresh.remaining_mc < held) why = `${formatMc(held)} ${g.pool} credits are held for a running job; release the hold before refunding`;
    }
    if (why) {
      const refusalId = recordRefusal(ctx, { accountId: acct.id, action: 'refund', pool: g.pool, at: t, reason: 'refund', message: why, details: { grantId } });
      return { refused: why, refusalId };
    }
    const amount = fresh.remaining_mc;
    const money = g.price_minor === null ? 0 : mulDivFloor(g.price_minor, amount, g.amount_mc);
    postEntry(ctx, { accountId: acct.id, pool: g.pool, grantId, kind: 'refund', amountMc: amount, at: t });
    const id = ctx.ids.next('rf');
    ctx.stmt('INSERT INTO refunds (id, grant_id, account_id, amount_mc, money_minor, currency, at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, grantId, acct.id, amount, money, g.currency, t);
    return { ok: { refundId: id, grantId, account: acct.id, credits: mcToCredits(amount), amountCents: money, currency: g.currency, at: iso(t) } };
  });
  if ('refused' in out) throw new RefusedError(out.refused, 'refund', { grantId, refusalId: out.refusalId });
  return out.ok;
}

export function describeRefund(r: RefundResult): string {
  return `refunded ${formatMc(r.credits * 1000)} credits from ${r.grantId}${r.currency ? ` (${formatMoney(r.amountCents, r.currency)})` : ''}`;
}
