/**
 * The charts' colours, read from the CSS variables of styles.css (a canvas
 * cannot use var()), and read again when the system switches between light
 * and dark, so both themes stay one source of truth.
 */
import { useSyncExternalStore } from 'react';

export interface ChartTheme {
  dark: boolean;
  accent: string;
  accentHover: string;
  text2: string;
  text3: string;
  grid: string;
  axis: string;
  warn: string;
  surface: string;
  font: string;
}

const QUERY = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const mq = window.matchMedia(QUERY);
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}

const isDark = () => window.matchMedia(QUERY).matches;

const cache = new Map<boolean, ChartTheme>();

function read(dark: boolean): ChartTheme {
  const hit = cache.get(dark);
  if (hit) return hit;
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const theme: ChartTheme = {
    dark,
    accent: v('--accent', '#4f46e5'),
    accentHover: v('--accent-hover', '#4338ca'),
    text2: v('--text-2', '#4b5565'),
    text3: v('--text-3', '#7c8595'),
    grid: v('--grid', '#edf0f3'),
    axis: v('--border-strong', '#cdd3dc'),
    warn: v('--warn', '#b45309'),
    surface: v('--surface', '#ffffff'),
    font: `11px ${v('--font', 'system-ui, sans-serif')}`,
  };
  cache.set(dark, theme);
  return theme;
}

/** The chart theme for the current colour scheme; components re-render when it changes. */
export function useChartTheme(): ChartTheme {
  const dark = useSyncExternalStore(subscribe, isDark, () => false);
  return read(dark);
}

/** A #rrggbb colour at some opacity, for fills under lines (anything else is returned as is). */
export function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1]!, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
