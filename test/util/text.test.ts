/**
 * The one plain-text rule (main/core/util/text.ts): every C0 and C1 control,
 * DEL and the bidi formatting characters are refused with their code point
 * and position; every other character is text. And the way out: escaped,
 * never raw.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { InputError } from '../../main/core/util/errors.js';
import { checkPlainText, escapeDeep, escapeOutput, escapeText, findUnsafeText, plainText, plainTextCheck, textProblem } from '../../main/core/util/text.js';

const hex = (c: number) => c.toString(16).toUpperCase().padStart(4, '0');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const C0 = range(0x00, 0x1f);
const C1 = range(0x80, 0x9f);
const BIDI = [0x061c, 0x200e, 0x200f, ...range(0x202a, 0x202e), ...range(0x2066, 0x2069)];

describe('textProblem: what is refused', () => {
  test.each([...C0, 0x7f, ...C1].map((c) => [hex(c), c] as const))('control character U+%s', (_h, c) => {
    expect(textProblem(`abc${String.fromCharCode(c)}def`)).toBe(`contains a control character (U+${hex(c)}) at position 4`);
  });

  test.each(BIDI.map((c) => [hex(c), c] as const))('bidi formatting character U+%s', (_h, c) => {
    expect(textProblem(`${String.fromCharCode(c)}abc`)).toBe(`contains a bidirectional formatting character (U+${hex(c)}) at position 1`);
  });

  test('NUL, tab, newline and carriage return are controls too (every field is one line)', () => {
    expect(textProblem('a\u0000')).toMatch(/U\+0000\) at position 2/);
    expect(textProblem('a\tb')).toMatch(/U\+0009/);
    expect(textProblem('a\nb')).toMatch(/U\+000A/);
    expect(textProblem('a\r\nb')).toMatch(/U\+000D/);
  });

  test('the first one is named; positions count characters, not UTF-16 units', () => {
    expect(textProblem('🚀🚀\u001b[31m\u202e')).toBe('contains a control character (U+001B) at position 3');
  });
});

describe('textProblem: what is text', () => {
  test.each([
    ['space (U+0020, just after C0)', ' '],
    ['tilde (U+007E, just before DEL)', '~'],
    ['no-break space (U+00A0, just after C1)', '\u00a0'],
    ['U+00FF', 'ÿ'],
    ['U+2029 neighbours of the bidi ranges: U+2029, U+202F, U+2065, U+206A', '\u2029\u202f\u2065\u206a'],
    ['U+200D zero-width joiner (emoji sequences)', '👩\u200d💻'],
    ['accents and CJK', 'Café 東京'],
    ['Arabic and Hebrew (right-to-left text itself)', 'مرحبا שלום'],
    ['emoji', '🚀 launch 🎉'],
    ['the empty string', ''],
  ])('%s', (_n, s) => {
    expect(textProblem(s)).toBeNull();
  });

  test('every code point from U+0020 to U+007E and U+00A0 to U+FFFF is text, except the bidi set', () => {
    const bidi = new Set(BIDI);
    for (const c of [...range(0x20, 0x7e), ...range(0xa0, 0xffff)]) {
      if (bidi.has(c) || (c >= 0xd800 && c <= 0xdfff)) continue;
      if (textProblem(String.fromCharCode(c)) !== null) throw new Error(`U+${hex(c)} was refused`);
    }
  });
});

describe('checkPlainText and plainText(): the error names the field', () => {
  test('checkPlainText throws an InputError with the field and the problem', () => {
    expect(() => checkPlainText('abc\u001b[2J', 'note')).toThrow(InputError);
    expect(() => checkPlainText('abc\u001b[2J', 'note')).toThrow('note contains a control character (U+001B) at position 4');
    expect(checkPlainText('Café 東京', 'note')).toBe('Café 東京');
  });

  test('plainText() is a zod string that still takes .max() and .optional()', () => {
    const s = z.object({ note: plainText().max(5).optional() });
    expect(s.parse({ note: 'Café' })).toEqual({ note: 'Café' });
    expect(s.parse({})).toEqual({});
    const bad = s.safeParse({ note: 'a\u202eb' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({ path: ['note'], message: 'contains a bidirectional formatting character (U+202E) at position 2' });
    expect(s.safeParse({ note: 'toolong' }).success).toBe(false);
  });

  test('plainTextCheck adds the rule to other string schemas: z.url() alone takes ESC and U+202E in a path', () => {
    expect(z.url().safeParse('https://a.example/\u001b[2J').success).toBe(true);
    const url = z.url().superRefine(plainTextCheck);
    expect(url.safeParse('https://a.example/\u001b[2J').error!.issues[0]!.message).toBe('contains a control character (U+001B) at position 19');
    expect(url.safeParse('https://a.example/café').success).toBe(true);
  });

  test('findUnsafeText walks objects, arrays and keys', () => {
    expect(findUnsafeText({ plans: [{ name: 'ok' }, { name: 'x\u0085' }] })).toEqual({ path: 'plans.1.name', problem: 'contains a control character (U+0085) at position 2' });
    expect(findUnsafeText({ 'k\u001b': 'v' })).toEqual({ path: 'k\\u001b (the key)', problem: 'contains a control character (U+001B) at position 2' });
    expect(findUnsafeText({ a: [1, null, true, 'Café'] })).toBeNull();
  });
});

describe('escaping: shown, never obeyed', () => {
  test('escapeText turns each unsafe character into \\uXXXX and leaves the rest', () => {
    expect(escapeText('red\u001b[31m \u202eevil\u0085 Café 🚀\ttab\nline')).toBe('red\\u001b[31m \\u202eevil\\u0085 Café 🚀\\u0009tab\\u000aline');
  });

  test('the escape is a JSON escape: parsing it gives the original character back', () => {
    const s = 'a\u202eb\u009bc\u007fd';
    expect(JSON.parse(`"${escapeText(s)}"`)).toBe(s);
  });

  test('escapeOutput keeps newlines (the program\'s own lines) and escapes everything else', () => {
    expect(escapeOutput('one\ntwo\u001b[2J\r\n')).toBe('one\ntwo\\u001b[2J\\u000d\n');
  });

  test('escapeDeep escapes every string and key, and nothing else', () => {
    const out = escapeDeep({ name: 'x\u001b', n: 3, ok: true, none: null, list: ['\u202e', 2], nested: { 'k\u0007': 'v' } });
    expect(out).toEqual({ name: 'x\\u001b', n: 3, ok: true, none: null, list: ['\\u202e', 2], nested: { 'k\\u0007': 'v' } });
  });
});
