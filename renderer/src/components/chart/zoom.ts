/**
 * A chart's zoom and hover state: the range shown (null = everything) and the
 * data index under the cursor, which a new range makes stale.
 */
import { useCallback, useState } from 'react';
import type { XRange } from './UPlot';

const DAY_MS = 86_400_000;

export function useZoom() {
  const [view, setView] = useState<XRange | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const zoom = useCallback((r: XRange | null) => {
    setHover(null);
    // Never narrower than a day: the reports are per day, a finer zoom would only stretch them.
    setView(r && r.max - r.min >= DAY_MS ? r : null);
  }, []);
  return { view, hover, setHover, zoom, reset: useCallback(() => zoom(null), [zoom]) };
}
