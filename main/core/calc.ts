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
import { formatMc, mcToCredits, parseCredits, parseMilli } from './util/credits.js';
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
}

export interface CalcResult {
  provider: string;
  needs: Record<string, number>;
  buffer: number;
  arithmetic: string[];
  recommended: string | null;
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
    let fits: boolean | null = true;
    for (const pool of provider.pools) {
      const a = plan.allocations[pool.id] ?? null;
      const mc = a === null ? null : a === 'unlimited' ? 'unlimited' : parseCredits(a, 'allocation', { allowZero: true });
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
    return { plan: plan.id, name: plan.name, priceCents: plan.priceCents, allocations, fits, costPerUnit: cpu, shortfall };
  });
  const recommended = plans.find((p) => p.fits === true)?.plan ?? null;
  return { provider: provider.id, needs, buffer: buffer / 1000, arithmetic, recommended, plans };
}
