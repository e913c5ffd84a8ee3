/**
 * The app for a team, in a real browser against a real team host: HTTPS on
 * 127.0.0.1 with its own generated certificate (test/team-host/helpers.ts),
 * serving the built renderer. The owner signs in with their device token and
 * makes an invite on the Team page; a member joins through the link in
 * another browser and records a video; the owner sees it by name; a viewer
 * sees no write controls, and a write forged from the viewer's own session
 * is refused (403). Screenshots of the Team and join pages, light and dark,
 * desktop and phone, go to test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright';
import { assertRendererBuilt, launch, screenshot } from './browser.js';
import { RENDERER_DIR } from './server.js';
import { seriousViolations } from './axe.js';
import { startTeamHost, type TeamHost } from '../team-host/helpers.js';

let browser: Browser;
let host: TeamHost;

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launch();
  // A few 401s (the sign-in screen asking who this browser is) are expected: they must not block 127.0.0.1.
  host = await startTeamHost({ limits: { freeFailures: 1000 }, serve: { staticDir: RENDERER_DIR } });
  // The browser keeps the session cookie until its Expires by its own (real) clock: the ledger's must not be in the past.
  host.clock.set(Math.floor(Date.now() / 60_000) * 60_000);
  expect((await host.call('accounts.add', { preset: 'fluxnote', plan: 'rise' })).status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

interface Tab {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/**
 * A fresh browser on the team host. ignoreHTTPSErrors: the host's certificate
 * is self-signed, and no authority vouches for it; pinning its fingerprint is
 * the CLI's job (connectPinned), and a person checks the one the join page shows.
 */
async function open(path: string, o: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<Tab> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: o.width ?? 1280, height: o.height ?? 800 },
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: o.colorScheme ?? 'light',
  });
  context.setDefaultTimeout(10_000);
  const now = host.clock.now();
  await context.clock.install({ time: now - 60_000 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // 401: the sign-in and join screens ask who this browser is before anyone signed in.
    if (m.type() === 'error' && !/status of (400|401|409)/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  await page.goto(path.startsWith('https://') ? path : `${host.url}${path}`);
  await page.clock.pauseAt(now);
  return { context, page, errors };
}

async function signInAsOwner(o: Parameters<typeof open>[1] = {}, shot?: string): Promise<Tab> {
  const tab = await open('/', o);
  await tab.page.getByRole('heading', { name: 'Sign in to your team' }).waitFor();
  if (shot) await screenshot(tab.page, shot);
  await tab.page.getByLabel('Device token').fill(host.ownerToken);
  await tab.page.getByRole('button', { name: 'Sign in' }).click();
  await tab.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  return tab;
}

async function join(link: string, device: string): Promise<Tab> {
  const tab = await open(link);
  await tab.page.getByRole('heading', { name: 'Join the team' }).waitFor();
  await tab.page.getByLabel('Device name').fill(device);
  await tab.page.getByRole('button', { name: 'Join' }).click();
  await tab.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  return tab;
}

async function inviteLink(role: string, name: string): Promise<string> {
  const r = await host.call('team.invite', { role, name });
  expect(r.status, r.text).toBe(200);
  return r.json().result.link as string;
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

describe('the app on a team host', () => {
  let owner: Tab;
  let link = '';

  it('the owner signs in with their device token and makes an invite on the Team page', async () => {
    owner = await signInAsOwner();
    const { page } = owner;
    await expect.poll(() => page.getByTestId('signed-in').textContent()).toMatch(/Ana\s*owner/);
    await nav(page).getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { name: 'Team', exact: true }).waitFor();
    await page.getByRole('table', { name: 'Members' }).getByText('Ana', { exact: true }).waitFor();
    const form = page.getByRole('form', { name: 'New invite' });
    await form.getByLabel('Name').fill('Mo');
    await form.getByLabel('Role').selectOption('member');
    await form.getByRole('button', { name: 'Create invite' }).click();
    link = await page.getByLabel('Invite link').inputValue();
    expect(link).toMatch(new RegExp(`^${host.url}/join#invite=cdi_[^&]+&fp=`));
    expect(decodeURIComponent(new URL(link).hash)).toContain(`fp=${host.fingerprint}`);
    await page.getByRole('table', { name: 'Invites' }).getByText('Mo', { exact: true }).waitFor();
    expect(owner.errors).toEqual([]);
  });

  it('a member joins through the link in another browser and records a video; the owner sees it by name', async () => {
    const mo = await join(link, 'mo-laptop');
    const { page } = mo;
    await expect.poll(() => page.getByTestId('signed-in').textContent()).toMatch(/Mo\s*member/);
    // A member records, but does not buy, change settings or manage the team.
    for (const hidden of ['Team', 'Settings', 'Purchases']) await expect.poll(() => nav(page).getByRole('link', { name: hidden }).count()).toBe(0);
    await page.getByRole('button', { name: /^\+1 video/i }).click();
    await page.getByTestId('use-outcome').getByText('Recorded video').waitFor();
    // Their own use beside the pool's.
    const mine = page.getByTestId('member-use');
    await mine.getByText('you', { exact: true }).waitFor();
    await mine.getByText(/^you \S+ of \S+ in all$/).waitFor();
    await screenshot(page, 'team-dashboard-member');
    expect(mo.errors).toEqual([]);
    await mo.context.close();

    const { page: op } = owner;
    await nav(op).getByRole('link', { name: 'Dashboard' }).click();
    await op.getByRole('button', { name: 'Refresh' }).click();
    const use = op.getByTestId('member-use');
    await use.locator('li[data-member]').getByText('Mo').waitFor();
    // The host attributed it to the member who recorded it.
    const report = (await host.call('reports.usage', { account: 'fluxnote-rise', by: ['member'] })).json().result as { rows: { keys: { member: string } }[] };
    expect(report.rows.map((r) => r.keys.member)).toContain('mo');
    expect(owner.errors).toEqual([]);
  });

  it('a viewer sees no write controls, and a write forged from their session is refused (403)', async () => {
    const vi = await join(await inviteLink('viewer', 'Vi'), 'vi-phone');
    const { page } = vi;
    await expect.poll(() => page.getByTestId('signed-in').textContent()).toMatch(/Vi\s*viewer/);
    await page.locator('section[data-account="fluxnote-rise"]').waitFor();
    await page.getByTestId('member-use').waitFor();
    expect(await page.getByRole('group', { name: /Record usage/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^\+1/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Buy credits' }).count()).toBe(0);
    for (const hidden of ['Team', 'Settings', 'Purchases']) expect(await nav(page).getByRole('link', { name: hidden }).count()).toBe(0);
    // An old link to a page the role does not reach says so, with no form.
    await page.goto(`${host.url}/#/settings`);
    await page.getByRole('heading', { name: /Settings is for/ }).waitFor();
    expect(await page.locator('form').count()).toBe(0);
    expect(vi.errors).toEqual([]);

    const forged = await page.evaluate(async () => {
      const s = (await (await fetch('/api/team.session')).json()) as { result: { csrf: string } };
      const res = await fetch('/api/usage.record', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.result.csrf },
        body: JSON.stringify({ account: 'fluxnote-rise', action: 'video' }),
      });
      return { status: res.status, body: (await res.json()) as { error: { code: string } } };
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('forbidden');
    await vi.context.close();
    const report = (await host.call('reports.usage', { account: 'fluxnote-rise', by: ['member'] })).json().result as { rows: { keys: { member: string } }[] };
    expect(report.rows.map((r) => r.keys.member)).not.toContain('vi');
  });

  it("an admin gets the Team page and the admin's settings, not the owner's (accounts, plan, top-ups, Stripe, backups)", async () => {
    const ada = await join(await inviteLink('admin', 'Ada'), 'ada-laptop');
    const { page } = ada;
    await nav(page).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Rate card' }).waitFor();
    await page.getByRole('heading', { name: 'Limits and alerts' }).waitFor();
    for (const owners of ['Plan and billing', 'Add credits', 'Payments (Stripe)', 'Your data']) expect(await page.getByRole('heading', { name: owners }).count(), owners).toBe(0);
    expect(await page.getByRole('button', { name: '+ Add an account' }).count()).toBe(0);
    expect(await nav(page).getByRole('link', { name: 'Purchases' }).count()).toBe(0);
    await nav(page).getByRole('link', { name: 'Team' }).click();
    const roles = await page.getByRole('form', { name: 'New invite' }).getByLabel('Role').locator('option').allTextContents();
    expect(roles).toEqual(['member', 'viewer']);
    expect(ada.errors).toEqual([]);
    await ada.context.close();
  });

  it('the owner sets a cap, changes a role, revokes a device and ends a session on the Team page', async () => {
    const { page } = owner;
    await nav(page).getByRole('link', { name: 'Team' }).click();
    const members = page.getByRole('table', { name: 'Members' });
    const mo = members.locator('tr[data-member="mo"]');
    await mo.getByRole('button', { name: 'Set a cap…' }).click();
    const capForm = page.getByRole('form', { name: 'Cap for Mo' });
    const pool = await capForm.getByLabel('Pool').inputValue();
    await capForm.getByLabel('Credits a period').fill('5');
    await capForm.getByRole('button', { name: 'Save' }).click();
    await mo.getByText(`${pool}: 5`).waitFor();
    await members.getByLabel('Role of Vi').selectOption('member');
    await expect.poll(async () => ((await host.call('team.members.list', {})).json().result as { id: string; role: string; caps: Record<string, number> }[]).find((m) => m.id === 'vi')?.role).toBe('member');
    const people = (await host.call('team.members.list', {})).json().result as { id: string; caps: Record<string, number> }[];
    expect(people.find((m) => m.id === 'mo')?.caps).toEqual({ [pool]: 5 });

    await page.getByRole('button', { name: 'Revoke vi-phone of Vi' }).click();
    await page.getByRole('table', { name: 'Devices and tokens' }).getByText('revoked').waitFor();
    const tokens = (await host.call('team.tokens.list', {})).json().result as { device: string; revokedAt: string | null }[];
    expect(tokens.find((t) => t.device === 'vi-phone')?.revokedAt).not.toBeNull();

    const sessions = page.getByRole('table', { name: 'Browser sessions' });
    const before = await sessions.locator('tbody tr').count();
    await sessions.locator('tr', { hasText: 'Mo' }).getByRole('button', { name: 'End' }).click();
    await expect.poll(() => sessions.locator('tbody tr').count()).toBe(before - 1);
    expect(owner.errors).toEqual([]);
  });

  it('the audit log shows the newest first, a push in one row with what became of its entries', async () => {
    const { page } = owner;
    const entries = [
      { id: 'ob_audit_shown_1', call: 'usage.record', input: { account: 'fluxnote-rise', action: 'video' } },
      { id: 'ob_audit_shown_2', call: 'usage.record', input: { account: 'fluxnote-rise', action: 'no-such-action' } },
    ];
    expect((await host.call('team.push', { entries })).status).toBe(200);
    // The page read the log before this push: load it again.
    await page.reload();
    await nav(page).getByRole('link', { name: 'Team' }).click();
    const rows = page.getByRole('table', { name: 'Audit log' }).locator('tbody tr');
    await rows.first().waitFor();
    const seqs = (await rows.locator('td:first-child').allTextContents()).map(Number);
    expect(seqs.length).toBeGreaterThan(3);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    await expect.poll(() => rows.filter({ hasText: 'team.push' }).first().textContent()).toContain('2 entries (1 accepted, 1 rejected)');
    await owner.context.close();
  });
});

describe("an admin's offline allowance and grace window", () => {
  const allowance = async () => (await host.call('team.settings', {})).json().result.allowance as Record<string, unknown>;
  const grace = async () => ((await host.call('accounts.show', { account: 'fluxnote-rise' })).json().result as { graceHours: number }).graceHours;

  it('sets the allowance as a share and as credits per member on the Team page; a bad value is refused in words, nothing changed', async () => {
    const ada = await join(await inviteLink('admin', 'Adele'), 'adele-laptop');
    const { page } = ada;
    await nav(page).getByRole('link', { name: 'Team' }).click();
    const section = page.getByRole('region', { name: 'Offline allowance' });
    await section.getByTestId('allowance-now').getByText("10 % of each pool's remaining credits, split between the members who record").waitFor();
    const share = section.getByLabel("Share of each pool's remaining credits (%)");
    expect(await share.inputValue()).toBe('10');
    await share.fill('25');
    await section.getByRole('button', { name: 'Save allowance' }).click();
    await section.getByRole('status').getByText('Saved.', { exact: false }).waitFor();
    await section.getByTestId('allowance-now').getByText('25 %', { exact: false }).waitFor();
    expect(await allowance()).toMatchObject({ share: 25 });

    await section.getByRole('button', { name: 'Fixed per member' }).click();
    await section.getByLabel('Credits per member, per pool').fill('3.5');
    await section.getByRole('button', { name: 'Save allowance' }).click();
    await section.getByTestId('allowance-now').getByText('up to 3.5 credits per pool', { exact: false }).waitFor();
    expect(await allowance()).toMatchObject({ fixed: 3.5 });

    // Refused by the core, said in words (no option names), and the setting as it was.
    await section.getByRole('button', { name: 'Share of each pool' }).click();
    await section.getByLabel("Share of each pool's remaining credits (%)").fill('150');
    await section.getByRole('button', { name: 'Save allowance' }).click();
    const refusal = section.getByRole('alert');
    await refusal.getByText('The offline allowance must be at most 100', { exact: false }).waitFor();
    expect(await refusal.textContent()).not.toContain('--');
    expect(await allowance()).toMatchObject({ fixed: 3.5 });
    await section.getByTestId('allowance-now').getByText('up to 3.5 credits per pool', { exact: false }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(ada.errors).toEqual([]);
    await ada.context.close();
  });

  it("sets an account's grace window in Settings; a bad value is refused in words, nothing changed", async () => {
    const ada = await join(await inviteLink('admin', 'Aldo'), 'aldo-laptop');
    const { page } = ada;
    await nav(page).getByRole('link', { name: 'Settings' }).click();
    const section = page.getByRole('region', { name: 'Late entries from members' });
    await section.getByTestId('grace-now').getByText('accepted for 72 hours after a reset', { exact: false }).waitFor();
    await section.getByLabel('Hours after a reset').fill('120');
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByRole('status').getByText('Saved: late entries are accepted for 120 hours after a reset.').waitFor();
    await section.getByTestId('grace-now').getByText('accepted for 120 hours', { exact: false }).waitFor();
    expect(await grace()).toBe(120);

    await section.getByLabel('Hours after a reset').fill('2000');
    await section.getByRole('button', { name: 'Save' }).click();
    const refusal = section.getByRole('alert');
    await refusal.getByText('The grace window must be at most 1080', { exact: false }).waitFor();
    expect(await refusal.textContent()).not.toContain('--');
    expect(await grace()).toBe(120);
    await section.getByLabel('Hours after a reset').fill('1.5');
    await section.getByRole('button', { name: 'Save' }).click();
    await refusal.getByText('The grace window must be a whole number', { exact: false }).waitFor();
    expect(await grace()).toBe(120);
    expect(await seriousViolations(page)).toEqual([]);
    expect(ada.errors).toEqual([]);
    await ada.context.close();
  });
});

describe('a session that ends', () => {
  it('shows the sign-in screen again at the next call (401), saying why', async () => {
    const tab = await signInAsOwner();
    const { page } = tab;
    // Ended elsewhere (another tab, an owner's Team page): here the cookie is simply no longer good.
    const status = await page.evaluate(async () => {
      const s = (await (await fetch('/api/team.session')).json()) as { result: { csrf: string } };
      return (await fetch('/api/team.signout', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.result.csrf }, body: '{}' })).status;
    });
    expect(status).toBe(200);
    // The next call: Refresh, unless a read still in flight from the sign-in got there first
    // (then the button is already gone). Clicked inside the page, so there is no gap between
    // finding the button and pressing it.
    await page.evaluate(`document.querySelector('button[title="Read the ledger again"]')?.click()`);
    await page.getByRole('heading', { name: 'Sign in to your team' }).waitFor();
    await page.getByText('Your session ended: sign in again.').waitFor();
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});

describe('screenshots', () => {
  const SIZES = [
    { tag: 'desktop', width: 1280, height: 800 },
    { tag: 'phone', width: 390, height: 844 },
  ];
  for (const scheme of ['light', 'dark'] as const) {
    for (const size of SIZES) {
      it(`team page and join page (${scheme}, ${size.tag})`, async () => {
        const owner = await signInAsOwner({ colorScheme: scheme, width: size.width, height: size.height }, `signin-${scheme}-${size.tag}`);
        await owner.page.goto(`${host.url}/#/team`);
        await owner.page.getByRole('table', { name: 'Audit log' }).waitFor();
        await owner.page.getByRole('table', { name: 'Members' }).getByText('Mo', { exact: true }).waitFor();
        await screenshot(owner.page, `team-${scheme}-${size.tag}`);
        expect(await owner.page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
        // The grace window on the team's Settings (the owner is an admin too).
        await owner.page.goto(`${host.url}/#/settings`);
        await owner.page.getByRole('region', { name: 'Late entries from members' }).waitFor();
        await screenshot(owner.page, `team-settings-${scheme}-${size.tag}`);
        expect(await owner.page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
        expect(owner.errors).toEqual([]);
        await owner.context.close();

        const joining = await open(await inviteLink('member', 'Bea'), { colorScheme: scheme, width: size.width, height: size.height });
        await joining.page.getByRole('heading', { name: 'Join the team' }).waitFor();
        await screenshot(joining.page, `join-${scheme}-${size.tag}`);
        expect(joining.errors).toEqual([]);
        await joining.context.close();
      });
    }
  }
});
