/**
 * The Stripe keys from a window: payments.status (a read, both transports,
 * no secret in it) and payments.setKeys (write-only, desktop only: the web
 * host refuses it before anything runs). The desktop side, with safeStorage,
 * is in test/electron/app.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { Payments } from '../../main/core/purchases/service.js';
import { keyMode } from '../../main/core/purchases/stripe.js';
import type { StripeSecrets } from '../../main/core/purchases/secrets.js';
import { dispatch, DESKTOP_ONLY_CALLS, dispatchDesktopOnly, MEMBERSHIP_CALLS, REMOTE_CALLS } from '../../main/web/dispatch.js';
import { startWebHost, type WebHost } from '../../main/web/server.js';
import { post } from '../web/helpers.js';
import { gatewayFor, SECRET_KEY, snapshot, WEBHOOK_SECRET, world, type World } from './helpers.js';

let w: World;
beforeEach(async () => {
  w = await world();
});
afterEach(async () => {
  await w.close();
});

const LIVE_KEY = 'rk_live_51RestrictedLiveKey0123456789';

describe('payments.status', () => {
  it('says whether Stripe is set up and in which mode, nothing else', () => {
    expect(call(w.ctx, 'payments.status', {}, { payments: w.payments })).toEqual({ configured: true, mode: 'test' });
    expect(call(w.ctx, 'payments.status', {}, { payments: new Payments({ gateway: null }) })).toEqual({ configured: false, mode: null });
    expect(call(w.ctx, 'payments.status', {})).toEqual({ configured: false, mode: null });
    expect(keyMode(SECRET_KEY)).toBe('test');
    expect(keyMode(LIVE_KEY)).toBe('live');
    expect(keyMode('sk_live_abcdefgh1234')).toBe('live');
    expect(keyMode('rk_test_abcdefgh1234')).toBe('test');
  });

  it('follows new keys: configure swaps the client, and packs become buyable', () => {
    const p = new Payments({ gateway: null, missing: 'Stripe is not set up: save the Stripe key in Settings' });
    expect(p.packs(w.ctx, 'flux-edge')[0]).toMatchObject({ buyable: false, reason: 'Stripe is not set up: save the Stripe key in Settings' });
    p.configure(gatewayFor(w.fake.url), null);
    expect(p.status()).toEqual({ configured: true, mode: 'test' });
    expect(p.packs(w.ctx, 'flux-edge')[0]).toMatchObject({ buyable: true, reason: null });
    p.configure(null, 'gone');
    expect(p.status()).toEqual({ configured: false, mode: null });
  });
});

describe('payments.setKeys', () => {
  it('validates the prefixes before anything is stored, with messages that never hold the value', async () => {
    const saved: StripeSecrets[] = [];
    const services = { payments: w.payments, saveStripeKeys: (k: StripeSecrets) => (saved.push(k), { configured: true, mode: keyMode(k.secretKey) }) };
    const bad: [Record<string, unknown>, string, RegExp][] = [
      [{ secretKey: 'pk_test_publishable123456' }, 'secretKey', /secret key \(sk_test_… \/ sk_live_…\) or a restricted key \(rk_…\)/],
      [{ secretKey: 'sk_nope_0123456789' }, 'secretKey', /secret key/],
      [{ secretKey: 'hunter2hunter2' }, 'secretKey', /secret key/],
      [{ secretKey: '' }, 'secretKey', /secret key/],
      [{ secretKey: SECRET_KEY, webhookSecret: 'wh_not_a_secret_123456' }, 'webhookSecret', /must start with whsec_/],
      [{ secretKey: SECRET_KEY, webhookSecret: 'whsec_' }, 'webhookSecret', /must start with whsec_/],
      [{ secretKey: 42 }, 'secretKey', /expected string/],
      [{}, 'secretKey', /expected string/],
      [{ secretKey: `sk_test_${'a'.repeat(400)}` }, 'secretKey', /./],
    ];
    for (const [input, field, message] of bad) {
      const env = await dispatchDesktopOnly(w.ctx, 'payments.setKeys', input, undefined, services);
      expect(env, JSON.stringify(input).slice(0, 60)).toMatchObject({ ok: false, error: { code: 'invalid_input', field, message: expect.stringMatching(message) } });
      const text = JSON.stringify(env);
      for (const v of Object.values(input)) if (typeof v === 'string' && v.length > 6) expect(text).not.toContain(v);
    }
    expect(saved).toEqual([]);

    // Good keys: trimmed, an empty webhook secret is none; only the status comes back.
    const ok = await dispatchDesktopOnly(w.ctx, 'payments.setKeys', { secretKey: ` ${LIVE_KEY} `, webhookSecret: '' }, undefined, services);
    expect(ok).toEqual({ ok: true, result: { configured: true, mode: 'live' } });
    expect(await dispatchDesktopOnly(w.ctx, 'payments.setKeys', { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET }, undefined, services)).toEqual({ ok: true, result: { configured: true, mode: 'test' } });
    expect(saved).toEqual([
      { secretKey: LIVE_KEY, webhookSecret: null },
      { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET },
    ]);
  });

  it('without a key store (the web host, the CLI) it says where keys come from instead', async () => {
    const env = await dispatchDesktopOnly(w.ctx, 'payments.setKeys', { secretKey: SECRET_KEY }, undefined, { payments: w.payments });
    expect(env).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/desktop app; the web host and the command line read STRIPE_SECRET_KEY/) } });
    expect(JSON.stringify(env)).not.toContain(SECRET_KEY);
  });

  it('is not a remote call: the shared dispatch refuses it before it runs', async () => {
    expect(DESKTOP_ONLY_CALLS).toEqual(['payments.setKeys', 'team.init', 'hosting.status', 'hosting.start', 'hosting.stop', 'reconcile.keyStatus', 'reconcile.setKey', 'data.restore', ...MEMBERSHIP_CALLS]);
    expect(REMOTE_CALLS as readonly string[]).not.toContain('payments.setKeys');
    expect(REMOTE_CALLS as readonly string[]).toContain('payments.status');
    let asked = 0;
    const services = { payments: w.payments, saveStripeKeys: () => (asked++, { configured: true, mode: 'test' as const }) };
    expect(dispatch(w.ctx, 'payments.setKeys', { secretKey: SECRET_KEY }, undefined, services)).toEqual({
      ok: false,
      error: { code: 'invalid_input', field: 'call', message: '"payments.setKeys" is only available in the Creditdeck desktop app' },
    });
    expect(asked).toBe(0);
    expect(await dispatchDesktopOnly(w.ctx, 'purchases.list', {}, undefined, services)).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'call' } });
  });
});

describe('the web host', () => {
  let host: WebHost;
  afterEach(async () => {
    await host?.close();
  });

  it('answers payments.status and refuses payments.setKeys with 400, storing and changing nothing', async () => {
    host = await startWebHost({ ctx: w.ctx, payments: w.payments, staticDir: '/nonexistent', log: (l) => w.logs.push(l) });
    const status = await post(host.url, 'payments.status', {});
    expect(status.status).toBe(200);
    expect(status.json()).toEqual({ ok: true, result: { configured: true, mode: 'test' } });
    expect(status.text).not.toMatch(/sk_|rk_|whsec_/);

    const before = snapshot(w.ctx);
    const set = await post(host.url, 'payments.setKeys', { secretKey: LIVE_KEY, webhookSecret: WEBHOOK_SECRET });
    expect(set.status).toBe(400);
    expect(set.json()).toEqual({ ok: false, error: { code: 'invalid_input', field: 'call', message: '"payments.setKeys" is only available in the Creditdeck desktop app' } });
    expect(set.text).not.toContain(LIVE_KEY);
    expect(snapshot(w.ctx)).toBe(before);
    // Still the same client, in test mode.
    expect((await post(host.url, 'payments.status', {})).json().result).toEqual({ configured: true, mode: 'test' });
    expect(w.logs.join('\n')).not.toContain(LIVE_KEY);
  });
});
