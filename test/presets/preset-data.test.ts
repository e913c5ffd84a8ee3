/**
 * The five presets hold exactly the numbers their provider documents give
 * (/work/shared/seeds: Flux, Lux, Flowly, FluxNote, Fluximage) and nothing the
 * documents do not give. Every expected value below was read off the documents.
 */
import { describe, expect, test } from 'vitest';
import { getPreset, parseProvider, presets } from '../../main/core/presets/index.js';
import type { Provider } from '../../main/core/presets/schema.js';
import { InputError } from '../../main/core/util/errors.js';
import { ledger } from './helpers.js';

const plan = (p: Provider, id: string) => {
  const x = p.plans.find((q) => q.id === id);
  if (!x) throw new Error(`${p.id} has no plan ${id}`);
  return x;
};
const action = (p: Provider, id: string) => {
  const x = p.actions.find((q) => q.id === id);
  if (!x) throw new Error(`${p.id} has no action ${id}`);
  return x;
};
const pack = (p: Provider, id: string) => {
  const x = p.packs.find((q) => q.id === id);
  if (!x) throw new Error(`${p.id} has no pack ${id}`);
  return x;
};

test('exactly the five documented providers ship as presets', () => {
  expect(Object.keys(presets).sort()).toEqual(['flowly', 'flux', 'fluximage', 'fluxnote', 'lux']);
  expect(() => getPreset('nope')).toThrow(InputError);
});

describe('Flux (Account & Billing · Credits)', () => {
  const p = getPreset('flux');

  test('200 credits a month on Edge, reset on the 1st of each calendar month at 00:00 UTC', () => {
    expect(p.reset).toEqual({ rule: 'calendar-month', zone: 'UTC' });
    expect(p.pools.map((x) => x.id)).toEqual(['credits']);
    expect(plan(p, 'edge').allocations).toEqual({ credits: 200 });
    // "Monthly grant credits are use-it-or-lose-it — unused free credits do not roll over"
    expect(p.pools[0]!.rolloverCap).toBeNull();
  });

  test('packs: Starter 500 credits for $5, Pro 2,000 credits for $15; Edge may buy, Pulse may not', () => {
    expect(p.packs.map((x) => [x.id, x.pool, x.credits, x.priceCents])).toEqual([
      ['starter', 'credits', 500, 500],
      ['pro', 'credits', 2000, 1500],
    ]);
    expect(plan(p, 'edge').packPools).toEqual(['credits']);
    // "Credit pack purchases require an active Edge plan. Pulse accounts cannot purchase packs."
    expect(plan(p, 'pulse').packPools).toEqual([]);
    expect(p.currency).toBe('USD');
  });

  test('numbers the doc does not give stay null: plan prices and per-tool costs', () => {
    expect(plan(p, 'edge').priceCents).toBeNull();
    expect(plan(p, 'pulse').priceCents).toBeNull();
    // "Each tool documents its cost in the MCP / API reference" — not in this doc.
    expect(action(p, 'mcp-tool').cost).toBeNull();
    expect(action(p, 'api-request').cost).toBeNull();
    expect(p.refundWindowDays).toBeNull();
  });
});

describe('Lux (Billing & Credits)', () => {
  const p = getPreset('lux');

  test('plans: Free 1,000, Starter 10,000, Pro 100,000, Enterprise custom', () => {
    expect(p.plans.map((x) => [x.id, x.allocations.credits])).toEqual([
      ['free', 1000],
      ['starter', 10000],
      ['pro', 100000],
      ['enterprise', null],
    ]);
  });

  test('AI model rates in credits per 1K tokens', () => {
    const rate = (id: string) => [action(p, id).cost, action(p, id).per, action(p, id).pool];
    expect(rate('ai:claude-haiku')).toEqual([1, 1000, 'credits']);
    expect(rate('ai:claude-sonnet')).toEqual([5, 1000, 'credits']);
    expect(rate('ai:claude-opus')).toEqual([15, 1000, 'credits']);
    expect(rate('ai:gpt-4o')).toEqual([5, 1000, 'credits']);
    expect(rate('ai:gpt-4o-mini')).toEqual([1, 1000, 'credits']);
  });

  test('communication: email 1, SMS 2, voice call 5 per minute, voice synthesis 1 per 1K characters', () => {
    const rate = (id: string) => [action(p, id).cost, action(p, id).per, action(p, id).unit];
    expect(rate('email')).toEqual([1, 1, 'email']);
    expect(rate('sms')).toEqual([2, 1, 'message']);
    expect(rate('voice-call')).toEqual([5, 1, 'minute']);
    expect(rate('voice-synthesis')).toEqual([1, 1000, 'character']);
    expect(p.actions).toHaveLength(9);
  });

  test('30-day refund window, anniversary reset, purchased credits on every plan', () => {
    expect(p.refundWindowDays).toBe(30);
    // "Monthly allotments reset each billing cycle" — the account's own cycle.
    expect(p.reset).toEqual({ rule: 'anniversary' });
    for (const x of p.plans) expect(x.packPools).toEqual(['credits']);
    expect(p.onEmpty).toMatch(/flows pause/);
  });

  test('prices the doc does not give stay null', () => {
    expect(plan(p, 'starter').priceCents).toBeNull();
    expect(plan(p, 'pro').priceCents).toBeNull();
    expect(plan(p, 'enterprise').priceCents).toBeNull();
    // Free: "No credit card required to start."
    expect(plan(p, 'free').priceCents).toBe(0);
    // "Click Add Credits, Select amount": the buyer chooses, no price is given.
    expect(pack(p, 'credits').credits).toBeNull();
    expect(pack(p, 'credits').priceCents).toBeNull();
  });
});

describe('Flowly (Understanding Credits)', () => {
  const p = getPreset('flowly');

  test('one custom plan whose monthly credits the user gives (--amount), a bonus pack, model costs unset', () => {
    expect(p.plans).toHaveLength(1);
    expect(plan(p, 'custom').allocations).toEqual({ credits: null });
    expect(plan(p, 'custom').priceCents).toBeNull();
    expect(plan(p, 'custom').packPools).toEqual(['credits']);
    expect(pack(p, 'bonus').pool).toBe('credits');
    expect(pack(p, 'bonus').credits).toBeNull();
    expect(pack(p, 'bonus').priceCents).toBeNull();
    // The doc rates models only "Low" / "Medium": no numbers.
    expect(p.actions.map((a) => a.id).sort()).toEqual(['ai:claude-haiku-4.5', 'ai:claude-sonnet-4.5', 'ai:kimi-k2.5', 'ai:minimax-m2.1']);
    for (const a of p.actions) expect(a.cost).toBeNull();
    expect(p.pools[0]!.rolloverCap).toBeNull(); // "Don't roll over to the next month"
    expect(p.reset).toEqual({ rule: 'anniversary' }); // "Reset at the start of each billing cycle"
  });

  test('an account on the custom plan must give its monthly credits', () => {
    const l = ledger('2026-05-20T10:00:00Z');
    const e = l.invalid('accounts.add', { preset: 'flowly', plan: 'custom' });
    expect(e.message).toMatch(/--amount credits=N/);
    const a = l.run('accounts.add', { preset: 'flowly', plan: 'custom', amounts: { credits: '500' } });
    expect(a.amounts).toEqual({ credits: 500 });
  });
});

describe('FluxNote (Credits Explained, May 14, 2026)', () => {
  const p = getPreset('fluxnote');

  test('plans: Free 1 video / 100 images $0, Rise 21 / 1,000 $7.99, Pro 50 / 2,100 $15, Max 150 / 5,000 $30', () => {
    expect(p.pools.map((x) => x.id)).toEqual(['video', 'image']);
    expect(p.plans.map((x) => [x.id, x.allocations.video, x.allocations.image, x.priceCents])).toEqual([
      ['free', 1, 100, 0],
      ['rise', 21, 1000, 799],
      ['pro', 50, 2100, 1500],
      ['max', 150, 5000, 3000],
    ]);
  });

  test('no credit packs on any plan, no rollover, refresh on the billing date', () => {
    // "There is currently no option to purchase one-off credit packs"
    expect(p.packs).toEqual([]);
    for (const x of p.plans) expect(x.packPools).toEqual([]);
    for (const x of p.pools) expect(x.rolloverCap).toBeNull();
    expect(p.reset).toEqual({ rule: 'anniversary' });
  });

  test('one credit per video or image; edit, caption, voice, template, upload, render and download are free', () => {
    expect([action(p, 'video').pool, action(p, 'video').cost, action(p, 'video').per]).toEqual(['video', 1, 1]);
    expect([action(p, 'image').pool, action(p, 'image').cost, action(p, 'image').per]).toEqual(['image', 1, 1]);
    const free = p.actions.filter((a) => a.free).map((a) => a.id);
    expect(free.sort()).toEqual(['caption', 'download', 'edit', 'render', 'template', 'upload', 'voice']);
    for (const id of free) expect(action(p, id).cost).toBe(0);
  });
});

describe('Fluximage (Credits and usage)', () => {
  const p = getPreset('fluximage');

  test('compression credits 20 / 200 / unlimited / unlimited; AI credits 0 / 200 / 1,000 / 10,000', () => {
    expect(p.pools.map((x) => x.id)).toEqual(['compression', 'ai']);
    expect(p.plans.map((x) => [x.id, x.allocations.compression, x.allocations.ai])).toEqual([
      ['free', 20, 0],
      ['starter', 200, 200],
      ['pro', 'unlimited', 1000],
      ['agency', 'unlimited', 10000],
    ]);
  });

  test('top-ups are AI credits only, never expire; resets on the billing period start date', () => {
    expect(p.packs.map((x) => [x.id, x.pool, x.credits, x.priceCents])).toEqual([['ai-topup', 'ai', null, null]]);
    for (const x of p.plans) expect(x.packPools).toEqual(['ai']);
    expect(p.reset).toEqual({ rule: 'anniversary' });
  });

  test('one compression credit per image; alt text and SEO rename share one AI charge per image', () => {
    expect([action(p, 'compress').pool, action(p, 'compress').cost]).toEqual(['compression', 1]);
    expect([action(p, 'alt-text').pool, action(p, 'alt-text').cost]).toEqual(['ai', 1]);
    expect([action(p, 'seo-rename').pool, action(p, 'seo-rename').cost]).toEqual(['ai', 1]);
    expect(action(p, 'alt-text').dedupe).toEqual({ group: 'ai-image', attr: 'image' });
    expect(action(p, 'seo-rename').dedupe).toEqual(action(p, 'alt-text').dedupe);
  });

  test('no plan price is invented (the credits doc gives none)', () => {
    for (const x of p.plans) expect(x.priceCents).toBeNull();
  });
});

describe('custom providers', () => {
  const valid = () => ({
    id: 'acme',
    name: 'Acme AI',
    currency: 'EUR',
    reset: { rule: 'calendar-month', zone: 'Europe/Paris' },
    pools: [{ id: 'tokens', label: 'Tokens', unit: 'token' }],
    plans: [
      { id: 'basic', name: 'Basic', priceCents: 900, allocations: { tokens: 5000 } },
      { id: 'plus', name: 'Plus', priceCents: 1900, allocations: { tokens: 20000 }, packPools: ['tokens'] },
    ],
    actions: [{ id: 'call', label: 'API call', pool: 'tokens', cost: '2.5' }],
  });
  const refusedAt = (doc: unknown): InputError => {
    try {
      parseProvider(doc);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return e as InputError;
    }
    throw new Error('expected parseProvider to refuse the document');
  };

  test('the valid document parses, with defaults filled in', () => {
    const p = parseProvider(valid());
    expect(p.packs).toEqual([]);
    expect(p.refundWindowDays).toBeNull();
    expect(action(p, 'call').per).toBe(1);
  });

  test('an allocation for an unknown pool is refused, naming the field', () => {
    const doc = valid();
    (doc.plans[0]!.allocations as Record<string, number>).credits = 10;
    const e = refusedAt(doc);
    expect(e.field).toBe('plans.0.allocations.credits');
    expect(e.message).toMatch(/plans\.0\.allocations\.credits/);
    expect(e.message).toMatch(/unknown pool "credits"/);
  });

  test('a duplicate plan id is refused, naming the field', () => {
    const doc = valid();
    doc.plans[1]!.id = 'basic';
    const e = refusedAt(doc);
    expect(e.message).toMatch(/plans\.1\.id/);
    expect(e.message).toMatch(/duplicate id "basic"/);
  });

  test('a currency that is not an ISO 4217 code is refused, naming the field', () => {
    const e = refusedAt({ ...valid(), currency: 'usd' });
    expect(e.field).toBe('currency');
    expect(e.message).toMatch(/at currency: must be an ISO 4217 code/);
  });

  test('a negative cost is refused, naming the field', () => {
    const doc = valid();
    (doc.actions[0] as { cost: unknown }).cost = -1;
    const e = refusedAt(doc);
    expect(e.message).toMatch(/actions\.0\.cost/);
  });

  test('a plan missing a pool allocation is refused, naming the field', () => {
    const doc = { ...valid(), pools: [...valid().pools, { id: 'images', label: 'Images', unit: 'image' }] };
    const e = refusedAt(doc);
    expect(e.message).toMatch(/plans\.0\.allocations/);
    expect(e.message).toMatch(/missing pool "images"/);
  });

  test("'accounts.add' takes a valid custom provider and its own numbers", () => {
    // 10 June 2026 in Paris (CEST, UTC+2): the month resets at 1 July 00:00 Paris = 30 June 22:00 UTC.
    const l = ledger('2026-06-10T08:00:00Z');
    const a = l.run('accounts.add', { provider: valid(), plan: 'basic' });
    expect(a.provider).toBe('acme');
    expect(a.amounts).toEqual({ tokens: 5000 });
    expect(a.reset).toBe('1st of each month, 00:00 Europe/Paris');
    const used = l.run('usage.record', { account: a.id, action: 'call', quantity: 3 });
    expect(used.credits).toBe(7.5); // 3 calls × 2.5
    const b = l.pool(a.id, 'tokens');
    expect(b.remaining).toBe(4992.5);
    expect(b.periodStart).toBe('2026-05-31T22:00:00.000Z');
    expect(b.nextReset).toBe('2026-06-30T22:00:00.000Z');
    // Basic has no packPools: buying is refused; an invalid custom document is refused through the API too.
    l.refuse('grants.add', { account: a.id, pool: 'tokens', amount: 100, source: 'purchase' }, 'plan');
    const e = l.invalid('accounts.add', { provider: { ...valid(), currency: 'dollars' }, plan: 'basic' });
    expect(e.message).toMatch(/currency/);
    l.invalid('accounts.add', { provider: valid(), preset: 'flux', plan: 'basic' });
  });
});
