/**
 * Where each pool's number comes from (docs/vendors.md): the ledger alone,
 * the vendor's meter agreeing at a time, or reconciled at a time — plus the
 * difference the vendor's last reading showed, until it is reconciled. Added
 * to every balance the API answers (balance.get, balance.all,
 * balance.readable), so `balance --json`, /v1/balances and the dashboard say
 * the same.
 */
import type { Balance, PoolBalance } from '../ledger/balance.js';
import type { Ctx } from '../ledger/context.js';
import { iso } from '../util/period.js';
import { compare, latestReading, type Comparison } from './readings.js';

export type PoolSource =
  | { kind: 'ledger' }
  | { kind: 'vendor'; vendor: string; at: string }
  | { kind: 'reconciled'; vendor: string; at: string; origin: 'api' | 'page'; reconciliation: string };

/** A vendor's meter that could not be read: kept by the transport that tried (nothing is written). */
export interface MeterStatus {
  status: 'ok' | 'offline' | 'unauthorized' | 'rate_limited' | 'server_error' | 'timeout' | 'malformed' | 'not_configured';
  message: string;
  at: string;
  /** When the next attempt is due, if one is. */
  retryAt: string | null;
}

export type PoolWithSource = PoolBalance & { source: PoolSource; drift: Comparison | null; meter?: MeterStatus };
export type BalanceWithSources = Omit<Balance, 'pools'> & { pools: PoolWithSource[] };

interface RecRow {
  id: string;
  vendor: string;
  origin: 'api' | 'page';
  at: number;
}

export function poolSource(ctx: Ctx, accountId: string, pool: PoolBalance, t: number): { source: PoolSource; drift: Comparison | null } {
  const start = Date.parse(pool.periodStart);
  const rec = ctx
    .stmt('SELECT id, vendor, origin, at FROM reconciliations WHERE account_id = ? AND pool = ? AND at >= ? AND at <= ? ORDER BY at DESC, recorded_at DESC LIMIT 1')
    .get(accountId, pool.pool, start, t) as RecRow | undefined;
  const reading = latestReading(ctx, accountId, pool.pool, start, t);
  const reconciled: PoolSource | null = rec ? { kind: 'reconciled', vendor: rec.vendor, at: iso(rec.at), origin: rec.origin, reconciliation: rec.id } : null;
  // A reconciliation at or after the last reading settles it.
  if (reconciled && (!reading || rec!.at >= reading.at)) return { source: reconciled, drift: null };
  if (!reading) return { source: { kind: 'ledger' }, drift: null };
  if (reading.vendor_used_mc === reading.ledger_used_mc) return { source: { kind: 'vendor', vendor: reading.vendor, at: iso(reading.at) }, drift: null };
  return { source: reconciled ?? { kind: 'ledger' }, drift: compare(reading) };
}

/** The balance with each pool's source, its drift, and (when a transport keeps one) the meter's last status. */
export function withSources(ctx: Ctx, b: Balance, meter?: (account: string) => MeterStatus | null): BalanceWithSources {
  const t = Date.parse(b.at);
  const status = meter?.(b.account) ?? null;
  return { ...b, pools: b.pools.map((p) => ({ ...p, ...poolSource(ctx, b.account, p, t), ...(status ? { meter: status } : {}) })) };
}
