/**
 * Packs on the Purchases page where Stripe is not set up (the lived-in
 * ledger's web host has no payments service): each card says what to do in
 * the app, never an environment variable or a command, and stays inside its
 * card at phone width; the Starter pack recorded by hand on Flux Edge
 * (grants.add with a price, as `creditdeck grant … --price` does) is in the
 * history, marked so.
 */
import { describe, expect, it } from 'vitest';
import { openApp, screenshot } from './browser.js';
import { livedIn } from './every-page.js';

const s = livedIn();

describe('packs without Stripe', () => {
  for (const [width, height, scheme] of [
    [1280, 800, 'light'],
    [390, 844, 'dark'],
  ] as const) {
    it(`say where to set up payments, inside the card (${width} px, ${scheme})`, async () => {
      const { page, context, errors } = await openApp(s.browser, s.host, { path: '#/purchases?account=flux-edge', width, height, colorScheme: scheme });
      const card = page.locator('article[data-pack="starter"]');
      const why = card.getByTestId('pack-reason');
      await expect.poll(() => why.textContent()).toBe('Buying here needs Stripe, which is not set up yet: Settings → Payments.');
      expect(await why.getByRole('link', { name: 'Settings → Payments' }).getAttribute('href')).toBe('#/settings?account=flux-edge');
      // No developer setup on the page: that is on Settings → Payments.
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text).not.toMatch(/STRIPE_|docs\/|creditdeck |--[a-z]|credits credits/);
      // Every pack card's content stays inside the card.
      const spill = await page.evaluate<string[]>(`[...document.querySelectorAll('article.pack')].flatMap((c) => { const r = c.getBoundingClientRect(); return [...c.querySelectorAll('*')].filter((e) => { const b = e.getBoundingClientRect(); return b.width > 0 && (b.right > r.right + 0.5 || b.left < r.left - 0.5); }).map((e) => c.getAttribute('data-pack') + ' ' + e.tagName); })`);
      expect(spill).toEqual([]);
      await screenshot(page, `purchases-no-stripe-${width}-${scheme}`);
      await context.close();
      expect(errors).toEqual([]);
    });
  }

  it('the history lists the pack recorded by hand, with what it came to per credit', async () => {
    const { page, context, errors } = await openApp(s.browser, s.host, { path: '#/purchases?account=flux-edge' });
    const row = page.getByRole('table', { name: 'Purchase history' }).locator('tbody tr').first();
    await expect.poll(() => row.getByTestId('purchase-via').textContent()).toBe('recorded by hand');
    expect(await row.locator('td').nth(1).textContent()).toBe('StarterCredits · recorded by hand');
    expect(await row.locator('td').nth(3).textContent()).toBe('$5.00');
    expect(await row.getByTestId('paid-per-credit').textContent()).toBe('$0.01');
    expect(await row.locator('.badge').textContent()).toBe('paid');
    expect(await row.getByTestId('refund-reason').getAttribute('title')).toMatch(/^recorded by hand, not bought through Creditdeck: ask Flux for a refund, then record the refund of grant \S+ in the ledger$/);
    await context.close();
    expect(errors).toEqual([]);
  });
});
