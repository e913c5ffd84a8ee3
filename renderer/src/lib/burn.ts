/**
 * The burn-down's series, built from what the API reports: the allocation in
 * force over the period (a step at each mid-period grant, such as an upgrade),
 * usage so far, and what was left of the allocation at each instant. Sums are
 * taken in millicredits so the figures shown are the ledger's, not float drift.
 * Pure functions, unit-tested in test/renderer.
 */
// With .js: test/renderer compiles this file under NodeNext as well as Vite's bundler resolution.
import type { Point } from './series.js';

const DAY_MS = 86_400_000;
const mc = (credits: number) => Math.round(credits * 1000);

export interface Step {
  /** The instant the allocation takes this value. */
  at: number;
  allocation: number;
}

/** Monthly-like grants: what makes up a period's allocation (top-ups are apart). */
const ALLOCATION_SOURCES = new Set(['monthly', 'upgrade', 'rollover']);

/**
 * The allocation over the period: what the period started with, then a step
 * at each monthly-like grant made after its start (a plan upgrade). The last
 * step always equals `allocation` (the balance's): whatever the grants list
 * does not show (a reset not yet booked) counts from the period start.
 */
export function allocationSteps(grants: { pool: string; source: string; credits: number; grantedAt: string }[], pool: string, start: number, reset: number, allocation: number): Step[] {
  const later = grants
    .filter((g) => g.pool === pool && ALLOCATION_SOURCES.has(g.source))
    .map((g) => ({ at: Date.parse(g.grantedAt), mc: mc(g.credits) }))
    .filter((g) => g.at > start && g.at < reset)
    .sort((a, b) => a.at - b.at);
  let total = mc(allocation) - later.reduce((s, g) => s + g.mc, 0);
  const steps: Step[] = [{ at: start, allocation: total / 1000 }];
  for (const g of later) {
    total += g.mc;
    const last = steps[steps.length - 1]!;
    if (last.at === g.at) last.allocation = total / 1000;
    else steps.push({ at: g.at, allocation: total / 1000 });
  }
  return steps;
}

/** The allocation in force at `t` (the last step at or before it). */
export function allocationAt(steps: Step[], t: number): number {
  let value = steps[0]?.allocation ?? 0;
  for (const s of steps) if (s.at <= t) value = s.allocation;
  return value;
}

/**
 * Usage so far as a cumulative line: flat between days, rising across each
 * day that had usage (the report is per local day, not per event), up to now.
 */
export function usedOverTime(days: { day: string; credits: number }[], start: number, firstDay: string, now: number): Point[] {
  const out: Point[] = [{ x: start, y: 0 }];
  let used = 0;
  const first = Date.parse(`${firstDay}T00:00:00Z`);
  for (const d of [...days].sort((a, b) => (a.day < b.day ? -1 : 1))) {
    const dayStart = start + Math.round((Date.parse(`${d.day}T00:00:00Z`) - first) / DAY_MS) * DAY_MS;
    out.push({ x: Math.max(start, dayStart), y: used / 1000 });
    used += mc(d.credits);
    out.push({ x: Math.max(start, Math.min(now, dayStart + DAY_MS)), y: used / 1000 });
  }
  const last = out[out.length - 1]!;
  if (now > last.x) out.push({ x: now, y: last.y });
  return out;
}

/** Linear interpolation on an ascending line (held flat past its ends). */
function valueAt(line: Point[], x: number): number {
  if (!line.length) return 0;
  if (x <= line[0]!.x) return line[0]!.y;
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1]!;
    const b = line[i]!;
    if (x <= b.x) return b.x === a.x ? b.y : a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
  }
  return line[line.length - 1]!.y;
}

/**
 * What was left of the allocation over time: the allocation in force less the
 * usage so far. A step of the allocation is a jump at its instant (two points
 * at the same x), so a mid-period upgrade shows where it happened instead of
 * redrawing the history as if the new allocation had always been there.
 */
export function remainingOverTime(used: Point[], steps: Step[]): Point[] {
  if (!used.length) return [];
  const end = used[used.length - 1]!.x;
  const jumps = steps.slice(1).filter((s) => s.at <= end);
  const xs = [...new Set([...used.map((p) => p.x), ...jumps.map((s) => s.at)])].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const out: Point[] = [];
  // Several used points may share an x (a day's start equals the previous day's end): keep each once, in order.
  let i = 0;
  for (const x of xs) {
    const jump = jumps.find((s) => s.at === x);
    if (jump) out.push({ x, y: round(allocationAt(steps, x - 1) - valueAt(used, x)) });
    const here: number[] = [];
    while (i < used.length && used[i]!.x === x) here.push(used[i++]!.y);
    if (!here.length) here.push(valueAt(used, x));
    for (const u of here) out.push({ x, y: round(allocationAt(steps, x) - u) });
  }
  return out;
}
