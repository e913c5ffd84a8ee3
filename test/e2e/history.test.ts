/**
 * The Usage page's history: filters by pool, member, action, attribute and
 * a search of the rows shown; names, not ids; CSV export of exactly the rows
 * shown. The API filters (pool, member, attribute) are checked directly too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AppPage } from './browser.js';
import { perTest } from './per-test.js';
import { seedFluxNote } from './seed.js';

const t = perTest();

const open = (): Promise<AppPage> => t.open({ path: '#/usage?account=fluxnote-rise', seed: seedFluxNote });
const ids = async (a: AppPage) => (await a.page.getByRole('table', { name: 'Event history' }).locator('tbody tr td:nth-child(9)').allTextContents()).map((s) => s.trim());

describe('history filters', () => {
  it('narrows by pool and member, shows names, and exports exactly the rows shown', async () => {
    const a = await open();
    const filters = a.page.getByRole('group', { name: 'Filter the history' });
    await expect.poll(() => ids(a)).toEqual(['ev_8', 'ev_7', 'ev_6', 'ev_5', 'ev_4', 'ev_3', 'ev_2', 'ev_1']);
    const row = a.page.getByRole('table', { name: 'Event history' }).locator('tbody tr').first();
    // Names, not ids: the action's label, the pool's label, the member's name.
    expect(await row.textContent()).toContain('Image credits');
    expect(await row.textContent()).toContain('Ana');
    expect(await row.textContent()).not.toMatch(/\bana\b/);
    await filters.getByLabel('Pool').selectOption('image');
    await expect.poll(() => ids(a)).toEqual(['ev_8', 'ev_4', 'ev_2']);
    await filters.getByLabel('Member').selectOption('ben');
    await expect.poll(() => ids(a)).toEqual(['ev_4']);
    const download = a.page.waitForEvent('download');
    await a.page.getByRole('button', { name: 'Download these rows (CSV)' }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('when,action,pool,quantity,credits,status,member,attributes,event');
    expect(csv.slice(1).filter(Boolean)).toHaveLength(1);
    expect(csv[1]).toMatch(/^2026-11-01T15:00:00\.000Z,.*,Image credits,25,25,applied,Ben,project=teaser,ev_4$/);
  });

  it('narrows by action and by attribute, and searches the rows shown', async () => {
    const a = await open();
    const filters = a.page.getByRole('group', { name: 'Filter the history' });
    await expect.poll(() => ids(a)).toHaveLength(8);
    await filters.getByLabel('Attribute').fill('project=launch');
    await expect.poll(() => ids(a)).toEqual(['ev_6', 'ev_5', 'ev_2', 'ev_1']);
    await filters.getByLabel('Action').selectOption('video');
    await expect.poll(() => ids(a)).toEqual(['ev_5', 'ev_1']);
    await filters.getByLabel('Attribute').fill('');
    await filters.getByLabel('Action').selectOption('');
    await expect.poll(() => ids(a)).toHaveLength(8);
    await filters.getByLabel('Search').fill('teaser');
    await expect.poll(() => ids(a)).toEqual(['ev_8', 'ev_4', 'ev_3']);
    await filters.getByLabel('Search').fill('nothing like this');
    await expect.poll(() => a.page.getByText('Nothing matches these filters.').count()).toBe(1);
  });

  it('the API refuses an attribute name that is not one', async () => {
    await open();
    expect(() => t.host.api('events.list', { account: 'fluxnote-rise', attr: { name: 'a"]', value: 'x' } })).toThrow(/attribute name "a"\]" is not valid/);
    expect(t.host.api('events.list', { account: 'fluxnote-rise', pool: 'video', member: 'ben' }).events.map((e) => e.eventId)).toEqual(['ev_7', 'ev_3']);
  });
});
