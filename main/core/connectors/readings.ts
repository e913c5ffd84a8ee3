/**
 * What a vendor's meter said, one row per pool, beside what the ledger said
 * at the same instant. Only successful readings are written: a failed fetch
 * leaves the ledger file untouched (docs/vendors.md).
 */
import { getAccount } from '../ledger/accounts.js';
import { balanceMc } from '../ledger/balance.js';
import type { Ctx } from '../ledger/context.js';
import { mcToCredits } from '../util/credits.js';
import { iso, periodAt } from '../util/period.js';

export interface PoolReading {
  pool: string;
  vendorUsedMc: number;
}

export interface ReadingRow {
  id: number;
  pool: string;
  vendor: string;
  at: number;
  period_start: number;
  vendor_used_mc: number;
  ledger_used_mc: number;
  vendor_plan: string | null;
}

/** One comparison: positive `unrecorded` is usage the vendor counted and the ledger did not. */
export interface Comparison {
  pool: string;
  vendor: string;
  at: string;
  vendorUsed: number;
  ledgerUsed: number;
  unrecorded: number;
  vendorPlan: string | null;
}

export function compare(r: ReadingRow): Comparison {
  return {
    pool: r.pool,
    vendor: r.vendor,
    at: iso(r.at),
    vendorUsed: mcToCredits(r.vendor_used_mc),
    ledgerUsed: mcToCredits(r.ledger_used_mc),
    unrecorded: mcToCredits(r.vendor_used_mc - r.ledger_used_mc),
    vendorPlan: r.vendor_plan,
  };
}

/** Write one reading (every pool the vendor reported) with the ledger's figures at `at`; answers the comparisons. */
export function saveReading(ctx: Ctx, account: string, at: number, pools: PoolReading[], vendorPlan: string | null): Comparison[] {
  return ctx.write(() => {
    const acct = getAccount(ctx, account);
    const ledger = balanceMc(ctx, acct, at);
    const start = periodAt(acct.rule, at).start;
    const insert = ctx.stmt(
      `INSERT INTO vendor_readings (account_id, pool, vendor, at, period_start, vendor_used_mc, ledger_used_mc, vendor_plan, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    );
    return pools.map((p) => {
      const used = ledger.find((b) => b.pool === p.pool)?.usedMc ?? 0;
      return compare(insert.get(acct.id, p.pool, acct.provider.name, at, start, p.vendorUsedMc, used, vendorPlan, ctx.clock.now()) as ReadingRow);
    });
  });
}

/** The latest reading of a pool in the period that starts at `periodStart`, up to t. */
export function latestReading(ctx: Ctx, accountId: string, pool: string, periodStart: number, t: number): ReadingRow | null {
  return (
    (ctx
      .stmt('SELECT * FROM vendor_readings WHERE account_id = ? AND pool = ? AND at >= ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1')
      .get(accountId, pool, periodStart, t) as ReadingRow | undefined) ?? null
  );
}
