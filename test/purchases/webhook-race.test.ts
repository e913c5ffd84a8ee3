/** Webhooks (signed with the SDK's test header), the return page, and the race: one grant whatever arrives. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../main/web/server.js';
import { raw } from '../web/helpers.js';
import { grantsFor, signedEvent, snapshot, world, type World } from './helpers.js';

let w: World;
let host: WebHost;
beforeEach(async () => {
  w = await world();
  host = await startWebHost({ ctx: w.ctx, payments: w.payments, staticDir: '/nonexistent', log: (l) => w.logs.push(l) });
});
afterEach(async () => {
  await host.close();
  await w.close();
});

const nowSec = () => Math.floor(w.clock.now() / 1000);

async function pending(account = 'flux-edge', pack = 'pro') {
  const r = await w.payments.start(w.ctx, account, pack);
  return { id: r.purchase!.id, session: r.purchase!.sessionId! };
}

const webhook = (body: string, header?: string) =>
  raw(host.url, { method: 'POST', path: '/stripe/webhook', body, headers: { 'Content-Type': 'application/json', ...(header ? { 'Stripe-Signature': header } : {}) } });
const returnPage = (session: string) => raw(host.url, { path: `/purchases/return?session_id=${encodeURIComponent(session)}` });
const poll = () => raw(host.url, { method: 'POST', path: '/api/purchases.get', body: JSON.stringify({ purchase: currentId }), headers: { 'Content-Type': 'application/json' } });
let currentId = '';

describe('webhooks', () => {
  it('the return URL the session was created with points at this host', async () => {
    await pending();
    const req = w.fake.requests.find((q) => q.path === '/v1/checkout/sessions')!;
    expect(req.params.success_url).toBe(`${host.url}/purchases/return?session_id={CHECKOUT_SESSION_ID}`);
  });

  it('a signed checkout.session.completed grants the credits; replayed, it changes nothing', async () => {
    const p = await pending();
    const s = w.fake.complete(p.session);
    const ev = signedEvent(s, 'checkout.session.completed', { timestamp: nowSec() });
    const r = await webhook(ev.body, ev.header);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ received: true, purchase: p.id, status: 'paid' });
    expect(grantsFor(w.ctx, 'flux-edge')).toHaveLength(1);
    const again = await webhook(ev.body, ev.header);
    expect(again.json()).toMatchObject({ status: 'paid' });
    const late = signedEvent(s, 'checkout.session.async_payment_succeeded', { timestamp: nowSec() });
    expect((await webhook(late.body, late.header)).status).toBe(200);
    expect(grantsFor(w.ctx, 'flux-edge')).toHaveLength(1);
  });

  it('completed but unpaid (a delayed method) waits; async_payment_succeeded grants; async_payment_failed fails', async () => {
    const a = await pending();
    const s = { ...w.fake.sessions.get(a.session)!, status: 'complete', payment_status: 'unpaid' };
    const e1 = signedEvent(s, 'checkout.session.completed', { timestamp: nowSec() });
    expect((await webhook(e1.body, e1.header)).json()).toMatchObject({ status: 'pending' });
    const e2 = signedEvent({ ...s, payment_status: 'paid', payment_intent: 'pi_late' }, 'checkout.session.async_payment_succeeded', { timestamp: nowSec() });
    expect((await webhook(e2.body, e2.header)).json()).toMatchObject({ status: 'paid' });
    const b = await pending('flux-edge', 'starter');
    const e3 = signedEvent({ ...w.fake.sessions.get(b.session)!, status: 'complete' }, 'checkout.session.async_payment_failed', { timestamp: nowSec() });
    expect((await webhook(e3.body, e3.header)).json()).toMatchObject({ status: 'failed' });
    const e4 = signedEvent({ ...w.fake.sessions.get(b.session)!, status: 'expired' }, 'checkout.session.expired', { timestamp: nowSec() });
    expect((await webhook(e4.body, e4.header)).json()).toMatchObject({ purchase: b.id });
  });

  it('tampered, wrong-secret, stale, missing and malformed signatures are refused (400) and change nothing', async () => {
    const p = await pending();
    const s = w.fake.complete(p.session);
    const good = signedEvent(s, 'checkout.session.completed', { timestamp: nowSec() });
    const before = snapshot(w.ctx);
    const tampered = good.body.replace('"amount_total":1500', '"amount_total":1');
    expect(tampered).not.toBe(good.body);
    const wrong = signedEvent(s, 'checkout.session.completed', { timestamp: nowSec(), secret: 'whsec_someoneElsesSecret000' });
    const stale = signedEvent(s, 'checkout.session.completed', { timestamp: nowSec() - 301 });
    for (const [body, header, why] of [
      [tampered, good.header, /does not match/],
      [wrong.body, wrong.header, /does not match/],
      [stale.body, stale.header, /too old/],
      [good.body, undefined, /no Stripe-Signature/],
      [good.body, 't=1,v1=deadbeef', /./],
    ] as const) {
      const r = await webhook(body, header);
      expect(r.status, String(header)).toBe(400);
      expect(r.json().error.message).toMatch(why);
      expect(r.text).not.toContain('whsec_');
    }
    expect(snapshot(w.ctx)).toBe(before);
    expect(grantsFor(w.ctx, 'flux-edge')).toEqual([]);
    // The genuine one still works afterwards.
    expect((await webhook(good.body, good.header)).status).toBe(200);
    expect(grantsFor(w.ctx, 'flux-edge')).toHaveLength(1);
  });

  it('events for sessions that are not ours are acknowledged and ignored', async () => {
    const other = signedEvent({ id: 'cs_test_elsewhere', object: 'checkout.session', status: 'complete', payment_status: 'paid', client_reference_id: 'order-77', expires_at: nowSec(), metadata: {} }, 'checkout.session.completed', { timestamp: nowSec() });
    const before = snapshot(w.ctx);
    expect((await webhook(other.body, other.header)).json()).toMatchObject({ received: true, purchase: null });
    expect(snapshot(w.ctx)).toBe(before);
  });
});

describe('the return page', () => {
  it('verifies with Stripe and says what happened', async () => {
    const p = await pending();
    let r = await returnPage(p.session);
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/not confirmed yet/);
    w.fake.complete(p.session);
    r = await returnPage(p.session);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.text).toMatch(/Payment received/);
    expect(r.text).toMatch(/2000 credits were added to flux-edge/);
    expect((await returnPage('cs_test_unknown')).status).toBe(400);
    expect((await returnPage('<script>')).text).not.toContain('<script>');
    expect(grantsFor(w.ctx, 'flux-edge')).toHaveLength(1);
  });
});

describe('the race: webhook, poll and return page report the same completed session', () => {
  const orders = [
    ['webhook', 'poll', 'return'],
    ['webhook', 'return', 'poll'],
    ['poll', 'webhook', 'return'],
    ['poll', 'return', 'webhook'],
    ['return', 'webhook', 'poll'],
    ['return', 'poll', 'webhook'],
  ] as const;

  for (const order of orders) {
    it(`in order ${order.join(' → ')}: one grant`, async () => {
      const p = await pending();
      currentId = p.id;
      const s = w.fake.complete(p.session);
      const ev = signedEvent(s, 'checkout.session.completed', { timestamp: nowSec() });
      for (const step of order) {
        const r = step === 'webhook' ? await webhook(ev.body, ev.header) : step === 'poll' ? await poll() : await returnPage(p.session);
        expect(r.status, step).toBe(200);
      }
      expect(grantsFor(w.ctx, 'flux-edge')).toHaveLength(1);
      expect(w.ctx.db.prepare(`SELECT COUNT(*) AS n FROM purchase_log WHERE status = 'paid'`).get()).toEqual({ n: 1 });
    });
  }

  it('all at once, many times over, and from a second payments service (another process): one grant', async () => {
    const p = await pending();
    currentId = p.id;
    const s = w.fake.complete(p.session);
    const ev = signedEvent(s, 'checkout.session.completed', { timestamp: nowSec() });
    const replies = await Promise.all([
      ...Array.from({ length: 4 }, () => webhook(ev.body, ev.header)),
      ...Array.from({ length: 4 }, () => poll()),
      ...Array.from({ length: 4 }, () => returnPage(p.session)),
      w.payments.poll(w.ctx),
    ]);
    for (const r of replies) if ('status' in r && typeof r.status === 'number') expect(r.status).toBe(200);
    expect(grantsFor(w.ctx, 'flux-edge')).toHaveLength(1);
    expect(w.ctx.db.prepare(`SELECT COUNT(*) AS n FROM purchase_log WHERE status = 'paid'`).get()).toEqual({ n: 1 });
    expect((await poll()).json()).toMatchObject({ ok: true, result: { status: 'paid', credits: 2000 } });
  });
});
