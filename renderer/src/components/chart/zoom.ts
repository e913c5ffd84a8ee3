/**
 * A chart's zoom and hover state: the range shown (null = everything) and the
 * data index under the cursor, which a new range makes stale. Other data (a
 * pool or range picked on the page, named by `extent`) starts unzoomed.
 */
import { useCallback, useEffect, useState } from 'react';
import type { XRange } from './UPlot';

const DAY_MS = 86_400_000;

export function useZoom(extent: string) {
  const [view, setView] = useState<XRange | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const zoom = useCallback((r: XRange | null) => {
    setHover(null);
    // Never narrower than a day: the reports are per day, a finer zoom would only stretch them.
    setView(r && r.max - r.min >= DAY_MS ? r : null);
  }, []);
  useEffect(() => {
    setView(null);
    setHover(null);
  }, [extent]);
  return { view, hover, setHover, zoom, reset: useCallback(() => zoom(null), [zoom]) };
}
