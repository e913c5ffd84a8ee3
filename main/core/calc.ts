/**
 * Plan sizing, as the FluxNote guide walks it: finished assets per month ×
 * variations per finished asset, images per month, every member's output
 * combined, plus a growth buffer (the guide suggests 20–30 %) — then the
 * smallest plan whose allocation covers every pool. Needs can also be given
 * per pool (--need) or as monthly usage of rate-card actions (--use), which is
 * how the Lux estimate works: AI calls × tokens × model rate + emails + SMS × 2
 * + voice minutes × 5.
 */
import { InputError } from './util/errors.js';
import { formatMc, formatMoney, mcToCredits, parseCredits, parseMilli } from './util/credits.js';
import { coverShortfall, type PackBuy } from './pack-cover.js';
import type { Provider } from './presets/schema.js';

export interface CalcInput {
  videos?: string | number;
  variations?: string | number;
  images?: string | number;
  members?: string | number;
  buffer?: string | number;
  need?: Record<string, string>;
  use?: Record<string, string>;
}

export interface CalcPlan {
  plan: string;
  name: string;
  priceCents: number | null;
  allocations: Record<string, number | 'unlimited' | null>;
  fits: boolean | null;
  /** Dollars per unit of each pool (price ÷ allocation), null when unknown. */
  costPerUnit: Record<string, number | null>;
  shortfall: Record<string, number>;
  /**
   * The packs this plan would buy each month to cover what its allocation
   * leaves short (the cheapest whole packs): [] when it fits alone, null when
   * it cannot cover the need (no packs for a short pool, an allocation unknown).
   */
  packs: PackBuy[] | null;
  /** What the packs cost a month (minor units); null when a pack's price is not stated. */
  packsCents: number | null;
  /** The plan's price plus its packs, a month; null when either is not stated or it cannot cover. */
  totalCents: number | null;
}

export interface CalcResult {
  provider: string;
  needs: Record<string, number>;
  buffer: number;
  arithmetic: string[];
  /**
   * The cheapest way to cover the need, alone or with packs: the least
   * known monthly total; where totals are not stated, the smallest plan that
   * fits alone, else the one whose packs buy the fewest credits.
   */
  recommended: string | null;
  /** The recommendation in words: the plan and packs, the monthly cost and what it covers. */
  advice: string | null;
  plans: CalcPlan[];
}

/** Dollars per credit, rounded half-up to 1/10000 of a dollar, from integer inputs. */
export function costPerUnit(priceCents: number | null, allocationMc: number | 'unlimited' | null): number | null {
  if (priceCents === null || allocationMc === null || allocationMc === 'unlimited' || allocationMc === 0) return null;
  const num = BigInt(priceCents) * 100n * 1000n * 2n; // ten-thousandths of a dollar, doubled for rounding
  const q = (num / BigInt(allocationMc) + 1n) / 2n;
  return Number(q) / 10000;
}

function milli(v: string | number | undefined, field: string, dflt: number): number {
  return v === undefined ? dflt : parseMilli(v, field, { allowZero: true });
}

export function calc(provider: Provider, input: CalcInput): CalcResult {
  const members = milli(input.members, '--members', 1000);
  if (members === 0 || members % 1000 !== 0) throw new InputError('--members must be a whole number of at least 1', 'members');
  const buffer = milli(input.buffer, '--buffer', 200);
  if (buffer > 10_000) throw new InputError('--buffer is a fraction such as 0.2 (20 %), at most 10', 'buffer');
  const pools = new Set(provider.pools.map((p) => p.id));
  const raw: Record<string, bigint> = {}; // in millicredits × 1000 (so one extra factor of 1000 of precision)
  const arithmetic: string[] = [];
  const add = (pool: string, micro: bigint, text: string) => {
    if (!pools.has(pool)) throw new InputError(`${provider.name} has no ${pool} pool; its pools are ${[...pools].join(', ')}`, 'pool');
    raw[pool] = (raw[pool] ?? 0n) + micro;
    arithmetic.push(text);
  };
  const m = BigInt(members / 1000);
  const memberText = `${m} member${m === 1n ? '' : 's'}`;
  if (input.videos !== undefined) {
    const videos = milli(input.videos, '--videos', 0);
    const variations = milli(input.variations, '--variations', 1000);
    const micro = BigInt(videos) * BigInt(variations) * m; // milli × milli = micro-credits
    add('video', micro, `video: ${formatMc(videos)} finished × ${formatMc(variations)} generations each × ${memberText} = ${formatMc(Number(micro / 1000n))}`);
  } else if (input.variations !== undefined) {
    throw new InputError('--variations needs --videos', 'variations');
  }
  if (input.images !== undefined) {
    const images = milli(input.images, '--images', 0);
    const micro = BigInt(images) * 1000n * m;
    add('image', micro, `image: ${formatMc(images)} a month × ${memberText} = ${formatMc(Number(micro / 1000n))}`);
  }
  for (const [pool, v] of Object.entries(input.need ?? {})) {
    const need = parseCredits(v, `--need ${pool}`, { allowZero: true });
    add(pool, BigInt(need) * 1000n * m, `${pool}: ${formatMc(need)} a month × ${memberText} = ${formatMc(need * Number(m))}`);
  }
  for (const [actionId, spec] of Object.entries(input.use ?? {})) {
    const action = provider.actions.find((a) => a.id === actionId);
    if (!action) throw new InputError(`--use names unknown action "${actionId}"; ${provider.name} actions are ${provider.actions.map((a) => a.id).join(', ')}`, 'use');
    const factors = String(spec).split('x');
    if (factors.length > 3) throw new InputError(`--use ${actionId}=${spec}: give a quantity or CALLSxQUANTITY`, 'use');
    let qtyMicro = 1n;
    let scale = 1n;
    for (const f of factors) {
      qtyMicro *= BigInt(parseMilli(f, `--use ${actionId}`, { allowZero: true }));
      scale *= 1000n;
    }
    if (action.free) {
      arithmetic.push(`${actionId}: free`);
      continue;
    }
    if (action.cost === null) throw new InputError(`${actionId} has no cost in ${provider.name}'s docs; pass --need ${action.pool}=N instead`, 'use');
    const costMc = BigInt(parseCredits(action.cost, 'cost', { allowZero: true }));
    // qty (scaled) × cost_mc / per, kept at micro-credit precision and rounded up.
    const num = qtyMicro * costMc * 1000n * m;
    const den = scale * BigInt(action.per);
    const micro = (num + den - 1n) / den;
    add(action.pool, micro, `${action.pool}: ${factors.join(' × ')} ${action.unit}s of ${actionId} at ${String(action.cost)} per ${action.per} × ${memberText} = ${formatMc(Number(micro / 1000n))}`);
  }
  if (Object.keys(raw).length === 0) throw new InputError('say what you need: --videos/--images, --need POOL=N or --use ACTION=QTY', 'need');

  // Buffer, then round up to whole credits: plans grant whole credits.
  const needs: Record<string, number> = {};
  for (const [pool, micro] of Object.entries(raw)) {
    const buffered = (micro * BigInt(1000 + buffer) + 999_999_999n) / 1_000_000_000n; // whole credits, rounded up
    needs[pool] = Number(buffered);
    arithmetic.push(`${pool} with ${formatMc(buffer * 100)} % buffer: ${formatMc(Number(micro / 1000n))} × ${formatMc(1000 + buffer)} = ${formatMc(Number((micro * BigInt(1000 + buffer)) / 1_000_000n))} → ${needs[pool]} credits`);
  }

  const plans: CalcPlan[] = provider.plans.map((plan) => {
    const allocations: CalcPlan['allocations'] = {};
    const cpu: CalcPlan['costPerUnit'] = {};
    const shortfall: Record<string, number> = {};
    const allocMc: Record<string, number | 'unlimited' | null> = {};
    let fits: boolean | null = true;
    for (const pool of provider.pools) {
      const a = plan.allocations[pool.id] ?? null;
      const mc = a === null ? null : a === 'unlimited' ? 'unlimited' : parseCredits(a, 'allocation', { allowZero: true });
      allocMc[pool.id] = mc;
      allocations[pool.id] = mc === null ? null : mc === 'unlimited' ? 'unlimited' : mcToCredits(mc);
      cpu[pool.id] = costPerUnit(plan.priceCents, mc);
      const need = needs[pool.id];
      if (need === undefined) continue;
      if (mc === null) fits = fits === false ? false : null;
      else if (mc !== 'unlimited' && mc < need * 1000) {
        fits = false;
        shortfall[pool.id] = need - mcToCredits(mc);
      }
    }
    // Short pools topped up with packs, where the plan may buy them.
    let packs: PackBuy[] | null = fits === null ? null : [];
    for (const pool of Object.keys(shortfall)) {
      if (packs === null) break;
      const buy = coverShortfall(provider, plan, pool, needs[pool]! * 1000 - (allocMc[pool] as number));
      packs = buy === null ? null : [...packs, ...buy];
    }
    const packsCents = packs === null ? null : packs.reduce<number | null>((sum, k) => (sum === null || k.priceCents === null ? null : sum + k.priceCents), 0);
    const totalCents = packsCents === null || plan.priceCents === null ? null : plan.priceCents + packsCents;
    return { plan: plan.id, name: plan.name, priceCents: plan.priceCents, allocations, fits, costPerUnit: cpu, shortfall, packs, packsCents, totalCents };
  });
  const recommended = recommend(plans);
  const rec = plans.find((p) => p.plan === recommended);
  return { provider: provider.id, needs, buffer: buffer / 1000, arithmetic, recommended, advice: rec ? advise(provider, rec, needs) : null, plans };
}

/** Least known total first; then the smallest plan fitting alone; then the plan with packs that buys the fewest credits. */
function recommend(plans: CalcPlan[]): string | null {
  const covering = plans.filter((p) => p.packs !== null);
  const known = covering.filter((p) => p.totalCents !== null);
  if (known.length > 0) return known.reduce((a, b) => (b.totalCents! < a.totalCents! ? b : a)).plan;
  // Prices unknown: the plan that fits alone, else the one leaving the fewest credits to buy.
  const bought = (p: CalcPlan) => p.packs!.reduce((s, k) => s + Math.round(k.credits * 1000), 0);
  const alone = covering.find((p) => p.fits === true);
  if (alone) return alone.plan;
  return covering.length ? covering.reduce((a, b) => (bought(b) < bought(a) ? b : a)).plan : null;
}

/** "Edge + 1 Starter pack (500 credits) a month: $5.00 for the pack, plus Edge's price, which the docs do not state. Gives 700 credits a month for the 360 you need." */
function advise(provider: Provider, p: CalcPlan, needs: Record<string, number>): string {
  const money = (c: number) => formatMoney(c, provider.currency);
  const unit = (pool: string, n: number) => {
    const u = provider.pools.find((x) => x.id === pool)?.unit ?? 'credit';
    return `${formatMc(Math.round(n * 1000), { group: true })} ${u}${n === 1 ? '' : 's'}`;
  };
  const packs = p.packs ?? [];
  const packWords = packs.map((k) => (k.chosenAmount ? `${unit(k.pool, k.credits)} of ${k.name} (you choose the amount)` : `${k.count} ${k.name} pack${k.count === 1 ? '' : 's'} (${unit(k.pool, k.credits)})`));
  const what = packs.length ? `${p.name} + ${packWords.join(' + ')} a month` : p.name;
  const packsCost = p.packsCents === null ? `the pack${packs.length === 1 ? "'s price is" : "s' prices are"} not stated` : `${money(p.packsCents)} for the pack${packs.length === 1 ? '' : 's'}`;
  const cost =
    p.totalCents !== null
      ? `${p.totalCents === 0 ? 'nothing a month' : `${money(p.totalCents)} a month`}${packs.length && p.priceCents ? ` (${money(p.priceCents)} plan + ${money(p.packsCents!)} packs)` : ''}`
      : packs.length
        ? `${packsCost}, plus ${p.priceCents === null ? `${p.name}'s price, which the docs do not state` : p.priceCents === 0 ? 'nothing for the plan' : `${money(p.priceCents)} for the plan`}`
        : `${p.name}'s price is not stated in the docs`;
  const covers = Object.entries(needs).map(([pool, need]) => {
    const a = p.allocations[pool];
    if (a === 'unlimited') return `unlimited ${provider.pools.find((x) => x.id === pool)?.label.toLowerCase() ?? pool} a month for the ${formatMc(need * 1000, { group: true })} you need`;
    // Credits carry at most 3 decimals: sum them in millicredits.
    const gotMc = Math.round((a as number) * 1000) + packs.filter((k) => k.pool === pool).reduce((s, k) => s + Math.round(k.credits * 1000), 0);
    const got = gotMc / 1000;
    return `${unit(pool, got)} a month for the ${formatMc(need * 1000, { group: true })} you need`;
  });
  return `${what}: ${cost}. Gives ${covers.join(' and ')}.`;
}
