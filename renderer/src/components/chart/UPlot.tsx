/**
 * A thin React host for uPlot: the chart is created on mount (and again when
 * its options change, e.g. the theme), fed with setData when the data
 * changes, sized to its container through a ResizeObserver and destroyed on
 * unmount. Zoom is the caller's state: a drag reports the range it covers,
 * a double-click asks for everything again, so the caller can re-fit the data
 * to the pixels of the range shown.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface XRange {
  min: number;
  max: number;
}

export interface UPlotProps {
  /** Everything but the size (the container decides); a new object rebuilds the chart. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  /** The x range shown: the whole series, or a zoomed part of it. */
  xRange: XRange;
  /** The container's width in CSS pixels, whenever it changes. */
  onWidth: (width: number) => void;
  /** The data index under the cursor (null when it leaves). */
  onCursor?: (idx: number | null) => void;
  /** A dragged range, or null on double-click (show everything). */
  onZoom?: (range: XRange | null) => void;
}

export function UPlot({ options, data, height, xRange, onWidth, onCursor, onZoom }: UPlotProps) {
  const host = useRef<HTMLDivElement | null>(null);
  const plot = useRef<uPlot | null>(null);
  // Latest props for uPlot's callbacks, which are bound once per chart.
  const latest = useRef({ data, xRange, onWidth, onCursor, onZoom });
  latest.current = { data, xRange, onWidth, onCursor, onZoom };

  useLayoutEffect(() => {
    const el = host.current;
    if (!el) return;
    const width = Math.floor(el.getBoundingClientRect().width);
    const hooks = options.hooks ?? {};
    const u = new uPlot(
      {
        ...options,
        width: Math.max(width, 1),
        height,
        // The range is always ours: uPlot's autoscaling would undo a zoom on each setData.
        scales: { ...options.scales, x: { ...options.scales?.x, auto: false, range: () => [latest.current.xRange.min, latest.current.xRange.max] } },
        cursor: {
          ...options.cursor,
          drag: { x: true, y: false, setScale: false },
          bind: {
            ...options.cursor?.bind,
            dblclick: () => () => {
              latest.current.onZoom?.(null);
              return null;
            },
          },
        },
        hooks: {
          ...hooks,
          setCursor: [...(hooks.setCursor ?? []), (self) => latest.current.onCursor?.(self.cursor.idx ?? null)],
          setSelect: [
            ...(hooks.setSelect ?? []),
            (self) => {
              const { left, width: w } = self.select;
              if (w > 2) latest.current.onZoom?.({ min: self.posToVal(left, 'x'), max: self.posToVal(left + w, 'x') });
              self.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            },
          ],
        },
      },
      latest.current.data,
      el,
    );
    plot.current = u;
    latest.current.onWidth(width);
    const ro = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w > 0 && w !== u.width) {
        u.setSize({ width: w, height });
        latest.current.onWidth(w);
      }
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    u.batch(() => {
      u.setData(data, false);
      u.setScale('x', xRange);
    });
  }, [data, xRange]);

  return <div ref={host} className="uplot-host" style={{ height, width: '100%' }} />;
}
