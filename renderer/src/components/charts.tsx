/**
 * Two hand-drawn SVG charts — daily usage bars and a burn-down against even
 * pace — sized to their container and fitted to its pixel width. Small enough
 * that a charting library would not earn its place.
 */
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { compact, credits, day } from '../lib/format';
import { downsampleBars, downsampleLine, niceTicks, type Bar, type Point } from '../lib/series';

function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T | null>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(Math.floor(el.getBoundingClientRect().width));
    const ro = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      setWidth((old) => (old === w ? old : w));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

function Frame({ height, label, children }: { height: number; label: string; children: (width: number) => ReactNode }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  return (
    <div ref={ref} style={{ height, width: '100%' }} role="img" aria-label={label}>
      {width > 0 ? children(width) : null}
    </div>
  );
}

const M = { top: 10, right: 12, bottom: 24, left: 44 };

/** Daily bars: one per local day (merged into wider bars when there are more days than room). */
export function DailyBars({ days, unit, zone, height = 200 }: { days: { date: string; value: number }[]; unit: string; zone: string; height?: number }) {
  const total = days.reduce((s, d) => s + d.value, 0);
  return (
    <Frame height={height} label={`Daily usage: ${credits(total)} ${unit} over ${days.length} days`}>
      {(width) => {
        const w = width - M.left - M.right;
        const h = height - M.top - M.bottom;
        const bars = downsampleBars(
          days.map((d) => ({ from: d.date, to: d.date, value: d.value })),
          w / 5,
        );
        const max = Math.max(...bars.map((b) => b.value), 0);
        const ticks = niceTicks(max > 0 ? max : 1, 5);
        const top = ticks[ticks.length - 1]!;
        const slot = w / Math.max(1, bars.length);
        const bw = Math.max(2, Math.min(28, slot * 0.72));
        const y = (v: number) => M.top + h - (v / top) * h;
        const labelEvery = Math.max(1, Math.ceil(bars.length / Math.max(2, Math.floor(w / 70))));
        const fmt = (b: Bar) => (b.from === b.to ? day(`${b.from}T12:00:00Z`, 'UTC') : `${day(`${b.from}T12:00:00Z`, 'UTC')} – ${day(`${b.to}T12:00:00Z`, 'UTC')}`);
        return (
          <svg className="chart" width={width} height={height} viewBox={`0 0 ${width} ${height}`} data-zone={zone}>
            {ticks.map((t) => (
              <g key={t}>
                <line className="gridline" x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} />
                <text x={M.left - 8} y={y(t) + 4} textAnchor="end">
                  {compact(t)}
                </text>
              </g>
            ))}
            {bars.map((b, i) => {
              const x = M.left + i * slot + (slot - bw) / 2;
              const bh = Math.max(b.value > 0 ? 1.5 : 0, (b.value / top) * h);
              return (
                <g key={b.from}>
                  <rect className="bar" x={x} y={M.top + h - bh} width={bw} height={bh} rx={Math.min(3, bw / 3)}>
                    <title>{`${fmt(b)}: ${credits(b.value)} ${unit}`}</title>
                  </rect>
                  {i % labelEvery === 0 ? (
                    <text x={x + bw / 2} y={height - 6} textAnchor="middle">
                      {day(`${b.from}T12:00:00Z`, 'UTC')}
                    </text>
                  ) : null}
                </g>
              );
            })}
            <line className="axis" x1={M.left} x2={width - M.right} y1={M.top + h} y2={M.top + h} />
          </svg>
        );
      }}
    </Frame>
  );
}

export interface BurnDownProps {
  start: number;
  reset: number;
  now: number;
  allocation: number;
  /** Remaining of the allocation over time, from the period start to now. */
  points: Point[];
  /** Where the API's forecast says the pace leads (run-out, or what is left at the reset). */
  projection: Point | null;
  runsOut: boolean;
  zone: string;
  unit: string;
  height?: number;
}

/** Remaining of the allocation from the period start to the reset, against even pace. */
export function BurnDown({ start, reset, now, allocation, points, projection, runsOut, zone, unit, height = 220 }: BurnDownProps) {
  return (
    <Frame height={height} label={`Burn-down: ${credits(points[points.length - 1]?.y ?? allocation)} of ${credits(allocation)} ${unit}s left`}>
      {(width) => {
        const w = width - M.left - M.right;
        const h = height - M.top - M.bottom;
        const ticks = niceTicks(Math.max(allocation, 1), 5);
        const top = Math.max(ticks[ticks.length - 1]!, allocation);
        const x = (t: number) => M.left + ((t - start) / (reset - start)) * w;
        const y = (v: number) => M.top + h - (Math.max(0, Math.min(top, v)) / top) * h;
        const line = downsampleLine(points, start, reset, w);
        const d = line.map((p, i) => `${i ? 'L' : 'M'}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join('');
        const last = line[line.length - 1];
        const area = last ? `${d}L${x(last.x).toFixed(1)},${y(0)}L${x(start).toFixed(1)},${y(0)}Z` : '';
        const nowX = x(Math.min(Math.max(now, start), reset));
        // Date ticks: about one per 90 px, on local midnights of the account's zone.
        const span = reset - start;
        const count = Math.max(2, Math.floor(w / 90));
        const dateTicks = Array.from({ length: count + 1 }, (_, i) => start + (span * i) / count);
        return (
          <svg className="chart" width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
            {ticks.map((t) => (
              <g key={t}>
                <line className="gridline" x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} />
                <text x={M.left - 8} y={y(t) + 4} textAnchor="end">
                  {compact(t)}
                </text>
              </g>
            ))}
            {dateTicks.map((t, i) => (
              <text key={t} x={x(t)} y={height - 6} textAnchor={i === 0 ? 'start' : i === count ? 'end' : 'middle'}>
                {day(t, zone)}
              </text>
            ))}
            <line className="even" x1={x(start)} y1={y(allocation)} x2={x(reset)} y2={y(0)}>
              <title>Even pace: the allocation spread evenly to the reset</title>
            </line>
            {area ? <path className="actual-area" d={area} /> : null}
            {d ? <path className="actual" d={d} /> : null}
            {projection && last ? (
              <line className={`projection${runsOut ? ' warn' : ''}`} x1={x(last.x)} y1={y(last.y)} x2={x(Math.min(projection.x, reset))} y2={y(projection.y)}>
                <title>At the current pace</title>
              </line>
            ) : null}
            <line className="now-line" x1={nowX} x2={nowX} y1={M.top} y2={M.top + h} />
            <text x={nowX + 4} y={M.top + 10}>
              now
            </text>
            <line className="axis" x1={M.left} x2={width - M.right} y1={M.top + h} y2={M.top + h} />
          </svg>
        );
      }}
    </Frame>
  );
}

/** The remaining-of-allocation ring: monthly part, then top-up part, of monthly allocation + top-ups. */
export function Ring({ monthly, topup, allocation, unlimited, state, size = 92 }: { monthly: number; topup: number; allocation: number; unlimited: boolean; state: 'ok' | 'warn' | 'danger'; size?: number }) {
  const stroke = 9;
  const r = (size - stroke) / 2;
  const c = 2 * Math.PI * r;
  const whole = Math.max(allocation + topup, monthly + topup, 1e-9);
  const m = unlimited ? 1 : Math.max(0, monthly) / whole;
  const t = unlimited ? 0 : Math.max(0, topup) / whole;
  const pct = unlimited ? null : allocation + topup > 0 ? Math.round(((monthly + topup) / whole) * 100) : 0;
  return (
    <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`} data-state={state} role="img" aria-label={unlimited ? 'unlimited' : `${pct}% left`}>
      <g transform={`rotate(-90 ${size / 2} ${size / 2})`}>
        <circle className="ring-track" cx={size / 2} cy={size / 2} r={r} fill="none" strokeWidth={stroke} />
        {m > 0 ? (
          <circle className={`ring-monthly ${state}`} cx={size / 2} cy={size / 2} r={r} fill="none" strokeWidth={stroke} strokeDasharray={`${m * c} ${c}`} strokeLinecap={m >= 1 ? 'butt' : 'round'} />
        ) : null}
        {t > 0 ? (
          <circle className="ring-topup" cx={size / 2} cy={size / 2} r={r} fill="none" strokeWidth={stroke} strokeDasharray={`0 ${m * c} ${t * c} ${c}`} />
        ) : null}
      </g>
      <text className="ring-text" x="50%" y="50%" dy={unlimited ? '0.35em' : '0.1em'} textAnchor="middle" fontSize={unlimited ? 26 : 17}>
        {unlimited ? '∞' : `${pct}%`}
      </text>
      {unlimited ? null : (
        <text className="ring-sub" x="50%" y="50%" dy="1.55em" textAnchor="middle">
          left
        </text>
      )}
    </svg>
  );
}
