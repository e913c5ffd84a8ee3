/**
 * Inputs are bounded so every total the ledger reports stays exact (docs/ledger.md,
 * "Units"): a pool never holds more than MAX_TOTAL_MC live, counting the monthly
 * part its plan will grant at the next reset, and an account never uses more
 * than MAX_TOTAL_MC in one period. Reports over many periods sum exactly in
 * BigInt and refuse a total past the bound (exactTotal).
 */
import { InputError } from '../util/errors.js';
import { MAX_TOTAL_MC, formatMc, parseCredits } from '../util/credits.js';
import { planAt, type Account } from './accounts.js';
import { liveGrants } from './book.js';
import type { Ctx } from './context.js';

const MAX_TEXT = formatMc(MAX_TOTAL_MC, { group: true });

/** The most a reset can grant the pool under an allocation: the allocation and the largest rollover. */
function monthlyPart(acct: Account, pool: string, allocation: number | 'unlimited'): number {
  const cap = acct.provider.pools.find((p) => p.id === pool)?.rolloverCap ?? null;
  return (typeof allocation === 'number' ? allocation : 0) + (cap === null ? 0 : parseCredits(cap, 'rolloverCap', { allowZero: true }));
}

/** Refuse adding `addMc` live credits to a pool at t (a top-up) when the pool could then hold more than the bound. */
export function checkPoolRoom(ctx: Ctx, acct: Account, pool: string, t: number, addMc: number, allocation: number | 'unlimited' = planAt(ctx, acct, t).amounts[pool]!): void {
  const topups = liveGrants(ctx, acct.id, pool, t)
    .filter((g) => g.source !== 'monthly' && g.source !== 'upgrade' && g.source !== 'rollover')
    .reduce((s, g) => s + g.remaining_mc, 0);
  const live = liveGrants(ctx, acct.id, pool, t).reduce((s, g) => s + g.remaining_mc, 0);
  const most = Math.max(live, topups + monthlyPart(acct, pool, allocation)) + addMc;
  if (most > MAX_TOTAL_MC) {
    throw new InputError(
      `${acct.name}'s ${pool} pool would hold more than ${MAX_TEXT} credits (${formatMc(live, { group: true })} live now, plus ${formatMc(addMc, { group: true })}), more than the ledger keeps exact`,
      'amount',
    );
  }
}

/** Refuse usage that would take the account's usage in one period past the bound. Runs after the pool's period usage moved to `poolUsedMc`. */
export function checkPeriodRoom(ctx: Ctx, acct: Account, periodStart: number, poolUsedMc: number): void {
  // Each pool under its share of the bound keeps the account's sum under it: the sum is read only past that.
  if (poolUsedMc <= MAX_TOTAL_MC / acct.provider.pools.length) return;
  const sum = (ctx.stmt('SELECT COALESCE(SUM(used_mc), 0) AS s FROM period_usage WHERE account_id = ? AND period_start = ?').safeIntegers(true).get(acct.id, periodStart) as { s: bigint }).s;
  if (sum > BigInt(MAX_TOTAL_MC)) {
    throw new InputError(`this would take ${acct.name}'s usage this period past ${MAX_TEXT} credits, more than the ledger keeps exact`, 'quantity');
  }
}
