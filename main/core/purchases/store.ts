/**
 * The ledger side of purchases: what a pack costs and whether the plan may
 * buy it, the purchase and its append-only history, and fulfilment — the
 * grant for a paid Checkout Session, written once, in one transaction.
 */
import { InputError } from '../util/errors.js';
import { formatMc, mcToCredits, parseCredits, parseMinorUnits } from '../util/credits.js';
import { iso } from '../util/period.js';
import { getAccount, type Account } from '../ledger/accounts.js';
import type { Ctx } from '../ledger/context.js';
import { grantCredits, purchaseRefusal } from '../ledger/grants.js';
import { refuseNow } from '../ledger/refusals.js';
import { refundOutlook } from '../ledger/refunds.js';

/** How a purchase was made; 'recorded': a pack recorded by hand as a priced grant (recorded.ts), listed in the history only. */
export type Via = 'stripe' | 'link' | 'recorded';
export type PurchaseStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'refunded';
export type LogStatus = 'pending' | 'open' | 'paid' | 'failed' | 'expired' | 'refunded';

export interface Money {
  minor: number;
  currency: string;
}

export type Pack = Account['provider']['packs'][number];

export interface PackView {
  id: string;
  name: string;
  pool: string;
  credits: number | null;
  price: Money | null;
  perCredit: string | null;
  via: Via | null;
  url: string | null;
  buyable: boolean;
  reason: string | null;
  /**
   * What stands in the way, for a window to say what to do in its own words:
   * the plan's pack rules, a pack without a price or link (buy it from the
   * provider and record it), or Stripe not set up. null when buyable.
   */
  blocker: 'plan' | 'unpriced' | 'stripe' | null;
  note: string | null;
}

/** Currencies Stripe counts in whole units (no minor unit). */
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);

/** Price per credit in major units as exact decimal text, rounded half up to 6 places: 1500 minor / 2000 credits → "0.0075". */
export function perCredit(priceMinor: number, amountMc: number, currency: string): string {
  const exp = ZERO_DECIMAL.has(currency.toUpperCase()) ? 0n : 2n;
  // micro-units of the major currency per credit = price × 10^6 × 1000 / (10^exp × mc)
  const num = BigInt(priceMinor) * 1_000_000n * 1000n;
  const den = 10n ** exp * BigInt(amountMc);
  const micro = (num * 2n + den) / (2n * den);
  const whole = micro / 1_000_000n;
  const frac = (micro % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

export function findPack(acct: Account, packId: unknown): Pack {
  if (typeof packId !== 'string' || packId === '') throw new InputError('a pack id is required', 'pack');
  const pack = acct.provider.packs.find((p) => p.id === packId);
  if (!pack) {
    const list = acct.provider.packs.map((p) => p.id).join(', ');
    throw new InputError(`${acct.provider.name} has no pack "${packId.slice(0, 64)}"${list ? ` (packs: ${list})` : '; it sells no credit packs'}`, 'pack');
  }
  return pack;
}

/** How a pack is bought: the provider's link when it has one, else Stripe when it has a fixed price and amount. */
export function packVia(pack: Pack): Via | null {
  if (pack.url) return 'link';
  if (pack.credits !== null && pack.priceCents !== null) return 'stripe';
  return null;
}

export function packView(ctx: Ctx, acct: Account, pack: Pack, stripeMissing: string | null): PackView {
  const mc = pack.credits === null ? null : parseCredits(pack.credits, 'credits');
  const via = packVia(pack);
  let reason = purchaseRefusal(ctx, acct, pack.pool, ctx.clock.now());
  let blocker: PackView['blocker'] = reason ? 'plan' : null;
  if (!reason && via === null) {
    reason = `${pack.name} has no price or link in the ${acct.provider.name} provider document; buy it from ${acct.provider.name} and record it with \`creditdeck grant --source purchase\`, or give the pack a price or url in a custom provider`;
    blocker = 'unpriced';
  }
  if (!reason && via === 'stripe' && stripeMissing) {
    reason = stripeMissing;
    blocker = 'stripe';
  }
  return {
    id: pack.id,
    name: pack.name,
    pool: pack.pool,
    credits: mc === null ? null : mcToCredits(mc),
    price: pack.priceCents === null ? null : { minor: pack.priceCents, currency: acct.provider.currency },
    perCredit: mc === null || pack.priceCents === null || mc === 0 ? null : perCredit(pack.priceCents, mc, acct.provider.currency),
    via,
    url: via === 'link' ? (pack.url ?? null) : null,
    buyable: reason === null,
    reason,
    blocker,
    note: pack.note ?? null,
  };
}

/** The pack rules, checked before anything contacts Stripe: a refusal is recorded and thrown (exit 3 / 409). */
export function assertPackAllowed(ctx: Ctx, acct: Account, pack: Pack, t: number): void {
  const why = purchaseRefusal(ctx, acct, pack.pool, t);
  if (why) refuseNow(ctx, { accountId: acct.id, action: `purchase:${pack.id}`, pool: pack.pool, at: t, reason: 'plan', message: why, details: { pack: pack.id } });
}

export interface PurchaseRow {
  id: string;
  account_id: string;
  pack: string;
  pack_name: string;
  pool: string;
  amount_mc: number;
  price_minor: number;
  currency: string;
  via: Via;
  note: string | null;
  created_at: number;
}

export interface LogRow {
  id: number;
  purchase_id: string;
  status: LogStatus;
  at: number;
  session_id: string | null;
  checkout_url: string | null;
  expires_at: number | null;
  grant_id: string | null;
  paid_minor: number | null;
  payment_intent: string | null;
  receipt_url: string | null;
  refund_id: string | null;
  stripe_refund: string | null;
  message: string | null;
  source: string | null;
}

export function insertPurchase(ctx: Ctx, p: Omit<PurchaseRow, 'id' | 'created_at'>, t: number): string {
  const id = ctx.ids.next('pu');
  ctx
    .stmt('INSERT INTO purchases (id, account_id, pack, pack_name, pool, amount_mc, price_minor, currency, via, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(id, p.account_id, p.pack, p.pack_name, p.pool, p.amount_mc, p.price_minor, p.currency, p.via, p.note, t);
  return id;
}

export function appendLog(ctx: Ctx, purchaseId: string, status: LogStatus, t: number, extra: Partial<Omit<LogRow, 'id' | 'purchase_id' | 'status' | 'at'>> = {}): void {
  ctx
    .stmt(
      `INSERT INTO purchase_log (purchase_id, status, at, session_id, checkout_url, expires_at, grant_id, paid_minor, payment_intent, receipt_url, refund_id, stripe_refund, message, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      purchaseId,
      status,
      t,
      extra.session_id ?? null,
      extra.checkout_url ?? null,
      extra.expires_at ?? null,
      extra.grant_id ?? null,
      extra.paid_minor ?? null,
      extra.payment_intent ?? null,
      extra.receipt_url ?? null,
      extra.refund_id ?? null,
      extra.stripe_refund ?? null,
      extra.message ?? null,
      extra.source ?? null,
    );
}

export function getPurchaseRow(ctx: Ctx, id: unknown): PurchaseRow {
  if (typeof id !== 'string' || id === '') throw new InputError('a purchase id is required', 'purchase');
  const row = ctx.stmt('SELECT * FROM purchases WHERE id = ?').get(id) as PurchaseRow | undefined;
  if (!row) throw new InputError(`purchase "${id.slice(0, 64)}" was not found; \`creditdeck purchases\` lists them`, 'purchase');
  return row;
}

export function logOf(ctx: Ctx, purchaseId: string): LogRow[] {
  return ctx.stmt('SELECT * FROM purchase_log WHERE purchase_id = ? ORDER BY id').all(purchaseId) as LogRow[];
}

/** The status is the latest step; an open session is still pending. */
export function statusOf(log: readonly LogRow[]): PurchaseStatus {
  const last = log[log.length - 1];
  if (!last || last.status === 'open') return 'pending';
  return last.status;
}

export function sessionOf(log: readonly LogRow[]): LogRow | null {
  return log.find((l) => l.status === 'open') ?? null;
}

export function purchaseBySession(ctx: Ctx, sessionId: string): PurchaseRow | null {
  const r = ctx.stmt(`SELECT purchase_id FROM purchase_log WHERE session_id = ? AND status = 'open'`).get(sessionId) as { purchase_id: string } | undefined;
  return r ? (ctx.stmt('SELECT * FROM purchases WHERE id = ?').get(r.purchase_id) as PurchaseRow) : null;
}

export interface PurchaseView {
  id: string;
  account: string;
  pack: string;
  packName: string;
  pool: string;
  credits: number;
  price: Money;
  paid: Money | null;
  /** What was paid per credit granted, in major units, exact decimal text like PackView.perCredit ("0.0075"); null until paid. */
  paidPerCredit: string | null;
  via: Via;
  status: PurchaseStatus;
  checkoutUrl: string | null;
  sessionId: string | null;
  expiresAt: string | null;
  grantId: string | null;
  receiptUrl: string | null;
  paymentIntent: string | null;
  refund: { credits: number; amount: Money; at: string; stripeRefund: string | null } | null;
  refundable: boolean;
  refundReason: string | null;
  message: string | null;
  note: string | null;
  createdAt: string;
  updatedAt: string;
  history: { status: LogStatus; at: string; message: string | null; source: string | null }[];
}

export function purchaseView(ctx: Ctx, p: PurchaseRow): PurchaseView {
  const log = logOf(ctx, p.id);
  const status = statusOf(log);
  const session = sessionOf(log);
  const paid = log.find((l) => l.status === 'paid') ?? null;
  const refunded = log.find((l) => l.status === 'refunded') ?? null;
  const refundRow = refunded?.refund_id
    ? (ctx.stmt('SELECT amount_mc, money_minor, currency, at FROM refunds WHERE id = ?').get(refunded.refund_id) as { amount_mc: number; money_minor: number; currency: string | null; at: number } | undefined)
    : undefined;
  let refundReason: string | null = null;
  if (status !== 'paid') refundReason = status === 'refunded' ? 'already refunded' : `the purchase is ${status}, not paid`;
  else if (p.via === 'link') refundReason = `bought through ${getAccount(ctx, p.account_id).provider.name}'s own link: ask them for a refund, then record the refund of grant ${paid?.grant_id ?? '(none)'} in the ledger`;
  else if (!paid?.payment_intent) refundReason = 'Stripe gave no payment to refund';
  else if (paid.grant_id) {
    const o = refundOutlook(ctx, paid.grant_id, ctx.clock.now());
    if ('why' in o) refundReason = o.why;
  }
  const last = log[log.length - 1];
  const problem = [...log].reverse().find((l) => l.message !== null);
  const paidMinor = paid?.paid_minor ?? null;
  return {
    id: p.id,
    account: p.account_id,
    pack: p.pack,
    packName: p.pack_name,
    pool: p.pool,
    credits: mcToCredits(p.amount_mc),
    price: { minor: p.price_minor, currency: p.currency },
    paid: paidMinor !== null ? { minor: paidMinor, currency: p.currency } : null,
    // Integer arithmetic on minor units and millicredits (perCredit); amount_mc > 0 is a table check.
    paidPerCredit: paidMinor !== null && p.amount_mc > 0 ? perCredit(paidMinor, p.amount_mc, p.currency) : null,
    via: p.via,
    status,
    checkoutUrl: status === 'pending' ? (session?.checkout_url ?? null) : null,
    sessionId: session?.session_id ?? null,
    expiresAt: session?.expires_at ? iso(session.expires_at) : null,
    grantId: paid?.grant_id ?? null,
    receiptUrl: paid?.receipt_url ?? null,
    paymentIntent: paid?.payment_intent ?? null,
    refund: refundRow
      ? { credits: mcToCredits(refundRow.amount_mc), amount: { minor: refundRow.money_minor, currency: refundRow.currency ?? p.currency }, at: iso(refundRow.at), stripeRefund: refunded?.stripe_refund ?? null }
      : null,
    refundable: refundReason === null,
    refundReason,
    message: status === 'paid' || status === 'refunded' ? null : (problem?.message ?? null),
    note: p.note,
    createdAt: iso(p.created_at),
    updatedAt: iso(last?.at ?? p.created_at),
    history: log.map((l) => ({ status: l.status, at: iso(l.at), message: l.message, source: l.source })),
  };
}

export function pendingPurchases(ctx: Ctx): PurchaseRow[] {
  return (ctx.stmt(`SELECT * FROM purchases WHERE via = 'stripe' ORDER BY created_at, rowid`).all() as PurchaseRow[]).filter((p) => statusOf(logOf(ctx, p.id)) === 'pending');
}

export interface PaidSession {
  id: string;
  amountTotal: number | null;
  currency: string | null;
  paymentIntent: string | null;
  receiptUrl: string | null;
}

/**
 * Grant the credits of a paid Checkout Session, once. In one write
 * transaction (BEGIN IMMEDIATE, so a second process waits): a purchase
 * already paid answers as it is; otherwise the grant (key "stripe:<session>",
 * unique per account) and the 'paid' step (unique per purchase) are written
 * together. A failed or expired purchase that Stripe says was paid is paid:
 * money that moved is never ignored.
 */
export function fulfil(ctx: Ctx, p: PurchaseRow, s: PaidSession, source: string): { status: 'granted' | 'already'; problem?: string } {
  return ctx.write(() => {
    const log = logOf(ctx, p.id);
    const now = ctx.clock.now();
    const st = statusOf(log);
    if (st === 'paid' || st === 'refunded') return { status: 'already' as const };
    if (s.currency !== null && s.currency.toUpperCase() !== p.currency) {
      const problem = `Stripe reports the payment in ${s.currency.toUpperCase()}, not ${p.currency}; no credits were granted — check the payment in the Stripe dashboard`;
      if (!log.some((l) => l.message === problem)) appendLog(ctx, p.id, 'failed', now, { message: problem, source, session_id: null });
      return { status: 'already' as const, problem };
    }
    const paidMinor = s.amountTotal ?? p.price_minor;
    const g = grantCredits(ctx, {
      account: p.account_id,
      pool: p.pool,
      amount: formatMc(p.amount_mc),
      source: 'purchase',
      priceCents: paidMinor,
      key: `stripe:${s.id}`,
      note: `${p.pack_name} · Stripe Checkout ${s.id}`,
      pack: p.pack,
      paid: true,
    });
    appendLog(ctx, p.id, 'paid', now, { grant_id: g.grantId, paid_minor: paidMinor, payment_intent: s.paymentIntent, receipt_url: s.receiptUrl, source });
    return { status: 'granted' as const };
  });
}

/** Record an end that is not a payment, unless the purchase has already ended that way or been paid. */
export function markEnded(ctx: Ctx, p: PurchaseRow, status: 'failed' | 'expired', message: string, source: string): void {
  ctx.write(() => {
    const st = statusOf(logOf(ctx, p.id));
    if (st === 'paid' || st === 'refunded' || st === status) return;
    appendLog(ctx, p.id, status, ctx.clock.now(), { message, source });
  });
}

/** The provider's own link: the user says what arrived; recorded as a paid purchase with its grant, in one transaction. */
export function confirmManual(ctx: Ctx, input: { account: string; pack: string; note: string; credits?: string | number; priceMinor?: string | number }): PurchaseView {
  const acct = getAccount(ctx, input.account);
  const pack = findPack(acct, input.pack);
  if (typeof input.note !== 'string' || input.note.trim() === '' || input.note.length > 500) throw new InputError('a note (1–500 characters) saying what arrived is required, e.g. the provider\'s receipt number', 'note');
  const mc = input.credits !== undefined ? parseCredits(input.credits, 'credits') : pack.credits !== null ? parseCredits(pack.credits, 'credits') : null;
  if (mc === null) throw new InputError(`${pack.name} has no fixed amount: give the credits that arrived`, 'credits');
  const price = input.priceMinor !== undefined ? parseMinorUnits(input.priceMinor, 'priceMinor') : pack.priceCents;
  if (price === null) throw new InputError(`${pack.name} has no fixed price: give what was paid, in minor units (cents)`, 'priceMinor');
  const t = ctx.clock.now();
  assertPackAllowed(ctx, acct, pack, t);
  return ctx.write(() => {
    const id = insertPurchase(ctx, { account_id: acct.id, pack: pack.id, pack_name: pack.name, pool: pack.pool, amount_mc: mc, price_minor: price, currency: acct.provider.currency, via: 'link', note: input.note.trim() }, t);
    const g = grantCredits(ctx, { account: acct.id, pool: pack.pool, amount: formatMc(mc), source: 'purchase', priceCents: price, key: `link:${id}`, note: input.note.trim(), pack: pack.id, paid: true });
    appendLog(ctx, id, 'paid', t, { grant_id: g.grantId, paid_minor: price, source: 'manual' });
    return purchaseView(ctx, getPurchaseRow(ctx, id));
  });
}
