/**
 * `creditdeck check` over a ledger of BENCH_SIZE events, beside SQLite's own
 * `PRAGMA integrity_check` on the same file. The attribute rollup is caught up
 * first, so both rollups are compared with every event. Runs once each (they
 * read the whole file); on a private copy of the cached ledger.
 *
 *   BENCH_SIZE   events (default 1000000; cached in .bench/)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import { refreshAttrRollup } from '../../main/core/ledger/attr-rollup.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { CACHE, emit, log, num, round } from './common.js';
import { ledgerCopy, readAt } from './fill.js';

const N = num('BENCH_SIZE', 1_000_000);
const dir = mkdtempSync(join(CACHE, 'check-'));
try {
  const ctx = openLedger(ledgerCopy(N, dir), { clock: new ManualClock(readAt(N)) });
  let s = performance.now();
  refreshAttrRollup(ctx);
  const catchUpMs = performance.now() - s;
  const attrRows = (ctx.db.prepare('SELECT COUNT(*) AS n FROM attr_rollup').get() as { n: number }).n;
  s = performance.now();
  const integrity = ctx.db.pragma('integrity_check', { simple: true }) as string;
  const integrityMs = performance.now() - s;
  s = performance.now();
  const problems = checkInvariants(ctx);
  const invariantsMs = performance.now() - s;
  ctx.db.close();
  if (integrity !== 'ok' || problems.length) throw new Error(`the ledger does not check: ${integrity} ${problems.slice(0, 3).join('; ')}`);
  log(`  ${N.toLocaleString('en-US')} events: invariants ${(invariantsMs / 1000).toFixed(1)} s, integrity_check ${(integrityMs / 1000).toFixed(1)} s (attribute rollup caught up first: ${(catchUpMs / 1000).toFixed(1)} s, ${attrRows} rows)`);
  emit({
    section: 'check',
    events: N,
    invariantsMs: round(invariantsMs),
    integrityMs: round(integrityMs),
    // What `creditdeck check` runs: both.
    checkMs: round(invariantsMs + integrityMs),
    ratio: round((invariantsMs + integrityMs) / integrityMs, 2),
    attrCatchUpMs: round(catchUpMs),
    attrRollupRows: attrRows,
    target: 10,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
