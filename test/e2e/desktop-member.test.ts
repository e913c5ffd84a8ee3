/**
 * A member's desktop app, in Chromium: the page gets the desktop bridge (a
 * binding into the shell's own IPC handler, handleCall, with the real
 * membership service over HTTPS pinned to the host's certificate), as in
 * Electron. The owner's app hosts the team on 127.0.0.1; the member joins from
 * the invite link in Settings → Team → Join, sees the team's account on the
 * dashboard marked with its team, then — the host stopped — records two
 * videos: saved on the member's machine, "2 pending" and "Offline since" in
 * the window's sync indicator, the pool less what waits, "as of" the last
 * sync. The host comes back and the window's online event sends them at once
 * (the background's backoff is the shell test's), the indicator says synced,
 * and the owner's dashboard shows them by member. Screenshots, light and dark, desktop and phone, go to
 * test-results/screenshots/; axe finds nothing serious on either page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { AxeBuilder } from '@axe-core/playwright';
import { handleCall } from '../../main/electron/ipc.js';
import { createTeamHosting, type AppTeamHosting } from '../../main/electron/team-hosting.js';
import { createMembership, type AppMembership, type MembershipNotice } from '../../main/electron/membership.js';
import { membershipStore } from '../../main/electron/membership-store.js';
import { MEMBER_OUTBOX_FILE } from '../../main/electron/membership.js';
import { Outbox } from '../../main/core/sync/outbox.js';
import type { SafeStorageLike } from '../../main/electron/electron-api.js';
import { initTeam, localOwner } from '../../main/core/team/team.js';
import { createInvite } from '../../main/core/team/invites.js';
import { inviteLink } from '../../main/web/invite-link.js';
import { teamServe } from '../../main/web/team-core.js';
import { FakeTimers } from '../electron/fake-timers.js';
import { freePort } from '../util/free-port.js';
import { assertRendererBuilt, launch, openApp, screenshot, type AppPage } from './browser.js';
import { RENDERER_DIR, startTestHost, type TestHost } from './server.js';

const OWN = 'app://creditdeck/index.html';
/** How often the window asks the shell for the sync state (renderer/src/store/membership.ts). */
const STATUS_EVERY_MS = 3000;
/** Both ledgers' "now": the member's entries are dated by its clock, the owner's balances read by its own. */
const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();

/** A stand-in for the OS keychain: reversible, never the plain text. */
const keychain: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.concat([Buffer.from('KEYCHAIN:'), Buffer.from(Buffer.from(s).map((b) => b ^ 0x5a))]),
  decryptString: (b) => Buffer.from(b.subarray(9).map((x) => x ^ 0x5a)).toString(),
  getSelectedStorageBackend: () => 'gnome_libsecret',
};

let browser: Browser;
let owner: TestHost;
let member: TestHost;
let hosting: AppTeamHosting;
let membership: AppMembership;
const timers = new FakeTimers();
const notices: MembershipNotice[] = [];
const logs: string[] = [];
let port = 0;
let memberDir = '';
let key: Buffer | null = null;
const teamKey = () => (key ??= teamServe.hostKey(owner.ctx.db.name));

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launch();
  const ownerDir = mkdtempSync(join(tmpdir(), 'creditdeck-owner-'));
  owner = await startTestHost({ dbPath: join(ownerDir, 'creditdeck.sqlite'), now: NOW });
  owner.api('accounts.add', { preset: 'fluxnote', plan: 'rise' });
  // A top-up, so two videos recorded offline fit the member's offline allowance (a tenth of what is left, shared).
  owner.api('grants.add', { account: 'fluxnote-rise', pool: 'video', amount: 100 });
  // A plan that buys packs, for the member's Purchases page (team-plans.tsx).
  owner.api('accounts.add', { preset: 'flux', plan: 'edge' });
  initTeam(owner.ctx, teamKey(), { name: 'Studio', owner: 'olga', ownerName: 'Olga' });
  hosting = createTeamHosting({ ctx: owner.ctx, dir: ownerDir, teamServe, staticDir: RENDERER_DIR, log: (l) => logs.push(l), now: () => owner.ctx.clock.now(), addresses: () => ['192.0.2.10'] });
  port = await freePort();
  await hosting.start({ bind: 'this-computer', port, address: null, autoStart: false });

  memberDir = mkdtempSync(join(tmpdir(), 'creditdeck-member-'));
  member = await startTestHost({ dbPath: join(memberDir, 'creditdeck.sqlite'), now: NOW, seed: 2 });
  membership = createMembership({
    dir: memberDir,
    store: membershipStore(memberDir, keychain, 'linux'),
    timers,
    now: () => member.ctx.clock.now(),
    log: (l) => logs.push(l),
    notify: (n) => notices.push(n),
    changed: () => {},
    timeoutMs: 2000,
  });
});

afterAll(async () => {
  membership?.close();
  await hosting?.close();
  await browser?.close();
  await owner?.close();
  await member?.close();
});

/** A desktop window: the preload's window.creditdeck, answered by the shell's IPC handler as the app's own page. */
function desktopWindow(host: TestHost, services: Parameters<typeof handleCall>[5], o: { colorScheme?: 'light' | 'dark'; width?: number; height?: number; path?: string } = {}): Promise<AppPage> {
  return openApp(browser, host, {
    ...o,
    init: 'window.creditdeck = { call: (name, input) => window.__ipc(name, input) };',
    bindings: { __ipc: (name, input) => handleCall(host.ctx, { page: OWN }, { senderFrame: { url: OWN, parent: null } }, [name, input], (l) => logs.push(l), services, host === owner ? teamKey : undefined) },
  });
}
const memberWindow = (o: Parameters<typeof desktopWindow>[2] = {}) => desktopWindow(member, { membership }, o);

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** axe's serious and critical WCAG 2.1 AA findings (its timers need the page's clock running: the page is done with after this). */
async function axeFindings(page: Page): Promise<string[]> {
  await page.clock.resume();
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/** The page's clock is paused (exact countdowns): move it on a status poll at a time until the indicator says what is expected. */
async function untilIndicator(page: Page, text: RegExp): Promise<string> {
  for (let i = 0; i < 30; i++) {
    const now = (await page.getByTestId('sync-indicator').textContent().catch(() => null)) ?? '';
    if (text.test(now)) return now;
    await page.clock.runFor(STATUS_EVERY_MS);
  }
  throw new Error(`the sync indicator never said ${text}: ${await page.getByTestId('sync-indicator').textContent()}`);
}

/** Wait for what a page shows, its clock moved a status poll at a time (a paused clock holds the window's polling); the page's text when it never shows. */
async function shown(page: Page, what: ReturnType<Page['locator']>): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if (await what.waitFor({ timeout: 1000 }).then(() => true, () => false)) return;
    await page.clock.runFor(STATUS_EVERY_MS);
  }
  throw new Error(`never shown; the page said: ${(await page.locator('main').textContent())?.slice(0, 600)}`);
}

describe("desktop app: a member's window with the host away", () => {
  let mo: AppPage;

  it('joins from the invite link in Settings → Team → Join; the team account appears on the dashboard, marked with its team', async () => {
    const inv = createInvite(owner.ctx, teamKey(), localOwner(owner.ctx), { role: 'member', member: 'mo', name: 'Mo' });
    const status = hosting.status();
    const link = inviteLink(status.url!, inv.invite, status.fingerprint);
    mo = await memberWindow({ path: '#/settings' });
    const { page } = mo;
    const card = page.getByRole('region', { name: 'Join a team' });
    await card.getByLabel('Invite link').fill(link);
    await card.getByLabel("This computer's name on the team").fill('mo-desktop');
    await card.getByRole('button', { name: 'Join', exact: true }).click();
    await card.getByRole('status').getByText('Joined Studio.').waitFor();
    const team = card.getByRole('group', { name: 'Team Studio' });
    await team.getByTestId('team-sync-state').getByText('Synced').waitFor();
    await untilIndicator(page, /Studio\s*Synced/);

    await nav(page).getByRole('link', { name: 'Dashboard' }).click();
    const section = page.locator('section[data-account="studio/fluxnote-rise"]');
    await section.getByText('Studio team').waitFor();
    expect(await section.getByRole('heading', { name: 'FluxNote Rise' }).count()).toBe(1);
    // 21 videos a month and the 100 topped up.
    await section.locator('[data-pool="video"]').getByTestId('remaining').getByText('121').waitFor();
    expect(mo.errors).toEqual([]);
  });

  it('records two videos while the host is stopped: saved here, 2 pending, the pool less what waits, as of the last sync', async () => {
    const { page } = mo;
    await hosting.stop();
    const section = page.locator('section[data-account="studio/fluxnote-rise"]');
    for (let i = 0; i < 2; i++) {
      await section.getByRole('button', { name: '+1 video' }).click();
      await section.getByTestId('use-outcome').getByText('Saved on this device').waitFor();
      await section.getByRole('button', { name: 'Dismiss' }).click();
    }
    expect(await untilIndicator(page, /2 pending/)).toMatch(/Studio\s*Offline since \d\d:\d\d · 2 pending/);
    await section.getByTestId('team-source').getByText(/out of reach: these are its numbers as of/).waitFor();
    await section.getByTestId('team-source').getByText('2 entries from this device not sent yet', { exact: false }).waitFor();
    await section.locator('[data-pool="video"]').getByTestId('remaining').getByText('119').waitFor();
    await section.locator('[data-pool="video"]').getByTestId('pending-here').getByText('2 videos waiting on this device').waitFor();
    expect(membership.status().teams[0]).toMatchObject({ state: 'offline', pending: 2 });
    expect(mo.errors).toEqual([]);
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [width, height, size] of [[1280, 800, 'desktop'], [390, 844, 'phone']] as const) {
      it(`offline, in the ${colorScheme} theme on a ${size}: the dashboard and Settings look right, nothing scrolls sideways, axe finds nothing serious`, async () => {
        const shot = await memberWindow({ colorScheme, width, height });
        await shot.page.locator('section[data-account="studio/fluxnote-rise"] [data-testid="pending-here"]').waitFor();
        await untilIndicator(shot.page, /2 pending/);
        await screenshot(shot.page, `desktop-member-offline-${colorScheme}-${size}`);
        expect(await shot.page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
        const settings = await memberWindow({ colorScheme, width, height, path: '#/settings' });
        await settings.page.getByRole('group', { name: 'Team Studio' }).waitFor();
        await screenshot(settings.page, `desktop-member-settings-${colorScheme}-${size}`);
        expect(await settings.page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
        // The team's accounts on Plans and Purchases, from this device's copy while the host is away.
        const plans = await memberWindow({ colorScheme, width, height, path: '#/plans?preset=fluxnote' });
        await shown(plans.page, plans.page.getByRole('article', { name: 'Rise plan' }).getByTestId('team-plan-badge'));
        await plans.page.getByRole('article', { name: 'FluxNote Rise, Studio team' }).getByText('(out of reach now)', { exact: false }).waitFor();
        // Plan fit is the host's alone: never asked while it answered, so a sentence where it would be, nothing made up.
        await plans.page.getByRole('article', { name: 'FluxNote Rise, Studio team' }).getByTestId('team-fit-none').getByText('Plan fit needs the team host: it is out of reach now.').waitFor();
        await screenshot(plans.page, `desktop-member-plans-${colorScheme}-${size}`);
        expect(await plans.page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
        const buy = await memberWindow({ colorScheme, width, height, path: '#/purchases?account=studio%2Fflux-edge' });
        await shown(buy.page, buy.page.getByRole('article', { name: 'Pro pack' }));
        await screenshot(buy.page, `desktop-member-purchases-${colorScheme}-${size}`);
        expect(await buy.page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
        for (const w of [shot, settings, plans, buy]) expect(await axeFindings(w.page)).toEqual([]);
        expect([...shot.errors, ...settings.errors, ...plans.errors, ...buy.errors]).toEqual([]);
        for (const w of [shot, settings, plans, buy]) await w.context.close();
        // Four windows, four screenshots and four axe runs: more than the default minute on a busy machine.
      }, 180_000);
    }
  }

  it("the host comes back and the network returns: both are sent at once, the indicator says synced, and the owner's dashboard shows them by member", async () => {
    const { page } = mo;
    await hosting.start({ bind: 'this-computer', port, address: null, autoStart: false });
    // The computer is back on a network (the window's online event): sent at once, without waiting for the background's next try (its fake timers are not moved).
    const waiting = timers.pending;
    await mo.context.setOffline(true);
    await mo.context.setOffline(false);
    await untilIndicator(page, /Studio\s*Synced/);
    expect(timers.pending).toBe(waiting);
    expect(membership.status().teams[0]).toMatchObject({ state: 'synced', pending: 0, rejected: [] });
    const section = page.locator('section[data-account="studio/fluxnote-rise"]');
    await section.locator('[data-pool="video"]').getByTestId('remaining').getByText('119').waitFor();
    expect(await section.getByTestId('pending-here').count()).toBe(0);
    expect(notices).toEqual([]);
    // Online again, any quantity goes straight to the host and answers with its result.
    await section.getByRole('button', { name: 'Record other usage…' }).click();
    const form = section.getByRole('form', { name: "Record usage form for Studio's FluxNote Rise" });
    await form.getByLabel('Action').selectOption('image');
    await form.getByLabel(/Quantity/).fill('3');
    await form.getByRole('button', { name: 'Record' }).click();
    await section.getByTestId('use-outcome').getByText('Recorded image').waitFor();
    await screenshot(page, 'desktop-member-synced');
    expect(owner.ctx.db.prepare(`SELECT member, quantity_milli FROM events WHERE action = 'image'`).all()).toEqual([{ member: 'mo', quantity_milli: 3000 }]);

    const olga = await desktopWindow(owner, { hosting, membership: undefined }, {});
    await olga.page.getByTestId('member-use').locator('[data-pool="video"] li[data-member="mo"]').getByText('Mo').waitFor();
    expect(await olga.page.getByTestId('member-use').locator('[data-pool="video"] li[data-member="mo"] .mono').textContent()).toBe('2');
    await screenshot(olga.page, 'desktop-member-owner-dashboard');
    expect(olga.errors).toEqual([]);
    expect(mo.errors).toEqual([]);
    await olga.context.close();
  });

  it("the Plans page shows the team's accounts marked with their team, as of the last sync: plan, price, each pool's allocation and reset, read-only", async () => {
    const w = await memberWindow({ path: '#/plans' });
    const { page } = w;
    const teams = page.getByRole('region', { name: "Your teams' plans" });
    const rise = teams.getByRole('article', { name: 'FluxNote Rise, Studio team' });
    await rise.getByTestId('team-source').getByText('Studio team').waitFor();
    expect(await rise.getByTestId('team-source').textContent()).toMatch(/From the team host, as of \w{3} \d+ \d\d:\d\d UTC\./);
    expect(await rise.getByTestId('team-plan').textContent()).toBe('FluxNote Rise · $7.99 /mo');
    expect(await rise.locator('[data-pool="video"] [data-testid="team-allocation"]').textContent()).toMatch(/^21 videos a month · resets \w{3} \d+/);
    await rise.getByText("Read-only here: the team's plan is changed on the team host, by the team's owner, Olga.").waitFor();
    expect(await teams.getByRole('article', { name: 'Flux Edge, Studio team' }).getByTestId('team-plan').textContent()).toBe('Flux Edge · price not stated');
    // The first team account's service opens (this member has no account of their own): the team's plan marked on its card.
    expect(await page.getByRole('tab', { selected: true }).textContent()).toBe('Flux');
    await page.getByRole('article', { name: 'Edge plan' }).getByTestId('team-plan-badge').getByText("Studio team's plan").waitFor();
    await page.getByRole('tab', { name: 'FluxNote' }).click();
    await page.getByRole('article', { name: 'Rise plan' }).getByTestId('team-plan-badge').getByText("Studio team's plan").waitFor();
    expect(await page.getByRole('article', { name: 'Pro plan' }).getByTestId('team-plan-badge').count()).toBe(0);
    expect(await teams.getByRole('button').count()).toBe(0);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it("the Plans page gives each team account's plan fit from the team host, now: every plan against the team's periods, as the host's own report says", async () => {
    const report = owner.api('plans.fit', { account: 'fluxnote-rise' }) as { periods: unknown[]; replayed: { partial: boolean }; plans: { plan: string; name: string; current: boolean; periodsFit: number | null }[] };
    const w = await memberWindow({ path: '#/plans?preset=fluxnote' });
    const rise = w.page.getByRole('region', { name: "Your teams' plans" }).getByRole('article', { name: 'FluxNote Rise, Studio team' });
    const fit = rise.getByRole('region', { name: 'Plan fit of FluxNote Rise' });
    await shown(w.page, fit.getByTestId('team-fit-source').getByText('From the team host, now.'));
    // One line per plan of the host's report, the team's own plan named as such.
    expect(await fit.locator('li[data-plan]').evaluateAll((els) => els.map((e) => e.getAttribute('data-plan')))).toEqual(report.plans.map((p) => p.plan));
    expect(await fit.locator('li[data-plan="rise"]').textContent()).toMatch(/^Rise · the team's plan/);
    // The host replays this period so far: 2 videos of Rise's 21.
    expect(report.replayed.partial).toBe(true);
    expect(report.plans.find((p) => p.plan === 'rise')!.periodsFit).toBe(1);
    expect(await fit.locator('li[data-plan="rise"] [data-testid="fit"]').textContent()).toBe('✓ Covers this period so far');
    // The periods it is checked against, under the team's name.
    const heading = w.page.getByRole('heading', { name: 'What FluxNote Rise (Studio team) used' });
    await heading.waitFor();
    expect(await w.page.locator('.card', { has: heading }).locator('tbody tr').count()).toBe(report.periods.length);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [width, height, size] of [[1280, 800, 'desktop'], [390, 844, 'phone']] as const) {
      it(`online, in the ${colorScheme} theme on a ${size}: the team's plan fit looks right, nothing scrolls sideways, axe finds nothing serious`, async () => {
        const w = await memberWindow({ colorScheme, width, height, path: '#/plans?preset=fluxnote' });
        await shown(w.page, w.page.getByTestId('team-fit-source').first());
        await screenshot(w.page, `desktop-member-plans-fit-${colorScheme}-${size}`);
        expect(await w.page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
        expect(await axeFindings(w.page)).toEqual([]);
        expect(w.errors).toEqual([]);
        await w.context.close();
      }, 120_000);
    }
  }

  it("with the host stopped again, the Plans page keeps this run's last fit, saying when the host made it and that it is out of reach now", async () => {
    await hosting.stop();
    try {
      const w = await memberWindow({ path: '#/plans?preset=fluxnote' });
      const fit = w.page.getByRole('article', { name: 'FluxNote Rise, Studio team' }).getByRole('region', { name: 'Plan fit of FluxNote Rise' });
      await shown(w.page, fit.getByTestId('team-fit-source'));
      expect(await fit.getByTestId('team-fit-source').textContent()).toMatch(/^From the team host, as of \w{3} \d+ \d\d:\d\d UTC: it is out of reach now\.$/);
      expect(await fit.locator('li[data-plan="rise"] [data-testid="fit"]').textContent()).toBe('✓ Covers this period so far');
      await screenshot(w.page, 'desktop-member-plans-fit-remembered');
      expect(w.errors).toEqual([]);
      await w.context.close();
    } finally {
      await hosting.start({ bind: 'this-computer', port, address: null, autoStart: false });
    }
  });

  it("the Purchases page shows the team's packs and price with who buys them, and no Buy button for the team; no purchase history of the team's money", async () => {
    const w = await memberWindow({ path: '#/purchases?account=studio%2Fflux-edge' });
    const { page } = w;
    await page.getByRole('heading', { name: 'Credit packs for Flux Edge' }).waitFor();
    await page.getByTestId('team-source').getByText('Studio team').waitFor();
    const pro = page.getByRole('article', { name: 'Pro pack' });
    expect(await pro.getByTestId('pack-credits').textContent()).toBe('2,000 credits');
    expect(await pro.getByTestId('pack-price').textContent()).toBe('$15.00');
    expect(await pro.getByTestId('per-credit').textContent()).toBe('$0.0075 per credit');
    expect(await page.getByRole('article', { name: 'Starter pack' }).getByTestId('pack-price').textContent()).toBe('$5.00');
    await page.getByTestId('team-buyer').getByText("Bought by the team's owner, Olga, on the team host.").waitFor();
    expect(await page.getByRole('button', { name: /buy/i }).count()).toBe(0);
    expect(await page.getByRole('table', { name: /purchase/i }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: /history/i }).count()).toBe(0);
    // The account picker lists the team's accounts under the team's name.
    expect(await page.getByLabel('Account').locator('optgroup').getAttribute('label')).toBe('Studio team');
    await page.getByLabel('Account').selectOption('studio/fluxnote-rise');
    await page.getByTestId('no-packs').getByText('The team\'s Rise plan buys no credit packs', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: /buy/i }).count()).toBe(0);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it('Settings → Team says how many rejected entries may have been recorded all the same, in the badge and the heading, as the list does', async () => {
    // Two rejections as the shell settles them: one judged by the host, one refused unjudged after an unanswered send (in doubt).
    const team = membership.status().teams[0]!.team.id;
    const box = new Outbox(join(memberDir, MEMBER_OUTBOX_FILE));
    const now = member.ctx.clock.now();
    const judged = box.add(team, 'usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 1 }, now);
    const doubtful = box.add(team, 'usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 1 }, now);
    box.markSent([doubtful.id], now);
    box.settle(
      [
        { id: judged.id, status: 'rejected', reason: 'insufficient_credits', message: 'no video credits left' },
        { id: doubtful.id, status: 'rejected', reason: 'unauthorized', message: 'this device was revoked; it may have been recorded before', unjudged: true, inDoubt: true },
      ],
      now,
    );
    box.close();
    const w = await memberWindow({ path: '#/settings' });
    const group = w.page.getByRole('group', { name: 'Team Studio' });
    await group.getByTestId('team-sync-state').getByText('2 rejected, 1 of them may have been recorded', { exact: false }).waitFor();
    expect(await group.getByTestId('rejected-heading').textContent()).toBe('From this device: 2 rejected, 1 of them may have been recorded');
    expect(await group.getByRole('alert').getByText('May have been recorded:').count()).toBe(1);
    await screenshot(w.page, 'desktop-member-settings-in-doubt');
    await group.getByRole('button', { name: 'Dismiss' }).first().click();
    await group.getByTestId('team-sync-state').getByText('1 rejected, it may have been recorded', { exact: false }).waitFor();
    await group.getByRole('button', { name: 'Dismiss' }).click();
    await group.getByTestId('rejected-heading').waitFor({ state: 'detached' });
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it('leaves the team from Settings only after asking, when an entry was never sent', async () => {
    const { page } = mo;
    await hosting.stop();
    const section = page.locator('section[data-account="studio/fluxnote-rise"]');
    await section.getByRole('button', { name: '+1 video' }).click();
    await section.getByTestId('use-outcome').getByText('Saved on this device').waitFor();
    await nav(page).getByRole('link', { name: 'Settings' }).click();
    const team = page.getByRole('group', { name: 'Team Studio' });
    await team.getByRole('button', { name: 'Leave the team' }).click();
    await team.getByRole('alert').getByText('1 entry was never sent to Studio: leaving drops it').waitFor();
    await team.getByRole('button', { name: 'Stay in the team' }).click();
    expect(membership.status().teams).toHaveLength(1);
    await team.getByRole('button', { name: 'Leave the team' }).click();
    await team.getByRole('button', { name: 'Leave and drop it' }).click();
    await team.waitFor({ state: 'detached' });
    expect(membership.status().teams).toEqual([]);
    // No team left: no sync indicator either.
    await page.getByTestId('sync-indicator').waitFor({ state: 'detached' });
    await nav(page).getByRole('link', { name: 'Dashboard' }).click();
    await page.getByText('No accounts yet — add one').waitFor();
    expect(mo.errors).toEqual([]);
    await mo.context.close();
  });
});
