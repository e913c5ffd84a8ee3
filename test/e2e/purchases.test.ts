/**
 * Buying credit packs through the Purchases page, end to end: the real web
 * host with a payments service whose Stripe is the local fake
 * (test/purchases/fake-stripe.ts, spoken to by the real `stripe` SDK) and
 * whose browser opener records what it was asked to open.
 *
 * Buy → the opener receives the Checkout URL → the fake completes the
 * payment → the page's poll (purchases.get every 2 s) turns the panel to
 * paid → the credits are on the Dashboard. Also: a pack the plan may not
 * buy, the Checkout link when the browser did not open, an expired
 * Checkout, a refund, and a provider-link pack confirmed by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { Payments } from '../../main/core/purchases/service.js';
import { startFakeStripe, type FakeStripe } from '../purchases/fake-stripe.js';
import { gatewayFor, luxPriced } from '../purchases/helpers.js';
import { join } from 'node:path';
import { LEDGER_NOW, SCREENSHOTS, assertRendererBuilt, launch, openApp, screenshot, type AppPage } from './browser.js';
import { startTestHost, type TestHost } from './server.js';

let browser: Browser;
let host: TestHost;
let fake: FakeStripe;
let app: AppPage;
let page: Page;
/** What the host asked the system browser to open. */
const opened: string[] = [];
/** Whether the opener "succeeds" (false: as if the guard refused or no browser started). */
let opens = true;

/** A Lux copy whose pack is bought on the provider's own page (a link), not through Stripe. */
function luxLinked() {
  const lux = luxPriced() as Record<string, unknown>;
  lux.id = 'luxlink';
  lux.name = 'Lux Link';
  lux.packs = [{ id: 'web', name: 'Credits on lux.example', pool: 'credits', credits: null, priceCents: null, url: 'https://lux.example/billing/add-credits' }];
  return lux;
}

beforeAll(async () => {
  assertRendererBuilt();
  fake = await startFakeStripe();
  const payments = new Payments({
    gateway: gatewayFor(fake.url),
    openUrl: (url) => {
      opened.push(url);
      return opens;
    },
  });
  host = await startTestHost({ now: LEDGER_NOW, payments });
  host.api('accounts.add', { preset: 'flux', plan: 'edge', name: 'Flux Edge', anchor: '2026-10-01' });
  host.api('actions.set', { account: 'flux-edge', action: 'mcp-tool', cost: 2 });
  host.api('usage.record', { account: 'flux-edge', action: 'mcp-tool', quantity: 30, at: '2026-11-02T09:00:00Z' });
  host.api('accounts.add', { preset: 'flux', plan: 'pulse', name: 'Flux Pulse', anchor: '2026-10-01' });
  host.api('accounts.add', { provider: luxPriced(), plan: 'free', name: 'Lux Pool', anchor: '2026-10-20' });
  host.api('accounts.add', { provider: luxLinked(), plan: 'free', name: 'Lux Link', anchor: '2026-10-20' });
  browser = await launch();
  app = await openApp(browser, host, { path: '#/purchases?account=flux-edge' });
  page = app.page;
});

afterAll(async () => {
  await app?.context.close();
  await browser?.close();
  await host?.close();
  await fake?.close();
});

const card = (pack: string) => page.locator(`article[data-pack="${pack}"]`);
const panel = () => page.getByTestId('purchase-panel');
const sessionOf = (url: string) => /\/pay\/(cs_test_\w+)$/.exec(url)?.[1] ?? '';
const creditsCard = (account: string) => page.locator(`[data-account="${account}"] article[data-pool="credits"]`);

/**
 * Move the page's paused clock a poll at a time until the panel shows `status`.
 * A poll still waiting on its answer skips the next tick, so one step of the
 * clock is not always one check with Stripe.
 */
async function untilStatus(status: string): Promise<void> {
  const shown = page.locator(`[data-testid="purchase-panel"][data-status="${status}"]`);
  for (let i = 0; i < 20; i++) {
    await page.clock.runFor(2_000);
    if (await shown.waitFor({ timeout: 1000 }).then(() => true, () => false)) return;
  }
  throw new Error(`the purchase panel never said ${status}: it says ${await panel().getAttribute('data-status')}`);
}

async function goto(path: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(path)}`);
}

describe('buying a pack', () => {
  it('lists the packs with price, price per credit and how they are bought', async () => {
    await card('pro').waitFor();
    expect(await card('pro').getByTestId('pack-credits').textContent()).toBe('2,000 credits');
    expect(await card('pro').getByTestId('pack-price').textContent()).toBe('$15.00');
    expect(await card('pro').getByTestId('per-credit').textContent()).toBe('$0.0075 per credit');
    expect(await card('pro').getByTestId('pack-via').textContent()).toBe('Stripe Checkout, in your browser');
    expect(await card('starter').getByTestId('per-credit').textContent()).toBe('$0.01 per credit');
    expect(await card('pro').getByRole('button', { name: 'Buy for $15.00' }).isEnabled()).toBe(true);
    await page.getByText('No purchases yet.').waitFor();
  });

  it('Buy → the opener gets the Checkout URL → the fake is paid → the panel turns to paid', async () => {
    await card('pro').getByRole('button', { name: 'Buy for $15.00' }).click();
    await expect.poll(() => panel().getAttribute('data-status')).toBe('pending');
    expect(await panel().getByTestId('panel-title').textContent()).toBe('Waiting for payment in your browser…');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(new RegExp(`^${fake.url}/pay/cs_test_\\w+$`));
    const sessionId = sessionOf(opened[0]!);
    expect(fake.sessions.get(sessionId)).toMatchObject({ amount_total: 1500, currency: 'usd', status: 'open' });
    // The Checkout Session lasts an hour from the ledger's now (the page's clock is the ledger's).
    expect(await panel().getByTestId('expiry').textContent()).toBe(' Checkout closes in 1 h 0 min · Nov 3 15:00 UTC');
    // The browser opened, so no link to copy.
    expect(await panel().getByRole('textbox', { name: 'Checkout link' }).count()).toBe(0);
    // Pending in the history too, nothing charged yet.
    const row = page.locator('tr[data-purchase]').first();
    expect(await row.locator('.badge').textContent()).toBe('pending');
    expect(await row.locator('td').nth(3).textContent()).toBe('$15.00 due');
    expect(await row.getByTestId('paid-per-credit').textContent()).toBe('—');

    // Not paid yet: the poll leaves it pending.
    await page.clock.runFor(2_000);
    await page.clock.runFor(2_000);
    expect(await panel().getAttribute('data-status')).toBe('pending');

    fake.complete(sessionId);
    await untilStatus('paid');
    expect(await panel().getByTestId('panel-title').textContent()).toBe('Payment received — 2,000 credits added');
    expect(await panel().textContent()).toContain('Pro · $15.00 paid');
    await screenshot(page, 'purchases-paid');
    await expect.poll(() => row.locator('.badge').textContent()).toBe('paid');
    expect(await row.locator('td').nth(3).textContent()).toBe('$15.00');
    // What was actually paid per credit, from the API's exact decimal.
    expect(await row.getByTestId('paid-per-credit').textContent()).toBe('$0.0075');
    const receipt = row.getByRole('link', { name: 'Receipt' });
    expect(await receipt.getAttribute('href')).toBe(`https://pay.stripe.com/receipts/pi_${sessionId.slice(8)}`);
    expect(await receipt.getAttribute('target')).toBe('_blank');
    expect(await receipt.getAttribute('rel')).toBe('noopener noreferrer');
    // Flux does not refund purchased credits: the API's reason is the hint.
    expect(await row.getByTestId('refund-reason').getAttribute('title')).toBe('Flux does not offer refunds of purchased credits');
    // Exactly one grant, for what Stripe says was paid.
    const grants = host.api('grants.list', { account: 'flux-edge' }).filter((g) => g.source === 'purchase');
    expect(grants.map((g) => [g.credits, g.priceCents])).toEqual([[2000, 1500]]);
  });

  it('shows the new credits on the Dashboard, with what was paid', async () => {
    await page.getByRole('link', { name: 'See the balance on the Dashboard' }).click();
    // 200 monthly − 60 used + 2,000 bought.
    await expect.poll(() => creditsCard('flux-edge').getByTestId('remaining').textContent()).toBe('2,140 left');
    const parts = await creditsCard('flux-edge').locator('.parts').textContent();
    expect(parts).toContain('Monthly 140 of 200');
    expect(parts).toContain('Top-up 2,000');
    expect(await creditsCard('flux-edge').getByTestId('last-top-up').textContent()).toBe('Top-up Nov 3: 2,000 credits for $15.00 paid · $0.0075 a credit · Pro');
    expect(await page.locator('[data-account="flux-edge"]').getByRole('link', { name: 'Buy credits' }).getAttribute('href')).toBe('#/purchases?account=flux-edge');
    // Flux Pulse may not buy packs: no link to buy.
    expect(await page.locator('[data-account="flux-pulse"]').getByRole('link', { name: 'Buy credits' }).count()).toBe(0);
  });

  it('a pack the plan may not buy shows why, and Buy is disabled', async () => {
    await goto('#/purchases?account=flux-pulse');
    await card('pro').waitFor();
    const reason = host.api('purchases.packs', { account: 'flux-pulse' }).find((p) => p.id === 'pro')!.reason!;
    expect(reason).toBeTruthy();
    expect(await card('pro').getByTestId('pack-reason').textContent()).toBe(reason.replace(/`/g, ''));
    expect(await card('pro').getByRole('button', { name: 'Buy for $15.00' }).isDisabled()).toBe(true);
    expect(await card('starter').getByRole('button').isDisabled()).toBe(true);
    // The panel of the Flux Edge purchase belongs to that account only.
    expect(await panel().count()).toBe(0);
  });

  it('offers the Checkout link when the browser did not open, and says when the Checkout expired', async () => {
    await goto('#/purchases?account=flux-edge');
    await card('starter').waitFor();
    // The paid panel from before: dismissed.
    await panel().getByRole('button', { name: 'Dismiss Pro' }).click();
    expect(await panel().count()).toBe(0);
    opens = false;
    await card('starter').getByRole('button', { name: 'Buy for $5.00' }).click();
    await expect.poll(() => panel().getAttribute('data-status')).toBe('pending');
    const url = opened.at(-1)!;
    const id = (await panel().getAttribute('aria-label'))!.replace('Purchase ', '');
    expect(await panel().getByRole('textbox', { name: 'Checkout link' }).inputValue()).toBe(url);
    expect(await panel().getByRole('link', { name: 'Open' }).getAttribute('href')).toBe(url);
    await screenshot(page, 'purchases-not-opened');
    fake.expire(sessionOf(url));
    await untilStatus('expired');
    expect(await panel().getByTestId('panel-title').textContent()).toBe('Checkout closed — nothing was charged');
    expect(await panel().textContent()).toContain('the Checkout Session expired without a payment; nothing was charged');
    // (Purchases made in the same ledger millisecond list newest first by insertion; the row is found by id all the same.)
    const row = page.locator(`tr[data-purchase="${id}"]`);
    await expect.poll(() => row.locator('.badge').textContent()).toBe('expired');
    expect(await row.locator('td').nth(3).textContent()).toBe('nothing charged');
    opens = true;
    await panel().getByRole('button', { name: 'Dismiss Starter' }).click();
  });

  it('says so when Stripe fails, and the purchase is marked failed', async () => {
    // The SDK retries a 503 twice with the same idempotency key: three failures in a row.
    fake.fail({ status: 503 }, { status: 503 }, { status: 503 });
    await card('starter').getByRole('button', { name: 'Buy for $5.00' }).click();
    const alert = card('starter').getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('The purchase could not startStripe had a problem (503) and did not create the Checkout Session; try again later');
    await expect.poll(() => page.locator('tr[data-purchase] .badge', { hasText: 'failed' }).count()).toBe(1);
    const failed = host.api('purchases.list', { account: 'flux-edge' }).filter((p) => p.status === 'failed');
    expect(failed.map((p) => [p.pack, p.message])).toEqual([['starter', 'Stripe had a problem (503) and did not create the Checkout Session; try again later']]);
    expect(await panel().count()).toBe(0);
    // The failed call answered 500 by design; the browser logged it.
    const logged = app.errors.findIndex((e) => /status of 500/.test(e));
    expect(logged).toBeGreaterThanOrEqual(0);
    app.errors.splice(logged, 1);
  });

  it('refunds the unused credits of a purchase, after a confirm step', async () => {
    await goto('#/purchases?account=lux-pool');
    await card('k1').waitFor();
    await card('k1').getByRole('button', { name: 'Buy for $10.00' }).click();
    await expect.poll(() => panel().getAttribute('data-status')).toBe('pending');
    fake.complete(sessionOf(opened.at(-1)!));
    await untilStatus('paid');
    const row = page.locator('tr[data-purchase]').first();
    await row.getByRole('button', { name: 'Refund…' }).click();
    expect(fake.refunds).toHaveLength(0);
    await row.getByRole('button', { name: 'Yes, refund' }).click();
    await expect.poll(() => page.getByTestId('refund-outcome').textContent()).toBe('Refunded 1,000 credits1,000 credits taken back · $10.00 returned to the card');
    expect(fake.refunds.map((r) => r.amount)).toEqual([1000]);
    await expect.poll(() => row.locator('.badge').textContent()).toBe('refunded');
    expect(await row.locator('td').nth(2).textContent()).toBe('1,000−1,000 refunded');
    expect(await row.locator('td').nth(3).textContent()).toBe('$10.00−$10.00 back');
    expect(await row.getByRole('button', { name: 'Refund…' }).count()).toBe(0);
  });

  it('a provider-link pack opens the link, then records what arrived', async () => {
    await goto('#/purchases?account=lux-link');
    await card('web').waitFor();
    expect(await card('web').getByTestId('pack-via').textContent()).toBe('On lux.example, then confirm here');
    await card('web').getByRole('button', { name: 'Buy on lux.example' }).click();
    const form = page.getByRole('form', { name: 'Confirm what arrived' });
    await form.waitFor();
    expect(opened.at(-1)).toBe('https://lux.example/billing/add-credits');
    await form.getByLabel('Credits that arrived').fill('750');
    await form.getByLabel('Paid (USD)').fill('9.5');
    await form.getByLabel('Note').fill('order #4711');
    await screenshot(page, 'purchases-link');
    await form.getByRole('button', { name: 'Record the purchase' }).click();
    await expect.poll(() => page.getByTestId('manual-recorded').textContent()).toBe('Recorded Credits on lux.example750 credits added · $9.50 paid · order #4711');
    const row = page.locator('tr[data-purchase]').first();
    await expect.poll(() => row.locator('.badge').textContent()).toBe('paid');
    expect(await row.locator('td').nth(1).textContent()).toBe('Credits on lux.exampleCredits · provider link · order #4711');
    // $9.50 for 750 credits: 0.012666…, rounded half up at six places.
    expect(await row.getByTestId('paid-per-credit').textContent()).toBe('$0.012667');
    expect(await row.getByTestId('refund-reason').getAttribute('title')).toMatch(/^bought through Lux Link's own link: ask them for a refund/);
    expect(host.api('balance.get', { account: 'lux-link' }).pools[0]!.topupRemaining).toBe(750);
    expect(app.errors).toEqual([]);
  });

  it('a pack recorded by hand (grant --price) joins the history beside the Stripe purchases, marked so', async () => {
    // As `creditdeck grant flux-edge credits 500 --price 500 --note "invoice 77"` records it.
    const g = host.api('grants.add', { account: 'flux-edge', pool: 'credits', amount: 500, priceCents: 500, note: 'invoice 77' });
    await goto('#/purchases?account=flux-edge');
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.locator(`tr[data-purchase="${g.grantId}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('StarterCredits · recorded by hand · invoice 77');
    expect(await row.getByTestId('paid-per-credit').textContent()).toBe('$0.01');
    expect(await row.locator('.badge').textContent()).toBe('paid');
    // The Stripe purchases are still there, once each.
    const vias = await page.getByTestId('purchase-via').allTextContents();
    expect(vias.filter((v) => v === 'recorded by hand')).toHaveLength(1);
    expect(vias.filter((v) => v === 'Stripe').length).toBeGreaterThan(0);
    await screenshot(page, 'purchases-recorded-by-hand');
    expect(app.errors).toEqual([]);
  });
});

describe('Settings: Payments (Stripe), in a browser', () => {
  it('shows whether Stripe is set up and where the web host reads the keys; no key form', async () => {
    await goto('#/settings');
    const section = page.getByRole('region', { name: 'Payments (Stripe)' });
    await section.getByTestId('stripe-status').getByText('Test mode').waitFor();
    expect(await section.getByTestId('stripe-status').textContent()).toBe('Test modeSet up with a test key: Checkout takes Stripe’s test cards, nothing is charged.');
    const note = await section.getByTestId('stripe-host-note').textContent();
    expect(note).toContain('STRIPE_SECRET_KEY');
    expect(note).toContain('STRIPE_WEBHOOK_SECRET');
    expect(note).toContain('docs/purchases.md');
    // A browser is never offered a place to type a key, and the page never saw one.
    expect(await section.locator('input').count()).toBe(0);
    expect(await page.locator('input[type="password"]').count()).toBe(0);
    expect(await page.content()).not.toMatch(/sk_test_51|whsec_creditdeck/);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-payments-web');
    await section.screenshot({ path: join(SCREENSHOTS, 'settings-payments-card-web.png') });
    expect(app.errors).toEqual([]);
  });
});
