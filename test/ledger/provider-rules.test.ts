/**
 * Seven rules as the providers' documents state them (docs/ledger.md), each
 * walked with the document's own numbers through the one API every transport
 * uses. test/cli/provider-rules.test.ts and test/web/provider-rules.test.ts
 * walk the same rules through the command line and HTTP.
 */
import { describe, expect, test } from 'vitest';
import { count, fresh, ms } from './helpers.js';

const digest = (h: ReturnType<typeof fresh>) =>
  JSON.stringify(['events', 'entries', 'grants', 'holds', 'hold_moves', 'refunds', 'alerts', 'plan_changes'].map((t) => h.ctx.db.prepare(`SELECT * FROM ${t}`).all()));

describe('1. whole-asset pools take whole units', () => {
  test('FluxNote: "no fractional credits for shorter videos": half a video is invalid input and writes nothing', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
    const before = digest(h);
    expect(h.invalid('usage.record', { account: a, action: 'video', quantity: '0.5' }).message).toMatch(/video is counted in whole videos: the quantity must be a whole number \(got 0\.5\)/);
    expect(h.invalid('usage.record', { account: a, action: 'image', quantity: 2.25 }).field).toBe('quantity');
    expect(digest(h)).toBe(before);
    // Rise: 21 videos, one credit each.
    expect(h.op('usage.record', { account: a, action: 'video', quantity: 2 }).credits).toBe(2);
    expect(h.pool(a, 'video').remaining).toBe(19);
  });

  test('Fluximage: one image processed, one compression credit; a fraction of an image is refused, so are fractional AI features', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'starter' });
    for (const action of ['compress', 'alt-text', 'seo-rename']) h.invalid('usage.record', { account: a, action, quantity: '1.5', attrs: { image: 'i1' } });
    expect(count(h.ctx, 'events', a)).toBe(0);
    h.op('usage.record', { account: a, action: 'compress', quantity: 3 });
    expect(h.pool(a, 'compression').remaining).toBe(197);
  });

  test('the flag lives in the rate card: a custom action may set it, a preset action may drop it, tokens stay fractional', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    const lux = h.account({ preset: 'lux', plan: 'free' });
    expect(h.op('usage.record', { account: lux, action: 'ai:claude-sonnet', quantity: 1500 }).credits).toBe(7.5);
    expect(h.op('usage.record', { account: lux, action: 'voice-call', quantity: '2.5' }).credits).toBe(12.5);
    h.invalid('usage.record', { account: lux, action: 'email', quantity: '1.5' });
    expect(h.op('actions.set', { account: lux, action: 'email', wholeUnits: false }).wholeUnits).toBe(false);
    expect(h.op('usage.record', { account: lux, action: 'email', quantity: '1.5' }).credits).toBe(1.5);
    expect(h.op('actions.set', { account: lux, action: 'render', pool: 'credits', cost: 3, wholeUnits: true }).wholeUnits).toBe(true);
    h.invalid('usage.record', { account: lux, action: 'render', quantity: '0.001' });
    const shown = h.op('actions.list', { account: lux });
    expect(shown.find((x) => x.id === 'sms')!.wholeUnits).toBe(true);
    expect(shown.find((x) => x.id === 'ai:claude-opus')!.wholeUnits).toBe(false);
  });

  test('a capture against a hold follows the same rule', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
    const hold = h.op('holds.place', { account: a, pool: 'video', amount: 5 });
    h.invalid('holds.capture', { hold: hold.holdId, action: 'video', quantity: '0.5' });
    expect(h.op('holds.capture', { hold: hold.holdId, action: 'video', quantity: 1 }).credits).toBe(1);
  });
});

describe('2. hourly rate limits count calls, not events', () => {
  const flux = () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'flux', plan: 'edge' });
    h.op('actions.set', { account: a, action: 'mcp-tool', cost: 1, hourlyLimit: 3 });
    return { h, a };
  };

  test('five calls in one event against a limit of three: refused (rate_limit) with the time one call passes, nothing charged', () => {
    const { h, a } = flux();
    const e = h.refused('usage.record', { account: a, action: 'mcp-tool', quantity: 5 }, 'rate_limit');
    expect(e.message).toMatch(/limited to 3 calls per hour, so 5 calls can never pass at once: split the batch/);
    expect(e.details).toMatchObject({ limit: 3, calls: 5, inWindow: 0, retryAt: '2026-06-02T10:00:00.000Z' });
    expect(h.pool(a, 'credits').remaining).toBe(200);
  });

  test('two events of two calls in one hour reach four: the second is refused until the first is an hour old', () => {
    const { h, a } = flux();
    h.op('usage.record', { account: a, action: 'mcp-tool', quantity: 2 });
    h.at('2026-06-02T10:20:00Z');
    const e = h.refused('usage.record', { account: a, action: 'mcp-tool', quantity: 2 }, 'rate_limit');
    expect(e.details).toMatchObject({ limit: 3, calls: 2, inWindow: 2, retryAt: '2026-06-02T11:00:00.000Z' });
    expect(e.message).toMatch(/the next 2 calls will pass at 2026-06-02T11:00:00.000Z/);
    // One more call still fits (2 + 1 = 3).
    expect(h.op('usage.record', { account: a, action: 'mcp-tool', quantity: 1 }).status).toBe('applied');
    h.clock.set(ms('2026-06-02T10:59:59.999Z'));
    h.refused('usage.record', { account: a, action: 'mcp-tool', quantity: 2 }, 'rate_limit');
    // At 11:00 the first event's two calls leave the window: 1 + 2 = 3 pass.
    h.at('2026-06-02T11:00:00Z');
    expect(h.op('usage.record', { account: a, action: 'mcp-tool', quantity: 2 }).status).toBe('applied');
    expect(h.pool(a, 'credits').remaining).toBe(195);
  });

  test('retryAt waits for as many old calls as the request needs, not just the oldest', () => {
    const { h, a } = flux();
    h.op('usage.record', { account: a, action: 'mcp-tool', quantity: 1 });
    h.at('2026-06-02T10:10:00Z');
    h.op('usage.record', { account: a, action: 'mcp-tool', quantity: 1 });
    h.at('2026-06-02T10:20:00Z');
    h.op('usage.record', { account: a, action: 'mcp-tool', quantity: 1 });
    h.at('2026-06-02T10:30:00Z');
    expect(h.refused('usage.record', { account: a, action: 'mcp-tool', quantity: 2 }, 'rate_limit').details.retryAt).toBe('2026-06-02T11:10:00.000Z');
    expect(h.refused('usage.record', { account: a, action: 'mcp-tool', quantity: 3 }, 'rate_limit').details.retryAt).toBe('2026-06-02T11:20:00.000Z');
  });
});

describe('3. plan changes within one period never mint credits', () => {
  /** Fluximage Starter on 2026-11-05 (compression 200, AI 200), `used` compressions. */
  const starter = (used: number) => {
    const h = fresh('2026-11-05T09:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'starter', anchor: '2026-11-05' });
    if (used) h.op('usage.record', { account: a, action: 'compress', quantity: used });
    return { h, a };
  };

  test('Starter → Pro (unlimited) → Starter: the old grant\'s remainder does not sit beside a new 200', () => {
    const { h, a } = starter(50);
    h.at('2026-11-10T09:00:00Z');
    h.op('accounts.plan', { account: a, plan: 'pro' });
    h.op('usage.record', { account: a, action: 'compress', quantity: 100 });
    h.at('2026-11-12T09:00:00Z');
    const back = h.op('accounts.plan', { account: a, plan: 'starter' });
    // 150 used this period against Starter's 200: 50 left, the other 100 of the old grant expire at the change.
    expect(back).toMatchObject({ granted: [], forfeited: [{ pool: 'compression', credits: 100 }] });
    expect(h.pool(a, 'compression')).toMatchObject({ unlimited: false, remaining: 50, usedThisPeriod: 150 });
    // The AI pool (200 → 1,000 → 200) went up and down without a use: 1,000 stays until the reset.
    expect(h.pool(a, 'ai').remaining).toBe(1000);
    h.op('usage.record', { account: a, action: 'compress', quantity: 50 });
    h.refused('usage.record', { account: a, action: 'compress' }, 'insufficient_credits');
    // The next period starts afresh with Starter's 200.
    h.at('2026-12-05T00:00:00Z');
    expect(h.pool(a, 'compression').remaining).toBe(200);
  });

  test('every pair within one period, and round trips of any length, leave at most the largest allocation less the period\'s usage', () => {
    const { h, a } = starter(30);
    const steps: [string, number | 'unlimited'][] = [
      ['pro', 'unlimited'], // to unlimited: unlimited at once
      ['agency', 'unlimited'], // unlimited → unlimited: nothing changes
      ['starter', 170], // from unlimited: 200 less the 30 used
      ['free', 170], // down: nothing taken back until the reset
      ['starter', 170], // back up to what was already granted: nothing new
      ['pro', 'unlimited'],
      ['free', 0], // from unlimited to a smaller plan: 20 less the 30 used → 0
      ['starter', 170], // up again: 200 less the 30 used, never more
    ];
    let hour = 10;
    for (const [plan, left] of steps) {
      h.at(`2026-11-06T${String(hour++).padStart(2, '0')}:00:00Z`);
      h.op('accounts.plan', { account: a, plan });
      const pool = h.pool(a, 'compression');
      if (left === 'unlimited') expect(pool.unlimited, plan).toBe(true);
      else expect([plan, pool.unlimited, pool.remaining]).toEqual([plan, false, left]);
    }
  });

  test('usage while unlimited counts when the pool becomes limited again', () => {
    const { h, a } = starter(10);
    h.at('2026-11-06T10:00:00Z');
    h.op('accounts.plan', { account: a, plan: 'pro' });
    h.op('usage.record', { account: a, action: 'compress', quantity: 150 });
    h.at('2026-11-06T11:00:00Z');
    h.op('accounts.plan', { account: a, plan: 'starter' });
    expect(h.pool(a, 'compression').remaining).toBe(40);
    // A void of usage made while unlimited gives it back to the allowance at the next change.
    const ev = h.op('events.list', { account: a }).events.find((e) => e.quantity === 150)!;
    h.op('events.void', { event: ev.eventId });
    h.at('2026-11-06T12:00:00Z');
    h.op('accounts.plan', { account: a, plan: 'pro' });
    h.at('2026-11-06T13:00:00Z');
    h.op('accounts.plan', { account: a, plan: 'starter' });
    expect(h.pool(a, 'compression').remaining).toBe(190);
  });

  test('an upgrade with top-ups spent keeps them spent; the allowance counts only what it served', () => {
    const h = fresh('2026-11-05T09:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'starter', anchor: '2026-11-05' });
    h.op('grants.add', { account: a, pool: 'ai', amount: 100, source: 'purchase' });
    for (let i = 0; i < 250; i++) h.op('usage.record', { account: a, action: 'alt-text', attrs: { image: `i${i}` } });
    expect(h.pool(a, 'ai')).toMatchObject({ monthlyRemaining: 0, topupRemaining: 50 });
    h.at('2026-11-06T09:00:00Z');
    expect(h.op('accounts.plan', { account: a, plan: 'pro' }).granted).toEqual([{ pool: 'ai', credits: 800 }]);
    expect(h.pool(a, 'ai')).toMatchObject({ monthlyRemaining: 800, topupRemaining: 50 });
  });
});

describe('4. a correction cannot be dated before what it corrects', () => {
  test('refund before the purchase, capture and release before the hold, void before the event: exit 2, nothing written', () => {
    const h = fresh('2026-03-12T09:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', anchor: '2026-03-01' });
    const g = h.op('grants.add', { account: a, pool: 'credits', amount: 1000, source: 'purchase', priceCents: 1000 });
    const hold = h.op('holds.place', { account: a, pool: 'credits', amount: 100 });
    const ev = h.op('usage.record', { account: a, action: 'email' });
    h.at('2026-03-12T10:00:00Z');
    const before = digest(h);
    const early = '2026-03-12T08:59:59.999Z';
    expect(h.invalid('grants.refund', { grant: g.grantId, at: early }).message).toMatch(/is before its grant gr_\w+ was made \(2026-03-12T09:00:00.000Z\); a correction cannot be dated before what it corrects/);
    expect(h.invalid('holds.capture', { hold: hold.holdId, action: 'email', at: early }).message).toMatch(/is before its hold \S+ was placed/);
    expect(h.invalid('holds.release', { hold: hold.holdId, at: early }).message).toMatch(/is before its hold \S+ was placed/);
    expect(h.invalid('events.void', { event: ev.eventId, at: early }).message).toMatch(/is before its event ev_\w+/);
    expect(digest(h)).toBe(before);
    // At the instant itself each is allowed.
    h.op('holds.capture', { hold: hold.holdId, action: 'email', at: '2026-03-12T09:00:00Z' });
    h.op('holds.release', { hold: hold.holdId, at: '2026-03-12T09:00:00Z' });
    expect(h.op('grants.refund', { grant: g.grantId, at: '2026-03-12T09:00:00Z' }).credits).toBe(1000);
  });
});

describe('5. a keyed replay must repeat the whole request', () => {
  test('grants: the same key with another price, expiry, note or time is an error naming the key and the field', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    const first = { account: a, pool: 'credits', amount: 500, source: 'bonus' as const, priceCents: 500, expires: '2027-01-01T00:00:00Z', note: 'launch promo', at: '2026-11-15T11:00:00Z', key: 'g-1' };
    h.op('grants.add', first);
    const before = digest(h);
    for (const [change, field] of [
      [{ priceCents: 501 }, 'price'],
      [{ expires: '2027-02-01T00:00:00Z' }, 'expiry (--expires)'],
      [{ note: 'another note' }, 'note'],
      [{ at: '2026-11-15T11:30:00Z' }, 'time (--at)'],
      [{ amount: 50 }, 'amount'],
    ] as const) {
      const e = h.invalid('grants.add', { ...first, ...change });
      expect(e.message).toContain(`idempotency key "g-1" was already used for gr_`);
      expect(e.message).toContain(`with a different ${field};`);
      expect(e.field).toBe('key');
    }
    expect(digest(h)).toBe(before);
    expect(h.op('grants.add', first).status).toBe('duplicate');
  });

  test('holds and captures: the same key with another amount, expiry, note or quantity is an error', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    const first = { account: a, pool: 'credits', amount: 100, expires: '2026-11-15T14:00:00Z', note: 'batch 7', key: 'h-1' };
    const hold = h.op('holds.place', first);
    for (const [change, field] of [
      [{ amount: 101 }, 'amount'],
      [{ expires: '2026-11-15T15:00:00Z' }, 'expiry (--expires)'],
      [{ note: 'batch 8' }, 'note'],
    ] as const) {
      expect(h.invalid('holds.place', { ...first, ...change }).message).toContain(`idempotency key "h-1" was already used for ${hold.holdId} with a different ${field};`);
    }
    expect(h.op('holds.place', first).holdId).toBe(hold.holdId);
    h.op('holds.capture', { hold: hold.holdId, action: 'email', quantity: 2, key: 'c-1' });
    expect(h.invalid('holds.capture', { hold: hold.holdId, action: 'email', quantity: 3, key: 'c-1' }).message).toContain('with a different quantity;');
    expect(h.op('holds.capture', { hold: hold.holdId, action: 'email', quantity: 2, key: 'c-1' }).status).toBe('duplicate');
  });

  test('imports: a keyed line replayed with other content fails the whole file, naming the line and the field', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    h.op('import', { format: 'jsonl', text: `{"account":"${a}","action":"sms","quantity":1,"key":"i-1"}\n` });
    const before = digest(h);
    const e = h.invalid('import', { format: 'jsonl', text: `{"account":"${a}","action":"email","quantity":1,"key":"i-2"}\n{"account":"${a}","action":"sms","quantity":2,"key":"i-1"}\n` });
    expect(e.message).toMatch(/line 2/);
    expect(e.message).toContain('with a different quantity;');
    expect(digest(h)).toBe(before);
  });
});

describe('6. totals stay exact at any size the ledger accepts', () => {
  // Flux Pulse grants nothing monthly, so the pool holds only these top-ups.
  test('ten grants of 99,999,999,999.999 sum to 999,999,999,999.99 exactly; one more credit past the bound is refused', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    const a = h.account({ preset: 'flux', plan: 'pulse' });
    for (let i = 0; i < 10; i++) h.op('grants.add', { account: a, pool: 'credits', amount: '99999999999.999' });
    expect(h.pool(a, 'credits').remaining).toBe(999_999_999_999.99);
    expect(String(h.pool(a, 'credits').remaining)).toBe('999999999999.99');
    const before = digest(h);
    // 0.011 more would pass 1,000,000,000,000; 0.01 reaches it exactly.
    const e = h.invalid('grants.add', { account: a, pool: 'credits', amount: '0.011' });
    expect(e.message).toMatch(/would hold more than 1,000,000,000,000 credits/);
    expect(digest(h)).toBe(before);
    expect(h.op('grants.add', { account: a, pool: 'credits', amount: '0.01' }).credits).toBe(0.01);
  });

  test('the issue\'s case: ten grants of 999,999,999,999.999 — the second is refused, so no total can come back rounded', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    const a = h.account({ preset: 'flux', plan: 'pulse' });
    expect(h.op('grants.add', { account: a, pool: 'credits', amount: '999999999999.999' }).credits).toBe(999_999_999_999.999);
    expect(h.invalid('grants.add', { account: a, pool: 'credits', amount: '999999999999.999' }).field).toBe('amount');
    expect(h.pool(a, 'credits').remaining).toBe(999_999_999_999.999);
    expect(count(h.ctx, 'grants', a)).toBe(1);
    // Lux Free also counts the 1,000 its next reset grants.
    const lux = h.account({ preset: 'lux', plan: 'free' });
    h.invalid('grants.add', { account: lux, pool: 'credits', amount: '999999999000.001' });
    expect(h.op('grants.add', { account: lux, pool: 'credits', amount: '999999999000' }).credits).toBe(999_999_999_000);
  });

  test('usage on an unlimited pool cannot take a period past the bound; reports over many periods sum exactly or ask for a shorter range', () => {
    const h = fresh('2026-11-15T12:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'pro' });
    h.op('actions.set', { account: a, action: 'bulk', pool: 'compression', cost: '400000000000' });
    h.op('usage.record', { account: a, action: 'bulk' });
    h.op('usage.record', { account: a, action: 'bulk' });
    const e = h.invalid('usage.record', { account: a, action: 'bulk' });
    expect(e.message).toMatch(/usage this period past 1,000,000,000,000 credits/);
    expect(h.pool(a, 'compression').usedThisPeriod).toBe(800_000_000_000);
    // Next period, two more: 1.6e12 over both periods cannot be reported exactly as one number.
    h.at('2026-12-15T12:00:00Z');
    h.op('usage.record', { account: a, action: 'bulk' });
    h.op('usage.record', { account: a, action: 'bulk' });
    const both = { account: a, from: '2026-11-01T00:00:00Z', to: '2026-12-31T00:00:00Z' };
    expect(h.invalid('reports.usage', { ...both, by: ['month'] }).message).toMatch(/total passes 1,000,000,000,000 .*shorter range/);
    expect(h.invalid('reports.usage', { ...both, by: ['pool'] }).message).toMatch(/passes 1,000,000,000,000/);
    expect(h.op('reports.usage', { account: a, by: ['month'], from: '2026-12-01T00:00:00Z', to: '2026-12-31T00:00:00Z' }).total.credits).toBe(800_000_000_000);
  });
});

describe('7. a spending limit that stops work notifies', () => {
  test('Lux: the monthly limit refuses work once and records one "limit" alert for the period, listed with the others', () => {
    const h = fresh('2026-03-12T09:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'starter', anchor: '2026-03-01' });
    h.op('accounts.set', { account: a, monthlyLimit: 100 });
    h.op('usage.record', { account: a, action: 'email', quantity: 95 });
    for (let i = 0; i < 3; i++) h.refused('usage.record', { account: a, action: 'sms', quantity: 3 }, 'account_limit');
    const limits = h.op('alerts.list', { account: a }).filter((x) => x.kind === 'limit');
    expect(limits).toHaveLength(1);
    expect(limits[0]).toMatchObject({ pool: '*', level: 100, periodStart: '2026-03-01T00:00:00.000Z' });
    expect(limits[0]!.message).toMatch(/monthly spending limit of 100 credits reached — work is refused until the reset/);
    // The next period can alert again.
    h.at('2026-04-02T09:00:00Z');
    h.op('usage.record', { account: a, action: 'email', quantity: 100 });
    h.refused('usage.record', { account: a, action: 'email' }, 'account_limit');
    expect(h.op('alerts.list', { account: a }).filter((x) => x.kind === 'limit')).toHaveLength(2);
  });

  test('a member\'s own limit alerts once per member per period', () => {
    const h = fresh('2026-03-12T09:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'starter', anchor: '2026-03-01' });
    h.op('members.add', { account: a, member: 'ana', monthlyLimit: 10 });
    h.op('members.add', { account: a, member: 'ben', monthlyLimit: 10 });
    for (const m of ['ana', 'ben']) h.op('usage.record', { account: a, action: 'email', quantity: 10, member: m });
    for (const m of ['ana', 'ana', 'ben']) h.refused('usage.record', { account: a, action: 'email', member: m }, 'member_limit');
    const alerts = h.op('alerts.list', { account: a }).filter((x) => x.kind === 'limit');
    expect(alerts.map((x) => x.member).sort()).toEqual(['ana', 'ben']);
  });

  test('thresholds can be measured against the spending limit (a setting), and need a limit to be', () => {
    const h = fresh('2026-03-12T09:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'pro', anchor: '2026-03-01' });
    expect(h.invalid('accounts.set', { account: a, alertBasis: 'limit' }).message).toMatch(/has none: set --monthly-limit too/);
    expect(h.invalid('accounts.set', { account: a, alertBasis: 'budget', monthlyLimit: 1000 }).field).toBe('alertBasis');
    expect(h.op('accounts.set', { account: a, monthlyLimit: 1000, alertBasis: 'both' }).alertBasis).toBe('both');
    h.op('usage.record', { account: a, action: 'email', quantity: 500 });
    const spend = h.op('alerts.list', { account: a }).filter((x) => x.kind === 'spend');
    expect(spend.map((x) => x.level)).toEqual([50]);
    expect(spend[0]!.message).toMatch(/50 % of the monthly spending limit used \(500 of 1,000 credits\)/);
    h.op('usage.record', { account: a, action: 'email', quantity: 300 });
    expect(h.op('alerts.list', { account: a }).filter((x) => x.kind === 'spend').map((x) => x.level).sort()).toEqual([50, 80]);
    // Against the allocation (100,000) nothing was crossed yet; with basis "limit" allocation thresholds stop.
    expect(h.op('alerts.list', { account: a }).filter((x) => x.kind === 'threshold')).toEqual([]);
  });

  test('Flowly: "email notifications when your credits are running low" — its preset alerts at 10 % of the monthly credits left', () => {
    const h = fresh('2026-03-12T09:00:00Z');
    const a = h.account({ preset: 'flowly', plan: 'custom', amounts: { credits: '2000' }, anchor: '2026-03-01' });
    expect(h.op('accounts.show', { account: a })).toMatchObject({ lowBalance: null, lowBalancePercent: 10 });
    h.op('actions.set', { account: a, action: 'ai:claude-haiku-4.5', cost: 1 });
    h.op('usage.record', { account: a, action: 'ai:claude-haiku-4.5', quantity: 1799 });
    expect(h.op('alerts.list', { account: a }).filter((x) => x.kind === 'low-balance')).toEqual([]);
    const low = h.op('usage.record', { account: a, action: 'ai:claude-haiku-4.5', quantity: 1 }).alerts.filter((x) => x.kind === 'low-balance');
    expect(low).toHaveLength(1);
    expect(low[0]!.message).toMatch(/balance is low \(200 left, alert level 200 \(10 % of the allocation\)\)/);
    // The level is the user's to change: in credits, or as a share.
    expect(h.op('accounts.set', { account: a, lowBalance: '25%' })).toMatchObject({ lowBalance: null, lowBalancePercent: 25 });
    expect(h.op('accounts.set', { account: a, lowBalance: 50 })).toMatchObject({ lowBalance: 50, lowBalancePercent: null });
    expect(h.invalid('accounts.set', { account: a, lowBalance: '120%' }).message).toMatch(/at most 100/);
  });
});
