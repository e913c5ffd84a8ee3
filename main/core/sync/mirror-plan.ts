/**
 * What a member's app shows of a team account's plan and packs (the Plans and
 * Purchases pages), sent in each team.pull beside the balance: the plan in
 * force with its price and monthly allocations, the packs the plan may buy,
 * and who buys them (the team's owners, by name: a member's app never buys for
 * the team, docs/team.md). Additive: a mirror pulled before it was sent has
 * none, and the pages show what there is.
 */
import type { Ctx } from '../ledger/context.js';
import { getAccount, planAt } from '../ledger/accounts.js';
import { listPeople } from '../team/people.js';
import { perCredit } from '../purchases/store.js';
import { mcToCredits, parseCredits } from '../util/credits.js';

export interface MirroredPack {
  id: string;
  name: string;
  pool: string;
  /** null: the buyer picks the amount. */
  credits: number | null;
  /** Minor units of the plan's currency; null when the vendor states none. */
  priceCents: number | null;
  /** Price per credit in major units, exact decimal text (purchases' perCredit); null without a price or a fixed amount. */
  perCredit: string | null;
}

export interface MirroredPlan {
  provider: string;
  providerName: string;
  id: string;
  name: string;
  /** Minor units a month; null when the vendor states none. */
  priceCents: number | null;
  currency: string;
  /** Each pool's monthly allocation on this plan, in credits. */
  monthly: Record<string, number | 'unlimited'>;
  /** The packs this plan may buy (its pack pools'), with their prices. */
  packs: MirroredPack[];
  /** Who buys packs for the team's pools: the owners' names. */
  buyers: string[];
}

export function mirroredPlan(ctx: Ctx, accountId: string): MirroredPlan {
  const a = getAccount(ctx, accountId);
  const { plan, amounts } = planAt(ctx, a, ctx.clock.now());
  return {
    provider: a.providerId,
    providerName: a.provider.name,
    id: plan.id,
    name: plan.name,
    priceCents: plan.priceCents,
    currency: a.provider.currency,
    monthly: Object.fromEntries(Object.entries(amounts).map(([pool, v]) => [pool, v === 'unlimited' ? 'unlimited' : mcToCredits(v)])),
    packs: a.provider.packs
      .filter((k) => plan.packPools.includes(k.pool))
      .map((k) => {
        const mc = k.credits === null ? null : parseCredits(String(k.credits), 'credits');
        return { id: k.id, name: k.name, pool: k.pool, credits: mc === null ? null : mcToCredits(mc), priceCents: k.priceCents, perCredit: mc && k.priceCents !== null ? perCredit(k.priceCents, mc, a.provider.currency) : null };
      }),
    buyers: listPeople(ctx)
      .filter((p) => p.role === 'owner')
      .map((p) => p.name),
  };
}
