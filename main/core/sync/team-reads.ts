/**
 * A team account's reads on a member's device, from either side: the mirror
 * and outbox (offline, no network; what the desktop app shows), or the host's
 * answers to events.list, reports.usage and balance.get (online, the command
 * line) — this device's pending entries on top either way (mirror-reads.ts).
 */
import { InputError } from '../util/errors.js';
import type { Balance } from '../ledger/balance.js';
import type { EventView, Report } from '../ledger/reports.js';
import type Database from 'better-sqlite3';
import { Mirror, type MirroredAccount } from './mirror.js';
import type { MirroredMember } from './mirror-members.js';
import type { Alert } from '../ledger/alerts.js';
import {
  hostEvent,
  mirrorEvent,
  mirrorUsageItem,
  pendingItems,
  pendingUsageItem,
  teamEvents,
  teamForecast,
  teamUsage,
  type PendingItem,
  type ReadOrigin,
  type TeamAlerts,
  type TeamEvents,
  type TeamForecast,
  type TeamUsage,
  type TeamUsageKey,
  type MirrorEvent,
} from './mirror-reads.js';
import type { TeamRef } from './offline.js';
import type { Outbox } from './outbox.js';

export interface TeamReadRef extends TeamRef {
  /** This device's member id: its pending entries are that member's. */
  member: string;
}

/** An account's mirrored events newest first: one action's, or those at or after `from` (ISO: the host's UTC instants sort as text). */
function mirroredEvents(db: Database.Database, team: string, account: string, o: { limit?: number; action?: string; from?: string }): MirrorEvent[] {
  const where = ['team = ?', 'account = ?'];
  const args: unknown[] = [team, account];
  if (o.action !== undefined) {
    where.push("json_extract(json, '$.action') = ?");
    args.push(o.action);
  }
  if (o.from !== undefined) {
    where.push("json_extract(json, '$.at') >= ?");
    args.push(o.from);
  }
  args.push(o.limit ?? -1);
  return (db.prepare(`SELECT json FROM mirror_events WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`).all(...args) as { json: string }[]).map((r) => JSON.parse(r.json) as MirrorEvent);
}

/** What the mirror knows of one account, with this device's pending entries on it. */
interface Known {
  account: MirroredAccount;
  asOf: string | null;
  pending: PendingItem[];
}

function known(box: Outbox, c: TeamReadRef, account: string): Known | null {
  const mirror = new Mirror(box.db);
  const a = mirror.account(c.team.id, account);
  if (!a) return null;
  return { account: a, asOf: mirror.asOf(c.team.id), pending: pendingItems(a, box.pending(c.team.id), c.member) };
}

/** The mirror's copy, or a clear error saying this device has none (`why`: what was tried first, e.g. the host being out of reach). */
function mustKnow(box: Outbox, c: TeamReadRef, account: string, why: string): Known {
  const k = known(box, c, account);
  if (!k) throw new InputError(`${why}this device has no copy of ${c.alias}/${account}: it is not an account of ${c.alias} as of the last sync (sync once while online)`, 'account');
  return k;
}

const origin = (c: TeamRef, account: string, source: ReadOrigin['source'], asOf: string | null): ReadOrigin => ({ account: `${c.alias}/${account}`, source, asOf });

/** The account's period as the mirror knows it (every pool of an account resets together). */
function period(a: MirroredAccount): { from: number; to: number } {
  const p = (a.balance as { pools: { periodStart?: string; nextReset?: string }[] }).pools[0];
  if (!p?.periodStart || !p.nextReset) throw new InputError(`the copy of ${a.id} on this device has no period yet: sync once while online`, 'account');
  return { from: Date.parse(p.periodStart), to: Date.parse(p.nextReset) };
}

export const mirrorReads = {
  events(box: Outbox, c: TeamReadRef, account: string, o: { limit: number; action?: string }, why = ''): TeamEvents {
    const k = mustKnow(box, c, account, why);
    const recorded = mirroredEvents(box.db, c.team.id, account, { limit: o.limit, ...(o.action !== undefined ? { action: o.action } : {}) }).map(mirrorEvent);
    return teamEvents(origin(c, account, 'mirror', k.asOf), recorded, k.pending, o, k.account.members);
  },
  /** This period's alerts as the host had them at the last pull (none from a mirror pulled before alerts were sent). */
  alerts(box: Outbox, c: TeamReadRef, account: string, why = ''): TeamAlerts {
    const k = mustKnow(box, c, account, why);
    return { ...origin(c, account, 'mirror', k.asOf), alerts: k.account.alerts ?? [] };
  },
  usage(box: Outbox, c: TeamReadRef, account: string, key: TeamUsageKey, why = ''): TeamUsage {
    const k = mustKnow(box, c, account, why);
    const { from, to } = period(k.account);
    // A voided event returned its credits: usage leaves it out, as the host's reports do (history shows it, marked).
    const recorded = mirroredEvents(box.db, c.team.id, account, { from: new Date(from).toISOString() })
      .filter((e) => e.status !== 'voided')
      .map(mirrorUsageItem);
    return teamUsage(origin(c, account, 'mirror', k.asOf), k.account.zone, from, to, key, [...recorded, ...k.pending.map(pendingUsageItem)]);
  },
  forecast(box: Outbox, c: TeamReadRef, account: string, now: number, why = ''): TeamForecast {
    const k = mustKnow(box, c, account, why);
    const readAt = k.asOf === null ? now : Date.parse(k.asOf);
    return teamForecast(origin(c, account, 'mirror', k.asOf), (k.account.balance as unknown as Balance).pools, readAt, now, k.pending);
  },
};

/** The same reads from the host's answers, this device's pending entries (from the mirror's rate card) on top. */
export const hostReads = {
  pending(box: Outbox, c: TeamReadRef, account: string): PendingItem[] {
    return known(box, c, account)?.pending ?? [];
  },
  /** Who the account's events name, by the mirror's list (the host's events.list gives ids only). */
  members(box: Outbox, c: TeamReadRef, account: string): MirroredMember[] | undefined {
    return known(box, c, account)?.account.members;
  },
  events(c: TeamReadRef, account: string, page: { events: EventView[] }, pending: PendingItem[], o: { limit: number; action?: string }, members?: MirroredMember[]): TeamEvents {
    return teamEvents(origin(c, account, 'host', null), page.events.map(hostEvent), pending, o, members);
  },
  /** The host's alerts.list, in the mirror's shape (the member a spending-limit alert is about left out, as the mirror does). */
  alerts(c: TeamReadRef, account: string, list: Alert[]): TeamAlerts {
    return { ...origin(c, account, 'host', null), alerts: list.map(({ member: _m, ...a }) => a) };
  },
  usage(c: TeamReadRef, account: string, r: Report, key: TeamUsageKey, pending: PendingItem[]): TeamUsage {
    const from = Date.parse(r.from);
    const to = Date.parse(r.to);
    const rows = r.rows.map((x) => ({ keys: x.keys, action: x.keys.action ?? '', pool: x.keys.pool ?? '', member: x.keys.member ?? null, events: x.events, quantityMilli: Math.round(x.quantity * 1000), mc: Math.round(x.credits * 1000), pending: false }));
    return teamUsage(origin(c, account, 'host', null), r.zone, from, to, key, [...rows, ...pending.map(pendingUsageItem)]);
  },
  forecast(c: TeamReadRef, account: string, b: Balance, pending: PendingItem[]): TeamForecast {
    const at = Date.parse(b.at);
    return { ...teamForecast(origin(c, account, 'host', b.at), b.pools, at, at, pending) };
  },
};
