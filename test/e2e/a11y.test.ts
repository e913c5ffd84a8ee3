/**
 * Accessibility of every page, checked by axe-core (@axe-core/playwright):
 * no serious or critical violation, light and dark, at 1280×800 and on a
 * phone (390×844), on a lived-in ledger.
 */
import { describe, expect, it } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
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
          // axe waits on timers of its own: let the page's clock run (it is paused at the ledger's time).
          await page.clock.resume();
          const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
          const bad = result.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n').slice(1, 2).join('') ?? ''}`).join(' | ')}`);
          await context.close();
          expect(bad).toEqual([]);
          expect(errors).toEqual([]);
        });
      }
    }
  }
});
