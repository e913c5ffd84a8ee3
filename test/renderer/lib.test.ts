/** The renderer's pure helpers: display formatting, chart fitting, CSV. */
import { describe, expect, it } from 'vitest';
import { approx, countdown, credits, datesBetween, humanizeInstants, instant, localDate, percentToFraction, span, unitPrice } from '../../renderer/src/lib/format.js';
import { csvField, downsampleBars, downsampleLine, niceTicks, toCsv } from '../../renderer/src/lib/series.js';

describe('format', () => {
  it('prints prices per unit the way the providers do', () => {
    expect(unitPrice(0.3805)).toBe('$0.38');
    expect(unitPrice(0.008)).toBe('$0.008');
    expect(unitPrice(0.0071)).toBe('$0.007');
    expect(unitPrice(0.3)).toBe('$0.30');
    expect(unitPrice(0.2)).toBe('$0.20');
    expect(unitPrice(0.006)).toBe('$0.006');
    expect(unitPrice(0.0004)).toBe('$0.0004');
    expect(unitPrice(0)).toBe('$0');
    expect(unitPrice(null)).toBe('—');
  });

  it('counts down at the precision that matters: seconds only in the last hour', () => {
    expect(countdown(((3 * 24 + 4) * 3600 + 12 * 60 + 5) * 1000)).toBe('3 d 4 h');
    expect(countdown(86_400_000 - 1000)).toBe('23 h 59 min');
    expect(countdown(3_600_000)).toBe('1 h 0 min');
    expect(countdown(3_600_000 - 1000)).toBe('59 min 59 s');
    expect(countdown(61_000)).toBe('1 min 01 s');
    expect(countdown(999)).toBe('0 s');
    expect(countdown(-5_000)).toBe('0 s');
  });

  it('writes spans, estimates and exact credits', () => {
    expect(span(26 * 86_400_000 + 10 * 3_600_000)).toBe('26 d 10 h');
    expect(span(90 * 60_000)).toBe('1 h 30 min');
    expect(approx(1.508)).toBe('1.51');
    expect(approx(12.628)).toBe('12.6');
    expect(approx(282.778)).toBe('283');
    expect(credits(1234.5)).toBe('1,234.5');
    expect(credits(0.001)).toBe('0.001');
  });

  it('shows instants in the account zone, with the year only when it differs', () => {
    const now = Date.parse('2026-11-03T14:00:00Z');
    expect(instant('2026-11-30T00:00:00.000Z', 'UTC', now)).toBe('Nov 30 00:00 UTC');
    expect(instant('2027-01-01T00:00:00.000Z', 'UTC', now)).toBe('Jan 1 2027 00:00 UTC');
    expect(localDate('2026-11-03T23:30:00Z', 'Europe/Paris')).toBe('2026-11-04');
    expect(humanizeInstants('Next reset 2026-11-30T00:00:00.000Z', 'UTC')).toBe('Next reset Nov 30 00:00 UTC');
  });

  it('lists calendar dates across month ends', () => {
    expect(datesBetween('2026-10-30', '2026-11-02')).toEqual(['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02']);
    expect(datesBetween('2026-11-02', '2026-11-01')).toEqual([]);
  });

  it('turns a percentage into the decimal fraction the API takes, without float noise', () => {
    expect(percentToFraction('20')).toBe('0.2');
    expect(percentToFraction('12.5')).toBe('0.125');
    expect(percentToFraction('14.3')).toBe('0.143');
    expect(percentToFraction('150')).toBe('1.5');
    expect(percentToFraction('0')).toBe('0');
    expect(percentToFraction('abc')).toBeNull();
  });
});

describe('series', () => {
  it('merges bars to fit the pixels, keeping totals', () => {
    const bars = Array.from({ length: 90 }, (_, i) => ({ from: `d${i}`, to: `d${i}`, value: i }));
    const out = downsampleBars(bars, 40);
    expect(out.length).toBeLessThanOrEqual(40);
    expect(out.reduce((s, b) => s + b.value, 0)).toBe(bars.reduce((s, b) => s + b.value, 0));
    expect(out[0]).toEqual({ from: 'd0', to: 'd2', value: 0 + 1 + 2 });
    expect(downsampleBars(bars.slice(0, 10), 40)).toHaveLength(10);
  });

  it('keeps about one point per pixel column, with its extremes', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({ x: i, y: i === 5_000 ? 1_000 : i % 7 }));
    const out = downsampleLine(points, 0, 10_000, 200);
    expect(out.length).toBeLessThanOrEqual(800);
    expect(out.some((p) => p.y === 1_000)).toBe(true);
    expect(out[0]).toEqual(points[0]);
    expect(out[out.length - 1]).toEqual(points[points.length - 1]);
    for (let i = 1; i < out.length; i++) expect(out[i]!.x).toBeGreaterThanOrEqual(out[i - 1]!.x);
  });

  it('picks round ticks', () => {
    expect(niceTicks(21, 5)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(niceTicks(1000, 5)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(0)).toEqual([0]);
  });

  it('writes RFC 4180 CSV and defuses spreadsheet formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-3')).toBe('-3');
    expect(csvField(-3)).toBe('-3');
    expect(toCsv(['k', 'n'], [['a', 1], ['b', null]])).toBe('k,n\r\na,1\r\nb,\r\n');
  });
});
