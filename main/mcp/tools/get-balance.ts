import * as z from 'zod';
import type { Balance } from '../../core/ledger/balance.js';
import { InputError } from '../../core/util/errors.js';
import { Credits, Instant, dec, decOrNull } from '../credits.js';
import { AccountId, defineTool } from './define.js';

export const getBalance = defineTool({
  name: 'get_balance',
  title: 'Get a balance',
  description:
    "An account's balance now, per pool (or one pool): remaining credits split into the monthly part (this period's allowance, which expires at the reset unless it rolls over) and the top-up part (purchased or granted credits that survive resets), what open reservations hold, what is available to spend now, what was used this period, and the next reset. " +
    'Check it before a large batch job. Credits are exact decimal strings; null means unlimited.',
  input: { account: AccountId, pool: z.string().min(1).max(64).optional().describe('one pool only (default: every pool of the account)') },
  output: {
    account: z.string(),
    name: z.string(),
    plan: z.string(),
    at: Instant,
    pools: z.array(
      z.object({
        pool: z.string(),
        label: z.string(),
        unit: z.string(),
        unlimited: z.boolean(),
        remaining: Credits.nullable().describe('monthly + top-up credits left, held ones included'),
        monthly: Credits.nullable().describe("this period's allowance left"),
        topup: Credits.describe('top-up credits left (they survive resets)'),
        held: Credits.describe('reserved by open reservations'),
        available: Credits.nullable().describe('remaining minus held: what you can spend or reserve now'),
        allocation: Credits.nullable().describe("this period's allowance"),
        usedThisPeriod: Credits,
        periodStart: Instant,
        nextReset: Instant,
      }),
    ),
  },
  write: false,
  async handle(env, args) {
    const b = (await env.run('balance.get', { account: args.account })) as Balance;
    const pools = args.pool === undefined ? b.pools : b.pools.filter((p) => p.pool === args.pool);
    if (pools.length === 0) throw new InputError(`${b.account} has no pool "${args.pool}"; its pools are ${b.pools.map((p) => p.pool).join(', ')}`, 'pool');
    return {
      account: b.account,
      name: b.name,
      plan: b.plan,
      at: b.at,
      pools: pools.map((p) => ({
        pool: p.pool,
        label: p.label,
        unit: p.unit,
        unlimited: p.unlimited,
        remaining: decOrNull(p.remaining),
        monthly: decOrNull(p.monthlyRemaining),
        topup: dec(p.topupRemaining),
        held: dec(p.held),
        available: decOrNull(p.available),
        allocation: decOrNull(p.allocation),
        usedThisPeriod: dec(p.usedThisPeriod),
        periodStart: p.periodStart,
        nextReset: p.nextReset,
      })),
    };
  },
});
