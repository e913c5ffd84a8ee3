/**
 * Plan changes take effect at a stated instant (default now). The rule for the
 * period in progress, per pool (docs/ledger.md, "Plans", has the table):
 *  - the period's allowance is what its plan grants less what the allowance has
 *    served this period, counting usage while the pool was unlimited;
 *  - more credits per period than already granted this period: the allowance
 *    left becomes the new allocation less that usage (an "upgrade" grant,
 *    expiring at the reset like the monthly grant);
 *  - fewer: nothing is taken back; the smaller allocation starts at the next reset;
 *  - to unlimited: usage is unlimited from the change on;
 *  - from unlimited to a number: the allowance left becomes the new allocation
 *    less the period's usage, granted or expired at the change, so leaving
 *    unlimited and coming back never mints credits.
 * Top-ups are never touched by a plan change.
 */
import { InputError } from '../util/errors.js';
import { mcToCredits } from '../util/credits.js';
import { iso, periodAt } from '../util/period.js';
import { getAccount, getPlan, planAt, resolveAmounts } from './accounts.js';
import { insertGrant, postEntry } from './book.js';
import type { Ctx } from './context.js';
import { checkWriteTime } from './guards.js';
import { materialize } from './materialize.js';
import { checkPoolRoom } from './bounds.js';

export interface PlanChangeResult {
  account: string;
  from: string;
  to: string;
  effectiveAt: string;
  granted: { pool: string; credits: number }[];
  /** Allowance left from before an unlimited stretch that the period's usage had already used up. */
  forfeited: { pool: string; credits: number }[];
  /** The account's name after the change: a name that was the old plan's default ("FluxNote Rise") follows the plan. */
  name: string;
}

interface Allowance {
  /** What the period's allowance has served: drawn from its grants (net of voids) plus charged while unlimited. */
  used: number;
  /** What its grants still hold. */
  left: number;
  grants: { id: string; remaining_mc: number }[];
}

/** The period's allowance for a pool: its monthly, upgrade and rollover grants, and usage while the pool was unlimited. */
function allowanceOf(ctx: Ctx, accountId: string, pool: string, periodStart: number, periodEnd: number): Allowance {
  const grants = ctx
    .stmt(
      `SELECT g.id, b.remaining_mc, b.used_mc - b.voided_mc AS drawn FROM grants g JOIN grant_balances b ON b.grant_id = g.id
       WHERE g.account_id = ? AND g.pool = ? AND g.period_start = ? AND g.source IN ('monthly','upgrade','rollover')
       ORDER BY g.granted_at DESC, g.id DESC`,
    )
    .all(accountId, pool, periodStart) as { id: string; remaining_mc: number; drawn: number }[];
  // Usage on an unlimited pool is charged with no grant behind it (no debits); scanned only if the pool was unlimited this period.
  const changes = ctx.stmt('SELECT amounts_json, effective_at FROM plan_changes WHERE account_id = ? ORDER BY effective_at, id').all(accountId) as { amounts_json: string; effective_at: number }[];
  const wasUnlimited = changes.some((c, i) => {
    const until = changes[i + 1]?.effective_at ?? Infinity;
    // Inclusive: usage at the very start of the period may have been recorded under a plan that ended there.
    return until >= periodStart && c.effective_at < periodEnd && (JSON.parse(c.amounts_json) as Record<string, unknown>)[pool] === 'unlimited';
  });
  const whileUnlimited = wasUnlimited
    ? (
        ctx
          .stmt(
            `SELECT COALESCE(SUM(e.cost_mc), 0) AS c FROM events e
             WHERE e.account_id = ? AND e.pool = ? AND e.at >= ? AND e.at < ? AND e.cost_mc > 0 AND e.debits IS NULL
               AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = e.id)`,
          )
          .get(accountId, pool, periodStart, periodEnd) as { c: number }
      ).c
    : 0;
  return {
    used: grants.reduce((s, g) => s + g.drawn, 0) + whileUnlimited,
    left: grants.reduce((s, g) => s + g.remaining_mc, 0),
    grants: grants.filter((g) => g.remaining_mc > 0),
  };
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
    // A name the user never chose names the plan: it follows the change, so the tabs and titles say the plan in force. The id stays.
    const name = acct.name === `${acct.provider.name} ${before.plan.name}` ? `${acct.provider.name} ${plan.name}` : acct.name;
    if (name !== acct.name) ctx.stmt('UPDATE accounts SET name = ? WHERE id = ?').run(name, acct.id);
    ctx.configChanged();
    materialize(ctx, acct, t);
    const period = periodAt(acct.rule, t);
    const granted: PlanChangeResult['granted'] = [];
    const forfeited: PlanChangeResult['forfeited'] = [];
    for (const pool of acct.provider.pools) {
      const next = amounts[pool.id]!;
      if (next === 'unlimited') continue;
      checkPoolRoom(ctx, acct, pool.id, t, 0, next);
      // At a reset instant the period may already be booked under either plan: the same rule covers both.
      const leavingUnlimited = before.amounts[pool.id] === 'unlimited';
      const allowance = allowanceOf(ctx, acct.id, pool.id, period.start, period.end);
      const target = Math.max(0, next - allowance.used);
      const note = `plan change ${before.plan.id} → ${plan.id}`;
      if (target > allowance.left) {
        insertGrant(ctx, { accountId: acct.id, pool: pool.id, source: 'upgrade', amountMc: target - allowance.left, grantedAt: t, expiresAt: period.end, periodStart: period.start, note });
        granted.push({ pool: pool.id, credits: mcToCredits(target - allowance.left) });
      } else if (target < allowance.left && leavingUnlimited) {
        // A downgrade waits for the reset; leaving unlimited cannot, or the old allowance would sit beside the new one.
        let excess = allowance.left - target;
        forfeited.push({ pool: pool.id, credits: mcToCredits(excess) });
        for (const g of allowance.grants) {
          const take = Math.min(excess, g.remaining_mc);
          postEntry(ctx, { accountId: acct.id, pool: pool.id, grantId: g.id, kind: 'expire', amountMc: take, at: t });
          excess -= take;
          if (excess === 0) break;
        }
      }
    }
    return { account: acct.id, from: before.plan.id, to: plan.id, effectiveAt: iso(t), granted, forfeited, name };
  });
}
