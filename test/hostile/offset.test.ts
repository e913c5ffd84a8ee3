/** Regression: an impossible UTC offset (+25:00) was accepted as a real instant. */
import { expect, test } from 'vitest';
import { parseInstant } from '../../main/core/util/period.js';
import { InputError } from '../../main/core/util/errors.js';

test('offsets beyond ±14:00 or with minutes over 59 are refused; real ones are read exactly', () => {
  for (const bad of ['2026-05-01T00:00:00+25:00', '2026-05-01T00:00:00-23:59', '2026-05-01T00:00+14:01', '2026-05-01T00:00:00+05:60']) {
    expect(() => parseInstant(bad, '--at'), bad).toThrow(InputError);
    expect(() => parseInstant(bad, '--at'), bad).toThrow(/impossible UTC offset/);
  }
  expect(parseInstant('2026-05-01T00:00:00+14:00', '--at')).toBe(Date.parse('2026-04-30T10:00:00Z'));
  expect(parseInstant('2026-05-01T00:00:00-12:00', '--at')).toBe(Date.parse('2026-05-01T12:00:00Z'));
  expect(parseInstant('2026-05-01T00:00:00+05:45', '--at')).toBe(Date.parse('2026-04-30T18:15:00Z'));
});
