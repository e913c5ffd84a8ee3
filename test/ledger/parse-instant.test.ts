// parseInstant's fast path for full UTC instants (util/period.ts parseUtcInstant)
// must agree with the general Luxon path on every input: the same instant, or
// the same refusal.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseInstant, parseUtcInstant } from '../../main/core/util/period.js';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** parseInstant as it was before the fast path: Luxon only. */
function luxonOnly(text: string, zone = 'UTC'): number | string {
  if (!ISO_INSTANT.test(text.trim())) return 'format';
  const dt = DateTime.fromISO(text.trim(), { zone, setZone: false });
  if (!dt.isValid) return 'invalid';
  const ms = dt.toMillis();
  if (ms < Date.UTC(2000, 0, 1) || ms > Date.UTC(2200, 0, 1)) return 'range';
  return ms;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const candidate = fc
  .record({
    y: fc.integer({ min: 1995, max: 2205 }),
    mo: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 25 }),
    mi: fc.integer({ min: 0, max: 61 }),
    s: fc.integer({ min: 0, max: 61 }),
    frac: fc.option(fc.stringMatching(/^\d{1,3}$/), { nil: undefined }),
    tail: fc.constantFrom('Z', 'Z', 'Z', '+00:00', '+02:00', '', 'z', 'Z '),
  })
  .map((p) => `${pad(p.y, 4)}-${pad(p.mo, 2)}-${pad(p.d, 2)}T${pad(p.h, 2)}:${pad(p.mi, 2)}:${pad(p.s, 2)}${p.frac === undefined ? '' : '.' + p.frac}${p.tail}`);

describe('parseInstant fast path', () => {
  it('agrees with the Luxon path on random instants, valid and not', () => {
    fc.assert(
      fc.property(candidate, (text) => {
        const ref = luxonOnly(text, 'Europe/Paris');
        const fast = parseUtcInstant(text.trim());
        if (fast !== null) expect(fast).toBe(ref);
        let got: number | string;
        try {
          got = parseInstant(text, 'at', 'Europe/Paris');
        } catch {
          got = 'refused';
        }
        if (typeof ref === 'number') expect(got).toBe(ref);
        else expect(got).toBe('refused');
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the fast path for ordinary UTC instants and leaves the rest to Luxon', () => {
    expect(parseUtcInstant('2026-11-01T10:00:00Z')).toBe(Date.UTC(2026, 10, 1, 10));
    expect(parseUtcInstant('2028-02-29T23:59:59.5Z')).toBe(Date.UTC(2028, 1, 29, 23, 59, 59, 500));
    expect(parseUtcInstant('2026-02-29T00:00:00Z')).toBeNull(); // not a leap year
    expect(parseUtcInstant('2026-01-01T24:00:00Z')).toBeNull();
    expect(parseUtcInstant('2026-06-30T23:59:60Z')).toBeNull();
    expect(parseUtcInstant('1999-12-31T23:59:59Z')).toBeNull();
    expect(parseUtcInstant('2026-11-01T10:00:00+01:00')).toBeNull();
    // toISOString's own form, read digit by digit: leap years by the century rule, the range's ends, a stray character.
    expect(parseUtcInstant('2028-02-29T23:59:59.999Z')).toBe(Date.UTC(2028, 1, 29, 23, 59, 59, 999));
    expect(parseUtcInstant('2000-02-29T00:00:00.000Z')).toBe(Date.UTC(2000, 1, 29));
    expect(parseUtcInstant('2100-02-29T00:00:00.000Z')).toBeNull();
    expect(parseUtcInstant('2200-01-01T00:00:00.000Z')).toBe(Date.UTC(2200, 0, 1));
    expect(parseUtcInstant('2200-01-01T00:00:00.001Z')).toBeNull();
    expect(parseUtcInstant('2026-04-31T00:00:00.000Z')).toBeNull();
    expect(parseUtcInstant('2026-1a-01T00:00:00.000Z')).toBeNull();
    expect(parseUtcInstant('2026-11-01T10:00:00.000z')).toBeNull();
    expect(parseUtcInstant('+02026-11-01T10:00:00.00Z')).toBeNull();
    expect(parseInstant('2026-11-01T10:00:00+01:00', 'at')).toBe(Date.UTC(2026, 10, 1, 9));
    expect(() => parseInstant('2026-02-30T00:00:00Z', 'at')).toThrow(/not a real date/);
  });
});
