/**
 * A second process that keeps writing to a ledger file while the backup test
 * takes backups: usage every simulated minute, a top-up every 10th write, a
 * void every 25th. Prints a line every 50 writes and "done" at the end.
 * argv: <ledger file> <writes> <start instant ms>
 */
import { call } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';

const [path, n, start] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const clock = new ManualClock(start);
const ctx = openLedger(path, { clock, ids: seededIds(77) });
const events: string[] = [];
for (let i = 1; i <= n; i++) {
  clock.advance(60_000);
  if (i % 10 === 0) call(ctx, 'grants.add', { account: 'lux', pool: 'credits', amount: 5, source: 'bonus' });
  else if (i % 25 === 0 && events.length > 5) call(ctx, 'events.void', { event: events[events.length - 5]! });
  else events.push(call(ctx, 'usage.record', { account: i % 3 ? 'lux' : 'fluxnote', action: i % 3 ? 'email' : 'image', quantity: (i % 7) + 1, attrs: { run: `r${i % 4}` } }).eventId);
  if (i % 50 === 0) process.stdout.write(`${i}\n`);
}
ctx.db.close();
process.stdout.write('done\n');
