/**
 * Payments: buying packs through Stripe Checkout, verified before credits
 * are granted. The same service runs in the CLI, the web host and the
 * desktop app; each hands it a Stripe gateway (or none), an opener for the
 * system browser, and where Stripe should send the buyer back.
 * Flows, states and the exactly-once argument: docs/purchases.md.
 */
import { InputError } from '../util/errors.js';
import { formatMc, parseCredits } from '../util/credits.js';
import { getAccount } from '../ledger/accounts.js';
import type { Ctx } from '../ledger/context.js';
import { quoteRefund, refundGrant } from '../ledger/refunds.js';
import { PaymentError, type CheckoutSession, type StripeGateway } from './stripe.js';
import { recordedPurchases } from './recorded.js';
import {
  appendLog,
  assertPackAllowed,
  findPack,
  fulfil,
  getPurchaseRow,
  insertPurchase,
  logOf,
  markEnded,
  packVia,
  packView,
  pendingPurchases,
  purchaseBySession,
  purchaseView,
  sessionOf,
  statusOf,
  type Money,
  type PackView,
  type PurchaseRow,
  type PurchaseView,
} from './store.js';

export interface StartResult {
  via: 'stripe' | 'link';
  purchase: PurchaseView | null;
  url: string;
  opened: boolean;
}

export interface RefundView {
  purchase: PurchaseView;
  refundId: string;
  grantId: string;
  credits: number;
  amount: Money;
  stripeRefund: string | null;
}

export interface PollResult {
  checked: number;
  paid: string[];
  expired: string[];
  failed: string[];
  errors: string[];
}

export type Opener = (url: string) => Promise<boolean> | boolean;

export interface PaymentsOptions {
  /** The Stripe client; null when Stripe is not set up (`missing` says why). */
  gateway: StripeGateway | null;
  missing?: string | null;
  /** Opens a URL in the system browser, guarded; false when it refused or failed. */
  openUrl?: Opener;
  /**
   * Where Stripe sends the buyer back: a base such as http://127.0.0.1:4317
   * (the web host sets its own when it starts). Default the web host's
   * default address.
   */
  returnBase?: string;
  /** How long a Checkout Session stays open. Default 1 hour (Stripe allows 30 min to 24 h). */
  sessionMinutes?: number;
  /** A purchase whose session was never created is failed after this long. Default 15 min. */
  staleMs?: number;
  /** A session past its expiry that Stripe cannot be asked about is failed after this long. Default 7 days. */
  giveUpMs?: number;
  log?: (line: string) => void;
}

const DAY = 86_400_000;
export const DEFAULT_RETURN_BASE = 'http://127.0.0.1:4317';
export const SESSION_PLACEHOLDER = '{CHECKOUT_SESSION_ID}';

/** Whether Stripe is set up, and with a test or a live key: all a window learns about the keys (payments.status). */
export interface PaymentsStatus {
  configured: boolean;
  mode: 'test' | 'live' | null;
}

const DEFAULT_MISSING = 'Stripe is not set up: set STRIPE_SECRET_KEY (a restricted key is enough); see docs/purchases.md';

export class Payments {
  private _gateway: StripeGateway | null;
  returnBase: string;
  private missing: string;
  private readonly openUrl: Opener;
  private readonly log: (line: string) => void;
  /** Verifications in flight, per purchase: concurrent callers share one. */
  private readonly inflight = new Map<string, Promise<PurchaseView>>();
  /** The latest failure to reach Stripe per purchase, shown while it stays pending. */
  private readonly lastError = new Map<string, string>();

  constructor(private readonly opts: PaymentsOptions) {
    this._gateway = opts.gateway;
    this.missing = opts.missing ?? DEFAULT_MISSING;
    this.openUrl = opts.openUrl ?? (() => false);
    this.returnBase = opts.returnBase ?? DEFAULT_RETURN_BASE;
    this.log = opts.log ?? (() => {});
  }

  /** The Stripe client; null when Stripe is not set up. */
  get gateway(): StripeGateway | null {
    return this._gateway;
  }

  get configured(): boolean {
    return this._gateway !== null;
  }

  /** Whether Stripe is set up and in which mode; never anything about the key itself. */
  status(): PaymentsStatus {
    return { configured: this._gateway !== null, mode: this._gateway ? (this._gateway.mode ?? null) : null };
  }

  /** New keys (the desktop app's Settings): the next call uses this client; verifications in flight finish with the old one. */
  configure(gateway: StripeGateway | null, missing?: string | null): void {
    this._gateway = gateway;
    this.missing = missing ?? DEFAULT_MISSING;
    this.lastError.clear();
  }

  private need(): StripeGateway {
    if (!this.gateway) throw new InputError(this.missing, 'stripe');
    return this.gateway;
  }

  packs(ctx: Ctx, account: string): PackView[] {
    const acct = getAccount(ctx, account);
    return acct.provider.packs.map((p) => packView(ctx, acct, p, this.gateway ? null : this.missing));
  }

  view(ctx: Ctx, p: PurchaseRow): PurchaseView {
    const v = purchaseView(ctx, p);
    if (v.status === 'pending' && v.message === null) v.message = this.lastError.get(p.id) ?? null;
    return v;
  }

  /**
   * Newest first, with the packs recorded by hand (`grant --price`). Purchases made in the same millisecond (the ledger's clock)
   * come out newest-inserted first: ids are random, so the tie-breaker is the
   * table's rowid, which only grows (purchases is append-only: no row is
   * deleted, so no rowid is reused).
   */
  list(ctx: Ctx, account?: string, limit = 50): PurchaseView[] {
    const rows =
      account === undefined
        ? (ctx.stmt('SELECT * FROM purchases ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as PurchaseRow[])
        : (ctx.stmt('SELECT * FROM purchases WHERE account_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?').all(getAccount(ctx, account).id, limit) as PurchaseRow[]);
    // Packs recorded by hand (priced grants no purchase made) come from the ledger's own rows, merged by date.
    const recorded = recordedPurchases(ctx, account === undefined ? undefined : getAccount(ctx, account).id, limit);
    return [...rows.map((r) => this.view(ctx, r)), ...recorded].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt)).slice(0, limit);
  }

  /**
   * Buy a pack. Checked first, without contacting Stripe: the account, the
   * pack, the plan's pack rules, a price. Then the purchase is recorded as
   * pending, the Checkout Session created (idempotency key from the purchase
   * id), and its URL opened. A Stripe failure marks the purchase failed.
   */
  async start(ctx: Ctx, account: string, packId: string): Promise<StartResult> {
    const acct = getAccount(ctx, account);
    const pack = findPack(acct, packId);
    const t = ctx.clock.now();
    assertPackAllowed(ctx, acct, pack, t);
    const via = packVia(pack);
    if (via === 'link') {
      const url = pack.url!;
      return { via, purchase: null, url, opened: await this.open(url) };
    }
    if (via === null || pack.credits === null || pack.priceCents === null) {
      throw new InputError(packView(ctx, acct, pack, null).reason ?? `${pack.name} cannot be bought here`, 'pack');
    }
    const gateway = this.need();
    const mc = parseCredits(pack.credits, 'credits');
    const id = ctx.write(() => {
      const pid = insertPurchase(
        ctx,
        { account_id: acct.id, pack: pack.id, pack_name: pack.name, pool: pack.pool, amount_mc: mc, price_minor: pack.priceCents!, currency: acct.provider.currency, via: 'stripe', note: null },
        t,
      );
      appendLog(ctx, pid, 'pending', t, { source: 'start' });
      return pid;
    });
    const minutes = Math.min(24 * 60, Math.max(30, this.opts.sessionMinutes ?? 60));
    let session: CheckoutSession;
    try {
      session = await gateway.createCheckoutSession({
        purchaseId: id,
        account: acct.id,
        pool: pack.pool,
        pack: pack.id,
        packName: pack.name,
        credits: formatMc(mc),
        amountMinor: pack.priceCents,
        currency: acct.provider.currency,
        successUrl: `${this.returnBase}/purchases/return?session_id=${SESSION_PLACEHOLDER}`,
        cancelUrl: `${this.returnBase}/purchases/cancel?purchase=${encodeURIComponent(id)}`,
        expiresAt: t + minutes * 60_000,
        idempotencyKey: `creditdeck-checkout-${id}`,
      });
    } catch (e) {
      const message = e instanceof PaymentError ? e.message : 'could not create the Checkout Session';
      markEnded(ctx, getPurchaseRow(ctx, id), 'failed', message, 'start');
      throw e instanceof PaymentError ? e : new PaymentError('stripe_error', message);
    }
    if (!session.url || session.clientReferenceId !== id) {
      markEnded(ctx, getPurchaseRow(ctx, id), 'failed', 'Stripe answered without a Checkout URL for this purchase', 'start');
      throw new PaymentError('stripe_error', 'Stripe answered without a Checkout URL for this purchase');
    }
    ctx.write(() => appendLog(ctx, id, 'open', ctx.clock.now(), { session_id: session.id, checkout_url: session.url, expires_at: session.expiresAt, source: 'start' }));
    const opened = await this.open(session.url);
    return { via: 'stripe', purchase: this.view(ctx, getPurchaseRow(ctx, id)), url: session.url, opened };
  }

  private async open(url: string): Promise<boolean> {
    try {
      return (await this.openUrl(url)) === true;
    } catch (e) {
      this.log(`creditdeck: could not open the browser: ${(e as Error).message}`);
      return false;
    }
  }

  /** A purchase, verified with Stripe first while it is pending (or when asked to look again). */
  async get(ctx: Ctx, purchaseId: string, opts: { recheck?: boolean } = {}): Promise<PurchaseView> {
    const p = getPurchaseRow(ctx, purchaseId);
    const st = statusOf(logOf(ctx, p.id));
    const again = opts.recheck === true && (st === 'failed' || st === 'expired');
    if (p.via !== 'stripe' || !this.gateway || (st !== 'pending' && !again)) return this.view(ctx, p);
    return this.verify(ctx, p, 'poll');
  }

  /** The return page and the deep link: Stripe sent the buyer back with the session id. */
  async verifySession(ctx: Ctx, sessionId: string, source = 'return'): Promise<PurchaseView> {
    if (typeof sessionId !== 'string' || !/^cs_[A-Za-z0-9_]{1,250}$/.test(sessionId)) throw new InputError('session_id must be a Checkout Session id (cs_…)', 'session_id');
    const p = purchaseBySession(ctx, sessionId);
    if (!p) throw new InputError('this Checkout Session is not a Creditdeck purchase in this ledger', 'session_id');
    this.need();
    return this.verify(ctx, p, source);
  }

  /** One verification per purchase at a time; callers arriving meanwhile share its answer. */
  private verify(ctx: Ctx, p: PurchaseRow, source: string): Promise<PurchaseView> {
    const running = this.inflight.get(p.id);
    if (running) return running;
    const job = this.verifyNow(ctx, p, source).finally(() => this.inflight.delete(p.id));
    this.inflight.set(p.id, job);
    return job;
  }

  private async verifyNow(ctx: Ctx, p: PurchaseRow, source: string): Promise<PurchaseView> {
    const gateway = this.need();
    const log = logOf(ctx, p.id);
    const session = sessionOf(log);
    const now = ctx.clock.now();
    if (!session?.session_id) {
      if (now - p.created_at > (this.opts.staleMs ?? 15 * 60_000)) markEnded(ctx, p, 'failed', 'the Checkout Session was never created; nothing was charged', source);
      return this.view(ctx, p);
    }
    let s: CheckoutSession;
    try {
      s = await gateway.retrieveSession(session.session_id);
      if (s.status === 'open' && session.expires_at !== null && now > session.expires_at) {
        // Past its expiry and still open (clocks disagree): close it, so it cannot be paid later.
        s = await gateway.expireSession(session.session_id);
      }
    } catch (e) {
      const message = e instanceof PaymentError ? e.message : 'could not check the payment with Stripe';
      this.lastError.set(p.id, message);
      if (session.expires_at !== null && now > session.expires_at + (this.opts.giveUpMs ?? 7 * DAY)) {
        markEnded(ctx, p, 'failed', `${message}; gave up waiting — if it was paid, \`creditdeck purchase show ${p.id} --recheck\` verifies it again`, source);
      }
      if (source === 'poll') return this.view(ctx, p);
      throw e;
    }
    this.lastError.delete(p.id);
    this.apply(ctx, p, s, source);
    return this.view(ctx, p);
  }

  /** What a session says, applied to its purchase. */
  private apply(ctx: Ctx, p: PurchaseRow, s: CheckoutSession, source: string): void {
    if (s.clientReferenceId !== null && s.clientReferenceId !== p.id) {
      this.log(`creditdeck: session ${s.id} names purchase ${s.clientReferenceId}, not ${p.id}; ignored`);
      return;
    }
    if (s.status === 'complete' && (s.paymentStatus === 'paid' || s.paymentStatus === 'no_payment_required')) {
      const r = fulfil(ctx, p, { id: s.id, amountTotal: s.amountTotal, currency: s.currency, paymentIntent: s.paymentIntent, receiptUrl: s.receiptUrl }, source);
      if (r.status === 'granted') this.log(`creditdeck: purchase ${p.id} paid (${source}); ${formatMc(p.amount_mc)} ${p.pool} credits granted`);
    } else if (s.status === 'expired') {
      markEnded(ctx, p, 'expired', 'the Checkout Session expired without a payment; nothing was charged', source);
    }
    // complete but unpaid: a delayed payment method; the async_payment webhook or a later check settles it.
  }

  /** Check every pending purchase once (the app and the web host call this on a timer; tests call it directly). */
  async poll(ctx: Ctx): Promise<PollResult> {
    const out: PollResult = { checked: 0, paid: [], expired: [], failed: [], errors: [] };
    if (!this.gateway) return out;
    for (const p of pendingPurchases(ctx)) {
      out.checked++;
      const v = await this.verify(ctx, p, 'poll');
      if (v.status === 'paid') out.paid.push(p.id);
      else if (v.status === 'expired') out.expired.push(p.id);
      else if (v.status === 'failed') out.failed.push(p.id);
      else if (this.lastError.has(p.id)) out.errors.push(this.lastError.get(p.id)!);
    }
    return out;
  }

  /** The buyer left Checkout: close the session so it cannot be paid later, and record the outcome. */
  async cancel(ctx: Ctx, purchaseId: string): Promise<PurchaseView> {
    const p = getPurchaseRow(ctx, purchaseId);
    const session = sessionOf(logOf(ctx, p.id));
    if (statusOf(logOf(ctx, p.id)) !== 'pending' || !session?.session_id) return this.view(ctx, p);
    const s = await this.need().expireSession(session.session_id).catch(async (e: unknown) => {
      // Already complete or expired: Stripe refuses to expire it; look at it instead.
      if (e instanceof PaymentError && e.kind === 'declined') return this.need().retrieveSession(session.session_id!);
      throw e;
    });
    this.apply(ctx, p, s, 'cancel');
    return this.view(ctx, p);
  }

  /**
   * A Stripe webhook: the signature is verified over the raw body first;
   * a forged or stale one throws PaymentError('signature') and changes
   * nothing. Events for sessions that are not ours are acknowledged and ignored.
   */
  webhook(ctx: Ctx, raw: Buffer | string, signature: string | undefined): { received: true; type: string; purchase: string | null; status: string | null } {
    if (!this.gateway) throw new PaymentError('not_configured', this.missing);
    const event = this.gateway.verifyWebhook(raw, signature, ctx.clock.now());
    const s = event.session;
    const ours = s ? (s.clientReferenceId ? (ctx.stmt('SELECT * FROM purchases WHERE id = ?').get(s.clientReferenceId) as PurchaseRow | undefined) : undefined) ?? purchaseBySession(ctx, s.id) : null;
    if (!s || !ours || sessionOf(logOf(ctx, ours.id))?.session_id !== s.id) return { received: true, type: event.type, purchase: null, status: null };
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
        this.apply(ctx, ours, s, 'webhook');
        break;
      case 'checkout.session.async_payment_failed':
        markEnded(ctx, ours, 'failed', 'the payment failed (a delayed payment method was declined); nothing was charged', 'webhook');
        break;
      case 'checkout.session.expired':
        this.apply(ctx, ours, { ...s, status: 'expired' }, 'webhook');
        break;
      default:
        break;
    }
    return { received: true, type: event.type, purchase: ours.id, status: statusOf(logOf(ctx, ours.id)) };
  }

  /**
   * Refund the unused credits of a Stripe purchase. Order: the ledger's
   * refund rules first (a refusal is recorded, Stripe is never asked), then
   * Stripe returns the money (a failure leaves the ledger as it was), then
   * the ledger takes the credits back and records the refund, in one
   * transaction. A retry after a crash between the last two reuses the
   * refund's idempotency key, so Stripe does not pay twice.
   */
  async refund(ctx: Ctx, purchaseId: string): Promise<RefundView> {
    const p = getPurchaseRow(ctx, purchaseId);
    const log = logOf(ctx, p.id);
    const st = statusOf(log);
    const paid = log.find((l) => l.status === 'paid');
    if (st !== 'paid' || !paid?.grant_id) throw new InputError(st === 'refunded' ? `purchase ${p.id} is already refunded` : `purchase ${p.id} is ${st}: only a paid purchase can be refunded`, 'purchase');
    if (p.via !== 'stripe') throw new InputError(this.view(ctx, p).refundReason ?? 'only Stripe purchases are refunded here', 'purchase');
    const gateway = this.need();
    if (!paid.payment_intent) throw new InputError('Stripe gave no payment for this purchase, so there is nothing to refund through Stripe', 'purchase');
    const quote = quoteRefund(ctx, paid.grant_id, ctx.clock.now());
    let stripeRefund: string | null = null;
    if (quote.moneyMinor > 0) {
      const r = await gateway.refund({ paymentIntent: paid.payment_intent, amountMinor: quote.moneyMinor, purchaseId: p.id, idempotencyKey: `creditdeck-refund-${p.id}` });
      stripeRefund = r.id;
    }
    const result = ctx.write(() => {
      const r = refundGrant(ctx, paid.grant_id!, { returned: { amountMc: quote.amountMc, moneyMinor: quote.moneyMinor } });
      appendLog(ctx, p.id, 'refunded', ctx.clock.now(), { refund_id: r.refundId, stripe_refund: stripeRefund, source: 'refund' });
      return r;
    });
    return {
      purchase: this.view(ctx, p),
      refundId: result.refundId,
      grantId: result.grantId,
      credits: result.credits,
      amount: { minor: result.amountCents, currency: result.currency ?? p.currency },
      stripeRefund,
    };
  }
}
