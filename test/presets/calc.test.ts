/**
 * Plan sizing through the API's 'calc', checked against the FluxNote guide's
 * walkthrough ("Action Plan: Choosing Your Plan Based on Credit Needs") and its
 * cost-per-asset figures, and against Lux's "How do I estimate costs?" formula.
 */
import { describe, expect, test } from 'vitest';
import { ledger } from './helpers.js';

const l = ledger('2026-05-14T12:00:00Z');
const calc = (input: Parameters<typeof l.run<'calc'>>[1]) => l.run('calc', input);

describe('FluxNote: choosing a plan', () => {
  test('5 finished videos × 4 variations = 20 generations; with the 20 % buffer 24 → Pro (50 credits)', () => {
    const r = calc({ preset: 'fluxnote', videos: 5, variations: 4 });
    expect(r.buffer).toBe(0.2);
    expect(r.needs).toEqual({ video: 24 });
    // Free (1) and Rise (21) fall short; "That points directly to the Pro plan (50 credits)."
    expect(r.plans.map((p) => [p.plan, p.fits])).toEqual([
      ['free', false],
      ['rise', false],
      ['pro', true],
      ['max', true],
    ]);
    expect(r.plans.find((p) => p.plan === 'rise')!.shortfall).toEqual({ video: 3 });
    expect(r.recommended).toBe('pro');
    // The guide's plain 20, without a buffer, would still fit Rise's 21.
    expect(calc({ preset: 'fluxnote', videos: 5, variations: 4, buffer: 0 }).recommended).toBe('rise');
  });

  test('1–4 finished videos a month: Free (1 video) or Rise (21 videos) is sufficient', () => {
    // The Free plan's pipeline test: 1 image, then 1 image-to-video — nothing over, no buffer.
    expect(calc({ preset: 'fluxnote', videos: 1, images: 1, buffer: 0 }).recommended).toBe('free');
    // 4 × 1.2 = 4.8 → 5: Rise.
    expect(calc({ preset: 'fluxnote', videos: 4 })).toMatchObject({ needs: { video: 5 }, recommended: 'rise' });
  });

  test('2–3 videos a week (8–12 a month), one generation each → Rise is the baseline', () => {
    // 8 × 1.2 = 9.6 → 10; 12 × 1.2 = 14.4 → 15: both over Free's 1, within Rise's 21.
    const low = calc({ preset: 'fluxnote', videos: 8, variations: 1 });
    const high = calc({ preset: 'fluxnote', videos: 12 });
    expect([low.needs, low.recommended]).toEqual([{ video: 10 }, 'rise']);
    expect([high.needs, high.recommended]).toEqual([{ video: 15 }, 'rise']);
  });

  test('images only: 100 a month with no buffer fits the Free plan; 101 does not', () => {
    expect(calc({ preset: 'fluxnote', images: 100, buffer: 0 })).toMatchObject({ needs: { image: 100 }, recommended: 'free' });
    expect(calc({ preset: 'fluxnote', images: 101, buffer: 0 })).toMatchObject({ needs: { image: 101 }, recommended: 'rise' });
    // UGC ads: at least 10 images per video project — 12 projects need 120 images → past Free's 100.
    expect(calc({ preset: 'fluxnote', images: 120, buffer: 0 }).recommended).toBe('rise');
  });

  test("two members' output combines: one pool for the account", () => {
    // One creator: 9 × 1.2 = 10.8 → 11 → Rise. Two: 18 × 1.2 = 21.6 → 22 → Pro.
    expect(calc({ preset: 'fluxnote', videos: 9 }).recommended).toBe('rise');
    const two = calc({ preset: 'fluxnote', videos: 9, members: 2 });
    expect([two.needs, two.recommended]).toEqual([{ video: 22 }, 'pro']);
    // Videos and images together: 2 × (5 × 4) = 40 → 48 videos; 2 × 500 = 1,000 → 1,200 images → Pro (50 / 2,100).
    const both = calc({ preset: 'fluxnote', videos: 5, variations: 4, images: 500, members: 2 });
    expect([both.needs, both.recommended]).toEqual([{ video: 48, image: 1200 }, 'pro']);
  });

  test('a 30 % buffer (the guide says 20–30 %)', () => {
    // 17 × 1.2 = 20.4 → 21 fits Rise; 17 × 1.3 = 22.1 → 23 needs Pro.
    expect(calc({ preset: 'fluxnote', videos: 17 })).toMatchObject({ needs: { video: 21 }, recommended: 'rise' });
    const r = calc({ preset: 'fluxnote', videos: 17, buffer: 0.3 });
    expect([r.buffer, r.needs, r.recommended]).toEqual([0.3, { video: 23 }, 'pro']);
    // More than Max's 150 fits no plan.
    expect(calc({ preset: 'fluxnote', videos: 150 }).recommended).toBeNull();
  });

  test('cost per video and per image on each plan', () => {
    const cpu = Object.fromEntries(calc({ preset: 'fluxnote', videos: 1 }).plans.map((p) => [p.plan, p.costPerUnit]));
    // Free: "your cost per video is effectively $0, and your cost per image is $0".
    expect(cpu.free).toEqual({ video: 0, image: 0 });
    // Rise $7.99 for 21 / 1,000: $0.3805 ("roughly $0.38") and $0.008.
    expect(cpu.rise).toEqual({ video: 0.3805, image: 0.008 });
    // Pro $15 for 50 / 2,100: $0.30 and $0.0071 (the guide rounds it to $0.007).
    expect(cpu.pro).toEqual({ video: 0.3, image: 0.0071 });
    // Max $30 for 150 / 5,000: $0.20 and $0.006.
    expect(cpu.max).toEqual({ video: 0.2, image: 0.006 });
    // Rounded as the guide prints them.
    expect(cpu.rise!.video!.toFixed(2)).toBe('0.38');
    expect(cpu.pro!.image!.toFixed(3)).toBe('0.007');
  });
});

describe('Lux: estimating a month', () => {
  test('100 Sonnet calls × 1,000 tokens + 50 SMS = 500 + 100 = 600; ×1.2 = 720 → Free (1,000) fits', () => {
    const r = calc({ preset: 'lux', use: { 'ai:claude-sonnet': '100x1000', sms: '50' } });
    expect(r.needs).toEqual({ credits: 720 });
    expect(r.plans.map((p) => [p.plan, p.fits])).toEqual([
      ['free', true],
      ['starter', true],
      ['pro', true],
      ['enterprise', null],
    ]);
    expect(r.recommended).toBe('free');
    expect(calc({ preset: 'lux', use: { 'ai:claude-sonnet': '100x1000', sms: '50' }, buffer: 0 }).needs).toEqual({ credits: 600 });
  });

  test('the whole formula: AI + emails × 1 + SMS × 2 + voice minutes × 5', () => {
    // 200 Opus calls × 2,000 tokens × 15/1K = 6,000; 300 emails = 300; 100 SMS = 200; 60 minutes = 300 → 6,800.
    const r = calc({ preset: 'lux', buffer: 0, use: { 'ai:claude-opus': '200x2000', email: '300', sms: '100', 'voice-call': '60' } });
    expect(r.needs).toEqual({ credits: 6800 });
    expect(r.recommended).toBe('starter');
    // With 20 %: 8,160, still Starter; 1,000 more Opus calls (30,000) → 36,800 × 1.2 = 44,160 → Pro.
    expect(calc({ preset: 'lux', use: { 'ai:claude-opus': '1200x2000', email: '300', sms: '100', 'voice-call': '60' } })).toMatchObject({
      needs: { credits: 44160 },
      recommended: 'pro',
    });
  });
});

describe('Fluximage: unlimited compressions', () => {
  test('5,000 compressions and 500 AI images → Pro; no price is made up', () => {
    const r = calc({ preset: 'fluximage', need: { compression: '5000', ai: '500' } });
    expect(r.needs).toEqual({ compression: 6000, ai: 600 });
    expect(r.plans.map((p) => [p.plan, p.fits])).toEqual([
      ['free', false],
      ['starter', false],
      ['pro', true],
      ['agency', true],
    ]);
    expect(r.recommended).toBe('pro');
    for (const p of r.plans) expect(p.costPerUnit).toEqual({ compression: null, ai: null });
  });
});

describe('bad input is refused', () => {
  test.each([
    ['negative videos', { preset: 'fluxnote', videos: -5 }],
    ['zero members', { preset: 'fluxnote', videos: 5, members: 0 }],
    ['fractional members', { preset: 'fluxnote', videos: 5, members: 1.5 }],
    ['an unknown pool', { preset: 'fluxnote', need: { audio: '10' } }],
    ['videos for a provider without a video pool', { preset: 'lux', videos: 5 }],
    ['an unknown action', { preset: 'lux', use: { 'ai:gpt-5': '10' } }],
    ['an action whose cost the docs do not give', { preset: 'flux', use: { 'mcp-tool': '10' } }],
    ['variations without videos', { preset: 'fluxnote', variations: 4 }],
    ['nothing to size', { preset: 'fluxnote' }],
    ['an unknown preset', { preset: 'nope', videos: 1 }],
    ['a buffer that is a percentage, not a fraction', { preset: 'fluxnote', videos: 1, buffer: 20 }],
  ] as const)('%s', (_name, input) => {
    l.invalid('calc', input);
  });
});
