/**
 * `npm run bench`: speed of the ledger beside the physical limit of SQLite on
 * the same machine, file settings and run. Prints one JSON document (and a
 * table on stderr). A benchmark, not a test: it asserts nothing.
 *
 *   BENCH_EVENTS   events committed one by one (default 5000)
 *   BENCH_FILL     events in the ledger for the read benchmarks (default 1000000)
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../main/core/api/open.js';
import { call } from '../main/core/api/handlers.js';
import { ManualClock } from '../main/core/util/clock.js';
import { seededIds } from '../main/core/util/ids.js';
import { recordUsage, useInTx } from '../main/core/ledger/usage.js';
import { getBalance } from '../main/core/ledger/balance.js';
import { usageReport } from '../main/core/ledger/reports.js';

const N = Number(process.env.BENCH_EVENTS ?? 5000);
const FILL = Number(process.env.BENCH_FILL ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'creditdeck-bench-'));
const peak = { rss: 0 };
const sample = () => (peak.rss = Math.max(peak.rss, process.memoryUsage().rss));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// 1 and 2, interleaved in rounds: fsync speed drifts on shared disks, so the
// two are measured side by side and compared by their medians.
const ROUNDS = 7;

function rawRounds(): { run: (n: number) => number; close: () => void } {
  const db = new Database(join(dir, 'raw.sqlite'));
  if (process.env.CREDITDECK_PAGE_SIZE) db.pragma(`page_size = ${Number(process.env.CREDITDECK_PAGE_SIZE)}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.exec('CREATE TABLE raw (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL, cost_mc INTEGER NOT NULL)');
  const ins = db.prepare('INSERT INTO raw (id, account_id, key, at, cost_mc) VALUES (?, ?, ?, ?, ?)');
  let i = 0;
  return {
    run(n) {
      const t0 = performance.now();
      for (const end = i + n; i < end; i++) ins.run(`ev_${i}`, 'acct', `k${i}`, 1_800_000_000_000 + i, 5000);
      return n / ((performance.now() - t0) / 1000);
    },
    close: () => db.close(),
  };
}

// Each event its own transaction, through the full path: idempotency, limits,
// draw-down across grants, summaries, alerts.
function ledgerRounds(): { run: (n: number) => number; close: () => void } {
  const clock = new ManualClock(Date.parse('2026-11-10T00:00:00Z'));
  const ctx = openLedger(join(dir, 'ledger.sqlite'), { clock, ids: seededIds(1) });
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'pro', anchor: '2026-11-01' });
  call(ctx, 'grants.add', { account: 'lux-pro', pool: 'credits', amount: N * 20, source: 'purchase', priceCents: 5000 });
  let i = 0;
  return {
    run(n) {
      const t0 = performance.now();
      for (const end = i + n; i < end; i++) {
        clock.advance(1000);
        // Large enough that the monthly grant runs out part-way and draw-down spans grants.
        recordUsage(ctx, { account: 'lux-pro', action: 'ai:claude-sonnet', quantity: 4000, key: `bench-${i}`, attrs: { flow: `flow-${i % 7}` } });
      }
      sample();
      return n / ((performance.now() - t0) / 1000);
    },
    close: () => ctx.db.close(),
  };
}

function singleEvents() {
  const raw = rawRounds();
  const led = ledgerRounds();
  const per = Math.ceil(N / ROUNDS);
  const r: number[] = [];
  const l: number[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    r.push(raw.run(per));
    l.push(led.run(per));
  }
  raw.close();
  led.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { raw: median(r), ledger: median(l), rounds: r.map((x, k) => Number((l[k]! / x).toFixed(3))) };
}

// 3. Reads with FILL events in the ledger.
function reads() {
  const clock = new ManualClock(Date.parse('2026-11-01T00:00:00Z'));
  const ctx = openLedger(join(dir, 'big.sqlite'), { clock, ids: seededIds(2) });
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'enterprise', anchor: '2026-11-01', amounts: { credits: '1000000000' } });
  const actions = ['ai:claude-haiku', 'ai:claude-sonnet', 'email', 'sms', 'voice-call'];
  const step = Math.floor((29 * 86_400_000) / FILL);
  const t0 = performance.now();
  const chunk = 50_000;
  for (let done = 0; done < FILL; done += chunk) {
    ctx.write(() => {
      for (let i = done; i < Math.min(FILL, done + chunk); i++) {
        clock.advance(step);
        const r = useInTx(ctx, { account: 'lux-enterprise', action: actions[i % actions.length]!, quantity: 1 + (i % 3), key: `f${i}`, attrs: { flow: `flow-${i % 11}` } });
        if (!('ok' in r)) throw new Error('fill refused');
      }
    });
    sample();
  }
  const fillSecs = (performance.now() - t0) / 1000;
  const times: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const s = performance.now();
    getBalance(ctx, 'lux-enterprise');
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const rep: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    usageReport(ctx, { account: 'lux-enterprise', by: ['day', 'action'] });
    rep.push(performance.now() - s);
  }
  rep.sort((a, b) => a - b);
  sample();
  ctx.db.close();
  return { events: FILL, fillPerSec: FILL / fillSecs, balanceP50Ms: percentile(times.slice(500), 50), balanceP99Ms: percentile(times.slice(500), 99), reportDayByActionMs: rep[2]! };
}

const single = singleEvents();
const raw = single.raw;
const ledger = single.ledger;
const r = reads();
const result = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
  settings: { journal: 'WAL', synchronous: 'FULL', eventsOneByOne: N },
  singleEvents: { ledgerPerSec: Math.round(ledger), rawInsertsPerSec: Math.round(raw), ratio: Number((ledger / raw).toFixed(3)), ratioPerRound: single.rounds, target: 0.5 },
  reads: {
    events: r.events,
    fillPerSec: Math.round(r.fillPerSec),
    balanceP50Ms: Number(r.balanceP50Ms.toFixed(4)),
    balanceP99Ms: Number(r.balanceP99Ms.toFixed(4)),
    balanceTargetP99Ms: 0.2,
    reportDayByActionMs: Number(r.reportDayByActionMs.toFixed(1)),
  },
  peakRssMiB: Math.round(peak.rss / 2 ** 20),
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
process.stderr.write(
  [
    '',
    `events one by one   ledger ${result.singleEvents.ledgerPerSec}/s   raw insert ${result.singleEvents.rawInsertsPerSec}/s   ratio ${result.singleEvents.ratio} (target ≥ 0.5)`,
    `balance, ${r.events} events   p50 ${result.reads.balanceP50Ms} ms   p99 ${result.reads.balanceP99Ms} ms (target ≤ 0.2)`,
    `report day × action over one period   ${result.reads.reportDayByActionMs} ms`,
    `peak RSS ${result.peakRssMiB} MiB`,
    '',
  ].join('\n'),
);
rmSync(dir, { recursive: true, force: true });
