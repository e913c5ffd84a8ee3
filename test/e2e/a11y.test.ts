/**
 * Accessibility of every page, checked by axe-core (@axe-core/playwright):
 * no serious or critical violation, light and dark, at 1280×800 and on a
 * phone (390×844), on a lived-in ledger.
 */
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
import { openApp } from './browser.js';
import { PAGES, SIZES, livedIn } from './every-page.js';

const s = livedIn();

describe('axe: no serious or critical violations', () => {
  for (const size of SIZES) {
    for (const scheme of ['light', 'dark'] as const) {
      for (const p of PAGES) {
        it(`${p.name}, ${scheme}, ${size.name}`, async () => {
          const { page, context, errors } = await openApp(s.browser, s.host, { path: p.path, colorScheme: scheme, width: size.width, height: size.height });
          await page.getByText(p.ready).first().waitFor({ timeout: 30_000 });
          const bad = await seriousViolations(page);
          await context.close();
          expect(bad).toEqual([]);
          expect(errors).toEqual([]);
        });
      }
    }
  }
});
