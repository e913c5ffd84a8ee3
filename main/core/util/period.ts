/**
 * Billing periods. A pool resets on the 1st of each calendar month or on the
 * billing anniversary; both are "day D of every month at local midnight" where
 * D is 1 or the anchor day, clamped to the month's length (Jan 31 → Feb 28 →
 * Mar 31). Local midnight is taken in the rule's zone, so resets are exact
 * instants across DST changes and leap years.
 */
import { DateTime, IANAZone, Settings } from 'luxon';
import { InputError } from './errors.js';

// The ledger's dates never depend on the machine's locale (its text is
// en-US throughout), and asking Intl for the system locale on the first
// DateTime costs a CLI call about 13 ms of ICU loading.
Settings.defaultLocale = 'en-US';

export interface ResetRule {
  /** 1 for calendar months, else the anchor's day of month (1–31). */
  day: number;
  zone: string;
}

export interface Period {
  start: number; // epoch ms, inclusive
  end: number; // epoch ms, exclusive: the next reset
}

/**
 * Whether a name is an IANA zone. 'UTC' is answered without asking Intl: the
 * first Intl.DateTimeFormat loads ICU's zone data (about 20 ms), and a UTC
 * account (every Flux account, the default) never needs it otherwise.
 */
export function isTimeZone(zone: unknown): zone is string {
  return typeof zone === 'string' && (zone === 'UTC' || IANAZone.isValidZone(zone));
}

export function assertZone(zone: string, field = 'time zone'): string {
  if (!isTimeZone(zone)) {
    throw new InputError(`${field} "${String(zone)}" is not a valid IANA time zone (e.g. UTC, Europe/Paris, America/New_York)`, field);
  }
  return zone;
}

/**
 * Fix: where the clocks go back across midnight (Havana, Azores…), a local
 * midnight happens twice and Luxon picks the second one, leaving the first
 * hour of that local day in the day (or period) before. A day starts at the
 * first occurrence: given an instant, return the earlier instant showing the
 * same local wall time, if there is one.
 */
function firstOccurrence(ms: number, zone: string): number {
  const dt = DateTime.fromMillis(ms, { zone });
  const before = DateTime.fromMillis(ms - 1, { zone }).offset;
  if (before > dt.offset) {
    const first = DateTime.fromMillis(ms - (before - dt.offset) * 60_000, { zone });
    if (first.toFormat('yyyy-MM-dd HH:mm:ss.SSS') === dt.toFormat('yyyy-MM-dd HH:mm:ss.SSS')) return first.toMillis();
  }
  return ms;
}

/** Midnight, local to the zone, of day `day` (clamped) of the given month. */
export function resetInstant(rule: ResetRule, year: number, month: number): number {
  const firstOfMonth = DateTime.fromObject({ year, month, day: 1 }, { zone: rule.zone });
  const day = Math.min(rule.day, firstOfMonth.daysInMonth ?? 28);
  return firstOccurrence(DateTime.fromObject({ year, month, day }, { zone: rule.zone }).toMillis(), rule.zone);
}

function shift(year: number, month: number, by: number): [number, number] {
  const idx = year * 12 + (month - 1) + by;
  return [Math.floor(idx / 12), (idx % 12) + 1];
}

const lastPeriod = new Map<string, Period>();

/** The period containing instant t (the last answer per rule is remembered: most calls ask about the same month). */
export function periodAt(rule: ResetRule, t: number): Period {
  const key = `${rule.day}|${rule.zone}`;
  const hit = lastPeriod.get(key);
  if (hit && t >= hit.start && t < hit.end) return hit;
  const p = computePeriod(rule, t);
  lastPeriod.set(key, p);
  return p;
}

function computePeriod(rule: ResetRule, t: number): Period {
  const local = DateTime.fromMillis(t, { zone: rule.zone });
  let [y, m] = [local.year, local.month];
  let start = resetInstant(rule, y, m);
  if (t < start) {
    [y, m] = shift(y, m, -1);
    start = resetInstant(rule, y, m);
  }
  const [ny, nm] = shift(y, m, 1);
  return { start, end: resetInstant(rule, ny, nm) };
}

/** All reset instants r with from < r <= to, in order. */
export function resetsBetween(rule: ResetRule, from: number, to: number): number[] {
  const out: number[] = [];
  let p = periodAt(rule, from);
  while (p.end <= to) {
    out.push(p.end);
    p = periodAt(rule, p.end);
  }
  return out;
}

/** Parse "YYYY-MM-DD" into its parts, refusing impossible dates. */
export function parseLocalDate(text: string, field: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text));
  if (!m) throw new InputError(`${field} must be a date like 2026-01-31 (got "${String(text).slice(0, 40)}")`, field);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = DateTime.fromObject({ year, month, day }, { zone: 'UTC' });
  if (!dt.isValid || dt.day !== day) throw new InputError(`${field} "${text}" is not a real calendar date`, field);
  return { year, month, day };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Parse an ISO 8601 instant. A value without an offset is read in `zone`
 * (the account's), so "2026-03-01" means that account's local midnight.
 */
export function parseInstant(text: unknown, field: string, zone = 'UTC'): number {
  const fast = typeof text === 'string' ? parseUtcInstant(text.trim()) : null;
  if (fast !== null) return fast;
  if (typeof text !== 'string' || !ISO_INSTANT.test(text.trim())) {
    throw new InputError(`${field} must be an ISO 8601 time like 2026-03-01T12:00:00Z (got "${String(text).slice(0, 40)}")`, field);
  }
  // Fix: Luxon takes any two-digit offset, so "…T00:00:00+25:00" was accepted as a real instant.
  const off = /[+-](\d{2}):(\d{2})$/.exec(text.trim());
  if (off && (Number(off[1]) * 60 + Number(off[2]) > 14 * 60 || Number(off[2]) > 59)) {
    throw new InputError(`${field} "${text}" has an impossible UTC offset ${off[0]} (offsets run from -12:00 to +14:00)`, field);
  }
  const dt = DateTime.fromISO(text.trim(), { zone, setZone: false });
  if (!dt.isValid) throw new InputError(`${field} "${text}" is not a real date and time (${dt.invalidExplanation ?? dt.invalidReason})`, field);
  const ms = dt.toMillis();
  if (ms < Date.UTC(2000, 0, 1) || ms > Date.UTC(2200, 0, 1)) throw new InputError(`${field} "${text}" is outside the years 2000–2200`, field);
  return ms;
}

/** Digits at s[from, from + n) as a number, or -1 if any is not a digit. */
function digitsAt(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** YYYY-MM-DDTHH:MM:SS.mmmZ naming a real instant in 2000–2200, or null (then the pattern below decides). */
function isoMillis(s: string): number | null {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return null;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  const h = digitsAt(s, 11, 2);
  const mi = digitsAt(s, 14, 2);
  const se = digitsAt(s, 17, 2);
  const ms = digitsAt(s, 20, 3);
  if (y < 2000 || y > 2200 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 || ms < 0) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, se, ms);
  return t > Date.UTC(2200, 0, 1) ? null : t;
}

const UTC_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/**
 * The common case without Luxon (imports parse one time per line): a full UTC
 * instant such as 2026-11-01T10:00:00Z or …:00.5Z. Returns null for anything
 * else, or anything that does not name a real instant in 2000–2200 (Feb 30,
 * 24:00, a leap second…), so the general path above decides and explains.
 */
export function parseUtcInstant(s: string): number | null {
  // The form toISOString writes (an export, most imports), read digit by digit: no pattern, no Date parsed and printed back.
  if (s.length === 24) {
    const t = isoMillis(s);
    if (t !== null) return t;
  }
  const m = UTC_INSTANT.exec(s);
  if (!m) return null;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +(m[7] ?? '0').padEnd(3, '0'));
  // A field out of range rolls over into the next one: then the text does not come back.
  if (!Number.isFinite(ms) || new Date(ms).toISOString() !== `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${(m[7] ?? '').padEnd(3, '0')}Z`) return null;
  if (ms < Date.UTC(2000, 0, 1) || ms > Date.UTC(2200, 0, 1)) return null;
  return ms;
}

// The last instant written: a push's or a group's answers stamp the same millisecond over and over.
let lastMs = Number.NaN;
let lastIso = '';

/** An instant as ISO text (UTC, milliseconds). */
export function iso(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/** Local calendar day boundaries between two instants, for day buckets. */
export function localDayStart(t: number, zone: string): number {
  return firstOccurrence(DateTime.fromMillis(t, { zone }).startOf('day').toMillis(), zone);
}

export function addLocal(t: number, zone: string, unit: 'day' | 'week' | 'month', n = 1): number {
  const key = unit === 'day' ? 'days' : unit === 'week' ? 'weeks' : 'months';
  return DateTime.fromMillis(t, { zone }).plus({ [key]: n }).toMillis();
}

export function startOfLocal(t: number, zone: string, unit: 'day' | 'week' | 'month'): number {
  return firstOccurrence(DateTime.fromMillis(t, { zone }).startOf(unit).toMillis(), zone);
}

export function formatLocal(t: number, zone: string, fmt: string): string {
  return DateTime.fromMillis(t, { zone }).toFormat(fmt);
}
