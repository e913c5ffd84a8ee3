/**
 * The tray's lines for the teams this app joined as a member: the sync state
 * ("Studio: synced", "Studio: 2 pending", "Studio: offline since 14:03 · 2
 * pending") and each team pool beside the local ones, marked with its team,
 * with this device's pending entries taken off and "as of" the last sync
 * while offline. Pure: the views and a clock.
 */
import type { MembershipView, TeamAccountView } from '../core/api/membership.js';
import { accountLine, type AccountBalance } from './tray.js';

/** 14:03 today, or Nov 3 14:03 on another day (the machine's time zone). */
export function shortTime(iso: string, now: number): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === new Date(now).toDateString() ? time : `${d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })} ${time}`;
}

export function syncLine(t: MembershipView, now: number): string {
  const pending = t.pending > 0 ? `${t.pending} pending` : null;
  // Entries in doubt may be on the host all the same: said as the window says them (renderer/src/lib/rejected-words.ts).
  const doubt = t.rejected.filter((r) => r.inDoubt).length;
  const rejected = t.rejected.length === 0 ? null : `${t.rejected.length} rejected${doubt ? `, ${t.rejected.length === 1 ? 'it' : doubt === t.rejected.length ? `all ${doubt}` : `${doubt} of them`} may have been recorded` : ''}`;
  const head = t.state === 'offline' ? `offline since ${shortTime(t.offlineSince ?? new Date(now).toISOString(), now)}` : t.state === 'pending' ? null : 'synced';
  return `${t.team.name}: ${[head, pending, rejected].filter((x) => x !== null).join(' · ')}`;
}

/** A team account's line: its pools as the local ones read, less this device's pending entries. */
export function teamAccountLine(a: TeamAccountView, now: number): string {
  const pools = a.balance.pools.map((p) => {
    const less = a.pending.find((x) => x.pool === p.pool)?.pendingCredits ?? 0;
    return p.unlimited || less === 0 ? p : { ...p, remaining: Math.max(0, (p.remaining ?? 0) - less) };
  });
  const line = accountLine({ ...a.balance, name: `${a.name} (${a.team.name})`, pools } as AccountBalance, now);
  return a.state === 'offline' && a.asOf ? `${line} · as of ${shortTime(a.asOf, now)}` : line;
}

export function membershipTrayLines(teams: readonly MembershipView[], accounts: readonly TeamAccountView[], now: number): string[] {
  return [...accounts.map((a) => teamAccountLine(a, now)), ...teams.map((t) => syncLine(t, now))];
}
