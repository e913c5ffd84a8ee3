/**
 * Which plan fits what the account really used: the Plans page marks each
 * plan against the account's recent periods, and the Calculator replays the
 * latest period through every plan.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { seriousViolations } from './axe.js';
import { LEDGER_NOW, assertRendererBuilt, launch, openApp, screenshot, type AppPage } from './browser.js';
import { startTestHost, type TestHost } from './server.js';
import { seedFluxNote, seedOthers } from './seed.js';

let browser: Browser;
let host: TestHost;
let app: AppPage | undefined;

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launch();
  host = await startTestHost({ now: LEDGER_NOW });
  // FluxNote Rise since Oct 31: 10 videos and 77 images so far. Flux Edge: 300 credits used this month, 100 past its 200.
  seedFluxNote(host);
  seedOthers(host);
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
    await page.getByRole('region', { name: 'What if' }).getByLabel('Account').selectOption({ label: 'FluxNote Rise' });
    const table = page.getByRole('table', { name: 'What if' });
    const cell = (plan: string, pool: string) => table.locator(`tr[data-plan="${plan}"]`).getByTestId(`whatif-${pool}`).textContent();
    // Free has 1 video: the first 3-video generation on Oct 31 already runs it out, 9 short in all.
    await expect.poll(() => cell('free', 'video')).toBe('9 short · out Oct 31' + '10 of 1');
    expect(await cell('free', 'image')).toBe('23 left' + '77 of 100');
    expect(await cell('rise', 'video')).toBe('11 left' + '10 of 21');
    expect(await table.locator('tr[data-plan="free"]').getByTestId('whatif-packs').textContent()).toBe('none sold');
    expect(await table.locator('tr[data-plan="rise"] td').last().textContent()).toBe('$7.99');
  });

  it('counts the packs a plan may buy: Flux Edge covers this month with one $5 Starter pack', async () => {
    app = await openApp(browser, host, { path: '#/plans?preset=flux' });
    const { page } = app;
    const fit = (plan: string) => page.locator(`article[data-plan="${plan}"]`).getByTestId('fit').textContent();
    await expect.poll(() => fit('edge')).toBe('✓ Covers this period so far with packs: 1 × Starter ($5.00)');
    // Pulse gets no credits and may buy no packs.
    expect(await fit('pulse')).toBe('✗ Too small for this period so far');
  });

  it("replays Flux Edge's month with the packs it would need", async () => {
    app = await openApp(browser, host, { path: '#/calculator' });
    const { page } = app;
    const whatIf = page.getByRole('region', { name: 'What if' });
    await whatIf.getByLabel('Account').selectOption({ label: 'Flux Edge' });
    const row = (plan: string) => whatIf.getByRole('table', { name: 'What if' }).locator(`tr[data-plan="${plan}"]`);
    await expect.poll(() => row('edge').getByTestId('whatif-packs').textContent()).toBe('1 × Starter ($5.00)');
    expect(await row('edge').getByTestId('whatif-credits').textContent()).toBe('100 short · out Nov 3' + '300 of 200');
    expect(await row('pulse').getByTestId('whatif-packs').textContent()).toBe('none sold');
  });
});

describe('the calculator, every preset', () => {
  it('sizes Flux by credits a month: Edge plus a $5 pack covers 360 credits, and says what it costs', async () => {
    app = await openApp(browser, host, { path: '#/calculator' });
    const { page } = app;
    const sizer = page.getByRole('region', { name: 'Flux, Fluximage and Flowly sizing' });
    // The command line's defaults: one member, a 20 % buffer.
    expect(await sizer.getByLabel('Growth buffer (%)').inputValue()).toBe('20');
    await sizer.getByLabel('Credits a month').fill('300');
    await expect.poll(() => sizer.getByTestId('recommended').textContent()).toBe('Edge');
    expect(await sizer.getByTestId('advice').textContent()).toBe(
      "Edge + 1 Starter pack (500 credits) a month: $5.00 for the pack, plus Edge's price, which the docs do not state. Gives 700 credits a month for the 360 you need.",
    );
    const table = sizer.getByRole('table', { name: 'Plans compared' });
    expect(await table.locator('tr[data-plan="edge"]').getByTestId('packs').textContent()).toBe('1 × Starter (500 credits, $5.00)');
    expect(await table.locator('tr[data-plan="edge"]').getByTestId('total').textContent()).toBe('not stated');
    expect(await table.locator('tr[data-plan="pulse"]').getByTestId('packs').textContent()).toBe('none sold');
    // 2,500 a month: the cheapest mix of packs, two Starters and a Pro.
    await sizer.getByLabel('Credits a month').fill('2500');
    await expect.poll(() => table.locator('tr[data-plan="edge"]').getByTestId('packs').textContent()).toBe('2 × Starter (1,000 credits, $10.00) + 1 × Pro (2,000 credits, $15.00)');
  });

  it('Fluximage and Flowly: a field per pool, $ per image, and no plan called short when its size is yours to give', async () => {
    app = await openApp(browser, host, { path: '#/calculator' });
    const { page } = app;
    const sizer = page.getByRole('region', { name: 'Flux, Fluximage and Flowly sizing' });
    await sizer.getByLabel('Provider').selectOption('fluximage');
    await sizer.getByLabel('AI credits a month').fill('300');
    await sizer.getByLabel('Compression credits a month').fill('50');
    await expect.poll(() => sizer.getByTestId('recommended').textContent()).toBe('Pro');
    const head = await sizer.getByRole('table', { name: 'Plans compared' }).locator('thead th').allTextContents();
    expect(head).toEqual(['Plan', 'Price', 'Compression credits', 'AI credits', '$/image (Compression credits)', '$/image (AI credits)', 'Fits?', 'Packs a month', 'A month']);
    // Starter is 160 AI images short: an AI top-up of that amount, its price not stated.
    expect(await sizer.locator('tr[data-plan="starter"]').getByTestId('packs').textContent()).toBe('160 images of AI top-up (price not stated)');
    await sizer.getByLabel('Provider').selectOption('flowly');
    await sizer.getByLabel('API credits a month').fill('100');
    await expect.poll(() => sizer.getByTestId('calc-result').textContent()).toContain('No plan covers this.');
    expect(await sizer.locator('tr[data-plan="custom"] td').nth(4).textContent()).toBe('once you give its size');
  });

  it('FluxNote and Lux: $ per video and per credit, the same 20 % buffer', async () => {
    app = await openApp(browser, host, { path: '#/calculator' });
    const { page } = app;
    const fluxnote = page.getByRole('region', { name: 'FluxNote plan sizing' });
    await fluxnote.getByLabel('Finished videos a month').fill('5');
    await expect.poll(() => fluxnote.getByTestId('advice').textContent()).toBe('Pro: $15.00 a month. Gives 50 videos a month for the 24 you need.');
    const per = (region: typeof fluxnote, plan: string, pool: string) => region.locator(`tr[data-plan="${plan}"]`).getByTestId(`per-${pool}`).textContent();
    expect([await per(fluxnote, 'rise', 'video'), await per(fluxnote, 'pro', 'video'), await per(fluxnote, 'max', 'video')]).toEqual(['$0.38', '$0.30', '$0.20']);
    const lux = page.getByRole('region', { name: 'Lux monthly estimate' });
    expect(await lux.getByLabel('Buffer (%)').inputValue()).toBe('20');
    await lux.getByLabel('SMS').fill('400');
    // 400 SMS × 2 = 800, × 1.2 = 960: Free's 1,000 covers it.
    await expect.poll(() => lux.getByTestId('advice').textContent()).toBe('Free: nothing a month. Gives 1,000 credits a month for the 960 you need.');
    expect(await per(lux, 'free', 'credits')).toBe('$0');
  });

  for (const [width, height, scheme] of [
    [1280, 800, 'dark'],
    [390, 844, 'light'],
    [390, 844, 'dark'],
  ] as const) {
    it(`every answer on screen: no serious a11y violation, nothing sideways (${width} px, ${scheme})`, async () => {
      app = await openApp(browser, host, { path: '#/calculator', width, height, colorScheme: scheme });
      const { page } = app;
      await page.getByRole('region', { name: 'FluxNote plan sizing' }).getByLabel('Finished videos a month').fill('5');
      const lux = page.getByRole('region', { name: 'Lux monthly estimate' });
      await lux.getByLabel('Calls a month').fill('200');
      await lux.getByLabel('Tokens per call').fill('1500');
      const sizer = page.getByRole('region', { name: 'Flux, Fluximage and Flowly sizing' });
      await sizer.getByLabel('Credits a month').fill('300');
      await sizer.getByTestId('advice').waitFor();
      expect(await page.getByTestId('advice').count()).toBe(3);
      expect(await page.evaluate<number>(`document.documentElement.scrollWidth - document.documentElement.clientWidth + document.querySelector('.main').scrollWidth - document.querySelector('.main').clientWidth`)).toBe(0);
      await screenshot(page, `calculator-answers-${width}-${scheme}`);
      expect(await seriousViolations(page)).toEqual([]);
    });
  }
});
