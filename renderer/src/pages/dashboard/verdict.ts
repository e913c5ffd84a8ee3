/**
 * One verdict per pool, so the ring's colour, the badge and the run-out line
 * never contradict each other: all three read from this one answer, which
 * reads only the forecast's own flags and dates (no ledger arithmetic here).
 */
import type { PoolBalance, PoolForecast } from '../../api';

export type Tone = 'ok' | 'warn' | 'danger' | 'neutral';

export type Verdict =
  | { kind: 'unlimited'; tone: 'neutral'; badge: string }
  | { kind: 'empty'; tone: 'danger'; badge: string }
  /** Nothing used yet this period: no pace to judge. */
  | { kind: 'idle'; tone: 'ok'; badge: string }
  /** Runs out before the reset at this pace (top-ups included). */
  | { kind: 'short'; tone: 'warn'; badge: string; runOutAt: string; shortByMs: number }
  /** The monthly part runs out before the reset; top-ups carry the pool to `runOutAt`, past it. */
  | { kind: 'carried'; tone: 'warn'; badge: string; monthlyRunOutAt: string; runOutAt: string }
  | { kind: 'lasts'; tone: 'ok'; badge: string };

export function verdict(p: PoolBalance, f: PoolForecast | undefined): Verdict | null {
  if (p.unlimited) return { kind: 'unlimited', tone: 'neutral', badge: 'unlimited' };
  if ((p.available ?? 0) <= 0) return { kind: 'empty', tone: 'danger', badge: 'used up' };
  if (!f) return null;
  if (f.runOutAt === null) return { kind: 'idle', tone: 'ok', badge: 'nothing used yet' };
  if (f.runsOutBeforeReset) return { kind: 'short', tone: 'warn', badge: 'runs out early', runOutAt: f.runOutAt, shortByMs: f.shortByMs };
  const monthlyFirst = f.monthlyRunOutAt !== null && Date.parse(f.monthlyRunOutAt) < Date.parse(f.nextReset);
  if (monthlyFirst && p.topupRemaining > 0) return { kind: 'carried', tone: 'warn', badge: 'on top-ups', monthlyRunOutAt: f.monthlyRunOutAt!, runOutAt: f.runOutAt };
  return { kind: 'lasts', tone: 'ok', badge: f.pace === 'in reserve' ? 'in reserve' : 'lasts' };
}

/** How urgent a pool is, for sorting the summary: runs out before its reset first, then used up, then by how soon. */
export function urgency(v: Verdict | null): number {
  if (!v) return 4;
  switch (v.kind) {
    case 'empty':
      return 0;
    case 'short':
      return 1;
    case 'carried':
      return 2;
    case 'lasts':
    case 'idle':
      return 3;
    default:
      return 5;
  }
}
