import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../../main/core/api/handlers.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import type { ManualClock } from '../../main/core/util/clock.js';
import {
  alertNotification,
  createNotifier,
  loadNotifyState,
  MAX_ALERTS_AT_ONCE,
  NOTIFY_POLL_MS,
  NOTIFY_STATE_FILE,
  PACE_TITLE,
  paceNotification,
  shortByText,
  type AlertView,
  type PoolForecastView,
} from '../../main/electron/notify.js';
import { memoryLedger } from '../web/helpers.js';
import { fakeElectron } from './fake-electron.js';
import { FakeTimers } from './fake-timers.js';

const DAY = 86_400_000;
const LEDGER = '/home/me/.config/Creditdeck/creditdeck.sqlite';

const ledgers: Ctx[] = [];
afterEach(() => {
  for (const c of ledgers.splice(0)) if (c.db.open) c.db.close();
});

function ledger(now = '2026-11-03T14:00:00Z'): { ctx: Ctx; clock: ManualClock } {
  const ctx = memoryLedger(now);
  ledgers.push(ctx);
  return { ctx, clock: ctx.clock as ManualClock };
}

/** FluxNote Rise (21 videos a month, reset on the 30th) with alerts at 50/80/100 % and below 3 credits. */
function rise(ctx: Ctx): string {
  const { id } = call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
  call(ctx, 'accounts.set', { account: id, thresholds: [50, 80, 100], lowBalance: 3 });
  return id;
}

const videos = (ctx: Ctx, n: number) => {
  for (let i = 0; i < n; i++) call(ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video' });
};

async function start(ctx: Ctx, opts: { stateDir?: string; ledgerPath?: string; notifications?: boolean } = {}) {
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'creditdeck-notify-'));
  const fake = fakeElectron({ appData: '/tmp/unused', notifications: opts.notifications });
  await fake.deps.app.whenReady();
  const timers = new FakeTimers();
  const focus = { count: 0 };
  const logs: string[] = [];
  const notifier = createNotifier(fake.deps, { ctx, stateDir, ledgerPath: opts.ledgerPath ?? LEDGER, timers, focus: () => focus.count++, log: (l) => logs.push(l) });
  const bodies = () => fake.notifications.map((n) => n.options.body);
  const titles = () => fake.notifications.map((n) => n.options.title);
  return { fake, timers, focus, logs, notifier, stateDir, bodies, titles };
}

const state = (dir: string) => JSON.parse(readFileSync(join(dir, NOTIFY_STATE_FILE), 'utf8'));

describe('notifications: ledger alerts', () => {
  it('a first start notifies nothing already in the ledger, and remembers where it stands', async () => {
    const { ctx } = ledger('2026-11-29T12:00:00Z');
    rise(ctx);
    videos(ctx, 11); // 50 % crossed before the app ran
    expect(call(ctx, 'alerts.list', {})).toHaveLength(1);
    const { fake, stateDir } = await start(ctx);
    expect(fake.notifications).toHaveLength(0);
    expect(state(stateDir)).toEqual({ ledger: LEDGER, lastAlertId: call(ctx, 'alerts.list', {})[0]!.id, pace: {} });
  });

  it('each new alert becomes one notification at the next poll, oldest first', async () => {
    const { ctx } = ledger('2026-11-29T12:00:00Z'); // late in the period: no pace warning in the way
    rise(ctx);
    const { fake, timers, bodies, titles, stateDir } = await start(ctx);
    videos(ctx, 17); // 50 % and 80 %
    timers.advance(NOTIFY_POLL_MS - 1);
    expect(fake.notifications).toHaveLength(0);
    timers.advance(1);
    expect(titles()).toEqual(['50% of the video credits used', '80% of the video credits used']);
    // The body is the ledger's own sentence.
    const alerts = call(ctx, 'alerts.list', {});
    expect(bodies()).toEqual(alerts.map((a) => a.message).reverse());
    expect(bodies()[0]).toMatch(/^FluxNote Rise: 50/);
    expect(fake.notifications.every((n) => n.shown)).toBe(true);
    const newest = alerts[0]!.id;
    expect(state(stateDir).lastAlertId).toBe(newest);
    timers.advance(NOTIFY_POLL_MS);
    expect(fake.notifications).toHaveLength(2);
  });

  it('low balance, 100 % and out of credits have their own titles', async () => {
    const { ctx } = ledger('2026-11-29T12:00:00Z');
    rise(ctx);
    videos(ctx, 17);
    const { notifier, titles, bodies } = await start(ctx);
    videos(ctx, 4); // 21 of 21: low balance (≤ 3 left) and 100 %
    expect(() => videos(ctx, 1)).toThrow(/insufficient|not enough|credits/i); // refused: out of credits
    expect(notifier.check()).toBe(3);
    expect(titles()).toEqual(['Low on video credits', '100% of the video credits used', 'Out of video credits']);
    expect(bodies()).toEqual(call(ctx, 'alerts.list', {}).slice(0, 3).map((a) => a.message).reverse());
    expect(bodies()[2]).toMatch(/^FluxNote Rise: out of video credits/);
  });

  it('a spending limit that stops work is one notification, however often work is refused (Lux: "you receive notification")', async () => {
    const { ctx } = ledger('2026-11-29T12:00:00Z');
    const { id } = call(ctx, 'accounts.add', { preset: 'lux', plan: 'starter', anchor: '2026-11-01' });
    call(ctx, 'accounts.set', { account: id, monthlyLimit: 50 });
    const { notifier, titles, bodies } = await start(ctx);
    call(ctx, 'usage.record', { account: id, action: 'email', quantity: 50 });
    for (let i = 0; i < 3; i++) expect(() => call(ctx, 'usage.record', { account: id, action: 'email' })).toThrow(/monthly spending limit of 50 credits would be exceeded/);
    expect(notifier.check()).toBe(1);
    expect(titles()).toEqual(['Spending limit reached']);
    expect(bodies()[0]).toMatch(/^Lux Starter: monthly spending limit of 50 credits reached — work is refused until the reset or a higher limit$/);
  });

  it('a restart does not repeat alerts already notified; newer ones still come', async () => {
    const { ctx } = ledger('2026-11-29T12:00:00Z');
    rise(ctx);
    const first = await start(ctx);
    videos(ctx, 11);
    expect(first.notifier.check()).toBe(1);
    first.notifier.stop();

    const again = await start(ctx, { stateDir: first.stateDir });
    expect(again.fake.notifications).toHaveLength(0);
    videos(ctx, 6);
    expect(again.notifier.check()).toBe(1);
    expect(again.titles()).toEqual(['80% of the video credits used']);
  });

  it('alerts recorded while the app was closed are notified when it starts', async () => {
    const { ctx } = ledger('2026-11-29T12:00:00Z');
    rise(ctx);
    const first = await start(ctx);
    first.notifier.stop();
    videos(ctx, 11); // the CLI, while the app is closed
    const again = await start(ctx, { stateDir: first.stateDir });
    expect(again.titles()).toEqual(['50% of the video credits used']);
  });

  it('another ledger, or one replaced by a newer file, starts afresh instead of going silent', async () => {
    const { ctx } = ledger('2026-11-29T12:00:00Z');
    rise(ctx);
    videos(ctx, 11);
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-notify-'));
    // A state far ahead of this ledger (the file was deleted and started again).
    writeFileSync(join(dir, NOTIFY_STATE_FILE), JSON.stringify({ ledger: LEDGER, lastAlertId: 500, pace: {} }));
    const replaced = await start(ctx, { stateDir: dir });
    expect(replaced.fake.notifications).toHaveLength(0);
    expect(state(dir).lastAlertId).toBe(call(ctx, 'alerts.list', {})[0]!.id);
    videos(ctx, 6);
    expect(replaced.notifier.check()).toBe(1);
    replaced.notifier.stop();

    const other = await start(ctx, { stateDir: dir, ledgerPath: '/elsewhere/shared.sqlite' });
    expect(other.fake.notifications).toHaveLength(0);
    expect(state(dir).ledger).toBe('/elsewhere/shared.sqlite');
  });

  it('a damaged state file counts as a first start', async () => {
    const { ctx } = ledger('2026-11-29T12:00:00Z');
    rise(ctx);
    videos(ctx, 11);
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-notify-'));
    for (const text of ['{"ledger": 5', '[]', JSON.stringify({ ledger: LEDGER, lastAlertId: -1 }), JSON.stringify({ ledger: LEDGER, lastAlertId: 1.5 })]) {
      writeFileSync(join(dir, NOTIFY_STATE_FILE), text);
      expect(loadNotifyState(dir)).toBeNull();
      const s = await start(ctx, { stateDir: dir });
      expect(s.fake.notifications).toHaveLength(0);
      s.notifier.stop();
    }
  });

  it('a flood (an import, a long sleep) shows the newest few and one summary', async () => {
    const { ctx } = ledger('2026-11-29T12:00:00Z');
    const accounts = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', name: `Lux ${n}` }).id);
    const { notifier, fake } = await start(ctx);
    for (const account of accounts) call(ctx, 'usage.record', { account, action: 'email', quantity: 600 }); // 60 % each: one 50 % alert per account
    const alerts = call(ctx, 'alerts.list', {});
    expect(alerts).toHaveLength(7);
    notifier.check();
    // (Each account also gets its pace warning: 600 credits in half a day.)
    const shown = fake.notifications.filter((n) => n.options.title !== PACE_TITLE);
    expect(shown).toHaveLength(MAX_ALERTS_AT_ONCE);
    expect(shown.at(-1)!.options.title).toBe('3 more credit alerts');
    expect(shown.slice(0, -1).map((n) => n.options.body)).toEqual(alerts.slice(0, MAX_ALERTS_AT_ONCE - 1).reverse().map((a) => a.message));
  });

  it('clicking a notification brings the window forward', async () => {
    const { ctx } = ledger('2026-11-29T12:00:00Z');
    rise(ctx);
    const { notifier, fake, focus } = await start(ctx);
    videos(ctx, 11);
    notifier.check();
    fake.notifications[0]!.click();
    expect(focus.count).toBe(1);
  });

  it('where notifications are not supported it shows none, says so once, and still keeps its place', async () => {
    const { ctx } = ledger('2026-11-29T12:00:00Z');
    rise(ctx);
    const { notifier, fake, logs, stateDir } = await start(ctx, { notifications: false });
    videos(ctx, 11);
    notifier.check();
    expect(fake.notifications).toHaveLength(0);
    expect(logs.filter((l) => /does not support notifications/.test(l))).toHaveLength(1);
    expect(state(stateDir).lastAlertId).toBe(call(ctx, 'alerts.list', {})[0]!.id);
  });

  it('a ledger that cannot be read is logged, not thrown; stop() ends the polling', async () => {
    const { ctx } = ledger();
    const { notifier, logs, timers } = await start(ctx);
    expect(timers.pending).toBe(1);
    ctx.db.close();
    expect(() => timers.advance(NOTIFY_POLL_MS)).not.toThrow();
    expect(logs.join('\n')).toMatch(/notifications could not read the ledger/);
    notifier.stop();
    expect(timers.pending).toBe(0);
  });
});

describe('notifications: pace', () => {
  it('warns once per pool per period when a pool will run out before its reset', async () => {
    const { ctx, clock } = ledger('2026-11-03T14:00:00Z');
    rise(ctx);
    const { bodies, titles, notifier, stateDir } = await start(ctx);
    videos(ctx, 10); // 10 of 21 in three and a half days: out on the 7th, the reset is on the 30th
    expect(notifier.check()).toBe(1);
    expect(titles()).toEqual([PACE_TITLE]);
    expect(bodies()).toEqual(['At this pace FluxNote Rise runs out of video credits 22 days before the reset']);
    expect(state(stateDir).pace).toEqual({ 'fluxnote-rise/video/2026-10-31T00:00:00.000Z': '2026-11-30T00:00:00.000Z' });

    clock.advance(DAY);
    expect(call(ctx, 'reports.forecast', { account: 'fluxnote-rise' }).pools[0]!.runsOutBeforeReset).toBe(true);
    expect(notifier.check()).toBe(0); // still running out, same period: no second warning
    notifier.stop();
    const restarted = await start(ctx, { stateDir });
    expect(restarted.fake.notifications).toHaveLength(0); // nor after a restart

    // The next period, the same pace: warned again, and the old period's mark is gone.
    clock.set('2026-12-03T14:00:00Z');
    videos(ctx, 10);
    expect(restarted.notifier.check()).toBe(1);
    expect(restarted.bodies()[0]).toMatch(/^At this pace FluxNote Rise runs out of video credits \d+ days before the reset$/);
    expect(Object.keys(state(stateDir).pace)).toEqual(['fluxnote-rise/video/2026-11-30T00:00:00.000Z']);
  });

  it('no warning for pools that last to the reset or are unlimited', async () => {
    const { ctx } = ledger('2026-11-20T00:00:00Z');
    rise(ctx);
    const img = call(ctx, 'accounts.add', { preset: 'fluximage', plan: 'pro' }).id;
    call(ctx, 'usage.record', { account: 'fluxnote-rise', action: 'image', quantity: 50 });
    call(ctx, 'usage.record', { account: img, action: 'compress', quantity: 5000 });
    const { fake } = await start(ctx);
    expect(fake.notifications).toHaveLength(0);
  });

  it('words the time it falls short in days, then hours', () => {
    expect(shortByText(6 * DAY + 3_600_000)).toBe('6 days');
    expect(shortByText(2.4 * DAY)).toBe('2 days');
    expect(shortByText(1.6 * DAY)).toBe('2 days');
    expect(shortByText(1.2 * DAY)).toBe('1 day');
    expect(shortByText(5 * 3_600_000)).toBe('5 hours');
    expect(shortByText(80 * 60_000)).toBe('1 hour');
    expect(shortByText(20 * 60_000)).toBe('less than an hour');
    const pool = { pool: 'video', shortByMs: 6 * DAY } as PoolForecastView;
    expect(paceNotification('FluxNote Rise', pool).body).toBe('At this pace FluxNote Rise runs out of video credits 6 days before the reset');
  });

  it('every alert kind has a title', () => {
    const base = { id: 1, account: 'a', pool: 'credits', periodStart: '', at: '', message: 'm', level: 80 };
    const kinds: AlertView['kind'][] = ['threshold', 'low-balance', 'exhausted', 'limit', 'spend'];
    expect(kinds.map((kind) => alertNotification({ ...base, kind }).title)).toEqual(['80% of the credits used', 'Low on credits', 'Out of credits', 'Spending limit reached', '80% of the spending limit used']);
    expect(alertNotification({ ...base, pool: 'video', kind: 'low-balance' }).title).toBe('Low on video credits');
    expect(paceNotification('Lux Free', { pool: 'credits', shortByMs: DAY } as PoolForecastView).body).toBe('At this pace Lux Free runs out of credits 1 day before the reset');
  });
});
