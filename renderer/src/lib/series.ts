/**
 * Chart helpers: fit a series to the pixels it is drawn in. Pure functions,
 * unit-tested in test/renderer.
 */

export interface Bar {
  /** First and last label the bar covers (equal when it is one day). */
  from: string;
  to: string;
  value: number;
}

/**
 * Merge adjacent bars (summing them) until there are at most `maxBars`, so a
 * bar is never thinner than a few pixels: 90 days in a 200-pixel chart become
 * 3-day bars instead of a smear.
 */
export function downsampleBars(bars: Bar[], maxBars: number): Bar[] {
  const max = Math.max(1, Math.floor(maxBars));
  if (bars.length <= max) return bars;
  const per = Math.ceil(bars.length / max);
  const out: Bar[] = [];
  for (let i = 0; i < bars.length; i += per) {
    const group = bars.slice(i, i + per);
    out.push({ from: group[0]!.from, to: group[group.length - 1]!.to, value: group.reduce((s, b) => s + b.value, 0) });
  }
  return out;
}

export interface Point {
  x: number;
  y: number;
}

/**
 * Keep at most about one point per pixel column: for each column, its first,
 * lowest, highest and last point, so steps and spikes survive (min/max
 * decimation) while a long series stays cheap to draw.
 */
export function downsampleLine(points: Point[], x0: number, x1: number, columns: number): Point[] {
  const cols = Math.max(1, Math.floor(columns));
  if (points.length <= cols * 2 || x1 <= x0) return points;
  const out: Point[] = [];
  let col = -1;
  let bucket: Point[] = [];
  const flush = () => {
    if (!bucket.length) return;
    const first = bucket[0]!;
    const last = bucket[bucket.length - 1]!;
    let lo = first;
    let hi = first;
    for (const p of bucket) {
      if (p.y < lo.y) lo = p;
      if (p.y > hi.y) hi = p;
    }
    const keep = [first, lo, hi, last].filter((p, i, a) => a.indexOf(p) === i).sort((a, b) => a.x - b.x);
    out.push(...keep);
    bucket = [];
  };
  for (const p of points) {
    const c = Math.min(cols - 1, Math.max(0, Math.floor(((p.x - x0) / (x1 - x0)) * cols)));
    if (c !== col) {
      flush();
      col = c;
    }
    bucket.push(p);
  }
  flush();
  return out;
}

/** Round axis ticks: 0, a "nice" step, …, covering max; whole steps only when `whole` (a count of videos has no 0.5). */
export function niceTicks(max: number, count = 4, whole = false): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const step = whole ? Math.max(1, nice === 2.5 * mag ? Math.ceil(nice) : Math.round(nice)) : nice;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** One CSV field (RFC 4180), with formula-looking text defused for spreadsheets. */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
