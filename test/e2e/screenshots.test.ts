/**
 * A screenshot of every page, light and dark, on a lived-in ledger (and the
 * empty dashboard a new user sees), saved to test-results/screenshots/ for a
 * person to look at. Each page is also checked for the content it exists to show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { LEDGER_NOW, assertRendererBuilt, launch, openApp, screenshot } from './browser.js';
import { startTestHost, type TestHost } from './server.js';
import { seedFluxNote, seedOthers, seedPurchases } from './seed.js';
import { SIZES } from './every-page.js';
import { Payments } from '../../main/core/purchases/service.js';
import { startFakeStripe, type FakeStripe } from '../purchases/fake-stripe.js';
import { gatewayFor } from '../purchases/helpers.js';

let browser: Browser;
let host: TestHost;
let fake: FakeStripe;
let payments: Payments;

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launch();
  // Purchases talk to a local fake Stripe; nothing opens a browser.
  fake = await startFakeStripe();
  payments = new Payments({ gateway: gatewayFor(fake.url), openUrl: () => true });
  host = await startTestHost({ now: LEDGER_NOW, payments });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await fake?.close();
});

const PAGES: { name: string; path: string; ready: string }[] = [
  { name: 'dashboard', path: '', ready: 'Video credits' },
  { name: 'usage', path: '#/usage?account=fluxnote-rise', ready: 'Burn-down to the reset' },
  { name: 'purchases', path: '#/purchases?account=flux-edge', ready: 'Waiting for payment in your browser…' },
  { name: 'plans', path: '#/plans?preset=fluxnote', ready: '$0.38/video' },
  { name: 'calculator', path: '#/calculator', ready: 'Lux monthly estimate' },
  { name: 'settings', path: '#/settings?account=fluxnote-rise', ready: 'Rate card' },
];

describe('screenshots', () => {
  it('empty dashboard', async () => {
    const { page, context, errors } = await openApp(browser, host);
    await page.getByRole('heading', { name: 'No accounts yet — add one' }).waitFor();
    await screenshot(page, 'dashboard-empty');
    await context.close();
    expect(errors).toEqual([]);
  });

  for (const size of SIZES) {
  for (const scheme of ['light', 'dark'] as const) {
    for (const p of PAGES) {
      it(`${p.name} (${scheme}, ${size.name})`, async () => {
        if (host.api('accounts.list', {}).length === 0) {
          seedFluxNote(host);
          seedOthers(host);
          await seedPurchases(host, payments, fake);
        }
        const { page, context, errors } = await openApp(browser, host, { path: p.path, colorScheme: scheme, width: size.width, height: size.height });
        await page.getByText(p.ready).first().waitFor({ timeout: 30_000 });
        if (p.name === 'calculator') {
          const form = page.getByRole('form', { name: 'FluxNote sizing' });
          await form.getByLabel('Finished videos a month').fill('5');
          await form.getByLabel('Images a month').fill('300');
          await page.getByTestId('recommended').first().waitFor();
          const lux = page.getByRole('form', { name: 'Lux estimate' });
          await lux.getByLabel('Calls a month').fill('200');
          await lux.getByLabel('Tokens per call').fill('1500');
          await lux.getByLabel('Email (Resend)').fill('300');
          await expect.poll(() => page.getByTestId('recommended').count()).toBe(2);
        }
        await screenshot(page, `${p.name}-${scheme}${size.name === 'phone' ? '-phone' : ''}`);
        await context.close();
        expect(errors).toEqual([]);
      });
    }
  }
  }
});
