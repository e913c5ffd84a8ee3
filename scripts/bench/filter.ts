/**
 * `usage --where flow=…` (one attribute value) over one whole period of
 * BENCH_SIZE events: the median of BENCH_RUNS runs, after the first call
 * (which catches the attribute rollup up, timed on its own), beside the same
 * report scanning the events (fromEvents). The answers must be equal. On a
 * private copy of the cached ledger, so every run catches up from nothing.
 *
 *   BENCH_SIZE   events in the period (default 1000000; cached in .bench/)
 *   BENCH_RUNS   timed runs (default 9)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import { usageReport } from '../../main/core/ledger/reports.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { CACHE, emit, log, median, num, round } from './common.js';
import { ACCOUNT, ledgerCopy, readAt } from './fill.js';

const N = num('BENCH_SIZE', 1_000_000);
const RUNS = num('BENCH_RUNS', 9);
const dir = mkdtempSync(join(CACHE, 'filter-'));
try {
  const ctx = openLedger(ledgerCopy(N, dir), { clock: new ManualClock(readAt(N)) });
  const inputs = [
    { account: ACCOUNT, where: { flow: 'flow-3' } },
    { account: ACCOUNT, by: ['day'], where: { flow: 'flow-3' } },
  ];
  let s = performance.now();
  const first = usageReport(ctx, inputs[0]!);
  const firstMs = performance.now() - s;
  const ms: number[] = [];
  const byDayMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    s = performance.now();
    usageReport(ctx, inputs[0]!);
    ms.push(performance.now() - s);
    s = performance.now();
    usageReport(ctx, inputs[1]!);
    byDayMs.push(performance.now() - s);
  }
  s = performance.now();
  const scan = usageReport(ctx, { ...inputs[0]!, fromEvents: true });
  const scanMs = performance.now() - s;
  s = performance.now();
  const scanByDay = usageReport(ctx, { ...inputs[1]!, fromEvents: true });
  const scanByDayMs = performance.now() - s;
  if (JSON.stringify(scan) !== JSON.stringify(first) || JSON.stringify(scanByDay) !== JSON.stringify(usageReport(ctx, inputs[1]!))) throw new Error('the attribute rollup and the events disagree');
  if (first.total.events !== Math.ceil((N - 3) / 11)) throw new Error(`flow-3 counts ${first.total.events} events`);
  ctx.db.close();
  log(`  --where flow=flow-3 over ${N.toLocaleString('en-US')} events: median ${median(ms).toFixed(1)} ms, by day ${median(byDayMs).toFixed(1)} ms (first call, catching up: ${firstMs.toFixed(0)} ms; scanning: ${scanMs.toFixed(0)} ms, by day ${scanByDayMs.toFixed(0)} ms)`);
  emit({
    section: 'filter',
    events: N,
    matched: first.total.events,
    medianMs: round(median(ms), 2),
    byDayMedianMs: round(median(byDayMs), 2),
    runs: ms.map((x) => round(x, 2)),
    firstCallMs: round(firstMs, 1),
    scanMs: round(scanMs, 1),
    scanByDayMs: round(scanByDayMs, 1),
    target: 50,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
