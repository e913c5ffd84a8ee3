/**
 * A small, independent reference model of the ledger rules in docs/ledger.md,
 * for the deterministic simulation. It shares no code with main/core: periods
 * are computed here from first principles (the earliest instant whose local
 * wall time reaches midnight of day D, clamped), credits are plain integer
 * millicredits, and every rule is written out again from the docs:
 *
 *  - each pool gets its plan's allocation once per period, expiring at the
 *    next reset; top-ups survive resets unless given an expiry;
 *  - draw-down: this period's monthly (and upgrade) grants first, then the
 *    soonest-expiring, then promo/bonus before manual before purchased, then
 *    oldest, then by id;
 *  - holds reserve credits on a pool; captures draw the hold down first;
 *    release frees the rest; a hold lapses at its expiry;
 *  - a void returns credits to grants that are still live (an expired grant
 *    keeps them expired) and takes the usage out of its period;
 *  - refunds return the unused part of a purchase inside the window;
 *  - plan changes: more credits → the allowance left becomes the new
 *    allocation less what the period's allowance served (an upgrade grant
 *    expiring at the reset); fewer → from the next reset; to unlimited → at
 *    once; from unlimited → the new allocation less the period's usage
 *    (counting usage while unlimited), granted or forfeited at once;
 *  - whole-unit actions take whole quantities only; hourly limits count calls
 *    (an event's quantity), not events;
 *  - idempotent keys: same key, same content → duplicate; other content → error;
 *    a refused event does not use up its key;
 *  - resets and expiries are booked lazily by the first write at or after them,
 *    reads project them (this matters only for a plan change at a reset instant);
 *  - a dated write may be at most 5 minutes ahead, and not in a closed period;
 *  - with `offline` rules (docs/team.md), an entry pushed from a member's
 *    machine that its pool cannot cover is recorded anyway, the shortfall a
 *    debt on the pool that the next grants repay first, oldest first; one
 *    dated in a closed period is booked there within the grace window after
 *    the reset that closed it, drawing first on what expired at that reset,
 *    then on the grants live when it arrives; after the window it is refused.
 */
import { DateTime } from 'luxon';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

// ---------- periods, computed independently ----------

export interface ResetRule {
  day: number; // 1 for calendar months, else the anchor day
  zone: string;
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const offsetMs = (t: number, zone: string) => DateTime.fromMillis(t, { zone }).offset * 60_000;
const wall = (t: number, zone: string) => t + offsetMs(t, zone);

/** The earliest instant at which the local wall clock in `zone` reads y-m-d 00:00 or later. */
export function localMidnight(zone: string, y: number, m: number, d: number): number {
  const target = Date.UTC(y, m - 1, d); // the wall time, written as if it were UTC
  let best = Infinity;
  for (const probe of [-2 * DAY, -DAY, 0, DAY, 2 * DAY]) {
    const o = offsetMs(target + probe, zone);
    const t = target - o;
    if (wall(t, zone) === target) best = Math.min(best, t);
  }
  if (best !== Infinity) return best;
  // Midnight does not exist (a gap): the first instant after the gap.
  let lo = target - 20 * HOUR; // wall(lo) < target
  let hi = target + 20 * HOUR; // wall(hi) >= target
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wall(mid, zone) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

export function resetOf(rule: ResetRule, y: number, m: number): number {
  return localMidnight(rule.zone, y, m, Math.min(rule.day, daysIn(y, m)));
}

const addMonths = (y: number, m: number, n: number): [number, number] => {
  const i = y * 12 + (m - 1) + n;
  return [Math.floor(i / 12), (i % 12) + 1];
};

export function periodOf(rule: ResetRule, t: number): { start: number; end: number } {
  const d = new Date(wall(t, rule.zone));
  // Scan the local month of t and its neighbours: the period is [r_k, r_k+1) with r_k <= t.
  let [y, m] = addMonths(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  for (let i = 0; i < 4; i++) {
    const r = resetOf(rule, y, m);
    if (r <= t) {
      const [ny, nm] = addMonths(y, m, 1);
      return { start: r, end: resetOf(rule, ny, nm) };
    }
    [y, m] = addMonths(y, m, -1);
  }
  throw new Error(`model: no period found for ${new Date(t).toISOString()}`);
}

// ---------- account definitions (from the providers' documents) ----------

export type Alloc = number | 'unlimited';

export interface ActionDef {
  pool: string;
  costMc: number; // per `per` units
  per: number;
  free?: boolean;
  dedupe?: { group: string; attr: string };
  hourly?: number;
  whole?: boolean;
}

export interface AccountDef {
  id: string;
  rule: ResetRule;
  pools: string[];
  plans: Record<string, { amounts: Record<string, Alloc>; packPools: string[] }>;
  refundWindowDays: number | null;
  actions: Record<string, ActionDef>;
  monthlyLimitMc: number | null;
}

// ---------- state ----------

export type Source = 'monthly' | 'upgrade' | 'purchase' | 'bonus' | 'promo' | 'manual';
const MONTHLY_LIKE = new Set<Source>(['monthly', 'upgrade']);

export interface MGrant {
  id: string;
  acct: string;
  pool: string;
  source: Source;
  amount: number;
  remaining: number;
  /** Expired by a plan change leaving unlimited. */
  forfeited?: number;
  /** What expired unused at expiresAt, and what late entries drew on it since. */
  expired?: number;
  lateDrawn?: number;
  grantedAt: number;
  expiresAt: number | null;
  periodStart: number | null;
  price: number | null;
  refundableUntil: number | null;
}

export interface MHold {
  id: string;
  acct: string;
  pool: string;
  amount: number;
  outstanding: number;
  expiresAt: number;
  status: 'open' | 'released' | 'expired';
}

export interface MEvent {
  id: string;
  acct: string;
  key: string;
  fp: string;
  action: string;
  pool: string;
  at: number;
  qtyMilli: number;
  status: 'applied' | 'free' | 'bypassed' | 'covered';
  cost: number;
  debits: [MGrant, number][];
  voided: boolean;
}

export interface MAccount {
  def: AccountDef;
  first: number;
  bookedTo: number;
  plans: { at: number; plan: string; amounts: Record<string, Alloc> }[];
  periodUsage: Map<string, number>;
  dedupe: Map<string, string>; // group|subject|periodStart → event id
}

export type Outcome =
  | { kind: 'ok'; status: string; cost: number; eventId?: string; debits?: { grant: string; monthly: boolean; mc: number }[]; overdrawn?: number; late?: { reset: number; fromExpired: number } }
  | { kind: 'duplicate'; eventId: string; cost: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'invalid'; why: string };

export interface PoolView {
  /** What the pool owes for offline entries it could not cover, in all and by member (most first). */
  overdrawn: number;
  overdrawnBy: { member: string | null; mc: number }[];
  unlimited: boolean;
  allocation: number;
  monthly: number;
  topup: number;
  held: number;
  used: number;
  periodStart: number;
  nextReset: number;
}

export interface UseArgs {
  acct: string;
  action: string;
  qtyMilli: number;
  key: string;
  byo: boolean;
  attrs: Record<string, string>;
  holdId: string | null;
  /** Who recorded it (a team member), for the debts an overdraft leaves. */
  member?: string;
  /**
   * When the ledger received a write dated `t` (a member's entry, stamped by
   * the member's own clock, arrives later or from a clock that runs ahead);
   * absent: the write is dated when it arrives.
   */
  arrived?: number;
  /** It waited in a member's outbox: a fact, taken under the `offline` rules. */
  offline?: boolean;
}

/** A client's clock may run this far ahead of the ledger's (docs/ledger.md: later is "in the future"). */
export const FUTURE_SKEW = 5 * 60_000;

/** How the ledger takes entries pushed from members' machines (docs/team.md): overdrafts, and late entries within a grace window. */
export interface OfflineRules {
  /** How long after a reset each account takes entries dated before it (by account id). */
  graceMs: Record<string, number>;
}

/** An entry dated in a closed period, taken late: the reset that closed its period, and until when such entries are taken. */
export interface Late {
  reset: number;
  until: number;
}

/** What a pushed entry the pool could not cover still owes the pool. */
export interface MDebt {
  eventId: string;
  acct: string;
  pool: string;
  member: string | null;
  at: number;
  outstanding: number;
  /** Repayments, each dated when its grant was made (a read in the past does not see later ones). */
  repaid: { at: number; mc: number }[];
}

const SRC_RANK: Record<Source, number> = { monthly: 2, upgrade: 2, promo: 0, bonus: 0, manual: 1, purchase: 2 };

/** ceil(q × cost ÷ (per × 1000)), exactly. */
export function costOf(a: ActionDef, qtyMilli: number): number {
  if (a.free) return 0;
  const num = BigInt(qtyMilli) * BigInt(a.costMc);
  const den = BigInt(a.per) * 1000n;
  return Number((num + den - 1n) / den);
}

/** What each member owes, most first. */
function debtShares(owed: readonly MDebt[]): { member: string | null; mc: number }[] {
  const by = new Map<string | null, number>();
  for (const d of owed) if (d.outstanding > 0) by.set(d.member, (by.get(d.member) ?? 0) + d.outstanding);
  return [...by].map(([member, mc]) => ({ member, mc })).sort((x, y) => y.mc - x.mc || String(x.member ?? '').localeCompare(String(y.member ?? '')));
}

export class Model {
  accounts = new Map<string, MAccount>();
  grants: MGrant[] = [];
  holds = new Map<string, MHold>();
  events: MEvent[] = [];
  debts: MDebt[] = [];
  /** Null: today's rules for every write (a pool that cannot cover refuses; a closed period is bad input). */
  offline: OfflineRules | null = null;
  private byKey = new Map<string, MEvent>();

  /** A new grant: it repays the pool's debts first, oldest first. */
  private addGrant(g: MGrant): void {
    this.grants.push(g);
    const owed = this.debts.filter((d) => d.acct === g.acct && d.pool === g.pool && d.outstanding > 0).sort((x, y) => x.at - y.at || (x.eventId < y.eventId ? -1 : x.eventId > y.eventId ? 1 : 0));
    for (const d of owed) {
      const take = Math.min(g.remaining, d.outstanding);
      g.remaining -= take;
      d.outstanding -= take;
      if (take > 0) d.repaid.push({ at: g.grantedAt, mc: take });
    }
  }

  addAccount(def: AccountDef, plan: string, createdAt: number): void {
    const first = periodOf(def.rule, createdAt).start;
    this.accounts.set(def.id, {
      def,
      first,
      bookedTo: first - 1,
      plans: [{ at: 0, plan, amounts: def.plans[plan]!.amounts }],
      periodUsage: new Map(),
      dedupe: new Map(),
    });
  }

  acct(id: string): MAccount {
    const a = this.accounts.get(id);
    if (!a) throw new Error(`model: no account ${id}`);
    return a;
  }

  planAt(a: MAccount, t: number) {
    let found = a.plans[0]!;
    for (const p of a.plans) if (p.at <= t) found = p;
    return found;
  }

  /** Book every reset in (bookedTo, t] and every expiry at or before t. */
  book(a: MAccount, t: number): void {
    if (t <= a.bookedTo) return;
    let p = periodOf(a.def.rule, a.bookedTo);
    while (p.end <= t) {
      const r = p.end;
      const next = periodOf(a.def.rule, r);
      const amounts = this.planAt(a, r).amounts;
      for (const pool of a.def.pools) {
        const alloc = amounts[pool]!;
        if (typeof alloc === 'number' && alloc > 0) {
          this.addGrant({ id: `~monthly:${a.def.id}:${pool}:${r}`, acct: a.def.id, pool, source: 'monthly', amount: alloc, remaining: alloc, grantedAt: r, expiresAt: next.end, periodStart: r, price: null, refundableUntil: null });
        }
      }
      p = next;
    }
    for (const g of this.grants) {
      if (g.acct !== a.def.id || g.expiresAt === null || g.expiresAt > t || g.remaining === 0) continue;
      g.expired = (g.expired ?? 0) + g.remaining;
      g.remaining = 0;
    }
    for (const h of this.holds.values()) if (h.acct === a.def.id && h.status === 'open' && h.expiresAt <= t) [h.status, h.outstanding] = ['expired', 0];
    a.bookedTo = t;
  }

  live(acct: string, pool: string, t: number): MGrant[] {
    return this.grants
      .filter((g) => g.acct === acct && g.pool === pool && g.remaining > 0 && g.grantedAt <= t && (g.expiresAt === null || g.expiresAt > t))
      .sort((x, y) => {
        const r = (MONTHLY_LIKE.has(x.source) ? 0 : 1) - (MONTHLY_LIKE.has(y.source) ? 0 : 1);
        if (r) return r;
        const ex = x.expiresAt ?? Infinity;
        const ey = y.expiresAt ?? Infinity;
        if (ex !== ey) return ex < ey ? -1 : 1;
        if (SRC_RANK[x.source] !== SRC_RANK[y.source]) return SRC_RANK[x.source] - SRC_RANK[y.source];
        if (x.grantedAt !== y.grantedAt) return x.grantedAt - y.grantedAt;
        return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
      });
  }

  held(acct: string, pool: string, t: number, except: string | null = null): number {
    let s = 0;
    for (const h of this.holds.values()) if (h.acct === acct && h.pool === pool && h.status === 'open' && h.expiresAt > t && h.id !== except) s += h.outstanding;
    return s;
  }

  private nextSeq = 1;

  use(u: UseArgs, t: number): Outcome {
    const a = this.acct(u.acct);
    const fp = JSON.stringify([u.action, u.qtyMilli, Object.entries(u.attrs).sort(), u.byo, u.holdId]);
    const prior = this.byKey.get(`${u.acct}|${u.key}`);
    if (prior) {
      if (prior.fp !== fp) return { kind: 'invalid', why: 'idempotency key' };
      return { kind: 'duplicate', eventId: prior.id, cost: prior.cost };
    }
    const act = a.def.actions[u.action];
    if (!act) return { kind: 'invalid', why: 'unknown action' };
    if (act.whole && u.qtyMilli % 1000 !== 0) return { kind: 'invalid', why: 'whole units' };
    const when = this.dated(a, t, u);
    if (when && 'kind' in when) return when;
    const late = when;
    t = this.stamped(t, u);
    // A pushed entry is judged with the account booked up to the host's now (usage.ts hostTime): whatever it answers, that is booked.
    const bookTo = u.arrived ?? t;
    if (late && u.holdId !== null) return { kind: 'invalid', why: 'a late entry cannot capture a hold' };
    // A late entry is booked in its own period but draws on the grants live when it arrives.
    const drawAt = late ? u.arrived! : t;
    const period = periodOf(a.def.rule, t);
    if (late && drawAt > late.until) {
      this.book(a, bookTo);
      return { kind: 'refused', reason: 'late_entry' };
    }
    let hold: MHold | undefined;
    if (u.holdId !== null) {
      hold = this.holds.get(u.holdId);
      if (!hold || hold.acct !== u.acct || hold.pool !== act.pool || hold.status !== 'open' || hold.expiresAt <= t) return { kind: 'invalid', why: 'hold not open' };
    }
    // Hourly rate limit: calls (any status, an event's quantity is its calls) in the sliding hour up to t.
    if (act.hourly !== undefined) {
      let calls = 0;
      for (const e of this.events) if (e.acct === u.acct && e.action === u.action && e.at > t - HOUR && e.at <= t) calls += e.qtyMilli;
      if (calls + u.qtyMilli > act.hourly * 1000) {
        this.book(a, bookTo);
        return { kind: 'refused', reason: 'rate_limit' };
      }
    }
    let status: MEvent['status'] = 'applied';
    let cost = 0;
    let subject: string | null = null;
    if (u.byo) status = 'bypassed';
    else if (act.free) status = 'free';
    else {
      cost = costOf(act, u.qtyMilli);
      if (act.dedupe && u.attrs[act.dedupe.attr] !== undefined) {
        subject = `${act.dedupe.group}|${u.attrs[act.dedupe.attr]}|${period.start}`;
        if (a.dedupe.has(subject)) [status, cost] = ['covered', 0];
      }
    }
    this.book(a, bookTo);
    const unlimited = this.planAt(a, t).amounts[act.pool] === 'unlimited';
    // The pool's credits are checked before the spending limit (docs/team.md, one precedence rule).
    const charged = cost > 0 && !unlimited;
    const expired = charged && late ? this.expiredAt(u.acct, act.pool, late.reset) : [];
    const grants = charged ? this.live(u.acct, act.pool, drawAt) : [];
    const available = expired.reduce((s, x) => s + x.left, 0) + grants.reduce((s, g) => s + g.remaining, 0) - this.held(u.acct, act.pool, drawAt, u.holdId);
    let debt = 0;
    if (charged && cost > available) {
      const short = this.cannotCover(u);
      if (short) return short;
      debt = cost - Math.max(0, available);
    }
    if (cost > 0 && a.def.monthlyLimitMc !== null) {
      let spent = 0;
      for (const pool of a.def.pools) spent += a.periodUsage.get(`${pool}@${period.start}`) ?? 0;
      if (spent + cost > a.def.monthlyLimitMc) return { kind: 'refused', reason: 'account_limit' };
    }
    const debits: [MGrant, number][] = [];
    let fromExpired = 0;
    if (charged) {
      let left = cost - debt;
      for (const x of expired) {
        const take = Math.min(left, x.left);
        x.g.lateDrawn = (x.g.lateDrawn ?? 0) + take;
        fromExpired += take;
        left -= take;
      }
      for (const g of grants) {
        if (left === 0) break;
        const take = Math.min(left, g.remaining);
        g.remaining -= take;
        debits.push([g, take]);
        left -= take;
      }
    }
    const id = `ev_${(this.nextSeq++).toString(36)}`;
    const e: MEvent = { id, acct: u.acct, key: u.key, fp, action: u.action, pool: act.pool, at: t, qtyMilli: u.qtyMilli, status, cost, debits, voided: false };
    this.events.push(e);
    this.byKey.set(`${u.acct}|${u.key}`, e);
    if (cost > 0) {
      const k = `${act.pool}@${period.start}`;
      a.periodUsage.set(k, (a.periodUsage.get(k) ?? 0) + cost);
      if (subject !== null) a.dedupe.set(subject, id);
      if (hold) hold.outstanding -= Math.min(cost, hold.outstanding);
    }
    if (debt > 0) this.debts.push({ eventId: id, acct: u.acct, pool: act.pool, member: u.member ?? null, at: t, outstanding: debt, repaid: [] });
    return {
      kind: 'ok',
      status,
      cost,
      eventId: id,
      debits: debits.map(([g, mc]) => ({ grant: g.id, monthly: MONTHLY_LIKE.has(g.source), mc })),
      ...(debt > 0 ? { overdrawn: debt } : {}),
      ...(late ? { late: { reset: late.reset, fromExpired } } : {}),
    };
  }

  /**
   * The time rules for a dated write, all in one place (docs/ledger.md "When
   * things happen"): not more than FUTURE_SKEW after it arrives, not before the
   * account's first period, and not in a period already closed by a booked
   * reset unless `late` takes it. Null: the write may be dated t.
   */
  protected dated(a: MAccount, t: number, u: UseArgs): Outcome | Late | null {
    if (t > (u.arrived ?? t) + FUTURE_SKEW) return { kind: 'invalid', why: 'in the future' };
    if (t < a.first) return { kind: 'invalid', why: 'before the first period' };
    if (this.closed(a, t, u.arrived)) return this.late(a, t, u);
    return null;
  }

  /** When a write is booked: a pushed entry stamped after the host's now (a member's clock running ahead) at the host's now (docs/team.md). */
  protected stamped(t: number, u: UseArgs): number {
    return u.arrived === undefined ? t : Math.min(t, u.arrived);
  }

  /**
   * Whether t falls in a period a booked reset has closed. A pushed entry
   * (hostNow: when it arrived) is judged with the resets up to the host's now
   * booked, so its lateness follows the host's clock.
   */
  closed(a: MAccount, t: number, hostNow = -Infinity): boolean {
    return t < periodOf(a.def.rule, Math.max(a.bookedTo, hostNow, a.first)).start;
  }

  /** A write dated in a closed period: bad input, unless it is a pushed entry under offline rules (then taken late, within the grace window). */
  protected late(a: MAccount, t: number, u: UseArgs): Outcome | Late {
    if (u.arrived === undefined || !u.offline || this.offline === null) return { kind: 'invalid', why: 'closed period' };
    const reset = periodOf(a.def.rule, t).end;
    return { reset, until: reset + this.offline.graceMs[a.def.id]! };
  }

  /** Usage costing more than the pool has available: refused, unless it is a pushed entry under offline rules (null: recorded, the rest a debt). */
  protected cannotCover(u: UseArgs): Outcome | null {
    if (u.arrived !== undefined && u.offline && this.offline !== null) return null;
    return { kind: 'refused', reason: 'insufficient_credits' };
  }

  /** What late entries may still draw from the credits of a pool that expired at `reset`, per grant in draw-down order. */
  expiredAt(acct: string, pool: string, reset: number): { g: MGrant; left: number }[] {
    return this.grants
      .filter((g) => g.acct === acct && g.pool === pool && g.expiresAt === reset && (g.expired ?? 0) - (g.lateDrawn ?? 0) > 0)
      .sort((x, y) => {
        const r = (MONTHLY_LIKE.has(x.source) ? 0 : 1) - (MONTHLY_LIKE.has(y.source) ? 0 : 1);
        if (r) return r;
        if (SRC_RANK[x.source] !== SRC_RANK[y.source]) return SRC_RANK[x.source] - SRC_RANK[y.source];
        if (x.grantedAt !== y.grantedAt) return x.grantedAt - y.grantedAt;
        return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
      })
      .map((g) => ({ g, left: (g.expired ?? 0) - (g.lateDrawn ?? 0) }));
  }

  grant(acct: string, pool: string, amount: number, source: Source, t: number, expiresAt: number | null, price: number | null, id: () => string): Outcome {
    const a = this.acct(acct);
    if (source === 'purchase' && !a.def.plans[this.planAt(a, t).plan]!.packPools.includes(pool)) return { kind: 'refused', reason: 'plan' };
    if (this.closed(a, t)) return { kind: 'invalid', why: 'closed period' };
    this.book(a, t);
    const refundableUntil = source === 'purchase' && a.def.refundWindowDays !== null ? t + a.def.refundWindowDays * DAY : null;
    this.addGrant({ id: id(), acct, pool, source, amount, remaining: amount, grantedAt: t, expiresAt, periodStart: null, price, refundableUntil });
    return { kind: 'ok', status: 'granted', cost: 0 };
  }

  placeHold(acct: string, pool: string, amount: number, t: number, expiresAt: number, id: () => string): Outcome {
    const a = this.acct(acct);
    if (this.planAt(a, t).amounts[pool] === 'unlimited') return { kind: 'invalid', why: 'unlimited pool' };
    this.book(a, t);
    const remaining = this.live(acct, pool, t).reduce((s, g) => s + g.remaining, 0);
    if (amount > remaining - this.held(acct, pool, t)) return { kind: 'refused', reason: 'hold' };
    const hid = id();
    this.holds.set(hid, { id: hid, acct, pool, amount, outstanding: amount, expiresAt, status: 'open' });
    return { kind: 'ok', status: 'open', cost: 0 };
  }

  release(holdId: string, t: number): { kind: 'ok'; status: MHold['status'] } {
    const h = this.holds.get(holdId)!;
    this.book(this.acct(h.acct), t);
    if (h.status === 'open') [h.status, h.outstanding] = ['released', 0];
    return { kind: 'ok', status: h.status };
  }

  voidEvent(e: MEvent, t: number): Outcome {
    if (e.voided) return { kind: 'duplicate', eventId: e.id, cost: 0 };
    const a = this.acct(e.acct);
    this.book(a, t);
    for (const [g, mc] of e.debits) if (g.expiresAt === null || g.expiresAt > t) g.remaining += mc;
    if (e.cost > 0) {
      const k = `${e.pool}@${periodOf(a.def.rule, e.at).start}`;
      a.periodUsage.set(k, a.periodUsage.get(k)! - e.cost);
      for (const [s, id] of a.dedupe) if (id === e.id) a.dedupe.delete(s);
    }
    e.voided = true;
    return { kind: 'ok', status: 'voided', cost: 0 };
  }

  refund(g: MGrant, t: number): Outcome & { money?: number; credits?: number } {
    const a = this.acct(g.acct);
    this.book(a, t);
    if (g.source !== 'purchase' || g.refundableUntil === null || t > g.refundableUntil || g.remaining === 0) return { kind: 'refused', reason: 'refund' };
    const pool = this.live(g.acct, g.pool, t).reduce((s, x) => s + x.remaining, 0);
    if (pool - g.remaining < this.held(g.acct, g.pool, t)) return { kind: 'refused', reason: 'refund' };
    const credits = g.remaining;
    g.remaining = 0;
    const money = g.price === null ? 0 : Number((BigInt(g.price) * BigInt(credits)) / BigInt(g.amount));
    return { kind: 'ok', status: 'refunded', cost: 0, money, credits };
  }

  changePlan(acct: string, plan: string, amounts: Record<string, Alloc>, t: number): Outcome & { upgrades?: Record<string, number> } {
    const a = this.acct(acct);
    const before = this.planAt(a, t);
    if (before.plan === plan && JSON.stringify(before.amounts) === JSON.stringify(amounts)) return { kind: 'invalid', why: 'same plan' };
    this.book(a, t - 1);
    a.plans.push({ at: t, plan, amounts });
    this.book(a, t);
    const period = periodOf(a.def.rule, t);
    const upgrades: Record<string, number> = {};
    for (const pool of a.def.pools) {
      const next = amounts[pool]!;
      if (next === 'unlimited') continue;
      const allowance = this.grants.filter((g) => g.acct === acct && g.pool === pool && MONTHLY_LIKE.has(g.source) && g.periodStart === period.start);
      const leaving = before.amounts[pool] === 'unlimited';
      let used = allowance.reduce((s, g) => s + g.amount - g.remaining - (g.forfeited ?? 0), 0);
      for (const e of this.events) if (e.acct === acct && e.pool === pool && !e.voided && e.cost > 0 && e.debits.length === 0 && e.at >= period.start && e.at < period.end) used += e.cost;
      const left = allowance.reduce((s, g) => s + g.remaining, 0);
      const target = Math.max(0, next - used);
      if (target > left) {
        this.addGrant({ id: `~upgrade:${acct}:${pool}:${t}`, acct, pool, source: 'upgrade', amount: target - left, remaining: target - left, grantedAt: t, expiresAt: period.end, periodStart: period.start, price: null, refundableUntil: null });
        upgrades[pool] = target - left;
      } else if (target < left && leaving) {
        let excess = left - target;
        for (const g of [...allowance].sort((x, y) => y.grantedAt - x.grantedAt)) {
          const take = Math.min(excess, g.remaining);
          g.remaining -= take;
          g.forfeited = (g.forfeited ?? 0) + take;
          excess -= take;
        }
      }
    }
    return { kind: 'ok', status: 'changed', cost: 0, upgrades };
  }

  /** What a balance read at t shows (reads never book: unbooked resets are projected). */
  balance(acct: string, t: number): Record<string, PoolView> {
    const a = this.acct(acct);
    const period = periodOf(a.def.rule, t);
    const booked = periodOf(a.def.rule, Math.max(a.bookedTo, a.first));
    const pending = a.bookedTo < a.first || period.start > booked.start;
    const plan = this.planAt(a, t);
    const out: Record<string, PoolView> = {};
    for (const pool of a.def.pools) {
      let monthly = 0;
      let topup = 0;
      for (const g of this.grants) {
        if (g.acct !== acct || g.pool !== pool || g.grantedAt > t || (g.expiresAt !== null && g.expiresAt <= t)) continue;
        // An expiry booked by a write dated later (the host's now, when a pushed entry dated before it was judged) is not seen by a read before it.
        const left = g.remaining + (g.expired ?? 0);
        if (MONTHLY_LIKE.has(g.source)) monthly += left;
        else topup += left;
      }
      let allocation: number;
      let used: number;
      // Debts as of t, oldest first; a reset this read projects repays them as booking it will.
      const owed = this.debts
        .filter((d) => d.acct === acct && d.pool === pool && d.at <= t)
        .sort((x, y) => x.at - y.at || (x.eventId < y.eventId ? -1 : x.eventId > y.eventId ? 1 : 0))
        .map((d) => ({ ...d, outstanding: d.outstanding + d.repaid.reduce((s, m) => s + (m.at > t ? m.mc : 0), 0) }))
        .filter((d) => d.outstanding > 0);
      if (pending) {
        const alloc = this.planAt(a, period.start).amounts[pool]!;
        allocation = typeof alloc === 'number' ? alloc : 0;
        monthly = allocation;
        used = 0;
        for (let r = periodOf(a.def.rule, a.bookedTo).end; r <= t; r = periodOf(a.def.rule, r).end) {
          const x = this.planAt(a, r).amounts[pool]!;
          let left = typeof x === 'number' ? x : 0;
          for (const d of owed) {
            const take = Math.min(left, d.outstanding);
            d.outstanding -= take;
            left -= take;
          }
          if (r === period.start) monthly = left;
        }
      } else {
        allocation = this.grants.filter((g) => g.acct === acct && g.pool === pool && MONTHLY_LIKE.has(g.source) && g.periodStart === period.start && g.grantedAt <= t).reduce((s, g) => s + g.amount, 0);
        used = a.periodUsage.get(`${pool}@${period.start}`) ?? 0;
      }
      const overdrawn = owed.reduce((s, d) => s + d.outstanding, 0);
      out[pool] = { overdrawn, overdrawnBy: overdrawn === 0 ? [] : debtShares(owed), unlimited: plan.amounts[pool] === 'unlimited', allocation, monthly, topup, held: this.held(acct, pool, t), used, periodStart: period.start, nextReset: period.end };
    }
    return out;
  }

  /** The next instant something happens on its own for an account: reset, hold lapse or grant expiry. */
  nextReset(acct: string, t: number): number {
    return periodOf(this.acct(acct).def.rule, t).end;
  }

  nextExpiry(t: number): number | null {
    let best: number | null = null;
    for (const g of this.grants) if (g.expiresAt !== null && g.expiresAt > t && g.remaining > 0 && (best === null || g.expiresAt < best)) best = g.expiresAt;
    for (const h of this.holds.values()) if (h.status === 'open' && h.expiresAt > t && (best === null || h.expiresAt < best)) best = h.expiresAt;
    return best;
  }
}
