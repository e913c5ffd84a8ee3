import * as z from 'zod';
import type { HandlerOutput } from '../../core/api/handlers.js';
import { Credits, Instant, dec } from '../credits.js';
import { AccountId, defineTool } from './define.js';
import { Action, Quantity } from './estimate-cost.js';

export const Attributes = z
  .record(z.string().max(64), z.string().max(1000))
  .optional()
  .describe('attributes of the work, e.g. {"project": "launch", "image": "hero.png"}: daily limits and per-image deduplication use them');

export const checkBudget = defineTool({
  name: 'check_budget',
  title: 'Check the budget for an action',
  description:
    'Would this usage be allowed right now? Runs every rule the ledger applies when usage is recorded — the hourly call limit, the pool\'s credits (reservations included), the account\'s monthly spending limit, a member\'s limit, daily limits, your team cap and your token\'s cap — and answers allow or deny without recording anything. ' +
    'When denied, "limit" names what blocks: credits, spending_limit, member_cap, token_cap or hourly_limit, and "message" and "details" say its figure, what is spent and when it resets. Call it before each costly step of a batch, or once with the whole batch\'s quantity. Credits are exact decimal strings.',
  input: {
    account: AccountId,
    action: Action,
    quantity: Quantity,
    attributes: Attributes,
    reservationId: z.string().min(1).max(64).optional().describe('check usage drawn from this reservation'),
    member: z.string().min(1).max(64).optional().describe('leave out: yourself (owners and admins may name another member)'),
  },
  output: {
    allowed: z.boolean(),
    account: z.string(),
    action: z.string(),
    pool: z.string(),
    credits: Credits.nullable().describe('what it would cost now (0 when free or already covered); null when denied'),
    status: z.enum(['applied', 'free', 'bypassed', 'covered']).nullable().describe('how it would be recorded'),
    limit: z.string().nullable().describe('what blocks it: credits, spending_limit, member_cap, token_cap or hourly_limit; null when allowed'),
    reason: z.string().nullable().describe("the ledger's refusal code (e.g. insufficient_credits, account_limit, daily_limit, rate_limit)"),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).describe('the blocking limit\'s figures: its cap or limit, what is spent, what this costs, when it resets or may be retried'),
    at: Instant,
  },
  write: false,
  async handle(env, args) {
    const r = (await env.run('agents.check', {
      account: args.account,
      action: args.action,
      quantity: args.quantity,
      attrs: args.attributes,
      holdId: args.reservationId,
      member: args.member,
    })) as HandlerOutput<'agents.check'>;
    return { ...r, credits: r.credits === null ? null : dec(r.credits), status: r.status === 'duplicate' ? null : r.status };
  },
});
