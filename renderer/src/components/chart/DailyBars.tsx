/**
 * Daily usage as bars (uPlot on a canvas): one bar per local day, merged into
 * wider bars when days outnumber the pixels (downsampleBars, re-fitted to the
 * range shown after a zoom), a read-out of the bar under the cursor.
 */
import { useMemo, useState } from 'react';
import uPlot from 'uplot';
import { compact, credits, day, plural } from '../../lib/format';
import { downsampleBars, niceTicks, type Bar } from '../../lib/series';
import { ChartFrame } from './Frame';
import { useChartTheme } from './theme';
import { UPlot } from './UPlot';
import { useZoom } from './zoom';

const DAY_MS = 86_400_000;
/** A local date on the chart's axis: its noon as if in UTC (labels are read back in UTC). */
const noon = (date: string) => Date.parse(`${date}T12:00:00Z`);
const label = (date: string) => day(noon(date), 'UTC');
const span = (b: Bar) => (b.from === b.to ? label(b.from) : `${label(b.from)} – ${label(b.to)}`);
/** Room for the y axis labels, left of the bars. */
const Y_AXIS = 44;

export function DailyBars({ days, unit, zone, height = 200 }: { days: { date: string; value: number }[]; unit: string; zone: string; height?: number }) {
  const theme = useChartTheme();
  const [width, setWidth] = useState(0);
  const { view, hover, setHover, zoom, reset } = useZoom(`${days[0]?.date}/${days.length}/${unit}`);
  // Counts of things (videos, images) get whole-number axes; credits may be fractional.
  const whole = unit !== 'credits';

  const all = useMemo(() => days.map((d): Bar => ({ from: d.date, to: d.date, value: d.value })), [days]);
  const bars = useMemo(() => {
    // A bar is in the zoom when any of its day is: dragging to a bar's middle takes it in.
    const shown = view ? all.filter((b) => noon(b.to) + DAY_MS / 2 > view.min && noon(b.from) - DAY_MS / 2 < view.max) : all;
    return width > 0 ? downsampleBars(shown, (width - Y_AXIS) / 5) : shown;
  }, [all, view, width]);
  const xs = useMemo(() => bars.map((b) => (noon(b.from) + noon(b.to)) / 2), [bars]);
  const data = useMemo((): uPlot.AlignedData => [xs, bars.map((b) => b.value)], [xs, bars]);
  const max = Math.max(0, ...all.map((b) => b.value));
  const ticks = useMemo(() => niceTicks(max > 0 ? max : 1, 5, whole), [max, whole]);

  // Half a bar of room at each end, so the first and last bars are whole.
  const half = xs.length > 1 ? (xs[1]! - xs[0]!) / 2 : DAY_MS / 2;
  const full = { min: noon(all[0]?.from ?? '1970-01-01') - DAY_MS / 2, max: noon(all[all.length - 1]?.to ?? '1970-01-01') + DAY_MS / 2 };
  const xRange = useMemo(() => (view && xs.length ? { min: xs[0]! - half, max: xs[xs.length - 1]! + half } : full), [view, xs, half, full.min, full.max]);

  const options = useMemo(
    (): Omit<uPlot.Options, 'width' | 'height'> => ({
      legend: { show: false },
      cursor: { y: false, points: { show: false } },
      scales: { x: { time: false }, y: { range: () => [0, ticks[ticks.length - 1]!] } },
      axes: [
        {
          stroke: theme.text3,
          font: theme.font,
          grid: { show: false },
          ticks: { stroke: theme.axis, size: 4 },
          // Label every few bars: about one label per 70 px.
          splits: (u) => {
            const xsNow = Array.from(u.data[0]);
            const every = Math.max(1, Math.ceil(xsNow.length / Math.max(2, Math.floor(u.bbox.width / uPlot.pxRatio / 70))));
            return xsNow.filter((_, i) => i % every === 0);
          },
          values: (_u, splits) => splits.map((x) => day(x, 'UTC')),
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
      series: [{}, { label: unit, fill: theme.accent, stroke: theme.accent, width: 0, points: { show: false }, paths: uPlot.paths.bars!({ size: [0.72, 28, 2], align: 0 }) }],
    }),
    [theme, ticks, unit],
  );

  const total = all.reduce((s, b) => s + Math.round(b.value * 1000), 0) / 1000;
  const busiest = all.reduce<Bar | null>((m, b) => (b.value > (m?.value ?? 0) ? b : m), null);
  const bar = hover !== null ? bars[hover] : undefined;
  return (
    <ChartFrame
      testId="daily-chart"
      label={`Daily usage: ${credits(total)} ${unit} over ${days.length} days`}
      summary={
        <>
          {credits(total)} {unit} over {days.length} days ({zone}){busiest ? `; the most on ${label(busiest.from)}: ${credits(busiest.value)}` : ''}.
          <table>
            <caption>{unit} per day</caption>
            <tbody>
              {all
                .filter((b) => b.value > 0)
                .map((b) => (
                  <tr key={b.from}>
                    <th scope="row">{label(b.from)}</th>
                    <td>{credits(b.value)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      }
      readout={bar ? `${span(bar)}: ${plural(bar.value, unit.replace(/s$/, ''), unit)}` : null}
      hint="Point at a bar for its figure · drag to zoom"
      zoomed={view !== null}
      onReset={reset}
    >
      <div data-bars={bars.length}>
        <UPlot options={options} data={data} height={height} xRange={xRange} onWidth={setWidth} onCursor={setHover} onZoom={zoom} />
      </div>
    </ChartFrame>
  );
}
