/**
 * What `events`, `usage` and `forecast` print for a team account (TEAM/ACCOUNT):
 * the local commands' tables, this device's pending entries marked, and where
 * the numbers come from — the host now, or this device's copy as of its last
 * sync.
 */
import type { ReadOrigin, TeamAlerts, TeamEvents, TeamForecast, TeamUsage } from '../core/sync/mirror-reads.js';
import { alertsText, count, creditsOf, forecastText, reportText } from './format.js';
import { at } from './human.js';
import { table } from './table.js';

function sourceLine(o: ReadOrigin, now: number): string {
  return o.source === 'host' ? `${o.account}: the team host's numbers` : `${o.account}: offline — the team host is not reachable; the team's numbers as of ${o.asOf ? at(o.asOf, now) : 'the last sync'}`;
}

export function teamEventsText(r: TeamEvents, now: number): string {
  const lines = [sourceLine(r, now)];
  if (r.events.length === 0) lines.push('No events.');
  else {
    lines.push(
      table(
        ['EVENT', 'AT', 'ACTION', 'QTY', 'CREDITS', 'STATUS', 'MEMBER'],
        r.events.map((e) => [e.id, at(e.at, now), e.action, count(e.quantity), e.pending ? `about ${count(e.credits)}` : count(e.credits), e.pending ? 'pending — not sent yet' : e.status, e.memberName ?? e.member ?? '']),
      ),
    );
  }
  if (r.pendingEntries > 0) lines.push(`${r.pendingEntries} entr${r.pendingEntries === 1 ? 'y' : 'ies'} from this device not sent yet (credits estimated from the rate card: the host decides)`);
  return lines.join('\n');
}

export function teamUsageText(r: TeamUsage, now: number): string {
  const lines = [sourceLine(r, now), reportText(r, now)];
  if (r.total.pendingEvents > 0) {
    const perPool = new Map<string, number>();
    for (const x of r.rows) if (x.pendingEvents > 0) perPool.set(x.keys.pool ?? '', (perPool.get(x.keys.pool ?? '') ?? 0) + Math.round(x.pendingCredits * 1000));
    lines.push(`Of these, ${r.total.pendingEvents} pending from this device, not sent yet: about ${[...perPool].map(([p, mc]) => creditsOf(mc / 1000, p)).join(', ')}`);
  }
  return lines.join('\n');
}

export function teamForecastText(f: TeamForecast, now: number): string {
  const lines = [sourceLine(f, now), forecastText(f, now)];
  const pending = f.pools.filter((p) => p.pendingCredits > 0);
  if (pending.length) lines.push(`Counted as used: this device's entries not sent yet, about ${pending.map((p) => creditsOf(p.pendingCredits, p.pool)).join(', ')}`);
  for (const p of f.pools.filter((x) => x.periodEnded)) lines.push(`${p.pool}: its period has reset since the last sync; sync for the new period's numbers`);
  return lines.join('\n');
}

/** Offline, the mirror holds this period's alerts only: said, so an empty list is not read as "never". */
export function teamAlertsText(r: TeamAlerts, now: number): string {
  const list = alertsText(r.alerts.map((a) => ({ ...a, account: r.account })), now);
  return [sourceLine(r, now), r.source === 'mirror' && r.alerts.length === 0 ? 'No alerts this period.' : list].join('\n');
}
