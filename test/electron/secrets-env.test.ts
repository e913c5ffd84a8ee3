/** The desktop app and the Stripe environment: keys taken out of the environment at start, the testing hook refused when packaged, pack links to other hosts confirmed in a dialog. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../../main/core/api/handlers.js';
import { CHANNEL } from '../../main/electron/channel.js';
import { startFakeStripe, type FakeStripe } from '../purchases/fake-stripe.js';
import { topFrame } from './fake-electron.js';
import { launch, OWN_PAGE, quitAll, type LaunchOptions } from './launch.js';

const SECRET_KEY = 'sk_test_51FakeKeyForCreditdeckTests0123456789';
const WEBHOOK_SECRET = 'whsec_creditdeckTestSecret0123456789';
const own = topFrame(`${OWN_PAGE}#/purchases`);

let stripe: FakeStripe;
beforeEach(async () => {
  stripe = await startFakeStripe();
});
afterEach(async () => {
  quitAll();
  await stripe.close();
});

async function start(opts: LaunchOptions & { env: NodeJS.ProcessEnv }) {
  const appData = mkdtempSync(join(tmpdir(), 'creditdeck-app-'));
  opts.env.CREDITDECK_STRIPE_KEYS = join(appData, 'no-key-file.json');
  return launch({ ...opts, appData });
}

describe('desktop shell: the Stripe environment', () => {
  it('takes STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET out of its environment at start, and still uses them', async () => {
    const env: NodeJS.ProcessEnv = { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, CREDITDECK_STRIPE_API: stripe.url };
    const { app } = await start({ env, isPackaged: false });
    expect(Object.keys(env).filter((k) => k.startsWith('STRIPE_'))).toEqual([]);
    expect(app!.payments.status()).toEqual({ configured: true, mode: 'test' });
    expect(app!.payments.gateway!.webhookConfigured).toBe(true);
  });

  it('refuses CREDITDECK_STRIPE_API in a packaged app: no client, a reason on the packs, nothing sent', async () => {
    const { fake, app } = await start({ env: { STRIPE_SECRET_KEY: SECRET_KEY, CREDITDECK_STRIPE_API: stripe.url }, isPackaged: true });
    expect(app!.payments.configured).toBe(false);
    await fake.invoke(CHANNEL, own, 'accounts.add', { preset: 'flux', plan: 'edge' });
    const packs = (await fake.invoke(CHANNEL, own, 'purchases.packs', { account: 'flux-edge' })) as { result: { buyable: boolean; reason: string }[] };
    expect(packs.result[0]).toMatchObject({ buyable: false, reason: expect.stringMatching(/CREDITDECK_STRIPE_API is a testing hook and is refused in the packaged app/) });
    const started = await fake.invoke(CHANNEL, own, 'purchases.start', { account: 'flux-edge', pack: 'pro' });
    expect(started).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/refused in the packaged app/) } });
    // Saving keys from Settings does not bring the hook back either.
    expect(await fake.invoke(CHANNEL, topFrame(`${OWN_PAGE}#/settings`), 'payments.setKeys', { secretKey: SECRET_KEY })).toMatchObject({ ok: false });
    expect(stripe.requests).toEqual([]);
  });

  it('refuses it in development too with a live key, or off loopback', async () => {
    const live = await start({ env: { STRIPE_SECRET_KEY: 'rk_live_51RestrictedLiveKey0123456789', CREDITDECK_STRIPE_API: stripe.url }, isPackaged: false });
    expect(live.app!.payments.configured).toBe(false);
    const remote = await start({ env: { STRIPE_SECRET_KEY: SECRET_KEY, CREDITDECK_STRIPE_API: `http://0.0.0.0:${new URL(stripe.url).port}` }, isPackaged: false });
    expect(remote.app!.payments.configured).toBe(false);
    for (const { fake } of [live, remote]) {
      await fake.invoke(CHANNEL, own, 'accounts.add', { preset: 'flux', plan: 'edge' });
      expect(await fake.invoke(CHANNEL, own, 'purchases.start', { account: 'flux-edge', pack: 'pro' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/CREDITDECK_STRIPE_API/) } });
    }
    expect(stripe.requests).toEqual([]);
  });
});

describe("desktop shell: a pack's link to a host that is not Stripe's", () => {
  const LINK = 'https://lux.example/billing/add-credits';
  async function withLinkPack(answer: 'Open lux.example' | 'Cancel') {
    const run = await start({ env: {}, messageBoxResponse: (box) => box.buttons!.indexOf(answer) });
    const lux = call(run.app!.ctx, 'presets.show', { id: 'lux' }) as unknown as Record<string, unknown>;
    call(run.app!.ctx, 'accounts.add', {
      provider: { ...lux, id: 'luxlink', name: 'Lux Link', packs: [{ id: 'web', name: 'Credits on lux.example', pool: 'credits', credits: null, priceCents: null, url: LINK }] },
      plan: 'free',
      name: 'Lux Link',
    });
    return run;
  }

  it('asks in a native dialog, Cancel by default, and opens nothing on Cancel', async () => {
    const { fake } = await withLinkPack('Cancel');
    const r = await fake.invoke(CHANNEL, own, 'purchases.start', { account: 'lux-link', pack: 'web' });
    expect(r).toMatchObject({ ok: true, result: { via: 'link', url: LINK, opened: false } });
    expect(fake.calls.opened).toEqual([]);
    expect(fake.calls.messageBoxes).toHaveLength(1);
    const box = fake.calls.messageBoxes[0]!;
    expect(box).toMatchObject({ type: 'question', message: 'Open lux.example in your browser?', buttons: ['Open lux.example', 'Cancel'] });
    expect(box.buttons![box.defaultId!]).toBe('Cancel');
    expect(box.buttons![box.cancelId!]).toBe('Cancel');
  });

  it('opens it once the user picks "Open lux.example"', async () => {
    const { fake } = await withLinkPack('Open lux.example');
    const r = await fake.invoke(CHANNEL, own, 'purchases.start', { account: 'lux-link', pack: 'web' });
    expect(r).toMatchObject({ ok: true, result: { via: 'link', opened: true } });
    expect(fake.calls.opened).toEqual([LINK]);
  });
});
