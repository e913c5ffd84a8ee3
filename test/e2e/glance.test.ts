/**
 * The dashboard at a glance: the summary line per pool in urgency order, one
 * verdict per pool (ring, badge and run-out line agree; top-ups said
 * plainly), countdowns at the precision that matters, and alert hygiene.
 */
import { describe, expect, it } from 'vitest';
import type { TestHost } from './server.js';
import { perTest } from './per-test.js';

const t = perTest();

const use = (host: TestHost, account: string, action: string, quantity: number, at?: string) => host.api('usage.record', { account, action, quantity, ...(at ? { at } : {}) });

describe('summary', () => {
  it('lists every pool across accounts, most urgent first, in the pool unit', async () => {
    const app = await t.open({
      seed: (host) => {
        host.api('accounts.add', { preset: 'lux', plan: 'free', name: 'Lux flows', anchor: '2026-10-20' });
        host.api('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
        // 10 of 21 videos in 3 d 14 h: 11 left at 2.79 a day lasts to Nov 7, well before the Nov 30 reset.
        use(host, 'fluxnote-rise', 'video', 10, '2026-11-02T12:00:00Z');
        use(host, 'fluxnote-rise', 'image', 12, '2026-11-02T12:00:00Z');
      },
    });
    const lines = app.page.getByTestId('summary').getByRole('listitem');
    await expect.poll(() => lines.count()).toBe(3);
    expect(await lines.allTextContents()).toEqual([
      'FluxNote Rise · Video credits11 videos left · resets in 26 d · runs out in 3 d at this pace',
      'Lux flows · Credits1,000 credits left · resets in 16 d · nothing used yet',
      'FluxNote Rise · Image credits988 images left · resets in 26 d · lasts to the reset at this pace',
    ]);
    expect(await lines.first().getAttribute('class')).toContain('tone-warn');
  });
});

describe('one verdict per pool', () => {
  it('with top-ups, says when the monthly part runs out and how far the top-ups carry it', async () => {
    const app = await t.open({
      seed: (host) => {
        host.api('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
        host.api('grants.add', { account: 'fluxnote-rise', pool: 'video', amount: 30, source: 'bonus', at: '2026-10-31T08:00:00Z' });
        // 5 videos in 86 h is ahead of even pace (2.5): at that pace the 16 monthly last 275.2 h (Nov 15 01:12), all 46 791.2 h (Dec 6 13:12).
        use(host, 'fluxnote-rise', 'video', 5, '2026-11-02T12:00:00Z');
      },
    });
    const card = app.page.locator('[data-account="fluxnote-rise"] article[data-pool="video"]');
    await expect.poll(() => card.getByTestId('run-out').textContent()).toBe('Monthly part runs out Nov 15 01:12 UTC; top-ups carry it to Dec 6 13:12 UTC, past the reset');
    expect(await card.getByTestId('verdict').textContent()).toBe('on top-ups');
    expect(await card.getByTestId('pace').textContent()).toContain('in deficit');
    // The ring is in the same state as the badge.
    expect(await card.locator('[data-state]').first().getAttribute('data-state')).toBe('warn');
    const line = app.page.getByTestId('summary').getByRole('listitem').first();
    expect(await line.textContent()).toContain('monthly part runs out in 11 d, top-ups carry it past the reset');
  });

  it('a pool used up is red in the ring, the badge and the line', async () => {
    const app = await t.open({
      seed: (host) => {
        host.api('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
        use(host, 'fluxnote-rise', 'video', 21, '2026-11-02T12:00:00Z');
      },
    });
    const card = app.page.locator('[data-account="fluxnote-rise"] article[data-pool="video"]');
    await expect.poll(() => card.getByTestId('verdict').textContent()).toBe('used up');
    expect(await card.getByTestId('run-out').textContent()).toBe('Nothing left until the reset on Nov 30 00:00 UTC');
    expect(await card.locator('[data-state]').first().getAttribute('data-state')).toBe('danger');
    expect(await app.page.getByTestId('summary').getByRole('listitem').first().textContent()).toBe('FluxNote Rise · Video creditsnone left · resets in 26 d');
  });
});

describe('countdown precision', () => {
  it('days and hours when days are left: a second changes nothing it shows', async () => {
    const app = await t.open({
      seed: (host) => {
        host.api('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
      },
    });
    const countdown = app.page.locator('article[data-pool="video"]').getByTestId('countdown');
    await expect.poll(() => countdown.textContent()).toBe('Resets in 26 d 10 h · Nov 30 00:00 UTC');
    await app.page.clock.runFor(1_000);
    expect(await countdown.textContent()).toBe('Resets in 26 d 9 h · Nov 30 00:00 UTC');
  });

  it('seconds only in the last hour', async () => {
    const app = await t.open({
      now: '2026-11-29T22:59:00Z', seed: (host) => {
      host.api('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
          },
    });
    const countdown = app.page.locator('article[data-pool="video"]').getByTestId('countdown');
    await expect.poll(() => countdown.textContent()).toBe('Resets in 1 h 1 min · Nov 30 00:00 UTC');
    await app.page.clock.runFor(61_000);
    await expect.poll(() => countdown.textContent()).toBe('Resets in 59 min 59 s · Nov 30 00:00 UTC');
    await app.page.clock.runFor(1_000);
    await expect.poll(() => countdown.textContent()).toBe('Resets in 59 min 58 s · Nov 30 00:00 UTC');
  });
});

describe('alert hygiene', () => {
  it('shows only this period, marks what a top-up resolved, never the same words twice', async () => {
    const app = await t.open({
      seed: (host) => {
        host.api('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-09-30', at: '2026-10-01T00:00:00Z' });
        // Last period (Sep 30 – Oct 30): 100 % of the videos used. Not this period's business.
        use(host, 'fluxnote-rise', 'video', 21, '2026-10-10T12:00:00Z');
        // This period: all 21 videos (50, 80, 100 %), then a bonus of 5 puts videos back on the table.
        use(host, 'fluxnote-rise', 'video', 21, '2026-11-02T12:00:00Z');
        host.api('grants.add', { account: 'fluxnote-rise', pool: 'video', amount: 5, source: 'bonus' });
        expect(t.host.api('alerts.list', { account: 'fluxnote-rise' }).filter((a) => a.kind === 'threshold')).toHaveLength(6);
      },
    });
    const items = app.page.locator('[data-account="fluxnote-rise"] .activity').getByRole('listitem');
    await expect.poll(() => items.count()).toBe(3);
    const texts = await items.allTextContents();
    expect(new Set(texts.map((t) => t.replace(/ · .*$/, ''))).size).toBe(3);
    // 21 of 21 used: 50 % and 80 % still hold; the 100 % was resolved by the bonus.
    expect(texts.map((t) => t.replace(/ · .*$/, ''))).toEqual(['80 %Video credits: 80 % of the allocation used', '50 %Video credits: 50 % of the allocation used', 'resolvedVideo credits: 100 % of the allocation used']);
    expect(await items.last().getAttribute('data-resolved')).toBe('true');
  });

  it('a refused typo is red until usage is recorded after it', async () => {
    const app = await t.open({
      seed: (host) => {
        host.api('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
      },
    });
    const section = app.page.locator('[data-account="fluxnote-rise"]');
    await section.getByRole('button', { name: /Record other usage/ }).click();
    const form = section.getByRole('form', { name: /Record usage form/ });
    await form.getByLabel('Action').selectOption('video');
    await form.getByLabel(/Quantity/).fill('200');
    await form.getByRole('button', { name: 'Record' }).click();
    const last = app.page.getByTestId('last-refusal');
    await expect.poll(() => last.locator('.notice.danger').count()).toBe(1);
    // The intended 2, a minute later.
    t.host.clock.advance(60_000);
    await form.getByLabel(/Quantity/).fill('2');
    await form.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => last.locator('.notice.danger').count()).toBe(0);
    expect(await last.textContent()).toContain('Not enough credits · video · Nov 3 14:00 UTC — usage recorded since');
  });
});
