/**
 * Pace and forecast per pool: burn rate over the period so far, projected
 * run-out against the next reset, "in reserve" or "in deficit" against even
 * pace, and the monthly credits that will be forfeited at the reset.
 * Integer arithmetic throughout (BigInt where products can grow).
 */
import { formatMc, mcToCredits } from '../util/credits.js';
import { iso } from '../util/period.js';
import { getAccount } from './accounts.js';
import { balanceMc, type PoolBalanceMc } from './balance.js';
import type { Ctx } from './context.js';

export interface PoolForecast {
  pool: string;
  /** What one credit of the pool buys ("video", "image", "credit"): the word its figures are read in. */
  unit: string;
  unlimited: boolean;
  periodStart: string;
  nextReset: string;
  used: number;
  allocation: number | null;
  remaining: number | null;
  /** Credits per day over the period so far. */
  burnPerDay: number;
  /** Where even pace would have you by now. */
  evenPaceUsed: number | null;
  pace: 'in reserve' | 'in deficit' | 'on pace' | 'unlimited';
  /** Credits ahead of (reserve) or behind (deficit) even pace. */
  paceDelta: number;
  runOutAt: string | null;
  /**
   * When the monthly part alone runs out at this pace (top-ups spent after
   * it): differs from runOutAt only where top-ups carry the pool further.
   */
  monthlyRunOutAt: string | null;
  runsOutBeforeReset: boolean;
  /** Ms between run-out and reset when it runs out first. */
  shortByMs: number;
  /** Monthly credits left at the reset if the pace holds (they expire). */
  forfeitAtReset: number;
  /** Monthly credits left at the reset if nothing more is used. */
  forfeitIfIdle: number;
  line: string;
}

const big = BigInt;

/** Credits for reading, not for the ledger: one decimal under 100, whole above. */
function approx(mc: number): string {
  const text = formatMc(Math.abs(mc) >= 100_000 ? Math.round(mc / 1000) * 1000 : Math.round(mc / 100) * 100, { group: true });
  return `${text} credit${text === '1' ? '' : 's'}`;
}

export function duration(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${min} min`;
  return `${min} min`;
}

/** What the pace of one pool is read from: its integer balance at t (the local ledger's, or a member's mirror of the host's). */
export type PaceInput = Pick<PoolBalanceMc, 'pool' | 'unlimited' | 'allocationMc' | 'monthlyMc' | 'topupMc' | 'heldMc' | 'usedMc' | 'periodStart' | 'nextReset'>;

export function forecast(ctx: Ctx, accountId: string, at?: number): { account: string; at: string; pools: PoolForecast[] } {
  const acct = getAccount(ctx, accountId);
  const t = at ?? ctx.clock.now();
  const pools = balanceMc(ctx, acct, t).map((b) => poolForecast(b, t, acct.provider.pools.find((p) => p.id === b.pool)?.unit ?? 'credit'));
  return { account: acct.id, at: iso(t), pools };
}

/**
 * One pool's pace at t, pure: the same rules wherever the balance comes from
 * (a member's offline forecast of a team account reads its mirror through it).
 */
export function poolForecast(b: PaceInput, t: number, unit: string): PoolForecast {
  const elapsed = Math.max(0, t - b.periodStart);
  const length = b.nextReset - b.periodStart;
  const burnPerDay = elapsed > 0 ? Number((big(b.usedMc) * 86_400_000n) / big(elapsed)) : 0;
  const base = { pool: b.pool, unit, periodStart: iso(b.periodStart), nextReset: iso(b.nextReset), used: mcToCredits(b.usedMc), burnPerDay: mcToCredits(burnPerDay) };
  if (b.unlimited) {
    return {
      ...base,
      unlimited: true,
      allocation: null,
      remaining: null,
      evenPaceUsed: null,
      pace: 'unlimited',
      paceDelta: 0,
      runOutAt: null,
      monthlyRunOutAt: null,
      runsOutBeforeReset: false,
      shortByMs: 0,
      forfeitAtReset: 0,
      forfeitIfIdle: 0,
      line: `unlimited · ${formatMc(b.usedMc)} used this period · resets in ${duration(b.nextReset - t)}`,
    };
  }
  const remaining = Math.max(0, b.monthlyMc + b.topupMc - b.heldMc);
  const even = Number((big(b.allocationMc) * big(elapsed)) / big(length));
  const delta = even - b.usedMc;
  const pace = delta > 0 ? 'in reserve' : delta < 0 ? 'in deficit' : 'on pace';
  const left = b.nextReset - t;
  let runOutAt: number | null = null;
  let monthlyRunOutAt: number | null = null;
  if (b.usedMc > 0 && elapsed > 0) {
    runOutAt = t + Number((big(remaining) * big(elapsed)) / big(b.usedMc));
    monthlyRunOutAt = t + Number((big(Math.min(remaining, b.monthlyMc)) * big(elapsed)) / big(b.usedMc));
  }
  const before = runOutAt !== null && runOutAt < b.nextReset;
  const spendToReset = elapsed > 0 ? Number((big(b.usedMc) * big(left)) / big(elapsed)) : 0;
  const forfeit = Math.max(0, b.monthlyMc - spendToReset);
  let line = pace === 'on pace' ? 'on pace' : `${approx(Math.abs(delta))} ${pace}`;
  if (runOutAt === null) line += ` · nothing used yet · resets in ${duration(left)}`;
  else if (before) line += ` · runs out in ${duration(runOutAt - t)}, ${duration(b.nextReset - runOutAt)} before the reset`;
  else line += ` · lasts to the reset in ${duration(left)}`;
  if (forfeit > 0) line += ` · ${approx(forfeit)} will expire unused`;
  return {
    ...base,
    unlimited: false,
    allocation: mcToCredits(b.allocationMc),
    remaining: mcToCredits(remaining),
    evenPaceUsed: mcToCredits(even),
    pace,
    paceDelta: mcToCredits(Math.abs(delta)),
    runOutAt: runOutAt === null ? null : iso(runOutAt),
    monthlyRunOutAt: monthlyRunOutAt === null ? null : iso(monthlyRunOutAt),
    runsOutBeforeReset: before,
    shortByMs: before && runOutAt !== null ? b.nextReset - runOutAt : 0,
    forfeitAtReset: mcToCredits(forfeit),
    forfeitIfIdle: mcToCredits(b.monthlyMc),
    line,
  };
}
