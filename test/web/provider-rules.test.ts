/**
 * The seven provider rules of docs/ledger.md over HTTP, as the app's pages and
 * any script reach the web host: 400 for invalid input (nothing written), 409
 * for a refusal, the same envelopes and messages as the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../main/web/server.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import type { ManualClock } from '../../main/core/util/clock.js';
import { fixtureSite, memoryLedger, post } from './helpers.js';

let ctx: Ctx;
let web: WebHost;

beforeAll(async () => {
  ctx = memoryLedger('2026-11-05T09:00:00Z');
  web = await startWebHost({ ctx, staticDir: fixtureSite().staticDir, log: () => {} });
});
afterAll(async () => {
  await web.close();
  ctx.db.close();
});

const clock = () => ctx.clock as ManualClock;
const rows = () => JSON.stringify(['events', 'entries', 'grants', 'holds', 'hold_moves', 'refunds', 'plan_changes'].map((t) => ctx.db.prepare(`SELECT * FROM ${t}`).all()));
async function ok(name: string, input: unknown) {
  const r = await post(web.url, name, input);
  expect(r.status, r.text).toBe(200);
  return r.json().result;
}
async function fails(name: string, input: unknown, status: 400 | 409) {
  const before = rows();
  const r = await post(web.url, name, input);
  expect(r.status, r.text).toBe(status);
  if (status === 400) expect(rows()).toBe(before);
  return r.json().error;
}

describe('provider rules over HTTP', () => {
  it('runs the seven rules against one ledger', async () => {
    const note = (await ok('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' })).id;
    const image = (await ok('accounts.add', { preset: 'fluximage', plan: 'starter', anchor: '2026-11-05' })).id;
    const flux = (await ok('accounts.add', { preset: 'flux', plan: 'edge' })).id;
    const lux = (await ok('accounts.add', { preset: 'lux', plan: 'starter', anchor: '2026-11-01' })).id;

    // 1. No half videos.
    expect((await fails('usage.record', { account: note, action: 'video', quantity: '0.5' }, 400)).message).toMatch(/whole videos/);

    // 2. Five calls against a limit of three.
    await ok('actions.set', { account: flux, action: 'mcp-tool', cost: 1, hourlyLimit: 3 });
    expect(await fails('usage.record', { account: flux, action: 'mcp-tool', quantity: 5 }, 409)).toMatchObject({ reason: 'rate_limit', details: { calls: 5, limit: 3 } });
    await ok('usage.record', { account: flux, action: 'mcp-tool', quantity: 2 });
    expect((await fails('usage.record', { account: flux, action: 'mcp-tool', quantity: 2 }, 409)).details.retryAt).toBe('2026-11-05T10:00:00.000Z');

    // 3. Starter → Pro → Starter.
    await ok('usage.record', { account: image, action: 'compress', quantity: 50 });
    await ok('accounts.plan', { account: image, plan: 'pro' });
    await ok('usage.record', { account: image, action: 'compress', quantity: 100 });
    expect((await ok('accounts.plan', { account: image, plan: 'starter' })).forfeited).toEqual([{ pool: 'compression', credits: 100 }]);
    const pools = (await ok('balance.get', { account: image })).pools as { pool: string; remaining: number }[];
    expect(pools.find((p) => p.pool === 'compression')!.remaining).toBe(50);

    // 4. A release dated before its hold.
    const hold = await ok('holds.place', { account: lux, pool: 'credits', amount: 10 });
    clock().set(Date.parse('2026-11-05T09:30:00Z'));
    expect((await fails('holds.release', { hold: hold.holdId, at: '2026-11-05T08:00:00Z' }, 400)).message).toMatch(/before its hold/);

    // 5. A grant replayed with another expiry.
    await ok('grants.add', { account: lux, pool: 'credits', amount: 5, source: 'promo', expires: '2027-01-01T00:00:00Z', key: 'promo-1' });
    expect((await fails('grants.add', { account: lux, pool: 'credits', amount: 5, source: 'promo', expires: '2027-02-01T00:00:00Z', key: 'promo-1' }, 400)).message).toMatch(
      /idempotency key "promo-1" was already used for gr_\w+ with a different expiry/,
    );

    // 6. Past the exact bound.
    expect((await fails('grants.add', { account: lux, pool: 'credits', amount: '999999999999.999' }, 400)).field).toBe('amount');

    // 7. The spending limit stops work and says so once.
    await ok('accounts.set', { account: lux, monthlyLimit: 20 });
    await ok('usage.record', { account: lux, action: 'email', quantity: 20 });
    await fails('usage.record', { account: lux, action: 'email' }, 409);
    await fails('usage.record', { account: lux, action: 'email' }, 409);
    const alerts = (await ok('alerts.list', { account: lux })) as { kind: string; pool: string }[];
    expect(alerts.filter((a) => a.kind === 'limit')).toEqual([expect.objectContaining({ pool: '*' })]);
  });
});
