/** creditdeck:// links and Checkout's return page in the desktop app: parsed strictly, and every way in settles the purchase once. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepLinkInArgv, devProtocolClient, parseDeepLink } from '../../main/electron/deep-link.js';
import { RETURN_BACK } from '../../main/electron/app.js';
import { CHANNEL } from '../../main/electron/channel.js';
import { raw } from '../web/helpers.js';
import { startFakeStripe, type FakeStripe } from '../purchases/fake-stripe.js';
import { SECRET_KEY } from '../purchases/helpers.js';
import { topFrame } from './fake-electron.js';
import { launch, OWN_PAGE, quitAll } from './launch.js';

afterEach(quitAll);

describe('parseDeepLink', () => {
  it('reads the two links the app acts on', () => {
    expect(parseDeepLink('creditdeck://purchases')).toEqual({ kind: 'open' });
    expect(parseDeepLink('creditdeck://purchases/')).toEqual({ kind: 'open' });
    expect(parseDeepLink('CREDITDECK://Purchases')).toEqual({ kind: 'open' });
    expect(parseDeepLink('creditdeck://purchase/return?session_id=cs_test_a1B2c3')).toEqual({ kind: 'purchase-return', sessionId: 'cs_test_a1B2c3' });
  });

  it('ignores everything else', () => {
    for (const link of [
      'https://purchases',
      'javascript:alert(1)',
      'creditdeck://evil.example/purchase/return?session_id=cs_1',
      'creditdeck://purchase/return',
      'creditdeck://purchase/return?session_id=',
      'creditdeck://purchase/return?session_id=pi_123',
      'creditdeck://purchase/return?session_id=cs_1%27%20OR%201=1',
      'creditdeck://purchase/return?session_id=cs_1&session_id=cs_2',
      'creditdeck://user:pw@purchases',
      'creditdeck://purchases:8080',
      `creditdeck://purchase/return?session_id=cs_${'a'.repeat(3000)}`,
      'creditdeck://settings',
      'not a url',
      '',
    ]) {
      expect(parseDeepLink(link), link).toBeNull();
    }
  });

  it('finds the link in a command line, whatever else it carries', () => {
    expect(deepLinkInArgv(['/opt/Creditdeck/creditdeck', '--no-sandbox', 'creditdeck://purchase/return?session_id=cs_test_1'])).toEqual({ kind: 'purchase-return', sessionId: 'cs_test_1' });
    expect(deepLinkInArgv(['electron', '.', 'creditdeck://purchases'])).toEqual({ kind: 'open' });
    expect(deepLinkInArgv(['electron', '.'])).toBeNull();
    expect(deepLinkInArgv(['electron', 'creditdeck://nowhere'])).toBeNull();
  });

  it('registers a packaged app by itself, and `electron .` with the app path', () => {
    expect(devProtocolClient(false, '/opt/Creditdeck/creditdeck', ['/opt/Creditdeck/creditdeck'], (p) => p)).toBeNull();
    expect(devProtocolClient(true, '/usr/bin/electron', ['/usr/bin/electron', '.'], (p) => `/home/me/creditdeck/${p}`)).toEqual({ path: '/usr/bin/electron', args: ['/home/me/creditdeck/.'] });
    expect(devProtocolClient(true, '/usr/bin/electron', ['/usr/bin/electron'], (p) => p)).toBeNull();
  });
});

describe('desktop shell: creditdeck:// registration', () => {
  it('registers the scheme when it starts; a failure is logged, not fatal', async () => {
    const packaged = await launch();
    expect(packaged.fake.calls.protocols).toEqual([['creditdeck']]);
    const dev = await launch({ defaultApp: true, argv: ['/usr/bin/electron', '/home/me/creditdeck'], isPackaged: false });
    expect(dev.fake.calls.protocols).toEqual([['creditdeck', '/opt/Creditdeck/creditdeck', ['/home/me/creditdeck']]]);
    const refused = await launch({ protocolClient: false });
    expect(refused.app).not.toBeNull();
    expect(refused.logs.some((l) => /could not register creditdeck:\/\/ links/.test(l))).toBe(true);
  });
});

describe('desktop shell: coming back from Checkout', () => {
  let stripe: FakeStripe;
  beforeEach(async () => {
    stripe = await startFakeStripe();
  });
  afterEach(async () => {
    quitAll();
    await stripe.close();
  });

  const own = topFrame(`${OWN_PAGE}#/purchases`);

  async function buying(opts: { argv?: string[]; env?: NodeJS.ProcessEnv } = {}) {
    const appData = mkdtempSync(join(tmpdir(), 'creditdeck-app-'));
    const env = { STRIPE_SECRET_KEY: SECRET_KEY, CREDITDECK_STRIPE_API: stripe.url, CREDITDECK_STRIPE_KEYS: join(appData, 'none.json'), ...opts.env };
    // The fake Stripe (CREDITDECK_STRIPE_API) is refused in a packaged app: this is a development run.
    const run = await launch({ appData, env, isPackaged: false, ...(opts.argv ? { argv: opts.argv } : {}) });
    await run.fake.invoke(CHANNEL, own, 'accounts.add', { preset: 'flux', plan: 'edge' });
    const started = (await run.fake.invoke(CHANNEL, own, 'purchases.start', { account: 'flux-edge', pack: 'pro' })) as { ok: true; result: { purchase: { id: string; sessionId: string } } };
    expect(started.ok).toBe(true);
    const { id, sessionId } = started.result.purchase;
    const topups = () => run.app!.ctx.db.prepare("SELECT count(*) AS n, coalesce(sum(amount_mc), 0) AS mc FROM grants WHERE account_id = 'flux-edge' AND source = 'purchase'").get() as { n: number; mc: number };
    const status = async () => ((await run.fake.invoke(CHANNEL, own, 'purchases.get', { purchase: id })) as { result: { status: string } }).result.status;
    return { ...run, id, sessionId, topups, status };
  }

  it('sends the buyer back to a listener of its own on 127.0.0.1, whose page settles the purchase and links back into the app', async () => {
    const b = await buying();
    expect(b.app!.returnBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(b.app!.returnBase).not.toBe('http://127.0.0.1:4317');
    const created = stripe.requests.find((q) => q.path === '/v1/checkout/sessions')!;
    expect(created.params.success_url).toBe(`${b.app!.returnBase}/purchases/return?session_id={CHECKOUT_SESSION_ID}`);

    const unpaid = await raw(b.app!.returnBase, { path: `/purchases/return?session_id=${b.sessionId}` });
    expect(unpaid.status).toBe(200);
    expect(unpaid.text).toContain('Payment not confirmed yet');
    expect(b.topups().n).toBe(0);

    stripe.complete(b.sessionId);
    const focusedBefore = b.fake.windows[0]!.focused;
    const paid = await raw(b.app!.returnBase, { path: `/purchases/return?session_id=${b.sessionId}` });
    expect(paid.status).toBe(200);
    expect(paid.headers['content-security-policy']).toContain("default-src 'self'");
    expect(paid.text).toContain('Payment received');
    expect(paid.text).toContain('2000 credits were added to flux-edge');
    expect(paid.text).toContain(`href="${RETURN_BACK.href}"`);
    expect(b.fake.windows[0]!.focused).toBeGreaterThan(focusedBefore);
    expect(b.topups()).toEqual({ n: 1, mc: 2_000_000 });
    expect(await b.status()).toBe('paid');

    // The same page again (a reload) grants nothing more.
    expect((await raw(b.app!.returnBase, { path: `/purchases/return?session_id=${b.sessionId}` })).text).toContain('Payment received');
    expect(b.topups()).toEqual({ n: 1, mc: 2_000_000 });
  });

  it('answers only the return pages, only to a loopback Host, and stops with the app', async () => {
    const b = await buying();
    const base = b.app!.returnBase;
    expect((await raw(base, { path: '/' })).status).toBe(404);
    expect((await raw(base, { path: '/api/accounts.list', method: 'POST', body: '{}' })).status).toBe(404);
    expect((await raw(base, { path: '/stripe/webhook', method: 'POST', body: '{}' })).status).toBe(404);
    expect((await raw(base, { path: `/purchases/return?session_id=${b.sessionId}`, headers: { Host: 'evil.example' } })).status).toBe(403);
    expect((await raw(base, { path: `/purchases/return?session_id=${b.sessionId}`, method: 'POST' })).status).toBe(405);
    const bad = await raw(base, { path: '/purchases/return?session_id=%3Cscript%3E' });
    expect(bad.status).toBe(400);
    expect(bad.text).not.toContain('<script>');
    expect(b.topups().n).toBe(0);

    b.fake.app.emit('will-quit');
    await expect(raw(base, { path: `/purchases/return?session_id=${b.sessionId}` })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a cancelled Checkout closes the session and says nothing was charged', async () => {
    const b = await buying();
    const page = await raw(b.app!.returnBase, { path: `/purchases/cancel?purchase=${b.id}` });
    expect(page.text).toContain('Nothing was charged');
    expect(stripe.sessions.get(b.sessionId)!.status).toBe('expired');
    expect(await b.status()).toBe('expired');
  });

  it('CREDITDECK_RETURN_URL wins: no listener, Checkout returns there', async () => {
    const b = await buying({ env: { CREDITDECK_RETURN_URL: 'http://127.0.0.1:4317' } });
    expect(b.app!.returnBase).toBe('http://127.0.0.1:4317');
    expect(stripe.requests.find((q) => q.path === '/v1/checkout/sessions')!.params.success_url).toBe('http://127.0.0.1:4317/purchases/return?session_id={CHECKOUT_SESSION_ID}');
  });

  it('a creditdeck:// return link from a second launch (Windows, Linux) verifies the session and grants once', async () => {
    const b = await buying();
    stripe.complete(b.sessionId);
    const link = `creditdeck://purchase/return?session_id=${b.sessionId}`;
    b.fake.app.emit('second-instance', {}, ['/opt/Creditdeck/creditdeck', link], '/');
    b.fake.app.emit('second-instance', {}, ['/opt/Creditdeck/creditdeck', link], '/');
    await b.app!.linksSettled();
    expect(b.topups()).toEqual({ n: 1, mc: 2_000_000 });
    expect(await b.status()).toBe('paid');
    expect(b.fake.windows[0]!.shown).toBe(true);
  });

  it("macOS's open-url does the same, and an unknown link is refused and logged", async () => {
    const b = await buying();
    let prevented = 0;
    b.fake.app.emit('open-url', { preventDefault: () => prevented++ }, 'creditdeck://purchase/return?session_id=cs_1%3Bdrop');
    b.fake.app.emit('open-url', { preventDefault: () => prevented++ }, 'creditdeck://purchase/return?session_id=cs_test_not_ours');
    await b.app!.linksSettled();
    expect(b.logs.some((l) => /ignored a link that is not a Creditdeck link/.test(l))).toBe(true);
    expect(b.logs.some((l) => /could not check the purchase of a creditdeck:\/\/ link: this Checkout Session is not a Creditdeck purchase/.test(l))).toBe(true);
    expect(b.topups().n).toBe(0);

    stripe.complete(b.sessionId);
    b.fake.app.emit('open-url', { preventDefault: () => prevented++ }, `creditdeck://purchase/return?session_id=${b.sessionId}`);
    await b.app!.linksSettled();
    expect(prevented).toBe(3);
    expect(b.topups()).toEqual({ n: 1, mc: 2_000_000 });
  });

  it('a link in the command line at a cold start is acted on once the ledger is open', async () => {
    // A first run buys and quits before Stripe confirms; the link then starts the app.
    const first = await buying();
    stripe.complete(first.sessionId);
    const appData = first.appData;
    first.fake.app.emit('will-quit');
    const env = { STRIPE_SECRET_KEY: SECRET_KEY, CREDITDECK_STRIPE_API: stripe.url, CREDITDECK_STRIPE_KEYS: join(appData, 'none.json') };
    const cold = await launch({ appData, env, isPackaged: false, argv: ['/opt/Creditdeck/creditdeck', `creditdeck://purchase/return?session_id=${first.sessionId}`] });
    await cold.app!.linksSettled();
    const n = cold.app!.ctx.db.prepare("SELECT count(*) AS n FROM grants WHERE account_id = 'flux-edge' AND source = 'purchase'").get() as { n: number };
    expect(n.n).toBe(1);
  });
});
