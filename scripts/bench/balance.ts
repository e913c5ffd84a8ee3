/**
 * Balance query (getBalance: what the CLI's `balance`, the dashboard and the
 * tray read) over a ledger of BENCH_SIZE events, p50/p99 over many calls.
 * It reads summary rows, so it should not grow with the ledger.
 *
 *   BENCH_SIZE    events in the ledger (built once, cached in .bench/)
 *   BENCH_CALLS   timed calls (default 20000, after 2000 warm-up calls)
 */
import { openLedger } from '../../main/core/api/open.js';
import { getBalance } from '../../main/core/ledger/balance.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { emit, log, num, percentile, round } from './common.js';
import { ACCOUNT, cachedLedger, readAt } from './fill.js';

const N = num('BENCH_SIZE', 10_000);
const CALLS = num('BENCH_CALLS', 20_000);
const { path, buildPerSec } = cachedLedger(N);
const ctx = openLedger(path, { clock: new ManualClock(readAt(N)) });
const events = (ctx.db.prepare('SELECT COUNT(*) AS c FROM events').get() as { c: number }).c;
if (events !== N) throw new Error(`${path} holds ${events} events, not ${N}`);
const check = getBalance(ctx, ACCOUNT);
for (let i = 0; i < 2000; i++) getBalance(ctx, ACCOUNT);
const times: number[] = [];
for (let i = 0; i < CALLS; i++) {
  const s = performance.now();
  getBalance(ctx, ACCOUNT);
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const dbMiB = Math.round(((ctx.db.pragma('page_count', { simple: true }) as number) * (ctx.db.pragma('page_size', { simple: true }) as number)) / 2 ** 20);
ctx.db.close();
log(`  balance over ${N.toLocaleString('en-US')} events: p50 ${percentile(times, 50).toFixed(4)} ms, p99 ${percentile(times, 99).toFixed(4)} ms`);
emit({
  section: 'balance',
  events: N,
  calls: CALLS,
  p50Ms: round(percentile(times, 50), 4),
  p99Ms: round(percentile(times, 99), 4),
  maxMs: round(times.at(-1)!, 3),
  usedThisPeriod: check.pools[0]!.usedThisPeriod,
  dbMiB,
  ...(buildPerSec !== null ? { builtPerSec: Math.round(buildPerSec) } : {}),
});
