import * as z from 'zod';
import type { HandlerOutput } from '../../core/api/handlers.js';
import { Credits, Instant, dec, decOrNull } from '../credits.js';
import { limitedAccounts } from '../env.js';
import { AccountId, defineTool } from './define.js';

type Resets = HandlerOutput<'agents.resets'>;

export const getResetSchedule = defineTool({
  name: 'get_reset_schedule',
  title: 'Reset schedule',
  description:
    "Every pool's next reset and what will expire by then if nothing more is used: the monthly allowance left (minus what rolls over to the next period) and top-ups whose expiry comes first. Top-ups without an expiry survive resets. " +
    'Use it to plan work: spend credits that would expire before the reset, or wait for the reset when a pool is short. Credits are exact decimal strings.',
  input: { account: AccountId.optional().describe('one account (default: every account you can read)') },
  output: {
    at: Instant,
    accounts: z.array(
      z.object({
        account: z.string(),
        name: z.string(),
        zone: z.string().describe('the time zone its resets are counted in'),
        pools: z.array(
          z.object({
            pool: z.string(),
            unlimited: z.boolean(),
            periodStart: Instant,
            nextReset: Instant,
            monthlyRemaining: Credits.nullable(),
            rollsOver: Credits.describe('monthly credits carried into the next period'),
            expiresAtReset: Credits.describe('monthly credits lost at the reset'),
            topupsExpiring: z.array(z.object({ grantId: z.string(), source: z.string(), remaining: Credits, expiresAt: Instant })),
            expiringTotal: Credits.describe('everything that expires by the reset'),
          }),
        ),
      }),
    ),
  },
  write: false,
  async handle(env, args) {
    const only = args.account === undefined ? limitedAccounts(env.caller) : [args.account];
    let r: Resets;
    if (only === null) r = (await env.run('agents.resets', {})) as Resets;
    else {
      const parts = await Promise.all(only.map(async (account) => (await env.run('agents.resets', { account })) as Resets));
      r = { at: parts[0]?.at ?? new Date().toISOString(), accounts: parts.flatMap((p) => p.accounts) };
    }
    return {
      at: r.at,
      accounts: r.accounts.map((a) => ({
        ...a,
        pools: a.pools.map((p) => ({
          ...p,
          monthlyRemaining: decOrNull(p.monthlyRemaining),
          rollsOver: dec(p.rollsOver),
          expiresAtReset: dec(p.expiresAtReset),
          topupsExpiring: p.topupsExpiring.map((g) => ({ ...g, remaining: dec(g.remaining) })),
          expiringTotal: dec(p.expiringTotal),
        })),
      })),
    };
  },
});
