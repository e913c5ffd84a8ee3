/**
 * The core queries behind the tools (main/core/api/agents.ts), in process on
 * a manual clock: what a reset takes away (rollover, top-ups expiring first,
 * unlimited pools), and the budget check's dry run leaving no trace, even
 * inside a caller's transaction.
 */
import { describe, expect, it } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { getPreset } from '../../main/core/presets/index.js';
import type { ManualClock } from '../../main/core/util/clock.js';
import { memoryLedger } from '../web/helpers.js';

const digest = (ctx: ReturnType<typeof memoryLedger>) =>
  (ctx.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[])
    .map(({ name }) => `${name}:${JSON.stringify(ctx.db.prepare(`SELECT * FROM "${name}"`).all())}`)
    .join('\n');

describe('agents.resets', () => {
  it('a rollover keeps up to its cap; the rest of the monthly part and the top-ups expiring first are what the reset takes', () => {
    const ctx = memoryLedger('2026-11-15T12:00:00Z');
    const lux = getPreset('lux');
    const provider = { ...lux, id: 'lux-roll', name: 'Lux Roll', pools: lux.pools.map((p) => ({ ...p, rolloverCap: '100.5' })) };
    call(ctx, 'accounts.add', { provider, plan: 'free', anchor: '2026-11-01' });
    call(ctx, 'usage.record', { account: 'lux-roll-free', action: 'ai:claude-opus', quantity: 1001 }); // 15.015 credits
    call(ctx, 'grants.add', { account: 'lux-roll-free', pool: 'credits', amount: '3.25', source: 'promo', expires: '2026-11-20T00:00:00Z', key: 'p1' });
    call(ctx, 'grants.add', { account: 'lux-roll-free', pool: 'credits', amount: '7', source: 'bonus', expires: '2027-01-20T00:00:00Z', key: 'p2' });
    const r = call(ctx, 'agents.resets', { account: 'lux-roll-free' });
    expect(r.accounts[0]!.pools).toEqual([
      {
        pool: 'credits',
        unlimited: false,
        periodStart: '2026-11-01T00:00:00.000Z',
        nextReset: '2026-12-01T00:00:00.000Z',
        monthlyRemaining: 984.985,
        rollsOver: 100.5,
        expiresAtReset: 884.485,
        topupsExpiring: [{ grantId: expect.any(String), source: 'promo', remaining: 3.25, expiresAt: '2026-11-20T00:00:00.000Z' }],
        expiringTotal: 887.735,
      },
    ]);
  });

  it('an unlimited pool loses nothing at its reset', () => {
    const ctx = memoryLedger();
    call(ctx, 'accounts.add', { preset: 'fluximage', plan: 'pro' });
    const pools = call(ctx, 'agents.resets', {}).accounts[0]!.pools;
    expect(pools.find((p) => p.pool === 'compression')).toMatchObject({ unlimited: true, monthlyRemaining: null, rollsOver: 0, expiresAtReset: 0, expiringTotal: 0 });
    expect(pools.find((p) => p.pool === 'ai')).toMatchObject({ unlimited: false, monthlyRemaining: 1000, expiresAtReset: 1000 });
  });
});

describe('agents.check', () => {
  it('answers as the write would, and leaves the ledger byte for byte as it was — also inside an open transaction', () => {
    const ctx = memoryLedger();
    call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise' });
    call(ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 20 });
    (ctx.clock as ManualClock).advance(86_400_000 * 40); // past a reset nobody has booked yet
    const before = digest(ctx);
    expect(call(ctx, 'agents.check', { account: 'fluxnote-rise', action: 'video', quantity: 21 })).toMatchObject({ allowed: true, credits: 21 });
    const no = call(ctx, 'agents.check', { account: 'fluxnote-rise', action: 'video', quantity: 22 });
    expect(no).toMatchObject({ allowed: false, limit: 'credits', reason: 'insufficient_credits' });
    expect(digest(ctx)).toBe(before);
    // Inside a caller's transaction the check rolls back only itself.
    ctx.write(() => {
      call(ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 1, key: 'kept' });
      expect(call(ctx, 'agents.check', { account: 'fluxnote-rise', action: 'video', quantity: 20 }).allowed).toBe(true);
      expect(call(ctx, 'agents.check', { account: 'fluxnote-rise', action: 'video', quantity: 21 }).allowed).toBe(false);
    });
    expect(call(ctx, 'events.list', { account: 'fluxnote-rise' }).events.map((e) => e.key)).toContain('kept');
    expect(call(ctx, 'balance.get', { account: 'fluxnote-rise' }).pools.find((p) => p.pool === 'video')!.remaining).toBe(20);
  });

  it('bad input is an error, not a denial', () => {
    const ctx = memoryLedger();
    call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise' });
    expect(() => call(ctx, 'agents.check', { account: 'fluxnote-rise', action: 'video', quantity: '0.5' })).toThrow(/whole number/);
    expect(() => call(ctx, 'agents.estimate', { account: 'fluxnote-rise', action: 'video', quantity: '1.0001' })).toThrow(/decimals|3/);
  });
});
