/**
 * Undo and corrections: the notice of a recorded entry offers Undo for 30 s,
 * Ctrl/Cmd+Z undoes the last entry, and the history voids any entry with a
 * reason. Every one is a void — a new entry — so the original stays in the ledger.
 */
import { describe, expect, it } from 'vitest';
import type { AppPage } from './browser.js';
import type { TestHost } from './server.js';
import { perTest } from './per-test.js';

const t = perTest();

const rise = (host: TestHost) => host.api('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
const fresh = (path = ''): Promise<AppPage> => t.open({ path, seed: rise });

const events = () => t.host.api('events.list', { account: 'fluxnote-rise' }).events;
const remaining = (a: AppPage) => a.page.locator('article[data-pool="video"]').getByTestId('remaining').textContent();

describe('undo in the notice', () => {
  it('voids the entry just recorded and gives its credits back', async () => {
    const a = await fresh();
    await a.page.getByRole('button', { name: '+1 video' }).click();
    await expect.poll(() => remaining(a)).toBe('20 of 21 left');
    const notice = a.page.getByTestId('use-outcome');
    await notice.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => notice.getByTestId('undone').textContent()).toBe(' · Undone: voided, its credits are back');
    await expect.poll(() => remaining(a)).toBe('21 of 21 left');
    // The entry is still there, voided: nothing was deleted.
    expect(events().map((e) => [e.eventId, e.voided])).toEqual([['ev_1', true]]);
    expect(await notice.getByRole('button', { name: 'Undo' }).count()).toBe(0);
  });

  it('is offered for 30 seconds, then the notice no longer offers it', async () => {
    const a = await fresh();
    await a.page.getByRole('button', { name: '+1 image' }).click();
    const undo = a.page.getByTestId('use-outcome').getByRole('button', { name: 'Undo' });
    await undo.waitFor();
    await a.page.clock.runFor(29_000);
    expect(await undo.count()).toBe(1);
    await a.page.clock.runFor(1_000);
    await expect.poll(() => undo.count()).toBe(0);
    // And Ctrl+Z no longer reaches it.
    await a.page.keyboard.press('Control+z');
    expect(events().map((e) => e.voided)).toEqual([false]);
  });
});

describe('Ctrl/Cmd+Z', () => {
  it('undoes the last entry, and only the last', async () => {
    const a = await fresh();
    await a.page.getByRole('button', { name: '+1 image' }).click();
    await expect.poll(() => events().length).toBe(1);
    await a.page.getByRole('button', { name: '+1 video' }).click();
    await expect.poll(() => remaining(a)).toBe('20 of 21 left');
    await a.page.keyboard.press('Control+z');
    await expect.poll(() => remaining(a)).toBe('21 of 21 left');
    expect(events().map((e) => [e.action, e.voided])).toEqual([
      ['video', true],
      ['image', false],
    ]);
    // A second press has nothing left to undo: the image stays.
    await a.page.keyboard.press('Meta+z');
    expect(events().map((e) => e.voided)).toEqual([true, false]);
  });

  it('leaves Ctrl+Z to a text field being typed in', async () => {
    const a = await fresh();
    await a.page.getByRole('button', { name: '+1 video' }).click();
    await expect.poll(() => remaining(a)).toBe('20 of 21 left');
    await a.page.getByRole('button', { name: /Record other usage/ }).click();
    const qty = a.page.getByLabel(/Quantity/);
    await qty.fill('3');
    await qty.press('Control+z');
    expect(events().map((e) => e.voided)).toEqual([false]);
  });
});

describe('void from the history', () => {
  it('voids an older entry with a reason; the row stays, marked voided', async () => {
    const app = await t.open({
      path: '#/usage?account=fluxnote-rise',
      seed: (host) => {
        rise(host);
        host.api('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 2, at: '2026-11-01T10:00:00Z' });
        host.api('usage.record', { account: 'fluxnote-rise', action: 'image', quantity: 5, at: '2026-11-02T10:00:00Z' });
      },
    });
    const table = app.page.getByRole('table', { name: 'Event history' });
    await table.getByRole('button', { name: 'Void ev_1' }).click();
    const form = table.getByRole('form', { name: 'Void ev_1' });
    await form.getByLabel('Reason').fill('recorded twice');
    await form.getByRole('button', { name: 'Void', exact: true }).click();
    await expect.poll(() => table.locator('tr.voided').count()).toBe(1);
    expect(await table.locator('tr.voided .badge').textContent()).toBe('voided');
    expect(await table.getByRole('button', { name: 'Void ev_1' }).count()).toBe(0);
    const voids = t.host.ctx.db.prepare('SELECT event_id, reason FROM voids').all();
    expect(voids).toEqual([{ event_id: 'ev_1', reason: 'recorded twice' }]);
    expect(t.host.api('balance.get', { account: 'fluxnote-rise' }).pools.find((p) => p.pool === 'video')!.remaining).toBe(21);
  });
});
