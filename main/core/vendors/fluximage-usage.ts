/**
 * The ledger's numbers in the shape Fluximage documents for its usage API
 * (`GET https://fluximage.app/api/usage`), so a script written against the
 * vendor works against the team's pool. docs/vendors.md has every field.
 */
import { InputError } from '../util/errors.js';
import { mcToCredits } from '../util/credits.js';
import { getAccount, planAt, type Account } from '../ledger/accounts.js';
import { getBalance, type PoolBalance } from '../ledger/balance.js';
import type { Ctx } from '../ledger/context.js';

export interface FluximageUsage {
  plan: string;
  compressor_used: number;
  /** null: unlimited (Pro, Agency) — what JSON.stringify makes of a limit of Infinity; docs/vendors.md says why. */
  compressor_limit: number | null;
  ia_credits_used: number;
  ia_credits_monthly: number | null;
  ia_topup_credits: number;
  ia_credits_remaining: number | null;
  canCompress: boolean;
  canUseIA: boolean;
}

/** Whether an account keeps Fluximage's two pools (the preset, or a custom provider of the same shape). */
export function isFluximage(acct: Account): boolean {
  const pools = new Set(acct.provider.pools.map((p) => p.id));
  return acct.providerId === 'fluximage' && pools.has('compression') && pools.has('ai');
}

export function fluximageUsage(ctx: Ctx, account: string, at?: number): FluximageUsage {
  const acct = getAccount(ctx, account);
  if (!isFluximage(acct)) {
    throw new InputError(`${acct.id} is a ${acct.provider.name} account; this shape is Fluximage's (compression and AI credits): read /v1/balances/${acct.id} instead`, 'account');
  }
  const t = at ?? ctx.clock.now();
  const b = getBalance(ctx, acct.id, t);
  const pool = (id: string): PoolBalance => b.pools.find((p) => p.pool === id)!;
  const comp = pool('compression');
  const ai = pool('ai');
  // The plan's monthly allocations, as the vendor states them: not this period's grants (an upgrade mid-period adds one).
  const amounts = planAt(ctx, acct, t).amounts;
  const monthly = (id: string): number | null => (amounts[id] === 'unlimited' || amounts[id] === undefined ? null : mcToCredits(amounts[id]));
  return {
    plan: b.plan,
    compressor_used: comp.usedThisPeriod,
    compressor_limit: comp.unlimited ? null : monthly('compression'),
    ia_credits_used: ai.usedThisPeriod,
    ia_credits_monthly: ai.unlimited ? null : monthly('ai'),
    ia_topup_credits: ai.topupRemaining,
    ia_credits_remaining: ai.remaining,
    // "You can still compress" / "you have AI credits available": credits held for a batch job are not available.
    canCompress: comp.unlimited || comp.available! > 0,
    canUseIA: ai.unlimited || ai.available! > 0,
  };
}
