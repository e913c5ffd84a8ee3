/**
 * Big ledgers for the read benchmarks, built fast and cached in .bench/.
 *
 * One Lux Enterprise account (anchor 2026-11-01, 1,000,000,000 credits a
 * period) with N usage events spread over its first period, recorded "now"
 * (no --at), five actions, an attribute. Event 0 goes through the real path
 * (useInTx: it books the period's monthly grant); events 1…N−1 are written
 * straight into the tables the real path writes — events, their 'use' entries,
 * the grant's summary row, the period usage row and the 15-minute rollup —
 * exactly as useInTx would. `verifyFill` checks that claim: it builds a small
 * ledger both ways and compares every table row by row, and runs the ledger's
 * own invariant check (checkInvariants) on the fast one.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { SCHEMA_VERSION } from '../../main/core/db/open.js';
import { getAccount } from '../../main/core/ledger/accounts.js';
import { ROLLUP_MS } from '../../main/core/ledger/book.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import { costOf, eventIdOf, getAction, useInTx, type UseInput } from '../../main/core/ledger/usage.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { periodAt } from '../../main/core/util/period.js';
import { CACHE, log } from './common.js';

/** Bump when the generated ledger changes: cached files of an older version are rebuilt. */
const FILL_VERSION = 1;
export const ACCOUNT = 'lux-enterprise';
export const PERIOD_START = Date.parse('2026-11-01T00:00:00Z');
const SPAN = 29 * 86_400_000;
const ACTIONS = ['ai:claude-haiku', 'ai:claude-sonnet', 'email', 'sms', 'voice-call'];

/** Event i of n: recorded at atOf(i, n) by the clock (no explicit time). */
export function eventOf(i: number): UseInput {
  return { account: ACCOUNT, action: ACTIONS[i % ACTIONS.length]!, quantity: 1 + (i % 3), key: `f${String(i).padStart(9, '0')}`, attrs: { flow: `flow-${i % 11}` } };
}
export const atOf = (i: number, n: number) => PERIOD_START + 60_000 + Math.floor((i * SPAN) / n);
/** "Now" for reading a ledger of n events: a minute after its last event, inside the period. */
export const readAt = (n: number) => atOf(n - 1, n) + 60_000;

function newLedger(path: string, clock: ManualClock): Ctx {
  const ctx = openLedger(path, { clock, ids: seededIds(2) });
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'enterprise', anchor: '2026-11-01', amounts: { credits: '1000000000' } });
  return ctx;
}

/** The same ledger through the real path, event by event (in 50k-event transactions). */
export function buildReal(path: string, n: number): Ctx {
  const clock = new ManualClock(PERIOD_START);
  const ctx = newLedger(path, clock);
  for (let done = 0; done < n; done += 50_000) {
    ctx.write(() => {
      for (let i = done; i < Math.min(n, done + 50_000); i++) {
        clock.set(atOf(i, n));
        const r = useInTx(ctx, eventOf(i));
        if (!('ok' in r)) throw new Error(`fill refused at ${i}: ${r.refused.message}`);
      }
    });
  }
  return ctx;
}

/** What usage.ts's fingerprint() computes for an event recorded now (no --at, no member, no hold). */
function fingerprintOf(action: string, quantityMilli: number, attrs: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify([action, quantityMilli, null, attrs, false, null, null])).digest('base64url').slice(0, 32);
}

/**
 * Event 0 through useInTx, the rest written directly; returns events per
 * second. `durable`: keep synchronous=FULL and the default cache, in `batch`-event
 * transactions (the import bench's "same rows, written in bulk" figure);
 * otherwise synchronous=OFF, a big cache, 100k-event transactions (a cache file:
 * rebuilt if a crash leaves it half made).
 */
export function buildFast(path: string, n: number, opts: { durable?: boolean; batch?: number } = {}): { ctx: Ctx; perSec: number } {
  const clock = new ManualClock(PERIOD_START);
  const ctx = newLedger(path, clock);
  const db = ctx.db;
  const t0 = performance.now();
  if (!opts.durable) {
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
  }
  clock.set(atOf(0, n));
  const first = ctx.write(() => useInTx(ctx, eventOf(0)));
  if (!('ok' in first) || first.ok.debits.length !== 1) throw new Error('fill: the first event did not draw on one grant');
  const grantId = first.ok.debits[0]!.grantId;
  const acct = getAccount(ctx, ACCOUNT);
  const period = periodAt(acct.rule, atOf(0, n));
  if (atOf(n - 1, n) >= period.end) throw new Error('fill: events past the period');
  const actions = new Map(ACTIONS.map((a) => [a, getAction(ctx, acct, a)]));
  for (const a of actions.values()) if (a.hourly_limit !== null || a.dedupe_group !== null || a.free) throw new Error(`fill: ${a.id} is not a plain charged action`);
  const fps = new Map<string, string>();
  const insEvent = db.prepare(
    `INSERT INTO events (seq, id, account_id, key, fingerprint, action, pool, quantity_milli, at, member, attrs, status, cost_mc, hold_id, covered_by, debits, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 'applied', ?, NULL, NULL, ?, ?)`,
  );
  const insEntry = db.prepare(`INSERT INTO entries (account_id, pool, grant_id, kind, amount_mc, at, event_id) VALUES (?, ?, ?, 'use', ?, ?, ?)`);
  const rollup = new Map<string, { bucket: number; action: string; events: number; q: number; c: number }>();
  let used = 0;
  const grantJson = JSON.stringify(grantId);
  const BATCH = opts.batch ?? 100_000;
  for (let done = 1; done < n; done += BATCH) {
    db.transaction(() => {
      for (let i = done; i < Math.min(n, done + BATCH); i++) {
        const e = eventOf(i);
        const a = actions.get(e.action)!;
        const q = Number(e.quantity) * 1000;
        const cost = costOf(a, q);
        if (cost <= 0) throw new Error('fill: zero-cost event');
        const at = atOf(i, n);
        const attrs = JSON.stringify(e.attrs);
        const fk = `${e.action}|${q}|${attrs}`;
        let fp = fps.get(fk);
        if (fp === undefined) fps.set(fk, (fp = fingerprintOf(e.action, q, e.attrs!)));
        const id = eventIdOf(i + 1);
        insEvent.run(i + 1, id, ACCOUNT, e.key, fp, e.action, a.pool, q, at, attrs, cost, `[[${grantJson},${cost}]]`, at);
        insEntry.run(ACCOUNT, a.pool, grantId, cost, at, id);
        used += cost;
        const bucket = at - (at % ROLLUP_MS);
        const rk = `${bucket}|${e.action}`;
        const r = rollup.get(rk);
        if (r) {
          r.events++;
          r.q += q;
          r.c += cost;
        } else rollup.set(rk, { bucket, action: e.action, events: 1, q, c: cost });
      }
    })();
    if ((done - 1) % 1_000_000 === 0 && done > 1) log(`  filled ${(done - 1).toLocaleString('en-US')} events…`);
  }
  db.transaction(() => {
    db.prepare('UPDATE grant_balances SET remaining_mc = remaining_mc - ?, used_mc = used_mc + ? WHERE grant_id = ?').run(used, used, grantId);
    db.prepare(`UPDATE period_usage SET used_mc = used_mc + ?, events = events + ? WHERE account_id = ? AND pool = 'credits' AND period_start = ?`).run(used, n - 1, ACCOUNT, period.start);
    const up = db.prepare(
      `INSERT INTO usage_rollup (account_id, bucket, pool, action, member, status, events, quantity_milli, cost_mc) VALUES (?, ?, 'credits', ?, '', 'applied', ?, ?, ?)
       ON CONFLICT (account_id, bucket, pool, action, member, status) DO UPDATE SET
         events = events + excluded.events, quantity_milli = quantity_milli + excluded.quantity_milli, cost_mc = cost_mc + excluded.cost_mc`,
    );
    for (const r of rollup.values()) up.run(ACCOUNT, r.bucket, r.action, r.events, r.q, r.c);
    // Thresholds are 50/80/100 % of the allocation: this fill must cross none (no alert rows to write).
    const alloc = (db.prepare('SELECT amount_mc FROM grants WHERE id = ?').get(grantId) as { amount_mc: number }).amount_mc;
    if ((used + first.ok.credits * 1000) * 2 >= alloc) throw new Error('fill: usage would cross an alert threshold');
  })();
  const perSec = n / ((performance.now() - t0) / 1000);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('synchronous = FULL');
  return { ctx, perSec };
}

/** The cached ledger of n events, built if missing. */
export function cachedLedger(n: number): { path: string; built: boolean; buildPerSec: number | null } {
  const path = join(CACHE, `ledger-${n}-v${FILL_VERSION}-s${SCHEMA_VERSION}.sqlite`);
  if (existsSync(path)) return { path, built: false, buildPerSec: null };
  log(`  building ${n.toLocaleString('en-US')}-event ledger → ${path}`);
  const tmp = `${path}.tmp-${process.pid}`;
  const { ctx, perSec } = buildFast(tmp, n);
  ctx.db.pragma('journal_mode = DELETE');
  ctx.db.close();
  rmSync(`${tmp}-wal`, { force: true });
  rmSync(`${tmp}-shm`, { force: true });
  renameSync(tmp, path);
  log(`  built at ${Math.round(perSec).toLocaleString('en-US')} events/s`);
  return { path, built: true, buildPerSec: perSec };
}

/** A private copy of the cached ledger of n events (a section that writes, or catches up a rollup, leaves the cache as built). */
export function ledgerCopy(n: number, dir: string): string {
  const to = join(dir, `ledger-${n}.sqlite`);
  copyFileSync(cachedLedger(n).path, to);
  return to;
}

const TABLES: [string, string][] = [
  ['events', 'seq'],
  ['entries', 'id'],
  ['grants', 'id'],
  ['grant_balances', 'grant_id'],
  ['period_usage', 'account_id, pool, period_start'],
  ['usage_rollup', 'account_id, bucket, pool, action, member, status'],
  ['alerts', 'id'],
  ['refusals', 'id'],
  ['spend_counters', 'account_id, scope, bucket'],
  ['account_state', 'account_id'],
];

/** Build n events both ways; every table must match row for row, and the fast one must pass checkInvariants. */
export function verifyFill(n: number): { events: number; tablesCompared: number; problems: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-bench-verify-'));
  try {
    const fast = buildFast(join(dir, 'fast.sqlite'), n).ctx;
    const real = buildReal(join(dir, 'real.sqlite'), n);
    const problems = checkInvariants(fast).map((p) => `invariant: ${p}`);
    for (const [t, order] of TABLES) {
      const a = fast.db.prepare(`SELECT * FROM ${t} ORDER BY ${order}`).all();
      const b = real.db.prepare(`SELECT * FROM ${t} ORDER BY ${order}`).all();
      if (a.length !== b.length) problems.push(`${t}: ${a.length} rows fast, ${b.length} real`);
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) {
          problems.push(`${t} row ${i}: fast ${JSON.stringify(a[i]).slice(0, 300)} ≠ real ${JSON.stringify(b[i]).slice(0, 300)}`);
          break;
        }
      }
    }
    if ((fast.db.prepare('SELECT COUNT(*) AS c FROM events').get() as { c: number }).c !== n) problems.push('event count');
    fast.db.close();
    real.db.close();
    return { events: n, tablesCompared: TABLES.length, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

