import * as z from 'zod';
import type { Balance } from '../../core/ledger/balance.js';
import { Credits, Instant, dec, decOrNull } from '../credits.js';
import { limitedAccounts, type ToolEnv } from '../env.js';
import { defineTool } from './define.js';

/** Every balance the caller may read: all accounts, or those a limited token names. */
export async function readableBalances(env: ToolEnv): Promise<Balance[]> {
  const only = limitedAccounts(env.caller);
  if (only === null) return (await env.run('balance.all', {})) as Balance[];
  return Promise.all(only.map(async (account) => (await env.run('balance.get', { account })) as Balance));
}

export const listPools = defineTool({
  name: 'list_pools',
  title: 'List credit pools',
  description:
    'List every credit pool you can use: one row per account and pool (e.g. a Flux account\'s "credits" pool), with what is available now and when it next resets. Call this first to learn the account and pool ids the other tools take. ' +
    'Credits are exact decimal strings ("12.5"). "available" is what you can spend or reserve now (remaining minus what reservations hold); null means the pool is unlimited on its plan.',
  input: {},
  output: {
    pools: z.array(
      z.object({
        account: z.string(),
        accountName: z.string(),
        provider: z.string(),
        plan: z.string(),
        pool: z.string(),
        label: z.string(),
        unit: z.string(),
        unlimited: z.boolean(),
        available: Credits.nullable(),
        held: Credits,
        nextReset: Instant,
      }),
    ),
  },
  write: false,
  async handle(env) {
    const balances = await readableBalances(env);
    return {
      pools: balances.flatMap((b) =>
        b.pools.map((p) => ({
          account: b.account,
          accountName: b.name,
          provider: b.provider,
          plan: b.plan,
          pool: p.pool,
          label: p.label,
          unit: p.unit,
          unlimited: p.unlimited,
          available: decOrNull(p.available),
          held: dec(p.held),
          nextReset: p.nextReset,
        })),
      ),
    };
  },
});
