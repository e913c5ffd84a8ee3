/**
 * A new user's first session, end to end through the UI: add a FluxNote Rise
 * account in Settings, record usage on the Dashboard, watch what is left and
 * the reset countdown move, run out, and see the refusal with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { assertRendererBuilt, launch, openApp, type AppPage } from './browser.js';
import { startTestHost, type TestHost } from './server.js';
import { LEDGER_NOW } from './browser.js';

let browser: Browser;
let host: TestHost;
let app: AppPage;
let page: Page;

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launch();
  host = await startTestHost({ now: LEDGER_NOW });
  app = await openApp(browser, host);
  page = app.page;
});

afterAll(async () => {
  await app?.context.close();
  await browser?.close();
  await host?.close();
});

const videoCard = () => page.locator('[data-account="fluxnote-rise"] article[data-pool="video"]');

describe('first session', () => {
  it('starts on an empty dashboard that says what to do', async () => {
    await expect.poll(() => page.getByRole('heading', { name: 'No accounts yet — add one' }).isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Add an account' }).click();
    await page.getByRole('heading', { name: 'Add your first account' }).waitFor();
  });

  it('adds a FluxNote Rise account through Settings', async () => {
    const form = page.getByRole('form', { name: 'Add an account' });
    await form.getByLabel('Service').selectOption('fluxnote');
    await form.getByLabel('Plan').selectOption('rise');
    await form.getByLabel('Billing anchor').fill('2026-10-31');
    await form.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('status').filter({ hasText: 'Added FluxNote Rise.' }).waitFor();
    expect(host.api('accounts.list', {}).map((a) => [a.id, a.plan, a.anchor])).toEqual([['fluxnote-rise', 'rise', '2026-10-31']]);
    // The new account is selected for editing below the form.
    await page.getByRole('tab', { name: 'FluxNote Rise', selected: true }).waitFor();
  });

  it('shows the full allocation and a countdown to the reset on the dashboard', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await expect.poll(() => videoCard().getByTestId('remaining').textContent()).toBe('21 of 21 left');
    // Nov 3 14:00 → Nov 30 00:00 UTC (anchor day 31, clamped to November's 30).
    expect(await videoCard().getByTestId('countdown').textContent()).toBe('Resets in 26 d 10 h · Nov 30 00:00 UTC');
    expect(await page.locator('[data-account="fluxnote-rise"] article[data-pool="image"]').getByTestId('remaining').textContent()).toBe('1,000 of 1,000 left');
  });

  it('records a video with the quick action and shows the result', async () => {
    await page.getByRole('button', { name: '+1 video' }).click();
    await expect.poll(() => page.getByTestId('use-outcome').textContent()).toContain('Recorded video · 1 credit · ev_1');
    await expect.poll(() => videoCard().getByTestId('remaining').textContent()).toBe('20 of 21 left');
    // The pace line comes from reports.forecast: 2.508 credits of even pace by now, 1 used → 1.508 in reserve.
    await expect.poll(() => videoCard().getByTestId('pace').textContent()).toContain('1.51 videos in reserve');
    expect(await videoCard().textContent()).toContain('Used 1');
  });

  it('moves the countdown with the clock, in days and hours while days are left', async () => {
    await page.clock.runFor(1_000);
    await expect.poll(() => videoCard().getByTestId('countdown').textContent()).toBe('Resets in 26 d 9 h · Nov 30 00:00 UTC');
    await page.clock.fastForward(3_600_000);
    await expect.poll(() => videoCard().getByTestId('countdown').textContent()).toBe('Resets in 26 d 8 h · Nov 30 00:00 UTC');
  });

  it('records several at once with the form, down to zero', async () => {
    const section = page.locator('[data-account="fluxnote-rise"]');
    await section.getByRole('button', { name: /Record other usage/ }).click();
    const form = section.getByRole('form', { name: /Record usage form/ });
    await form.getByLabel('Action').selectOption('video');
    await form.getByLabel(/Quantity/).fill('20');
    await form.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => page.getByTestId('use-outcome').textContent()).toContain('20 credits');
    await expect.poll(() => videoCard().getByTestId('remaining').textContent()).toBe('0 of 21 left');
    // Crossing 50/80/100 % of the allocation raised the threshold alerts.
    await expect.poll(() => section.getByRole('listitem').filter({ hasText: '100 %' }).count()).toBe(1);
  });

  it('shows a refused event with its reason when no credits are left', async () => {
    await page.getByRole('button', { name: '+1 video' }).click();
    const outcome = page.getByTestId('use-outcome');
    await expect.poll(() => outcome.textContent()).toContain('Refused — Not enough credits');
    expect(await outcome.textContent()).toContain('not enough video credits on FluxNote Rise: video costs 1, 0 available');
    // The ISO instant in the ledger's message is shown readably.
    expect(await outcome.textContent()).toContain('Next reset Nov 30 00:00 UTC');
    const last = page.getByTestId('last-refusal');
    await expect.poll(() => last.textContent()).toContain('Not enough credits · video');
    expect(await last.textContent()).toContain('you cannot generate new videos');
    // Nothing was charged: still zero, and the refusal is in the ledger.
    expect(await videoCard().getByTestId('remaining').textContent()).toBe('0 of 21 left');
    expect(host.api('refusals.list', { account: 'fluxnote-rise' })[0]!.reason).toBe('insufficient_credits');
  });

  it('had no page errors', () => {
    expect(app.errors).toEqual([]);
  });
});
