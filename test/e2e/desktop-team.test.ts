/**
 * Settings → Team in the desktop app, in Chromium: the page gets the desktop
 * bridge (a binding into the shell's own IPC handler, handleCall, with the
 * real hosting service), so the window is the team's owner as it is in
 * Electron. The owner makes the team, hosts it on 127.0.0.1, invites a
 * member whose browser joins the HTTPS host through the link and records a
 * video, sees it by name, then stops hosting. Screenshots of the card, light
 * and dark, desktop and phone, go to test-results/screenshots/.
 */
import { freePort } from '../util/free-port.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { handleCall } from '../../main/electron/ipc.js';
import { createTeamHosting, type AppTeamHosting } from '../../main/electron/team-hosting.js';
import { teamServe } from '../../main/web/team-core.js';
import { assertRendererBuilt, launch, openApp, screenshot, SCREENSHOTS, type AppPage } from './browser.js';
import { RENDERER_DIR, startTestHost, type TestHost } from './server.js';

const OWN = 'app://creditdeck/index.html';

let browser: Browser;
let host: TestHost;
let hosting: AppTeamHosting;
const logs: string[] = [];


beforeAll(async () => {
  assertRendererBuilt();
  browser = await launch();
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-desktop-team-'));
  // The browser keeps the member's session cookie by its own clock: the ledger's is now, to the minute.
  host = await startTestHost({ dbPath: join(dir, 'creditdeck.sqlite'), now: new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString() });
  host.api('accounts.add', { preset: 'fluxnote', plan: 'rise' });
  hosting = createTeamHosting({ ctx: host.ctx, dir, teamServe, staticDir: RENDERER_DIR, log: (l) => logs.push(l), now: () => host.ctx.clock.now(), addresses: () => ['192.0.2.10'] });
});

afterAll(async () => {
  await hosting?.close();
  await browser?.close();
  await host?.close();
});

let key: Buffer | null = null;
const teamKey = () => (key ??= teamServe.hostKey(host.ctx.db.name));

/** The desktop window: the preload's window.creditdeck, answered by the shell's IPC handler as the app's own page. */
async function desktopWindow(o: { colorScheme?: 'light' | 'dark'; width?: number; height?: number; path?: string } = {}): Promise<AppPage> {
  return openApp(browser, host, {
    ...o,
    init: 'window.creditdeck = { call: (name, input) => window.__ipc(name, input) };',
    bindings: { __ipc: (name, input) => handleCall(host.ctx, { page: OWN }, { senderFrame: { url: OWN, parent: null } }, [name, input], (l) => logs.push(l), { hosting }, teamKey) },
  });
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

describe('desktop app: Settings → Team', () => {
  let owner: AppPage;
  let url = '';

  it('makes this ledger a team ledger: the owner token once, then the Team page', async () => {
    owner = await desktopWindow({ path: '#/settings' });
    const { page } = owner;
    const card = page.getByRole('region', { name: 'Team' });
    await card.getByLabel('Team name').fill('Studio');
    await card.getByLabel('Your member id').fill('olga');
    await card.getByLabel('Your name').fill('Olga');
    await screenshot(page, 'desktop-team-make');
    await card.getByRole('button', { name: 'Make this a team ledger' }).click();
    const token = await card.getByLabel("Owner's device token").inputValue();
    expect(token).toMatch(/^cdk_/);
    await card.getByRole('button', { name: 'Continue: host the team' }).click();
    // The window is the owner now: the Team page is there, and nothing to sign out of.
    await nav(page).getByRole('link', { name: 'Team' }).waitFor();
    await expect.poll(() => page.getByTestId('signed-in').first().textContent()).toMatch(/Olga\s*owner\s*this computer/);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  });

  it('hosts the team on this computer: the address and fingerprint to copy', async () => {
    const { page } = owner;
    const card = page.getByRole('region', { name: 'Host for the team' });
    await card.getByTestId('hosting-status').getByText('Not hosting').waitFor();
    // The network choice lists this computer's addresses; this test listens on loopback only.
    expect(await card.getByLabel('Address members use').inputValue()).toBe('192.0.2.10');
    await card.getByRole('button', { name: 'This computer only' }).click();
    const port = await freePort();
    await card.getByLabel('Port').fill(String(port));
    await card.getByRole('button', { name: 'Start hosting' }).click();
    await card.getByTestId('hosting-status').getByText('Hosting', { exact: true }).waitFor();
    url = await card.getByLabel('Address for the team').inputValue();
    expect(url).toBe(`https://127.0.0.1:${port}`);
    expect(await card.getByLabel('Certificate fingerprint (SHA-256)').inputValue()).toBe(hosting.status().fingerprint);
    await screenshot(page, 'desktop-team-hosting');
    expect(owner.errors).toEqual([]);
  });

  it('a member joins through the invite link and records a video; the owner sees it by name', async () => {
    const { page } = owner;
    await nav(page).getByRole('link', { name: 'Team' }).click();
    const form = page.getByRole('form', { name: 'New invite' });
    await form.getByLabel('Name').fill('Mo');
    await form.getByLabel('Role').selectOption('member');
    await form.getByRole('button', { name: 'Create invite' }).click();
    const link = await page.getByLabel('Invite link').inputValue();
    expect(link.startsWith(`${url}/join#invite=cdi_`)).toBe(true);

    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
    const mo = await context.newPage();
    await mo.goto(link);
    await mo.getByRole('heading', { name: 'Join the team' }).waitFor();
    await mo.getByLabel('Device name').fill('mo-laptop');
    await mo.getByRole('button', { name: 'Join' }).click();
    await mo.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await mo.getByRole('button', { name: /^\+1 video/i }).click();
    await mo.getByTestId('use-outcome').getByText('Recorded video').waitFor();
    await context.close();

    await nav(page).getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByTestId('member-use').locator('li[data-member]').getByText('Mo').waitFor();
    expect(owner.errors).toEqual([]);
  });

  it('stops hosting: nothing listens there any more', async () => {
    const { page } = owner;
    await nav(page).getByRole('link', { name: 'Settings' }).click();
    const card = page.getByRole('region', { name: 'Host for the team' });
    await card.getByRole('button', { name: 'Stop hosting' }).click();
    await card.getByTestId('hosting-status').getByText('Not hosting').waitFor();
    expect(hosting.status().running).toBe(false);
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
    await owner.context.close();
  });

  it('looks right in both themes, desktop and phone', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const [width, height, size] of [[1280, 800, 'desktop'], [390, 844, 'phone']] as const) {
        const app = await desktopWindow({ path: '#/settings', colorScheme, width, height });
        const card = app.page.getByRole('region', { name: 'Host for the team' });
        await card.getByTestId('hosting-status').waitFor();
        await card.scrollIntoViewIfNeeded();
        await screenshot(app.page, `desktop-team-settings-${colorScheme}-${size}`);
        await card.screenshot({ path: join(SCREENSHOTS, `desktop-team-card-${colorScheme}-${size}.png`) });
        // Nothing scrolls sideways at phone width.
        expect(await app.page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
        expect(app.errors).toEqual([]);
        await app.context.close();
      }
    }
  });
});
