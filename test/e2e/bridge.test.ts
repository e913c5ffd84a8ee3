/**
 * The one client (renderer/src/api.ts) takes the desktop bridge when the
 * preload exposes `window.creditdeck`, and fetch otherwise; and the web build
 * carries no ledger code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { LEDGER_NOW, assertRendererBuilt, launch, openApp } from './browser.js';
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

  it('uses fetch to /api/<name> in a browser', async () => {
    const app = await openApp(browser, host);
    const { page } = app;
    await page.locator('article[data-pool="video"]').getByTestId('remaining').waitFor();
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(new URL(r.url()).pathname);
    });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => posts).toEqual(expect.arrayContaining(['/api/accounts.list', '/api/balance.all', '/api/reports.forecast', '/api/alerts.list']));
    await app.context.close();
    expect(app.errors).toEqual([]);
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
