/**
 * The dashboard shows a pool in debt (docs/team.md, "Overdrafts"): a member's
 * offline entry arrived after the videos ran out, so the pool's card says by
 * how much, whose it was, and that the next grant repays it; once a grant has,
 * the line is gone and its alert resolved. Screenshots light and dark, desktop
 * and phone; no horizontal scroll at 390 px.
 */
import { describe, expect, it } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { screenshot, type AppPage } from './browser.js';
import { perTest } from './per-test.js';
import type { TestHost } from './server.js';
import { seedFluxNote } from './seed.js';

const t = perTest();

/** The 11 videos left go, online; then Ben's 3, recorded on his machine while offline, arrive (as team.push books them). */
function overdrawn(host: TestHost): void {
  seedFluxNote(host);
  host.api('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 11, member: 'ana' });
  call(host.ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 3, member: 'ben', at: '2026-11-03T12:00:00Z' }, { pushed: true });
}

const card = (a: AppPage) => a.page.locator('article.pool-card[data-pool="video"]');

describe('an overdrawn pool on the dashboard', () => {
  for (const [colorScheme, width, height] of [
    ['light', 1280, 800],
    ['dark', 1280, 800],
    ['light', 390, 844],
    ['dark', 390, 844],
  ] as const) {
    it(`says by how much, whose, and what repays it (${colorScheme}, ${width} px)`, async () => {
      const app = await t.open({ seed: overdrawn, colorScheme, width, height });
      const line = card(app).getByTestId('overdrawn');
      await expect.poll(() => line.textContent()).toBe('Overdrawn by 3 videos (ben 3) — used offline after the pool ran out; the next grant or reset repays it first');
      expect(await app.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      await screenshot(app.page, `overdrawn-${colorScheme}-${width}`);
    });
  }

  it('is gone once a grant has repaid it, and its alert is resolved', async () => {
    const app = await t.open({
      seed: (host) => {
        overdrawn(host);
        host.api('grants.add', { account: 'fluxnote-rise', pool: 'video', amount: 5, source: 'bonus' });
      },
    });
    await expect.poll(() => card(app).getByTestId('remaining').textContent()).toMatch(/^2 left/);
    expect(await card(app).getByTestId('overdrawn').count()).toBe(0);
    await expect.poll(() => app.page.getByText(/ben's video used offline overdrew/).locator('xpath=..').textContent()).toMatch(/resolved/);
  });
});
