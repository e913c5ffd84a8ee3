/**
 * What a plan change would do, before it is made: the change itself runs in a
 * transaction that is rolled back (dry-run.ts), so the preview is exactly what
 * Confirm will do — no second copy of the rule in plans.ts. Per pool: what is
 * available now, what the change grants (or lets expire) at once, what is
 * available right after, and the allocation each period from the next reset.
 */
import { mcToCredits } from '../util/credits.js';
import { iso, periodAt } from '../util/period.js';
import { getAccount, getPlan, planAt, resolveAmounts, type Allocation } from './accounts.js';
import { getBalance } from './balance.js';
import type { Ctx } from './context.js';
import { dryRun } from './dry-run.js';
import { changePlan } from './plans.js';

export interface PlanPreviewPool {
  pool: string;
  label: string;
  /** Credits available now (null: unlimited). */
  availableNow: number | null;
  /** Granted at the change, for the rest of this period. */
  grantedNow: number;
  /** The old allowance that expires at the change (leaving unlimited). */
  forfeitedNow: number;
  /** Credits available right after the change (null: unlimited). */
  availableAfter: number | null;
  /** Per period, on the current plan and on the new one from the next reset. */
  allocationNow: number | 'unlimited';
  allocationAtReset: number | 'unlimited';
}

export interface PlanPreview {
  account: string;
  from: string;
  fromName: string;
  to: string;
  toName: string;
  /** The account's name now and after the change (a default name follows the plan). */
  name: string;
  nameAfter: string;
  effectiveAt: string;
  nextReset: string;
  pools: PlanPreviewPool[];
}

const credits = (a: Allocation | undefined) => (a === undefined ? 0 : a === 'unlimited' ? 'unlimited' : mcToCredits(a));

export function previewPlanChange(ctx: Ctx, accountId: string, planId: string, opts: { at?: number; amounts?: Record<string, string> } = {}): PlanPreview {
  const acct = getAccount(ctx, accountId);
  const plan = getPlan(acct.provider, planId);
  const amounts = resolveAmounts(acct.provider, plan, opts.amounts);
  const t = opts.at ?? ctx.clock.now();
  const current = planAt(ctx, acct, t);
  const before = getBalance(ctx, acct.id, t);
  // The change dated at the preview's own instant, so the balance after it is read at the same moment (a live clock moves on between calls).
  const { change, after } = dryRun(ctx, () => ({ change: changePlan(ctx, acct.id, planId, { ...opts, at: t }), after: getBalance(ctx, acct.id, t) }));
  return {
    account: acct.id,
    from: current.plan.id,
    fromName: current.plan.name,
    to: plan.id,
    toName: plan.name,
    name: acct.name,
    nameAfter: change.name,
    effectiveAt: change.effectiveAt,
    nextReset: iso(periodAt(acct.rule, t).end),
    pools: acct.provider.pools.map((p) => ({
      pool: p.id,
      label: p.label,
      availableNow: before.pools.find((b) => b.pool === p.id)?.available ?? null,
      grantedNow: change.granted.filter((g) => g.pool === p.id).reduce((s, g) => s + g.credits, 0),
      forfeitedNow: change.forfeited.filter((g) => g.pool === p.id).reduce((s, g) => s + g.credits, 0),
      availableAfter: after.pools.find((b) => b.pool === p.id)?.available ?? null,
      allocationNow: credits(current.amounts[p.id]),
      allocationAtReset: credits(amounts[p.id]),
    })),
  };
}
