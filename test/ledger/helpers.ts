/**
 * A small harness for the ledger tests: a fresh in-memory ledger on a manual
 * clock with seeded ids, and wrappers that run one public API call and then
 * assert checkInvariants() — after successes, refusals and rejected input alike.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { openLedger } from '../../main/core/api/open.js';
import { call, type HandlerInput, type HandlerName, type HandlerOutput } from '../../main/core/api/handlers.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import type { PoolBalance } from '../../main/core/ledger/balance.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { InputError, RefusedError, type RefusalReason } from '../../main/core/util/errors.js';
import { seededIds } from '../../main/core/util/ids.js';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** ISO text → epoch ms, refusing typos in the tests themselves. */
export function ms(isoText: string): number {
  const t = Date.parse(isoText);
  if (Number.isNaN(t)) throw new Error(`bad instant in test: ${isoText}`);
  return t;
}

export const iso = (t: number): string => new Date(t).toISOString();

/** Run fn, which must throw; return what it threw. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export interface Harness {
  ctx: Ctx;
  clock: ManualClock;
  /** Run one call; the invariants must hold afterwards. */
  op<N extends HandlerName>(name: N, input: HandlerInput<N>): HandlerOutput<N>;
  /** Run one call that must be refused with `reason`; invariants must still hold. */
  refused<N extends HandlerName>(name: N, input: HandlerInput<N>, reason: RefusalReason): RefusedError;
  /** Run one call (any input, typed or not) that must fail as invalid input; invariants must still hold. */
  invalid(name: HandlerName, input: unknown): InputError;
  /** One pool of 'balance.get' at the clock's time, or at `at`. */
  pool(account: string, pool: string, at?: string): PoolBalance;
  /** Add an account; returns its id. */
  account(input: HandlerInput<'accounts.add'>): string;
  /** Set the clock to an ISO instant. */
  at(isoText: string): void;
  /** Assert the invariants hold right now. */
  clean(): void;
}

export function openHarness(ctx: Ctx, clock: ManualClock): Harness {
  const clean = () => expect(checkInvariants(ctx)).toEqual([]);
  const h: Harness = {
    ctx,
    clock,
    op(name, input) {
      let out: HandlerOutput<typeof name>;
      try {
        out = call(ctx, name, input);
      } finally {
        clean();
      }
      return out;
    },
    refused(name, input, reason) {
      const e = thrown(() => call(ctx, name, input));
      clean();
      expect(e, `expected a refusal (${reason}), got ${String(e)}`).toBeInstanceOf(RefusedError);
      expect((e as RefusedError).reason).toBe(reason);
      return e as RefusedError;
    },
    invalid(name, input) {
      const e = thrown(() => call(ctx, name, input as HandlerInput<typeof name>));
      clean();
      expect(e, `expected InputError, got ${String(e)}`).toBeInstanceOf(InputError);
      return e as InputError;
    },
    pool(account, pool, at) {
      const b = h.op('balance.get', at === undefined ? { account } : { account, at });
      const p = b.pools.find((x) => x.pool === pool);
      if (!p) throw new Error(`no pool ${pool} on ${account}`);
      return p;
    },
    account(input) {
      return h.op('accounts.add', input).id;
    },
    at(isoText) {
      clock.set(ms(isoText));
    },
    clean,
  };
  clean();
  return h;
}

/** A fresh in-memory ledger with the clock at `start`. */
export function fresh(start: string, seed = 1): Harness {
  const clock = new ManualClock(ms(start));
  const ctx = openLedger(':memory:', { clock, ids: seededIds(seed) });
  return openHarness(ctx, clock);
}

/** Every table's rows, as canonical JSON (rows sorted), keyed by table name. */
export function snapshot(ctx: Ctx): string {
  const tables = ctx.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[];
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = ctx.db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all() as Record<string, unknown>[];
    out[name] = rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  }
  return JSON.stringify(out);
}

/** A content hash of every table. */
export function contentHash(ctx: Ctx): string {
  return createHash('sha256').update(snapshot(ctx)).digest('hex');
}

export interface EntryRow {
  id: number;
  grant_id: string;
  kind: string;
  amount_mc: number;
  at: number;
  event_id: string | null;
  source: string;
}

/** The entries of an account (with their grant's source), in order. */
export function entries(ctx: Ctx, account: string, kind?: string): EntryRow[] {
  return ctx.db
    .prepare(
      `SELECT e.id, e.grant_id, e.kind, e.amount_mc, e.at, e.event_id, g.source FROM entries e JOIN grants g ON g.id = e.grant_id
       WHERE e.account_id = ? AND (? IS NULL OR e.kind = ?) ORDER BY e.id`,
    )
    .all(account, kind ?? null, kind ?? null) as EntryRow[];
}

/** Grants of an account, oldest first. */
export interface GrantRow {
  id: string;
  pool: string;
  source: string;
  amount_mc: number;
  granted_at: number;
  expires_at: number | null;
  period_start: number | null;
}

export function grants(ctx: Ctx, account: string, source?: string): GrantRow[] {
  return ctx.db
    .prepare(
      `SELECT id, pool, source, amount_mc, granted_at, expires_at, period_start FROM grants
       WHERE account_id = ? AND (? IS NULL OR source = ?) ORDER BY granted_at, recorded_at, rowid`,
    )
    .all(account, source ?? null, source ?? null) as GrantRow[];
}

/** Remaining millicredits of one grant, from its summary row. */
export function remainingMc(ctx: Ctx, grantId: string): number {
  return (ctx.db.prepare('SELECT remaining_mc FROM grant_balances WHERE grant_id = ?').get(grantId) as { remaining_mc: number }).remaining_mc;
}

/** Count rows of a table (for an account, when it has account_id). */
export function count(ctx: Ctx, table: string, account?: string): number {
  const sql = account === undefined ? `SELECT COUNT(*) AS n FROM ${table}` : `SELECT COUNT(*) AS n FROM ${table} WHERE account_id = ?`;
  const r = (account === undefined ? ctx.db.prepare(sql).get() : ctx.db.prepare(sql).get(account)) as { n: number };
  return r.n;
}
