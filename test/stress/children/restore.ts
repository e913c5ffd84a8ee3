/**
 * A restore of an export into a new ledger, killed by the test while it is in
 * the middle (test/stress/restore-crash.test.ts): the export is a named pipe
 * the test writes part of, so the restore waits for the rest inside its
 * transaction. A tiny page cache makes it write pages into the file early.
 */
import { openLedger } from '../../../main/core/api/open.js';
import { restoreExport } from '../../../main/core/ledger/backup.js';

const [from, to] = process.argv.slice(2) as [string, string];
const ctx = openLedger(to);
ctx.db.pragma('cache_size = 8');
process.stdout.write('opened\n');
restoreExport(ctx, from);
process.stdout.write('restored\n');
