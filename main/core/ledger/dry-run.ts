/**
 * Would this usage be allowed now? The real recording path (useInTx: rate
 * card, hourly limit, credits and holds, spending limits, the team's caps) run
 * inside a transaction that is always rolled back, so the answer is the one
 * the write would get — no second copy of the rules — and nothing is kept:
 * no event, no refusal row, no alert, no booked reset.
 */
import type { Ctx } from './context.js';
import { useInTx, type UseInput } from './usage.js';

type Outcome = ReturnType<typeof useInTx>;

class Rollback extends Error {
  constructor(readonly outcome: Outcome) {
    super('dry run');
  }
}

export function dryRunUsage(ctx: Ctx, input: Omit<UseInput, 'key' | 'at'>): Outcome {
  // A savepoint inside the write transaction: the rollback undoes only this probe even when a caller's transaction is open.
  const probe = ctx.db.transaction(() => {
    throw new Rollback(useInTx(ctx, input));
  });
  try {
    ctx.write(() => probe());
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
    return e.outcome;
  } finally {
    // Configuration read inside the rolled-back transaction must not be served from the cache afterwards.
    ctx.configChanged();
  }
  throw new Error('unreachable: the dry run always rolls back');
}
