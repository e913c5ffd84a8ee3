/**
 * The reconciliations' invariant (checkInvariants, `creditdeck check`): each
 * `reconciliations` row names a usage event of action `reconciliation` on the
 * same account and pool, costing exactly the difference it records, dated at
 * the same instant. Voiding that event later (a correction of the
 * correction) is allowed: the event itself stays.
 */
import type { Ctx } from './context.js';
import { RECONCILIATION_ACTION } from './reconcile.js';
import { seqOfEventId } from './usage.js';

export function reconciliationProblems(ctx: Ctx): string[] {
  const problems: string[] = [];
  const rows = ctx.stmt('SELECT id, account_id, pool, delta_mc, at, event_id FROM reconciliations').all() as { id: string; account_id: string; pool: string; delta_mc: number; at: number; event_id: string }[];
  const event = ctx.stmt('SELECT account_id, pool, action, cost_mc, at FROM events WHERE seq = ? AND id = ?');
  for (const r of rows) {
    const seq = seqOfEventId(r.event_id);
    const e = (seq === null ? undefined : event.get(seq, r.event_id)) as { account_id: string; pool: string; action: string; cost_mc: number; at: number } | undefined;
    if (!e) {
      problems.push(`reconciliation ${r.id}: its event ${r.event_id} does not exist`);
      continue;
    }
    if (e.account_id !== r.account_id || e.pool !== r.pool || e.action !== RECONCILIATION_ACTION || e.cost_mc !== r.delta_mc || e.at !== r.at) {
      problems.push(`reconciliation ${r.id}: event ${r.event_id} is ${e.account_id}/${e.pool} ${e.action} ${e.cost_mc} at ${e.at}, not ${r.account_id}/${r.pool} ${RECONCILIATION_ACTION} ${r.delta_mc} at ${r.at}`);
    }
  }
  return problems;
}
