/**
 * Display formatting only: numbers, money, instants and durations as people
 * read them. No ledger arithmetic lives here — every figure comes from the API.
 */
import type { RefusalReason } from '../../../main/core/util/errors.js';

/** Numbers in the reader's locale (the words are English; the digits are theirs). */
const LOCALE = (globalThis as { navigator?: { language?: string } }).navigator?.language || 'en-US';

const creditFmt = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 3 });
const compactFmt = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });

/**
 * Intl formatters are costly to build (tens of microseconds each, more with a
 * time zone) and a page formats hundreds of dates per render — a chart's bar
 * titles and labels, the history table — and re-renders each second while a
 * countdown ticks. Build each one once per zone and options, then reuse it.
 */
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(opts);
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, opts);
    numberFormats.set(key, f);
  }
  return f;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(zone: string | undefined, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${zone ?? ''}|${JSON.stringify(opts)}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...opts, timeZone: zone });
    dateFormats.set(key, f);
  }
  return f;
}

/** Credits as exact as the ledger keeps them (3 decimals at most). */
export function credits(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return creditFmt.format(n);
}

/** An estimate (pace, burn rate): precise enough to act on, not to the millicredit. */
export function approx(n: number): string {
  const a = Math.abs(n);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return numberFormat({ maximumFractionDigits: digits }).format(n);
}

/** Short form for axes: 1.2k, 25k, 1.5M. */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e6) return `${compactFmt.format(n / 1e6)}M`;
  if (a >= 1e4) return `${compactFmt.format(n / 1e3)}k`;
  return creditFmt.format(Math.round(n * 10) / 10);
}

export function plural(n: number, one: string, many = `${one}s`, fmt: (n: number) => string = credits): string {
  return `${fmt(n)} ${n === 1 ? one : many}`;
}

/** "video credits", "image credits" — or just "credits" when the unit is the credit. */
export function creditsOf(unit: string): string {
  return unit === 'credit' ? 'credits' : `${unit} credits`;
}

/** Minor units → money, e.g. 799 USD → $7.99. */
export function money(cents: number | null | undefined, currency = 'USD'): string {
  if (cents === null || cents === undefined) return '—';
  return numberFormat({ style: 'currency', currency }).format(cents / 100);
}

/**
 * A price per unit in dollars, as the providers write it: two decimals from
 * 10 cents up ($0.38), otherwise enough decimals to show the first
 * significant digit ($0.008, $0.007).
 */
export function unitPrice(dollars: number | null | undefined, currency = 'USD'): string {
  if (dollars === null || dollars === undefined) return '—';
  let digits = 2;
  if (dollars > 0 && dollars < 0.1) {
    digits = 3;
    while (digits < 4 && Number(dollars.toFixed(digits)) === 0) digits++;
  }
  const fmt = numberFormat({ style: 'currency', currency, minimumFractionDigits: dollars === 0 ? 0 : 2, maximumFractionDigits: digits });
  return fmt.format(dollars === 0 ? 0 : Number(dollars.toFixed(digits)));
}

/**
 * A countdown at the precision that matters: days and hours while days are
 * left ("26 d 10 h"), hours and minutes within a day ("5 h 20 min"), and
 * seconds only in the last hour ("12 min 05 s"). Floored, so it never
 * promises more time than is left.
 */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** The largest unit only, for a glance: "9 d", "5 h", "12 min", "40 s". */
export function coarse(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s >= 86_400) return `${Math.floor(s / 86_400)} d`;
  if (s >= 3600) return `${Math.floor(s / 3600)} h`;
  if (s >= 60) return `${Math.floor(s / 60)} min`;
  return `${s} s`;
}

/** A rough span for prose: "3 d 4 h", "5 h 20 min", "12 min". */
export function span(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}

function parts(iso: string | number, zone: string | undefined, opts: Intl.DateTimeFormatOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of dateFormat(zone, opts).formatToParts(new Date(iso))) out[p.type] = p.value;
  return out;
}

/** "Nov 30 00:00 UTC" in the account's zone; the year only when it is not this year's. */
export function instant(iso: string | number, zone?: string, now = Date.now()): string {
  const p = parts(iso, zone, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
  const thisYear = parts(now, zone, { year: 'numeric' }).year;
  const year = p.year !== thisYear ? ` ${p.year}` : '';
  return `${p.month} ${p.day}${year} ${p.hour}:${p.minute} ${p.timeZoneName ?? ''}`.trim();
}

/** "Nov 30" (with the year when it is not this year's). */
export function day(iso: string | number, zone?: string, now = Date.now()): string {
  const p = parts(iso, zone, { year: 'numeric', month: 'short', day: 'numeric' });
  const thisYear = parts(now, zone, { year: 'numeric' }).year;
  return `${p.month} ${p.day}${p.year !== thisYear ? `, ${p.year}` : ''}`;
}

/** "Nov 3, 14:05" for tables. */
export function dateTime(iso: string | number, zone?: string): string {
  const p = parts(iso, zone, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return `${p.month} ${p.day}, ${p.hour}:${p.minute}`;
}

/** "2 h ago", "just now". */
export function ago(iso: string | number, now = Date.now()): string {
  const ms = now - new Date(iso).getTime();
  if (ms < 60_000) return 'just now';
  return `${span(ms)} ago`;
}

/** The local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(iso: string | number, zone: string): string {
  const p = parts(iso, zone, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${p.year}-${p.month}-${p.day}`;
}

/** Calendar dates from `from` to `to` inclusive (YYYY-MM-DD), for filling days without usage. */
export function datesBetween(from: string, to: string, max = 5 * 366): string[] {
  const out: string[] = [];
  let t = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  while (t <= end && out.length < max) {
    out.push(new Date(t).toISOString().slice(0, 10));
    t += 86_400_000;
  }
  return out;
}

/** Replace raw ISO instants inside a ledger message with readable ones. */
export function humanizeInstants(text: string, zone?: string): string {
  return text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z/g, (m) => instant(m, zone));
}

/** Every reason the ledger can give (the type makes a new one fail the build until it has a heading). */
const REASONS: Record<RefusalReason, string> = {
  insufficient_credits: 'Not enough credits',
  account_limit: 'Monthly spending limit',
  member_limit: 'Member limit',
  daily_limit: 'Daily limit',
  rate_limit: 'Hourly rate limit',
  plan: 'Not allowed on this plan',
  refund: 'Refund refused',
  hold: 'Hold',
  member_cap: 'Your cap on this pool',
  token_cap: "This token's cap",
  offline_allowance: 'Offline allowance used up',
  late_entry: 'Too late for its period',
};

/** A refusal reason code as a heading. */
export function reason(code: string): string {
  return (Object.hasOwn(REASONS, code) ? REASONS[code as RefusalReason] : undefined) ?? code.replace(/_/g, ' ');
}

/** A percentage field ("20", "12.5") as the fraction the API takes ("0.2", "0.125"), in decimal text, without binary rounding. */
export function percentToFraction(pct: string): string | null {
  const m = /^\s*(\d{1,4})(?:\.(\d{1,3}))?\s*$/.exec(pct);
  if (!m) return null;
  const digits = `${m[1]}${m[2] ?? ''}`.padStart(3 + (m[2]?.length ?? 0), '0');
  const scale = 2 + (m[2]?.length ?? 0);
  const int = digits.slice(0, digits.length - scale).replace(/^0+(?=\d)/, '') || '0';
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

/**
 * An exact price per unit the API gives as decimal text in major units
 * ("0.0075") → "$0.0075": every digit the API sent, at least two decimals.
 */
export function exactPrice(decimal: string | null | undefined, currency = 'USD'): string {
  if (decimal === null || decimal === undefined || !/^\d+(\.\d+)?$/.test(decimal)) return '—';
  const digits = Math.min(20, Math.max(2, decimal.split('.')[1]?.length ?? 0));
  return numberFormat({ style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: digits }).format(Number(decimal));
}

/** A money amount typed in major units ("12", "12.5", "12.50") → minor units (1250), exactly; null when it is not one. */
export function minorOf(text: string): number | null {
  const m = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
