/**
 * The tray (Windows, Linux) / menu-bar (macOS) item: each account's credits
 * left per pool and the time to its next reset, in the tooltip and the
 * context menu. The text is a pure function of `balance.all` and a clock;
 * the item refreshes on an interval and after every write from the window.
 */
import { join } from 'node:path';
import { call, type HandlerOutput } from '../core/api/handlers.js';
import { APP_NAME } from '../core/api/open.js';
import type { Ctx } from '../core/ledger/context.js';
import type { Clock } from '../core/util/clock.js';
import type { MenuClassLike, MenuItemOptionsLike, NativeImageModuleLike, TrayClassLike, TrayLike } from './electron-api.js';
import type { Timers } from './timers.js';

export type AccountBalance = HandlerOutput<'balance.all'>[number];
export type PoolBalanceView = AccountBalance['pools'][number];

/** How often the text is rebuilt without a write (the reset countdown moves; the CLI may write too). */
export const TRAY_REFRESH_MS = 60_000;
/** Windows cuts a tray tooltip at 127 characters. */
export const WIN_TOOLTIP_MAX = 127;

/** resources/: a black-and-alpha template for the macOS menu bar, a coloured badge for Windows and Linux panels (light or dark). */
export function trayIconPath(resourcesDir: string, platform: NodeJS.Platform): string {
  return join(resourcesDir, platform === 'darwin' ? 'trayTemplate.png' : 'tray.png');
}

const numbers = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

/** 1000 → "1,000", 7.5 → "7.5". */
export function creditsText(n: number): string {
  return numbers.format(n);
}

/** Time to a reset, rounded down: "26 d 10 h", "5 h 3 min", "12 min", "< 1 min". */
export function untilText(ms: number): string {
  const m = Math.max(0, Math.floor(ms / 60_000));
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${min} min`;
  if (min > 0) return `${min} min`;
  return '< 1 min';
}

/** "video 11 of 21", "image unlimited", "credits 40 left" (no monthly allocation, or top-ups above it). */
export function poolText(p: PoolBalanceView): string {
  if (p.unlimited) return `${p.pool} unlimited`;
  const remaining = p.remaining ?? 0;
  const allocation = p.allocation ?? 0;
  if (allocation > 0 && remaining <= allocation) return `${p.pool} ${creditsText(remaining)} of ${creditsText(allocation)}`;
  return `${p.pool} ${creditsText(remaining)} left`;
}

/** "FluxNote Rise — video 11 of 21 · image 923 of 1,000 · resets in 26 d 10 h". */
export function accountLine(b: AccountBalance, now: number): string {
  if (b.pools.length === 0) return `${b.name} — no pools`;
  const reset = Math.min(...b.pools.map((p) => Date.parse(p.nextReset)));
  return `${b.name} — ${b.pools.map(poolText).join(' · ')} · resets in ${untilText(reset - now)}`;
}

export interface TrayView {
  tooltip: string;
  /** One line per account; empty when there are none (or the ledger could not be read). */
  lines: string[];
  /** Set when the balances could not be read. */
  unavailable?: true;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The tray's text from `balance.all` and the time now. Pure. */
export function trayView(balances: readonly AccountBalance[], now: number, platform: NodeJS.Platform): TrayView {
  const lines = balances.map((b) => accountLine(b, now));
  const tooltip = lines.length === 0 ? `${APP_NAME}: no accounts yet` : `${APP_NAME}\n${lines.join('\n')}`;
  return { tooltip: platform === 'win32' ? clip(tooltip, WIN_TOOLTIP_MAX) : tooltip, lines };
}

/** The view with more lines after the local accounts' (a team's pools and sync state). */
export function withLines(view: TrayView, extra: readonly string[], platform: NodeJS.Platform): TrayView {
  const lines = [...view.lines, ...extra];
  const tooltip = `${APP_NAME}\n${lines.join('\n')}`;
  return { tooltip: platform === 'win32' ? clip(tooltip, WIN_TOOLTIP_MAX) : tooltip, lines };
}

export const UNAVAILABLE: TrayView = { tooltip: `${APP_NAME}: balances unavailable`, lines: [], unavailable: true };

/** Windows and Linux read "&" in a menu label as a mnemonic marker: double it to show it. */
function menuLabel(text: string, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? text : text.replaceAll('&', '&&');
}

export interface TrayActions {
  open: () => void;
  quit: () => void;
}

/** The context menu: a line per account (clicking one opens the window), then Open and Quit. */
export function trayMenuTemplate(view: TrayView, actions: TrayActions, platform: NodeJS.Platform): MenuItemOptionsLike[] {
  const head: MenuItemOptionsLike[] = view.unavailable
    ? [{ label: 'Balances unavailable', enabled: false }]
    : view.lines.length === 0
      ? [{ label: 'No accounts yet', enabled: false }]
      : view.lines.map((line) => ({ label: menuLabel(line, platform), click: actions.open }));
  return [...head, { type: 'separator' }, { label: `Open ${APP_NAME}`, click: actions.open }, { label: 'Quit', click: actions.quit }];
}

export interface TrayDeps {
  Tray: TrayClassLike;
  Menu: MenuClassLike;
  nativeImage: NativeImageModuleLike;
}

export interface TrayOptions {
  ctx: Ctx;
  iconPath: string;
  platform: NodeJS.Platform;
  timers: Timers;
  open: () => void;
  quit: () => void;
  /** Default: the ledger's clock. */
  clock?: Clock;
  intervalMs?: number;
  log?: (line: string) => void;
  /** More lines after the local accounts': the teams joined as a member, their pools and sync state (membership-tray.ts). */
  extraLines?: () => string[];
}

export interface TrayController {
  readonly tray: TrayLike;
  /** Re-read the balances; the menu is rebuilt only when its text changed. */
  refresh(): void;
  stop(): void;
}

export function createTray(deps: TrayDeps, opts: TrayOptions): TrayController {
  const log = opts.log ?? (() => {});
  const clock = opts.clock ?? opts.ctx.clock;
  if (deps.nativeImage.createFromPath(opts.iconPath).isEmpty()) log(`creditdeck: the tray icon ${opts.iconPath} could not be read`);
  const tray = new deps.Tray(opts.iconPath);
  const actions: TrayActions = { open: opts.open, quit: opts.quit };
  let shown: string | null = null;

  const read = (): TrayView => {
    try {
      const view = trayView(call(opts.ctx, 'balance.all', {}), clock.now(), opts.platform);
      const extra = opts.extraLines?.() ?? [];
      return extra.length === 0 ? view : withLines(view, extra, opts.platform);
    } catch (e) {
      log(`creditdeck: the tray could not read the balances: ${e instanceof Error ? e.message : String(e)}`);
      return UNAVAILABLE;
    }
  };

  const refresh = (): void => {
    if (tray.isDestroyed()) return;
    const view = read();
    const key = JSON.stringify(view);
    if (key === shown) return;
    shown = key;
    tray.setToolTip(view.tooltip);
    tray.setContextMenu(deps.Menu.buildFromTemplate(trayMenuTemplate(view, actions, opts.platform)));
  };

  // Windows opens the tray menu on a right-click only: a left click opens the window. macOS and Linux show the menu.
  if (opts.platform === 'win32') tray.on('click', opts.open);
  refresh();
  const timer = opts.timers.setInterval(refresh, opts.intervalMs ?? TRAY_REFRESH_MS);

  return {
    tray,
    refresh,
    stop() {
      opts.timers.clearInterval(timer);
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
