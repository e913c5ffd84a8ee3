/**
 * The provider document: a preset or a user's custom provider. Data, not code:
 * every number here comes from the provider's own documentation, and a number
 * the docs do not give is `null` with a note saying the user must set it.
 */
import * as z from 'zod';
import { isTimeZone } from '../util/period.js';
import { plainText, plainTextCheck } from '../util/text.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9._:-]{0,63}$/, 'must be lowercase letters, digits, ".", "_", ":" or "-" (max 64)');
/** Credits as a JSON number or decimal string, at most 3 decimals. */
const credits = z.union([z.number().nonnegative().finite(), z.string().regex(/^\d+(\.\d{1,3})?$/)]);
const cents = z.number().int().nonnegative().max(1e12);

export const poolSchema = z.strictObject({
  id,
  label: plainText().min(1).max(80),
  unit: plainText().min(1).max(40),
  /** Monthly credits that survive a reset; null = use-it-or-lose-it. */
  rolloverCap: credits.nullable().default(null),
});

export const planSchema = z.strictObject({
  id,
  name: plainText().min(1).max(80),
  /** Monthly price in minor units; null when the docs give none. */
  priceCents: cents.nullable(),
  priceNote: plainText().max(200).optional(),
  /** Credits granted per period by pool: a number, "unlimited", or null = the user gives it (--amount). */
  allocations: z.record(id, z.union([credits, z.literal('unlimited'), z.null()])),
  /** Pools whose packs/top-ups this plan may buy. */
  packPools: z.array(id).default([]),
  note: plainText().max(500).optional(),
});

export const packSchema = z.strictObject({
  id,
  name: plainText().min(1).max(80),
  pool: id,
  /** null: the buyer picks the amount. */
  credits: credits.nullable(),
  priceCents: cents.nullable(),
  /** A provider's own Payment Link or billing page. */
  url: z.url({ protocol: /^https$/ }).superRefine(plainTextCheck).optional(),
  note: plainText().max(500).optional(),
});

export const actionSchema = z.strictObject({
  id,
  label: plainText().min(1).max(80),
  pool: id,
  /** Credits charged per `per` units of quantity; null = the user must set it. */
  cost: credits.nullable(),
  per: z.number().int().positive().max(1e9).default(1),
  /** What the quantity counts (tokens, minutes, messages…). */
  unit: plainText().min(1).max(40).default('call'),
  free: z.boolean().default(false),
  /** The unit is a whole thing (a video, an image, a call): quantities must be whole numbers. */
  wholeUnits: z.boolean().default(false),
  /** One charge per subject per period across every action of the group. */
  dedupe: z.strictObject({ group: id, attr: id }).nullable().default(null),
  hourlyLimit: z.number().int().positive().max(1e9).nullable().default(null),
  note: plainText().max(500).optional(),
});

export const providerSchema = z
  .strictObject({
    id,
    name: plainText().min(1).max(80),
    docs: plainText().max(500).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
    reset: z.discriminatedUnion('rule', [
      z.strictObject({ rule: z.literal('calendar-month'), zone: z.string().refine(isTimeZone, 'must be an IANA time zone') }),
      z.strictObject({ rule: z.literal('anniversary') }),
    ]),
    pools: z.array(poolSchema).min(1).max(16),
    plans: z.array(planSchema).min(1).max(32),
    packs: z.array(packSchema).max(64).default([]),
    /** Purchased credits refundable, unused, within this many days; null = no refunds. */
    refundWindowDays: z.number().int().positive().max(3650).nullable().default(null),
    actions: z.array(actionSchema).max(512),
    alerts: z
      .strictObject({
        thresholds: z.array(z.number().int().min(1).max(100)).max(10).default([50, 80, 100]),
        lowBalance: credits.nullable().default(null),
        /** A low-balance level as a share of the period's allocation, when the docs promise low-credit alerts without a number. */
        lowBalancePercent: z.number().int().min(1).max(100).nullable().default(null),
      })
      .default({ thresholds: [50, 80, 100], lowBalance: null, lowBalancePercent: null }),
    /** Usage through the user's own API key bypasses credits (Flowly): the app offers it when recording. */
    byoKey: z.boolean().default(false),
    /** What happens when credits run out, in the provider's words. */
    onEmpty: plainText().max(200).default('usage is refused until credits are added or the period resets'),
    notes: z.array(plainText().max(500)).max(32).default([]),
  })
  .superRefine((p, ctx) => {
    const pools = new Set(p.pools.map((x) => x.id));
    const dup = (list: { id: string }[], path: string) => {
      const seen = new Set<string>();
      list.forEach((x, i) => {
        if (seen.has(x.id)) ctx.addIssue({ code: 'custom', path: [path, i, 'id'], message: `duplicate id "${x.id}"` });
        seen.add(x.id);
      });
    };
    dup(p.pools, 'pools');
    dup(p.plans, 'plans');
    dup(p.packs, 'packs');
    dup(p.actions, 'actions');
    p.plans.forEach((plan, i) => {
      for (const pool of Object.keys(plan.allocations)) {
        if (!pools.has(pool)) ctx.addIssue({ code: 'custom', path: ['plans', i, 'allocations', pool], message: `unknown pool "${pool}"` });
      }
      for (const pool of pools) {
        if (!(pool in plan.allocations)) ctx.addIssue({ code: 'custom', path: ['plans', i, 'allocations'], message: `missing pool "${pool}"` });
      }
      plan.packPools.forEach((pool, j) => {
        if (!pools.has(pool)) ctx.addIssue({ code: 'custom', path: ['plans', i, 'packPools', j], message: `unknown pool "${pool}"` });
      });
    });
    p.packs.forEach((pack, i) => {
      if (!pools.has(pack.pool)) ctx.addIssue({ code: 'custom', path: ['packs', i, 'pool'], message: `unknown pool "${pack.pool}"` });
    });
    p.actions.forEach((a, i) => {
      if (!pools.has(a.pool)) ctx.addIssue({ code: 'custom', path: ['actions', i, 'pool'], message: `unknown pool "${a.pool}"` });
      // The ledger's own action for reconciliations (ledger/reconcile.ts, RECONCILIATION_ACTION): no rate card may define it.
      if (a.id === 'reconciliation') ctx.addIssue({ code: 'custom', path: ['actions', i, 'id'], message: '"reconciliation" is the ledger\'s own action for reconciliations with a vendor\'s meter; choose another id' });
      // And for opening entries (ledger/opening.ts, OPENING_ACTION).
      if (a.id === 'opening') ctx.addIssue({ code: 'custom', path: ['actions', i, 'id'], message: '"opening" is the ledger\'s own action for what was used before an account was added; choose another id' });
    });
  });

export type Provider = z.infer<typeof providerSchema>;
export type ProviderInput = z.input<typeof providerSchema>;
export type Plan = z.infer<typeof planSchema>;
export type ActionDef = z.infer<typeof actionSchema>;
