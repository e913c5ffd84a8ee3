/**
 * The seven provider rules of docs/ledger.md through the command line: the
 * exit code a user sees (2 invalid, 3 refused) and, for every refusal of bad
 * input, a ledger left exactly as it was.
 */
import { describe, expect, it } from 'vitest';
import { cli } from './harness.js';

describe('provider rules through the CLI', () => {
  it('1. FluxNote: `use ACCOUNT video 0.5` is exit 2 and writes nothing; whole videos are charged one credit each', async () => {
    const c = cli('2026-11-15T12:00:00Z');
    await c.exec('account', 'add', '--preset', 'fluxnote', '--plan', 'rise', '--anchor', '2026-10-31');
    const before = c.digest();
    const r = await c.exec('use', 'fluxnote-rise', 'video', '0.5');
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/video is counted in whole videos: the quantity must be a whole number \(got 0\.5\)/)]);
    expect(c.digest()).toBe(before);
    expect((await c.exec('--json', 'use', 'fluxnote-rise', 'video', '2')).json().credits).toBe(2);
    // The rate card says so, and a custom action can say it too.
    expect((await c.exec('action', 'list', 'fluxnote-rise')).out).toMatch(/video\s+video\s+1\s+1 video \(whole\)/);
    expect((await c.exec('--json', 'action', 'set', 'fluxnote-rise', 'upscale', '--pool', 'video', '--cost', '1', '--whole-units')).json().wholeUnits).toBe(true);
    expect((await c.exec('--json', 'action', 'set', 'fluxnote-rise', 'upscale', '--no-whole-units')).json().wholeUnits).toBe(false);
  });

  it('2. Flux: `use ACCOUNT tool 5` with a limit of 3 is exit 3 rate_limit with the time the next call passes; 2 + 2 in an hour is refused', async () => {
    const c = cli('2026-06-02T10:00:00Z');
    await c.exec('account', 'add', '--preset', 'flux', '--plan', 'edge');
    await c.exec('action', 'set', 'flux-edge', 'mcp-tool', '--cost', '1', '--hourly-limit', '3');
    const five = await c.exec('--json', 'use', 'flux-edge', 'mcp-tool', '5');
    expect(five.code).toBe(3);
    expect(five.json().error).toMatchObject({ reason: 'rate_limit', details: { limit: 3, calls: 5, retryAt: '2026-06-02T10:00:00.000Z' } });
    expect((await c.exec('use', 'flux-edge', 'mcp-tool', '2')).code).toBe(0);
    const again = await c.exec('use', 'flux-edge', 'mcp-tool', '2');
    expect([again.code, again.err]).toEqual([3, expect.stringMatching(/the next 2 calls will pass at Jun 2 11:00 UTC/)]);
  });

  it('3. Fluximage Starter → Pro → Starter in one period: 200 at most, the period\'s compressions counted', async () => {
    const c = cli('2026-11-05T09:00:00Z');
    await c.exec('account', 'add', '--preset', 'fluximage', '--plan', 'starter', '--anchor', '2026-11-05');
    await c.exec('use', 'fluximage-starter', 'compress', '50');
    await c.exec('account', 'plan', 'fluximage-starter', 'pro');
    await c.exec('use', 'fluximage-starter', 'compress', '100');
    const back = await c.exec('account', 'plan', 'fluximage-starter', 'starter');
    expect(back.out).toMatch(/100 compression credits of the old allowance expired/);
    const pools = (await c.exec('--json', 'balance', 'fluximage-starter')).json().pools;
    expect(pools.find((p: { pool: string }) => p.pool === 'compression')).toMatchObject({ unlimited: false, remaining: 50, usedThisPeriod: 150 });
  });

  it('4. a refund, capture or release dated before its purchase or hold is exit 2 and writes nothing', async () => {
    const c = cli('2026-03-12T09:00:00Z');
    await c.exec('account', 'add', '--preset', 'lux', '--plan', 'free', '--anchor', '2026-03-01');
    const g = (await c.exec('--json', 'grant', 'lux-free', 'credits', '100', '--source', 'purchase', '--price', '100')).json();
    const h = (await c.exec('--json', 'hold', 'lux-free', 'credits', '10')).json();
    c.clock.set(Date.parse('2026-03-12T10:00:00Z'));
    const before = c.digest();
    const early = '2026-03-12T08:00:00Z';
    for (const args of [
      ['refund', g.grantId, '--at', early],
      ['capture', h.holdId, 'email', '--at', early],
      ['release', h.holdId, '--at', early],
    ]) {
      const r = await c.exec(...args);
      expect([args[0], r.code, r.err]).toEqual([args[0], 2, expect.stringMatching(/a correction cannot be dated before what it corrects/)]);
    }
    expect(c.digest()).toBe(before);
  });

  it('5. `grant` replayed with its key but another price is exit 2 naming the key and the field', async () => {
    const c = cli('2026-11-15T12:00:00Z');
    await c.exec('account', 'add', '--preset', 'lux', '--plan', 'free');
    const args = ['grant', 'lux-free', 'credits', '500', '--source', 'purchase', '--price', '500', '--key', 'order-17'];
    expect((await c.exec(...args)).code).toBe(0);
    const before = c.digest();
    const r = await c.exec(...args.slice(0, -4), '--price', '400', '--key', 'order-17');
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/idempotency key "order-17" was already used for gr_\w+ with a different price/)]);
    expect(c.digest()).toBe(before);
    expect((await c.exec('--json', ...args)).json().status).toBe('duplicate');
  });

  it('6. a top-up that would pass 1,000,000,000,000 credits in a pool is exit 2; totals below it print exactly', async () => {
    const c = cli('2026-11-15T12:00:00Z');
    await c.exec('account', 'add', '--preset', 'flux', '--plan', 'pulse');
    expect((await c.exec('grant', 'flux-pulse', 'credits', '999999999999.999')).code).toBe(0);
    const before = c.digest();
    const r = await c.exec('grant', 'flux-pulse', 'credits', '999999999999.999');
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/more than 1,000,000,000,000 credits/)]);
    expect(c.digest()).toBe(before);
    expect((await c.exec('--json', 'balance', 'flux-pulse')).out).toMatch(/"remaining": 999999999999.999,/);
  });

  it('7. Lux: reaching the monthly spending limit records one alert, listed by `creditdeck alerts`; thresholds can measure the limit', async () => {
    const c = cli('2026-03-12T09:00:00Z');
    await c.exec('account', 'add', '--preset', 'lux', '--plan', 'starter', '--anchor', '2026-03-01');
    expect((await c.exec('account', 'set', 'lux-starter', '--alert-basis', 'limit')).code).toBe(2);
    expect((await c.exec('account', 'set', 'lux-starter', '--monthly-limit', '100', '--alert-basis', 'both')).code).toBe(0);
    expect((await c.exec('account', 'show', 'lux-starter')).out).toMatch(/alerts at 50\/80\/100 % of the allocation and of the limit/);
    await c.exec('use', 'lux-starter', 'email', '95');
    for (let i = 0; i < 2; i++) expect((await c.exec('use', 'lux-starter', 'sms', '3')).code).toBe(3);
    const alerts = (await c.exec('--json', 'alerts', 'lux-starter')).json();
    expect(alerts.filter((a: { kind: string }) => a.kind === 'limit')).toHaveLength(1);
    expect(alerts.filter((a: { kind: string }) => a.kind === 'spend').map((a: { level: number }) => a.level).sort()).toEqual([50, 80]);
    expect((await c.exec('alerts', 'lux-starter')).out).toMatch(/lux-starter {2}Lux Starter: monthly spending limit of 100 credits reached/);
  });

  it('7. Flowly: the preset alerts when 10 % of the monthly credits are left; `--low-balance 5%` changes it', async () => {
    const c = cli('2026-03-12T09:00:00Z');
    await c.exec('account', 'add', '--preset', 'flowly', '--plan', 'custom', '--amount', 'credits=500', '--anchor', '2026-03-01');
    expect((await c.exec('account', 'show', 'flowly-subscription')).out).toMatch(/low balance at 10 % of the allocation/);
    await c.exec('action', 'set', 'flowly-subscription', 'ai:claude-haiku-4.5', '--cost', '1');
    const u = (await c.exec('--json', 'use', 'flowly-subscription', 'ai:claude-haiku-4.5', '450')).json();
    expect(u.alerts.map((a: { kind: string }) => a.kind)).toContain('low-balance');
    expect((await c.exec('--json', 'account', 'set', 'flowly-subscription', '--low-balance', '5%')).code).toBe(0);
    expect((await c.exec('account', 'show', 'flowly-subscription')).out).toMatch(/low balance at 5 % of the allocation/);
  });
});
