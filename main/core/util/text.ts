/**
 * Plain text: the one rule for every free text the ledger takes in (names,
 * notes, ids, keys, attribute keys and values, reasons, a custom provider's
 * names and notes, import lines, restored exports), and the one way out to a
 * terminal for text that came from data.
 *
 * Refused, anywhere in the text:
 *  - C0 controls U+0000–U+001F (NUL, BEL, ESC, and also tab, newline and
 *    carriage return: every field is one line; a tab would break the CLI's
 *    tables) and DEL U+007F;
 *  - C1 controls U+0080–U+009F (U+009B is a one-byte CSI on some terminals);
 *  - the bidirectional formatting characters: marks U+200E, U+200F, U+061C,
 *    embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069 (they
 *    reorder what is shown, so "exe.txt" can be displayed as "txt.exe").
 * Everything else is text: accents, any script, emoji ("Café 東京 🚀").
 */
import * as z from 'zod';
import { InputError } from './errors.js';

/** A character a plain text may not hold (textProblem says which and where). */
// eslint-disable-next-line no-control-regex
export const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
// eslint-disable-next-line no-control-regex
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** U+001B */
export const codePoint = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * What is wrong with a text, or null when it is plain: "contains a control
 * character (U+001B) at position 4" (positions count characters from 1).
 */
export function textProblem(s: string): string | null {
  const m = UNSAFE.exec(s);
  if (!m) return null;
  const c = m[0];
  const kind = c <= '\u009f' ? 'a control character' : 'a bidirectional formatting character';
  // Characters, not UTF-16 units: an emoji before it counts once.
  const position = [...s.slice(0, m.index)].length + 1;
  return `contains ${kind} (${codePoint(c)}) at position ${position}`;
}

/** The value, or an InputError naming the field: "note contains a control character (U+001B) at position 4". */
export function checkPlainText(value: string, field: string): string {
  const problem = textProblem(value);
  if (problem !== null) throw new InputError(`${field} ${problem}`, field);
  return value;
}

/** Every string in a JSON-like value (object keys too), with a path for the message. */
export function findUnsafeText(value: unknown, path = ''): { path: string; problem: string } | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem === null ? null : { path, problem };
  }
  if (value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    const sub = path ? `${path}.${escapeText(k)}` : escapeText(k);
    const keyProblem = textProblem(k);
    if (keyProblem !== null) return { path: `${sub} (the key)`, problem: keyProblem };
    const found = findUnsafeText(v, sub);
    if (found) return found;
  }
  return null;
}

/**
 * A zod string of plain text: the schema for every free-text field at the
 * API boundary. The issue says what and where; the call's error adds the
 * field ("invalid grants.add input at note: contains a control character
 * (U+001B) at position 4"). Chain .max(), .min(), .optional() as usual.
 */
export function plainText(): z.ZodString {
  return z.string().superRefine(plainTextCheck);
}

/** The same check for other string schemas: `z.url().superRefine(plainTextCheck)` (z.url() takes ESC and U+202E in a path). */
export function plainTextCheck(s: string, ctx: z.RefinementCtx<string>): void {
  const problem = textProblem(s);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, params: { plainText: true } });
}

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Shown, never obeyed: each unsafe character as \u001b, \u202e… (the escape is also valid inside JSON strings). */
export function escapeText(s: string): string {
  return s.replace(UNSAFE_ALL, escape);
}

/**
 * For a whole block of output whose lines are the program's own: the same,
 * except that newlines stay newlines.
 */
export function escapeOutput(s: string): string {
  return s.replace(UNSAFE_BUT_NEWLINE, escape);
}

/** A copy of a JSON-like value with every string (and key) escaped; numbers, booleans and null as they are. */
export function escapeDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => escapeDeep(v)) as T;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeText(k), escapeDeep(v)])) as T;
}
