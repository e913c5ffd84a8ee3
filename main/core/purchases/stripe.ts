/**
 * The Stripe side of purchases, through the official `stripe` SDK: Checkout
 * Sessions, refunds and webhook signatures. Every failure becomes a
 * PaymentError with a plain message that never carries a key.
 */
import { createRequire } from 'node:module';
import type Stripe from 'stripe';

type StripeSdk = typeof Stripe;
let sdk: StripeSdk | null = null;
/**
 * The SDK, loaded on first use: most commands never talk to Stripe, and
 * loading it costs every `creditdeck` start tens of milliseconds.
 */
function stripeSdk(): StripeSdk {
  sdk ??= createRequire(import.meta.url)('stripe') as StripeSdk;
  return sdk;
}

/** The slice of a Checkout Session that purchases use. */
export interface CheckoutSession {
  id: string;
  url: string | null;
  status: 'open' | 'complete' | 'expired' | null;
  paymentStatus: 'paid' | 'unpaid' | 'no_payment_required';
  amountTotal: number | null;
  currency: string | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  /** Epoch milliseconds. */
  expiresAt: number;
  paymentIntent: string | null;
  receiptUrl: string | null;
}

export interface CreateSessionInput {
  purchaseId: string;
  account: string;
  pool: string;
  pack: string;
  packName: string;
  /** Credits as exact decimal text ("500", "7.5"). */
  credits: string;
  amountMinor: number;
  currency: string;
  successUrl: string;
  cancelUrl: string;
  /** Epoch milliseconds; Stripe accepts 30 minutes to 24 hours ahead. */
  expiresAt: number;
  idempotencyKey: string;
}

export interface StripeEventLite {
  id: string;
  type: string;
  created: number;
  session: CheckoutSession | null;
}

/** What the purchase flows need from Stripe; tests may also stand in their own. */
export interface StripeGateway {
  createCheckoutSession(input: CreateSessionInput): Promise<CheckoutSession>;
  retrieveSession(id: string): Promise<CheckoutSession>;
  expireSession(id: string): Promise<CheckoutSession>;
  refund(input: { paymentIntent: string; amountMinor: number; purchaseId: string; idempotencyKey: string }): Promise<{ id: string; status: string | null; amountMinor: number }>;
  /** Verifies the Stripe-Signature header over the raw body; throws PaymentError('signature') otherwise. */
  verifyWebhook(raw: Buffer | string, signature: string | undefined, receivedAtMs: number): StripeEventLite;
  readonly webhookConfigured: boolean;
  /** Test or live, from the key's prefix (sk_test_…, rk_live_…); optional for stand-ins. */
  readonly mode?: 'test' | 'live';
}

export type PaymentErrorKind = 'offline' | 'rate_limited' | 'stripe_error' | 'declined' | 'auth' | 'signature' | 'not_configured';

export class PaymentError extends Error {
  constructor(
    readonly kind: PaymentErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentError';
  }
}

const KEY_LIKE = /\b(sk|rk|pk|whsec)_(test|live)?_?[A-Za-z0-9*_]+/g;

/** Removes anything shaped like a Stripe key or webhook secret, and the given secrets verbatim. */
export function scrub(text: string, secrets: readonly (string | null | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 6) out = out.split(s).join('[redacted]');
  return out.replace(KEY_LIKE, '[redacted]');
}

/** Test or live, from a secret or restricted key's prefix: only sk_live_ / rk_live_ keys are live. */
export function keyMode(secretKey: string): 'test' | 'live' {
  return /^(sk|rk)_live_/.test(secretKey.trim()) ? 'live' : 'test';
}

export interface StripeGatewayOptions {
  secretKey: string;
  webhookSecret?: string | null;
  /** The API's base URL, e.g. http://127.0.0.1:12111 for a local fake (CREDITDECK_STRIPE_API). Default Stripe's. */
  apiBase?: string;
  /** Retries of connection errors, 409 and 5xx by the SDK (same idempotency key). Default 2. */
  maxNetworkRetries?: number;
  /** Extra attempts after a 429. Default 2. */
  rateLimitRetries?: number;
  /** Waits between 429 retries (and, when given, the SDK's own retry delay): tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** The SDK's retry delay in ms; default the SDK's (0.5 s and up). */
  retryDelayMs?: number;
  timeoutMs?: number;
  /** Webhook timestamp tolerance in seconds. Default 300. */
  toleranceSeconds?: number;
}

const realSleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

function toSession(s: Stripe.Checkout.Session): CheckoutSession {
  const pi = s.payment_intent;
  let receiptUrl: string | null = null;
  if (pi && typeof pi === 'object') {
    const charge = pi.latest_charge;
    if (charge && typeof charge === 'object') receiptUrl = charge.receipt_url ?? null;
  }
  return {
    id: s.id,
    url: s.url ?? null,
    status: s.status ?? null,
    paymentStatus: s.payment_status,
    amountTotal: s.amount_total ?? null,
    currency: s.currency ?? null,
    clientReferenceId: s.client_reference_id ?? null,
    metadata: (s.metadata ?? {}) as Record<string, string>,
    expiresAt: s.expires_at * 1000,
    paymentIntent: pi === null || pi === undefined ? null : typeof pi === 'string' ? pi : pi.id,
    receiptUrl,
  };
}

const LOOPBACK = ['127.0.0.1', '[::1]', 'localhost'];

/**
 * Why another Stripe API address (CREDITDECK_STRIPE_API, the tests' fake)
 * is refused, or null: the key goes to it as a Bearer header, so only
 * http(s) on this machine's loopback, and only with a test-mode key.
 */
export function apiBaseRefusal(apiBase: string, secretKey: string): string | null {
  let u: URL;
  try {
    u = new URL(apiBase);
  } catch {
    return 'CREDITDECK_STRIPE_API is not a URL; it is a testing hook (http://127.0.0.1:PORT), unset it';
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !LOOPBACK.includes(u.hostname)) {
    return 'CREDITDECK_STRIPE_API may only name a fake Stripe API on this machine (http://127.0.0.1, [::1] or localhost); nothing was sent — unset it';
  }
  if (!/^(sk|rk)_test_/.test(secretKey.trim())) return 'CREDITDECK_STRIPE_API is a testing hook and takes test-mode keys only (sk_test_… / rk_test_…); nothing was sent — unset it';
  return null;
}

export function createStripeGateway(opts: StripeGatewayOptions): StripeGateway {
  const secrets = [opts.secretKey, opts.webhookSecret];
  const config: Stripe.StripeConfig = {
    maxNetworkRetries: opts.maxNetworkRetries ?? 2,
    timeout: opts.timeoutMs ?? 20_000,
    appInfo: { name: 'Creditdeck' },
    telemetry: false,
  };
  if (opts.apiBase) {
    const refused = apiBaseRefusal(opts.apiBase, opts.secretKey);
    if (refused) throw new PaymentError('not_configured', refused);
    const u = new URL(opts.apiBase);
    config.host = u.hostname;
    config.port = u.port || (u.protocol === 'https:' ? 443 : 80);
    config.protocol = u.protocol === 'https:' ? 'https' : 'http';
  }
  const Sdk = stripeSdk();
  const stripe = new Sdk(opts.secretKey, config);
  if (opts.retryDelayMs !== undefined) {
    // The SDK's backoff reads these (seconds); a test makes retries immediate.
    const s = stripe as unknown as { getInitialNetworkRetryDelay: () => number; getMaxNetworkRetryDelay: () => number };
    s.getInitialNetworkRetryDelay = () => opts.retryDelayMs! / 1000;
    s.getMaxNetworkRetryDelay = () => opts.retryDelayMs! / 1000;
  }
  const sleep = opts.sleep ?? realSleep;
  const rateLimitRetries = opts.rateLimitRetries ?? 2;

  /** Plain, key-free errors; 429 retried with backoff (every call here is a GET or carries an idempotency key). */
  async function run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (e instanceof stripeSdk().errors.StripeRateLimitError && attempt < rateLimitRetries) {
          const after = Number(e.headers?.['retry-after']);
          await sleep(Number.isFinite(after) && after > 0 && after <= 60 ? after * 1000 : 1000 * 2 ** attempt);
          continue;
        }
        throw mapError(e, what, secrets);
      }
    }
  }

  return {
    webhookConfigured: !!opts.webhookSecret,
    mode: keyMode(opts.secretKey),
    async createCheckoutSession(i) {
      const s = await run('create the Checkout Session', () =>
        stripe.checkout.sessions.create(
          {
            mode: 'payment',
            client_reference_id: i.purchaseId,
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: i.currency.toLowerCase(),
                  unit_amount: i.amountMinor,
                  product_data: { name: `${i.packName} (${i.credits} ${i.pool} credits)`, metadata: { pack: i.pack, pool: i.pool } },
                },
              },
            ],
            metadata: { purchase: i.purchaseId, account: i.account, pool: i.pool, pack: i.pack, credits: i.credits },
            payment_intent_data: { metadata: { purchase: i.purchaseId, account: i.account, pack: i.pack } },
            success_url: i.successUrl,
            cancel_url: i.cancelUrl,
            expires_at: Math.floor(i.expiresAt / 1000),
          },
          { idempotencyKey: i.idempotencyKey },
        ),
      );
      return toSession(s);
    },
    async retrieveSession(id) {
      return toSession(await run('check the Checkout Session', () => stripe.checkout.sessions.retrieve(id, { expand: ['payment_intent.latest_charge'] })));
    },
    async expireSession(id) {
      return toSession(await run('expire the Checkout Session', () => stripe.checkout.sessions.expire(id, {}, { idempotencyKey: `creditdeck-expire-${id}` })));
    },
    async refund(i) {
      const r = await run('refund the payment', () =>
        stripe.refunds.create({ payment_intent: i.paymentIntent, amount: i.amountMinor, metadata: { purchase: i.purchaseId } }, { idempotencyKey: i.idempotencyKey }),
      );
      return { id: r.id, status: r.status ?? null, amountMinor: r.amount };
    },
    verifyWebhook(raw, signature, receivedAtMs) {
      if (!opts.webhookSecret) throw new PaymentError('not_configured', 'no webhook secret is set up (STRIPE_WEBHOOK_SECRET); webhooks are refused');
      if (!signature) throw new PaymentError('signature', 'the webhook has no Stripe-Signature header');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(raw, signature, opts.webhookSecret, opts.toleranceSeconds ?? 300, undefined, receivedAtMs);
      } catch (e) {
        const stale = /tolerance/i.test((e as Error).message);
        throw new PaymentError('signature', stale ? 'the webhook signature is too old (outside the 5-minute tolerance)' : 'the webhook signature does not match');
      }
      const obj = (event.data as { object?: { object?: string } }).object;
      return { id: event.id, type: event.type, created: event.created, session: obj && obj.object === 'checkout.session' ? toSession(obj as Stripe.Checkout.Session) : null };
    },
  };
}

/** Stripe's errors → PaymentError with a plain message; keys scrubbed. */
export function mapError(e: unknown, what: string, secrets: readonly (string | null | undefined)[] = []): PaymentError {
  if (e instanceof PaymentError) return e;
  const E = stripeSdk().errors;
  const detail = (x: unknown) => scrub(String((x as Error)?.message ?? x).split('\n', 1)[0]!.slice(0, 200), secrets);
  if (e instanceof E.StripeConnectionError) return new PaymentError('offline', `could not reach Stripe to ${what}: check the internet connection and try again`);
  if (e instanceof E.StripeRateLimitError) return new PaymentError('rate_limited', `Stripe is rate-limiting requests (429) and did not ${what}; try again in a minute`);
  if (e instanceof E.StripeAuthenticationError || e instanceof E.StripePermissionError) {
    return new PaymentError('auth', `Stripe refused the API key when asked to ${what} (${e instanceof E.StripePermissionError ? 'the restricted key lacks a permission' : 'invalid or revoked key'})`);
  }
  if (e instanceof E.StripeAPIError || (e instanceof E.StripeError && typeof e.statusCode === 'number' && e.statusCode >= 500)) {
    return new PaymentError('stripe_error', `Stripe had a problem (${(e as Stripe.errors.StripeError).statusCode ?? 'error'}) and did not ${what}; try again later`);
  }
  if (e instanceof E.StripeCardError || e instanceof E.StripeInvalidRequestError || e instanceof E.StripeIdempotencyError || e instanceof E.StripeError) {
    return new PaymentError('declined', `Stripe declined to ${what}: ${detail(e)}`);
  }
  return new PaymentError('stripe_error', `could not ${what}: ${detail(e)}`);
}
