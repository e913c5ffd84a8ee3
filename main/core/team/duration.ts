/** Durations as people type them: "7d", "12h", "30m", "90s" (or milliseconds as a number). */
import { InputError } from '../util/errors.js';

const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function parseDuration(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  const m = typeof value === 'string' ? /^(\d{1,6})\s*([smhdw])$/.exec(value.trim()) : null;
  if (!m) throw new InputError(`${field} must be a duration like 30m, 12h or 7d`, field);
  return Number(m[1]) * UNIT[m[2]!]!;
}
