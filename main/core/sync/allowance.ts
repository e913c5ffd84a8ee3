/**
 * The offline allowance (docs/team.md, "Members' clients"): what a member's
 * client may spend from a pool while it cannot reach the host, leased at each
 * pull — a tenth of the pool's remaining credits, split between the team's
 * members who may record (owners, admins, members). Past it, the client
 * refuses on the member's machine, so what arrives late can overdraw a pool
 * by little. Whole millicredits, rounded down; an unlimited pool has none to
 * lease (it cannot run out).
 */
import type { Ctx } from '../ledger/context.js';
import { getAccount } from '../ledger/accounts.js';
import { balanceMc } from '../ledger/balance.js';
import { mcToCredits } from '../util/credits.js';

export const OFFLINE_SHARE_PERCENT = 10;

/** Per pool of an account: the credits one member may spend offline until the next pull; null for an unlimited pool. */
export function offlineAllowance(ctx: Ctx, account: string, at?: number): Record<string, number | null> {
  const recorders = (ctx.stmt(`SELECT COUNT(*) AS n FROM team_people WHERE removed_at IS NULL AND role IN ('owner', 'admin', 'member')`).get() as { n: number }).n;
  const out: Record<string, number | null> = {};
  for (const b of balanceMc(ctx, getAccount(ctx, account), at ?? ctx.clock.now())) {
    const remaining = Math.max(0, b.monthlyMc + b.topupMc - b.heldMc);
    out[b.pool] = b.unlimited ? null : mcToCredits(Math.floor((remaining * OFFLINE_SHARE_PERCENT) / (100 * Math.max(1, recorders))));
  }
  return out;
}
