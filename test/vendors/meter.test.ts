/**
 * The vendor's own meter against a local fake of Fluximage's usage endpoint:
 * agreement, a difference shown (never silently overwritten), manual and
 * automatic reconciliation with provenance, and every failure — offline, 401,
 * 429 with Retry-After, 5xx, a timeout, malformed JSON, a redirect — with the
 * ledger file unchanged, digest for digest. Backoff runs on an injected sleep.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { readMeter, type MeterDeps } from '../../main/core/connectors/meter.js';
import { fluximageBase, type Fetch } from '../../main/core/connectors/fluximage.js';
import { backoffMs, DEFAULT_RETRY } from '../../main/core/connectors/retry.js';
import { driftText } from '../../main/core/connectors/words.js';
import { startFakeFluximage, usageDoc, type FakeFluximage } from './fake-fluximage.js';

const KEY = 'flx_test_abcdefgh12345678';
let fake: FakeFluximage;
let ctx: Ctx;
let db: string;
let clock: ManualClock;
let acct: string;
let sleeps: number[];

beforeAll(async () => {
  fake = await startFakeFluximage();
});
afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-meter-'));
  db = join(dir, 'ledger.sqlite');
  clock = new ManualClock(Date.parse('2026-11-15T12:00:00Z'));
  ctx = openLedger(db, { clock, ids: seededIds(5) });
  acct = call(ctx, 'accounts.add', { preset: 'fluximage', plan: 'agency', name: 'Images', anchor: '2026-11-03' }).id;
  call(ctx, 'usage.record', { account: acct, action: 'alt-text', quantity: 806, at: '2026-11-10T09:00:00Z' });
  call(ctx, 'usage.record', { account: acct, action: 'compress', quantity: 40, at: '2026-11-10T09:00:00Z' });
  sleeps = [];
  fake.requests.length = 0;
  return () => ctx.db.close();
});

const deps = (o: Partial<MeterDeps> = {}): MeterDeps => ({
  fetch: fetch as unknown as Fetch,
  key: KEY,
  apiOverride: fake.url,
  sleep: async (ms) => void sleeps.push(ms),
  ...o,
});

/** Every row of every table of the ledger file, hashed: "nothing written" checked by content. */
function digest(): string {
  const conn = new Database(db, { readonly: true });
  const h = createHash('sha256');
  for (const { name } of conn.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]) h.update(name + JSON.stringify(conn.prepare(`SELECT * FROM "${name}"`).all()));
  conn.close();
  return h.digest('hex');
}

const ai = () => call(ctx, 'balance.get', { account: acct }).pools.find((p) => p.pool === 'ai')!;

describe('reading the meter', () => {
  test('agreement: the reading is kept, and the pool says the vendor confirmed it', async () => {
    fake.script({ body: usageDoc({ ia_credits_used: 806, compressor_used: 40, ia_credits_remaining: 9194 }) });
    const r = await readMeter(ctx, acct, deps());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.comparisons.map((c) => [c.pool, c.vendorUsed, c.ledgerUsed, c.unrecorded])).toEqual([
      ['compression', 40, 40, 0],
      ['ai', 806, 806, 0],
    ]);
    expect(r.reconciled).toEqual([]);
    expect(driftText(r.comparisons[0]!, 'Compression credits')).toBe('Fluximage says 40 compression credits used, the ledger 40: they agree');
    expect(ai()).toMatchObject({ usedThisPeriod: 806, remaining: 9194, source: { kind: 'vendor', vendor: 'Fluximage', at: '2026-11-15T12:00:00.000Z' }, drift: null });
    // Only Fluximage's documented endpoint, with the key as a Bearer token.
    expect(fake.requests).toEqual([{ method: 'GET', path: '/api/usage', authorization: `Bearer ${KEY}` }]);
  });

  test('a difference is shown, never silently written over the ledger', async () => {
    fake.script({ body: usageDoc({ ia_credits_used: 812, compressor_used: 40 }) });
    const r = await readMeter(ctx, acct, deps());
    expect(r.ok && r.comparisons[1]).toMatchObject({ pool: 'ai', vendorUsed: 812, ledgerUsed: 806, unrecorded: 6 });
    const pool = ai();
    expect(pool).toMatchObject({ usedThisPeriod: 806, remaining: 9194, source: { kind: 'ledger' } });
    expect(driftText(pool.drift!, pool.label)).toBe('Fluximage says 812 AI credits used, the ledger 806: 6 unrecorded');
    expect(checkInvariants(ctx)).toEqual([]);
  });

  test('the user reconciles: one entry with its provenance, dated at the reading, drawn down like usage', async () => {
    fake.script({ body: usageDoc({ ia_credits_used: 812, compressor_used: 40 }) });
    await readMeter(ctx, acct, deps());
    clock.advance(3_600_000);
    const [rec] = call(ctx, 'reconcile.accept', { account: acct });
    expect(rec).toMatchObject({
      pool: 'ai',
      origin: 'api',
      vendor: 'Fluximage',
      figure: 'used',
      vendorFigure: 812,
      ledgerFigure: 806,
      recorded: 6,
      observedAt: '2026-11-15T12:00:00.000Z',
      at: '2026-11-15T12:00:00.000Z',
      auto: false,
      recordedAt: '2026-11-15T13:00:00.000Z',
    });
    expect(ai()).toMatchObject({ usedThisPeriod: 812, remaining: 9188, source: { kind: 'reconciled', vendor: 'Fluximage', at: '2026-11-15T12:00:00.000Z', origin: 'api', reconciliation: rec!.id }, drift: null });
    const ev = call(ctx, 'events.list', { account: acct, limit: 1 }).events[0]!;
    expect(ev).toMatchObject({ eventId: rec!.eventId, action: 'reconciliation', credits: 6 });
    expect(checkInvariants(ctx)).toEqual([]);
    // Nothing left to reconcile; a second accept is a clear error and writes nothing.
    const before = digest();
    expect(() => call(ctx, 'reconcile.accept', { account: acct })).toThrow(/no difference to reconcile/);
    expect(digest()).toBe(before);
    // The next reading agrees.
    await readMeter(ctx, acct, deps());
    expect(ai().source).toMatchObject({ kind: 'vendor' });
  });

  test('auto-reconcile (opt-in) records the missing usage after the reading', async () => {
    call(ctx, 'reconcile.auto', { account: acct, auto: true });
    fake.script({ body: usageDoc({ ia_credits_used: 812, compressor_used: 45 }) });
    const r = await readMeter(ctx, acct, deps());
    expect(r.ok && r.reconciled.map((x) => [x.pool, x.recorded, x.auto])).toEqual([
      ['compression', 5, true],
      ['ai', 6, true],
    ]);
    const b = call(ctx, 'balance.get', { account: acct });
    expect(b.pools.map((p) => [p.pool, p.usedThisPeriod, p.source.kind])).toEqual([
      ['compression', 45, 'reconciled'],
      ['ai', 812, 'reconciled'],
    ]);
    expect(checkInvariants(ctx)).toEqual([]);
  });

  test('the ledger counting more than the vendor is shown, and never "fixed" by minting credits', async () => {
    call(ctx, 'reconcile.auto', { account: acct, auto: true });
    fake.script({ body: usageDoc({ ia_credits_used: 800, compressor_used: 40 }) });
    const r = await readMeter(ctx, acct, deps());
    expect(r.ok && r.reconciled).toEqual([]);
    const pool = ai();
    expect(driftText(pool.drift!, pool.label)).toBe('Fluximage says 800 AI credits used, the ledger 806: the ledger has 6 more than Fluximage counts');
    const before = digest();
    expect(() => call(ctx, 'reconcile.accept', { account: acct, pool: 'ai' })).toThrow(/the ledger has 6 more used than Fluximage counts.*void the events/);
    expect(digest()).toBe(before);
  });
});

describe('failures: a clear status, retries with backoff, nothing written', () => {
  const cases: [string, Parameters<FakeFluximage['script']>, string, number, number[]][] = [
    ['a 401', [{ status: 401, body: { error: 'bad key' } }], 'unauthorized', 1, []],
    ['a 429 with Retry-After', [{ status: 429, headers: { 'Retry-After': '30' } }], 'rate_limited', 4, [30_000, 30_000, 30_000]],
    ['a 5xx', [{ status: 503 }], 'server_error', 4, [2_000, 4_000, 8_000]],
    ['malformed JSON', [{ text: '{"plan": "agency", ' }], 'malformed', 4, [2_000, 4_000, 8_000]],
    ['a document of another shape', [{ body: usageDoc({ ia_credits_used: '812' }) }], 'malformed', 4, [2_000, 4_000, 8_000]],
    ['a plan name with a control character', [{ body: usageDoc({ plan: 'agency\u001b[2J' }) }], 'malformed', 4, [2_000, 4_000, 8_000]],
    ['an answer far larger than the document', [{ text: JSON.stringify({ ...usageDoc({}), padding: 'x'.repeat(70_000) }) }], 'malformed', 4, [2_000, 4_000, 8_000]],
    ['a redirect (never followed: the key stays with Fluximage)', [{ status: 302, headers: { Location: 'http://127.0.0.1:1/steal' } }], 'malformed', 4, [2_000, 4_000, 8_000]],
  ];
  test.each(cases)('%s', async (_name, script, status, attempts, waits) => {
    fake.script(...script);
    const before = digest();
    const r = await readMeter(ctx, acct, deps());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status.status).toBe(status);
    expect(r.status.message).toMatch(/nothing was recorded$/);
    expect(r.status.message).not.toContain(KEY);
    expect(r.attempts).toBe(attempts);
    expect(fake.requests).toHaveLength(attempts);
    expect(sleeps).toEqual(waits);
    expect(digest()).toBe(before);
    expect(ai()).toMatchObject({ source: { kind: 'ledger' }, drift: null });
  });

  test('offline: nobody listening', async () => {
    const before = digest();
    const r = await readMeter(ctx, acct, deps({ apiOverride: 'http://127.0.0.1:1' }));
    expect(!r.ok && [r.status.status, r.attempts]).toEqual(['offline', 4]);
    expect(!r.ok && r.status.message).toMatch(/^Fluximage could not be reached/);
    expect(digest()).toBe(before);
  });

  test('a timeout: the vendor never answers', async () => {
    fake.script({ hang: true });
    const before = digest();
    const r = await readMeter(ctx, acct, deps({ timeoutMs: 40, policy: { attempts: 2, baseMs: 1000, maxMs: 60_000 } }));
    expect(!r.ok && [r.status.status, r.attempts]).toEqual(['timeout', 2]);
    expect(sleeps).toEqual([1000]);
    expect(digest()).toBe(before);
  });

  test('a failure, then an answer: retried with backoff, then read once', async () => {
    fake.script({ status: 502 }, { status: 429, headers: { 'Retry-After': '1' } }, { body: usageDoc({ ia_credits_used: 806, compressor_used: 40 }) });
    const r = await readMeter(ctx, acct, deps());
    expect(r.ok && r.attempts).toBe(3);
    // The second wait is the backoff (4 s), longer than the 1 s Retry-After asked.
    expect(sleeps).toEqual([2_000, 4_000]);
  });

  test('no key: not set up, nothing contacted, nothing written', async () => {
    const before = digest();
    const r = await readMeter(ctx, acct, deps({ key: null, missing: 'Fluximage is not set up: set FLUXIMAGE_API_KEY' }));
    expect(!r.ok && r.status.status).toBe('not_configured');
    expect(fake.requests).toEqual([]);
    expect(digest()).toBe(before);
  });

  test('the backoff: doubling from 2 s, capped at a minute, never sooner than Retry-After', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(DEFAULT_RETRY, n))).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(backoffMs(DEFAULT_RETRY, 1, 90_000)).toBe(90_000);
  });
});

describe('only Fluximage is ever contacted', () => {
  test('the default is fluximage.app; an override must be loopback and take a test key', () => {
    expect(fluximageBase(undefined, 'flx_live_abcdefgh1234')).toBe('https://fluximage.app');
    expect(fluximageBase('http://127.0.0.1:9999/x', KEY)).toBe('http://127.0.0.1:9999');
    expect(() => fluximageBase('https://evil.example', KEY)).toThrow('CREDITDECK_FLUXIMAGE_API may only point at this machine (a local fake for tests), not evil.example');
    expect(() => fluximageBase('http://127.0.0.1:9999', 'flx_live_abcdefgh1234')).toThrow(/takes a flx_test_ key only/);
  });

  test('a provider without a usage API is told to record what its page shows', async () => {
    const lux = call(ctx, 'accounts.add', { preset: 'lux', plan: 'free' }).id;
    await expect(readMeter(ctx, lux, deps())).rejects.toThrow(`Lux has no usage API Creditdeck reads; record what its page shows with: creditdeck reconcile ${lux} POOL --remaining N`);
  });
});
