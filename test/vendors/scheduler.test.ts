/**
 * The scheduler for the vendor's meter (main/web/vendor-meter.ts, the app's and the team host's)
 * on fake timers against the local fake of Fluximage's endpoint: the first
 * reading after start, then every interval; retries wait on the app's timers;
 * the last status is kept per account and shown on its pools; nothing is read
 * without a key; stop() leaves no timer behind.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import type { Fetch } from '../../main/core/connectors/fluximage.js';
import type { LoadedKey } from '../../main/core/connectors/keys.js';
import { createVendorMeter } from '../../main/web/vendor-meter.js';
import { FakeTimers } from '../electron/fake-timers.js';
import { startFakeFluximage, usageDoc, type FakeFluximage } from './fake-fluximage.js';

const KEY = 'flx_test_scheduler1234';
let fake: FakeFluximage;
let ctx: Ctx;
let acct: string;
let timers: FakeTimers;
let logs: string[];
beforeAll(async () => {
  fake = await startFakeFluximage();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  ctx = openLedger(':memory:', { clock: new ManualClock(Date.parse('2026-11-15T12:00:00Z')), ids: seededIds(9) });
  acct = call(ctx, 'accounts.add', { preset: 'fluximage', plan: 'agency', anchor: '2026-11-03' }).id;
  call(ctx, 'usage.record', { account: acct, action: 'alt-text', quantity: 806 });
  timers = new FakeTimers();
  logs = [];
  fake.requests.length = 0;
});

const meter = (key: LoadedKey = { key: KEY, source: 'env', missing: null }) =>
  createVendorMeter({ ctx, timers, fetch: fetch as unknown as Fetch, key: () => key, apiOverride: fake.url, intervalMs: 3_600_000, firstAfterMs: 1_000, log: (l) => void logs.push(l) });

const pool = (m: ReturnType<typeof meter>) => call(ctx, 'balance.get', { account: acct }, { meterStatus: m.status }).pools.find((p) => p.pool === 'ai')!;

describe('the app reads the meter on a schedule', () => {
  test('first after start, then every interval; the difference is shown on the pool', async () => {
    fake.script({ body: usageDoc({ ia_credits_used: 812 }) });
    const m = meter();
    timers.advance(999);
    expect(fake.requests).toHaveLength(0);
    timers.advance(1);
    await vi.waitFor(() => expect(m.status(acct)?.status).toBe('ok'));
    expect(pool(m)).toMatchObject({ drift: { vendorUsed: 812, ledgerUsed: 806, unrecorded: 6 }, meter: { status: 'ok', at: '2026-11-15T12:00:00.000Z' } });
    timers.advance(3_600_000);
    await vi.waitFor(() => expect(fake.requests).toHaveLength(2));
    m.stop();
    expect(timers.pending).toBe(0);
  });

  test('retries wait on the app\'s timers: nothing is retried until they run', async () => {
    fake.script({ status: 503 }, { body: usageDoc({ ia_credits_used: 806 }) });
    const m = meter();
    const done = m.runNow();
    await vi.waitFor(() => expect(timers.pending).toBe(3)); // the first reading, the interval, and the backoff's 2 s
    expect(fake.requests).toHaveLength(1);
    timers.advance(2_000);
    await done;
    expect(fake.requests).toHaveLength(2);
    expect(pool(m)).toMatchObject({ source: { kind: 'vendor' }, meter: { status: 'ok' } });
    m.stop();
  });

  test('a refused key: the status on every pool, in the log without the key, nothing written', async () => {
    fake.script({ status: 401 });
    const before = JSON.stringify(ctx.db.prepare('SELECT COUNT(*) AS n FROM vendor_readings').get());
    const m = meter();
    await m.runNow();
    expect(m.status(acct)).toMatchObject({ status: 'unauthorized', retryAt: '2026-11-15T13:00:00.000Z' });
    expect(pool(m).meter?.message).toMatch(/^Fluximage refused the API key \(HTTP 401\)/);
    expect(logs.join('\n')).toContain('Fluximage refused the API key');
    expect(logs.join('\n')).not.toContain(KEY);
    expect(JSON.stringify(ctx.db.prepare('SELECT COUNT(*) AS n FROM vendor_readings').get())).toBe(before);
    m.stop();
  });

  test('without a key nothing is read and no status is shown', async () => {
    const m = meter({ key: null, source: null, missing: 'Fluximage is not set up' });
    timers.advance(1_000);
    await m.runNow();
    expect(fake.requests).toHaveLength(0);
    expect(m.status(acct)).toBeNull();
    expect(pool(m).meter).toBeUndefined();
    expect(timers.pending).toBe(0);
    m.stop();
  });
});
