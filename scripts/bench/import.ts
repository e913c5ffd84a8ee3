/**
 * Batched import: `creditdeck import FILE` (the 'import' handler: read the
 * file, parse, validate and record every line with every rule of one-by-one
 * recording — plain lines through the in-memory fast path, usage-batch.ts —
 * all or nothing in one transaction) of BENCH_IMPORT events, beside raw
 * better-sqlite3 inserts of as many rows, same pragmas, in 10,000-row
 * transactions, into a table with an integer primary key and a unique text
 * key. The JSONL file is generated once and cached in .bench/.
 *
 * A third figure, the target's baseline (issue 16: the import at ≥ 0.5× it):
 * the same events' rows (events, entries, summaries, rollup: what the import
 * writes) inserted directly in 10,000-event transactions, with no parsing,
 * validation or per-event reads (the bench's fast fill, fill.ts) — the most a
 * set-based import could hope for with this schema. The import's own peak RSS
 * is read right after it (the section's peak also holds the other two).
 *
 *   BENCH_IMPORT   events in the file (default 1000000)
 */
import { createWriteStream, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { CACHE, emit, log, num, rawTable, round } from './common.js';
import { ACCOUNT, atOf, buildFast, eventOf, PERIOD_START } from './fill.js';

const N = num('BENCH_IMPORT', 1_000_000);
const RAW_BATCH = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'creditdeck-bench-import-'));

async function importFile(n: number): Promise<string> {
  const path = join(CACHE, `import-${n}-v1.jsonl`);
  if (existsSync(path)) return path;
  log(`  writing ${path}`);
  const tmp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  for (let i = 0; i < n; i++) {
    const e = eventOf(i);
    const line = JSON.stringify({ account: e.account, action: e.action, quantity: String(e.quantity), at: new Date(atOf(i, n)).toISOString(), key: e.key, attrs: e.attrs }) + '\n';
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(tmp, path);
  return path;
}

function rawBatched(n: number): number {
  const { db, ins } = rawTable(join(dir, 'raw.sqlite'));
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) ins.run(`ev_${i.toString(36)}`, ACCOUNT, `f${String(i).padStart(9, '0')}`, atOf(i, n), 5000);
  });
  const t0 = performance.now();
  for (let i = 0; i < n; i += RAW_BATCH) batch(i, Math.min(n, i + RAW_BATCH));
  const perSec = n / ((performance.now() - t0) / 1000);
  db.close();
  return perSec;
}

function ledgerImport(file: string, n: number): { perSec: number; peakRssMiB: number } {
  // "Now" is just after the last event: every line is dated in the open period.
  const clock = new ManualClock(atOf(n - 1, n) + 60_000);
  const ctx = openLedger(join(dir, 'ledger.sqlite'), { clock, ids: seededIds(3) });
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'enterprise', anchor: new Date(PERIOD_START).toISOString().slice(0, 10), amounts: { credits: '1000000000' } });
  const t0 = performance.now();
  const text = readFileSync(file, 'utf8');
  const r = call(ctx, 'import', { text, format: 'jsonl' });
  const perSec = n / ((performance.now() - t0) / 1000);
  if (r.lines !== n || r.applied !== n) throw new Error(`import: ${JSON.stringify(r)}`);
  ctx.db.close();
  // maxRSS so far: the raw inserts before it hold little (a 10,000-row transaction at a time).
  return { perSec, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

const file = await importFile(N);
const fileMiB = round(statSync(file).size / 2 ** 20, 1);
log(`  raw batched inserts of ${N.toLocaleString('en-US')} rows…`);
const raw = rawBatched(N);
log(`  raw ${Math.round(raw).toLocaleString('en-US')} rows/s; ledger import of ${fileMiB} MiB…`);
const led = ledgerImport(file, N);
log(`  ledger import ${Math.round(led.perSec).toLocaleString('en-US')} events/s; the same rows in bulk…`);
const bulk = buildFast(join(dir, 'bulk.sqlite'), N, { durable: true, batch: RAW_BATCH });
bulk.ctx.db.close();
log(`  same rows in bulk ${Math.round(bulk.perSec).toLocaleString('en-US')} events/s`);
rmSync(dir, { recursive: true, force: true });
// The target (issue 16): the import at ≥ 0.5× the same rows written in bulk with no checks.
emit({
  section: 'import',
  events: N,
  fileMiB,
  rawBatch: RAW_BATCH,
  ledgerPerSec: Math.round(led.perSec),
  rawPerSec: Math.round(raw),
  ratio: round(led.perSec / bulk.perSec, 3),
  target: 0.5,
  rawRatio: round(led.perSec / raw, 3),
  sameRowsBulkPerSec: Math.round(bulk.perSec),
  sameRowsBulkRatio: round(bulk.perSec / raw, 3),
  importPeakRssMiB: led.peakRssMiB,
});
