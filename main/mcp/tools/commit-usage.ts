import * as z from 'zod';
import type { UseResult } from '../../core/ledger/usage.js';
import { InputError } from '../../core/util/errors.js';
import { Credits, Instant, dec } from '../credits.js';
import { AccountId, IdempotencyKey, defineTool } from './define.js';
import { Action, Quantity } from './estimate-cost.js';
import { Attributes } from './check-budget.js';

export const commitUsage = defineTool({
  name: 'commit_usage',
  title: 'Record usage',
  description:
    'Record work you have done (or are about to send to the provider) so the ledger spends its credits: one call per step, e.g. one per generated image or per batch of tokens. ' +
    'With reservationId it is drawn from that reservation first (a capture); without, straight from the pool. The cost comes from the rate card, exact to the millicredit. ' +
    'Refused, with nothing written, when a limit blocks it (the error names the limit: credits, spending limit, member or token cap, hourly limit). ' +
    'A retry with the same idempotencyKey and arguments returns the first result with replayed: true and spends nothing twice. Credits are exact decimal strings.',
  input: {
    account: AccountId.optional().describe('the account (required without reservationId; with one, the reservation\'s account is used)'),
    action: Action,
    quantity: Quantity,
    reservationId: z.string().min(1).max(64).optional().describe('draw from this reservation (from reserve_credits)'),
    attributes: Attributes,
    member: z.string().min(1).max(64).optional().describe('leave out: recorded as yours (owners and admins may name another member)'),
    idempotencyKey: IdempotencyKey,
  },
  output: {
    eventId: z.string(),
    replayed: z.boolean().describe('true when this key was already recorded: the first result, nothing spent again'),
    status: z.enum(['applied', 'free', 'bypassed', 'covered']).describe('applied: charged; free: the action costs nothing; covered: already paid for this subject this period'),
    account: z.string(),
    action: z.string(),
    pool: z.string(),
    credits: Credits.describe('what it cost'),
    reservationId: z.string().nullable(),
    at: Instant,
  },
  write: true,
  async handle(env, args) {
    const common = { action: args.action, quantity: args.quantity, key: args.idempotencyKey, attrs: args.attributes, member: args.member };
    let r: UseResult;
    if (args.reservationId !== undefined) r = (await env.run('holds.capture', { hold: args.reservationId, ...common })) as UseResult;
    else if (args.account !== undefined) r = (await env.run('usage.record', { account: args.account, ...common })) as UseResult;
    else throw new InputError('commit_usage needs an account, or a reservationId to draw from', 'account');
    // A replay answers what the first call did.
    const status = r.status === 'duplicate' ? r.originalStatus! : r.status;
    return { eventId: r.eventId, replayed: r.status === 'duplicate', status, account: r.account, action: r.action, pool: r.pool, credits: dec(r.credits), reservationId: args.reservationId ?? null, at: r.at };
  },
});
