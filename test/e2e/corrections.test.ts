/**
 * The corrections a creator makes every day (issue 15), through the real web
 * host and the built app: the opening entry when an account is added
 * mid-period, a plan change's preview and confirm, renaming and archiving an
 * account, and a member's new name, cap per pool and removal.
 */
import { describe, expect, it } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright';
import { perTest } from './per-test.js';
import { seedFluxNote } from './seed.js';
import { SIZES } from './every-page.js';

const t = perTest();

/** Serious or critical axe violations on the page as it is now (a11y.test.ts checks the pages at rest; these are their new states). */
async function axeProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

describe('corrections', () => {
  it('adding an account mid-period asks what is already used and records it as the opening entry, so pace is right from day one', async () => {
    const { page } = await t.open({ path: '#/settings' });
    const form = page.getByRole('form', { name: 'Add an account' });
    await form.getByLabel('Service', { exact: true }).selectOption('fluxnote');
    await form.getByLabel('Plan', { exact: true }).selectOption('rise');
    // Subscribed on Oct 31; it is Nov 3: three days of the period are gone.
    await form.getByLabel('Billing anchor').fill('2026-10-31');
    const opening = form.getByRole('group', { name: 'Already used this period?' });
    await opening.getByLabel('Video credits used').fill('6');
    await opening.getByLabel('Image credits used').fill('0');
    await form.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('status').filter({ hasText: 'Added FluxNote Rise.' }).waitFor();

    const video = t.host.api('balance.get', { account: 'fluxnote-rise' }).pools.find((p) => p.pool === 'video')!;
    expect(video).toMatchObject({ usedThisPeriod: 6, available: 15 });
    expect(t.host.api('balance.get', { account: 'fluxnote-rise' }).pools.find((p) => p.pool === 'image')!.usedThisPeriod).toBe(0);
    // Pace counts the opening from the period's start (Oct 31 00:00 → Nov 3 14:00 is 3.58 days), not from the moment it was added.
    const pace = t.host.api('reports.forecast', { account: 'fluxnote-rise' }).pools.find((p) => p.pool === 'video')!;
    expect(pace.burnPerDay).toBeCloseTo(6 / 3.5833, 2);

    // History names it as the opening entry.
    await page.goto(`${t.host.url}/#/usage?account=fluxnote-rise`);
    const row = page.getByRole('table', { name: 'Event history' }).getByRole('row').filter({ hasText: 'Opening balance (used before tracking)' });
    await row.waitFor();
    await expect(row.innerText()).resolves.toMatch(/Video credits[\s\S]*6/);
  });

  it('a plan change shows what is granted now and what applies at the reset, and changes only on Confirm; the plan shown follows at once', async () => {
    const { page } = await t.open({ path: '#/settings?account=fluxnote-rise', seed: seedFluxNote });
    const form = page.getByRole('form', { name: 'Change plan' });
    await form.getByLabel('Change plan').selectOption('pro');
    await form.getByRole('button', { name: 'Review change…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change Rise to Pro?' });
    await dialog.waitFor();
    // 10 of 21 videos used: 11 left now, 29 more granted now, 40 after; from the reset on Nov 30, 50 a period.
    const videoRow = await dialog.locator('tr[data-pool="video"]').innerText();
    expect(videoRow.replace(/\s+/g, ' ')).toBe('Video credits 11 +29 granted 40 50 (now 21)');
    await expect(dialog.getByRole('columnheader', { name: 'Each period from Nov 30' }).count()).resolves.toBe(1);
    await dialog.getByText('The account will be named FluxNote Pro.').waitFor();
    // Nothing has changed yet; Cancel leaves it so.
    expect(t.host.api('accounts.show', { account: 'fluxnote-rise' }).plan).toBe('rise');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(t.host.api('accounts.show', { account: 'fluxnote-rise' }).plan).toBe('rise');

    await form.getByRole('button', { name: 'Review change…' }).click();
    await page.getByRole('dialog', { name: 'Change Rise to Pro?' }).getByRole('button', { name: 'Confirm change to Pro' }).click();
    await page.getByRole('status').filter({ hasText: 'Plan changed to Pro.' }).waitFor();
    expect(t.host.api('accounts.show', { account: 'fluxnote-rise' }).plan).toBe('pro');
    expect(t.host.api('balance.get', { account: 'fluxnote-rise' }).pools.find((p) => p.pool === 'video')!.available).toBe(40);
    // The page shows the new plan at once, and so does the dashboard.
    await page.getByRole('region', { name: 'Plan and billing' }).locator('dd').filter({ hasText: /^Pro \(50 video credits/ }).waitFor();
    // The default name named the plan: the tab follows too (the id stays).
    await page.getByRole('tab', { name: 'FluxNote Pro' }).waitFor();
    await page.goto(`${t.host.url}/#/`);
    await page.locator('[data-account="fluxnote-rise"]').getByText('FluxNote · Pro').waitFor();
    await page.getByRole('heading', { name: 'FluxNote Pro' }).waitFor();
  });

  it('an account can be renamed, archived (hidden, read-only, history kept) and restored', async () => {
    const { page } = await t.open({ path: '#/settings?account=fluxnote-rise', seed: seedFluxNote });
    const section = page.getByRole('region', { name: 'Name and archive' });
    await section.getByLabel('Account name').fill('Studio videos');
    await section.getByRole('button', { name: 'Rename' }).click();
    await section.getByRole('status').filter({ hasText: 'Renamed to Studio videos.' }).waitFor();
    await page.getByRole('tab', { name: 'Studio videos' }).waitFor();

    await section.getByRole('button', { name: 'Archive account…' }).click();
    await section.getByRole('group', { name: 'Confirm archiving' }).getByRole('button', { name: 'Archive' }).click();
    const archived = page.getByRole('region', { name: 'Archived accounts' });
    await archived.getByRole('button', { name: 'Restore Studio videos' }).waitFor();
    await expect(page.getByRole('tab', { name: 'Studio videos' }).count()).resolves.toBe(0);
    expect(t.host.api('check', {}).ok).toBe(true);
    expect(() => t.host.api('usage.record', { account: 'fluxnote-rise', action: 'video' })).toThrow(/Studio videos is archived/);

    await page.goto(`${t.host.url}/#/`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await expect(page.locator('[data-account="fluxnote-rise"]').count()).resolves.toBe(0);

    // Its usage and history stay readable, from the archived list.
    await page.goto(`${t.host.url}/#/settings`);
    await page.getByRole('region', { name: 'Archived accounts' }).getByRole('link', { name: 'Usage and history' }).click();
    await page.getByRole('table', { name: 'Event history' }).getByRole('row').filter({ hasText: 'Ana' }).first().waitFor();
    await page.getByRole('option', { name: 'Studio videos (archived)' }).waitFor({ state: 'attached' });

    await page.goto(`${t.host.url}/#/settings`);
    await page.getByRole('region', { name: 'Archived accounts' }).getByRole('button', { name: 'Restore Studio videos' }).click();
    await page.getByRole('tab', { name: 'Studio videos' }).waitFor();
    expect(t.host.api('usage.record', { account: 'fluxnote-rise', action: 'video' }).status).toBe('applied');
  });

  it('a member can be renamed, capped per pool and removed; their history keeps their name', async () => {
    const { page } = await t.open({ path: '#/settings?account=fluxnote-rise', seed: seedFluxNote });
    const members = page.getByRole('region', { name: 'Members' });
    await members.getByRole('button', { name: 'Change Ana' }).click();
    const edit = members.getByRole('form', { name: 'Change Ana' });
    await edit.getByLabel('Name of ana').fill('Ana Lima');
    await edit.getByLabel('Cap on video credits').fill('8');
    await edit.getByRole('button', { name: 'Save' }).click();
    const ana = members.locator('tr[data-member="ana"]');
    await ana.getByText('Video credits: 8').waitFor();
    await expect(ana.innerText()).resolves.toMatch(/Ana Lima/);
    // Ana has used 7 videos this period: one more passes, a second is refused by the cap; images are not capped.
    expect(t.host.api('usage.record', { account: 'fluxnote-rise', action: 'video', member: 'ana' }).status).toBe('applied');
    expect(() => t.host.api('usage.record', { account: 'fluxnote-rise', action: 'video', member: 'ana' })).toThrow(/ana's cap on fluxnote-rise\/video is 8 credits per period/);
    expect(t.host.api('usage.record', { account: 'fluxnote-rise', action: 'image', member: 'ana', quantity: 30 }).status).toBe('applied');

    await members.getByRole('button', { name: 'Change Ben' }).click();
    const ben = members.getByRole('form', { name: 'Change Ben' });
    await ben.getByRole('button', { name: 'Remove member…' }).click();
    await ben.getByRole('group', { name: 'Confirm removing Ben' }).getByRole('button', { name: 'Remove' }).click();
    await members.locator('tr[data-member="ben"]').waitFor({ state: 'detached' });
    expect(() => t.host.api('usage.record', { account: 'fluxnote-rise', action: 'video', member: 'ben' })).toThrow(/ben was removed/);

    // His three entries still say Ben in the history.
    await page.goto(`${t.host.url}/#/usage?account=fluxnote-rise`);
    const history = page.getByRole('table', { name: 'Event history' });
    await history.getByRole('row').filter({ hasText: 'Ben' }).first().waitFor();
    await expect(history.getByRole('row').filter({ hasText: 'Ben' }).count()).resolves.toBe(3);
  });

  for (const size of SIZES) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`the new states pass axe: opening fields, plan preview, member editor, archiving (${scheme}, ${size.name})`, async () => {
        const { page } = await t.open({ path: '#/settings?account=fluxnote-rise&add=1', seed: seedFluxNote, colorScheme: scheme, width: size.width, height: size.height });
        await page.getByRole('form', { name: 'Add an account' }).getByLabel('Service', { exact: true }).selectOption('fluxnote');
        await page.getByRole('group', { name: 'Already used this period?' }).waitFor();
        await page.clock.resume();
        expect(await axeProblems(page)).toEqual([]);
        await page.getByRole('button', { name: 'Cancel' }).click();
        await page.getByRole('form', { name: 'Change plan' }).getByLabel('Change plan').selectOption('pro');
        await page.getByRole('button', { name: 'Review change…' }).click();
        await page.getByRole('dialog').waitFor();
        expect(await axeProblems(page)).toEqual([]);
        await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
        await page.getByRole('button', { name: 'Change Ana' }).click();
        await page.getByRole('form', { name: 'Change Ana' }).getByRole('button', { name: 'Remove member…' }).click();
        await page.getByRole('button', { name: 'Archive account…' }).click();
        expect(await axeProblems(page)).toEqual([]);
        // Nothing sideways on a phone, with the editor and the confirmations open.
        expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
      });
    }
  }
});
