/** axe-core's serious and critical WCAG 2.1 A/AA violations on a page, one line each (empty: none). */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright';

export async function seriousViolations(page: Page): Promise<string[]> {
  // axe waits on timers of its own: let the page's clock run (it is paused at the ledger's time).
  await page.clock.resume();
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n').slice(1, 2).join('') ?? ''}`).join(' | ')}`);
}
