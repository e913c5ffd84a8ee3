import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { call } from '../../main/core/api/handlers.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import type { ManualClock } from '../../main/core/util/clock.js';
import {
  accountLine,
  createTray,
  creditsText,
  poolText,
  TRAY_REFRESH_MS,
  trayIconPath,
  trayMenuTemplate,
  trayView,
  untilText,
  WIN_TOOLTIP_MAX,
  type AccountBalance,
} from '../../main/electron/tray.js';
import { memoryLedger } from '../web/helpers.js';
import { fakeElectron } from './fake-electron.js';
import { FakeTimers } from './fake-timers.js';

const RESOURCES = join(import.meta.dirname, '..', '..', 'resources');
const HOUR = 3_600_000;

const ledgers: Ctx[] = [];
afterEach(() => {
  for (const c of ledgers.splice(0)) if (c.db.open) c.db.close();
});

function ledger(now = '2026-11-03T14:00:00Z'): { ctx: Ctx; clock: ManualClock } {
  const ctx = memoryLedger(now);
  ledgers.push(ctx);
  return { ctx, clock: ctx.clock as ManualClock };
}

/** FluxNote Rise, reset on the 30th, with 10 videos and 77 images used: the example in the brief. */
function fluxnoteRise(ctx: Ctx): void {
  call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
  for (let i = 0; i < 10; i++) call(ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video' });
  call(ctx, 'usage.record', { account: 'fluxnote-rise', action: 'image', quantity: 77 });
}

describe('tray text (pure)', () => {
  it('one line per account: credits left of the allocation per pool, and the time to the reset', () => {
    const { ctx, clock } = ledger();
    fluxnoteRise(ctx);
    const balances = call(ctx, 'balance.all', {});
    expect(accountLine(balances[0]!, clock.now())).toBe('FluxNote Rise — video 11 of 21 · image 923 of 1,000 · resets in 26 d 10 h');
  });

  it('says "unlimited" for unlimited pools, and "left" when top-ups lift a pool above its allocation', () => {
    const { ctx, clock } = ledger();
    const { id } = call(ctx, 'accounts.add', { preset: 'fluximage', plan: 'pro', name: 'Images' });
    call(ctx, 'grants.add', { account: id, pool: 'ai', amount: 250.5, source: 'purchase' });
    const [b] = call(ctx, 'balance.all', {});
    expect(b!.pools.find((p) => p.pool === 'compression')!.unlimited).toBe(true);
    expect(accountLine(b!, clock.now())).toMatch(/^Images — compression unlimited · ai 1,250\.5 left · resets in \d+ d \d+ h$/);
  });

  it('formats credits with grouping and up to three decimals', () => {
    expect(creditsText(1000)).toBe('1,000');
    expect(creditsText(7.5)).toBe('7.5');
    expect(creditsText(0.001)).toBe('0.001');
    expect(creditsText(1234567.125)).toBe('1,234,567.125');
  });

  it('counts down to the reset in days and hours, then hours and minutes, rounding down', () => {
    expect(untilText(26 * 24 * HOUR + 10 * HOUR + 59 * 60_000)).toBe('26 d 10 h');
    expect(untilText(24 * HOUR)).toBe('1 d 0 h');
    expect(untilText(5 * HOUR + 3 * 60_000 + 59_999)).toBe('5 h 3 min');
    expect(untilText(12 * 60_000)).toBe('12 min');
    expect(untilText(59_999)).toBe('< 1 min');
    expect(untilText(-5)).toBe('< 1 min');
  });

  it('a pool with nothing left and no allocation reads as 0 left', () => {
    const pool = { pool: 'credits', unlimited: false, allocation: 0, remaining: 0 } as AccountBalance['pools'][number];
    expect(poolText(pool)).toBe('credits 0 left');
    expect(poolText({ ...pool, allocation: 200, remaining: 0 })).toBe('credits 0 of 200');
  });

  it('the earliest reset of the account is the one shown', () => {
    const b = {
      name: 'Two resets',
      pools: [
        { pool: 'a', unlimited: true, allocation: null, remaining: null, nextReset: '2026-12-01T00:00:00.000Z' },
        { pool: 'b', unlimited: true, allocation: null, remaining: null, nextReset: '2026-11-20T00:00:00.000Z' },
      ],
    } as unknown as AccountBalance;
    expect(accountLine(b, Date.parse('2026-11-19T12:00:00Z'))).toBe('Two resets — a unlimited · b unlimited · resets in 12 h 0 min');
  });

  it('the tooltip lists every account; empty ledgers say so; Windows gets at most 127 characters', () => {
    const { ctx, clock } = ledger();
    expect(trayView([], clock.now(), 'linux')).toEqual({ tooltip: 'Creditdeck: no accounts yet', lines: [] });
    fluxnoteRise(ctx);
    call(ctx, 'accounts.add', { preset: 'lux', plan: 'free' });
    call(ctx, 'accounts.add', { preset: 'fluximage', plan: 'agency' });
    const all = call(ctx, 'balance.all', {});
    const linux = trayView(all, clock.now(), 'linux');
    expect(linux.lines).toHaveLength(3);
    expect(linux.tooltip).toBe(['Creditdeck', ...linux.lines].join('\n'));
    expect(linux.tooltip.length).toBeGreaterThan(WIN_TOOLTIP_MAX);
    const win = trayView(all, clock.now(), 'win32');
    expect(win.tooltip).toHaveLength(WIN_TOOLTIP_MAX);
    expect(win.tooltip.endsWith('…')).toBe(true);
    expect(linux.tooltip.startsWith(win.tooltip.slice(0, -1))).toBe(true);
  });

  it('the menu: the accounts, then Open Creditdeck and Quit; "&" survives Windows and Linux menus', () => {
    const { ctx, clock } = ledger();
    call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', name: 'R&D' });
    const view = trayView(call(ctx, 'balance.all', {}), clock.now(), 'linux');
    const actions = { open: () => {}, quit: () => {} };
    const linux = trayMenuTemplate(view, actions, 'linux');
    // Lux resets a month after the account's first day (2026-11-03 00:00): 29 days 10 hours from 14:00.
    expect(linux.map((i) => i.label ?? i.type)).toEqual(['R&&D — credits 1,000 of 1,000 · resets in 29 d 10 h', 'separator', 'Open Creditdeck', 'Quit']);
    expect(trayMenuTemplate(view, actions, 'darwin')[0]!.label).toBe('R&D — credits 1,000 of 1,000 · resets in 29 d 10 h');
    expect(view.tooltip).toContain('R&D —');
    const empty = trayMenuTemplate(trayView([], clock.now(), 'linux'), actions, 'linux');
    expect(empty[0]).toEqual({ label: 'No accounts yet', enabled: false });
  });

  it('the icon: a template image in the macOS menu bar, the coloured badge elsewhere', () => {
    expect(trayIconPath('/r', 'darwin')).toBe(join('/r', 'trayTemplate.png'));
    expect(trayIconPath('/r', 'win32')).toBe(join('/r', 'tray.png'));
    expect(trayIconPath('/r', 'linux')).toBe(join('/r', 'tray.png'));
  });
});

describe('the tray item', () => {
  async function setup(platform: NodeJS.Platform = 'linux', iconDir = RESOURCES) {
    const { ctx, clock } = ledger();
    const fake = fakeElectron({ appData: '/tmp/unused' });
    await fake.deps.app.whenReady();
    const timers = new FakeTimers();
    const logs: string[] = [];
    const clicks = { open: 0, quit: 0 };
    const controller = createTray(fake.deps, {
      ctx,
      iconPath: trayIconPath(iconDir, platform),
      platform,
      timers,
      open: () => clicks.open++,
      quit: () => clicks.quit++,
      log: (l) => logs.push(l),
    });
    return { ctx, clock, fake, timers, logs, clicks, controller, tray: fake.trays[0]! };
  }

  it('starts with the balances, from the icon in resources/', async () => {
    const { tray, fake, logs } = await setup('darwin');
    expect(fake.trays).toHaveLength(1);
    expect(fake.images.map((i) => i.path)).toEqual([join(RESOURCES, 'trayTemplate.png')]);
    expect(tray.iconPath).toBe(join(RESOURCES, 'trayTemplate.png'));
    expect(tray.image.isEmpty()).toBe(false);
    expect(tray.tooltip).toBe('Creditdeck: no accounts yet');
    expect(tray.menu!.labels()).toEqual(['No accounts yet', '---', 'Open Creditdeck', 'Quit']);
    expect(logs).toEqual([]);
  });

  it('says so in the log when the icon cannot be read, and still shows the item', async () => {
    const { tray, logs } = await setup('linux', '/nonexistent');
    expect(tray.image.isEmpty()).toBe(true);
    expect(logs.join('\n')).toMatch(/tray icon .*tray\.png could not be read/);
    expect(tray.tooltip).toBe('Creditdeck: no accounts yet');
  });

  it('refreshes on its interval: a write from elsewhere (the CLI) shows up at the next tick, not before', async () => {
    const { ctx, tray, timers } = await setup();
    fluxnoteRise(ctx);
    timers.advance(TRAY_REFRESH_MS - 1);
    expect(tray.tooltip).toBe('Creditdeck: no accounts yet');
    timers.advance(1);
    expect(tray.tooltip).toBe('Creditdeck\nFluxNote Rise — video 11 of 21 · image 923 of 1,000 · resets in 26 d 10 h');
    expect(tray.menu!.labels()[0]).toBe('FluxNote Rise — video 11 of 21 · image 923 of 1,000 · resets in 26 d 10 h');
  });

  it('the countdown moves with the clock; an unchanged text does not rebuild the menu', async () => {
    const { ctx, clock, tray, timers, controller } = await setup();
    fluxnoteRise(ctx);
    controller.refresh();
    const menus = tray.menus.length;
    timers.advance(TRAY_REFRESH_MS);
    controller.refresh();
    expect(tray.menus).toHaveLength(menus);
    clock.advance(HOUR);
    timers.advance(TRAY_REFRESH_MS);
    expect(tray.menus).toHaveLength(menus + 1);
    expect(tray.tooltip).toMatch(/resets in 26 d 9 h$/);
  });

  it('Open Creditdeck and every account line open the window; Quit quits', async () => {
    const { ctx, tray, controller, clicks } = await setup();
    fluxnoteRise(ctx);
    controller.refresh();
    tray.menu!.click('Open Creditdeck');
    tray.menu!.click(tray.menu!.labels()[0]!);
    expect(clicks).toEqual({ open: 2, quit: 0 });
    tray.menu!.click('Quit');
    expect(clicks.quit).toBe(1);
  });

  it('a left click on the Windows icon opens the window; elsewhere the click shows the menu', async () => {
    const win = await setup('win32');
    win.tray.emit('click');
    expect(win.clicks.open).toBe(1);
    const linux = await setup('linux');
    expect(linux.tray.count('click')).toBe(0);
  });

  it('shows "Balances unavailable" when the ledger cannot be read', async () => {
    const { ctx, tray, controller, logs } = await setup();
    ctx.db.close();
    controller.refresh();
    expect(tray.tooltip).toBe('Creditdeck: balances unavailable');
    expect(tray.menu!.labels()).toEqual(['Balances unavailable', '---', 'Open Creditdeck', 'Quit']);
    expect(logs.join('\n')).toMatch(/tray could not read the balances/);
  });

  it('stop() ends the interval and removes the item', async () => {
    const { tray, timers, controller } = await setup();
    expect(timers.pending).toBe(1);
    controller.stop();
    expect(timers.pending).toBe(0);
    expect(tray.isDestroyed()).toBe(true);
    expect(() => controller.refresh()).not.toThrow();
  });
});
