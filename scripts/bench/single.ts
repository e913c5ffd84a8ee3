/**
 * Usage events committed one by one through the ledger (idempotency, limits,
 * draw-down across grants, summaries, rollup, alerts; each its own
 * transaction) beside raw better-sqlite3 single-row inserts with the same
 * pragmas (WAL, synchronous=FULL, same page size) into a table with an integer
 * primary key and a unique text key, as the events table has.
 *
 * The two are interleaved in rounds (fsync speed drifts on shared disks) and
 * compared by their medians. Afterwards, a short extra run of each counts the
 * WAL frames (pages) one commit writes, and which B-tree each page belongs to.
 *
 * A third side: the same events through the hosts' writer (group-commit.ts),
 * one caller awaiting each call — issue 16's "one caller at a time".
 *
 * A fourth side, not a target: the raw inserts again with WIDE_INDEXES more
 * indexes on scattered text keys, so that a commit writes about as many pages
 * as the ledger's. What the ledger's page count alone costs, beside what its
 * rules cost on top of it.
 *
 *   BENCH_EVENTS   events committed one by one, each side (default 5000)
 */
import type Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { recordUsage } from '../../main/core/ledger/usage.js';
import { GroupCommit } from '../../main/core/ledger/group-commit.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { emit, log, median, num, rawInserts, rawTable, round } from './common.js';

const N = num('BENCH_EVENTS', 5000);
const ROUNDS = 7;
const PAGE_RUN = Math.min(500, Math.max(100, Math.floor(N / 10)));
const dir = mkdtempSync(join(tmpdir(), 'creditdeck-bench-single-'));

interface Side {
  db: Database.Database;
  run: (n: number) => number;
}

/** Each about 1.2 pages a commit with its splits: six bring raw's 2.2 to about the ledger's 9. */
const WIDE_INDEXES = 6;

/** Raw inserts into the baseline's table with WIDE_INDEXES more indexes, each on a text key spread over its range as idempotency keys are. */
function rawWide(file: string): Side {
  const { db } = rawTable(file);
  const cols = Array.from({ length: WIDE_INDEXES }, (_, j) => `k${j}`);
  for (const c of cols) {
    db.exec(`ALTER TABLE raw ADD COLUMN ${c} TEXT`);
    db.exec(`CREATE INDEX raw_${c} ON raw(${c})`);
  }
  const ins = db.prepare(`INSERT INTO raw (id, account_id, key, at, cost_mc, ${cols.join(', ')}) VALUES (?, ?, ?, ?, ?${', ?'.repeat(cols.length)})`);
  let i = 0;
  return {
    db,
    run(n) {
      const t0 = performance.now();
      for (const end = i + n; i < end; i++) {
        const keys = cols.map((_, j) => String((i * 2_654_435_761 + j * 97) % 1_000_003));
        ins.run(`ev_${i.toString(36)}`, 'lux-pro', `bench-${i}`, 1_800_000_000_000 + i, 5000, ...keys);
      }
      return n / ((performance.now() - t0) / 1000);
    },
  };
}

/** A ledger set up for the bench, and its call: the next usage event, committed alone. */
function benchLedger(file: string): { ctx: Ctx; record: () => void } {
  const clock = new ManualClock(Date.parse('2026-11-10T00:00:00Z'));
  const ctx = openLedger(file, { clock, ids: seededIds(1) });
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'pro', anchor: '2026-11-01' });
  // Lux Pro's monthly 100,000 runs out part-way: draw-down then spans the monthly grant and this purchase.
  call(ctx, 'grants.add', { account: 'lux-pro', pool: 'credits', amount: (N + PAGE_RUN) * 20, source: 'purchase', priceCents: 5000 });
  let i = 0;
  return {
    ctx,
    record() {
      clock.advance(1000);
      recordUsage(ctx, { account: 'lux-pro', action: 'ai:claude-sonnet', quantity: 4000, key: `bench-${i}`, attrs: { flow: `flow-${i % 7}` } });
      i++;
    },
  };
}

function ledger(): Side {
  const { ctx, record } = benchLedger(join(dir, 'ledger.sqlite'));
  return {
    db: ctx.db,
    run(n) {
      const t0 = performance.now();
      for (let k = 0; k < n; k++) record();
      return n / ((performance.now() - t0) / 1000);
    },
  };
}

/** One caller through the hosts' writer (ledger/group-commit.ts): each call submitted and awaited before the next, so every group holds one. */
function throughWriter(): { db: Database.Database; run: (n: number) => Promise<number> } {
  const { ctx, record } = benchLedger(join(dir, 'writer.sqlite'));
  const writer = new GroupCommit(ctx);
  return {
    db: ctx.db,
    async run(n) {
      const t0 = performance.now();
      for (let k = 0; k < n; k++) await writer.submit(record);
      return n / ((performance.now() - t0) / 1000);
    },
  };
}

/** WAL frames per commit over `n` more commits, and the B-tree of each frame's page. */
function pagesPerCommit(side: Side, n: number): { pages: number; byBtree: Record<string, number> } {
  const db = side.db;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
  side.run(n);
  const wal = readFileSync(db.name + '-wal');
  const ps = db.pragma('page_size', { simple: true }) as number;
  const owner = new Map<number, string>();
  for (const r of db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]) owner.set(r.pageno, r.name);
  const count = new Map<string, number>();
  let frames = 0;
  for (let off = 32; off + 24 + ps <= wal.length; off += 24 + ps) {
    const name = owner.get(wal.readUInt32BE(off)) ?? 'freelist';
    count.set(name, (count.get(name) ?? 0) + 1);
    frames++;
  }
  db.pragma('wal_autocheckpoint = 1000');
  return { pages: round(frames / n, 2), byBtree: Object.fromEntries([...count].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v / n, 2)])) };
}

const r = rawInserts(join(dir, 'raw.sqlite'));
const w = rawWide(join(dir, 'raw-wide.sqlite'));
const l = ledger();
const g = throughWriter();
const per = Math.ceil(N / ROUNDS);
const rr: number[] = [];
const wr: number[] = [];
const lr: number[] = [];
const gr: number[] = [];
for (let k = 0; k < ROUNDS; k++) {
  rr.push(r.run(per));
  lr.push(l.run(per));
  gr.push(await g.run(per));
  wr.push(w.run(per));
  log(`  round ${k + 1}/${ROUNDS}: raw ${Math.round(rr[k]!)}/s, ledger ${Math.round(lr[k]!)}/s, through the writer ${Math.round(gr[k]!)}/s, raw at the ledger's pages ${Math.round(wr[k]!)}/s`);
}
const rawPages = pagesPerCommit(r, PAGE_RUN);
const widePages = pagesPerCommit(w, PAGE_RUN);
const ledgerPages = pagesPerCommit(l, PAGE_RUN);
const pageSize = l.db.pragma('page_size', { simple: true }) as number;
for (const side of [r, w, l, g]) side.db.close();
rmSync(dir, { recursive: true, force: true });

const ledgerPerSec = median(lr);
const rawPerSec = median(rr);
const widePerSec = median(wr);
const writerPerSec = median(gr);
emit({
  section: 'single',
  events: per * ROUNDS,
  settings: { journal: 'WAL', synchronous: 'FULL', pageSize },
  ledgerPerSec: Math.round(ledgerPerSec),
  rawPerSec: Math.round(rawPerSec),
  ratio: round(ledgerPerSec / rawPerSec, 3),
  ratioPerRound: lr.map((x, k) => round(x / rr[k]!, 3)),
  target: 0.5,
  walPagesPerCommit: { ledger: ledgerPages.pages, raw: rawPages.pages, ledgerByBtree: ledgerPages.byBtree, rawByBtree: rawPages.byBtree },
  // Issue 16's one caller at a time (≥ 0.45× raw, no regression from the writer): alone, a call runs as it would without it.
  throughWriter: { perSec: Math.round(writerPerSec), ratio: round(writerPerSec / rawPerSec, 3), vsDirect: round(writerPerSec / ledgerPerSec, 3), target: 0.45 },
  rawAtLedgerPages: {
    extraIndexes: WIDE_INDEXES,
    walPagesPerCommit: widePages.pages,
    perSec: Math.round(widePerSec),
    ratioToRaw: round(widePerSec / rawPerSec, 3),
    ledgerRatio: round(ledgerPerSec / widePerSec, 3),
  },
});
