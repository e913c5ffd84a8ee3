/**
 * A team account's history, usage and forecast as a member's device reads
 * them: from the host's answers online, or from the mirror offline (as of the
 * last pull), with this device's pending entries on top, each marked pending
 * and costed from the mirrored rate card (the host decides what they really
 * cost). Pure: no network, no clock; the command line and the desktop app
 * both build their answers here. Sums are integer millicredits; the pace is
 * the local forecast's own function (ledger/forecast.ts poolForecast).
 */
import { InputError } from '../util/errors.js';
import { mcToCredits, mulDivCeil } from '../util/credits.js';
import { formatLocal, iso } from '../util/period.js';
import { poolForecast, type PoolForecast } from '../ledger/forecast.js';
import type { PoolBalance } from '../ledger/balance.js';
import type { MirrorEvent } from '../api/sync.js';
import type { MirroredAccount } from './mirror.js';
import type { OutboxEntry } from './outbox.js';
import { memberName, type MirroredMember } from './mirror-members.js';
import type { MirroredAlert } from './mirror-alerts.js';

export type ReadSource = 'host' | 'mirror';

/** One event as team.pull sends it (its credits are the ledger's millicredits / 1000, exact): the host's own type, for its shape only. */
export type { MirrorEvent };

/** Where a read came from: the host now, or the mirror as of its last pull. */
export interface ReadOrigin {
  /** TEAM/ACCOUNT. */
  account: string;
  source: ReadSource;
  asOf: string | null;
}

/** One line of a team account's history; `pending`: this device's, not sent yet (its credits an estimate). */
export interface TeamEvent {
  id: string;
  seq: number | null;
  at: string;
  action: string;
  pool: string;
  member: string | null;
  /** The member's name by the mirror's list (its id when the mirror has no name for it; null with no member): every read's answer has it (teamEvents). */
  memberName?: string | null;
  quantity: number;
  credits: number;
  status: string;
  pending: boolean;
}

export interface TeamEvents extends ReadOrigin {
  events: TeamEvent[];
  /** This device's pending entries on the account (all listed first, newest first). */
  pendingEntries: number;
}

/** A team account's alerts: the host's now, or offline this period's as of the last sync. */
export interface TeamAlerts extends ReadOrigin {
  alerts: MirroredAlert[];
}

export type TeamUsageKey = 'day' | 'action' | 'member';

export interface TeamUsageRow {
  keys: Record<string, string>;
  events: number;
  quantity: number;
  credits: number;
  /** Of those, this device's pending entries and what they are estimated to cost. */
  pendingEvents: number;
  pendingCredits: number;
}

export interface TeamUsage extends ReadOrigin {
  zone: string;
  from: string;
  to: string;
  by: string[];
  rows: TeamUsageRow[];
  total: { events: number; credits: number; pendingEvents: number; pendingCredits: number };
}

export interface TeamPoolForecast extends PoolForecast {
  /** This device's pending entries on the pool, counted as used. */
  pendingCredits: number;
  /** The period the numbers know has reset since they were read: the next sync brings the new one. */
  periodEnded: boolean;
}

export interface TeamForecast extends ReadOrigin {
  at: string;
  pools: TeamPoolForecast[];
}

/** A pending entry as history reads it: what it would cost by the mirrored rate card, in millicredits (the ledger's own rounding: up). */
export interface PendingItem {
  id: string;
  at: number;
  action: string;
  pool: string;
  member: string;
  quantityMilli: number;
  mc: number;
}

const toMc = (credits: number | null | undefined): number => Math.round((credits ?? 0) * 1000);

/** This device's pending usage on one account, newest first, costed from the mirrored rate card (an action it does not know costs 0 here: the host decides). */
export function pendingItems(account: MirroredAccount, entries: readonly OutboxEntry[], member: string): PendingItem[] {
  const out: PendingItem[] = [];
  for (const e of entries) {
    if (e.call !== 'usage.record' || e.input.account !== account.id) continue;
    const action = String(e.input.action ?? '');
    const a = account.actions.find((x) => x.id === action);
    const q = Number(e.input.quantity ?? 1);
    const quantityMilli = Number.isFinite(q) && q > 0 ? Math.round(q * 1000) : 0;
    const free = !a || a.free === true || a.cost === null || e.input.byoKey === true;
    const mc = free ? 0 : mulDivCeil(quantityMilli, toMc(a.cost), (a.per || 1) * 1000);
    const at = Date.parse(String(e.input.at ?? ''));
    out.push({ id: e.id, at: Number.isNaN(at) ? e.createdAt : at, action, pool: a?.pool ?? '', member, quantityMilli, mc });
  }
  // The outbox lists oldest first: reversed before the stable sort, the later of two entries at one instant comes first.
  return out.reverse().sort((x, y) => y.at - x.at);
}

const pendingEvent = (p: PendingItem): TeamEvent => ({ id: p.id, seq: null, at: iso(p.at), action: p.action, pool: p.pool, member: p.member, quantity: p.quantityMilli / 1000, credits: mcToCredits(p.mc), status: 'pending', pending: true });

export const mirrorEvent = (e: MirrorEvent): TeamEvent => ({ id: e.id, seq: e.seq, at: e.at, action: e.action, pool: e.pool, member: e.member, quantity: e.quantity, credits: e.credits, status: e.status, pending: false });

/** The host's events.list rows in the same shape: a voided event says so in its status. */
export const hostEvent = (e: { eventId: string; at: string; action: string; pool: string; member: string | null; quantity: number; credits: number; status: string; voided: boolean }): TeamEvent => ({
  id: e.eventId,
  seq: null,
  at: e.at,
  action: e.action,
  pool: e.pool,
  member: e.member,
  quantity: e.quantity,
  credits: e.credits,
  status: e.voided ? 'voided' : e.status,
  pending: false,
});

/**
 * History: this device's pending entries first (one action's when asked), then the recorded events as given (newest first), `limit` in all,
 * each member named by the mirror's list (`members`: absent from an older mirror, the ids stay).
 */
export function teamEvents(origin: ReadOrigin, recorded: readonly TeamEvent[], pending: readonly PendingItem[], o: { limit: number; action?: string }, members?: readonly MirroredMember[]): TeamEvents {
  const mine = pending.filter((p) => o.action === undefined || p.action === o.action).map(pendingEvent);
  const named = (e: TeamEvent): TeamEvent => ({ ...e, memberName: e.member === null ? null : memberName(members, e.member) });
  return { ...origin, events: [...mine, ...recorded].slice(0, o.limit).map(named), pendingEntries: mine.length };
}

export function parseUsageKey(by: string | undefined): TeamUsageKey {
  const k = by ?? 'day';
  if (k !== 'day' && k !== 'action' && k !== 'member') throw new InputError(`--by "${k.slice(0, 40)}" is not a grouping for a team account; use day, action or member`, '--by');
  return k;
}

/** What usage is summed from: one event or a group of them (a host report row), in integers. */
export interface UsageItem {
  at?: number;
  keys?: Record<string, string>;
  action: string;
  pool: string;
  member: string | null;
  events: number;
  quantityMilli: number;
  mc: number;
  pending: boolean;
}

export const mirrorUsageItem = (e: MirrorEvent): UsageItem => ({ at: Date.parse(e.at), action: e.action, pool: e.pool, member: e.member, events: 1, quantityMilli: Math.round(e.quantity * 1000), mc: toMc(e.credits), pending: false });

export const pendingUsageItem = (p: PendingItem): UsageItem => ({ at: p.at, action: p.action, pool: p.pool, member: p.member, events: 1, quantityMilli: p.quantityMilli, mc: p.mc, pending: true });

/**
 * This period's usage grouped by day (in the account's zone), action or member,
 * and always by pool (credits of different pools never add up). Items outside
 * [from, to) are left out; the pending ones are counted in and said apart.
 */
export function teamUsage(origin: ReadOrigin, zone: string, from: number, to: number, key: TeamUsageKey, items: readonly UsageItem[]): TeamUsage {
  const rows = new Map<string, { keys: Record<string, string>; events: number; q: number; mc: number; pe: number; pmc: number }>();
  for (const it of items) {
    if (it.at !== undefined && (it.at < from || it.at >= to)) continue;
    const k = it.keys?.[key] ?? (key === 'day' ? formatLocal(it.at ?? from, zone, 'yyyy-MM-dd') : key === 'action' ? it.action : (it.member ?? ''));
    const keys = { [key]: k, pool: it.pool };
    const id = JSON.stringify(keys);
    const r = rows.get(id) ?? { keys, events: 0, q: 0, mc: 0, pe: 0, pmc: 0 };
    r.events += it.events;
    r.q += it.quantityMilli;
    r.mc += it.mc;
    if (it.pending) {
      r.pe += it.events;
      r.pmc += it.mc;
    }
    rows.set(id, r);
  }
  const sorted = [...rows.values()].sort((a, b) => (a.keys[key]! === b.keys[key]! ? (a.keys.pool! < b.keys.pool! ? -1 : 1) : a.keys[key]! < b.keys[key]! ? -1 : 1));
  const sum = (f: (r: (typeof sorted)[number]) => number) => sorted.reduce((s, r) => s + f(r), 0);
  return {
    ...origin,
    zone,
    from: iso(from),
    to: iso(to),
    by: [key, 'pool'],
    rows: sorted.map((r) => ({ keys: r.keys, events: r.events, quantity: r.q / 1000, credits: mcToCredits(r.mc), pendingEvents: r.pe, pendingCredits: mcToCredits(r.pmc) })),
    total: { events: sum((r) => r.events), credits: mcToCredits(sum((r) => r.mc)), pendingEvents: sum((r) => r.pe), pendingCredits: mcToCredits(sum((r) => r.pmc)) },
  };
}

/**
 * The pace of each pool from a balance (the host's now, or the mirror's as of
 * its pull) with the pending entries counted as used, by the local forecast's
 * rules. A balance whose period has reset since it was read is forecast as of
 * that read and flagged: the new period's numbers come with the next sync.
 */
export function teamForecast(origin: ReadOrigin, pools: readonly PoolBalance[], readAt: number, now: number, pending: readonly PendingItem[]): TeamForecast {
  const out = pools.map((b): TeamPoolForecast => {
    const nextReset = Date.parse(b.nextReset);
    const periodStart = Date.parse(b.periodStart);
    const ended = now >= nextReset;
    const t = ended ? Math.min(readAt, nextReset) : Math.max(now, periodStart);
    const pendingMc = ended ? 0 : pending.filter((p) => p.pool === b.pool && p.at >= periodStart && p.at < nextReset).reduce((s, p) => s + p.mc, 0);
    const monthly = toMc(b.monthlyRemaining);
    const topup = toMc(b.topupRemaining);
    // Pending usage draws the monthly credits first, then the top-ups, as booking does; never below zero here (the host books any debt).
    const fromMonthly = Math.min(monthly, pendingMc);
    const fromTopup = Math.min(topup, pendingMc - fromMonthly);
    const f = poolForecast(
      { pool: b.pool, unlimited: b.unlimited, allocationMc: toMc(b.allocation), monthlyMc: monthly - fromMonthly, topupMc: topup - fromTopup, heldMc: toMc(b.held), usedMc: toMc(b.usedThisPeriod) + pendingMc, periodStart, nextReset },
      t,
      b.unit,
    );
    const line = ended ? `as of ${iso(readAt)}: ${f.line} · the pool has reset since; sync for the new period` : f.line;
    return { ...f, line, pendingCredits: mcToCredits(pendingMc), periodEnded: ended };
  });
  return { ...origin, at: iso(now), pools: out };
}
