/**
 * The opening entry (docs/ledger.md, "Opening entries"): an account added
 * mid-period has already used part of this period's credits, so the ledger
 * starts with what the service shows used. One usage event per pool of the
 * ledger's own action `opening` (quantity = credits), dated now or earlier in
 * the account's first period but never before the account was added, drawn
 * down like any usage — so pace, which runs from the period's start, is right
 * from day one. Once per pool (void it to record it again); never for a later
 * period, where usage the ledger missed is a reconciliation.
 */
import { InputError } from '../util/errors.js';
import { formatMc, mcToCredits, parseMilli } from '../util/credits.js';
import { iso, periodAt } from '../util/period.js';
import { assertPool, getAccount, planAt } from './accounts.js';
import { liveGrants } from './book.js';
import type { Ctx } from './context.js';
import { checkNotBefore, checkWriteTime } from './guards.js';
import { materialize } from './materialize.js';
import { bookUnratedUsage } from './unrated.js';

export const OPENING_ACTION = 'opening';

export interface OpeningResult {
  account: string;
  at: string;
  entries: { pool: string; credits: number; eventId: string }[];
}

/** Record what was already used this period, per pool ({pool: credits}); pools given 0 are skipped. */
export function recordOpening(ctx: Ctx, accountId: string, used: Record<string, string | number>, opts: { at?: number } = {}): OpeningResult {
  const acct = getAccount(ctx, accountId);
  const amounts: [string, number][] = [];
  for (const [pool, value] of Object.entries(used)) {
    assertPool(acct, pool);
    const mc = parseMilli(value, `used ${pool}`, { allowZero: true });
    if (mc > 0) amounts.push([pool, mc]);
  }
  if (amounts.length === 0) throw new InputError('give what is already used this period in at least one pool, e.g. credits=120', 'used');
  const t = opts.at ?? ctx.clock.now();
  return ctx.write(() => {
    checkWriteTime(ctx, acct, t);
    checkNotBefore(t, acct.createdAt, `${acct.name} was added`);
    const first = periodAt(acct.rule, acct.createdAt);
    if (periodAt(acct.rule, t).start !== first.start) {
      throw new InputError(
        `an opening entry belongs to ${acct.name}'s first period (${iso(first.start)} to ${iso(first.end)}); usage the ledger missed later is a reconciliation (creditdeck reconcile ${acct.id} POOL --used N)`,
        'at',
      );
    }
    materialize(ctx, acct, t, true);
    const entries: OpeningResult['entries'] = [];
    for (const [pool, mc] of amounts) {
      const prior = ctx
        .stmt('SELECT e.id, e.cost_mc FROM events e WHERE e.account_id = ? AND e.pool = ? AND e.action = ? AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = e.id)')
        .get(acct.id, pool, OPENING_ACTION) as { id: string; cost_mc: number } | undefined;
      if (prior) throw new InputError(`${acct.name} already has an opening entry of ${formatMc(prior.cost_mc)} for ${pool} (${prior.id}); void it first to record another`, 'used');
      const unlimited = planAt(ctx, acct, t).amounts[pool] === 'unlimited';
      const grants = unlimited ? [] : liveGrants(ctx, acct.id, pool, t);
      const left = grants.reduce((s, g) => s + g.remaining_mc, 0);
      if (!unlimited && mc > left) {
        throw new InputError(`${formatMc(mc)} used in ${pool} is more than the ${formatMc(left)} this period holds; add the top-ups you bought first, then record what is used`, 'used');
      }
      const seq = (ctx.stmt('SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM events').get() as { s: number }).s;
      const eventId = bookUnratedUsage(ctx, acct, { pool, action: OPENING_ACTION, amountMc: mc, t, key: `opening:${pool}:${seq}`, grants });
      entries.push({ pool, credits: mcToCredits(mc), eventId });
    }
    return { account: acct.id, at: iso(t), entries };
  });
}
