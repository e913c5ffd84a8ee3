/**
 * Native notifications: every new ledger alert (50/80/100 % used, low
 * balance, out of credits, limit), and a pace warning when a pool will run
 * out before its reset (once per pool per period) — the local ledger's pools
 * and, from the mirror, the pools of teams this app joined as a member. What has been shown is
 * remembered in userData/notify-state.json, so a restart does not repeat it.
 * Clicking a notification brings the window forward.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, type HandlerOutput } from '../core/api/handlers.js';
import type { Ctx } from '../core/ledger/context.js';
import type { PoolForecast } from '../core/ledger/forecast.js';
import type { Clock } from '../core/util/clock.js';
import type { NotificationClassLike, NotificationLike, NotificationOptionsLike } from './electron-api.js';
import type { Timers } from './timers.js';

export type AlertView = HandlerOutput<'alerts.list'>[number];
export type PoolForecastView = HandlerOutput<'reports.forecast'>['pools'][number];

export const NOTIFY_STATE_FILE = 'notify-state.json';
export const NOTIFY_POLL_MS = 60_000;
/** More new alerts than this at once (an import, a long sleep) shows the newest few and one summary. */
export const MAX_ALERTS_AT_ONCE = 5;
/** Notifications are kept referenced until closed (or this many newer ones), so their click handler survives garbage collection. */
const KEEP = 20;

export interface NotifyState {
  /** The ledger file these ids belong to: another ledger starts afresh. */
  ledger: string;
  /** The newest alert id already notified (or skipped as old). */
  lastAlertId: number;
  /** Pace warnings given: "account/pool/periodStart" → that period's end (ISO), for pruning. */
  pace: Record<string, string>;
}

export function loadNotifyState(dir: string): NotifyState | null {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(join(dir, NOTIFY_STATE_FILE), 'utf8'));
  } catch {
    return null;
  }
  if (data === null || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (typeof d.ledger !== 'string' || typeof d.lastAlertId !== 'number' || !Number.isSafeInteger(d.lastAlertId) || d.lastAlertId < 0) return null;
  const pace: Record<string, string> = {};
  if (d.pace !== null && typeof d.pace === 'object') {
    for (const [k, v] of Object.entries(d.pace as Record<string, unknown>)) if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) pace[k] = v;
  }
  return { ledger: d.ledger, lastAlertId: d.lastAlertId, pace };
}

/** Whole file or nothing: a temp file renamed over the old one. */
export function saveNotifyState(dir: string, state: NotifyState): void {
  const file = join(dir, NOTIFY_STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state) + '\n');
  renameSync(tmp, file);
}

/** "video credits", but plain "credits" for a pool called credits. */
export const creditsOf = (pool: string): string => (pool === 'credits' ? 'credits' : `${pool} credits`);

/** The notification for one ledger alert: a short title, the ledger's own sentence as the body. */
export function alertNotification(a: AlertView): NotificationOptionsLike {
  const title =
    a.kind === 'threshold'
      ? `${a.level}% of the ${creditsOf(a.pool)} used`
      : a.kind === 'low-balance'
        ? `Low on ${creditsOf(a.pool)}`
        : a.kind === 'exhausted'
          ? `Out of ${creditsOf(a.pool)}`
          : a.kind === 'limit'
            ? 'Spending limit reached'
            : a.kind === 'spend'
              ? `${a.level}% of the spending limit used`
              : 'Creditdeck alert';
  return { title, body: a.message };
}

/** How long before the reset a pool runs dry: "6 days", "1 day", "5 hours", "less than an hour". */
export function shortByText(ms: number): string {
  const days = Math.round(ms / 86_400_000);
  if (days >= 2) return `${days} days`;
  if (ms >= 86_400_000) return '1 day';
  const hours = Math.round(ms / 3_600_000);
  if (hours >= 2) return `${hours} hours`;
  if (ms >= 3_600_000) return '1 hour';
  return 'less than an hour';
}

export const PACE_TITLE = 'Running out before the reset';

/** "At this pace FluxNote Rise runs out of video credits 6 days before the reset". */
export function paceNotification(accountName: string, p: PoolForecastView): NotificationOptionsLike {
  return { title: PACE_TITLE, body: `At this pace ${accountName} runs out of ${creditsOf(p.pool)} ${shortByText(p.shortByMs)} before the reset` };
}

export const paceKey = (account: string, p: PoolForecastView): string => `${account}/${p.pool}/${p.periodStart}`;

/** A joined team's account as its pace is read from the mirror (membership.ts paceSources): named TEAM/ACCOUNT in the warning. */
export interface TeamPaceSource {
  /** TEAM/ACCOUNT. */
  ref: string;
  name: string;
  pools: (PoolForecast & { periodEnded: boolean })[];
}

export interface NotifierOptions {
  ctx: Ctx;
  /** Where notify-state.json lives (userData). */
  stateDir: string;
  /** The ledger file, so state from another ledger is not applied to this one. */
  ledgerPath: string;
  timers: Timers;
  /** Bring the window forward (a click on a notification). */
  focus: () => void;
  /** Default: the ledger's clock. */
  clock?: Clock;
  intervalMs?: number;
  log?: (line: string) => void;
  /** The joined teams' accounts with their pace (none: a desktop app that joined no team). */
  teamPace?: () => TeamPaceSource[];
}

export interface Notifier {
  /** Look for new alerts and pace warnings now; returns how many notifications were shown. */
  check(): number;
  stop(): void;
}

export function createNotifier(deps: { Notification: NotificationClassLike }, opts: NotifierOptions): Notifier {
  const log = opts.log ?? (() => {});
  const clock = opts.clock ?? opts.ctx.clock;
  const supported = deps.Notification.isSupported();
  if (!supported) log('creditdeck: this system does not support notifications; alerts are only in the app');
  const live: NotificationLike[] = [];

  const show = (options: NotificationOptionsLike): void => {
    if (!supported) return;
    const n = new deps.Notification(options);
    n.on('click', opts.focus);
    n.on('close', () => {
      const i = live.indexOf(n);
      if (i >= 0) live.splice(i, 1);
    });
    live.push(n);
    if (live.length > KEEP) live.shift();
    n.show();
  };

  /**
   * The state to go on from. First run, another ledger, or a ledger replaced by
   * a newer, shorter one: alerts already there are old news, not notified.
   */
  const startFrom = (): NotifyState => {
    const saved = loadNotifyState(opts.stateDir);
    const newest = call(opts.ctx, 'alerts.list', {})[0]?.id ?? 0;
    return saved && saved.ledger === opts.ledgerPath && saved.lastAlertId <= newest ? saved : { ledger: opts.ledgerPath, lastAlertId: newest, pace: {} };
  };
  let state: NotifyState = { ledger: opts.ledgerPath, lastAlertId: 0, pace: {} };
  let started = false;

  const alerts = (): number => {
    const fresh = call(opts.ctx, 'alerts.list', { sinceId: state.lastAlertId }); // newest first
    if (fresh.length === 0) return 0;
    state.lastAlertId = Math.max(state.lastAlertId, ...fresh.map((a) => a.id));
    const shown = fresh.length > MAX_ALERTS_AT_ONCE ? fresh.slice(0, MAX_ALERTS_AT_ONCE - 1) : fresh;
    for (const a of [...shown].reverse()) show(alertNotification(a));
    if (shown.length < fresh.length) {
      const more = fresh.length - shown.length;
      show({ title: `${more} more credit alerts`, body: 'Open Creditdeck to see them all.' });
    }
    return shown.length + (shown.length < fresh.length ? 1 : 0);
  };

  const pace = (): number => {
    const now = clock.now();
    let count = 0;
    for (const [k, end] of Object.entries(state.pace)) if (Date.parse(end) <= now) delete state.pace[k];
    const warn = (key: string, name: string, pools: readonly PoolForecastView[]): void => {
      for (const p of pools) {
        // Already empty is the ledger's own "out of credits" alert, not a forecast.
        if (!p.runsOutBeforeReset || p.runOutAt === null || Date.parse(p.runOutAt) <= now) continue;
        const k = paceKey(key, p);
        if (state.pace[k] !== undefined) continue;
        state.pace[k] = p.nextReset;
        show(paceNotification(name, p));
        count++;
      }
    };
    for (const account of call(opts.ctx, 'accounts.list', {})) warn(account.id, account.name, call(opts.ctx, 'reports.forecast', { account: account.id }).pools);
    // A team pool from the mirror: a period the copy knows has ended says nothing of the new one.
    for (const a of opts.teamPace?.() ?? []) warn(a.ref, `${a.name} (${a.ref})`, a.pools.filter((p) => !p.periodEnded));
    return count;
  };

  const check = (): number => {
    let before = JSON.stringify(state);
    let count = 0;
    try {
      if (!started) {
        state = startFrom();
        started = true;
        before = '';
      }
      count += alerts();
      count += pace();
    } catch (e) {
      log(`creditdeck: notifications could not read the ledger: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (started && JSON.stringify(state) !== before) {
      try {
        saveNotifyState(opts.stateDir, state);
      } catch (e) {
        log(`creditdeck: could not save the notification state: ${(e as Error).message}`);
      }
    }
    return count;
  };

  check(); // at start: whatever the CLI or the web host recorded while the app was closed
  const timer = opts.timers.setInterval(check, opts.intervalMs ?? NOTIFY_POLL_MS);
  return {
    check,
    stop() {
      opts.timers.clearInterval(timer);
    },
  };
}
