/**
 * Local-time buckets computed inside SQL. An instant's local time is
 * at + offset(at); the offset only changes at DST transitions, so it is a short
 * CASE over the transitions in the range, and a local day is an integer
 * division. Exact in every zone, including half-hour offsets.
 */
import { DateTime } from 'luxon';

/** [instant, offsetMs] pairs: offset in force from that instant on. */
export function offsetSegments(zone: string, from: number, to: number): [number, number][] {
  const off = (t: number) => DateTime.fromMillis(t, { zone }).offset * 60_000;
  const segs: [number, number][] = [[from, off(from)]];
  const step = 6 * 3_600_000;
  for (let t = from; t < to; t += step) {
    const a = off(t);
    const b = off(Math.min(t + step, to));
    if (a === b) continue;
    let lo = t;
    let hi = Math.min(t + step, to);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (off(mid) === a) lo = mid;
      else hi = mid;
    }
    segs.push([hi, b]);
  }
  return segs;
}

/** SQL for "local milliseconds" of a column, given the segments. All numbers are integers we computed. */
export function localMsSql(col: string, segs: [number, number][]): string {
  if (segs.length === 1) return `(${col} + ${segs[0]![1]})`;
  let sql = 'CASE';
  for (let i = 1; i < segs.length; i++) sql += ` WHEN ${col} < ${segs[i]![0]} THEN ${segs[i - 1]![1]}`;
  sql += ` ELSE ${segs[segs.length - 1]![1]} END`;
  return `(${col} + ${sql})`;
}

export const DAY_MS = 86_400_000;

/** Local day number (days since 1970-01-01 local) → "YYYY-MM-DD". */
export const dayLabel = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
