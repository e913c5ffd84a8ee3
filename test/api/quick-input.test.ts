/**
 * The hot calls' inputs checked by hand (main/core/api/quick-input.ts) against
 * their schemas. Property: on random inputs, valid and not, whenever the quick
 * check answers, the schema accepts the input and answers the same data; and
 * the quick check answers the plainly valid inputs, so it is not quietly
 * skipped.
 */
import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import { handlers, parseInput } from '../../main/core/api/handlers.js';
import { quickInput } from '../../main/core/api/quick-input.js';
import { rng } from '../stress/lib/rng.js';

const schema = handlers['usage.record'].input as unknown as z.ZodType;
const KEYS = ['account', 'action', 'quantity', 'at', 'key', 'member', 'attrs', 'byoKey', 'holdId'];

function randomText(r: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  return pick<unknown>([
    'lux',
    'ai:claude-sonnet',
    '',
    'é ü 日本 😀',
    'a\u001bb',
    'x\u202ey',
    '\u200f',
    'tab\there',
    'a'.repeat(64),
    'a'.repeat(65),
    'b'.repeat(200),
    'b'.repeat(201),
    'c'.repeat(1000),
    'c'.repeat(1001),
    '2026-11-10T10:00:00Z',
    7,
    0,
    null,
    true,
    [],
    ['a'],
    {},
  ]);
}

function randomAttrs(r: () => number): unknown {
  if (r() < 0.1) return randomText(r);
  const out: Record<string, unknown> = r() < 0.05 ? JSON.parse('{"__proto__":"x"}') : {};
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const k = r() < 0.85 ? `k${i}` : (randomText(r) as string);
    out[typeof k === 'string' ? k : String(k)] = r() < 0.85 ? `v${i}` : randomText(r);
  }
  return out;
}

function randomValue(r: () => number, key: string): unknown {
  if (r() < 0.15) return randomText(r);
  switch (key) {
    case 'quantity':
      return [1, 4000, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY, '3', 'x', 1e300][Math.floor(r() * 9)];
    case 'attrs':
      return randomAttrs(r);
    case 'byoKey':
      return r() < 0.5;
    default:
      return ['lux-pro', 'ai:claude-sonnet', 'push-abc', 'mo', 'hold_1'][Math.floor(r() * 5)];
  }
}

function randomInput(r: () => number): unknown {
  if (r() < 0.03) return [null, 'lux', [1], 7, undefined][Math.floor(r() * 5)];
  const input: Record<string, unknown> = {};
  for (const k of KEYS) {
    const p = k === 'account' || k === 'action' ? 0.95 : 0.35;
    if (r() < p) input[k] = randomValue(r, k);
  }
  if (r() < 0.05) input.extra = 1;
  if (r() < 0.03) input.quantity = undefined;
  if (r() < 0.03) return Object.assign(Object.create({ inherited: 1 }) as object, input);
  return input;
}

/**
 * n random inputs through the quick check and the schema: whenever the quick
 * check answers, the schema accepts the input and answers the same data.
 * `passedOver` sees each input the schema accepts that the quick check left to it.
 */
function agreement(name: string, schema: z.ZodType, gen: (r: () => number) => unknown, seed: number, n: number, passedOver?: (input: unknown, where: string) => void): { quick: number; valid: number } {
  const r = rng(seed);
  let quick = 0;
  let valid = 0;
  for (let i = 0; i < n; i++) {
    const input = gen(r);
    const q = quickInput(name, input);
    const z = schema.safeParse(input);
    const where = `seed ${seed}, input ${i}: ${JSON.stringify(input)?.slice(0, 400)}`;
    if (z.success) valid++;
    if (q !== null) {
      quick++;
      expect(z.success, where).toBe(true);
      expect(q.data, where).toStrictEqual(Object.fromEntries(Object.entries(z.data as object).filter(([, v]) => v !== undefined)));
    } else if (z.success) passedOver?.(input, where);
  }
  return { quick, valid };
}

describe('the quick check of a usage.record input', () => {
  test('answers as the schema does whenever it answers, and answers every plainly valid input', () => {
    const { quick, valid } = agreement('usage.record', schema, randomInput, 20261205, 20_000, (input, where) => {
      if (input === null || typeof input !== 'object' || Object.getPrototypeOf(input) !== Object.prototype) return;
      const own = Object.keys(input);
      const plainAttrs = !Object.hasOwn(input, 'attrs') || !Object.keys((input as { attrs: object }).attrs).includes('__proto__');
      if (own.every((k) => KEYS.includes(k) && (input as Record<string, unknown>)[k] !== undefined) && plainAttrs) expect.fail(`the quick check passed over a valid input: ${where}`);
    });
    // Both sides of the property were exercised.
    expect(quick).toBeGreaterThan(2_000);
    expect(valid - quick).toBeGreaterThan(100);
  });

  test('answers a record of attributes as a new object, as the schema does', () => {
    const input = { account: 'lux-pro', action: 'email', attrs: { flow: 'f' } };
    const q = quickInput('usage.record', input);
    expect(q?.data.attrs).toEqual({ flow: 'f' });
    expect(q?.data.attrs).not.toBe(input.attrs);
  });

  test('parseInput gives the schema’s own error when the quick check passes an input over', () => {
    const r = parseInput('usage.record', { account: 'lux-pro', action: 'a\u001bb' });
    expect(r.success).toBe(false);
    expect(r.success ? '' : r.error.issues[0]!.message).toContain('control character');
    expect(parseInput('usage.record', { account: 'lux-pro', action: 'email', quantity: 2 })).toEqual({ success: true, data: { account: 'lux-pro', action: 'email', quantity: 2 } });
  });

  test('only the hot calls have one', () => {
    expect(quickInput('grants.add', { account: 'lux-pro', pool: 'credits', amount: 5 })).toBeNull();
  });
});

const pushSchema = handlers['team.push'].input as unknown as z.ZodType;

function randomEntry(r: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  if (r() < 0.02) return pick<unknown>([null, 'x', [], 3]);
  const e: Record<string, unknown> = {};
  if (r() < 0.97) e.id = pick<unknown>(['abcdefgh', 'ob_0123456789abcdef', 'Zz-_09aaBB', 'short', 'bad id!!', 'a'.repeat(64), 'a'.repeat(65), 'é'.repeat(9), 7]);
  if (r() < 0.97) e.call = pick<unknown>(['usage.record', 'usage.record', 'usage.record', 'grants.add', 1]);
  if (r() < 0.97) {
    e.input = pick<unknown>([
      { account: 'lux-pro', action: 'email', quantity: 1 },
      { account: 'lux-pro', action: 'email', attrs: { flow: 'f' }, at: '2026-11-10T10:00:00Z' },
      {},
      { anything: [1, { deep: true }], n: null },
      [],
      null,
      'text',
      JSON.parse('{"__proto__":{"x":1},"a":1}'),
      { a: undefined },
    ]);
  }
  const o = r();
  if (o < 0.25) e.offline = true;
  else if (o < 0.4) e.offline = false;
  else if (o < 0.43) e.offline = pick<unknown>(['yes', 1, null, undefined]);
  if (r() < 0.03) e.extra = 1;
  return e;
}

function randomPush(r: () => number): unknown {
  if (r() < 0.02) return [null, [], 'x', { entries: 'x' }][Math.floor(r() * 4)];
  const n = r() < 0.02 ? 501 : r() < 0.03 ? 0 : 1 + Math.floor(r() * 4);
  const entries = Array.from({ length: n }, () => (r() < 0.85 ? { id: 'ob_plain_01', call: 'usage.record', input: { account: 'lux-pro', action: 'email' } } : randomEntry(r)));
  const push: Record<string, unknown> = { entries };
  if (r() < 0.03) push.more = true;
  return push;
}

describe('the quick check of a team.push input', () => {
  test('answers as the schema does whenever it answers, and answers pushes of plainly valid entries', () => {
    const { quick, valid } = agreement('team.push', pushSchema, randomPush, 20261206, 10_000);
    expect(quick).toBeGreaterThan(3_000);
    expect(valid - quick).toBeGreaterThan(50);
    // A push of plain entries, as members' clients send them, is always taken quickly.
    const plain = { entries: Array.from({ length: 500 }, (_, k) => ({ id: `ob_${String(k).padStart(8, '0')}`, call: 'usage.record', input: { account: 'lux-pro', action: 'email', quantity: 1, at: '2026-11-10T10:00:00Z' }, offline: k % 2 === 0 })) };
    expect(quickInput('team.push', plain)?.data).toStrictEqual(pushSchema.parse(plain));
    // One entry too many is the schema's to refuse.
    const over = { entries: [...plain.entries, { ...plain.entries[0]!, id: 'ob_00000500' }] };
    expect(quickInput('team.push', over)).toBeNull();
    expect(pushSchema.safeParse(over).success).toBe(false);
  });
});

describe('inputs whose keys are not all their own', () => {
  test('are the schema’s to answer', () => {
    const inherited = Object.assign(Object.create({ member: 'mo' }) as object, { account: 'lux-pro', action: 'email' });
    expect(quickInput('usage.record', inherited)).toBeNull();
    const hidden = { account: 'lux-pro', action: 'email' };
    Object.defineProperty(hidden, 'member', { value: 'mo', enumerable: false });
    expect(quickInput('usage.record', hidden)).toBeNull();
    expect((schema.parse(hidden) as { member?: string }).member).toBe('mo');
    const entry = { id: 'ob_00000001', call: 'usage.record', input: { account: 'lux-pro', action: 'email' } };
    Object.defineProperty(entry, 'offline', { value: true, enumerable: false });
    expect(quickInput('team.push', { entries: [entry] })).toBeNull();
  });
});
