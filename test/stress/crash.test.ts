/**
 * Issue 5, "Crashes": a child process writing to the ledger is killed with
 * SIGKILL at random moments, again and again on the same file. After every
 * kill: PRAGMA integrity_check is ok, every operation the child acknowledged
 * (printed after its commit returned) is there, the operation in flight is
 * there whole or not at all, nothing else was written, every invariant holds,
 * and the totals equal what the acknowledgements predict.
 *
 * Three writers: ordinary work (usage, imports, grants, holds, captures,
 * voids), monthly resets (the clock jumps across resets, so every write books
 * grants, rollovers and expiries first), and purchase fulfilment (paid
 * Checkout Sessions reported again and again).
 *
 * A kill is timed by the child's own output: after a random number of acks,
 * either the moment it announces its next operation or a random 0–3 ms later,
 * and in some cycles a random 0–150 ms after the spawn (while it opens the
 * file). The seed is printed; STRESS_SEED replays the same plan.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import { getAccount } from '../../main/core/ledger/accounts.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { appendLog, insertPurchase } from '../../main/core/purchases/store.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { resetsBetween } from '../../main/core/util/period.js';
import { bundle } from './lib/bundle.js';
import { killStarted, start } from './lib/proc.js';
import { between, rng, seedFor } from './lib/rng.js';
import { ledgerProblems } from './lib/verify.js';

type Line = Record<string, unknown> & { op: string };

interface Cycle {
  acks: Line[];
  /** The operation announced but not acknowledged when the kill landed. */
  inflight: Line | null;
  ready: boolean;
  how: string;
}

let bin: string;
const dirs: string[] = [];

beforeAll(async () => {
  bin = (await bundle('crash', { crash: 'test/stress/children/crash.ts' })).crash!;
});

afterAll(() => {
  killStarted();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-crash-'));
  dirs.push(dir);
  return join(dir, 'ledger.sqlite');
}

/** Spawn the child, kill it with SIGKILL at a random moment, and return what it acknowledged. */
async function killOnce(file: string, mode: string, cycle: number, r: () => number, why: string): Promise<Cycle> {
  const child = start(bin, [file, mode, String(cycle), String(Math.floor(r() * 2 ** 31))]);
  const acks: Line[] = [];
  let inflight: Line | null = null;
  let ready = false;
  let killed = false;
  const kill = () => {
    if (!killed) child.proc.kill('SIGKILL');
    killed = true;
  };
  const style = r();
  const after = between(r, 0, 25);
  const delay = between(r, 0, 3);
  let how: string;
  if (style < 0.1) {
    how = 'while starting';
    setTimeout(kill, between(r, 0, 150));
  } else how = style < 0.55 ? `as op ${after + 1} began` : `${delay} ms after ack ${after}`;
  child.onLine((text) => {
    const line = JSON.parse(text.slice(2)) as Line;
    if (text.startsWith('B ')) {
      inflight = line;
      if (style >= 0.1 && style < 0.55 && acks.length >= after) kill();
      return;
    }
    inflight = null;
    if (line.op === 'ready') ready = true;
    else acks.push(line);
    if (style >= 0.55 && acks.length === after) setTimeout(kill, delay);
  });
  const end = await child.done;
  expect({ signal: end.signal, err: end.err }, `cycle ${cycle}: the child must only ever stop by SIGKILL; ${why}`).toEqual({ signal: 'SIGKILL', err: '' });
  return { acks, inflight, ready, how };
}

interface Tally {
  kills: number;
  inflightCommitted: number;
  inflightLost: number;
  between: number;
  acked: number;
}

const tally = (): Tally => ({ kills: 0, inflightCommitted: 0, inflightLost: 0, between: 0, acked: 0 });

/** One cycle: the child killed once and counted, then the file opened and found whole (integrity, invariants). The caller closes it. */
async function killAndOpen(file: string, mode: string, cycle: number, r: () => number, seed: number, t: Tally, at?: number): Promise<{ c: Cycle; why: string; ctx: Ctx }> {
  const c = await killOnce(file, mode, cycle, r, `seed ${seed}`);
  const why = `cycle ${cycle} (killed ${c.how}), seed ${seed} (replay: STRESS_SEED=${seed})`;
  t.kills++;
  t.acked += c.acks.length;
  const ctx = open(file, at);
  try {
    expect(ledgerProblems(ctx), why).toEqual([]);
  } catch (e) {
    ctx.db.close();
    throw e;
  }
  return { c, why, ctx };
}

function report(name: string, t: Tally, extra: string, ms: number): void {
  process.stderr.write(
    `[stress] ${name}: ${t.kills} kills in ${ms} ms; ${t.acked} acknowledged operations; in flight at the kill: ${t.inflightLost} not committed, ${t.inflightCommitted} committed but not yet acknowledged; ${t.between} between operations or while starting; ${extra}\n`,
  );
}

function open(file: string, at = Date.now()): Ctx {
  return openLedger(file, { clock: new ManualClock(at) });
}

describe('crashes: SIGKILL at random moments, state accumulating in one file', () => {
  test('a writer of usage, imports, grants, holds, captures and voids: 60 kills', async () => {
    const seed = seedFor('crash-events');
    const r = rng(seed);
    const file = tempFile();
    {
      const ctx = openLedger(file);
      call(ctx, 'accounts.add', { preset: 'lux', plan: 'pro', name: 'big' });
      call(ctx, 'grants.add', { account: 'big', pool: 'credits', amount: '1000000', key: 'extra' });
      call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', name: 'tight' });
      ctx.db.close();
    }
    // What the acks promise, across every cycle.
    const events = new Map<string, { eventId: string; costMc: number; account: string }>();
    const voided = new Set<string>();
    const grants = new Map<string, string>();
    const holds = new Map<string, string>();
    const released = new Set<string>();
    const t = tally();
    const started = performance.now();
    for (let cycle = 0; cycle < 60; cycle++) {
      const { c, why, ctx } = await killAndOpen(file, 'events', cycle, r, seed, t);
      try {
        const eventOf = (key: string) => ctx.db.prepare('SELECT id, cost_mc, account_id FROM events WHERE key = ?').get(key) as { id: string; cost_mc: number; account_id: string } | undefined;
        const present = (l: Line): boolean => {
          switch (l.op) {
            case 'use':
            case 'capture':
              return eventOf(String(l.key)) !== undefined;
            case 'import': {
              const n = (l.keys as string[]).filter((k) => eventOf(k) !== undefined).length;
              expect([0, (l.keys as string[]).length], `an import is all or nothing: ${why}`).toContain(n);
              return n > 0;
            }
            case 'grant':
              return ctx.db.prepare('SELECT 1 FROM grants WHERE key = ?').get(String(l.key)) !== undefined;
            case 'hold':
              return ctx.db.prepare('SELECT 1 FROM holds WHERE key = ?').get(String(l.key)) !== undefined;
            case 'release':
              return (ctx.db.prepare('SELECT status FROM hold_balances WHERE hold_id = ?').get(String(l.holdId)) as { status: string }).status === 'released';
            case 'void':
              return ctx.db.prepare('SELECT 1 FROM voids WHERE event_id = ?').get(String(l.eventId)) !== undefined;
            default:
              throw new Error(`unknown op ${l.op}`);
          }
        };
        const remember = (l: Line) => {
          if ((l.op === 'use' || l.op === 'capture') && !l.refused) {
            const e = eventOf(String(l.key))!;
            events.set(String(l.key), { eventId: e.id, costMc: e.cost_mc, account: e.account_id });
          }
          if (l.op === 'import' && !l.refused) for (const k of l.keys as string[]) events.set(k, { eventId: eventOf(k)!.id, costMc: eventOf(k)!.cost_mc, account: 'big' });
          if (l.op === 'void') voided.add(String(l.eventId));
          if (l.op === 'grant') grants.set(String(l.key), String(l.key));
          if (l.op === 'hold' && !l.refused) holds.set(String(l.key), String(l.holdId ?? ''));
          if (l.op === 'release') released.add(String(l.holdId));
        };
        for (const a of c.acks) {
          expect(a.invalid, `${JSON.stringify(a)}: ${why}`).toBeUndefined();
          if (a.refused) {
            expect(present(a), `refused ${JSON.stringify(a)} left nothing: ${why}`).toBe(false);
            continue;
          }
          expect(present(a), `acknowledged ${JSON.stringify(a)} is there: ${why}`).toBe(true);
          if (a.eventId && a.op !== 'void') expect(eventOf(String(a.key))!.id, why).toBe(a.eventId);
          remember(a);
        }
        if (c.inflight) {
          if (present(c.inflight)) {
            t.inflightCommitted++;
            remember(c.inflight);
          } else t.inflightLost++;
        } else t.between++;
        // Nothing else was written: the ledger holds exactly the acknowledged events (and the one in flight, if it committed).
        const all = ctx.db.prepare('SELECT key, id, cost_mc, account_id FROM events').all() as { key: string; id: string; cost_mc: number; account_id: string }[];
        expect(all.length, why).toBe(events.size);
        for (const e of all) expect(events.get(e.key), `${e.key}: ${why}`).toEqual({ eventId: e.id, costMc: e.cost_mc, account: e.account_id });
        expect((ctx.db.prepare('SELECT COUNT(*) AS n FROM voids').get() as { n: number }).n, why).toBe(voided.size);
        expect((ctx.db.prepare(`SELECT COUNT(*) AS n FROM grants WHERE key IS NOT NULL AND key != 'extra'`).get() as { n: number }).n, why).toBe(grants.size);
        expect((ctx.db.prepare('SELECT COUNT(*) AS n FROM holds').get() as { n: number }).n, why).toBe(holds.size);
        // Totals: what the grants lost to usage, net of voids, is what the acknowledged events cost.
        for (const account of ['big', 'tight']) {
          const net = ctx.db.prepare('SELECT COALESCE(SUM(used_mc - voided_mc), 0) AS n FROM grant_balances WHERE account_id = ?').get(account) as { n: number };
          const expected = [...events.values()].filter((e) => e.account === account && !voided.has(e.eventId)).reduce((s, e) => s + e.costMc, 0);
          expect(net.n, `${account} net usage: ${why}`).toBe(expected);
        }
      } finally {
        ctx.db.close();
      }
    }
    expect(t.kills).toBeGreaterThanOrEqual(50);
    expect(t.inflightLost, `some kills must land inside a transaction: seed ${seed}`).toBeGreaterThan(0);
    report('crash-events', t, `${events.size} events in the ledger, ${voided.size} voided`, Math.round(performance.now() - started));
  }, 300_000);

  test('a writer committing usage in groups (GroupCommit): 40 kills, each group all or nothing', async () => {
    const seed = seedFor('crash-group');
    const r = rng(seed);
    const file = tempFile();
    {
      const ctx = openLedger(file);
      call(ctx, 'accounts.add', { preset: 'lux', plan: 'pro', name: 'big' });
      call(ctx, 'grants.add', { account: 'big', pool: 'credits', amount: '1000000', key: 'extra' });
      ctx.db.close();
    }
    /** The child's rule for the calls that cannot be recorded: the 4th of every 7 in a group. */
    const bad = (key: string) => Number(key.split('-').pop()) % 7 === 3;
    const costs = new Map<string, number>();
    const t = tally();
    let groups = 0;
    const started = performance.now();
    for (let cycle = 0; cycle < 40; cycle++) {
      const { c, why, ctx } = await killAndOpen(file, 'group', cycle, r, seed, t);
      try {
        const eventOf = (key: string) => ctx.db.prepare('SELECT id, cost_mc FROM events WHERE key = ?').get(key) as { id: string; cost_mc: number } | undefined;
        for (const a of c.acks) {
          groups++;
          for (const res of a.results as { key: string; eventId?: string; costMc?: number; invalid?: string }[]) {
            if (res.invalid !== undefined) {
              expect(bad(res.key), `${res.key} was refused as invalid: ${res.invalid}; ${why}`).toBe(true);
              expect(eventOf(res.key), why).toBeUndefined();
              continue;
            }
            expect(eventOf(res.key)?.id, `acknowledged ${res.key} is there: ${why}`).toBe(res.eventId);
            costs.set(res.key, eventOf(res.key)!.cost_mc);
          }
        }
        if (c.inflight) {
          // The group in flight: every call that could be recorded is there, or none is.
          const good = (c.inflight.keys as string[]).filter((k) => !bad(k));
          const there = good.filter((k) => eventOf(k) !== undefined);
          expect([0, good.length], `the group in flight is all or nothing (${there.length} of ${good.length}): ${why}`).toContain(there.length);
          if (there.length > 0) {
            t.inflightCommitted++;
            for (const k of there) costs.set(k, eventOf(k)!.cost_mc);
          } else t.inflightLost++;
          for (const k of (c.inflight.keys as string[]).filter(bad)) expect(eventOf(k), why).toBeUndefined();
        } else t.between++;
        // Nothing else was written, and the pool lost exactly what the events cost.
        expect((ctx.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n, why).toBe(costs.size);
        const net = ctx.db.prepare(`SELECT COALESCE(SUM(used_mc - voided_mc), 0) AS n FROM grant_balances WHERE account_id = 'big'`).get() as { n: number };
        expect(net.n, why).toBe([...costs.values()].reduce((x, y) => x + y, 0));
      } finally {
        ctx.db.close();
      }
    }
    expect(t.inflightLost, `some kills must land inside a group's transaction: seed ${seed}`).toBeGreaterThan(0);
    report('crash-group', t, `${groups} groups acknowledged, ${costs.size} events in the ledger`, Math.round(performance.now() - started));
  }, 300_000);

  test('a writer that jumps the clock across resets (monthly grants, rollovers, expiries booked lazily): 50 kills', async () => {
    const seed = seedFor('crash-monthly');
    const r = rng(seed);
    const file = tempFile();
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    {
      const ctx = open(file, t0);
      const rollo = {
        id: 'rollo',
        name: 'Rollo',
        currency: 'USD',
        reset: { rule: 'anniversary' },
        pools: [
          { id: 'c', label: 'C', unit: 'credit', rolloverCap: 30 },
          { id: 'd', label: 'D', unit: 'credit', rolloverCap: null },
        ],
        plans: [{ id: 'std', name: 'Std', priceCents: 0, allocations: { c: 100, d: 50 } }],
        actions: [
          { id: 'x', label: 'X', pool: 'c', cost: 7 },
          { id: 'y', label: 'Y', pool: 'd', cost: 3 },
        ],
      };
      call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise', name: 'fluxnote-ny', anchor: '2025-12-31', tz: 'America/New_York' });
      call(ctx, 'accounts.add', { preset: 'lux', plan: 'starter', name: 'lux-in', anchor: '2025-12-15', tz: 'Asia/Kolkata' });
      call(ctx, 'accounts.add', { preset: 'flux', plan: 'edge', name: 'flux-edge', tz: 'Europe/Berlin' });
      call(ctx, 'actions.set', { account: 'flux-edge', action: 'api-request', cost: 1 });
      call(ctx, 'accounts.add', { provider: rollo, plan: 'std', name: 'rollo-utc', anchor: '2025-12-10' });
      call(ctx, 'accounts.add', { preset: 'fluximage', plan: 'starter', name: 'fluximage-la', anchor: '2025-12-29', tz: 'America/Los_Angeles' });
      ctx.db.close();
    }
    const t = tally();
    const started = performance.now();
    let periods = 0;
    for (let cycle = 0; cycle < 50; cycle++) {
      const { c, why, ctx } = await killAndOpen(file, 'monthly', cycle, r, seed, t, t0);
      try {
        const eventOf = (key: string) => ctx.db.prepare('SELECT id FROM events WHERE key = ?').get(key) as { id: string } | undefined;
        const present = (l: Line) => (l.op === 'hold' ? ctx.db.prepare('SELECT 1 FROM holds WHERE key = ?').get(String(l.key)) !== undefined : eventOf(String(l.key)) !== undefined);
        for (const a of c.acks) {
          expect(a.invalid, `${JSON.stringify(a)}: ${why}`).toBeUndefined();
          if (!a.refused) expect(present(a), `acknowledged ${JSON.stringify(a)} is there: ${why}`).toBe(true);
          if (a.eventId) expect(eventOf(String(a.key))!.id, why).toBe(a.eventId);
        }
        if (c.inflight) {
          if (present(c.inflight)) t.inflightCommitted++;
          else t.inflightLost++;
        } else t.between++;
        // Nothing from this cycle beyond its acks and the operation in flight.
        const mine = new Set([...c.acks, ...(c.inflight ? [c.inflight] : [])].map((l) => String(l.key)));
        const written = (ctx.db.prepare(`SELECT key FROM events WHERE key LIKE ? UNION ALL SELECT key FROM holds WHERE key LIKE ?`).all(`m${cycle}-%`, `m${cycle}-%`) as { key: string }[]).map((x) => x.key);
        expect(written.filter((k) => !mine.has(k)), why).toEqual([]);

        periods = 0;
        for (const { id } of ctx.db.prepare('SELECT id FROM accounts').all() as { id: string }[]) {
          const acct = getAccount(ctx, id);
          const s = ctx.db.prepare('SELECT materialized_to AS m, (SELECT MAX(at) FROM events WHERE account_id = ?) AS last FROM account_state WHERE account_id = ?').get(id, id) as { m: number; last: number | null };
          const horizon = Math.max(s.m, s.last ?? -Infinity);
          const expected = horizon >= acct.firstPeriodStart ? [acct.firstPeriodStart, ...resetsBetween(acct.rule, acct.firstPeriodStart, horizon)] : [];
          periods += expected.length;
          for (const pool of acct.provider.pools) {
            // Each period's grant exactly once: none missing up to the horizon, none twice, none ahead of it.
            const monthly = (ctx.db.prepare(`SELECT period_start FROM grants WHERE account_id = ? AND pool = ? AND source = 'monthly' ORDER BY period_start`).all(id, pool.id) as { period_start: number }[]).map((g) => g.period_start);
            expect(monthly, `${id} ${pool.id} monthly grants: ${why}`).toEqual(expected);
            // Expiries: every monthly-like grant whose end has passed is expired at exactly its end; none later.
            const gs = ctx.db
              .prepare(
                `SELECT g.id, g.expires_at, b.remaining_mc, (SELECT COUNT(*) FROM entries e WHERE e.grant_id = g.id AND e.kind = 'expire') AS n,
                        (SELECT COUNT(*) FROM entries e WHERE e.grant_id = g.id AND e.kind = 'expire' AND e.at != g.expires_at) AS off
                 FROM grants g JOIN grant_balances b ON b.grant_id = g.id WHERE g.account_id = ? AND g.pool = ? AND g.source IN ('monthly', 'rollover')`,
              )
              .all(id, pool.id) as { id: string; expires_at: number; remaining_mc: number; n: number; off: number }[];
            for (const g of gs) {
              if (g.expires_at <= horizon) expect([g.remaining_mc, g.n <= 1, g.off], `${g.id} expired at its end: ${why}`).toEqual([0, true, 0]);
              else expect(g.n, `${g.id} not expired before its end: ${why}`).toBe(0);
            }
            // Rollover: min(cap, what was left at the reset), granted once, for each reset up to the horizon.
            if (pool.rolloverCap !== null) {
              const cap = Number(pool.rolloverCap) * 1000;
              for (const reset of expected.slice(1)) {
                const left = (
                  ctx.db
                    .prepare(`SELECT COALESCE(SUM(e.amount_mc), 0) AS n FROM entries e JOIN grants g ON g.id = e.grant_id WHERE g.account_id = ? AND g.pool = ? AND g.source IN ('monthly','upgrade','rollover') AND g.expires_at = ? AND e.kind = 'expire'`)
                    .get(id, pool.id, reset) as { n: number }
                ).n;
                const carried = (ctx.db.prepare(`SELECT amount_mc FROM grants WHERE account_id = ? AND pool = ? AND source = 'rollover' AND period_start = ?`).all(id, pool.id, reset) as { amount_mc: number }[]).map((g) => g.amount_mc);
                expect(carried, `${id} rollover at ${new Date(reset).toISOString()}: ${why}`).toEqual(Math.min(cap, left) > 0 ? [Math.min(cap, left)] : []);
              }
            }
          }
          // Holds lapse at their expiry: none still open past the horizon.
          const stale = ctx.db.prepare(`SELECT hold_id FROM hold_balances WHERE account_id = ? AND status = 'open' AND expires_at <= ?`).all(id, horizon);
          expect(stale, `${id}: ${why}`).toEqual([]);
        }
      } finally {
        ctx.db.close();
      }
    }
    expect(t.inflightLost, `some kills must land inside a transaction: seed ${seed}`).toBeGreaterThan(0);
    report('crash-monthly', t, `${periods} account-periods booked`, Math.round(performance.now() - started));
  }, 300_000);

  test('a writer fulfilling paid Checkout Sessions again and again: 50 kills, credits granted once per session', async () => {
    const seed = seedFor('crash-purchase');
    const r = rng(seed);
    const file = tempFile();
    let sessions = 0;
    const addPurchases = (n: number) => {
      const ctx = openLedger(file);
      try {
        ctx.write(() => {
          for (let i = 0; i < n; i++) {
            const t = Date.now();
            const id = insertPurchase(ctx, { account_id: 'buyer', pack: 'credits', pack_name: 'Add credits', pool: 'credits', amount_mc: between(r, 1, 500) * 1000, price_minor: between(r, 100, 5000), currency: 'USD', via: 'stripe', note: null }, t);
            appendLog(ctx, id, 'open', t, { session_id: `cs_test_${sessions++}`, checkout_url: 'https://checkout.stripe.com/c/pay/test', expires_at: t + 86_400_000 });
          }
        });
      } finally {
        ctx.db.close();
      }
    };
    {
      const ctx = openLedger(file);
      call(ctx, 'accounts.add', { preset: 'lux', plan: 'starter', name: 'buyer' });
      ctx.db.close();
    }
    addPurchases(5);
    const granted = new Map<string, number>();
    const t = tally();
    const started = performance.now();
    for (let cycle = 0; cycle < 50; cycle++) {
      addPurchases(2);
      const { c, why, ctx } = await killAndOpen(file, 'purchase', cycle, r, seed, t);
      try {
        const paidOf = (purchase: string) => ctx.db.prepare(`SELECT grant_id FROM purchase_log WHERE purchase_id = ? AND status = 'paid'`).all(purchase) as { grant_id: string }[];
        for (const a of c.acks) {
          expect(a.invalid, `${JSON.stringify(a)}: ${why}`).toBeUndefined();
          expect(paidOf(String(a.purchase)).length, `acknowledged ${JSON.stringify(a)} is paid: ${why}`).toBe(1);
          if (a.status === 'granted') granted.set(String(a.purchase), (granted.get(String(a.purchase)) ?? 0) + 1);
        }
        if (c.inflight) {
          if (paidOf(String(c.inflight.purchase)).length === 1) t.inflightCommitted++;
          else t.inflightLost++;
        } else t.between++;
        expect([...granted].filter(([, n]) => n > 1), `"granted" twice: ${why}`).toEqual([]);
        // Per session: a grant exactly when the purchase is paid, once, for the pack's credits, named by its 'paid' step.
        const rows = ctx.db
          .prepare(
            `SELECT p.id, p.amount_mc, l.session_id,
                    (SELECT COUNT(*) FROM purchase_log x WHERE x.purchase_id = p.id AND x.status = 'paid') AS paid,
                    (SELECT MAX(grant_id) FROM purchase_log x WHERE x.purchase_id = p.id AND x.status = 'paid') AS paid_grant
             FROM purchases p JOIN purchase_log l ON l.purchase_id = p.id AND l.status = 'open'`,
          )
          .all() as { id: string; amount_mc: number; session_id: string; paid: number; paid_grant: string | null }[];
        let paidTotal = 0;
        for (const p of rows) {
          const gs = ctx.db.prepare(`SELECT id, amount_mc, source FROM grants WHERE account_id = 'buyer' AND key = ?`).all(`stripe:${p.session_id}`) as { id: string; amount_mc: number; source: string }[];
          expect(p.paid, `${p.id}: ${why}`).toBe(gs.length);
          expect(gs.length, `${p.id}: ${why}`).toBeLessThanOrEqual(1);
          if (gs.length) {
            expect([gs[0]!.id, gs[0]!.amount_mc, gs[0]!.source], `${p.id}: ${why}`).toEqual([p.paid_grant, p.amount_mc, 'purchase']);
            paidTotal += p.amount_mc;
          }
        }
        const purchased = ctx.db.prepare(`SELECT COALESCE(SUM(amount_mc), 0) AS n, COUNT(*) AS k FROM grants WHERE account_id = 'buyer' AND source = 'purchase'`).get() as { n: number; k: number };
        expect(purchased.n, why).toBe(paidTotal);
      } finally {
        ctx.db.close();
      }
    }
    expect(t.inflightLost, `some kills must land inside a transaction: seed ${seed}`).toBeGreaterThan(0);
    report('crash-purchase', t, `${sessions} sessions, ${granted.size} acknowledged as granted`, Math.round(performance.now() - started));
  }, 300_000);
});
