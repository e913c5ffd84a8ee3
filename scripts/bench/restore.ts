/**
 * `creditdeck export` of a ledger of BENCH_SIZE events to JSON Lines, then
 * `restore` of that file into a new ledger (read as a stream, every row
 * checked, every invariant verified, one transaction). Export and restore take
 * turns, BENCH_RUNS times (the machine's load moves either by a third from
 * one minute to the next); the medians are compared.
 *
 *   BENCH_SIZE   events (default 1000000; cached in .bench/)
 *   BENCH_RUNS   rounds (default 2)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import { exportTo, restoreExport } from '../../main/core/ledger/backup.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { CACHE, emit, log, median, num, round } from './common.js';
import { ledgerCopy, readAt } from './fill.js';

const N = num('BENCH_SIZE', 1_000_000);
const RUNS = num('BENCH_RUNS', 2);
const dir = mkdtempSync(join(CACHE, 'restore-'));
try {
  const clock = new ManualClock(readAt(N));
  const src = openLedger(ledgerCopy(N, dir), { clock });
  const exportMs: number[] = [];
  const restoreMs: number[] = [];
  let rows = 0;
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const file = join(dir, 'export.jsonl');
    const target = join(dir, 'restored.sqlite');
    let s = performance.now();
    rows = exportTo(src, file).rows;
    exportMs.push(performance.now() - s);
    bytes = statSync(file).size;
    const dst = openLedger(target, { clock });
    s = performance.now();
    const back = restoreExport(dst, file);
    restoreMs.push(performance.now() - s);
    const events = (dst.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    dst.db.close();
    if (back.rows !== rows || events !== N) throw new Error(`restored ${back.rows} rows (${events} events) of ${rows} exported`);
    for (const f of [file, target, `${target}-wal`, `${target}-shm`]) rmSync(f, { force: true });
    log(`  round ${i + 1}: export ${(exportMs[i]! / 1000).toFixed(1)} s, restore ${(restoreMs[i]! / 1000).toFixed(1)} s`);
  }
  src.db.close();
  const [e, r] = [median(exportMs), median(restoreMs)];
  log(`  ${N.toLocaleString('en-US')} events, ${rows.toLocaleString('en-US')} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB: export ${(e / 1000).toFixed(1)} s, restore ${(r / 1000).toFixed(1)} s (medians of ${RUNS})`);
  emit({ section: 'restore', events: N, rows, fileMiB: round(bytes / 2 ** 20), exportMs: round(e), restoreMs: round(r), ratio: round(r / e, 2), exportRunsMs: exportMs.map((x) => round(x)), restoreRunsMs: restoreMs.map((x) => round(x)), target: 2 });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
