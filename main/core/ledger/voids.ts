/**
 * Corrections. Nothing is edited: voiding an event writes reversing entries
 * that return its credits to the grants they came from. A grant that has
 * expired since cannot take them back, so there the reversal is followed by an
 * expiry at the same instant: usage goes down, the balance does not come back.
 */
import { InputError } from '../util/errors.js';
import { mcToCredits } from '../util/credits.js';
import { iso, periodAt, startOfLocal } from '../util/period.js';
import { getAccount } from './accounts.js';
import { bumpCounter, bumpPeriodUsage, bumpRollup, noteDue, postEntry } from './book.js';
import { memberPoolScope } from './caps-hook.js';
import type { Ctx } from './context.js';
import { checkNotBefore, checkWriteTime } from './guards.js';
import { materialize } from './materialize.js';
import { seqOfEventId } from './usage.js';
import { cancelDebt, repaymentsOf } from './overdrafts.js';

export interface VoidResult {
  status: 'voided' | 'duplicate';
  eventId: string;
  account: string;
  at: string;
  returned: { grantId: string; credits: number; live: boolean }[];
}

export function voidEvent(ctx: Ctx, eventId: string, opts: { at?: number; reason?: string } = {}): VoidResult {
  if (typeof eventId !== 'string' || !eventId) throw new InputError('an event id is required', 'event');
  if (opts.reason !== undefined && opts.reason.length > 500) throw new InputError('--reason must be at most 500 characters', 'reason');
  return ctx.write(() => {
    const seq = seqOfEventId(eventId);
    // Fix: match the id exactly, not just its sequence number. "ev_01" parses to the same
    // seq as "ev_1"; the void was then recorded under the alias, so the event could be
    // voided twice (credits returned twice) and the voids row named no event.
    const e = (seq === null ? undefined : ctx.stmt('SELECT * FROM events WHERE seq = ? AND id = ?').get(seq, eventId)) as
      | { id: string; account_id: string; pool: string; action: string; at: number; quantity_milli: number; cost_mc: number; member: string | null; attrs: string | null; status: string; debits: string | null }
      | undefined;
    if (!e) throw new InputError(`event "${eventId}" was not found; \`creditdeck usage ACCOUNT --events\` lists event ids`, 'event');
    const acct = getAccount(ctx, e.account_id);
    const prior = ctx.stmt('SELECT at FROM voids WHERE event_id = ?').get(eventId) as { at: number } | undefined;
    if (prior) return { status: 'duplicate' as const, eventId, account: acct.id, at: iso(prior.at), returned: [] };
    const t = opts.at ?? ctx.clock.now();
    checkNotBefore(t, e.at, `its event ${e.id}`);
    checkWriteTime(ctx, acct, t);
    materialize(ctx, acct, t);
    // An overdrawn event's repayments return to the grants that made them; what it still owes is cancelled.
    const drawn = [...(e.debits ? (JSON.parse(e.debits) as [string, number][]) : []), ...repaymentsOf(ctx, eventId)];
    cancelDebt(ctx, eventId, t);
    const uses = drawn.map(([grantId, mc]) => ({
      grant_id: grantId,
      amount_mc: mc,
      expires_at: (ctx.stmt('SELECT expires_at FROM grants WHERE id = ?').get(grantId) as { expires_at: number | null }).expires_at,
    }));
    const returned: VoidResult['returned'] = [];
    for (const u of uses) {
      const live = u.expires_at === null || u.expires_at > t;
      postEntry(ctx, { accountId: acct.id, pool: e.pool, grantId: u.grant_id, kind: 'void', amountMc: u.amount_mc, at: t, eventId });
      if (!live) postEntry(ctx, { accountId: acct.id, pool: e.pool, grantId: u.grant_id, kind: 'expire', amountMc: u.amount_mc, at: t, eventId });
      // Fix: a grant emptied earlier was left out of next_due; now that it holds credits
      // again its expiry must be booked on time (else it stayed live on paper, refundable).
      else if (u.expires_at !== null) noteDue(ctx, acct.id, u.expires_at);
      returned.push({ grantId: u.grant_id, credits: mcToCredits(u.amount_mc), live });
    }
    if (e.cost_mc > 0) {
      const p = periodAt(acct.rule, e.at);
      bumpPeriodUsage(ctx, acct.id, e.pool, p.start, -e.cost_mc, -1);
      if (e.member) bumpCounter(ctx, acct.id, `member:${e.member}`, p.start, -e.cost_mc);
      // A team member's cap on the pool gets the credits back, where it is counting.
      const capScope = e.member ? memberPoolScope(e.member, e.pool) : null;
      if (capScope && ctx.stmt('SELECT 1 FROM spend_counters WHERE account_id = ? AND scope = ? AND bucket = ?').get(acct.id, capScope, p.start)) bumpCounter(ctx, acct.id, capScope, p.start, -e.cost_mc);
      if (e.attrs) {
        const day = startOfLocal(e.at, acct.zone, 'day');
        for (const [k, v] of Object.entries(JSON.parse(e.attrs) as Record<string, string>)) {
          const scope = `attr:${k}=${v}`;
          if (ctx.stmt('SELECT 1 FROM spend_counters WHERE account_id = ? AND scope = ? AND bucket = ?').get(acct.id, scope, day)) bumpCounter(ctx, acct.id, scope, day, -e.cost_mc);
        }
      }
      // The subject may be charged again by its next AI action.
      ctx.stmt('DELETE FROM dedupe_marks WHERE account_id = ? AND event_id = ?').run(acct.id, eventId);
    }
    bumpRollup(ctx, { accountId: acct.id, at: e.at, pool: e.pool, action: e.action, member: e.member, status: e.status, quantityMilli: e.quantity_milli, costMc: e.cost_mc }, -1);
    ctx.stmt('INSERT INTO voids (event_id, account_id, at, reason, recorded_at) VALUES (?, ?, ?, ?, ?)').run(eventId, acct.id, t, opts.reason ?? null, ctx.clock.now());
    return { status: 'voided' as const, eventId, account: acct.id, at: iso(t), returned };
  });
}
