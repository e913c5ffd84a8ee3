/**
 * Rule 1, exact units: credits are integer millicredits, money integer minor
 * units. Parsing goes through decimal text; anything that is not a plain
 * non-negative decimal with at most 3 places is refused. Costs are
 * ceil(quantity × cost / per) to the millicredit, never under-charged.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { parseCredits, parseMilli, parseWhole, formatMc, mulDivCeil, mulDivFloor } from '../../main/core/util/credits.js';
import { InputError } from '../../main/core/util/errors.js';
import { fresh, thrown } from './helpers.js';

describe('exact units: parseCredits / parseMilli', () => {
  test('decimals become exact millicredits', () => {
    expect(parseCredits(7.5, 'amount')).toBe(7500);
    expect(parseCredits('7.5', 'amount')).toBe(7500);
    expect(parseCredits('0.001', 'amount')).toBe(1);
    expect(parseCredits(0.001, 'amount')).toBe(1);
    expect(parseCredits('12', 'amount')).toBe(12000);
    expect(parseCredits('1.230', 'amount')).toBe(1230);
    // 0.1 + 0.2 as text is exact; no binary fraction reaches the ledger.
    expect(parseCredits('0.3', 'amount')).toBe(300);
    expect(parseMilli(' 2.25 ', 'quantity')).toBe(2250);
  });

  test('zero only where allowed', () => {
    expect(parseCredits(0, 'amount', { allowZero: true })).toBe(0);
    const e = thrown(() => parseCredits(0, 'amount'));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/amount must be greater than zero/);
  });

  test.each([
    [1.2345, /more than 3 decimal places/],
    ['1.2345', /more than 3 decimal places/],
    [0.1 + 0.2, /more than 3 decimal places/],
    [-1, /must not be negative/],
    ['-0.5', /must not be negative/],
    [Number.NaN, /finite number/],
    [Number.POSITIVE_INFINITY, /finite number/],
    [Number.NEGATIVE_INFINITY, /finite number/],
    [1e308, /too large/],
    ['1e308', /plain decimal number/],
    ['Infinity', /plain decimal number/],
    ['NaN', /plain decimal number/],
    ['abc', /plain decimal number/],
    ['', /plain decimal number/],
    ['   ', /plain decimal number/],
    ['1,5', /plain decimal number/],
    ['0x10', /plain decimal number/],
    ['.5', /plain decimal number/],
    ['99999999999999999999', /too large/],
    [null, /must be a number, got null/],
    [{}, /must be a number, got object/],
    [true, /must be a number, got boolean/],
  ])('refuses %s', (input, message) => {
    const e = thrown(() => parseCredits(input, 'amount'));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(message);
  });

  test('trailing zeros past the third place are harmless; a fourth significant place is not', () => {
    expect(parseCredits('1.500000', 'amount')).toBe(1500);
    expect(thrown(() => parseCredits('1.5001', 'amount'))).toBeInstanceOf(InputError);
  });

  test('whole numbers for money and counts', () => {
    expect(parseWhole('1000', 'price')).toBe(1000);
    expect(thrown(() => parseWhole('10.5', 'price'))).toBeInstanceOf(InputError);
    expect(thrown(() => parseWhole('11', 'per', { max: 10 }))).toBeInstanceOf(InputError);
  });

  test('property: any millicredit count round-trips through its decimal text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000_000 }), (mc) => {
        expect(parseCredits(formatMc(mc), 'x')).toBe(mc);
      }),
    );
  });

  test('mulDivCeil / mulDivFloor are exact beyond 2^53', () => {
    // 3e15 × 7 / 3 = 7e15 exactly; (3e15 + 1) × 7 / 3 rounds up or down by a unit.
    expect(mulDivCeil(3e15, 7, 3)).toBe(7e15);
    expect(mulDivCeil(3e15 + 1, 7, 3)).toBe(7e15 + 3);
    expect(mulDivFloor(3e15 + 1, 7, 3)).toBe(7e15 + 2);
  });

  test('mulDivCeil / mulDivFloor without BigInt below 2^53 agree with BigInt everywhere, across the edge', () => {
    const ref = (a: number, b: number, c: number, up: boolean) => {
      const num = BigInt(a) * BigInt(b);
      const q = num / BigInt(c);
      return Number(up && num % BigInt(c) !== 0n ? q + 1n : q);
    };
    const edge = fc.integer({ min: 2 ** 52, max: Number.MAX_SAFE_INTEGER });
    const int = fc.oneof(fc.integer({ min: 0, max: 5_000_000 }), edge, fc.constantFrom(0, 1, 94906265, 94906266));
    fc.assert(
      fc.property(int, int, fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), edge), (a, b, c) => {
        expect(mulDivCeil(a, b, c)).toBe(ref(a, b, c, true));
        expect(mulDivFloor(a, b, c)).toBe(ref(a, b, c, false));
      }),
      { numRuns: 5000 },
    );
    // 94906266² is just past 2^53: BigInt's exact answer, not a rounded product's.
    expect(mulDivCeil(94906266, 94906266, 3)).toBe(ref(94906266, 94906266, 3, true));
  });
});

describe('exact units: rate-card costs to the millicredit', () => {
  const lux = () => {
    const h = fresh('2026-03-10T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    return { h, a };
  };

  test('Lux Claude Sonnet: 1,500 tokens at 5 credits per 1K costs exactly 7.5 credits', () => {
    const { h, a } = lux();
    const r = h.op('usage.record', { account: a, action: 'ai:claude-sonnet', quantity: 1500 });
    expect(r.credits).toBe(7.5);
    expect(r.debits.map((d) => d.credits)).toEqual([7.5]);
    expect(h.pool(a, 'credits').remaining).toBe(992.5);
  });

  test('one Sonnet token costs 0.005 credits', () => {
    const { h, a } = lux();
    expect(h.op('usage.record', { account: a, action: 'ai:claude-sonnet', quantity: 1 }).credits).toBe(0.005);
    expect(h.pool(a, 'credits').remaining).toBe(999.995);
  });

  test('voice synthesis at 1 per 1K characters: one character rounds up to 0.001, 1,001 to 1.001', () => {
    const { h, a } = lux();
    expect(h.op('usage.record', { account: a, action: 'voice-synthesis', quantity: 1 }).credits).toBe(0.001);
    expect(h.op('usage.record', { account: a, action: 'voice-synthesis', quantity: 1001 }).credits).toBe(1.001);
    // Half a character (quantity 0.5) costs 0.0005 → rounded up to 0.001, never to zero.
    expect(h.op('usage.record', { account: a, action: 'voice-synthesis', quantity: '0.5' }).credits).toBe(0.001);
    expect(h.pool(a, 'credits').usedThisPeriod).toBe(1.003);
  });

  test('fractional quantities are exact: 2.5 voice minutes at 5 credits = 12.5', () => {
    const { h, a } = lux();
    expect(h.op('usage.record', { account: a, action: 'voice-call', quantity: '2.5' }).credits).toBe(12.5);
  });

  test('two hundred one-token calls cost exactly 1 credit in total (no float drift)', () => {
    const { h, a } = lux();
    for (let i = 0; i < 200; i++) h.op('usage.record', { account: a, action: 'ai:claude-sonnet', quantity: 1 });
    const b = h.pool(a, 'credits');
    expect(b.usedThisPeriod).toBe(1);
    expect(b.remaining).toBe(999);
  });

  test('an event whose cost would exceed the largest amount the ledger holds is refused as input, not stored', () => {
    const h = fresh('2026-03-10T12:00:00Z');
    // Fluximage Pro: unlimited compression, so no balance check stands in the way.
    const a = h.account({ preset: 'fluximage', plan: 'pro' });
    h.op('actions.set', { account: a, action: 'compress', cost: '1000000000000' });
    const e = h.invalid('usage.record', { account: a, action: 'compress', quantity: '1000000000000' });
    expect(e.message).toMatch(/cost|too large|at most/i);
    expect(h.ctx.db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 0 });
  });
});
