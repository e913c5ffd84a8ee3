/**
 * The Usage page's charts (uPlot on a canvas), light and dark: the read-out
 * under the cursor, drag to zoom (the bars re-fitted to the range shown) and
 * double-click to show all again, the theme's colours on the canvas (and
 * again when the system switches theme), a plan upgrade mid-period as a step,
 * and no CSP violation from the library.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright';
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
  seedFluxNote(host);
  // Rise (21 videos) to Pro (50) on Nov 2 at noon: the allocation steps up there, not from the period start.
  host.api('accounts.plan', { account: 'fluxnote-rise', plan: 'pro', at: '2026-11-02T12:00:00Z' });
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

/** The plot area of a chart (uPlot's overlay, where the cursor and drags act). */
async function plotBox(chart: Locator) {
  const box = await chart.locator('.u-over').boundingBox();
  if (!box) throw new Error('no plot area');
  return box;
}

/** The colour drawn on a chart's canvas at a point of the page, as [r, g, b]. */
function pixel(page: Page, testId: string, x: number, y: number): Promise<number[]> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector('[data-testid="${testId}"] canvas');
    const r = canvas.getBoundingClientRect();
    const d = canvas.getContext('2d').getImageData(Math.round((${x} - r.left) * (canvas.width / r.width)), Math.round((${y} - r.top) * (canvas.height / r.height)), 1, 1).data;
    return [d[0], d[1], d[2]];
  })()`);
}

const ACCENT = { light: [0x4f, 0x46, 0xe5], dark: [0x8d, 0x8c, 0xf9] };

describe.each(['light', 'dark'] as const)('Usage charts (%s)', (scheme) => {
  it('reads out the bar under the cursor, zooms on a drag and shows all on a double-click', async () => {
    app = await openApp(browser, host, { path: '#/usage?account=fluxnote-rise', colorScheme: scheme });
    const { page } = app;
    const chart = page.getByTestId('daily-chart');
    const img = chart.getByRole('img', { name: /^Daily usage/ });
    const readout = page.getByTestId('daily-chart-readout');
    await expect.poll(() => img.locator('[data-bars]').getAttribute('data-bars')).toBe('30');
    let box = await plotBox(chart);
    // 30 bars across the plot: bar i is centred at (i + ½) / 30 of its width.
    const at = (i: number, n: number) => box.x + ((i + 0.5) / n) * box.width;
    await page.mouse.move(at(0, 30), box.y + box.height / 2);
    await expect.poll(() => readout.textContent()).toBe('Oct 31: 3 videos');
    await page.mouse.move(at(2, 30), box.y + box.height / 2);
    await expect.poll(() => readout.textContent()).toBe('Nov 2: 4 videos');
    // The first bar is drawn in the theme's accent.
    expect(await pixel(page, 'daily-chart', at(0, 30), box.y + box.height - 3)).toEqual(ACCENT[scheme]);

    // Drag across the first ten days: only those are shown, a bar each.
    await page.mouse.move(box.x + 2, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(at(9, 30), box.y + 30, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => img.getAttribute('data-zoomed')).toBe('true');
    await expect.poll(() => img.locator('[data-bars]').getAttribute('data-bars')).toBe('10');
    box = await plotBox(chart);
    await page.mouse.move(at(1, 10), box.y + box.height / 2);
    await expect.poll(() => readout.textContent()).toBe('Nov 1: 2 videos');
    expect(await chart.getByRole('button', { name: 'Show all' }).count()).toBe(1);

    // A double-click shows the whole period again.
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => img.getAttribute('data-zoomed')).toBe('false');
    await expect.poll(() => img.locator('[data-bars]').getAttribute('data-bars')).toBe('30');
    expect(await chart.getByRole('button', { name: 'Show all' }).count()).toBe(0);
  });

  it('draws the burn-down with the upgrade as a step, reads it out, zooms and resets', async () => {
    app = await openApp(browser, host, { path: '#/usage?account=fluxnote-rise', colorScheme: scheme });
    const { page } = app;
    const chart = page.getByTestId('burn-chart');
    const img = chart.getByRole('img', { name: /^Burn-down/ });
    // 10 videos used of Pro's 50 (21 until Nov 2 noon, then the upgrade's 29 on top).
    await expect.poll(() => img.getAttribute('aria-label')).toBe('Burn-down: 40 of 50 videos left');
    // The steps come from the period's grants, a query of their own that may answer after the balance.
    await expect.poll(() => chart.locator('.sr-only').textContent()).toContain('The allocation became 50 on Nov 2 12:00 UTC.');
    const box = await plotBox(chart);
    const period = { start: Date.parse('2026-10-31T00:00:00Z'), reset: Date.parse('2026-11-30T00:00:00Z') };
    const xOf = (iso: string) => box.x + ((Date.parse(iso) - period.start) / (period.reset - period.start)) * box.width;
    // Before the upgrade: 21 less what was used by then (3 on Oct 31, 2 on Nov 1).
    await page.mouse.move(xOf('2026-11-02T00:00:00Z'), box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('burn-chart-readout').textContent()).toMatch(/^Nov 2 00:00 UTC · 16 videos left of 21 · /);
    // After it: 50 less the 9 used by the end of Nov 2.
    await page.mouse.move(xOf('2026-11-03T00:00:00Z'), box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('burn-chart-readout').textContent()).toMatch(/^Nov 3 00:00 UTC · 41 videos left of 50 · /);
    // The future reads the projection at the actual pace: 10 videos in 3 d 14 h, so the 40 left last to Nov 17 about 22:00.
    await page.mouse.move(xOf('2026-11-10T00:00:00Z'), box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('burn-chart-readout').textContent()).toMatch(/^Nov 10 · allocation 50 · 22\.1 at this pace · even pace 33\.3$/);
    await page.mouse.move(xOf('2026-11-20T00:00:00Z'), box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('burn-chart-readout').textContent()).toBe('Nov 20 · allocation 50 · even pace 16.7');

    await page.mouse.move(xOf('2026-11-01T00:00:00Z'), box.y + 20);
    await page.mouse.down();
    await page.mouse.move(xOf('2026-11-05T00:00:00Z'), box.y + 30, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => img.getAttribute('data-zoomed')).toBe('true');
    await chart.getByRole('button', { name: 'Show all' }).click();
    await expect.poll(() => img.getAttribute('data-zoomed')).toBe('false');
    await page.mouse.move(xOf('2026-11-10T00:00:00Z'), box.y + 20);
    await page.mouse.down();
    await page.mouse.move(xOf('2026-11-15T00:00:00Z'), box.y + 30, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => img.getAttribute('data-zoomed')).toBe('true');
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => img.getAttribute('data-zoomed')).toBe('false');
  });
});

describe('Usage charts over 90 days', () => {
  it('merge days into wider bars to fit the pixels, and a zoom shows them one by one again', async () => {
    app = await openApp(browser, host, { path: '#/usage?account=fluxnote-rise&range=90d' });
    const { page } = app;
    const chart = page.getByTestId('daily-chart');
    const bars = async () => Number(await chart.locator('[data-bars]').getAttribute('data-bars'));
    await expect.poll(() => chart.getByRole('img').getAttribute('aria-label')).toBe('Daily usage: 10 videos over 90 days');
    // Fewer bars than days: at most one per 5 pixels of the plot.
    const box = await plotBox(chart);
    expect(await bars()).toBeLessThan(90);
    expect(await bars()).toBeLessThanOrEqual(Math.ceil(box.width / 5));
    // Zoomed to the last week or so: a bar per day, the last one today's.
    await page.mouse.move(box.x + box.width * 0.9, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 1, box.y + 30, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => chart.getByRole('img').getAttribute('data-zoomed')).toBe('true');
    const n = await bars();
    expect(n).toBeLessThan(12);
    const zoomed = await plotBox(chart);
    await page.mouse.move(zoomed.x + ((n - 0.5) / n) * zoomed.width, zoomed.y + zoomed.height / 2);
    await expect.poll(() => page.getByTestId('daily-chart-readout').textContent()).toBe('Nov 3: 1 video');
  });
});

describe('Usage charts and the system theme', () => {
  it('redraw in the other theme when the system switches', async () => {
    app = await openApp(browser, host, { path: '#/usage?account=fluxnote-rise', colorScheme: 'light' });
    const { page } = app;
    const chart = page.getByTestId('daily-chart');
    await expect.poll(() => chart.locator('[data-bars]').getAttribute('data-bars')).toBe('30');
    const box = await plotBox(chart);
    const x = box.x + box.width / 60;
    const y = box.y + box.height - 3;
    await expect.poll(() => pixel(page, 'daily-chart', x, y)).toEqual(ACCENT.light);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => pixel(page, 'daily-chart', x, y)).toEqual(ACCENT.dark);
  });
});
