/**
 * Every string an API call takes is plain text (main/core/util/text.ts):
 * walks each handler's input schema, so a field added later with a bare
 * z.string() fails here until it is routed through plainText(). Numbers
 * given as text (parsed strictly) and the import file's whole text (checked
 * line by line) are the only exceptions.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { handlers } from '../../main/core/api/handlers.js';
import { providerSchema } from '../../main/core/presets/schema.js';

const EXEMPT = new Set(['import.text']);
const BAD = 'a\u001bb';

/** The schema under .optional(), .nullable() and .default(). */
function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodNullable || cur instanceof z.ZodDefault) cur = cur.unwrap() as z.ZodType;
  return cur;
}

/** Bad values for one field: the string itself, a record's key and value, a list's item. */
function badValues(s: z.ZodType): { value: unknown; path: (string | number)[] }[] {
  const t = unwrap(s);
  if (t instanceof z.ZodString) return [{ value: BAD, path: [] }];
  if (t instanceof z.ZodRecord) {
    return [
      { value: { [BAD]: '1' }, path: [BAD] },
      { value: { k: BAD }, path: ['k'] },
    ];
  }
  if (t instanceof z.ZodArray && unwrap(t.element as z.ZodType) instanceof z.ZodString) return [{ value: [BAD], path: [0] }];
  return [];
}

const fields = Object.entries(handlers).flatMap(([name, h]) => {
  const input = h.input as z.ZodType;
  if (!(input instanceof z.ZodObject)) return [];
  return Object.entries(input.shape as Record<string, z.ZodType>)
    .filter(([field]) => !EXEMPT.has(`${name}.${field}`))
    .flatMap(([field, schema]) => badValues(schema).map((b, i) => [`${name} ${field}${i ? ` (${i})` : ''}`, input, field, b] as const));
});

describe('every string field of every API call refuses control characters', () => {
  test('the walk finds the fields', () => {
    expect(fields.length).toBeGreaterThan(80);
  });

  test.each(fields)('%s', (_n, input, field, bad) => {
    const r = input.safeParse({ [field]: bad.value });
    const issues = (r.error?.issues ?? []).filter((x) => x.path[0] === field);
    const text = issues.map((x) => (x.code === 'invalid_key' ? x.issues.map((y) => y.message).join() : x.message)).join(' | ');
    expect(text, `${field} took "a\\u001bb"`).toMatch(/contains a control character \(U\+001B\) at position 2/);
  });
});

describe("every free-text field of a provider document refuses them: names, labels, units, notes, docs, the pack's URL", () => {
  test.each([
    ['name', (p: Record<string, unknown>) => ({ ...p, name: BAD })],
    ['docs', (p: Record<string, unknown>) => ({ ...p, docs: BAD })],
    ['onEmpty', (p: Record<string, unknown>) => ({ ...p, onEmpty: BAD })],
    ['notes.0', (p: Record<string, unknown>) => ({ ...p, notes: [BAD] })],
    ['pools.0.label', (p: Record<string, unknown>) => ({ ...p, pools: [{ id: 'credits', label: BAD, unit: 'credit' }] })],
    ['pools.0.unit', (p: Record<string, unknown>) => ({ ...p, pools: [{ id: 'credits', label: 'Credits', unit: BAD }] })],
    ['plans.0.name', (p: Record<string, unknown>) => ({ ...p, plans: [{ id: 'free', name: BAD, priceCents: 0, allocations: { credits: 1 } }] })],
    ['plans.0.priceNote', (p: Record<string, unknown>) => ({ ...p, plans: [{ id: 'free', name: 'Free', priceCents: 0, priceNote: BAD, allocations: { credits: 1 } }] })],
    ['plans.0.note', (p: Record<string, unknown>) => ({ ...p, plans: [{ id: 'free', name: 'Free', priceCents: 0, note: BAD, allocations: { credits: 1 } }] })],
    ['packs.0.name', (p: Record<string, unknown>) => ({ ...p, packs: [{ id: 'p', name: BAD, pool: 'credits', credits: 1, priceCents: 1 }] })],
    ['packs.0.note', (p: Record<string, unknown>) => ({ ...p, packs: [{ id: 'p', name: 'P', pool: 'credits', credits: 1, priceCents: 1, note: BAD }] })],
    ['packs.0.url', (p: Record<string, unknown>) => ({ ...p, packs: [{ id: 'p', name: 'P', pool: 'credits', credits: 1, priceCents: 1, url: `https://x.example/${BAD}` }] })],
    ['actions.0.label', (p: Record<string, unknown>) => ({ ...p, actions: [{ id: 'a', label: BAD, pool: 'credits', cost: 1 }] })],
    ['actions.0.unit', (p: Record<string, unknown>) => ({ ...p, actions: [{ id: 'a', label: 'A', pool: 'credits', cost: 1, unit: BAD }] })],
    ['actions.0.note', (p: Record<string, unknown>) => ({ ...p, actions: [{ id: 'a', label: 'A', pool: 'credits', cost: 1, note: BAD }] })],
  ])('%s', (path, make) => {
    const base = { id: 'acme', name: 'Acme', currency: 'USD', reset: { rule: 'anniversary' }, pools: [{ id: 'credits', label: 'Credits', unit: 'credit' }], plans: [{ id: 'free', name: 'Free', priceCents: 0, allocations: { credits: 1 } }], actions: [] };
    expect(providerSchema.safeParse(base).success).toBe(true);
    const r = providerSchema.safeParse(make(base));
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((x) => x.path.join('.') === path);
    expect(issue?.message, JSON.stringify(r.error!.issues)).toMatch(/contains a control character \(U\+001B\) at position \d+/);
  });
});
