/**
 * Recording usage: one event, its cost from the rate card, checks against
 * limits and balance, and a draw-down that writes one entry per grant it
 * touches — all in one transaction, so it lands whole or not at all.
 */
import { hash } from 'node:crypto';
import { InputError, RefusedError, type RefusalReason } from '../util/errors.js';
import { MAX_MC, creditsText, formatMc, mcToCredits, mulDivCeil, parseMilli } from '../util/credits.js';
import { iso, periodAt, startOfLocal } from '../util/period.js';
import { getAccount, planAt, type Account } from './accounts.js';
import { ACCOUNT_WIDE, checkPoolAlerts, checkSpendAlerts, recordAlert, type Alert } from './alerts.js';
import { bumpCounter, bumpPeriodUsage, bumpRollup, counter, heldAt, liveGrants, postEntry } from './book.js';
import type { Ctx } from './context.js';
import { checkAttrs, checkKey, checkMember, checkNotBefore, checkWriteTime, firstDifference, FUTURE_SKEW_MS, keyReuseError } from './guards.js';
import { materialize } from './materialize.js';
import { checkPeriodRoom } from './bounds.js';
import { recordRefusal } from './refusals.js';
import type { CapsHook } from './caps-hook.js';
import type { UsageBatch } from './usage-batch.js';
import { overdrawnAt, recordOverdraft } from './overdrafts.js';
import { expiredAt, lateness, recordLateDraw } from './late.js';

export interface UseInput {
  account: string;
  action: string;
  quantity?: string | number;
  at?: number;
  key?: string;
  member?: string;
  attrs?: Record<string, string>;
  byoKey?: boolean;
  holdId?: string;
  /** Caps checked for someone else (a team's member and token caps), in this transaction. */
  caps?: CapsHook;
  /**
   * Recorded on a member's machine and pushed (team.push only, never from a
   * caller's input): a fact, so a pool that cannot cover it is overdrawn
   * rather than refused, and an entry dated in a period that has since reset
   * is booked there within the grace window (docs/team.md).
   */
  offline?: boolean;
  /**
   * Stamped by a member's clock and pushed (team.push only): the host's clock
   * decides time (docs/team.md). Resets up to the host's now are booked before
   * the entry is judged, and an entry dated after the host's now (a member's
   * clock running up to FUTURE_SKEW_MS fast) is booked at the host's now.
   */
  memberClock?: boolean;
}

export type UseStatus = 'applied' | 'free' | 'bypassed' | 'covered' | 'duplicate';

export interface Debit {
  pool: string;
  grantId: string;
  source: string;
  credits: number;
}

export interface UseResult {
  status: UseStatus;
  /** For a duplicate: what the first attempt did. */
  originalStatus?: Exclude<UseStatus, 'duplicate'>;
  eventId: string;
  key: string;
  account: string;
  action: string;
  pool: string;
  at: string;
  credits: number;
  debits: Debit[];
  coveredBy?: string;
  /** Credits the pool lacked: a debt on it, repaid by the next grant (offline entries only). */
  overdrawn?: number;
  /** A late entry: the reset that closed its period, and what it drew from the credits that expired there. */
  late?: { reset: string; fromExpired: number };
  alerts: Alert[];
}

export interface ActionRow {
  account_id: string;
  id: string;
  label: string;
  pool: string;
  cost_mc: number | null;
  per: number;
  unit: string;
  free: number;
  dedupe_group: string | null;
  dedupe_attr: string | null;
  hourly_limit: number | null;
  note: string | null;
  whole_units: number;
}

export function getAction(ctx: Ctx, acct: Account, action: string): ActionRow {
  if (typeof action !== 'string' || !action) throw new InputError('an action is required', 'action');
  const row = ctx.config(`action:${acct.id}:${action}`, () => ctx.stmt('SELECT * FROM actions WHERE account_id = ? AND id = ?').get(acct.id, action) as ActionRow | undefined);
  if (!row) {
    const known = (ctx.stmt('SELECT id FROM actions WHERE account_id = ? ORDER BY id').all(acct.id) as { id: string }[]).map((r) => r.id);
    throw new InputError(
      `unknown action "${action.slice(0, 60)}" on ${acct.name}; its actions are ${known.join(', ') || '(none yet)'} — add one with \`creditdeck action set ${acct.id} ACTION --pool P --cost C\``,
      'action',
    );
  }
  return row;
}

/** Assets are counted whole (FluxNote: "no fractional credits"; Fluximage: one image, one credit). */
export function checkWholeUnits(action: ActionRow, quantityMilli: number): void {
  if (action.whole_units === 1 && quantityMilli % 1000 !== 0) {
    throw new InputError(`${action.id} is counted in whole ${action.unit}s: the quantity must be a whole number (got ${formatMc(quantityMilli)})`, 'quantity');
  }
}

const HOUR_MS = 3_600_000;

/**
 * The sliding hour holds at most `limit` calls, an event counting as many calls
 * as its quantity. Refused: when these calls would pass (once enough of the
 * window's calls are an hour old), or, for more calls than the limit itself,
 * when a single call passes next.
 */
function rateLimitRefusal(ctx: Ctx, accountId: string, action: string, limit: number, quantityMilli: number, t: number): { message: string; details: Record<string, unknown> } | null {
  const limitMilli = limit * 1000;
  const inWindow = (
    ctx.stmt('SELECT COALESCE(SUM(quantity_milli), 0) AS q FROM events INDEXED BY events_by_time WHERE account_id = ? AND at > ? AND at <= ? AND action = ?').get(accountId, t - HOUR_MS, t, action) as {
      q: number;
    }
  ).q;
  if (inWindow + quantityMilli <= limitMilli) return null;
  const fits = quantityMilli <= limitMilli;
  const need = fits ? quantityMilli : Math.min(quantityMilli, 1000);
  // Walk the window oldest first: the calls pass an hour after the event whose ageing-out makes room.
  const rows = ctx
    .stmt('SELECT at, quantity_milli AS q FROM events INDEXED BY events_by_time WHERE account_id = ? AND at > ? AND at <= ? AND action = ? ORDER BY at, seq')
    .iterate(accountId, t - HOUR_MS, t, action) as Iterable<{ at: number; q: number }>;
  let left = inWindow;
  let retryAt = t;
  for (const r of rows) {
    if (left + need <= limitMilli) break;
    left -= r.q;
    retryAt = r.at + HOUR_MS;
  }
  const calls = formatMc(quantityMilli);
  const message = fits
    ? `${action} is limited to ${limit} calls per hour and ${formatMc(inWindow)} were made in the last hour; the next ${calls === '1' ? 'call' : `${calls} calls`} will pass at ${iso(retryAt)}`
    : `${action} is limited to ${limit} calls per hour, so ${calls} calls can never pass at once: split the batch (${retryAt <= t ? 'a single call passes now' : `the next single call passes at ${iso(retryAt)}`})`;
  return { message, details: { limit, calls: mcToCredits(quantityMilli), inWindow: mcToCredits(inWindow), retryAt: iso(retryAt) } };
}

/** Event ids are "ev_" + the event's sequence number in base 36. */
export function eventIdOf(seq: number): string {
  return `ev_${seq.toString(36)}`;
}

/** The sequence number behind an event id, or null if it is not one. */
export function seqOfEventId(id: string): number | null {
  const m = /^ev_([0-9a-z]{1,11})$/.exec(id);
  return m ? parseInt(m[1]!, 36) : null;
}

/** Cost of `quantityMilli` thousandths of a unit: ceil(q × cost / per), exact, never under-charged. */
export function costOf(action: ActionRow, quantityMilli: number): number {
  if (action.free) return 0;
  if (action.cost_mc === null) throw new InputError(`action ${action.id} has no cost yet: the provider's docs do not give one. Set it with \`creditdeck action set ${action.account_id} ${action.id} --cost C\``, 'action');
  const cost = mulDivCeil(quantityMilli, action.cost_mc, action.per * 1000);
  // Fix: quantity and cost are each capped at MAX_MC, but their product is not; an
  // event costing more than MAX_MC is not a safe integer and crashed the insert
  // (SqliteError on an unlimited pool). Refuse it as input instead.
  if (cost > MAX_MC) throw new InputError(`quantity ${formatMc(quantityMilli)} of ${action.id} would cost more than ${formatMc(MAX_MC)} credits, the most one event can cost`, 'quantity');
  return cost;
}

/** What a keyed replay is compared by: the request's fields, hashed (one-shot hash: a third of createHash's cost per event). */
export function fingerprint(parts: unknown[]): string {
  return fingerprintOfJson(JSON.stringify(parts));
}

/** fingerprint() of parts already written as JSON (the import writes them without an array per line). */
export function fingerprintOfJson(json: string): string {
  return hash('sha256', json, 'base64url').slice(0, 32);
}

interface EventRow {
  id: string;
  key: string;
  fingerprint: string;
  action: string;
  pool: string;
  quantity_milli: number;
  member: string | null;
  attrs: string | null;
  hold_id: string | null;
  at: number;
  status: Exclude<UseStatus, 'duplicate'>;
  cost_mc: number;
  covered_by: string | null;
  debits: string | null;
}

interface Refusal {
  reason: RefusalReason;
  message: string;
  details: Record<string, unknown>;
}

type Outcome = { ok: UseResult } | { refused: Refusal & { refusalId: number } };

/** `batch`: a team push's entries, recorded with their state in memory where they are plain (usage-batch.ts); the same answers and rows. */
export function recordUsage(ctx: Ctx, input: UseInput, batch?: UsageBatch): UseResult {
  const outcome = ctx.write((): Outcome => (batch ? batch.outcome(input) : useInTx(ctx, input)));
  if ('refused' in outcome) {
    const r = outcome.refused;
    throw new RefusedError(r.message, r.reason, { ...r.details, refusalId: r.refusalId });
  }
  return outcome.ok;
}

/**
 * When a usage entry is dated. A member's entry (memberClock) is judged on the
 * host's clock: the account's resets up to the host's now are booked first, so
 * whether it is late follows the host's clock, not whether anything else was
 * written since; and one stamped after the host's now is booked at the host's
 * now (the team audit row keeps the time the member sent).
 */
function hostTime(ctx: Ctx, acct: Account, input: UseInput): number {
  const now = ctx.clock.now();
  const t = input.at ?? now;
  if (input.memberClock !== true || acct.archivedAt !== null || t > now + FUTURE_SKEW_MS) return t; // checkWriteTime refuses these
  materialize(ctx, acct, now, true);
  return Math.min(t, now);
}

/** The body of recordUsage, for callers that batch several events in one transaction (import). */
export function useInTx(ctx: Ctx, input: UseInput): Outcome {
  const acct = getAccount(ctx, input.account);
  const quantityMilli = input.quantity === undefined ? 1000 : parseMilli(input.quantity, 'quantity');
  const attrs = checkAttrs(input.attrs);
  const member = checkMember(ctx, acct, input.member);
  const byo = input.byoKey === true;
  const holdId = input.holdId ?? null;
  const fp = fingerprint([input.action, quantityMilli, member, attrs, byo, input.at ?? null, holdId]);
  const key = input.key === undefined ? ctx.ids.next('key') : checkKey(input.key);

  const prior = ctx
    .stmt('SELECT id, key, fingerprint, action, pool, quantity_milli, member, attrs, hold_id, at, status, cost_mc, covered_by, debits FROM events WHERE account_id = ? AND key = ?')
    .get(acct.id, key) as EventRow | undefined;
  if (prior) {
    const differs = firstDifference([
      ['action', prior.action, input.action],
      ['quantity', prior.quantity_milli, quantityMilli],
      ['member', prior.member, member],
      ['attributes', prior.attrs, Object.keys(attrs).length ? JSON.stringify(attrs) : null],
      ['--byo-key', prior.status === 'bypassed', byo],
      ['hold', prior.hold_id, holdId],
      // A member's entry booked at the host's now is recorded under another time than it was sent with: its fingerprint holds the one sent.
      ['time (--at)', prior.at, input.memberClock === true && prior.fingerprint === fp ? undefined : input.at],
    ]);
    if (differs) throw keyReuseError(key, differs, prior.id);
    return { ok: duplicateResult(ctx, acct, prior) };
  }

  const action = getAction(ctx, acct, input.action);
  checkWholeUnits(action, quantityMilli);
  const t = hostTime(ctx, acct, input);
  // Pushed from a member's machine and dated before the last reset: judged against its grace window below.
  const late = input.offline === true ? lateness(ctx, acct, t) : null;
  checkWriteTime(ctx, acct, late === null ? t : late.open);
  if (late !== null && holdId !== null) throw new InputError(`a late entry cannot capture a hold: ${iso(t)} is before the reset at ${iso(late.reset)}`, 'hold');
  if (holdId !== null) {
    const placed = ctx.stmt('SELECT created_at FROM holds WHERE id = ? AND account_id = ?').get(holdId, acct.id) as { created_at: number } | undefined;
    if (placed) checkNotBefore(t, placed.created_at, `its hold ${holdId} was placed`);
  }
  // Book resets up to the event's own time only: backfilled usage still lands in its open period.
  // A late entry draws on today's grants too: those are booked up to now.
  if (late !== null) materialize(ctx, acct, ctx.clock.now());
  else materialize(ctx, acct, t, true);

  const pool = action.pool;
  const period = periodAt(acct.rule, t);
  const plan = planAt(ctx, acct, t);
  const alloc = plan.amounts[pool];
  const unlimited = alloc === 'unlimited';
  const now = ctx.clock.now();
  const refuse = (reason: RefusalReason, message: string, details: Record<string, unknown> = {}): Outcome => {
    const refusalId = recordRefusal(ctx, { accountId: acct.id, key: input.key ?? null, action: action.id, pool, quantityMilli, at: t, member, attrs, reason, message, details });
    // Work stopped: worth a notification (Lux: "flows pause … you receive notification"), once per period.
    if (reason === 'insufficient_credits') {
      const credits = pool === 'credits' ? 'credits' : `${pool} credits`;
      const left = Number(details.available ?? 0);
      const what = left === 0 ? `out of ${credits}` : `not enough ${credits} for ${action.id} (${left} left)`;
      recordAlert(ctx, acct, pool, period.start, 'exhausted', 100, t, `${acct.name}: ${what} — ${acct.provider.onEmpty}`);
    }
    // A spending limit stops work too (Lux: "Set monthly credit limit … flows pause … you receive notification").
    const limit = creditsText(Math.round(Number(details.limit ?? 0) * 1000), { group: true });
    if (reason === 'account_limit') recordAlert(ctx, acct, ACCOUNT_WIDE, period.start, 'limit', 100, t, `${acct.name}: monthly spending limit of ${limit} reached — work is refused until the reset or a higher limit`);
    if (reason === 'member_limit' && member !== null) {
      recordAlert(ctx, acct, ACCOUNT_WIDE, period.start, 'limit', 100, t, `${acct.name}: ${member}'s monthly spending limit of ${limit} reached — their work is refused until the reset or a higher limit`, member);
    }
    return { refused: { reason, message, details, refusalId } };
  };
  if (late !== null && now > late.until) {
    return refuse(
      'late_entry',
      `${action.id} dated ${iso(t)} arrived at ${iso(now)}, after ${acct.name}'s grace window for that period: it reset at ${iso(late.reset)} and late entries are taken for ${late.graceHours} hours after a reset (until ${iso(late.until)})`,
      { reset: iso(late.reset), until: iso(late.until), graceHours: late.graceHours },
    );
  }

  // A bad hold is bad input, found before any ledger rule is applied.
  let hold: { outstanding_mc: number } | undefined;
  if (holdId !== null) {
    hold = ctx.stmt(`SELECT outstanding_mc FROM hold_balances WHERE hold_id = ? AND account_id = ? AND pool = ? AND status = 'open' AND expires_at > ?`).get(holdId, acct.id, pool, t) as
      | { outstanding_mc: number }
      | undefined;
    if (!hold) throw new InputError(`hold ${holdId} is not an open hold on ${acct.id}'s ${pool} pool (it may have been released or expired)`, 'hold');
  }
  // Hourly rate limits apply per action even with credits left (Flux); an event of quantity q is q calls.
  if (action.hourly_limit !== null) {
    const blocked = rateLimitRefusal(ctx, acct.id, action.id, action.hourly_limit, quantityMilli, t);
    if (blocked) return refuse('rate_limit', blocked.message, blocked.details);
  }

  let status: Exclude<UseStatus, 'duplicate'> = 'applied';
  let cost = 0;
  let coveredBy: string | null = null;
  let dedupeSubject: string | null = null;
  if (byo) status = 'bypassed';
  else if (action.free) status = 'free';
  else {
    cost = costOf(action, quantityMilli);
    if (action.dedupe_group && action.dedupe_attr && attrs[action.dedupe_attr] !== undefined) {
      dedupeSubject = attrs[action.dedupe_attr]!;
      const mark = ctx
        .stmt('SELECT event_id FROM dedupe_marks WHERE account_id = ? AND grp = ? AND subject = ? AND period_start = ?')
        .get(acct.id, action.dedupe_group, dedupeSubject, period.start) as { event_id: string } | undefined;
      if (mark) {
        status = 'covered';
        coveredBy = mark.event_id;
        cost = 0;
      }
    }
  }



  // One precedence rule (docs/team.md): the pool's credits, then the account's
  // spending limits, then the caps checked for the team — the first crossed refuses.
  let remainingBefore = 0;
  let grants: ReturnType<typeof liveGrants> = [];
  // A late entry draws first on what expired at the reset closing its period, then on the grants live now.
  let expired: ReturnType<typeof expiredAt> = [];
  let debt = 0;
  const drawAt = late === null ? t : now;
  if (cost > 0 && !unlimited) {
    grants = liveGrants(ctx, acct.id, pool, drawAt);
    for (const g of grants) remainingBefore += g.remaining_mc;
    if (late !== null) expired = expiredAt(ctx, acct.id, pool, late.reset);
    const fromExpired = expired.reduce((s, e) => s + e.mc, 0);
    const held = heldAt(ctx, acct.id, pool, drawAt, holdId);
    const available = fromExpired + remainingBefore - held;
    // Usage recorded on a member's machine happened: what the pool lacks becomes its debt (overdrafts.ts).
    if (cost > available && input.offline === true) debt = cost - Math.max(0, available);
    else if (cost > available) {
      return refuse(
        'insufficient_credits',
        `not enough ${pool === 'credits' ? '' : pool + ' '}credits on ${acct.name}: ${action.id} costs ${formatMc(cost)}, ${formatMc(Math.max(0, available))} available${held ? ` (${formatMc(held)} held)` : ''} — ${acct.provider.onEmpty}. Next reset ${iso(period.end)}`,
        { cost: mcToCredits(cost), available: mcToCredits(Math.max(0, available)), held: mcToCredits(held), nextReset: iso(period.end) },
      );
    }
  }

  // The account's spend this period, read only where a spending limit needs it.
  let accountSpent = 0;
  if (cost > 0) {
    // Spending limits: account and member per period, attribute values per local day.
    if (acct.monthlyLimitMc !== null) {
      const spent = (ctx.stmt('SELECT COALESCE(SUM(used_mc), 0) AS s FROM period_usage WHERE account_id = ? AND period_start = ?').get(acct.id, period.start) as { s: number }).s;
      accountSpent = spent;
      if (spent + cost > acct.monthlyLimitMc) {
        return refuse('account_limit', `${acct.name}'s monthly spending limit of ${creditsText(acct.monthlyLimitMc)} would be exceeded (${formatMc(spent)} spent, this costs ${formatMc(cost)}); it resets at ${iso(period.end)}`, {
          limit: mcToCredits(acct.monthlyLimitMc),
          spent: mcToCredits(spent),
          resetsAt: iso(period.end),
        });
      }
    }
    if (member !== null) {
      const lim = ctx.stmt('SELECT monthly_limit_mc FROM members WHERE account_id = ? AND id = ?').get(acct.id, member) as { monthly_limit_mc: number | null };
      if (lim.monthly_limit_mc !== null) {
        const spent = counter(ctx, acct.id, `member:${member}`, period.start);
        if (spent + cost > lim.monthly_limit_mc) {
          return refuse('member_limit', `${member}'s monthly limit of ${creditsText(lim.monthly_limit_mc)} would be exceeded (${formatMc(spent)} spent); it resets at ${iso(period.end)}`, {
            member,
            limit: mcToCredits(lim.monthly_limit_mc),
            spent: mcToCredits(spent),
            resetsAt: iso(period.end),
          });
        }
      }
    }
    const daily = dailyLimitsFor(ctx, acct.id, attrs);
    if (daily.length) {
      const day = startOfLocal(t, acct.zone, 'day');
      for (const d of daily) {
        const spent = counter(ctx, acct.id, d.scope, day);
        if (spent + cost > d.limit_mc) {
          const nextDay = startOfLocal(day + 36 * 3_600_000, acct.zone, 'day');
          return refuse('daily_limit', `daily limit for ${d.attr}=${d.value} is ${creditsText(d.limit_mc)} and ${formatMc(spent)} are spent today; it resets at ${iso(nextDay)}`, {
            attr: d.attr,
            value: d.value,
            limit: mcToCredits(d.limit_mc),
            spent: mcToCredits(spent),
            retryAt: iso(nextDay),
          });
        }
      }
    }
  }

  const capCheck = { account: acct, pool, member, cost, periodStart: period.start, periodEnd: period.end, t };
  if (cost > 0 && input.caps) {
    const capped = input.caps.check(capCheck);
    if (capped) return refuse(capped.reason, capped.message, capped.details);
  }

  const seq = (ctx.stmt('SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM events').get() as { s: number }).s;
  const eventId = eventIdOf(seq);
  const debits: Debit[] = [];
  const moves: [string, number][] = [];
  let drewExpired = 0;
  if (cost > 0 && !unlimited) {
    let left = cost - debt;
    for (const x of expired) {
      if (left === 0) break;
      const take = Math.min(left, x.mc);
      recordLateDraw(ctx, eventId, x.grantId, take, t);
      drewExpired += take;
      left -= take;
    }
    for (const g of grants) {
      if (left === 0) break;
      const take = Math.min(left, g.remaining_mc);
      postEntry(ctx, { accountId: acct.id, pool, grantId: g.id, kind: 'use', amountMc: take, at: drawAt, eventId });
      debits.push({ pool, grantId: g.id, source: g.source, credits: mcToCredits(take) });
      moves.push([g.id, take]);
      left -= take;
    }
  } else if (cost > 0) {
    debits.push({ pool, grantId: '', source: 'unlimited', credits: mcToCredits(cost) });
  }

  ctx
    .stmt(
      `INSERT INTO events (seq, id, account_id, key, fingerprint, action, pool, quantity_milli, at, member, attrs, status, cost_mc, hold_id, covered_by, debits, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      seq,
      eventId,
      acct.id,
      key,
      fp,
      action.id,
      pool,
      quantityMilli,
      t,
      member,
      Object.keys(attrs).length ? JSON.stringify(attrs) : null,
      status,
      cost,
      holdId,
      coveredBy,
      moves.length ? JSON.stringify(moves) : null,
      now,
    );

  bumpRollup(ctx, { accountId: acct.id, at: t, pool, action: action.id, member, status, quantityMilli, costMc: cost }, 1);
  const alerts: Alert[] = [];
  if (debt > 0) {
    recordOverdraft(ctx, { accountId: acct.id, pool, eventId, member, amountMc: debt, at: t });
    const alert = overdraftAlert(ctx, acct, pool, member, debt, action.id, t);
    if (alert) alerts.push(alert);
  }
  if (cost > 0) {
    const usedBefore = bumpPeriodUsage(ctx, acct.id, pool, period.start, cost, 1) - cost;
    checkPeriodRoom(ctx, acct, period.start, usedBefore + cost);
    if (member !== null) bumpCounter(ctx, acct.id, `member:${member}`, period.start, cost);
    input.caps?.booked({ ...capCheck, eventId });
    const daily = dailyLimitsFor(ctx, acct.id, attrs);
    if (daily.length) {
      const day = startOfLocal(t, acct.zone, 'day');
      for (const scope of new Set(daily.map((d) => d.scope))) bumpCounter(ctx, acct.id, scope, day, cost);
    }
    if (dedupeSubject !== null && action.dedupe_group) {
      ctx.stmt('INSERT INTO dedupe_marks (account_id, grp, subject, period_start, event_id) VALUES (?, ?, ?, ?, ?)').run(acct.id, action.dedupe_group, dedupeSubject, period.start, eventId);
    }
    if (hold && holdId !== null) {
      const captured = Math.min(cost, hold.outstanding_mc);
      ctx.stmt('INSERT INTO hold_moves (hold_id, kind, amount_mc, at, event_id) VALUES (?, ?, ?, ?, ?)').run(holdId, 'capture', captured, t, eventId);
      ctx.stmt('UPDATE hold_balances SET outstanding_mc = outstanding_mc - ? WHERE hold_id = ?').run(captured, holdId);
    }
    // A late entry's period is closed: its thresholds were crossed, or not, back then.
    if (late === null) alerts.push(...checkSpendAlerts(ctx, acct, period.start, accountSpent, accountSpent + cost, t));
    if (!unlimited && late === null) {
      // Fixed once the period is booked, except by a plan change (which bumps the config version).
      const allocation = periodAllocation(ctx, acct.id, pool, period.start);
      alerts.push(...checkPoolAlerts(ctx, acct, pool, period.start, allocation, usedBefore, usedBefore + cost, remainingBefore, remainingBefore - cost, t));
    }
  }

  return {
    ok: {
      status,
      eventId,
      key,
      account: acct.id,
      action: action.id,
      pool,
      at: iso(t),
      credits: mcToCredits(cost),
      debits,
      ...(coveredBy ? { coveredBy } : {}),
      ...(debt > 0 ? { overdrawn: mcToCredits(debt) } : {}),
      ...(late !== null ? { late: { reset: iso(late.reset), fromExpired: mcToCredits(drewExpired) } } : {}),
      alerts,
    },
  };
}

/** Owners and admins hear of an overdraft (once per member, pool and period; the dashboard shows every one). */
function overdraftAlert(ctx: Ctx, acct: Account, pool: string, member: string | null, debtMc: number, action: string, t: number): Alert | null {
  const credits = pool === 'credits' ? 'credits' : `${pool} credits`;
  const who = member ?? 'an offline entry';
  return recordAlert(
    ctx,
    acct,
    pool,
    periodAt(acct.rule, t).start,
    'overdrawn',
    100,
    t,
    `${acct.name}: ${who}'s ${action} used offline overdrew the ${credits} by ${formatMc(debtMc)}; the next grant or reset repays it first`,
    member,
  );
}

/** monthlyGrantedFor, read once: fixed once the period is booked, except by a plan change (which bumps the config version). */
export function periodAllocation(ctx: Ctx, accountId: string, pool: string, periodStart: number): number {
  return ctx.config(`alloc:${accountId}:${pool}:${periodStart}`, () => monthlyGrantedFor(ctx, accountId, pool, periodStart));
}

/** Credits granted for a period's allocation (monthly, upgrades, rollover). */
export function monthlyGrantedFor(ctx: Ctx, accountId: string, pool: string, periodStart: number): number {
  return (
    ctx
      .stmt(`SELECT COALESCE(SUM(amount_mc), 0) AS a FROM grants WHERE account_id = ? AND pool = ? AND period_start = ? AND source IN ('monthly','upgrade','rollover')`)
      .get(accountId, pool, periodStart) as { a: number }
  ).a;
}

export interface DailyLimit {
  attr: string;
  value: string;
  limit_mc: number;
  scope: string;
}

export function dailyLimitsFor(ctx: Ctx, accountId: string, attrs: Record<string, string>): DailyLimit[] {
  if (Object.keys(attrs).length === 0) return [];
  const rows = ctx.config(`daily:${accountId}`, () => ctx.stmt('SELECT attr, value, limit_mc FROM daily_limits WHERE account_id = ?').all(accountId) as Omit<DailyLimit, 'scope'>[]);
  const out: DailyLimit[] = [];
  for (const r of rows) {
    const v = attrs[r.attr];
    if (v === undefined || (r.value !== '*' && r.value !== v)) continue;
    out.push({ ...r, value: v, scope: `attr:${r.attr}=${v}` });
  }
  return out;
}

function duplicateResult(ctx: Ctx, acct: Account, e: EventRow): UseResult {
  const moves = e.debits ? (JSON.parse(e.debits) as [string, number][]) : [];
  const debits: Debit[] = moves.map(([grantId, mc]) => ({
    pool: e.pool,
    grantId,
    source: (ctx.stmt('SELECT source FROM grants WHERE id = ?').get(grantId) as { source: string }).source,
    credits: mcToCredits(mc),
  }));
  if (moves.length === 0 && e.cost_mc > 0) debits.push({ pool: e.pool, grantId: '', source: 'unlimited', credits: mcToCredits(e.cost_mc) });
  return {
    status: 'duplicate',
    originalStatus: e.status,
    eventId: e.id,
    key: e.key,
    account: acct.id,
    action: e.action,
    pool: e.pool,
    at: iso(e.at),
    credits: mcToCredits(e.cost_mc),
    debits,
    ...(e.covered_by ? { coveredBy: e.covered_by } : {}),
    ...(overdrawnAt(ctx, e.id) > 0 ? { overdrawn: mcToCredits(overdrawnAt(ctx, e.id)) } : {}),
    alerts: [],
  };
}

/** Whether a pool's credits come from its plan without limit at t. */
export function isUnlimited(ctx: Ctx, acct: Account, pool: string, t: number): boolean {
  return planAt(ctx, acct, t).amounts[pool] === 'unlimited';
}

