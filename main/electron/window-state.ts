/** The window's size, remembered between runs in a small JSON file in the app's data folder. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const WINDOW_STATE_FILE = 'window-state.json';

export interface WindowState {
  width: number;
  height: number;
  maximized: boolean;
}

export const MIN_SIZE = { width: 800, height: 560 } as const;
export const DEFAULT_WINDOW: WindowState = { width: 1200, height: 800, maximized: false };
const MAX_SIDE = 16_384;

const side = (v: unknown, min: number, fallback: number): number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= MAX_SIDE ? v : fallback;

/** The saved state, or the defaults when the file is missing or not ours. */
export function loadWindowState(dir: string): WindowState {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(join(dir, WINDOW_STATE_FILE), 'utf8'));
  } catch {
    return { ...DEFAULT_WINDOW };
  }
  if (data === null || typeof data !== 'object') return { ...DEFAULT_WINDOW };
  const d = data as Record<string, unknown>;
  return {
    width: side(d.width, MIN_SIZE.width, DEFAULT_WINDOW.width),
    height: side(d.height, MIN_SIZE.height, DEFAULT_WINDOW.height),
    maximized: d.maximized === true,
  };
}

/** Write the state (whole file or nothing: a temp file renamed over the old one). */
export function saveWindowState(dir: string, state: WindowState): void {
  const file = join(dir, WINDOW_STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  const clean: WindowState = {
    width: Math.round(Math.min(Math.max(state.width, MIN_SIZE.width), MAX_SIDE)),
    height: Math.round(Math.min(Math.max(state.height, MIN_SIZE.height), MAX_SIDE)),
    maximized: state.maximized === true,
  };
  writeFileSync(tmp, JSON.stringify(clean) + '\n');
  renameSync(tmp, file);
}
