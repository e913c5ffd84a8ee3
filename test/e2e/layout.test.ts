/**
 * Every page on a phone (390×844): nothing scrolls sideways — the window
 * and the page's own scroller alike; wide tables scroll inside their card —
 * and every page of the navigation is reachable.
 */
import { describe, expect, it } from 'vitest';
import { openApp } from './browser.js';
import { PAGES, livedIn } from './every-page.js';

const s = livedIn();

/** Elements wider than the screen that are not inside a sideways scroller of their own: what makes a page scroll sideways. */
const OVERFLOW = `(() => {
  const main = document.querySelector('.main');
  // The page scrolls inside .main: its inner right edge (less its scrollbar) is the edge nothing may pass.
  const inner = main ? main.getBoundingClientRect().left + main.clientWidth : document.documentElement.clientWidth;
  const edge = (el) => (main && main.contains(el) && el !== main ? inner : document.documentElement.clientWidth);
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= edge(el) + 1) continue;
    if (getComputedStyle(el).position === 'fixed') continue;
    let p = el.parentElement, clipped = false;
    // The page's own scroller (.main) does not count: sideways there is what the test forbids.
    while (p && p !== document.body && !p.classList.contains('main')) {
      const ox = getComputedStyle(p).overflowX;
      if ((ox === 'auto' || ox === 'scroll' || ox === 'hidden') && p.getBoundingClientRect().right <= edge(p) + 1) { clipped = true; break; }
      p = p.parentElement;
    }
    if (!clipped) out.push((el.className && typeof el.className === 'string' ? el.tagName.toLowerCase() + '.' + el.className.split(' ').join('.') : el.tagName.toLowerCase()) + ' ' + Math.round(r.right));
  }
  return { doc: document.documentElement.scrollWidth - document.documentElement.clientWidth, main: main ? main.scrollWidth - main.clientWidth : 0, culprits: out.slice(0, 8) };
})()`;

describe('phone width, 390 px', () => {
  for (const scheme of ['light'] as const) {
    for (const p of PAGES) {
      it(`${p.name}: no sideways scroll`, async () => {
        const { page, context, errors } = await openApp(s.browser, s.host, { path: p.path, colorScheme: scheme, width: 390, height: 844 });
        await page.getByText(p.ready).first().waitFor({ timeout: 30_000 });
        const r = await page.evaluate<{ doc: number; main: number; culprits: string[] }>(OVERFLOW);
        await context.close();
        expect(r).toEqual({ doc: 0, main: 0, culprits: [] });
        expect(errors).toEqual([]);
      });
    }
  }

  it('the navigation reaches every page', async () => {
    const { page, context } = await openApp(s.browser, s.host, { width: 390, height: 844 });
    const nav = page.getByRole('navigation', { name: 'Main' });
    // The links wrap: the navigation never scrolls sideways and every link is inside the screen as it stands.
    expect(await page.evaluate<number>(`(() => { const n = document.querySelector('nav[aria-label="Main"]'); return n.scrollWidth - n.clientWidth; })()`)).toBe(0);
    for (const name of ['Dashboard', 'Usage', 'Purchases', 'Plans', 'Calculator', 'Settings']) {
      const link = nav.getByRole('link', { name });
      const box = await link.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844, `${name} on screen: ${JSON.stringify(box)}`).toBe(true);
      await link.click();
      await expect.poll(() => page.title()).toBe(`${name} · Creditdeck`);
    }
    await context.close();
  });
});

describe('keyboard', () => {
  it('Ctrl+1…6 open the pages in the order of the navigation', async () => {
    const { page, context } = await openApp(s.browser, s.host);
    await page.getByText('Video credits').first().waitFor();
    const names = ['Dashboard', 'Usage', 'Purchases', 'Plans', 'Calculator', 'Settings'];
    // The navigation says so.
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).getAttribute('aria-keyshortcuts')).toBe('Control+2 Meta+2');
    for (const [i, name] of [...names.entries()].reverse()) {
      await page.keyboard.press(`Control+${i + 1}`);
      await expect.poll(() => page.title()).toBe(`${name} · Creditdeck`);
    }
    await context.close();
  });
});
