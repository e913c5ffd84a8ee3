/**
 * Checks the bench's fast ledger builder against the real path: BENCH_VERIFY
 * events built both ways must match table by table, and the fast ledger must
 * pass checkInvariants. See fill.ts.
 */
import { emit, log, num } from './common.js';
import { verifyFill } from './fill.js';

const r = verifyFill(num('BENCH_VERIFY', 5000));
log(r.problems.length ? r.problems.slice(0, 10).join('\n') : `  ${r.events} events: identical in ${r.tablesCompared} tables; invariants hold`);
emit({ section: 'verify', ...r });
process.exitCode = r.problems.length ? 1 : 0;
