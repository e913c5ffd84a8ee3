/**
 * The one client (renderer/src/api.ts) takes the desktop bridge when the
 * preload exposes `window.creditdeck`, and fetch otherwise; and the web build
 * carries no ledger code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { LEDGER_NOW, SCREENSHOTS, assertRendererBuilt, launch, openApp, screenshot } from './browser.js';
import { RENDERER_DIR, startTestHost, type TestHost } from './server.js';

let browser: Browser;
let host: TestHost;

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launch();
  host = await startTestHost({ now: LEDGER_NOW });
  host.api('accounts.add', { preset: 'fluxnote', plan: 'free', anchor: '2026-10-31' });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

/** A stand-in preload: the same envelopes over a different road, counting the calls that took it. */
const BRIDGE = `
  window.__bridgeCalls = [];
  window.creditdeck = {
    call: async (name, input) => {
      window.__bridgeCalls.push(name);
      if (name === 'reports.forecast') throw new Error('IPC channel closed');
      const res = await fetch('/api/' + name, { method: 'POST', body: JSON.stringify(input) });
      return res.json();
    },
  };
`;

describe('transport', () => {
  it('uses window.creditdeck when the desktop bridge is there', async () => {
    const app = await openApp(browser, host, { init: BRIDGE });
    const { page } = app;
    const video = page.locator('article[data-pool="video"]');
    await expect.poll(() => video.getByTestId('remaining').textContent()).toBe('1 of 1 left');
    await page.getByRole('button', { name: '+1 video' }).click();
    await expect.poll(() => video.getByTestId('remaining').textContent()).toBe('0 of 1 left');
    // A refusal comes back through the bridge as an envelope, shown with its reason.
    await page.getByRole('button', { name: '+1 video' }).click();
    await expect.poll(() => page.getByTestId('use-outcome').textContent()).toContain('Refused — Not enough credits');
    const calls = await page.evaluate<string[]>('window.__bridgeCalls');
    expect(calls).toEqual(expect.arrayContaining(['accounts.list', 'balance.all', 'usage.record']));
    expect(calls.filter((c) => c === 'usage.record')).toHaveLength(2);
    // A bridge that throws does not break the page: the rest shows, and the missing part says why.
    expect(await video.getByTestId('countdown').textContent()).toContain('Resets in');
    expect(await video.getByTestId('pace').count()).toBe(0);
    expect(await video.getByTestId('pace-error').textContent()).toBe('Pace unavailable: the app could not run reports.forecast: IPC channel closed');
    await app.context.close();
    expect(app.errors).toEqual([]);
  });

  it('in the desktop window, Settings offers the Stripe key form; the keys go to the bridge and never come back', async () => {
    // The stand-in main process: payments.status and payments.setKeys answered as the app does (the web host refuses setKeys).
    const desktop = `
      window.__setKeys = [];
      window.__status = { configured: false, mode: null };
      window.creditdeck = {
        call: async (name, input) => {
          if (name === 'payments.status') return { ok: true, result: window.__status };
          if (name === 'payments.setKeys') {
            window.__setKeys.push(input);
            if (!/^(sk|rk)_(test|live)_/.test(input.secretKey)) return { ok: false, error: { code: 'invalid_input', field: 'secretKey', message: 'the Stripe key must be a secret key (sk_test_… / sk_live_…) or a restricted key (rk_…)' } };
            window.__status = { configured: true, mode: input.secretKey.includes('_live_') ? 'live' : 'test' };
            return { ok: true, result: window.__status };
          }
          const res = await fetch('/api/' + name, { method: 'POST', body: JSON.stringify(input) });
          return res.json();
        },
      };
    `;
    const app = await openApp(browser, host, { init: desktop, path: '#/settings' });
    const { page } = app;
    const section = page.getByRole('region', { name: 'Payments (Stripe)' });
    await section.getByText('Not set up').waitFor();
    expect(await section.getByTestId('stripe-host-note').count()).toBe(0);
    const form = section.getByRole('form', { name: 'Stripe keys' });
    const key = form.getByLabel('Secret key');
    const hook = form.getByLabel('Webhook signing secret (optional)');
    expect(await key.getAttribute('type')).toBe('password');
    expect(await hook.getAttribute('type')).toBe('password');
    expect(await form.getByRole('button', { name: 'Save keys' }).isDisabled()).toBe(true);

    // A publishable key: the main process's message, and the input kept to correct it.
    await key.fill('pk_test_publishable0123456789');
    await form.getByRole('button', { name: 'Save keys' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('must be a secret key');
    expect(await key.inputValue()).toBe('pk_test_publishable0123456789');
    await screenshot(page, 'settings-payments-desktop-error');

    await key.fill('sk_test_51DesktopKey0123456789');
    await hook.fill('whsec_desktopSecret0123456789');
    await form.getByRole('button', { name: 'Save keys' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('Saved. Stripe is set up in test mode; the keys are stored encrypted and are not shown again.');
    // Cleared at once; the status is read again and is all the page knows.
    expect(await key.inputValue()).toBe('');
    expect(await hook.inputValue()).toBe('');
    await expect.poll(() => section.getByTestId('stripe-status').textContent()).toContain('Test mode');
    expect(await page.evaluate('window.__setKeys')).toEqual([
      { secretKey: 'pk_test_publishable0123456789' },
      { secretKey: 'sk_test_51DesktopKey0123456789', webhookSecret: 'whsec_desktopSecret0123456789' },
    ]);
    expect(await page.content()).not.toContain('sk_test_51DesktopKey');
    await section.screenshot({ path: join(SCREENSHOTS, 'settings-payments-card-desktop.png') });
    await app.context.close();
    expect(app.errors).toEqual([]);
  });

  it('uses fetch to /api/<name> in a browser, the reads a page asks for at once in one /api/batch', async () => {
    const app = await openApp(browser, host);
    const { page } = app;
    await page.locator('article[data-pool="video"]').getByTestId('remaining').waitFor();
    const posts: { path: string; calls: string[] }[] = [];
    page.on('request', (r) => {
      if (r.method() !== 'POST') return;
      const body = r.postDataJSON() as { calls?: { name: string }[] };
      posts.push({ path: new URL(r.url()).pathname, calls: body.calls?.map((c) => c.name) ?? [] });
    });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => posts.flatMap((p) => p.calls)).toEqual(expect.arrayContaining(['accounts.list', 'balance.all', 'reports.forecast', 'alerts.list']));
    // The Dashboard's reads went as one request, not one each.
    expect(posts[0]!.path).toBe('/api/batch');
    expect(posts[0]!.calls.length).toBeGreaterThanOrEqual(4);
    // A write goes alone, to its own name (refused here: the first test used the one video; the browser logs the 409).
    await page.getByRole('button', { name: '+1 video' }).click();
    await expect.poll(() => posts.map((p) => p.path)).toContain('/api/usage.record');
    await app.context.close();
    expect(app.errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
  });

  it('tells the user when the ledger service cannot be reached', async () => {
    const app = await openApp(browser, host);
    await app.page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await app.page.getByRole('button', { name: 'Refresh' }).click();
    await app.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Plans' }).click();
    await expect.poll(() => app.page.getByRole('alert').first().textContent()).toContain("Creditdeck's ledger service is not reachable");
    await app.context.close();
  });
});

describe('web build', () => {
  it('bundles no ledger code (types only from main/)', () => {
    const assets = join(RENDERER_DIR, 'assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    for (const f of js) {
      const text = readFileSync(join(assets, f), 'utf8');
      for (const marker of ['better-sqlite3', 'CREATE TABLE', 'grant_balances', 'node:fs', 'BEGIN IMMEDIATE']) expect(text, `${f} contains ${marker}`).not.toContain(marker);
    }
    // The page works from a web host and from a file in the desktop window alike: relative asset paths.
    expect(readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8')).toMatch(/src="\.\/assets\/index-[\w-]+\.js"/);
  });
});
