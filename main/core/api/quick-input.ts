/**
 * The hot calls' inputs checked by hand before their schemas: `usage.record`
 * arrives by the thousand on the hosts, and `team.push` brings hundreds of
 * them at once; zod took a fifth of a pushed entry's time on the team host.
 * An input that is plainly valid — only the schema's keys, each of its type,
 * strings plain and within their lengths — gets what the schema would answer
 * (the same keys and values) without it; anything else (an unknown key, a
 * wrong type, a long or unsafe string, a missing field) returns null and the
 * schema decides and says why. test/api/quick-input.test.ts compares the two
 * on random inputs.
 */
import { UNSAFE } from '../util/text.js';
import { ENTRY_ID, PUSHABLE } from './sync.js';

type Check = (v: unknown) => boolean;

const plain =
  (max: number): Check =>
  (v) =>
    typeof v === 'string' && v.length <= max && !UNSAFE.test(v);

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

const attrKey = plain(64);
const attrValue = plain(1000);

/** A plain object of plain strings; `__proto__` as an own key is the schema's to handle. */
const attrs: Check = (v) => {
  if (!isPlainObject(v)) return false;
  for (const k of Object.keys(v)) if (k === '__proto__' || !attrKey(k) || !attrValue(v[k])) return false;
  return true;
};

/** handlers.ts, 'usage.record': each key's test. */
const USAGE_RECORD: Readonly<Record<string, Check>> = {
  account: plain(Infinity),
  action: plain(64),
  quantity: (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)),
  at: plain(64),
  key: plain(200),
  member: plain(64),
  attrs,
  byoKey: (v) => typeof v === 'boolean',
  holdId: plain(64),
};

const USAGE_KEYS = Object.keys(USAGE_RECORD);

function quickUsageRecord(input: unknown): Record<string, unknown> | null {
  if (!isPlainObject(input)) return null;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(input)) {
    const check = Object.hasOwn(USAGE_RECORD, k) ? USAGE_RECORD[k]! : null;
    const v = input[k];
    if (check === null || v === undefined || !check(v)) return null;
    // The schema answers a record as a new object: so does this.
    out[k] = k === 'attrs' ? { ...(v as Record<string, unknown>) } : v;
  }
  // The schema reads its keys wherever they are (inherited, not enumerable): such an input is the schema's.
  for (const k of USAGE_KEYS) if (!Object.hasOwn(out, k) && input[k] !== undefined) return null;
  return out.account === undefined || out.action === undefined ? null : out;
}

const PUSHABLE_CALLS: ReadonlySet<unknown> = new Set(PUSHABLE);

/** sync.ts, a push's entry: its id, call, input (any values; `__proto__` as an own key is the schema's) and whether it waited offline. */
function quickEntry(e: unknown): Record<string, unknown> | null {
  if (!isPlainObject(e)) return null;
  const waited = Object.hasOwn(e, 'offline');
  const own = Object.keys(e);
  if (own.length !== (waited ? 4 : 3) || !own.includes('id') || !own.includes('call') || !own.includes('input') || (!waited && e.offline !== undefined)) return null;
  const { id, call, input, offline } = e;
  if (waited && typeof offline !== 'boolean') return null;
  if (typeof id !== 'string' || !ENTRY_ID.test(id) || !PUSHABLE_CALLS.has(call) || !isPlainObject(input) || Object.hasOwn(input, '__proto__')) return null;
  return waited ? { id, call, input: { ...input }, offline } : { id, call, input: { ...input } };
}

function quickPush(input: unknown): Record<string, unknown> | null {
  if (!isPlainObject(input)) return null;
  const keys = Object.keys(input);
  const list = input.entries;
  if (keys.length !== 1 || !Array.isArray(list) || list.length < 1 || list.length > 500) return null;
  const entries: Record<string, unknown>[] = [];
  for (const e of list) {
    const entry = quickEntry(e);
    if (entry === null) return null;
    entries.push(entry);
  }
  return { entries };
}

const QUICK: Readonly<Record<string, (input: unknown) => Record<string, unknown> | null>> = {
  'usage.record': quickUsageRecord,
  'team.push': quickPush,
};

/** The schema's answer for a plainly valid input of a hot call, or null: run the schema. */
export function quickInput(name: string, input: unknown): { success: true; data: Record<string, unknown> } | null {
  const quick = Object.hasOwn(QUICK, name) ? QUICK[name]! : null;
  const data = quick === null ? null : quick(input);
  return data === null ? null : { success: true, data };
}
