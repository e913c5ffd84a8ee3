/**
 * Shared by the bench sections (scripts/bench/*.ts). Each section runs in a
 * child process of its own (scripts/bench.ts starts them), so its peak RSS is
 * its own; it prints progress on stderr and one JSON document, the last line
 * of its stdout.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
/** Generated ledgers and import files, kept between runs (git-ignored). */
export const CACHE = join(ROOT, '.bench');
mkdirSync(CACHE, { recursive: true });

export const log = (line: string) => process.stderr.write(line + '\n');

export function num(name: string, fallback: number, o: { zero?: boolean } = {}): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !o.zero)) throw new Error(`${name} must be a ${o.zero ? 'whole number, 0 or more' : 'positive number'} (got ${v})`);
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

/** The raw baselines' table, with the ledger's pragmas: an integer primary key and a unique text key, as the events table has. */
export function rawTable(file: string): { db: Database.Database; ins: Database.Statement } {
  const db = new Database(file);
  if (process.env.CREDITDECK_PAGE_SIZE) db.pragma(`page_size = ${Number(process.env.CREDITDECK_PAGE_SIZE)}`);
  db.pragma('busy_timeout = 10000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // As the hosts' writer sets it (ledger/group-commit.ts); a single-row insert writes no temporary file either way.
  db.pragma('temp_store = MEMORY');
  db.exec('CREATE TABLE raw (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL, cost_mc INTEGER NOT NULL) STRICT');
  return { db, ins: db.prepare('INSERT INTO raw (id, account_id, key, at, cost_mc) VALUES (?, ?, ?, ?, ?)') };
}

/**
 * The baseline the write figures are measured against: raw better-sqlite3
 * single-row inserts, each its own transaction, with the ledger's pragmas (WAL,
 * synchronous=FULL, same page size) into a table with an integer primary key
 * and a unique text key, as the events table has. `run(n)` answers inserts/s.
 */
export function rawInserts(file: string): { db: Database.Database; run: (n: number) => number } {
  const { db, ins } = rawTable(file);
  let i = 0;
  return {
    db,
    run(n) {
      const t0 = performance.now();
      for (const end = i + n; i < end; i++) ins.run(`ev_${i.toString(36)}`, 'lux-pro', `bench-${i}`, 1_800_000_000_000 + i, 5000);
      return n / ((performance.now() - t0) / 1000);
    },
  };
}
