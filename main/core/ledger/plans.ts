/**
 * Plan changes take effect at a stated instant (default now). The rule for the
 * period in progress, per pool:
 *  - more credits per period than already granted this period: the difference
 *    is granted at once (source "upgrade"), expiring at the reset like the
 *    monthly grant;
 *  - fewer: nothing is taken back; the smaller allocation starts at the next reset;
 *  - to unlimited: usage is unlimited from the change on;
 *  - from unlimited to a number: the new allocation is granted at once.
 * Top-ups are never touched by a plan change.
 */
import { InputError } from '../util/errors.js';
import { mcToCredits } from '../util/credits.js';
import { iso, periodAt } from '../util/period.js';
import { getAccount, getPlan, planAt, resolveAmounts } from './accounts.js';
import { insertGrant } from './book.js';
import type { Ctx } from './context.js';
import { checkWriteTime } from './guards.js';
import { materialize } from './materialize.js';
import { monthlyGrantedFor } from './usage.js';

export interface PlanChangeResult {
  account: string;
  from: string;
  to: string;
  effectiveAt: string;
  granted: { pool: string; credits: number }[];
}

export function changePlan(ctx: Ctx, accountId: string, planId: string, opts: { at?: number; amounts?: Record<string, string> } = {}): PlanChangeResult {
  const acct = getAccount(ctx, accountId);
  const plan = getPlan(acct.provider, planId);
  const amounts = resolveAmounts(acct.provider, plan, opts.amounts);
  const t = opts.at ?? ctx.clock.now();
  return ctx.write(() => {
    checkWriteTime(ctx, acct, t);
    // Book everything before t under the old plan; a reset at exactly t belongs to the new one.
    materialize(ctx, acct, t - 1);
    const before = planAt(ctx, acct, t);
    const later = ctx.stmt('SELECT 1 FROM plan_changes WHERE account_id = ? AND effective_at > ?').get(acct.id, t);
    if (later) throw new InputError(`a later plan change is already recorded for ${acct.name}; plan changes must be dated in order`, 'at');
    if (before.plan.id === plan.id && JSON.stringify(before.amounts) === JSON.stringify(amounts)) {
      throw new InputError(`${acct.name} is already on ${plan.name}${Object.keys(opts.amounts ?? {}).length ? ' with those amounts' : ''}`, 'plan');
    }
    ctx.stmt('INSERT INTO plan_changes (account_id, plan, amounts_json, effective_at, recorded_at) VALUES (?, ?, ?, ?, ?)').run(acct.id, plan.id, JSON.stringify(amounts), t, ctx.clock.now());
    ctx.configChanged();
    materialize(ctx, acct, t);
    const period = periodAt(acct.rule, t);
    const granted: PlanChangeResult['granted'] = [];
    for (const pool of acct.provider.pools) {
      const next = amounts[pool.id]!;
      if (next === 'unlimited') continue;
      // At the reset instant the new period was just booked under the new plan. Mid-period,
      // leaving unlimited starts the allocation afresh: what was granted before unlimited began was spent under other rules.
      const atReset = period.start === t;
      const already = !atReset && before.amounts[pool.id] === 'unlimited' ? 0 : monthlyGrantedFor(ctx, acct.id, pool.id, period.start);
      if (next > already) {
        insertGrant(ctx, {
          accountId: acct.id,
          pool: pool.id,
          source: 'upgrade',
          amountMc: next - already,
          grantedAt: t,
          expiresAt: period.end,
          periodStart: period.start,
          note: `plan change ${before.plan.id} → ${plan.id}`,
        });
        granted.push({ pool: pool.id, credits: mcToCredits(next - already) });
      }
    }
    return { account: acct.id, from: before.plan.id, to: plan.id, effectiveAt: iso(t), granted };
  });
}
