/**
 * Credits travel as integer millicredits (1 credit = 1000 mc) and money as
 * integer minor units. Parsing goes through strings so no binary fraction ever
 * touches a stored value.
 */
import { InputError } from './errors.js';

export const MC_PER_CREDIT = 1000;
/** Largest amount we accept anywhere: keeps every sum a safe integer. */
export const MAX_MC = 1_000_000_000_000_000; // 1e12 credits

/**
 * The largest total the ledger reports: every total up to it prints exactly
 * as a JSON number (at most 15 significant digits). Writes that would take a
 * pool's live credits or a period's usage past it are refused; a report whose
 * total passes it (a range of many periods) asks for a narrower range.
 */
export const MAX_TOTAL_MC = MAX_MC;

/** A sum computed exactly (BigInt), as a number, or a clear error when it is beyond what the ledger keeps exact. */
export function exactTotal(sum: bigint, what: string): number {
  const abs = sum < 0n ? -sum : sum;
  if (abs > BigInt(MAX_TOTAL_MC)) {
    throw new InputError(`${what} passes ${formatMc(MAX_TOTAL_MC, { group: true })} credits or units, more than the ledger reports exactly; ask for a shorter range (--from/--to)`, 'range');
  }
  return Number(sum);
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const WHOLE = /^[1-9]\d{0,11}$/;

/** Parse a non-negative decimal (string or number) into thousandths. */
export function parseMilli(input: unknown, field: string, opts: { allowZero?: boolean } = {}): number {
  // The common case, a whole count (what imports and pushes mostly send): exact without BigInt; anything else below.
  if (typeof input === 'number' ? Number.isSafeInteger(input) && input > 0 && input < 1e12 : typeof input === 'string' && WHOLE.test(input)) return Number(input) * 1000;
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new InputError(`${field} must be a finite number, got ${String(input)}`, field);
    text = numberToPlain(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    throw new InputError(`${field} must be a number, got ${input === null ? 'null' : typeof input}`, field);
  }
  if (text.startsWith('-')) throw new InputError(`${field} must not be negative (got ${text})`, field);
  if (text.startsWith('+')) text = text.slice(1);
  const m = DECIMAL.exec(text);
  if (!m) throw new InputError(`${field} must be a plain decimal number like 12 or 7.5 (got "${truncate(text)}")`, field);
  const whole = m[1]!;
  const frac = m[2] ?? '';
  if (frac.length > 3 && /[1-9]/.test(frac.slice(3))) {
    throw new InputError(`${field} has more than 3 decimal places (got ${text}); credits are exact to 0.001`, field);
  }
  const milli = BigInt(whole) * 1000n + BigInt((frac + '000').slice(0, 3));
  if (milli > BigInt(MAX_MC)) throw new InputError(`${field} is too large (got ${truncate(text)}; at most ${MAX_MC / 1000})`, field);
  if (milli === 0n && !opts.allowZero) throw new InputError(`${field} must be greater than zero`, field);
  return Number(milli);
}

/** Parse credits ("7.5") to millicredits. */
export const parseCredits = (input: unknown, field: string, opts?: { allowZero?: boolean }) => parseMilli(input, field, opts);

/** Parse a whole non-negative integer (minor units, counts). */
export function parseWhole(input: unknown, field: string, opts: { allowZero?: boolean; max?: number } = {}): number {
  const mc = parseMilli(input, field, opts);
  if (mc % 1000 !== 0) throw new InputError(`${field} must be a whole number (got ${String(input)})`, field);
  const n = mc / 1000;
  if (opts.max !== undefined && n > opts.max) throw new InputError(`${field} must be at most ${opts.max} (got ${n})`, field);
  return n;
}

/** A price in minor units. "5.00" is refused rather than read as 5 cents: whoever typed a decimal point meant dollars. */
export function parseMinorUnits(input: unknown, field: string): number {
  if (typeof input === 'string' && /[.,]/.test(input)) throw new InputError(`${field} is in cents (minor units): 500 for $5.00 (got ${input})`, field);
  return parseWhole(input, field, { allowZero: true, max: 1e12 });
}

/** Millicredits → credits as a JSON number; exact because mc/1000 has ≤3 decimals. */
export function mcToCredits(mc: number): number {
  return Number(formatMc(mc));
}

/** Millicredits → "7.5", "1,234.005" when grouped. */
export function formatMc(mc: number, opts: { group?: boolean } = {}): string {
  const neg = mc < 0;
  const abs = Math.abs(mc);
  const whole = Math.floor(abs / 1000);
  const frac = abs % 1000;
  let w = String(whole);
  if (opts.group) w = w.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const f = frac === 0 ? '' : '.' + String(frac).padStart(3, '0').replace(/0+$/, '');
  return (neg ? '-' : '') + w + f;
}

/** "1 credit", "2 credits", "0.5 credits": an amount in words, for messages. */
export function creditsText(mc: number, opts: { group?: boolean } = {}): string {
  return `${formatMc(mc, opts)} credit${mc === MC_PER_CREDIT ? '' : 's'}`;
}

/** Minor units → "$7.99" style text for a currency. */
export function formatMoney(minor: number, currency: string): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const major = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  const symbol = currency === 'USD' ? '$' : currency === 'EUR' ? '€' : currency === 'GBP' ? '£' : `${currency} `;
  return `${sign}${symbol}${major}.${cents}`;
}

/** ceil(a * b / c) for non-negative integers, exact via BigInt. */
export function mulDivCeil(a: number, b: number, c: number): number {
  const n = a * b;
  // Within 2^53 the product, the remainder and the quotient are exact in doubles: no BigInt for every event's cost.
  if (exactly(a, b, c, n)) {
    const r = n % c;
    return (n - r) / c + (r === 0 ? 0 : 1);
  }
  const num = BigInt(a) * BigInt(b);
  const den = BigInt(c);
  const q = num / den;
  return Number(num % den === 0n ? q : q + 1n);
}

/** floor(a * b / c) for non-negative integers, exact via BigInt. */
export function mulDivFloor(a: number, b: number, c: number): number {
  const n = a * b;
  if (exactly(a, b, c, n)) return (n - (n % c)) / c;
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** Non-negative integers whose product is a safe integer (then exact: a product past 2^53 - 1 rounds to 2^53 or more), and a divisor above 0. */
function exactly(a: number, b: number, c: number, n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0 && Number.isInteger(a) && Number.isInteger(b) && Number.isSafeInteger(c) && c > 0;
}

function numberToPlain(n: number): string {
  // Numbers such as 1e21 print in exponent form; refuse rather than guess.
  const s = String(n);
  if (/e/i.test(s)) {
    if (Math.abs(n) < 1) return n.toFixed(20).replace(/0+$/, '');
    throw new InputError(`number ${s} is too large`, 'number');
  }
  return s;
}

function truncate(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}
