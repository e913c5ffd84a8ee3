/** Purchases through the real stripe SDK against a local fake Stripe API. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, callAsync } from '../../main/core/api/handlers.js';
import { Payments } from '../../main/core/purchases/service.js';
import { PaymentError, scrub } from '../../main/core/purchases/stripe.js';
import { perCredit } from '../../main/core/purchases/store.js';
import { RefusedError } from '../../main/core/util/errors.js';
import { exportTo } from '../../main/core/ledger/backup.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { deadPort } from './fake-stripe.js';
import { gatewayFor, grantsFor, SECRET_KEY, snapshot, WEBHOOK_SECRET, world, type World } from './helpers.js';

let w: World;
beforeEach(async () => {
  w = await world();
});
afterEach(async () => {
  await w.close();
});

const sessionIdOf = (r: { purchase: { sessionId: string | null } | null }) => r.purchase!.sessionId!;

describe('packs', () => {
  it('lists price, exact price per credit, how it is bought and why not', () => {
    const edge = w.payments.packs(w.ctx, 'flux-edge');
    expect(edge.map((p) => [p.id, p.credits, p.price, p.perCredit, p.via, p.buyable])).toEqual([
      ['starter', 500, { minor: 500, currency: 'USD' }, '0.01', 'stripe', true],
      ['pro', 2000, { minor: 1500, currency: 'USD' }, '0.0075', 'stripe', true],
    ]);
    const pulse = w.payments.packs(w.ctx, 'flux-pulse');
    expect(pulse.every((p) => !p.buyable && /Pulse accounts cannot buy credit packs/.test(p.reason!))).toBe(true);
    expect(w.payments.packs(w.ctx, 'fluxnote-rise')).toEqual([]);
    const fx = w.payments.packs(w.ctx, 'fluximage-pool-pro');
    expect(fx.map((p) => [p.id, p.buyable])).toEqual([
      ['ai-500', true],
      ['comp-500', false],
    ]);
    const unconfigured = new Payments({ gateway: null, missing: 'Stripe is not set up here' });
    expect(unconfigured.packs(w.ctx, 'flux-edge')[0]).toMatchObject({ buyable: false, reason: 'Stripe is not set up here', blocker: 'stripe' });
    expect(perCredit(1, 3_000_000, 'USD')).toBe('0.000003');
    expect(perCredit(100, 3_000_000, 'JPY')).toBe('0.033333');
  });
});

describe('buying through Stripe Checkout', () => {
  it('records a pending purchase, creates the session with metadata, client_reference_id and an idempotency key, and opens its URL', async () => {
    const r = await w.payments.start(w.ctx, 'flux-edge', 'pro');
    expect(r).toMatchObject({ via: 'stripe', opened: true, purchase: { status: 'pending', account: 'flux-edge', pack: 'pro', credits: 2000, price: { minor: 1500, currency: 'USD' } } });
    expect(w.opened).toEqual([r.url]);
    const req = w.fake.requests.find((q) => q.path === '/v1/checkout/sessions')!;
    expect(req.method).toBe('POST');
    expect(req.headers['idempotency-key']).toBe(`creditdeck-checkout-${r.purchase!.id}`);
    expect(req.params).toMatchObject({
      mode: 'payment',
      client_reference_id: r.purchase!.id,
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '1500',
      'line_items[0][quantity]': '1',
      'metadata[account]': 'flux-edge',
      'metadata[pool]': 'credits',
      'metadata[pack]': 'pro',
      'metadata[credits]': '2000',
      'metadata[purchase]': r.purchase!.id,
      success_url: 'http://127.0.0.1:4317/purchases/return?session_id={CHECKOUT_SESSION_ID}',
    });
    expect(Number(req.params.expires_at)).toBe(Date.parse('2026-11-15T13:00:00Z') / 1000);
    expect(r.purchase!.history.map((h) => h.status)).toEqual(['pending', 'open']);
    expect(grantsFor(w.ctx, 'flux-edge')).toEqual([]);
  });

  it('verifies before granting: unpaid stays pending; paid grants once, with the price paid', async () => {
    const r = await w.payments.start(w.ctx, 'flux-edge', 'pro');
    const id = r.purchase!.id;
    expect((await w.payments.get(w.ctx, id)).status).toBe('pending');
    expect(grantsFor(w.ctx, 'flux-edge')).toEqual([]);
    w.fake.complete(sessionIdOf(r));
    const paid = await w.payments.get(w.ctx, id);
    expect(paid).toMatchObject({ status: 'paid', paid: { minor: 1500, currency: 'USD' }, receiptUrl: expect.stringMatching(/^https:\/\/pay\.stripe\.com\/receipts\//), refundable: false });
    expect(paid.refundReason).toMatch(/does not offer refunds/);
    const grants = grantsFor(w.ctx, 'flux-edge');
    expect(grants).toEqual([{ id: paid.grantId, key: `stripe:${sessionIdOf(r)}`, amount_mc: 2_000_000, price_minor: 1500, source: 'purchase' }]);
    // Asked again (a paid purchase is not re-verified), polled, verified on return: still one grant.
    const before = w.fake.requests.length;
    await w.payments.get(w.ctx, id);
    expect(w.fake.requests.length).toBe(before);
    await w.payments.poll(w.ctx);
    await w.payments.verifySession(w.ctx, sessionIdOf(r));
    expect(grantsFor(w.ctx, 'flux-edge')).toHaveLength(1);
    expect(call(w.ctx, 'balance.get', { account: 'flux-edge' }).pools[0]!.topupRemaining).toBe(2000);
    // The grant's price is what cost per credit reads.
    expect(call(w.ctx, 'grants.list', { account: 'flux-edge' }).find((g) => g.grantId === paid.grantId)).toMatchObject({ priceCents: 1500, source: 'purchase' });
  });

  it('an expired session marks the purchase expired; polling expires one past its expiry that Stripe still shows open', async () => {
    const a = await w.payments.start(w.ctx, 'flux-edge', 'starter');
    const b = await w.payments.start(w.ctx, 'flux-edge', 'pro');
    w.fake.expire(sessionIdOf(a));
    w.clock.advance(61 * 60_000); // b's session is past its expiry, yet the fake still says open
    const r = await w.payments.poll(w.ctx);
    expect(r).toMatchObject({ checked: 2, expired: [a.purchase!.id, b.purchase!.id] });
    expect(w.fake.requests.some((q) => q.path === `/v1/checkout/sessions/${sessionIdOf(b)}/expire`)).toBe(true);
    expect(w.fake.sessions.get(sessionIdOf(b))!.status).toBe('expired');
    const v = await w.payments.get(w.ctx, a.purchase!.id);
    expect(v).toMatchObject({ status: 'expired', checkoutUrl: null, message: expect.stringMatching(/expired without a payment/) });
    expect(grantsFor(w.ctx, 'flux-edge')).toEqual([]);
    expect(await w.payments.poll(w.ctx)).toMatchObject({ checked: 0 });
  });

  it('a purchase marked expired that Stripe later shows paid is paid (money that moved is never ignored)', async () => {
    const a = await w.payments.start(w.ctx, 'flux-edge', 'starter');
    w.fake.expire(sessionIdOf(a));
    await w.payments.poll(w.ctx);
    const s = w.fake.sessions.get(sessionIdOf(a))!;
    s.status = 'open';
    w.fake.complete(s.id);
    expect((await w.payments.get(w.ctx, a.purchase!.id)).status).toBe('expired');
    expect((await w.payments.get(w.ctx, a.purchase!.id, { recheck: true })).status).toBe('paid');
    expect(grantsFor(w.ctx, 'flux-edge')).toHaveLength(1);
  });

  it('cancel closes the session at Stripe and records it', async () => {
    const a = await w.payments.start(w.ctx, 'flux-edge', 'starter');
    const v = await w.payments.cancel(w.ctx, a.purchase!.id);
    expect(v.status).toBe('expired');
    expect(w.fake.sessions.get(sessionIdOf(a))!.status).toBe('expired');
  });
});

describe('what was paid per credit, and the order of the list', () => {
  it('paidPerCredit is what Stripe says was paid over the credits granted, exact, and null until paid', async () => {
    const r = await w.payments.start(w.ctx, 'flux-edge', 'pro');
    const id = r.purchase!.id;
    expect(r.purchase).toMatchObject({ paid: null, paidPerCredit: null });
    // A promotion code at Checkout: Stripe reports $12.34 for the $15.00 pack; the cost per credit follows the money that moved.
    w.fake.sessions.get(sessionIdOf(r))!.amount_total = 1234;
    w.fake.complete(sessionIdOf(r));
    const paid = await w.payments.get(w.ctx, id);
    expect(paid).toMatchObject({ status: 'paid', price: { minor: 1500, currency: 'USD' }, paid: { minor: 1234, currency: 'USD' }, paidPerCredit: '0.00617' });
    expect(w.payments.packs(w.ctx, 'flux-edge').find((p) => p.id === 'pro')!.perCredit).toBe('0.0075');
    expect(call(w.ctx, 'purchases.list', { account: 'flux-edge' }, { payments: w.payments })[0]).toMatchObject({ id, paidPerCredit: '0.00617' });

    // The list price paid in full: the same text as the pack's perCredit.
    const full = await w.payments.start(w.ctx, 'flux-edge', 'pro');
    w.fake.complete(sessionIdOf(full));
    expect((await w.payments.get(w.ctx, full.purchase!.id)).paidPerCredit).toBe('0.0075');

    // A provider-link purchase: what the buyer said was paid, over what arrived (950 minor / 750 credits = 1.2666…, half up at 6 places).
    const link = call(w.ctx, 'purchases.confirmManual', { account: 'lux-pool-free', pack: 'k1', note: 'order 9', credits: 750, priceMinor: 950 });
    expect(link).toMatchObject({ paid: { minor: 950, currency: 'USD' }, paidPerCredit: '0.012667' });
    // Fractional credits and a free purchase.
    expect(call(w.ctx, 'purchases.confirmManual', { account: 'lux-pool-free', pack: 'k1', note: 'order 10', credits: '0.5', priceMinor: 1 })).toMatchObject({ paidPerCredit: '0.02' });
    expect(call(w.ctx, 'purchases.confirmManual', { account: 'lux-pool-free', pack: 'k1', note: 'gift', credits: 3, priceMinor: 0 })).toMatchObject({ paidPerCredit: '0' });
  });

  it('a refunded purchase keeps what was paid per credit', async () => {
    const r = await w.payments.start(w.ctx, 'lux-pool-free', 'k1');
    w.fake.complete(sessionIdOf(r));
    await w.payments.get(w.ctx, r.purchase!.id);
    const refunded = await w.payments.refund(w.ctx, r.purchase!.id);
    expect(refunded.purchase).toMatchObject({ status: 'refunded', paid: { minor: 1000 }, paidPerCredit: '0.01' });
  });

  it('purchases made in the same millisecond list newest-inserted first, every time', async () => {
    // The ledger's clock does not move: every purchase has the same created_at, and ids are random.
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(call(w.ctx, 'purchases.confirmManual', { account: 'lux-pool-free', pack: 'k1', note: `order ${i}`, credits: 1, priceMinor: 1 }).id);
    const newestFirst = [...ids].reverse();
    expect(new Set(w.payments.list(w.ctx).map((p) => p.createdAt)).size).toBe(1);
    expect(w.payments.list(w.ctx, 'lux-pool-free').map((p) => p.id)).toEqual(newestFirst);
    expect(w.payments.list(w.ctx).map((p) => p.id)).toEqual(newestFirst);
    expect(w.payments.list(w.ctx, 'lux-pool-free', 5).map((p) => p.id)).toEqual(newestFirst.slice(0, 5));
    // The ids alone would not give this order.
    expect([...ids].sort().reverse()).not.toEqual(newestFirst);
    // A later purchase still comes first.
    w.clock.advance(1);
    const later = call(w.ctx, 'purchases.confirmManual', { account: 'lux-pool-free', pack: 'k1', note: 'later', credits: 1, priceMinor: 1 }).id;
    expect(w.payments.list(w.ctx, 'lux-pool-free').map((p) => p.id)).toEqual([later, ...newestFirst]);
  });
});

describe('plan rules come before Stripe', () => {
  it('Flux Pulse, FluxNote and Fluximage non-AI packs are refused and recorded; the fake sees no request', async () => {
    await expect(w.payments.start(w.ctx, 'flux-pulse', 'starter')).rejects.toThrow(RefusedError);
    await expect(w.payments.start(w.ctx, 'flux-pulse', 'starter')).rejects.toThrow(/Pulse accounts cannot buy credit packs \(plans that can: Edge\)/);
    await expect(w.payments.start(w.ctx, 'fluxnote-rise', 'anything')).rejects.toThrow(/sells no credit packs/);
    await expect(w.payments.start(w.ctx, 'fluximage-pool-pro', 'comp-500')).rejects.toThrow(/sells top-ups only for ai, not compression/);
    expect(w.fake.requests).toEqual([]);
    expect(w.opened).toEqual([]);
    expect(call(w.ctx, 'refusals.list', { account: 'flux-pulse' })[0]).toMatchObject({ reason: 'plan', action: 'purchase:starter' });
    // A window is told what stands in the way, to say it in its own words.
    expect(w.payments.packs(w.ctx, 'flux-pulse')[0]).toMatchObject({ buyable: false, blocker: 'plan' });
    expect(w.payments.packs(w.ctx, 'flux-edge')[0]).toMatchObject({ buyable: true, blocker: null });
    expect(w.ctx.db.prepare('SELECT COUNT(*) AS n FROM purchases').get()).toEqual({ n: 0 });
    // The AI top-up is allowed.
    const ok = await w.payments.start(w.ctx, 'fluximage-pool-pro', 'ai-500');
    expect(ok.purchase!.status).toBe('pending');
    expect(w.fake.requests).toHaveLength(1);
  });

  it('bad input is a clear error and writes nothing', async () => {
    const before = snapshot(w.ctx);
    await expect(w.payments.start(w.ctx, 'flux-edge', 'nope')).rejects.toThrow(/has no pack "nope" \(packs: starter, pro\)/);
    await expect(w.payments.start(w.ctx, 'missing', 'pro')).rejects.toThrow(/not found/);
    await expect(callAsync(w.ctx, 'purchases.start', { account: 'flux-edge' }, { payments: w.payments })).rejects.toThrow(/input at pack/);
    await expect(w.payments.get(w.ctx, 'pu_nope')).rejects.toThrow(/purchase "pu_nope" was not found/);
    await expect(w.payments.verifySession(w.ctx, '../../etc')).rejects.toThrow(/session_id must be/);
    expect(snapshot(w.ctx)).toBe(before);
    expect(w.fake.requests).toEqual([]);
  });

  it('without Stripe set up, starting says so before recording anything', async () => {
    const p = new Payments({ gateway: null, missing: 'Stripe is not set up: set STRIPE_SECRET_KEY' });
    const before = snapshot(w.ctx);
    await expect(p.start(w.ctx, 'flux-edge', 'pro')).rejects.toThrow(/Stripe is not set up/);
    expect(snapshot(w.ctx)).toBe(before);
    expect(() => call(w.ctx, 'purchases.start', { account: 'flux-edge', pack: 'pro' })).toThrow(/answers asynchronously/);
  });
});

describe('refunds', () => {
  async function paidLux(): Promise<string> {
    const r = await w.payments.start(w.ctx, 'lux-pool-free', 'k1');
    w.fake.complete(sessionIdOf(r));
    expect((await w.payments.get(w.ctx, r.purchase!.id)).status).toBe('paid');
    return r.purchase!.id;
  }

  it('inside the window, after some use: the unused share goes back through Stripe and comes off the grant', async () => {
    const id = await paidLux();
    // 1,000 monthly credits first, then 250 of the 1,000 purchased.
    call(w.ctx, 'usage.record', { account: 'lux-pool-free', action: 'email', quantity: 1250 });
    expect((await w.payments.get(w.ctx, id)).refundable).toBe(true);
    const r = await w.payments.refund(w.ctx, id);
    expect(r).toMatchObject({ credits: 750, amount: { minor: 750, currency: 'USD' }, stripeRefund: expect.stringMatching(/^re_/) });
    const req = w.fake.requests.find((q) => q.path === '/v1/refunds')!;
    expect(req.params).toMatchObject({ amount: '750', 'metadata[purchase]': id });
    expect(req.params.payment_intent).toMatch(/^pi_/);
    expect(req.headers['idempotency-key']).toBe(`creditdeck-refund-${id}`);
    expect(r.purchase).toMatchObject({ status: 'refunded', refund: { credits: 750, amount: { minor: 750 } }, refundable: false });
    expect(call(w.ctx, 'balance.get', { account: 'lux-pool-free' }).pools[0]!.topupRemaining).toBe(0);
    await expect(w.payments.refund(w.ctx, id)).rejects.toThrow(/already refunded/);
    expect(w.fake.refunds).toHaveLength(1);
  });

  it('outside the window: refused with the reason, recorded, and Stripe is never asked', async () => {
    const id = await paidLux();
    w.clock.advance(31 * 86_400_000);
    const before = w.fake.requests.length;
    await expect(w.payments.refund(w.ctx, id)).rejects.toThrow(/30-day refund window for grant .* closed/);
    expect(w.fake.requests.length).toBe(before);
    expect(call(w.ctx, 'refusals.list', { account: 'lux-pool-free' })[0]).toMatchObject({ reason: 'refund' });
  });

  it('everything used: refused before Stripe; a provider without refunds too', async () => {
    const id = await paidLux();
    call(w.ctx, 'usage.record', { account: 'lux-pool-free', action: 'email', quantity: 2000 });
    const before = w.fake.requests.length;
    await expect(w.payments.refund(w.ctx, id)).rejects.toThrow(/no unused credits left/);
    const flux = await w.payments.start(w.ctx, 'flux-edge', 'starter');
    w.fake.complete(sessionIdOf(flux));
    await w.payments.get(w.ctx, flux.purchase!.id);
    const n = w.fake.requests.length;
    await expect(w.payments.refund(w.ctx, flux.purchase!.id)).rejects.toThrow(/does not offer refunds/);
    expect(w.fake.requests.length).toBe(n);
    expect(before).toBeLessThan(n);
  });

  it('a Stripe failure leaves the ledger unchanged; the retry refunds once', async () => {
    const id = await paidLux();
    const before = snapshot(w.ctx);
    w.fake.fail({ status: 402, message: 'charge_disputed' });
    await expect(w.payments.refund(w.ctx, id)).rejects.toThrow(/Stripe declined to refund the payment: charge_disputed/);
    expect(snapshot(w.ctx)).toBe(before);
    const r = await w.payments.refund(w.ctx, id);
    expect(r.amount.minor).toBe(1000);
    expect(w.fake.refunds).toHaveLength(1);
  });
});

describe('errors and retries', () => {
  it('a 429 is retried (after a wait) and the session is created once', async () => {
    const sleeps: number[] = [];
    const p = new Payments({ gateway: gatewayFor(w.fake.url, { sleeps }), openUrl: () => true });
    w.fake.fail({ status: 429 });
    const r = await p.start(w.ctx, 'flux-edge', 'starter');
    expect(r.purchase!.status).toBe('pending');
    expect(sleeps).toEqual([1000]);
    expect(w.fake.sessions.size).toBe(1);
    const posts = w.fake.requests.filter((q) => q.path === '/v1/checkout/sessions');
    expect(posts).toHaveLength(2);
    expect(new Set(posts.map((q) => q.headers['idempotency-key'])).size).toBe(1);
  });

  it('a 500 and a dropped connection are retried by the SDK with the same idempotency key', async () => {
    w.fake.fail({ status: 500 }, 'drop');
    const r = await w.payments.start(w.ctx, 'flux-edge', 'starter');
    expect(r.purchase!.status).toBe('pending');
    const posts = w.fake.requests.filter((q) => q.path === '/v1/checkout/sessions');
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((q) => q.headers['idempotency-key']))).toEqual(new Set([`creditdeck-checkout-${r.purchase!.id}`]));
    expect(w.fake.sessions.size).toBe(1);
  });

  it('429s that do not stop: a clear message, and the purchase is failed, not left pending', async () => {
    w.fake.fail({ status: 429 }, { status: 429 }, { status: 429 });
    const err = await w.payments.start(w.ctx, 'flux-edge', 'starter').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentError);
    expect((err as Error).message).toMatch(/rate-limiting requests \(429\)/);
    const [v] = w.payments.list(w.ctx, 'flux-edge');
    expect(v).toMatchObject({ status: 'failed', message: expect.stringMatching(/429/) });
  });

  it('offline: a clear message, the purchase failed; a pending one stays checkable and gives up after a week', async () => {
    const offline = new Payments({ gateway: gatewayFor(`http://127.0.0.1:${await deadPort()}`), openUrl: () => true });
    const err = await offline.start(w.ctx, 'flux-edge', 'starter').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/could not reach Stripe to create the Checkout Session: check the internet connection/);
    expect(offline.list(w.ctx)[0]!.status).toBe('failed');
    // Started online, then the connection goes.
    const r = await w.payments.start(w.ctx, 'flux-edge', 'pro');
    const v = await offline.get(w.ctx, r.purchase!.id);
    expect(v).toMatchObject({ status: 'pending', message: expect.stringMatching(/could not reach Stripe/) });
    w.clock.advance(8 * 86_400_000);
    const later = await offline.get(w.ctx, r.purchase!.id);
    expect(later).toMatchObject({ status: 'failed', message: expect.stringMatching(/gave up waiting/) });
    // Back online and paid after all: a recheck grants it.
    w.fake.complete(sessionIdOf(r));
    expect((await w.payments.get(w.ctx, r.purchase!.id, { recheck: true })).status).toBe('paid');
  });

  it('a purchase whose session was never created is failed after 15 minutes', async () => {
    const hung = new Payments({
      gateway: { ...w.gateway, createCheckoutSession: () => new Promise(() => {}) },
      openUrl: () => true,
    });
    void hung.start(w.ctx, 'flux-edge', 'starter');
    await new Promise((ok) => setImmediate(ok));
    const [p] = w.payments.list(w.ctx);
    expect(p!.status).toBe('pending');
    w.clock.advance(16 * 60_000);
    expect(await w.payments.poll(w.ctx)).toMatchObject({ failed: [p!.id] });
  });
});

describe('secrets stay secret', () => {
  it('errors, logs, answers and exports never contain the key or the webhook secret', async () => {
    w.fake.fail({ status: 401, message: `Invalid API Key provided: ${SECRET_KEY}` });
    const err = (await w.payments.start(w.ctx, 'flux-edge', 'starter').catch((e: unknown) => e)) as Error;
    w.fake.fail({ status: 400, message: `bad secret ${WEBHOOK_SECRET} and ${SECRET_KEY}` });
    const err2 = (await w.payments.start(w.ctx, 'flux-edge', 'starter').catch((e: unknown) => e)) as Error;
    const r = await w.payments.start(w.ctx, 'flux-edge', 'starter');
    w.fake.complete(sessionIdOf(r));
    await w.payments.get(w.ctx, r.purchase!.id);
    const out = join(tmpdir(), `creditdeck-export-${process.pid}-${Date.now()}.jsonl`);
    exportTo(w.ctx, out);
    const everything = [err.message, err.stack ?? '', err2.message, JSON.stringify(w.payments.list(w.ctx)), w.logs.join('\n'), readFileSync(out, 'utf8'), snapshot(w.ctx)].join('\n');
    expect(err.message).toMatch(/refused the API key/);
    expect(err2.message).toMatch(/\[redacted\]/);
    for (const s of [SECRET_KEY, WEBHOOK_SECRET, SECRET_KEY.slice(0, 20)]) expect(everything).not.toContain(s);
    expect(scrub('key rk_live_abcdefgh123 here')).toBe('key [redacted] here');
  });
});
