/**
 * Plan fit and what-if: the account's real usage in its last periods, set
 * against every plan of its provider. For each plan, how many of those periods
 * it would have covered, and a replay of the latest one: when each pool would
 * have run out, how many credits short it would have been, and — where the
 * plan may buy packs for that pool — what topping up would have cost.
 *
 * Usage per period and pool comes from the 15-minute rollup (net of voids),
 * so this reads a few thousand rows whatever the history's size. Costs are the
 * account's rate card's: the presets price actions the same on every plan.
 */
import { mcToCredits, parseCredits } from '../util/credits.js';
import { coverShortfall, packsFor, type PackBuy } from '../pack-cover.js';
import { InputError } from '../util/errors.js';
import { iso, periodAt, type Period } from '../util/period.js';
import { getAccount, planAt, resolveAmounts, type Allocation } from './accounts.js';
import { ROLLUP_MS } from './book.js';
import type { Ctx } from './context.js';

export interface FitPeriod {
  start: string;
  end: string;
  /** The current period, so far: usage until now, not a whole period. */
  partial: boolean;
  /** Credits used per pool. */
  used: Record<string, number>;
}

export interface ReplayPool {
  pool: string;
  used: number;
  allocation: number | 'unlimited' | null;
  /** Credits left at the end of the replayed period (0 when short). */
  left: number | null;
  /** Credits missing (0 when it fitted). */
  short: number | null;
  /** When the allocation would have run out in the replayed period. */
  runsOutAt: string | null;
  /** What the cheapest whole packs covering the shortfall cost (null: a price not stated, or no packs sold for it). */
  topUpCents: number | null;
  /** Those packs ([] when nothing is short; null when the plan may buy none for this pool). */
  packs: PackBuy[] | null;
}

export interface PlanFit {
  plan: string;
  name: string;
  priceCents: number | null;
  current: boolean;
  /** Periods (of those given) whose usage this plan covers; null when an allocation is unknown. */
  periodsFit: number | null;
  /** Periods covered by the plan with the packs it may buy for the pools it is short in; null when an allocation is unknown. */
  periodsFitWithPacks: number | null;
  fitsAll: boolean | null;
  replay: { pools: ReplayPool[]; extraCents: number | null; totalCents: number | null };
}

export interface FitReport {
  account: string;
  currency: string;
  periods: FitPeriod[];
  /** The period replayed: the latest complete one, or the current one when there is none yet. */
  replayed: { start: string; end: string; partial: boolean };
  plans: PlanFit[];
}

/** The last `count` complete periods (oldest first) since the account began; the current one so far if there are none. */
function periodsOf(ctx: Ctx, acct: ReturnType<typeof getAccount>, count: number): (Period & { partial: boolean })[] {
  const now = ctx.clock.now();
  const cur = periodAt(acct.rule, now);
  const out: (Period & { partial: boolean })[] = [];
  let p = cur;
  while (out.length < count && p.start > acct.firstPeriodStart) {
    p = periodAt(acct.rule, p.start - 1);
    out.unshift({ ...p, partial: false });
  }
  if (out.length === 0) out.push({ start: cur.start, end: now, partial: true });
  return out;
}

export function planFit(ctx: Ctx, accountId: string, opts: { periods?: number } = {}): FitReport {
  const acct = getAccount(ctx, accountId);
  const count = opts.periods ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > 24) throw new InputError('--periods must be a whole number from 1 to 24', 'periods');
  const periods = periodsOf(ctx, acct, count);
  const pools = acct.provider.pools.map((p) => p.id);

  const usedStmt = ctx.stmt(
    `SELECT pool, SUM(cost_mc) AS mc FROM usage_rollup WHERE account_id = ? AND bucket >= ? AND bucket < ? GROUP BY pool`,
  );
  // Buckets are whole quarter hours and every reset falls on one, so [start, end) selects a period exactly.
  // The current period so far ends at now, inclusive: up to the end of now's bucket.
  const endOf = (p: Period & { partial: boolean }): number => (p.partial ? p.end - (p.end % ROLLUP_MS) + ROLLUP_MS : p.end);
  const usedIn = (p: Period & { partial: boolean }): Record<string, number> => {
    const out: Record<string, number> = Object.fromEntries(pools.map((x) => [x, 0]));
    const end = endOf(p);
    for (const r of usedStmt.all(acct.id, p.start, end) as { pool: string; mc: number }[]) out[r.pool] = r.mc;
    return out;
  };
  const usage = periods.map(usedIn);
  const last = periods[periods.length - 1]!;
  const lastUsed = usage[usage.length - 1]!;

  // The replayed period's usage through time, per pool, to find when an allocation would have run out.
  const buckets = ctx
    .stmt(`SELECT bucket, pool, SUM(cost_mc) AS mc FROM usage_rollup WHERE account_id = ? AND bucket >= ? AND bucket < ? AND cost_mc != 0 GROUP BY bucket, pool ORDER BY bucket`)
    .all(acct.id, last.start, endOf(last)) as { bucket: number; pool: string; mc: number }[];
  const runsOut = (pool: string, allocationMc: number): number | null => {
    let sum = 0;
    for (const b of buckets) {
      if (b.pool !== pool) continue;
      sum += b.mc;
      if (sum > allocationMc) return b.bucket;
    }
    return null;
  };

  const current = planAt(ctx, acct, ctx.clock.now());
  const plans = acct.provider.plans.map((plan): PlanFit => {
    let amounts: Record<string, Allocation | null>;
    if (plan.id === current.plan.id) amounts = current.amounts;
    else {
      try {
        amounts = resolveAmounts(acct.provider, plan);
      } catch {
        // An allocation the docs leave open (Flowly, Lux Enterprise): unknown unless it is this account's plan.
        amounts = Object.fromEntries(pools.map((p) => [p, plan.allocations[p] === null ? null : resolveOne(plan.allocations[p])]));
      }
    }
    const fits = (used: Record<string, number>, withPacks = false): boolean | null => {
      let unknown = false;
      for (const p of pools) {
        const a = amounts[p];
        if (a === null || a === undefined) unknown = true;
        else if (a !== 'unlimited' && used[p]! > a && !(withPacks && packsFor(acct.provider, plan, p).length > 0)) return false;
      }
      return unknown ? null : true;
    };
    const covered = (verdicts: (boolean | null)[]) => (verdicts.includes(null) ? null : verdicts.filter((v) => v === true).length);
    const periodsFit = covered(usage.map((u) => fits(u)));
    const periodsFitWithPacks = covered(usage.map((u) => fits(u, true)));

    let extra: number | null = 0;
    const replay = pools.map((pool): ReplayPool => {
      const a = amounts[pool] ?? null;
      const used = lastUsed[pool]!;
      if (a === null) {
        extra = null;
        return { pool, used: mcToCredits(used), allocation: null, left: null, short: null, runsOutAt: null, topUpCents: null, packs: null };
      }
      if (a === 'unlimited') return { pool, used: mcToCredits(used), allocation: 'unlimited', left: null, short: 0, runsOutAt: null, topUpCents: null, packs: [] };
      const short = Math.max(0, used - a);
      // The cheapest whole packs this plan may buy for the pool (the same choice as calc's).
      const packs = coverShortfall(acct.provider, plan, pool, short);
      const topUp = packs === null || packs.length === 0 || packs.some((k) => k.priceCents === null) ? null : packs.reduce((s, k) => s + k.priceCents!, 0);
      if (short > 0) {
        if (topUp === null) extra = null;
        else if (extra !== null) extra += topUp;
      }
      const out = short > 0 ? runsOut(pool, a) : null;
      return { pool, used: mcToCredits(used), allocation: mcToCredits(a), left: mcToCredits(Math.max(0, a - used)), short: mcToCredits(short), runsOutAt: out === null ? null : iso(out), topUpCents: topUp, packs };
    });
    const extraCents = extra as number | null;
    return {
      plan: plan.id,
      name: plan.name,
      priceCents: plan.priceCents,
      current: plan.id === current.plan.id,
      periodsFit,
      periodsFitWithPacks,
      fitsAll: periodsFit === null ? null : periodsFit === periods.length,
      replay: { pools: replay, extraCents, totalCents: extraCents === null || plan.priceCents === null ? null : plan.priceCents + extraCents },
    };
  });

  return {
    account: acct.id,
    currency: acct.provider.currency,
    periods: periods.map((p, i) => ({ start: iso(p.start), end: iso(p.end), partial: p.partial, used: Object.fromEntries(Object.entries(usage[i]!).map(([k, v]) => [k, mcToCredits(v)])) })),
    replayed: { start: iso(last.start), end: iso(last.end), partial: last.partial },
    plans,
  };
}

/** A preset number (credits as a number or decimal text) in millicredits. */
function resolveOne(v: string | number | null | undefined): Allocation | null {
  if (v === null || v === undefined) return null;
  if (v === 'unlimited') return 'unlimited';
  return parseCredits(v, 'allocation', { allowZero: true });
}
