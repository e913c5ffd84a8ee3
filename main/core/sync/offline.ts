/**
 * What a member's device knows offline about a team account, from its mirror
 * and its outbox: whether a new entry still fits the allowance leased at the
 * last pull, and what this device's pending entries will cost (an estimate
 * from the mirrored rate card: the host decides). The command line and the
 * desktop app both ask these.
 */
import { RefusedError } from '../util/errors.js';
import { Mirror, pendingEstimate } from './mirror.js';
import type { Outbox } from './outbox.js';

/** The team as these checks need it: its id in the outbox, and the alias that names its accounts. */
export interface TeamRef {
  alias: string;
  team: { id: string };
}

/**
 * Offline, the allowance leased at the last pull caps what this device may
 * spend from a pool (allowance.ts): the refusal when the pending entries,
 * the new one included, would go past it; null when they fit.
 */
export function overAllowance(box: Outbox, c: TeamRef, account: string, action: unknown): RefusedError | null {
  const a = new Mirror(box.db).account(c.team.id, account);
  if (!a) return new RefusedError(`this device has no offline allowance for ${c.alias}/${account} yet: it records offline only after it has synced with the team host once; nothing was recorded`, 'offline_allowance');
  const pool = a.actions.find((x) => x.id === action)?.pool;
  // An action the mirror does not know is the host's to judge when it arrives.
  if (pool === undefined) return null;
  const allowance = a.allowance?.[pool];
  if (allowance === null) return null;
  const pending = pendingEstimate(a, box.pending(c.team.id)).byPool[pool] ?? 0;
  if (allowance !== undefined && pending <= allowance) return null;
  return new RefusedError(
    `offline, this device may spend ${allowance ?? 0} ${pool} credits of ${c.alias}/${account} until it syncs, and its entries not yet sent would come to about ${Math.round(pending * 1000) / 1000}; nothing was recorded — record it once the team host is back`,
    'offline_allowance',
    { allowance: allowance ?? 0, pending: Math.round(pending * 1000) / 1000, pool },
  );
}

/** This device's pending entries on an account, estimated per pool; null when the mirror has no copy of it. */
export function pendingNote(box: Outbox, c: TeamRef, account: string): { entries: number; byPool: Record<string, number> } | null {
  const a = new Mirror(box.db).account(c.team.id, account);
  return a ? pendingEstimate(a, box.pending(c.team.id)) : null;
}
