/**
 * Packs on top of a plan: the cheapest whole packs a plan may buy that cover
 * what its monthly allocation leaves short. Shared by `calc` (a need sized
 * ahead) and plan fit (usage replayed), so the two never disagree.
 *
 * Exact: credits in millicredits, prices in minor units, integers only. Packs
 * with a price and an amount are combined to the least cost (several of one,
 * or a mix); when no such pack exists, a pack whose amount the buyer chooses
 * covers the shortfall exactly, and a pack without a price counts whole packs
 * at a price the docs do not give (`priceCents: null`).
 */
import { mcToCredits, parseCredits } from './util/credits.js';
import type { Plan, Provider } from './presets/schema.js';

export interface PackBuy {
  pack: string;
  name: string;
  pool: string;
  count: number;
  /** Credits the packs add (count × the pack's amount, or the amount chosen), to the millicredit. */
  credits: number;
  /** Minor units for all `count` packs; null when the docs give no price. */
  priceCents: number | null;
  /** The buyer picks the amount: `credits` is the shortfall itself. */
  chosenAmount: boolean;
}

/** Above this many steps of the packs' common size the least-cost search gives way to the best single pack. */
const MAX_STEPS = 100_000;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Packs this plan may buy for a pool. */
export function packsFor(provider: Provider, plan: Plan, pool: string): Provider['packs'] {
  return plan.packPools.includes(pool) ? provider.packs.filter((k) => k.pool === pool) : [];
}

/** Least-cost whole packs covering `shortMc`, or null when none are sold for it. */
export function coverShortfall(provider: Provider, plan: Plan, pool: string, shortMc: number): PackBuy[] | null {
  if (shortMc <= 0) return [];
  const all = packsFor(provider, plan, pool);
  if (all.length === 0) return null;
  const sized = all.map((k) => ({ k, mc: k.credits === null ? null : parseCredits(k.credits, 'pack credits', { allowZero: true }) }));
  const priced = sized.filter((x): x is { k: (typeof x)['k']; mc: number } => x.mc !== null && x.mc > 0 && x.k.priceCents !== null);
  if (priced.length > 0) return leastCost(priced, pool, shortMc);
  const chosen = sized.find((x) => x.mc === null);
  if (chosen) return [{ pack: chosen.k.id, name: chosen.k.name, pool, count: 1, credits: mcToCredits(shortMc), priceCents: null, chosenAmount: true }];
  const fixed = sized.filter((x): x is { k: (typeof x)['k']; mc: number } => x.mc !== null && x.mc > 0);
  if (fixed.length === 0) return null;
  // No prices: the fewest packs.
  const best = fixed.reduce((a, b) => (Math.ceil(shortMc / b.mc) < Math.ceil(shortMc / a.mc) ? b : a));
  const count = Math.ceil(shortMc / best.mc);
  return [{ pack: best.k.id, name: best.k.name, pool, count, credits: mcToCredits(count * best.mc), priceCents: null, chosenAmount: false }];
}

type Priced = { k: Provider['packs'][number]; mc: number };

function buys(list: Priced[], counts: number[], pool: string): PackBuy[] {
  const out: PackBuy[] = [];
  list.forEach((x, i) => {
    const n = counts[i]!;
    if (n > 0) out.push({ pack: x.k.id, name: x.k.name, pool, count: n, credits: mcToCredits(n * x.mc), priceCents: n * x.k.priceCents!, chosenAmount: false });
  });
  return out;
}

/** The least cost to reach at least `shortMc`, in steps of the packs' common size (ties: fewer packs). */
function leastCost(list: Priced[], pool: string, shortMc: number): PackBuy[] {
  const g = list.reduce((a, x) => gcd(a, x.mc), 0);
  const target = Math.ceil(shortMc / g);
  if (target > MAX_STEPS) {
    // Too fine to search: whole packs of the one pack that is cheapest for this shortfall.
    let best = 0;
    let bestCost = Infinity;
    list.forEach((x, i) => {
      const cost = Math.ceil(shortMc / x.mc) * x.k.priceCents!;
      if (cost < bestCost) [best, bestCost] = [i, cost];
    });
    const counts = list.map((_, i) => (i === best ? Math.ceil(shortMc / list[i]!.mc) : 0));
    return buys(list, counts, pool);
  }
  const steps = list.map((x) => x.mc / g);
  // cost[t], packs[t]: cheapest way to cover at least t steps; pick[t]: the pack bought last.
  const cost = new Array<number>(target + 1).fill(Infinity);
  const packs = new Array<number>(target + 1).fill(0);
  const pick = new Array<number>(target + 1).fill(-1);
  cost[0] = 0;
  for (let t = 1; t <= target; t++) {
    for (let i = 0; i < list.length; i++) {
      const from = Math.max(0, t - steps[i]!);
      const c = cost[from]! + list[i]!.k.priceCents!;
      const n = packs[from]! + 1;
      if (c < cost[t]! || (c === cost[t]! && n < packs[t]!)) [cost[t], packs[t], pick[t]] = [c, n, i];
    }
  }
  const counts = list.map(() => 0);
  for (let t = target; t > 0; t = Math.max(0, t - steps[pick[t]!]!)) counts[pick[t]!] = counts[pick[t]!]! + 1;
  return buys(list, counts, pool);
}
