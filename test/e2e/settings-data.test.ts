/**
 * Settings beyond the presets: a custom provider added from the form, usage
 * on one's own API key (Flowly), and the data card — back up, export, and the
 * restore — on a ledger file, through the real web host.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { handleCall } from '../../main/electron/ipc.js';
import { LEDGER_NOW, assertRendererBuilt, launch, openApp, screenshot, type AppPage } from './browser.js';
import { startTestHost, type TestHost } from './server.js';

let browser: Browser;
let host: TestHost;
let app: AppPage | undefined;
let dir: string;

beforeAll(async () => {
  assertRendererBuilt();
  dir = mkdtempSync(join(tmpdir(), 'creditdeck-e2e-data-'));
  browser = await launch();
  host = await startTestHost({ now: LEDGER_NOW, dbPath: join(dir, 'ledger.sqlite') });
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
  rmSync(dir, { recursive: true, force: true });
});

describe('Settings', () => {
  it('adds an account for a service without a preset, with two pools, and records on it', async () => {
    app = await openApp(browser, host, { path: '#/settings' });
    const { page } = app;
    const form = page.getByRole('form', { name: 'Add an account' });
    await form.getByLabel('Service', { exact: true }).selectOption('__custom');
    await form.getByLabel('Service name').fill('Acme Video');
    await form.getByLabel('Monthly price').fill('12.50');
    const first = form.getByRole('group', { name: 'Pool 1' });
    await first.getByLabel('Pool 1').fill('video');
    await first.getByLabel('Unit').fill('clip');
    await first.getByLabel('Credits a month').fill('40');
    await form.getByRole('button', { name: '+ Another pool' }).click();
    const second = form.getByRole('group', { name: 'Pool 2' });
    await second.getByLabel('Pool 2').fill('upscale');
    await second.getByLabel('Unit').fill('frame');
    await second.getByLabel('Credits a month').fill('unlimited');
    await form.getByLabel('Billing anchor').fill('2026-10-20');
    await form.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('status').filter({ hasText: 'Added Acme Video.' }).waitFor();

    const account = host.api('accounts.list', {}).find((a) => a.name === 'Acme Video')!;
    expect(account).toMatchObject({ provider: 'custom-acme-video', amounts: { video: 40, upscale: 'unlimited' } });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    const section = page.locator(`[data-account="${account.id}"]`);
    await section.getByRole('button', { name: '+1 clip' }).click();
    await expect.poll(() => section.locator('article[data-pool="video"]').getByTestId('remaining').textContent()).toBe('39 of 40 left');
  });

  it('records Flowly usage on the member’s own API key without spending credits', async () => {
    host.api('accounts.add', { preset: 'flowly', plan: 'custom', name: 'Flowly', anchor: '2026-10-20', amounts: { credits: '1000' } });
    app = await openApp(browser, host);
    const { page } = app;
    const section = page.locator('[data-account="flowly"]');
    await section.getByRole('button', { name: /Record .*usage…/ }).click();
    const form = section.getByRole('form', { name: /Record usage form/ });
    await form.getByLabel('Quantity', { exact: false }).fill('2000');
    await form.getByLabel(/own API key/).check();
    await form.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => section.getByTestId('use-outcome').textContent()).toContain('own key — no credits used');
    const events = host.api('events.list', { account: 'flowly' }).events;
    expect(events[0]).toMatchObject({ status: 'bypassed', credits: 0 });
    expect(host.api('balance.get', { account: 'flowly' }).pools[0]!.remaining).toBe(1000);
    // Accounts whose provider has no own-key mode do not offer it.
    await page.locator('[data-account="acme-video"]').getByRole('button', { name: /Record .*usage…/ }).click();
    expect(await page.locator('[data-account="acme-video"]').getByLabel(/own API key/).count()).toBe(0);
  });

  it('backs up and exports the ledger, lists the backup, and says how a web host restores', async () => {
    app = await openApp(browser, host, { path: '#/settings' });
    const { page } = app;
    const card = page.getByRole('region', { name: 'Your data' });
    await expect.poll(() => card.getByText('No backups yet.').count()).toBe(1);
    await card.getByRole('button', { name: 'Back up now' }).click();
    const backedUp = await card.getByRole('status').filter({ hasText: 'Backed up to' }).textContent();
    const backupPath = /Backed up to (.+\.sqlite) \(/.exec(backedUp ?? '')![1]!;
    expect(existsSync(backupPath)).toBe(true);
    expect(backupPath.startsWith(join(dir, 'backups'))).toBe(true);
    await expect.poll(() => card.getByRole('table', { name: 'Backups' }).locator('tbody tr').count()).toBe(1);
    // The web host has the ledger open while it runs: the card says to stop it, and shows no command.
    expect(await card.getByText('stop the host, then restore from the command line').count()).toBe(1);
    expect(await card.getByRole('button', { name: 'Restore…' }).count()).toBe(0);
    expect(await card.textContent()).not.toContain('creditdeck restore');

    await card.getByRole('button', { name: 'Export (JSON Lines)' }).click();
    const exported = await card.getByRole('status').filter({ hasText: 'Exported' }).textContent();
    const exportPath = /rows to (.+\.jsonl)\./.exec(exported ?? '')![1]!;
    const lines = readFileSync(exportPath, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'creditdeck-ledger' });
    const events = lines.filter((l) => l.startsWith('{"t":"events"')).length;
    expect(events).toBe(host.ctx.db.prepare('SELECT COUNT(*) AS n FROM events').pluck().get());
    expect(exported).toContain(`Exported ${(lines.length - 1).toLocaleString('en-US')} rows`);
  });

  for (const [scheme, width] of [['light', 1280], ['dark', 1280], ['light', 390], ['dark', 390]] as const) {
    it(`in the desktop app, restores the chosen backup only after a confirmation (${scheme}, ${width} px)`, async () => {
      // The ledger's clock stands still: one backup serves every run.
      if (host.api('data.backups', {}).length === 0) host.api('data.backup', {});
      const backups = host.api('data.backups', {});
      const scheduled: string[] = [];
      const OWN = 'app://creditdeck/index.html';
      const restore = { schedule: (path: string) => (scheduled.push(path), { events: 1, accounts: 1 }) };
      app = await openApp(browser, host, {
        path: '#/settings',
        colorScheme: scheme,
        width,
        height: 844,
        init: 'window.creditdeck = { call: (name, input) => window.__ipc(name, input) };',
        bindings: { __ipc: (name, input) => handleCall(host.ctx, { page: OWN }, { senderFrame: { url: OWN, parent: null } }, [name, input], () => {}, { restore }) },
      });
      const card = app.page.getByRole('region', { name: 'Your data' });
      await card.getByLabel('Backup', { exact: true }).selectOption(backups.at(-1)!.file);
      await card.getByRole('button', { name: 'Restore…' }).click();
      const confirm = card.getByRole('group', { name: 'Confirm the restore' });
      await expect.poll(() => confirm.textContent()).toContain('Creditdeck restarts and puts it in place');
      expect(scheduled).toEqual([]);
      await card.scrollIntoViewIfNeeded();
      await screenshot(app.page, `settings-restore-${scheme}-${width}`);
      expect(await app.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
      await confirm.getByRole('button', { name: 'Restart and restore' }).click();
      await card.getByRole('status').filter({ hasText: 'Restarting with the backup' }).waitFor();
      expect(scheduled).toEqual([backups.at(-1)!.path]);
    });
  }
});
