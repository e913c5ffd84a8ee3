/**
 * The other pages against a lived-in ledger: the plan comparison's numbers,
 * the calculator's recommendation with its arithmetic, the usage charts,
 * breakdown and CSV export, history paging, and Settings writes.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
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

describe('Dashboard', () => {
  it('records tokens for a model on a per-token rate card', async () => {
    host.api('accounts.add', { preset: 'lux', plan: 'free', name: 'Lux', anchor: '2026-10-20' });
    app = await openApp(browser, host);
    const { page } = app;
    const section = page.locator('[data-account="lux"]');
    await section.getByRole('button', { name: 'Record tokens or other usage…' }).click();
    const form = section.getByRole('form', { name: /Record usage form/ });
    // The form starts on a per-token model; 1,500 Sonnet tokens at 5 per 1,000 cost exactly 7.5.
    await form.getByLabel('Action').selectOption('ai:claude-sonnet');
    expect(await form.getByText('Quantity (tokens)').count()).toBe(1);
    await form.getByLabel(/Quantity/).fill('1500');
    await form.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => section.getByTestId('use-outcome').textContent()).toContain('Recorded ai:claude-sonnet · 7.5 credits');
    await expect.poll(() => section.locator('article[data-pool="credits"]').getByTestId('remaining').textContent()).toBe('992.5 of 1,000 left');
    // Free actions and bad input say so too.
    await form.getByLabel('Action').selectOption('email');
    await form.getByLabel(/Quantity/).fill('1.0001');
    await form.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => section.getByTestId('use-outcome').textContent()).toContain('Check the input');
  });
});

describe('Plans', () => {
  it("compares FluxNote's plans: price, allocation and cost per unit", async () => {
    app = await openApp(browser, host, { path: '#/plans' });
    const { page } = app;
    await page.getByRole('tab', { name: 'FluxNote' }).click();
    const card = (plan: string) => page.locator(`article[data-plan="${plan}"]`);
    const cell = (plan: string, pool: string, id: string) => card(plan).locator(`[data-pool="${pool}"]`).getByTestId(id).textContent();
    await expect.poll(() => cell('rise', 'video', 'cost-per-unit')).toBe('$0.38/video');
    expect(await card('rise').getByTestId('price').textContent()).toBe('$7.99 /mo');
    expect(await cell('rise', 'video', 'allocation')).toBe('21 videos');
    expect(await cell('rise', 'image', 'allocation')).toBe('1,000 images');
    expect(await cell('rise', 'image', 'cost-per-unit')).toBe('$0.008/image');
    expect(await cell('pro', 'video', 'cost-per-unit')).toBe('$0.30/video');
    expect(await cell('pro', 'image', 'cost-per-unit')).toBe('$0.007/image');
    expect(await cell('max', 'video', 'cost-per-unit')).toBe('$0.20/video');
    expect(await cell('max', 'image', 'cost-per-unit')).toBe('$0.006/image');
    expect(await cell('free', 'video', 'allocation')).toBe('1 video');
    // The account on Rise is marked.
    expect(await card('rise').textContent()).toContain('Your plan');
    expect(await card('pro').textContent()).not.toContain('Your plan');
  });

  it("says so where a provider's docs give no price", async () => {
    app = await openApp(browser, host, { path: '#/plans?preset=lux' });
    const { page } = app;
    await page.locator('article[data-plan="starter"]').getByText('Price not stated', { exact: true }).waitFor();
    expect(await page.locator('article[data-plan="enterprise"] [data-pool="credits"]').getByTestId('allocation').textContent()).toContain('You set it');
    expect(await page.getByRole('table', { name: 'What uses credits' }).textContent()).toContain('5 per 1,000 tokens');
  });
});

describe('Calculator', () => {
  it('recommends Pro for 5 finished videos × 4 generations, with the arithmetic', async () => {
    app = await openApp(browser, host, { path: '#/calculator' });
    const { page } = app;
    const sizer = page.getByRole('region', { name: 'FluxNote plan sizing' });
    await sizer.getByLabel('Finished videos a month').fill('5');
    await sizer.getByLabel('Generations per video').fill('4');
    await expect.poll(() => sizer.getByTestId('recommended').textContent()).toBe('Pro');
    const lines = await sizer.getByRole('list', { name: 'Arithmetic' }).getByRole('listitem').allTextContents();
    expect(lines).toEqual(['video: 5 finished × 4 generations each × 1 member = 20', 'video with 20 % buffer: 20 × 1.2 = 24 → 24 credits']);
    const rows = await sizer.getByRole('table', { name: 'Plans compared' }).getByRole('row').allTextContents();
    expect(rows.find((r) => r.startsWith('Rise'))).toContain('short by 3 videos');
    // Two members double it: 48 still fits Pro; three need Max.
    await sizer.getByLabel('Members').fill('3');
    await expect.poll(() => sizer.getByTestId('recommended').textContent()).toBe('Max');
    await sizer.getByLabel('Members').fill('1');
    await sizer.getByLabel('Growth buffer (%)').fill('12.5');
    await expect.poll(() => sizer.getByRole('list', { name: 'Arithmetic' }).textContent()).toContain('video with 12.5 % buffer: 20 × 1.125 = 22.5 → 23 credits');
  });

  it('shows bad input as the API words it', async () => {
    app = await openApp(browser, host, { path: '#/calculator' });
    const { page } = app;
    const sizer = page.getByRole('region', { name: 'FluxNote plan sizing' });
    await sizer.getByLabel('Finished videos a month').fill('5');
    await sizer.getByLabel('Members').fill('1.5');
    // In the words of the form, not the command line's flags.
    await expect.poll(() => sizer.getByRole('alert').textContent()).toContain('Members must be a whole number of at least 1');
    expect(await sizer.getByRole('alert').textContent()).not.toContain('--');
  });

  it('estimates Lux credits from model tokens, emails and SMS', async () => {
    app = await openApp(browser, host, { path: '#/calculator' });
    const { page } = app;
    const lux = page.getByRole('region', { name: 'Lux monthly estimate' });
    await lux.getByLabel('AI model').selectOption('ai:claude-sonnet');
    await lux.getByLabel('Calls a month').fill('200');
    await lux.getByLabel('Tokens per call').fill('1500');
    await lux.getByLabel('Email (Resend)').fill('300');
    await lux.getByLabel('SMS').fill('40');
    // 200 × 1,500 × 5/1,000 = 1,500 + 300 emails + 40 SMS × 2 = 1,880; with the 20 % buffer 2,256 → more than Free's 1,000.
    await expect.poll(() => lux.getByTestId('calc-result').textContent()).toContain('You need 2,256 credits a month.');
    expect(await lux.getByTestId('recommended').textContent()).toBe('Starter');
    expect(await lux.getByRole('list', { name: 'Arithmetic' }).textContent()).toContain('credits: 200 × 1500 tokens of ai:claude-sonnet at 5 per 1000 × 1 member = 1500');
  });
});

describe('Usage', () => {
  it('draws the daily bars and the burn-down for the chosen pool', async () => {
    app = await openApp(browser, host, { path: '#/usage?account=fluxnote-rise' });
    const { page } = app;
    const daily = page.getByRole('img', { name: /^Daily usage/ });
    // This period runs Oct 31 → Nov 29: 30 local days, one bar each.
    await expect.poll(() => daily.locator('[data-bars]').getAttribute('data-bars')).toBe('30');
    expect(await daily.getAttribute('aria-label')).toBe('Daily usage: 10 videos over 30 days');
    // The first bar, pointed at: its day and figure in the read-out.
    const over = (await daily.locator('.u-over').boundingBox())!;
    await page.mouse.move(over.x + over.width / 60, over.y + over.height / 2);
    await expect.poll(() => page.getByTestId('daily-chart-readout').textContent()).toBe('Oct 31: 3 videos');
    await expect.poll(() => page.getByRole('img', { name: /^Burn-down/ }).getAttribute('aria-label')).toBe('Burn-down: 11 of 21 videos left');
    await page.getByRole('group', { name: 'Pool' }).getByRole('button', { name: 'Image credits' }).click();
    await expect.poll(() => page.getByRole('img', { name: /^Burn-down/ }).getAttribute('aria-label')).toBe('Burn-down: 923 of 1,000 images left');
  });

  it('breaks usage down and exports the current view as CSV', async () => {
    app = await openApp(browser, host, { path: '#/usage?account=fluxnote-rise' });
    const { page } = app;
    const table = page.getByRole('table', { name: 'Usage breakdown' });
    await expect.poll(() => table.getByRole('row').count()).toBe(4); // header, edit, video, total
    const download = async () => {
      const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
      return { name: d.suggestedFilename(), text: await readFile((await d.path())!, 'utf8') };
    };
    const byAction = await download();
    expect(byAction.name).toBe('creditdeck-fluxnote-rise-video-by-action-this-period.csv');
    expect(byAction.text).toBe('action,events,quantity,credits\r\nedit,1,3,0\r\nvideo,4,10,10\r\n');

    await page.getByRole('group', { name: 'Group by' }).getByRole('button', { name: 'Member' }).click();
    await expect.poll(() => table.textContent()).toContain('ben');
    const byMember = await download();
    expect(byMember.text).toBe('member,events,quantity,credits\r\nana,3,10,7\r\nben,2,3,3\r\n');

    await page.getByRole('group', { name: 'Pool' }).getByRole('button', { name: 'Image credits' }).click();
    await page.getByRole('group', { name: 'Group by' }).getByRole('button', { name: 'Attribute' }).click();
    await page.getByLabel('Attribute name').fill('project');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => table.textContent()).toContain('teaser');
    const byProject = await download();
    expect(byProject.name).toBe('creditdeck-fluxnote-rise-image-by-attr-project-this-period.csv');
    expect(byProject.text).toBe('project,events,quantity,credits\r\nlaunch,1,40,40\r\nteaser,2,37,37\r\n');

    await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '7 days' }).click();
    await page.getByRole('group', { name: 'Group by' }).getByRole('button', { name: 'Day' }).click();
    await expect.poll(() => table.textContent()).toContain('Nov 3');
    const byDay = await download();
    expect(byDay.name).toBe('creditdeck-fluxnote-rise-image-by-day-last-7d.csv');
    expect(byDay.text).toBe('day,events,quantity,credits\r\n2026-10-31,1,40,40\r\n2026-11-01,1,25,25\r\n2026-11-03,1,12,12\r\n');
  });

  it('pages through the history, newest first', async () => {
    for (let i = 0; i < 20; i++) host.api('usage.record', { account: 'fluxnote-rise', action: 'caption', at: `2026-11-03T12:${String(i).padStart(2, '0')}:00Z` });
    app = await openApp(browser, host, { path: '#/usage?account=fluxnote-rise' });
    const { page } = app;
    const history = page.getByRole('table', { name: 'Event history' });
    await expect.poll(() => history.getByRole('row').count()).toBe(16); // header + 15
    const newest = host.api('events.list', { account: 'fluxnote-rise', limit: 1 }).events[0]!;
    expect(await history.getByRole('row').nth(1).textContent()).toContain(newest.eventId);
    await page.getByRole('button', { name: 'Older →' }).click();
    await expect.poll(() => history.getByRole('row').count()).toBe(14); // header + the 13 older ones
    expect(await history.getByRole('row').last().textContent()).toContain('ev_1');
    expect(await page.getByRole('button', { name: 'Older →' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '← Newer' }).click();
    await expect.poll(() => history.getByRole('row').count()).toBe(16);
    await page.getByRole('group', { name: 'Filter the history' }).getByLabel('Action').selectOption('video');
    await expect.poll(() => history.getByRole('row').count()).toBe(5);
  });
});

describe('Settings', () => {
  it('adds an account whose plan leaves the allocation to the user, in its own time zone', async () => {
    app = await openApp(browser, host, { path: '#/settings?add=1' });
    const { page } = app;
    const form = page.getByRole('form', { name: 'Add an account' });
    await form.getByLabel('Service').selectOption('flowly');
    await form.getByLabel('Name', { exact: true }).fill('Flowly team');
    await form.getByLabel('Billing anchor').fill('2026-10-15');
    await form.getByLabel('Time zone').selectOption('Europe/Paris');
    await form.getByLabel('Monthly credits').fill('5000');
    await form.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('status').filter({ hasText: 'Added Flowly team.' }).waitFor();
    const a = host.api('accounts.show', { account: 'flowly-team' });
    expect([a.plan, a.amounts, a.zone, a.anchor]).toEqual(['custom', { credits: 5000 }, 'Europe/Paris', '2026-10-15']);
    // Its actions have no cost in the docs: the dashboard points to the rate card instead of offering quick buttons.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    const section = page.locator('[data-account="flowly-team"]');
    await expect.poll(() => section.textContent()).toContain('have no cost yet');
    expect(await section.locator('article[data-pool="credits"]').getByTestId('countdown').textContent()).toBe('Resets in 11 d 9 h · Nov 15 00:00 GMT+1');
  });


  it('edits the rate card, limits and alert levels, and adds a member', async () => {
    app = await openApp(browser, host, { path: '#/settings?account=fluxnote-rise' });
    const { page } = app;
    const rate = page.getByRole('table', { name: 'Rate card' });
    await rate.getByRole('button', { name: 'Edit image' }).click();
    const row = rate.locator('tr[data-action="image"]');
    await row.getByLabel('Cost').fill('2');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => rate.locator('tr[data-action="image"] td').nth(2).textContent()).toBe('2');
    expect(host.api('actions.list', { account: 'fluxnote-rise' }).find((a) => a.id === 'image')!.cost).toBe(2);

    const limits = page.getByRole('form', { name: 'Limits and alerts' });
    await limits.getByLabel('Monthly spending limit').fill('500');
    await limits.getByLabel('Low-balance alert').fill('5');
    await limits.getByLabel('Alert levels (% used)').fill('25, 75, 100');
    await limits.getByRole('button', { name: 'Save limits' }).click();
    await page.getByRole('region', { name: 'Limits and alerts' }).getByRole('status').waitFor();
    const shown = host.api('accounts.show', { account: 'fluxnote-rise' });
    expect([shown.monthlyLimit, shown.lowBalance, shown.thresholds]).toEqual([500, 5, [25, 75, 100]]);

    const members = page.getByRole('form', { name: 'Add a member' });
    await members.getByLabel('Member id').fill('cy');
    await members.getByLabel('Name').fill('Cyrus');
    await members.getByLabel('Monthly limit').fill('50');
    await members.getByRole('button', { name: 'Add member' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Members' }).textContent()).toContain('Cyrus');
    expect(host.api('members.list', { account: 'fluxnote-rise' }).find((m) => m.id === 'cy')).toEqual({ id: 'cy', name: 'Cyrus', monthlyLimit: 50, caps: {}, removedAt: null });

    // A refused grant (FluxNote sells no packs) shows the ledger's reason.
    const credits = page.getByRole('form', { name: 'Add credits' });
    // Pools are offered by name, never by id.
    expect(await credits.getByLabel('Pool').locator('option').allTextContents()).toEqual(['Video credits', 'Image credits']);
    await credits.getByLabel('Source').selectOption('purchase');
    await credits.getByLabel('Credits').fill('10');
    await credits.getByRole('button', { name: 'Add credits' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Add credits' }).getByRole('alert').textContent()).toContain('Refused');
  });
});
