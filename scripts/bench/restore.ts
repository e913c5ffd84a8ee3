/**
 * `creditdeck export` of a ledger of BENCH_SIZE events to JSON Lines, then
 * `restore` of that file into a new ledger (read as a stream, every row
 * checked, every invariant verified, one transaction), each once. The restore
 * is compared with the export that made its file.
 *
 *   BENCH_SIZE   events (default 1000000; cached in .bench/)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import { exportTo, restoreExport } from '../../main/core/ledger/backup.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { CACHE, emit, log, num, peakRssMiB, round } from './common.js';
import { ledgerCopy, readAt } from './fill.js';

const N = num('BENCH_SIZE', 1_000_000);
const dir = mkdtempSync(join(CACHE, 'restore-'));
try {
  const clock = new ManualClock(readAt(N));
  const src = openLedger(ledgerCopy(N, dir), { clock });
  const file = join(dir, 'export.jsonl');
  let s = performance.now();
  const out = exportTo(src, file);
  const exportMs = performance.now() - s;
  const bytes = statSync(file).size;
  const rssAfterExport = peakRssMiB();
  src.db.close();
  const dst = openLedger(join(dir, 'restored.sqlite'), { clock });
  s = performance.now();
  const back = restoreExport(dst, file);
  const restoreMs = performance.now() - s;
  const events = (dst.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  dst.db.close();
  if (back.rows !== out.rows || events !== N) throw new Error(`restored ${back.rows} rows (${events} events) of ${out.rows} exported`);
  log(`  ${N.toLocaleString('en-US')} events, ${out.rows.toLocaleString('en-US')} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB: export ${(exportMs / 1000).toFixed(1)} s, restore ${(restoreMs / 1000).toFixed(1)} s`);
  emit({ section: 'restore', events: N, rows: out.rows, fileMiB: round(bytes / 2 ** 20), exportMs: round(exportMs), restoreMs: round(restoreMs), ratio: round(restoreMs / exportMs, 2), peakRssAfterExportMiB: rssAfterExport, target: 2 });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
