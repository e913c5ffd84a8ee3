/**
 * Usage report by day × action over one whole period of BENCH_SIZE events
 * (what `creditdeck report --by day,action` and the Usage page read), the
 * median of BENCH_RUNS runs after one warm-up. Also, once, the same report read
 * from the events themselves (fromEvents), to show what the rollup saves.
 *
 *   BENCH_SIZE   events in the period (default 1000000; cached in .bench/)
 *   BENCH_RUNS   timed runs (default 9)
 */
import { openLedger } from '../../main/core/api/open.js';
import { usageReport } from '../../main/core/ledger/reports.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { emit, log, median, num, round } from './common.js';
import { ACCOUNT, cachedLedger, readAt } from './fill.js';

const N = num('BENCH_SIZE', 1_000_000);
const RUNS = num('BENCH_RUNS', 9);
const { path } = cachedLedger(N);
const ctx = openLedger(path, { clock: new ManualClock(readAt(N)) });
const input = { account: ACCOUNT, by: ['day', 'action'] };
const first = usageReport(ctx, input);
if (first.total.events !== N) throw new Error(`the report counts ${first.total.events} events, the ledger has ${N}`);
const ms: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const s = performance.now();
  usageReport(ctx, input);
  ms.push(performance.now() - s);
}
const s = performance.now();
const raw = usageReport(ctx, { ...input, fromEvents: true });
const fromEventsMs = performance.now() - s;
if (JSON.stringify(raw.rows) !== JSON.stringify(first.rows)) throw new Error('the rollup and the events disagree');
ctx.db.close();
log(`  report day × action over ${N.toLocaleString('en-US')} events: median ${median(ms).toFixed(1)} ms (from the events: ${fromEventsMs.toFixed(0)} ms)`);
emit({ section: 'report', events: N, rows: first.rows.length, medianMs: round(median(ms), 2), maxMs: round(Math.max(...ms), 2), runs: ms.map((x) => round(x, 2)), fromEventsMs: round(fromEventsMs, 1), target: 50 });
