/**
 * Limits the ledger checks on behalf of someone else (the team's member and
 * token caps, main/core/team/caps.ts), inside the usage write transaction:
 * after the pool's credits and the account's own limits, before the draw-down.
 * The ledger knows nothing of teams; it only asks.
 */
import type { RefusalReason } from '../util/errors.js';
import type { Account } from './accounts.js';

export interface CapCheck {
  account: Account;
  pool: string;
  member: string | null;
  /** What this event costs, in millicredits (only events that cost something are checked). */
  cost: number;
  periodStart: number;
  periodEnd: number;
  t: number;
}

export interface CapsHook {
  /** A refusal when this event would cross a cap, else null. May start a spend counter; writes no ledger row. */
  check(c: CapCheck): { reason: RefusalReason; message: string; details: Record<string, unknown> } | null;
  /** The event is booked (same transaction): count it. */
  booked(c: CapCheck & { eventId: string }): void;
  /** True when no cap applies to this event: check answers null and booked writes nothing (the batched path may then keep its spend in memory). */
  quiet?(c: CapCheck): boolean;
}

/** The spend counter of a member's cap on one pool (spend_counters.scope), per period. */
export function memberPoolScope(member: string, pool: string): string {
  return `team-cap:${member}/${pool}`;
}
