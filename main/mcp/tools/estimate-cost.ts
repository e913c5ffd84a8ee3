import * as z from 'zod';
import type { HandlerOutput } from '../../core/api/handlers.js';
import { Amount, Credits, Instant, dec, decOrNull } from '../credits.js';
import { AccountId, defineTool } from './define.js';

export const Action = z.string().min(1).max(64).describe("the action's id on the account's rate card (e.g. \"video\", \"image\", \"tool-call\")");
export const Quantity = Amount.optional().describe('how many units (default 1): e.g. 3 images, 1500 tokens; decimal text preferred. Whole-unit actions (an image, a video) take whole numbers only');

export const estimateCost = defineTool({
  name: 'estimate_cost',
  title: 'Estimate the cost of an action',
  description:
    "What an action costs in credits, from the account's rate card: ceil(quantity × cost ÷ per) to the millicredit, never less than the provider bills — and whether the pool has that much available right now. " +
    'Call it before you start work to size a reservation (reserve_credits takes the pool and credits it returns). It checks credits only; check_budget also applies spending limits, caps and hourly limits. Credits are exact decimal strings.',
  input: { account: AccountId, action: Action, quantity: Quantity },
  output: {
    account: z.string(),
    action: z.string(),
    pool: z.string().describe('the pool the action draws from'),
    unit: z.string(),
    quantity: z.string(),
    rate: z.object({ cost: Credits, per: z.number().int(), free: z.boolean(), wholeUnits: z.boolean(), hourlyLimit: z.number().int().nullable() }).describe('cost credits per `per` units'),
    credits: Credits.describe('what this quantity costs'),
    unlimited: z.boolean(),
    available: Credits.nullable().describe('what the pool has available now (null: unlimited)'),
    fits: z.boolean().describe('whether the pool has the credits for it now'),
    nextReset: Instant,
    at: Instant,
  },
  write: false,
  async handle(env, args) {
    const r = (await env.run('agents.estimate', { account: args.account, action: args.action, quantity: args.quantity })) as HandlerOutput<'agents.estimate'>;
    return {
      ...r,
      quantity: dec(r.quantity),
      rate: { ...r.rate, cost: dec(r.rate.cost) },
      credits: dec(r.credits),
      available: decOrNull(r.available),
    };
  },
});
