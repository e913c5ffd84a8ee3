/**
 * The import's in-memory fast path (main/core/ledger/usage-batch.ts): a file
 * that mixes every kind of line — plain usage drawing on a monthly grant, a
 * purchase and past a hold, keyless and keyed lines, keys repeated in the
 * file and keys recorded before it, free and bring-your-own-key lines,
 * members with and without a limit, dedupe, a rate limit,
 * a daily limit, an account spending limit, threshold and low-balance
 * alerts, usage crossing a reset and a purchase's expiry, lines dated back
 * within the open period — imported, leaves the same ledger, row for row in
 * every table, as recording each line alone (recordUsage, one transaction
 * each), and the same counts. A refused or invalid line anywhere fails the
 * import naming that line, as recording alone would refuse it, and leaves
 * nothing.
 */
import { describe, expect, it } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { importEvents } from '../../main/core/ledger/import.js';
import { bumpCounter, counter } from '../../main/core/ledger/book.js';
import type { CapsHook } from '../../main/core/ledger/caps-hook.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { ROWS_PER_INSERT, UsageBatch } from '../../main/core/ledger/usage-batch.js';
import { recordUsage, type UseInput } from '../../main/core/ledger/usage.js';
import { InputError, RefusedError } from '../../main/core/util/errors.js';
import { rng } from '../stress/lib/rng.js';
import { fresh, iso, ms, snapshot } from './helpers.js';

const START = '2026-11-10T09:00:00Z';
const NOW = '2026-12-20T12:00:00Z';

/** The same ledger before the import, both sides. */
function setup(seed: number) {
  const h = fresh(START, seed);
  const { ctx } = h;
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'pro', anchor: '2026-11-01' });
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', anchor: '2026-11-01' });
  call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-11-01' });
  call(ctx, 'accounts.add', { preset: 'fluximage', plan: 'starter', anchor: '2026-11-01' });
  // A purchase that expires mid-way, and a hold that lapses: draw-down order, expiry and held credits.
  call(ctx, 'grants.add', { account: 'lux-pro', pool: 'credits', amount: 40, source: 'purchase', expires: '2026-11-25T00:00:00Z' });
  call(ctx, 'holds.place', { account: 'lux-pro', pool: 'credits', amount: 3, expires: '2026-11-20T00:00:00Z' });
  call(ctx, 'members.add', { account: 'fluxnote-rise', member: 'ana', name: 'Ana' });
  call(ctx, 'members.add', { account: 'fluxnote-rise', member: 'bo', name: 'Bo', monthlyLimit: 500 });
  call(ctx, 'actions.set', { account: 'fluxnote-rise', action: 'image', hourlyLimit: 10_000 });
  call(ctx, 'limits.daily', { account: 'lux-pro', attr: 'flow', value: 'flow-1', limit: 100_000 });
  call(ctx, 'accounts.set', { account: 'lux-free', monthlyLimit: 100_000 });
  // Alerts the file's lines cross: thresholds of a small pool, a low balance.
  call(ctx, 'accounts.set', { account: 'fluxnote-rise', thresholds: [10, 20, 50] });
  call(ctx, 'accounts.set', { account: 'fluximage-starter', lowBalance: 198 });
  // Recorded before the import: the file repeats it.
  recordUsage(ctx, { account: 'lux-pro', action: 'email', quantity: 1, key: 'before-1', at: ms('2026-11-10T08:00:00Z') });
  h.at(NOW);
  return h;
}

interface Line {
  input: UseInput;
  json: Record<string, unknown>;
}

function line(input: UseInput): Line {
  const json: Record<string, unknown> = { account: input.account, action: input.action };
  if (input.quantity !== undefined) json.quantity = input.quantity;
  if (input.at !== undefined) json.at = iso(input.at);
  if (input.key !== undefined) json.key = input.key;
  if (input.member !== undefined) json.member = input.member;
  if (input.attrs !== undefined) json.attrs = input.attrs;
  if (input.byoKey) json.byo_key = true;
  return { input, json };
}

/** n lines of every kind, dated from START to NOW in order, some stepped back within their period. */
function mixedFile(seed: number, n: number): Line[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const from = ms(START);
  const span = ms(NOW) - from;
  const out: Line[] = [];
  for (let i = 0; i < n; i++) {
    let at = from + Math.floor((span * (i + 1)) / (n + 1));
    // Dated back a little (never across a reset: that is a closed period, tested apart).
    if (r() < 0.15 && new Date(at - 3_600_000).getUTCMonth() === new Date(at).getUTCMonth()) at -= Math.floor(r() * 3_600_000);
    const x = r();
    const flow = { flow: `flow-${Math.floor(r() * 4)}` };
    let input: UseInput;
    if (x < 0.3) input = { account: 'lux-pro', action: pick(['ai:claude-haiku', 'ai:claude-sonnet']), quantity: pick(['1', '250', '1500', '4000']), at, attrs: flow };
    else if (x < 0.4) input = { account: 'lux-pro', action: pick(['email', 'sms']), quantity: pick([1, 2, 3]), at, ...(r() < 0.5 ? { attrs: flow } : {}) };
    else if (x < 0.47) input = { account: 'lux-pro', action: 'email', quantity: 1, at, key: `k${i}` };
    else if (x < 0.52 && out.length > 0) {
      // An earlier line again: a keyed one is a duplicate; a keyless one is new work (dated now: its own may be in a closed period).
      const again = pick(out).input;
      input = again.key === undefined ? { ...again, at } : again;
    }
    else if (x < 0.55) input = { account: 'lux-pro', action: 'email', quantity: 1, key: 'before-1', at: ms('2026-11-10T08:00:00Z') };
    else if (x < 0.6) input = { account: 'lux-pro', action: 'ai:claude-opus', quantity: '900', at, byoKey: true };
    else if (x < 0.66) input = { account: 'fluxnote-rise', action: pick(['edit', 'caption']), at, member: pick(['ana', 'bo']) };
    else if (x < 0.7) input = { account: 'fluxnote-rise', action: 'video', quantity: 1, at, member: pick(['ana', 'ana', 'bo']) };
    else if (x < 0.78) input = { account: 'fluxnote-rise', action: 'image', quantity: 1, at };
    else if (x < 0.84) input = { account: 'fluximage-starter', action: pick(['alt-text', 'seo-rename', 'compress']), at, attrs: { image: `img-${Math.floor(r() * 5)}` } };
    else if (x < 0.92) input = { account: 'lux-free', action: 'ai:claude-haiku', quantity: '10', at };
    else input = { account: 'lux-pro', action: 'voice-call', quantity: '0.5', at, key: `v${i}`, attrs: { flow: 'flow-1' } };
    out.push(line(input));
  }
  return out;
}

const jsonl = (lines: Line[]) => lines.map((l) => JSON.stringify(l.json)).join('\n') + '\n';

/** Each line alone, in order: its outcome. */
function oneByOne(h: ReturnType<typeof setup>, lines: Line[]): { status?: string; error?: unknown }[] {
  return lines.map(({ input }) => {
    try {
      return { status: recordUsage(h.ctx, input).status };
    } catch (error) {
      return { error };
    }
  });
}

/** Caps checked for someone else, as a team's are: ana's video is capped (the hook reads and moves a counter), nothing else (quiet). */
function capsHook(ctx: Ctx): CapsHook {
  const scope = 'test-cap:ana';
  return {
    check(c) {
      if (c.member !== 'ana' || c.pool !== 'video') return null;
      const spent = counter(ctx, c.account.id, scope, c.periodStart);
      return spent + c.cost > 2000 ? { reason: 'member_cap', message: `ana's cap: ${spent} spent`, details: { spent } } : null;
    },
    booked(c) {
      if (c.member === 'ana' && c.pool === 'video') bumpCounter(ctx, c.account.id, scope, c.periodStart, c.cost);
    },
    quiet: (c) => c.member !== 'ana' || c.pool !== 'video',
  };
}

describe('import: the in-memory fast path', () => {
  it('a file of every kind of line leaves the one-by-one ledger, row for row (12 seeds × 300 lines)', () => {
    let fast = 0;
    let general = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const lines = mixedFile(seed, 300);
      const alone = setup(seed);
      const statuses = oneByOne(alone, lines);
      expect(statuses.filter((s) => s.error !== undefined).map((s) => String(s.error)), `seed ${seed}`).toEqual([]);
      const imported = setup(seed);
      const stats = { fast: 0, general: 0 };
      const r = importEvents(imported.ctx, jsonl(lines), { format: 'jsonl', stats });
      expect(snapshot(imported.ctx), `seed ${seed}`).toBe(snapshot(alone.ctx));
      const count = (s: string) => statuses.filter((x) => x.status === s).length;
      expect(r, `seed ${seed}`).toMatchObject({ lines: lines.length, applied: count('applied'), free: count('free'), bypassed: count('bypassed'), covered: count('covered'), duplicate: count('duplicate') });
      expect(call(imported.ctx, 'check', {}).ok).toBe(true);
      fast += stats.fast;
      general += stats.general;
    }
    // Both paths ran, and most lines took the fast one.
    expect(general).toBeGreaterThan(0);
    expect(fast).toBeGreaterThan(general);
  });

  it('events written several to an INSERT: any number per statement leaves the same ledger (1, 3, 7, 64, 256, 500 rows), chunks cut by general lines', () => {
    for (const seed of [2, 7]) {
      const lines = mixedFile(seed, 300);
      const alone = setup(seed);
      oneByOne(alone, lines);
      const expected = snapshot(alone.ctx);
      for (const rows of [1, 3, 7, 64, ROWS_PER_INSERT, 500]) {
        const h = setup(seed);
        const stats = { fast: 0, general: 0 };
        importEvents(h.ctx, jsonl(lines), { format: 'jsonl', stats, rows });
        expect(snapshot(h.ctx), `seed ${seed}, ${rows} rows`).toBe(expected);
        expect(stats.general).toBeGreaterThan(0);
      }
    }
  });

  it('a key repeated while its first event is held, after it was written, or after the one-by-one path recorded it is a duplicate; refused if its content differs', () => {
    const at = ms('2026-12-19T00:00:00Z');
    const plain = (i: number) => line({ account: 'lux-pro', action: 'email', quantity: 1, at: at + i, key: `p${i}` });
    const first = line({ account: 'lux-pro', action: 'sms', quantity: 2, at: at + 10, key: 'held-1' });
    // Its repeat comes while it is held (64 rows), or after it was written with its key looked up ahead as absent (3 rows);
    // or its first line takes the one-by-one path (bo has a limit), which may record any key.
    const general = line({ account: 'fluxnote-rise', action: 'video', quantity: 1, at: at + 20, member: 'bo', key: 'general-1' });
    // The first window of lines read ahead (64) books December's reset, which drops what is known: the case is in the second.
    const fill = Array.from({ length: 64 }, (_, i) => plain(100 + i));
    const file = [...fill, plain(1), first, plain(2), plain(5), plain(6), first, plain(3), general, plain(7), general, plain(4)];
    const alone = setup(6);
    const statuses = oneByOne(alone, file);
    expect(statuses.slice(64).map((s) => s.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'duplicate', 'applied', 'applied', 'applied', 'duplicate', 'applied']);
    for (const rows of [64, 3]) {
      const h = setup(6);
      const stats = { fast: 0, general: 0 };
      const r = importEvents(h.ctx, jsonl(file), { format: 'jsonl', rows, stats });
      expect(r.duplicate, `${rows} rows`).toBe(2);
      expect(snapshot(h.ctx), `${rows} rows`).toBe(snapshot(alone.ctx));
      expect(stats.general).toBeGreaterThanOrEqual(3); // bo's line, and the two replays
    }
    const other = line({ account: 'lux-pro', action: 'sms', quantity: 3, at: at + 10, key: 'held-1' });
    const h2 = setup(6);
    const before = snapshot(h2.ctx);
    expect(() => importEvents(h2.ctx, jsonl([plain(1), first, plain(2), other]), { format: 'jsonl', rows: 64 })).toThrow(/^line 4: idempotency key "held-1" was already used/);
    expect(snapshot(h2.ctx)).toBe(before);
  });

  it('a key looked up ahead as absent, then recorded by the one-by-one path (its line books a reset), is a duplicate when repeated', () => {
    const dec31 = ms('2026-12-31T00:00:00Z');
    const jan1 = ms('2027-01-01T00:30:00Z');
    const email = (at: number, key: string) => line({ account: 'lux-pro', action: 'email', quantity: 1, at, key });
    // Window 1 (64 lines read ahead) books December's reset; in window 2 the first 'reset-1' books January's and its repeat is plain.
    const file = [
      ...Array.from({ length: 64 }, (_, i) => email(dec31 + i, `d${i}`)),
      email(dec31 + 100, 'd100'),
      email(jan1, 'reset-1'),
      email(jan1 + 1, 'j1'),
      email(jan1, 'reset-1'),
      email(jan1 + 2, 'j2'),
    ];
    const alone = setup(11);
    alone.at('2027-01-01T06:00:00Z');
    expect(oneByOne(alone, file).slice(64).map((s) => s.status)).toEqual(['applied', 'applied', 'applied', 'duplicate', 'applied']);
    const h = setup(11);
    h.at('2027-01-01T06:00:00Z');
    const stats = { fast: 0, general: 0 };
    expect(importEvents(h.ctx, jsonl(file), { format: 'jsonl', stats }).duplicate).toBe(1);
    expect(snapshot(h.ctx)).toBe(snapshot(alone.ctx));
    expect(stats.general).toBe(3); // the two resets, and the replay answered by the one-by-one path
  });

  it('keys looked up by range: a range dense with recorded keys (more than 256) falls back to one lookup a line; replays among new keys are found either way', () => {
    const at = ms('2026-12-19T00:00:00Z');
    const email = (i: number, key: string) => line({ account: 'lux-pro', action: 'email', quantity: 1, at: at + i, key });
    const recorded = (i: number) => line({ account: 'lux-pro', action: 'email', quantity: 1, at: at - 10_000 + i, key: `m${String(i).padStart(3, '0')}` });
    const before = (h: ReturnType<typeof setup>) => {
      for (let i = 0; i < 300; i++) recordUsage(h.ctx, recorded(i).input);
    };
    // Window 2's keys span m0…m299 (300 recorded: dense) and end with a replay; window 3's are new but for a replay of m150 in their range.
    const file = [
      ...Array.from({ length: 64 }, (_, i) => email(i, `a${i}`)),
      ...Array.from({ length: 64 }, (_, i) => (i === 0 ? email(100, 'm0') : i === 63 ? recorded(299) : email(100 + i, `m1${String(i).padStart(2, '0')}x`))),
      ...Array.from({ length: 64 }, (_, i) => (i === 30 ? recorded(150) : email(200 + i, `m15${String(i).padStart(2, '0')}`))),
    ];
    const alone = setup(12);
    before(alone);
    const statuses = oneByOne(alone, file);
    expect(statuses.filter((s) => s.status === 'duplicate').length).toBe(2);
    const h = setup(12);
    before(h);
    expect(importEvents(h.ctx, jsonl(file), { format: 'jsonl' }).duplicate).toBe(2);
    expect(snapshot(h.ctx)).toBe(snapshot(alone.ctx));
  });

  it('JSONL found in place: CRLF endings, blank and white-space lines skipped but counted, so an error names the line a reader sees', () => {
    const ok = (i: number) => JSON.stringify({ account: 'lux-pro', action: 'email', quantity: 1, at: `2026-12-19T00:00:0${i}Z`, key: `crlf-${i}` });
    const h = setup(8);
    const r = importEvents(h.ctx, `\r\n${ok(1)}\r\n   \r\n\t\n\u00a0\n${ok(2)}`, { format: 'jsonl' });
    expect(r).toMatchObject({ lines: 2, applied: 2 });
    expect(h.ctx.db.prepare(`SELECT key FROM events WHERE key LIKE 'crlf-%' ORDER BY seq`).pluck().all()).toEqual(['crlf-1', 'crlf-2']);
    const h2 = setup(8);
    expect(() => importEvents(h2.ctx, `\n${ok(1)}\r\n  \r\n{"account": "lux-pro",\r\n${ok(2)}\n`, { format: 'jsonl' })).toThrow(/^line 4: not valid JSON/);
    expect(() => importEvents(h2.ctx, ' \r\n\n', { format: 'jsonl' })).toThrow(/the file has no events/);
  });

  it('lines without a time (recorded at the clock\'s now), without attributes, with members and bring-your-own-key: the same rows, fingerprints included', () => {
    const lines = [
      line({ account: 'lux-pro', action: 'email', quantity: 1, key: 'now-1' }),
      line({ account: 'lux-pro', action: 'sms', quantity: '2', attrs: { flow: 'a"b', 'x.y': 'é' } }),
      line({ account: 'fluxnote-rise', action: 'edit', member: 'ana', key: 'now-2' }),
      line({ account: 'fluxnote-rise', action: 'video', quantity: 1, member: 'ana' }),
      line({ account: 'lux-pro', action: 'ai:claude-opus', quantity: '900', byoKey: true, key: 'now-3' }),
    ];
    const alone = setup(10);
    expect(oneByOne(alone, lines).map((s) => s.status)).toEqual(['applied', 'applied', 'free', 'applied', 'bypassed']);
    const h = setup(10);
    const stats = { fast: 0, general: 0 };
    importEvents(h.ctx, jsonl(lines), { format: 'jsonl', stats });
    expect(snapshot(h.ctx)).toBe(snapshot(alone.ctx));
    expect(stats.fast).toBeGreaterThanOrEqual(3);
  });

  it('every outcome and rule is in the mix: alerts, a reset and an expiry booked, dedupe, duplicates', () => {
    const lines = mixedFile(5, 300);
    const h = setup(5);
    const stats = { fast: 0, general: 0 };
    const r = importEvents(h.ctx, jsonl(lines), { format: 'jsonl', stats });
    expect(r.applied).toBeGreaterThan(0);
    expect(r.free).toBeGreaterThan(0);
    expect(r.bypassed).toBeGreaterThan(0);
    expect(r.covered).toBeGreaterThan(0);
    expect(r.duplicate).toBeGreaterThan(0);
    const kinds = (h.ctx.db.prepare('SELECT DISTINCT kind FROM alerts').all() as { kind: string }[]).map((a) => a.kind).sort();
    expect(kinds).toEqual(expect.arrayContaining(['threshold', 'low-balance']));
    const grants = h.ctx.db.prepare(`SELECT source, period_start FROM grants WHERE account_id = 'lux-pro' ORDER BY granted_at`).all() as { source: string; period_start: number | null }[];
    expect(grants.filter((g) => g.source === 'monthly').length).toBe(2); // November's, and December's booked by a line past the reset
    expect((h.ctx.db.prepare(`SELECT COUNT(*) AS c FROM entries WHERE kind = 'expire'`).get() as { c: number }).c).toBeGreaterThan(0);
    expect((h.ctx.db.prepare(`SELECT COUNT(*) AS c FROM spend_counters WHERE scope = 'member:ana'`).get() as { c: number }).c).toBe(2);
    expect(stats.fast + stats.general).toBe(300);
  });

  it('a big plain file goes through the fast path but for the line that books the reset, summary rows written per batch (10,000 lines: not a whole number of INSERTs)', () => {
    const from = ms('2026-12-01T00:00:00Z');
    const lines = Array.from({ length: 12_000 }, (_, i) => line({ account: 'lux-pro', action: i % 2 ? 'email' : 'ai:claude-haiku', quantity: i % 2 ? 1 : '7', at: from + i * 60_000 + (i % 7), attrs: { flow: `f${i % 3}` } }));
    const alone = setup(9);
    for (const l of lines) recordUsage(alone.ctx, l.input);
    const imported = setup(9);
    const stats = { fast: 0, general: 0 };
    importEvents(imported.ctx, jsonl(lines), { format: 'jsonl', stats });
    expect(snapshot(imported.ctx)).toBe(snapshot(alone.ctx));
    expect(stats).toEqual({ fast: 11_999, general: 1 });
  });

  it('a refused line fails the import as recording alone refuses it, and nothing is left (fast lines before it included)', () => {
    const lines = mixedFile(3, 120);
    const refused = [
      line({ account: 'fluxnote-rise', action: 'video', quantity: 400, at: ms('2026-12-19T00:00:00Z'), member: 'ana' }), // more than the pool holds
      line({ account: 'fluxnote-rise', action: 'image', quantity: 20_000, at: ms('2026-12-19T00:00:00Z') }), // more than the hourly limit at once
      line({ account: 'lux-pro', action: 'email', quantity: 150_000, at: ms('2026-12-19T00:00:00Z') }), // plain, but more than the pool holds
    ];
    // Line 121: the refusal comes mid-INSERT (256 rows, and 7), with fast lines of its chunk held.
    for (const [bad, rows] of refused.flatMap((b) => [[b, ROWS_PER_INSERT] as const, [b, 7] as const])) {
      const file = [...lines, bad, ...lines.slice(0, 5)];
      const alone = setup(3);
      let expected: unknown = null;
      for (const l of file) {
        try {
          recordUsage(alone.ctx, l.input);
        } catch (e) {
          expected = e;
          break;
        }
      }
      expect(expected, String(expected)).toBeInstanceOf(RefusedError);
      const h = setup(3);
      const before = snapshot(h.ctx);
      let got: unknown = null;
      try {
        importEvents(h.ctx, jsonl(file), { format: 'jsonl', rows });
      } catch (e) {
        got = e;
      }
      expect(got).toBeInstanceOf(RefusedError);
      expect((got as RefusedError).message).toBe(`line ${lines.length + 1} was refused: ${(expected as RefusedError).message}; nothing was imported`);
      expect((got as RefusedError).reason).toBe((expected as RefusedError).reason);
      expect(snapshot(h.ctx)).toBe(before);
    }
  });

  it('invalid lines (a closed period, an unknown action, bad JSON, a key reused with other content) fail it naming the line; nothing is left', () => {
    const lines = mixedFile(4, 80).map((l) => JSON.stringify(l.json));
    const cases: [string, RegExp][] = [
      [JSON.stringify({ account: 'lux-pro', action: 'email', at: '2026-11-15T00:00:00Z' }), /falls in a closed period/],
      [JSON.stringify({ account: 'lux-pro', action: 'fax', at: '2026-12-19T00:00:00Z' }), /unknown action "fax"/],
      ['{"account": "lux-pro", "action": ', /not valid JSON/],
      [JSON.stringify({ account: 'fluxnote-rise', action: 'edit', member: 'cy', at: '2026-12-19T00:00:00Z' }), /unknown member "cy"/],
      [JSON.stringify({ account: 'lux-pro', action: 'sms', quantity: 1, key: 'before-1', at: '2026-11-10T08:00:00Z' }), /idempotency key "before-1" was already used/],
    ];
    for (const [bad, message] of cases) {
      const h = setup(4);
      const before = snapshot(h.ctx);
      let got: unknown = null;
      try {
        importEvents(h.ctx, [...lines, bad, ...lines.slice(0, 3)].join('\n'), { format: 'jsonl' });
      } catch (e) {
        got = e;
      }
      expect(got, bad).toBeInstanceOf(InputError);
      expect((got as Error).message).toMatch(new RegExp(`^line ${lines.length + 1}: `));
      expect((got as Error).message).toMatch(message);
      expect((got as Error).message).toMatch(/; nothing was imported$/);
      expect(snapshot(h.ctx)).toBe(before);
    }
  });
  it('a push (team.push: entries in one transaction, each answered): the same answers and rows as recording each alone — caps, refusals, offline entries included', () => {
    let fast = 0;
    let general = 0;
    let said = '';
    for (let seed = 21; seed <= 26; seed++) {
      const r = rng(seed);
      const lines = mixedFile(seed, 200).map(({ input }) => {
        const x = r();
        // Some refused (more than the pool holds), some recorded offline (overdrawn rather than refused), every one with the caps hook.
        const video = { account: 'fluxnote-rise', action: 'video', member: 'ana', at: input.at };
        if (x < 0.03) return { ...video, quantity: 400 };
        if (x < 0.05) return { ...input, offline: true };
        if (x < 0.06) return { account: 'fluxnote-rise', action: 'image', quantity: 1500, at: input.at, offline: true }; // overdrawn, not refused
        return input;
      });
      const answer = (run: () => unknown) => {
        try {
          return { ok: run() };
        } catch (e) {
          return { error: (e as Error).name, message: (e as Error).message };
        }
      };
      const alone = setup(seed);
      const hookAlone = capsHook(alone.ctx);
      const answersAlone = lines.map((input) => answer(() => recordUsage(alone.ctx, { ...input, caps: hookAlone })));
      const pushed = setup(seed);
      const hookPushed = capsHook(pushed.ctx);
      const batch = new UsageBatch(pushed.ctx);
      const answersPushed = pushed.ctx.write(() => {
        const out = lines.map((input) => answer(() => recordUsage(pushed.ctx, { ...input, caps: hookPushed }, batch)));
        batch.flush();
        return out;
      });
      expect(answersPushed, `seed ${seed}`).toEqual(answersAlone);
      expect(snapshot(pushed.ctx), `seed ${seed}`).toBe(snapshot(alone.ctx));
      said += JSON.stringify(answersAlone);
      general += batch.general;
      fast += lines.length - batch.general;
    }
    // Every kind of answer came up: refused for credits and by the cap, overdrawn offline.
    for (const what of ['not enough video credits', "ana's cap", '"overdrawn"']) expect(said, what).toContain(what);
    // Both paths ran (refusals and every kind of rule send many of these entries the general way).
    expect(general).toBeGreaterThan(0);
    expect(fast).toBeGreaterThan(300);
  });
});
