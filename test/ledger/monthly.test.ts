/**
 * Rule 3, monthly grants: granted once per pool per period — idempotent even
 * across two connections or two processes on one file; unused monthly credits
 * expire at the reset as an 'expire' entry dated exactly at the reset, unless
 * the pool declares a rollover cap (then min(cap, left) carries over); an
 * unlimited pool records usage, never refuses and reports unlimited.
 */
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { getAccount } from '../../main/core/ledger/accounts.js';
import { materialize } from '../../main/core/ledger/materialize.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import { presets, parseProvider } from '../../main/core/presets/index.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { count, entries, fresh, grants, iso, ms, openHarness } from './helpers.js';

const monthlyRows = (h: { ctx: Parameters<typeof grants>[0] }, a: string) => grants(h.ctx, a, 'monthly').map((g) => [g.pool, g.amount_mc, iso(g.granted_at), iso(g.expires_at!)]);

describe('monthly grants: once per pool per period', () => {
  test('two operations in one period book one monthly grant per pool', () => {
    const h = fresh('2026-01-15T12:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'rise', anchor: '2026-01-10' });
    h.op('usage.record', { account: a, action: 'video' });
    h.op('usage.record', { account: a, action: 'image', quantity: 3 });
    h.at('2026-02-09T23:59:59Z');
    h.op('usage.record', { account: a, action: 'image' });
    expect(monthlyRows(h, a)).toEqual([
      ['video', 21_000, '2026-01-10T00:00:00.000Z', '2026-02-10T00:00:00.000Z'],
      ['image', 1_000_000, '2026-01-10T00:00:00.000Z', '2026-02-10T00:00:00.000Z'],
    ]);
  });

  test('calling materialize twice (and with an earlier instant) grants nothing more', () => {
    const h = fresh('2026-01-15T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    const acct = getAccount(h.ctx, a);
    const book = (t: number) => {
      h.ctx.write(() => materialize(h.ctx, acct, t));
      h.clean();
    };
    book(h.clock.now());
    book(h.clock.now());
    book(h.clock.now() - 1000);
    expect(grants(h.ctx, a, 'monthly')).toHaveLength(1);
    // Two months later in one step: exactly one grant per period in between.
    h.at('2026-03-20T00:00:00Z');
    book(h.clock.now());
    book(h.clock.now());
    expect(grants(h.ctx, a, 'monthly').map((g) => iso(g.granted_at))).toEqual(['2026-01-15T00:00:00.000Z', '2026-02-15T00:00:00.000Z', '2026-03-15T00:00:00.000Z']);
  });

  test('the database itself refuses a second monthly grant for the same pool and period', () => {
    const h = fresh('2026-01-15T12:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    h.op('usage.record', { account: a, action: 'email' });
    const g = grants(h.ctx, a, 'monthly')[0]!;
    expect(() =>
      h.ctx.db
        .prepare(
          `INSERT INTO grants (id, account_id, pool, source, amount_mc, granted_at, expires_at, period_start, recorded_at) VALUES ('gr_dup', ?, 'credits', 'monthly', 5, ?, ?, ?, 0)`,
        )
        .run(a, g.granted_at, g.expires_at, g.period_start),
    ).toThrow(/UNIQUE/);
  });

  test('two connections on the same file, both recording in one period: exactly one monthly grant', () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-ledger-'));
    try {
      const file = join(dir, 'ledger.sqlite');
      const clock = new ManualClock(ms('2026-01-15T12:00:00Z'));
      const c1 = openLedger(file, { clock, ids: seededIds(11) });
      const c2 = openLedger(file, { clock, ids: seededIds(22) });
      const h1 = openHarness(c1, clock);
      const h2 = openHarness(c2, clock);
      const a = h1.account({ preset: 'lux', plan: 'free', anchor: '2026-01-10' });
      h1.op('usage.record', { account: a, action: 'email', key: 'k1' });
      h2.op('usage.record', { account: a, action: 'email', key: 'k2' });
      h1.op('usage.record', { account: a, action: 'sms', key: 'k3' });
      expect(grants(c1, a, 'monthly')).toHaveLength(1);
      // Across a reset, the second connection books it first; the first must not book it again.
      clock.set(ms('2026-02-11T00:00:00Z'));
      h2.op('usage.record', { account: a, action: 'email', key: 'k4' });
      h1.op('usage.record', { account: a, action: 'email', key: 'k5' });
      expect(grants(c2, a, 'monthly').map((g) => iso(g.granted_at))).toEqual(['2026-01-10T00:00:00.000Z', '2026-02-10T00:00:00.000Z']);
      // Both see the same balance: 1000 − 1 (Feb email) − 1 (Feb email).
      expect(h1.pool(a, 'credits').remaining).toBe(998);
      expect(h2.pool(a, 'credits').remaining).toBe(998);
      // The January leftover (1000 − 1 − 1 − 2 = 996) expired once, at the reset.
      expect(entries(c1, a, 'expire').map((e) => [e.amount_mc, iso(e.at)])).toEqual([[996_000, '2026-02-10T00:00:00.000Z']]);
      c1.db.close();
      c2.db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a second connection sees configuration changed by the first at once (rate card, limits, plan)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-config-'));
    try {
      const file = join(dir, 'ledger.sqlite');
      const clock = new ManualClock(ms('2026-01-15T12:00:00Z'));
      const h1 = openHarness(openLedger(file, { clock, ids: seededIds(31) }), clock);
      const h2 = openHarness(openLedger(file, { clock, ids: seededIds(32) }), clock);
      const a = h1.account({ preset: 'lux', plan: 'free', anchor: '2026-01-10' });
      expect(h2.op('usage.record', { account: a, action: 'sms' }).credits).toBe(2);
      h1.op('actions.set', { account: a, action: 'sms', cost: 7 });
      expect(h2.op('usage.record', { account: a, action: 'sms' }).credits).toBe(7);
      h1.op('members.add', { account: a, member: 'bob', monthlyLimit: 1 });
      h2.refused('usage.record', { account: a, action: 'sms', member: 'bob' }, 'member_limit');
      h1.op('accounts.plan', { account: a, plan: 'starter' });
      expect(h2.pool(a, 'credits')).toMatchObject({ allocation: 10_000, remaining: 10_000 - 9 });
      h2.op('accounts.set', { account: a, monthlyLimit: 10 });
      h1.refused('usage.record', { account: a, action: 'sms' }, 'account_limit');
      h1.ctx.db.close();
      h2.ctx.db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('two processes racing on one file book one monthly grant per period and lose no event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-race-'));
    try {
      const file = join(dir, 'ledger.sqlite');
      {
        const clock = new ManualClock(ms('2026-01-15T12:00:00Z'));
        const c = openLedger(file, { clock, ids: seededIds(1) });
        call(c, 'accounts.add', { preset: 'lux', plan: 'free', anchor: '2026-01-10' });
        expect(checkInvariants(c)).toEqual([]);
        c.db.close();
      }
      const core = (p: string) => pathToFileURL(join(process.cwd(), 'main/core', p)).href;
      const script = join(dir, 'worker.ts');
      writeFileSync(
        script,
        `import { openLedger } from ${JSON.stringify(core('api/open.ts'))};
import { call } from ${JSON.stringify(core('api/handlers.ts'))};
import { ManualClock } from ${JSON.stringify(core('util/clock.ts'))};
import { seededIds } from ${JSON.stringify(core('util/ids.ts'))};
import { checkInvariants } from ${JSON.stringify(core('ledger/invariants.ts'))};
const [file, who] = process.argv.slice(2);
const clock = new ManualClock(Date.parse('2026-02-12T00:00:00Z'));
const ctx = openLedger(file, { clock, ids: seededIds(who === 'a' ? 101 : 202) });
for (let i = 0; i < 40; i++) {
  call(ctx, 'usage.record', { account: 'lux-free', action: 'email', key: who + '-' + i });
  const problems = checkInvariants(ctx);
  if (problems.length) throw new Error('invariants after ' + who + '-' + i + ': ' + problems.join('; '));
  clock.advance(1000);
}
ctx.db.close();
`,
      );
      const run = (who: string) =>
        new Promise<{ code: number | null; err: string }>((resolve) => {
          const p = spawn(process.execPath, ['--import', 'tsx', script, file, who], { cwd: process.cwd(), stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          p.stderr.on('data', (d: Buffer) => (err += d.toString()));
          p.on('close', (code) => resolve({ code, err }));
        });
      const results = await Promise.all([run('a'), run('b')]);
      for (const r of results) expect(r.err.replace(/npm warn[^\n]*\n?/g, '')).toBe('');
      expect(results.map((r) => r.code)).toEqual([0, 0]);
      const c = openLedger(file, { clock: new ManualClock(ms('2026-02-13T00:00:00Z')), ids: seededIds(3) });
      expect(checkInvariants(c)).toEqual([]);
      // January's (booked late, when the first event came) and February's: one each.
      expect(grants(c, 'lux-free', 'monthly').map((g) => iso(g.granted_at))).toEqual(['2026-01-10T00:00:00.000Z', '2026-02-10T00:00:00.000Z']);
      expect(count(c, 'events', 'lux-free')).toBe(80);
      expect(call(c, 'balance.get', { account: 'lux-free' }).pools[0]!.remaining).toBe(920);
      c.db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('monthly grants: unused credits expire at the reset', () => {
  test('the leftover is an expire entry dated exactly at the reset instant, and the new grant starts there', () => {
    const h = fresh('2026-01-20T09:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'rise', anchor: '2026-01-10' });
    h.op('usage.record', { account: a, action: 'video', quantity: 4 });
    h.at('2026-02-10T00:00:00Z');
    // A free action is enough to book the reset.
    h.op('usage.record', { account: a, action: 'edit' });
    const exp = entries(h.ctx, a, 'expire').map((e) => [e.source, e.amount_mc, iso(e.at)]);
    expect(exp).toEqual([
      ['monthly', 17_000, '2026-02-10T00:00:00.000Z'],
      ['monthly', 1_000_000, '2026-02-10T00:00:00.000Z'],
    ]);
    const v = h.pool(a, 'video');
    expect([v.remaining, v.usedThisPeriod, v.periodStart]).toEqual([21, 0, '2026-02-10T00:00:00.000Z']);
  });

  test('Flux Edge: 200 credits on the 1st (UTC) are use-it-or-lose-it; purchased credits survive the reset', () => {
    const h = fresh('2026-03-05T00:00:00Z');
    const a = h.account({ preset: 'flux', plan: 'edge' });
    h.op('actions.set', { account: a, action: 'mcp-tool', cost: 3 });
    h.op('grants.add', { account: a, pool: 'credits', amount: 500, source: 'purchase', priceCents: 500 });
    h.op('usage.record', { account: a, action: 'mcp-tool', quantity: 10 });
    expect(h.pool(a, 'credits').remaining).toBe(670);
    h.at('2026-04-01T00:00:00Z');
    const b = h.pool(a, 'credits');
    expect([b.monthlyRemaining, b.topupRemaining, b.remaining]).toEqual([200, 500, 700]);
    h.op('usage.record', { account: a, action: 'mcp-tool' });
    expect(entries(h.ctx, a, 'expire').map((e) => [e.source, e.amount_mc, iso(e.at)])).toEqual([['monthly', 170_000, '2026-04-01T00:00:00.000Z']]);
  });

  test('a month with nothing left expires nothing; several skipped months each book and expire their own grant', () => {
    const h = fresh('2026-01-10T12:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'free' });
    h.op('usage.record', { account: a, action: 'video' }); // the one free video, all used
    h.at('2026-04-20T00:00:00Z');
    h.op('usage.record', { account: a, action: 'video' });
    const vids = entries(h.ctx, a, 'expire').filter((e) => e.amount_mc === 1000).map((e) => iso(e.at));
    // Jan's video was used (nothing to expire); Feb's and Mar's expired unused at their resets.
    expect(vids).toEqual(['2026-03-10T00:00:00.000Z', '2026-04-10T00:00:00.000Z']);
    expect(grants(h.ctx, a, 'monthly').filter((g) => g.pool === 'video').map((g) => iso(g.granted_at))).toEqual([
      '2026-01-10T00:00:00.000Z',
      '2026-02-10T00:00:00.000Z',
      '2026-03-10T00:00:00.000Z',
      '2026-04-10T00:00:00.000Z',
    ]);
  });
});

describe('monthly grants: rollover cap', () => {
  /** FluxNote's own document, with video credits carrying over up to 5. */
  const withRollover = () => {
    const doc = JSON.parse(JSON.stringify(presets.fluxnote)) as { id: string; name: string; pools: { id: string; rolloverCap: number | null }[] };
    doc.id = 'fluxnote-rollover';
    doc.name = 'FluxNote rollover';
    doc.pools.find((p) => p.id === 'video')!.rolloverCap = 5;
    return parseProvider(doc);
  };

  test('carries min(cap, left): 11 left → 5 carried; the rest expires', () => {
    const h = fresh('2026-01-10T12:00:00Z');
    const a = h.account({ provider: withRollover(), plan: 'rise' });
    h.op('usage.record', { account: a, action: 'video', quantity: 10 });
    h.at('2026-02-10T00:00:00Z');
    const v = h.pool(a, 'video');
    // Projected before it is booked: 21 + 5.
    expect([v.allocation, v.remaining]).toEqual([26, 26]);
    h.op('usage.record', { account: a, action: 'image' });
    const roll = grants(h.ctx, a, 'rollover');
    expect(roll.map((g) => [g.pool, g.amount_mc, iso(g.granted_at), iso(g.expires_at!)])).toEqual([['video', 5000, '2026-02-10T00:00:00.000Z', '2026-03-10T00:00:00.000Z']]);
    // The January grant expired in full (11); the image pool has no cap, so all of its 1000 expired.
    expect(entries(h.ctx, a, 'expire').map((e) => [e.source, e.amount_mc])).toEqual([
      ['monthly', 11_000],
      ['monthly', 1_000_000],
    ]);
    expect(h.pool(a, 'video').remaining).toBe(26);
    expect(grants(h.ctx, a, 'rollover').filter((g) => g.pool === 'image')).toEqual([]);
  });

  test('carries what is left when that is under the cap, and never compounds past the cap', () => {
    const h = fresh('2026-01-10T12:00:00Z');
    const a = h.account({ provider: withRollover(), plan: 'rise' });
    h.op('usage.record', { account: a, action: 'video', quantity: 19 }); // 2 left
    h.at('2026-02-11T00:00:00Z');
    h.op('usage.record', { account: a, action: 'edit' });
    expect(grants(h.ctx, a, 'rollover').map((g) => g.amount_mc)).toEqual([2000]);
    expect(h.pool(a, 'video').remaining).toBe(23);
    // Nothing used in Feb: 23 left, cap 5 → 5 carried, not 23.
    h.at('2026-03-11T00:00:00Z');
    h.op('usage.record', { account: a, action: 'edit' });
    expect(grants(h.ctx, a, 'rollover').map((g) => g.amount_mc)).toEqual([2000, 5000]);
    expect(h.pool(a, 'video').remaining).toBe(26);
  });

  test('usage draws the monthly grant before the carried credits', () => {
    const h = fresh('2026-01-10T12:00:00Z');
    const a = h.account({ provider: withRollover(), plan: 'rise' });
    h.at('2026-02-10T12:00:00Z');
    h.op('usage.record', { account: a, action: 'edit' });
    const r = h.op('usage.record', { account: a, action: 'video', quantity: 22 });
    expect(r.debits.map((d) => [d.source, d.credits])).toEqual([
      ['monthly', 21],
      ['rollover', 1],
    ]);
  });
});

describe('monthly grants: unlimited pool', () => {
  test('Fluximage Pro compression records usage, never refuses, and reports unlimited with no remaining', () => {
    const h = fresh('2026-05-03T10:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'pro' });
    const r1 = h.op('usage.record', { account: a, action: 'compress', quantity: 5000 });
    expect(r1.status).toBe('applied');
    expect(r1.credits).toBe(5000);
    expect(r1.debits).toEqual([{ pool: 'compression', grantId: '', source: 'unlimited', credits: 5000 }]);
    const r2 = h.op('usage.record', { account: a, action: 'compress', quantity: 1_000_000 });
    expect(r2.credits).toBe(1_000_000);
    const c = h.pool(a, 'compression');
    expect([c.unlimited, c.remaining, c.available, c.allocation, c.monthlyRemaining, c.usedThisPeriod]).toEqual([true, null, null, null, null, 1_005_000]);
    // No grant was ever booked for the unlimited pool; the AI pool got its 1,000.
    expect(grants(h.ctx, a).map((g) => [g.pool, g.source, g.amount_mc])).toEqual([['ai', 'monthly', 1_000_000]]);
    expect(h.pool(a, 'ai').remaining).toBe(1000);
  });

  test('a hold on an unlimited pool is refused as meaningless input', () => {
    const h = fresh('2026-05-03T10:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'agency' });
    const e = h.invalid('holds.place', { account: a, pool: 'compression', amount: 10 });
    expect(e.message).toMatch(/unlimited/);
  });
});
