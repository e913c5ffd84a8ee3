/**
 * Shared by the bench sections (scripts/bench/*.ts). Each section runs in a
 * child process of its own (scripts/bench.ts starts them), so its peak RSS is
 * its own; it prints progress on stderr and one JSON document, the last line
 * of its stdout.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
/** Generated ledgers and import files, kept between runs (git-ignored). */
export const CACHE = join(ROOT, '.bench');
mkdirSync(CACHE, { recursive: true });

export const log = (line: string) => process.stderr.write(line + '\n');

export function num(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got ${v})`);
  return Math.round(n);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Nearest-rank percentile of a sorted array. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** Peak resident set of this process so far, MiB (getrusage ru_maxrss). */
export const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** The section's result: one JSON line, last on stdout. */
export function emit(result: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ ...result, peakRssMiB: peakRssMiB() }) + '\n');
}

export const sizeLabel = (n: number) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));
