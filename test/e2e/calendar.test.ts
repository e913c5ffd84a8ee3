/** "Add resets to my calendar" in Settings: the account's resets saved as an .ics file, in the browser as in the desktop window. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright';
import { LEDGER_NOW, assertRendererBuilt, launch, openApp } from './browser.js';
import { startTestHost, type TestHost } from './server.js';

let browser: Browser;
let host: TestHost;

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launch();
  host = await startTestHost({ now: LEDGER_NOW });
  host.api('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

describe('the resets calendar', () => {
  it('Settings saves the account’s next resets as an .ics file', async () => {
    const app = await openApp(browser, host, { path: '#/settings' });
    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByTestId('calendar-download').click()]);
    expect(download.suggestedFilename()).toBe('fluxnote-rise-resets.ics');
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text).toContain('SUMMARY:FluxNote Rise: credits reset');
    expect(text).toContain('DTSTART:20261130T000000Z');
    expect(app.errors).toEqual([]);
    await app.context.close();
  });
});
