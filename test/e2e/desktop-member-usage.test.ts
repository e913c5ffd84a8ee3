/**
 * A member's Usage page for a team account with the team host stopped, in
 * Chromium with the desktop bridge (the shell's own IPC handler and the real
 * membership service, over HTTPS pinned to the host's certificate): the team's
 * account is a choice beside the local ones, marked with its team and "as of"
 * the last sync; its history comes from this device's copy with the 2 entries
 * recorded while the host was stopped first, "pending — not sent yet"; the
 * daily chart and the pace count them in. Screenshots, light and dark, desktop
 * and phone, go to test-results/screenshots/; axe finds nothing serious.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { AxeBuilder } from '@axe-core/playwright';
import { handleCall } from '../../main/electron/ipc.js';
import { createMembership, type AppMembership } from '../../main/electron/membership.js';
import { membershipStore } from '../../main/electron/membership-store.js';
import type { SafeStorageLike } from '../../main/electron/electron-api.js';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { inviteLink } from '../../main/web/invite-link.js';
import { FakeTimers } from '../electron/fake-timers.js';
import { startTeamHost, type TeamHost } from '../team-host/helpers.js';
import { assertRendererBuilt, launch, openApp, screenshot, type AppPage } from './browser.js';
import { startTestHost, type TestHost } from './server.js';

const OWN = 'app://creditdeck/index.html';
/** The member's "now", a fixed instant (its entries are dated by it); the host's clock is a minute ahead, so it counts what arrives. */
const NOW = '2026-11-20T12:00:00.000Z';

/** The OS keychain's stand-in: the token kept reversibly, never as plain text. */
const keychain: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from(Buffer.from(s).map((b) => b ^ 0x33)),
  decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x33)).toString(),
  getSelectedStorageBackend: () => 'gnome_libsecret',
};

let browser: Browser;
let team: TeamHost;
let member: TestHost;
let membership: AppMembership;
const logs: string[] = [];

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launch();
  team = await startTeamHost({ limits: { freeFailures: 1000 } });
  team.clock.set(Date.parse(NOW) + 60_000);
  expect((await team.call('accounts.add', { preset: 'fluxnote', plan: 'rise' })).status).toBe(200);
  // A top-up, so two videos recorded offline fit the member's offline allowance.
  expect((await team.call('grants.add', { account: 'fluxnote-rise', pool: 'video', amount: 100 })).status).toBe(200);
  // Alerts at 1 % of a pool's allocation, so the host's 3 videos cross one: the member's card shows it from the mirror.
  expect((await team.call('accounts.set', { account: 'fluxnote-rise', thresholds: [1] })).status).toBe(200);
  expect((await team.call('usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 3 })).status).toBe(200);
  const memberDir = mkdtempSync(join(tmpdir(), 'creditdeck-member-'));
  member = await startTestHost({ dbPath: join(memberDir, 'creditdeck.sqlite'), now: NOW, seed: 2 });
  membership = createMembership({ dir: memberDir, store: membershipStore(memberDir, keychain, 'linux'), timers: new FakeTimers(), now: () => member.ctx.clock.now(), log: (l) => logs.push(l), notify: () => {}, changed: () => {}, timeoutMs: 2000 });
  const inv = createInvite(team.ctx, team.key, localOwner(team.ctx), { role: 'member', member: 'mo', name: 'Mo' });
  await membership.join(inviteLink(team.url, inv.invite, team.fingerprint), 'mo-desktop');
  expect(await membership.record('studio/fluxnote-rise', { action: 'video' })).toMatchObject({ status: 'applied' });
  await team.stop();
  for (let i = 0; i < 2; i++) expect(await membership.record('studio/fluxnote-rise', { action: 'video' })).toMatchObject({ status: 'pending' });
});

afterAll(async () => {
  membership?.close();
  await browser?.close();
  if (team?.ctx.db.open) await team.stop();
  await member?.close();
});

/** The member's desktop window, on the Usage page of the team's account unless another path is given. */
function usageWindow(o: { colorScheme?: 'light' | 'dark'; width?: number; height?: number; path?: string } = {}): Promise<AppPage> {
  return openApp(browser, member, {
    path: '#/usage?account=studio%2Ffluxnote-rise',
    ...o,
    init: 'window.creditdeck = { call: (name, input) => window.__ipc(name, input) };',
    bindings: { __ipc: (name, input) => handleCall(member.ctx, { page: OWN }, { senderFrame: { url: OWN, parent: null } }, [name, input], (l) => logs.push(l), { membership }) },
  });
}

async function axeFindings(page: Page): Promise<string[]> {
  await page.clock.resume();
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

describe("a member's Usage page for a team account, the host stopped", () => {
  it('shows the team account beside the local ones, as of the last sync, its history with the 2 pending entries first, and counts them in the chart, the pace and the breakdown', async () => {
    const w = await usageWindow();
    const { page } = w;
    const source = page.getByTestId('team-usage-source');
    await source.getByText('Studio team').waitFor();
    expect(await source.textContent()).toMatch(/^Studio team · the team host's numbers as of \w{3} \d+ \d\d:\d\d UTC \(the host is out of reach\) · 2 entries from this device not sent yet, counted in below$/);
    expect(await page.getByLabel('Account', { exact: true }).locator('optgroup').getAttribute('label')).toBe('Studio team');
    expect(await page.getByLabel('Account', { exact: true }).inputValue()).toBe('studio/fluxnote-rise');

    const history = page.getByRole('table', { name: 'Team account history' });
    await history.getByText('pending — not sent yet').first().waitFor();
    const rows = await history.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
    expect(rows).toEqual([
      ['Video generation', 'Video credits', '1', 'about 1', 'pending — not sent yet', 'you'],
      ['Video generation', 'Video credits', '1', 'about 1', 'pending — not sent yet', 'you'],
      ['Video generation', 'Video credits', '1', '1', 'applied', 'you'],
      ['Video generation', 'Video credits', '3', '3', 'applied', 'Ana'],
    ]);
    // The chart's total and the pace count the 2 waiting here.
    await page.getByText('6 videos this period').waitFor();
    await page.getByText('including 2 videos from this device not sent yet').waitFor();
    await page.getByTestId('team-pace').getByText('Counted as used: 2 videos from this device not sent yet.').waitFor();
    // The breakdown: by action, then by member, the pending ones said apart.
    const breakdown = page.getByRole('table', { name: 'Team usage breakdown' });
    const cells = () => breakdown.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent)));
    await breakdown.getByText('Video generation').waitFor();
    expect(await cells()).toEqual([['Video generation', '4', '6', '2 · about 2']]);
    await page.getByRole('group', { name: 'Group by' }).getByRole('button', { name: 'Member' }).click();
    await breakdown.getByText('Mo (you)').waitFor();
    expect(await cells()).toEqual([
      ['Ana', '1', '3', '—'],
      ['Mo (you)', '3', '3', '2 · about 2'],
    ]);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it("the dashboard's team card gives each pool's pace from the mirror, the pending entries counted", async () => {
    const w = await usageWindow({ path: '#/' });
    const pace = w.page.locator('section[data-account="studio/fluxnote-rise"] [data-pool="video"]').getByTestId('team-pace');
    await pace.waitFor();
    // 6 videos in the 12 hours since the period began: 115 left last about 9.6 days, long before the reset a month on.
    expect(await pace.textContent()).toMatch(/^[\d.]+ videos in deficit · runs out Nov 30 \d\d:\d\d UTC, before the reset$/);
    // This period's alert as the host had it at the last sync, read as a local card reads its own, and said to be as of then.
    const alerts = w.page.locator('section[data-account="studio/fluxnote-rise"]').getByTestId('recent-alerts');
    await alerts.getByText('1 %', { exact: true }).waitFor();
    expect(await alerts.textContent()).toMatch(/Video credits: 1 % of the allocation used · (just now|.* ago)As of the last sync, \w{3} \d+ \d\d:\d\d UTC\.$/);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [width, height, size] of [[1280, 800, 'desktop'], [390, 844, 'phone']] as const) {
      it(`in the ${colorScheme} theme on a ${size}: the Usage page and the dashboard's team card, nothing scrolls sideways, axe finds nothing serious on the Usage page`, async () => {
        const w = await usageWindow({ colorScheme, width, height });
        await w.page.getByRole('table', { name: 'Team account history' }).getByText('pending — not sent yet').first().waitFor();
        await w.page.getByTestId('team-pace').waitFor();
        await screenshot(w.page, `desktop-member-usage-${colorScheme}-${size}`);
        expect(await w.page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
        expect(await axeFindings(w.page)).toEqual([]);
        expect(w.errors).toEqual([]);
        await w.context.close();
        // The dashboard's team card with its pace line and its alert from the mirror.
        const d = await usageWindow({ colorScheme, width, height, path: '#/' });
        await d.page.locator('section[data-account="studio/fluxnote-rise"] [data-pool="video"]').getByTestId('team-pace').waitFor();
        await d.page.locator('section[data-account="studio/fluxnote-rise"]').getByTestId('recent-alerts').getByText('1 %', { exact: true }).waitFor();
        await screenshot(d.page, `desktop-member-dashboard-pace-${colorScheme}-${size}`);
        expect(await d.page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
        expect(d.errors).toEqual([]);
        await d.context.close();
      }, 120_000);
    }
  }
});
