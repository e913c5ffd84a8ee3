/**
 * Alert hygiene for the dashboard: only the current period's alerts, each
 * marked resolved when what it warned about no longer holds (a top-up, an
 * upgrade), and the same words never twice.
 */
import type { AccountView, Alert, PoolBalance } from '../../api';

export interface ShownAlert {
  alert: Alert;
  text: string;
  resolved: boolean;
}

/** What the alerts need of their account (a team account's mirror has its name only: its low-balance level stays unknown there). */
export type AlertAccount = Pick<AccountView, 'name' | 'lowBalance' | 'lowBalancePercent'>;

/** What the alerts need of a pool: the local balance's, or a team account's as mirrored. */
type AlertPool = Pick<PoolBalance, 'pool' | 'periodStart' | 'unlimited' | 'available' | 'allocation' | 'usedThisPeriod' | 'overdrawn'>;

/** The alert as a sentence without the account's name (the section already says it). */
export function alertText(a: Alert, account: AlertAccount, poolLabel: (id: string) => string): string {
  if (a.kind === 'threshold') return `${poolLabel(a.pool)}: ${a.level} % of the allocation used`;
  if (a.kind === 'spend') return `${a.level} % of the monthly spending limit used`;
  return a.message.replace(`${account.name}: `, '');
}

function isResolved(a: Alert, p: AlertPool | undefined, account: AlertAccount): boolean {
  if (!p || p.unlimited) return false;
  const available = p.available ?? 0;
  const allocation = p.allocation ?? 0;
  switch (a.kind) {
    case 'threshold':
      // An upgrade raised the allocation below the level again; at 100 %, credits to spend again (a top-up) resolve it too.
      return p.usedThisPeriod * 100 < allocation * a.level || (a.level >= 100 && available > 0);
    case 'exhausted':
      return available > 0;
    case 'overdrawn':
      // Repaid by a grant or the reset: nothing owed any more.
      return (p.overdrawn ?? 0) === 0;
    case 'low-balance': {
      const low = account.lowBalance ?? (account.lowBalancePercent !== null ? (allocation * account.lowBalancePercent) / 100 : null);
      return low !== null && available > low;
    }
    default:
      return false;
  }
}

/** Newest first; open alerts before resolved ones. */
export function currentAlerts(alerts: readonly Alert[], pools: readonly AlertPool[] | undefined, account: AlertAccount, poolLabel: (id: string) => string): ShownAlert[] {
  const periodOf = (pool: string) => (pools?.find((p) => p.pool === pool) ?? pools?.[0])?.periodStart;
  const seen = new Set<string>();
  const out: ShownAlert[] = [];
  for (const a of [...alerts].sort((x, y) => y.id - x.id)) {
    if (pools && a.periodStart !== periodOf(a.pool)) continue;
    const text = alertText(a, account, poolLabel);
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({ alert: a, text, resolved: isResolved(a, pools?.find((p) => p.pool === a.pool), account) });
  }
  return [...out.filter((x) => !x.resolved), ...out.filter((x) => x.resolved)];
}
