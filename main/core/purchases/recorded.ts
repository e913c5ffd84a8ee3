/**
 * Packs recorded by hand — `creditdeck grant … --price` or Settings → Top-ups —
 * in the purchase history beside what was bought through Creditdeck. They are
 * the ledger's own rows: a grant with a price that no purchase points to
 * (Stripe and provider-link purchases link their grant in purchase_log), so
 * nothing is counted twice and the money figures are the grant's own, priced
 * per credit by the same perCredit as every purchase.
 */
import { mcToCredits, parseCredits } from '../util/credits.js';
import { iso } from '../util/period.js';
import { getAccount } from '../ledger/accounts.js';
import type { Ctx } from '../ledger/context.js';
import { perCredit, type PurchaseView } from './store.js';

interface GrantRow {
  id: string;
  account_id: string;
  pool: string;
  amount_mc: number;
  granted_at: number;
  price_minor: number;
  currency: string | null;
  note: string | null;
}

/** A grant with a price that is not a period's own (monthly, upgrade, rollover) and that no purchase granted. */
const RECORDED = `source NOT IN ('monthly','upgrade','rollover') AND price_minor IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM purchase_log l WHERE l.grant_id = grants.id)`;

export function recordedPurchases(ctx: Ctx, accountId: string | undefined, limit: number): PurchaseView[] {
  const rows = (
    accountId === undefined
      ? ctx.stmt(`SELECT * FROM grants WHERE ${RECORDED} ORDER BY granted_at DESC, rowid DESC LIMIT ?`).all(limit)
      : ctx.stmt(`SELECT * FROM grants WHERE account_id = ? AND ${RECORDED} ORDER BY granted_at DESC, rowid DESC LIMIT ?`).all(accountId, limit)
  ) as GrantRow[];
  return rows.map((g) => recordedView(ctx, g));
}

function recordedView(ctx: Ctx, g: GrantRow): PurchaseView {
  const acct = getAccount(ctx, g.account_id);
  const currency = g.currency ?? acct.provider.currency;
  // The pack it matches (same pool, amount and price), so the row reads like the pack card.
  const pack = acct.provider.packs.find((k) => k.pool === g.pool && k.credits !== null && parseCredits(k.credits, 'pack credits') === g.amount_mc && k.priceCents === g.price_minor);
  const refunds = ctx.stmt('SELECT amount_mc, money_minor, currency, at FROM refunds WHERE grant_id = ? ORDER BY at').all(g.id) as { amount_mc: number; money_minor: number; currency: string | null; at: number }[];
  const refunded = refunds.length > 0;
  const at = iso(g.granted_at);
  return {
    id: g.id,
    account: g.account_id,
    pack: pack?.id ?? '',
    packName: pack?.name ?? 'Credits',
    pool: g.pool,
    credits: mcToCredits(g.amount_mc),
    price: { minor: g.price_minor, currency },
    paid: { minor: g.price_minor, currency },
    paidPerCredit: perCredit(g.price_minor, g.amount_mc, currency),
    via: 'recorded',
    status: refunded ? 'refunded' : 'paid',
    checkoutUrl: null,
    sessionId: null,
    expiresAt: null,
    grantId: g.id,
    receiptUrl: null,
    paymentIntent: null,
    refund: refunded
      ? {
          credits: mcToCredits(refunds.reduce((s, r) => s + r.amount_mc, 0)),
          amount: { minor: refunds.reduce((s, r) => s + r.money_minor, 0), currency: refunds[0]!.currency ?? currency },
          at: iso(refunds[refunds.length - 1]!.at),
          stripeRefund: null,
        }
      : null,
    refundable: false,
    refundReason: refunded ? 'already refunded' : `recorded by hand, not bought through Creditdeck: ask ${acct.provider.name} for a refund, then record the refund of grant ${g.id} in the ledger`,
    message: null,
    note: g.note,
    createdAt: at,
    updatedAt: refunded ? iso(refunds[refunds.length - 1]!.at) : at,
    history: [{ status: refunded ? 'refunded' : 'paid', at, message: null, source: 'recorded' }],
  };
}
