/**
 * The team host reads the vendor's meter on a schedule (`serve --team`, the
 * same scheduler as the app's, on fake timers here) and every member sees
 * the result on /v1/balances: the difference, the meter's status; a refused
 * key is a status, nothing written; the schedule stops with the host.
 */
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import type { Fetch } from '../../main/core/connectors/fluximage.js';
import { createVendorMeter } from '../../main/web/vendor-meter.js';
import { FakeTimers } from '../electron/fake-timers.js';
import { startTeamHost, type TeamHost } from '../team-host/helpers.js';
import { startFakeFluximage, usageDoc, type FakeFluximage } from './fake-fluximage.js';

const KEY = 'flx_test_teamhost12345';
let fake: FakeFluximage;
let host: TeamHost;
let acct: string;
const timers = new FakeTimers();

beforeAll(async () => {
  fake = await startFakeFluximage();
  host = await startTeamHost({
    serve: {
      vendorMeter: (ctx) => createVendorMeter({ ctx, timers, fetch: fetch as unknown as Fetch, key: () => ({ key: KEY, source: 'env', missing: null }), apiOverride: fake.url, firstAfterMs: 1_000, log: () => {} }),
    },
  });
  acct = call(host.ctx, 'accounts.add', { preset: 'fluximage', plan: 'agency', anchor: '2026-11-03' }).id;
  call(host.ctx, 'usage.record', { account: acct, action: 'alt-text', quantity: 806 });
}, 60_000);

afterAll(async () => {
  await host.stop();
  await fake.close();
});

const aiPool = async () => {
  const r = await host.req({ path: `/v1/balances/${acct}`, headers: { authorization: `Bearer ${host.ownerToken}` } });
  expect(r.status, r.text).toBe(200);
  return (r.json().pools as { pool: string }[]).find((p) => p.pool === 'ai') as Record<string, unknown>;
};

test('the first reading after start: the difference and the status on /v1/balances', async () => {
  fake.script({ body: usageDoc({ ia_credits_used: 812 }) });
  timers.advance(1_000);
  await vi.waitFor(async () => expect((await aiPool()).meter).toMatchObject({ status: 'ok' }));
  expect(await aiPool()).toMatchObject({ usedThisPeriod: 806, source: { kind: 'ledger' }, drift: { vendorUsed: 812, ledgerUsed: 806, unrecorded: 6 } });
});

test('a refused key on the hourly reading: the status says so, nothing is written', async () => {
  fake.script({ status: 401 });
  const readings = () => (host.ctx.db.prepare('SELECT COUNT(*) AS n FROM vendor_readings').get() as { n: number }).n;
  const before = readings();
  timers.advance(3_600_000);
  await vi.waitFor(async () => expect((await aiPool()).meter).toMatchObject({ status: 'unauthorized' }));
  expect(readings()).toBe(before);
});

test('the schedule stops with the host', async () => {
  expect(timers.pending).toBe(1);
  await host.stop();
  expect(timers.pending).toBe(0);
  // Nothing left for afterAll to stop.
  host = { ...host, stop: async () => {} };
});
