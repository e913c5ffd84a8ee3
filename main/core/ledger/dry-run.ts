/**
 * Would this write be allowed, and what would it do? The real write path runs
 * inside a transaction that is always rolled back, so the answer is the one
 * the write would get — no second copy of the rules — and nothing is kept:
 * no event, no refusal row, no alert, no booked reset. Used for usage
 * (agents.check) and for a plan change's preview (plan-preview.ts).
 */
import type { Ctx } from './context.js';
import { useInTx, type UseInput } from './usage.js';

class Rollback<T> extends Error {
  constructor(readonly outcome: T) {
    super('dry run');
  }
}

/** Run fn as a write and roll it back; its answer (or its error) is the answer. */
export function dryRun<T>(ctx: Ctx, fn: () => T): T {
  // A savepoint inside the write transaction: the rollback undoes only this probe even when a caller's transaction is open.
  const probe = ctx.db.transaction(() => {
    throw new Rollback(fn());
  });
  try {
    ctx.write(() => probe());
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
    return e.outcome as T;
  } finally {
    // Configuration read inside the rolled-back transaction must not be served from the cache afterwards.
    ctx.configChanged();
  }
  throw new Error('unreachable: the dry run always rolls back');
}

export function dryRunUsage(ctx: Ctx, input: Omit<UseInput, 'key' | 'at'>): ReturnType<typeof useInTx> {
  return dryRun(ctx, () => useInTx(ctx, input));
}
