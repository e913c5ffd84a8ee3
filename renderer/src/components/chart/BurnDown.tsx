/**
 * The burn-down (uPlot on a canvas): the allocation in force as a step line,
 * what was left of it from the period start to now, even pace to the reset,
 * and where the actual pace leads (the forecast's run-out or what is left at
 * the reset). The remaining line keeps first, lowest, highest and last point
 * per pixel column of the range shown (downsampleLine), re-fitted on zoom.
 */
import { useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import { allocationAt, type Step } from '../../lib/burn';
import { approx, compact, credits, day, instant, plural } from '../../lib/format';
import { downsampleLine, niceTicks, type Point } from '../../lib/series';
import { ChartFrame } from './Frame';
import { useChartTheme, withAlpha } from './theme';
import { UPlot, type XRange } from './UPlot';
import { useZoom } from './zoom';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const Y_AXIS = 44;
/** Day steps for the date axis, the smallest that leaves ~90 px per label. */
const DAY_STEPS = [1, 2, 3, 7, 14, 28, 56, 91, 182];

export interface BurnDownProps {
  start: number;
  reset: number;
  now: number;
  /** The allocation now (the balance's); with `steps`, the last step. */
  allocation: number;
  /** The allocation over the period (a step at a mid-period upgrade); the current allocation throughout when absent. */
  steps?: Step[];
  /** Remaining of the allocation over time, from the period start to now. */
  points: Point[];
  /** Where the API's forecast says the pace leads (run-out, or what is left at the reset). */
  projection: Point | null;
  runsOut: boolean;
  zone: string;
  unit: string;
  height?: number;
}

interface Row {
  x: number;
  left: number | null;
  allocation: number;
  even: number;
  projected: number | null;
}

/** The rows of the chart for the range shown: every series on one x, as uPlot wants. */
function rowsFor(p: BurnDownProps, steps: Step[], range: XRange, columns: number): Row[] {
  const { start, reset, allocation, points, projection } = p;
  // The remaining line in range, plus one point either side so it runs to the edges.
  const lo = Math.max(0, points.findIndex((q) => q.x >= range.min) - 1);
  const hiIdx = points.findIndex((q) => q.x > range.max);
  const inRange = points.slice(lo, hiIdx < 0 ? points.length : hiIdx + 1);
  const left = downsampleLine(inRange, range.min, range.max, columns);
  const last = points[points.length - 1];
  const end = projection ? Math.min(projection.x, reset) : null;
  const projectedAt = (x: number) => {
    if (!projection || !last || end === null || x < last.x || x > end) return null;
    return end === last.x ? last.y : last.y + ((projection.y - last.y) * (x - last.x)) / (projection.x - last.x);
  };
  // Days still to come get a row each, so hovering the future reads the projection day by day.
  const future: number[] = [];
  if (last) for (let x = start + Math.ceil((last.x - start) / DAY_MS) * DAY_MS; x < reset; x += DAY_MS) if (x > last.x) future.push(x);
  const extra = [start, reset, ...steps.map((s) => s.at), ...(end !== null ? [end] : []), ...future].filter((x) => !left.some((q) => q.x === x));
  const rows: Row[] = [
    ...left.map((q) => ({ x: q.x, left: Math.max(0, q.y) })),
    ...[...new Set(extra)].map((x) => ({ x, left: null })),
  ]
    .sort((a, b) => a.x - b.x)
    .map((r) => ({
      ...r,
      allocation: allocationAt(steps, r.x),
      even: (allocation * (reset - r.x)) / (reset - start),
      projected: projectedAt(r.x),
    }));
  return rows;
}

/** Date ticks on local midnights of the account's zone (the period starts on one), a whole number of days apart. */
function dateSplits(start: number, min: number, max: number, widthPx: number): number[] {
  const count = Math.max(2, Math.floor(widthPx / 90));
  const days = DAY_STEPS.find((d) => ((max - min) / DAY_MS) / d <= count) ?? DAY_STEPS[DAY_STEPS.length - 1]!;
  const step = days * DAY_MS;
  const out: number[] = [];
  for (let x = start + Math.ceil((min - start) / step) * step; x <= max; x += step) out.push(x);
  return out;
}

/** Remaining of the allocation from the period start to the reset, against even pace. */
export function BurnDown(props: BurnDownProps) {
  const { start, reset, now, allocation, points, projection, runsOut, zone, unit, height = 220 } = props;
  const theme = useChartTheme();
  const [width, setWidth] = useState(0);
  const { view, hover, setHover, zoom, reset: showAll } = useZoom(`${start}/${reset}/${unit}`);
  const steps = useMemo(() => props.steps ?? [{ at: start, allocation }], [props.steps, start, allocation]);
  // Counts of things (videos, images) get whole-number axes; credits may be fractional.
  const whole = unit !== 'credit';
  const top = Math.max(allocation, ...steps.map((s) => s.allocation), 1);
  const ticks = useMemo(() => niceTicks(top, 5, whole), [top, whole]);
  const range = view ?? { min: start, max: reset };
  const px = projection?.x;
  const py = projection?.y;
  // Keyed on values, not the props object: a hover re-renders this component and must not rebuild the data.
  const rows = useMemo(
    () => rowsFor({ ...props, projection: px === undefined || py === undefined ? null : { x: px, y: py } }, steps, range, Math.max(1, width - Y_AXIS)),
    [points, px, py, start, reset, allocation, steps, range.min, range.max, width],
  );
  const data = useMemo((): uPlot.AlignedData => [rows.map((r) => r.x), rows.map((r) => r.allocation), rows.map((r) => r.even), rows.map((r) => r.left), rows.map((r) => r.projected)], [rows]);
  const xRange = useMemo(() => ({ min: range.min, max: range.max }), [range.min, range.max]);

  // Read by the draw hook, so the clock moving does not rebuild the chart.
  const nowRef = useRef(now);
  nowRef.current = now;

  const options = useMemo((): Omit<uPlot.Options, 'width' | 'height'> => {
    const projColor = runsOut ? theme.warn : theme.accent;
    return {
      legend: { show: false },
      cursor: { y: false, points: { show: false } },
      scales: { x: { time: false }, y: { range: () => [0, Math.max(ticks[ticks.length - 1]!, top)] } },
      axes: [
        {
          stroke: theme.text3,
          font: theme.font,
          grid: { show: false },
          ticks: { stroke: theme.axis, size: 4 },
          splits: (u, _i, min, max) => dateSplits(start, min, max, u.bbox.width / uPlot.pxRatio),
          // Noon of the tick's day, so a daylight-saving hour never tips a label into the day before.
          values: (_u, splits) => splits.map((x) => day(x + 12 * HOUR_MS, zone)),
        },
        {
          stroke: theme.text3,
          font: theme.font,
          size: Y_AXIS,
          grid: { stroke: theme.grid, width: 1 },
          ticks: { show: false },
          splits: () => ticks,
          values: (_u, splits) => splits.map((v) => compact(v)),
        },
      ],
      series: [
        {},
        { label: 'allocation', stroke: theme.text2, width: 1.25, points: { show: false }, paths: uPlot.paths.stepped!({ align: 1 }) },
        { label: 'even pace', stroke: theme.text3, width: 1, dash: [5, 4], points: { show: false } },
        { label: 'left', stroke: theme.accent, width: 2.25, fill: withAlpha(theme.accent, theme.dark ? 0.18 : 0.12), points: { show: false }, spanGaps: false },
        { label: 'this pace', stroke: projColor, width: 1.75, dash: [2, 4], points: { show: false }, spanGaps: true },
      ],
      hooks: {
        // The "now" marker: a dotted line across the plot where the period stands.
        draw: [
          (u) => {
            const x = u.valToPos(nowRef.current, 'x', true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = theme.text2;
            ctx.setLineDash([2 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
            ctx.lineWidth = uPlot.pxRatio;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.fillStyle = theme.text2;
            ctx.font = `${11 * uPlot.pxRatio}px ${theme.font.replace(/^\d+px /, '')}`;
            // At the foot of the line: the allocation runs along the top, and the future below is empty until the run-out.
            ctx.fillText('now', x + 4 * uPlot.pxRatio, u.bbox.top + u.bbox.height - 4 * uPlot.pxRatio);
            ctx.restore();
          },
        ],
      },
    };
  }, [theme, ticks, top, start, zone, runsOut]);

  const one = (n: number) => plural(n, unit);
  const row = hover !== null ? rows[hover] : undefined;
  const readout = row
    ? [
        row.x >= now ? day(row.x + 12 * HOUR_MS, zone) : instant(row.x, zone),
        row.left !== null ? `${one(row.left)} left of ${credits(row.allocation)}` : `allocation ${credits(row.allocation)}`,
        row.projected !== null && row.x > now ? `${approx(Math.max(0, row.projected))} at this pace` : null,
        `even pace ${approx(row.even)}`,
      ]
        .filter(Boolean)
        .join(' · ')
    : null;
  const leftNow = points[points.length - 1]?.y ?? allocation;
  const upgrades = steps.slice(1);
  return (
    <ChartFrame
      testId="burn-chart"
      label={`Burn-down: ${credits(leftNow)} of ${credits(allocation)} ${unit}s left`}
      summary={
        <>
          {credits(leftNow)} of {credits(allocation)} {unit}s left on {instant(now, zone)}; the period runs {day(start, zone)} to {instant(reset, zone)}.
          {upgrades.map((s) => ` The allocation became ${credits(s.allocation)} on ${instant(s.at, zone)}.`).join('')}
          {projection ? (projection.y <= 0 ? ` At this pace the allocation runs out on ${instant(projection.x, zone)}.` : ` At this pace about ${approx(projection.y)} are left at the reset.`) : ''}
        </>
      }
      readout={readout}
      hint="Point at a day for its figures · drag to zoom"
      zoomed={view !== null}
      onReset={showAll}
    >
      <div data-rows={rows.length}>
        <UPlot options={options} data={data} height={height} xRange={xRange} onWidth={setWidth} onCursor={setHover} onZoom={zoom} />
      </div>
    </ChartFrame>
  );
}
