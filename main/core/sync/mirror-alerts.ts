/**
 * A team account's alerts of its current period, as the host has them at a
 * pull: what `creditdeck alerts ACCOUNT` shows of this period (kind, level,
 * pool, message, when), so a member's dashboard and `alerts TEAM/ACCOUNT`
 * show them offline, as of the last sync. Only this period's: older ones are
 * about numbers the mirror no longer holds. Additive: a mirror pulled before
 * it was sent has none.
 */
import type { Ctx } from '../ledger/context.js';
import { listAlerts, type Alert } from '../ledger/alerts.js';

/** An alert as mirrored: the host's own shape, without the member a spending-limit alert is about. */
export type MirroredAlert = Omit<Alert, 'member'>;

/** `periodStart`: the account's current period (ISO, as its balance says it; every pool of an account resets together). */
export function mirroredAlerts(ctx: Ctx, accountId: string, periodStart: string | undefined): MirroredAlert[] {
  if (periodStart === undefined) return [];
  return listAlerts(ctx, accountId)
    .filter((a) => a.periodStart === periodStart)
    .map(({ member: _m, ...a }) => a);
}
