/**
 * Which plan fits what the account really used: the Plans page marks each
 * plan against the account's recent periods, and the Calculator replays the
 * latest period through every plan.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { LEDGER_NOW, assertRendererBuilt, launch, openApp, type AppPage } from './browser.js';
import { startTestHost, type TestHost } from './server.js';
import { seedFluxNote } from './seed.js';

let browser: Browser;
let host: TestHost;
let app: AppPage | undefined;

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launch();
  host = await startTestHost({ now: LEDGER_NOW });
  // FluxNote Rise since Oct 31: 10 videos and 77 images so far.
  seedFluxNote(host);
});

afterEach(async () => {
  const errors = app?.errors ?? [];
  await app?.context.close();
  app = undefined;
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

describe('plan fit', () => {
  it('marks each FluxNote plan against what the account used', async () => {
    app = await openApp(browser, host, { path: '#/plans?preset=fluxnote' });
    const { page } = app;
    const fit = (plan: string) => page.locator(`article[data-plan="${plan}"]`).getByTestId('fit').textContent();
    await expect.poll(() => fit('free')).toBe('✗ Too small for this period so far');
    expect(await fit('rise')).toBe('✓ Covers this period so far');
    expect(await fit('max')).toBe('✓ Covers this period so far');
    const table = page.getByRole('table', { name: 'Usage by period' });
    expect(await table.locator('tbody tr').first().textContent()).toBe('Oct 31 – now1077');
  });

  it('replays the period through every plan in the calculator', async () => {
    app = await openApp(browser, host, { path: '#/calculator' });
    const { page } = app;
    const table = page.getByRole('table', { name: 'What if' });
    const cell = (plan: string, pool: string) => table.locator(`tr[data-plan="${plan}"]`).getByTestId(`whatif-${pool}`).textContent();
    // Free has 1 video: the first 3-video generation on Oct 31 already runs it out, 9 short in all.
    await expect.poll(() => cell('free', 'video')).toBe('9 short · out Oct 31' + '10 of 1');
    expect(await cell('free', 'image')).toBe('23 left' + '77 of 100');
    expect(await cell('rise', 'video')).toBe('11 left' + '10 of 21');
    expect(await table.locator('tr[data-plan="free"] td').nth(4).textContent()).toBe('no packs');
    expect(await table.locator('tr[data-plan="rise"] td').last().textContent()).toBe('$7.99');
  });
});
