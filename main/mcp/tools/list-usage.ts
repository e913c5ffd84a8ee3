import * as z from 'zod';
import type { Report } from '../../core/ledger/reports.js';
import { Credits, Instant, dec } from '../credits.js';
import { AccountId, defineTool } from './define.js';

export const listUsage = defineTool({
  name: 'list_usage',
  title: 'Usage for a period',
  description:
    "What an account spent over a period, broken down as you ask: by action, member, pool, status, day, week, month or attr:NAME (an attribute such as attr:project). Without from/to it covers the current billing period (from its last reset to the next). " +
    'Use it to see where the credits went, or what your own batch spent (by member). Voided usage is left out. Credits are exact decimal strings.',
  input: {
    account: AccountId,
    from: z.string().max(64).optional().describe('ISO 8601 start (default: the current period\'s start)'),
    to: z.string().max(64).optional().describe('ISO 8601 end, exclusive (default: the next reset)'),
    by: z.array(z.string().max(64)).max(4).optional().describe('group by up to 4 of: action, member, pool, status, day, week, month, attr:NAME (default: one total)'),
    action: z.string().max(64).optional().describe('only this action'),
    pool: z.string().max(64).optional().describe('only this pool'),
    member: z.string().max(64).optional().describe('only this member'),
  },
  output: {
    account: z.string(),
    from: Instant,
    to: Instant,
    by: z.array(z.string()),
    rows: z.array(z.object({ keys: z.record(z.string(), z.string()), events: z.number().int(), quantity: z.string(), credits: Credits })),
    total: z.object({ events: z.number().int(), credits: Credits }),
  },
  write: false,
  async handle(env, args) {
    const r = (await env.run('reports.usage', { account: args.account, from: args.from, to: args.to, by: args.by, action: args.action, pool: args.pool, member: args.member })) as Report;
    return {
      account: r.account,
      from: r.from,
      to: r.to,
      by: r.by,
      rows: r.rows.map((x) => ({ keys: x.keys, events: x.events, quantity: dec(x.quantity), credits: dec(x.credits) })),
      total: { events: r.total.events, credits: dec(r.total.credits) },
    };
  },
});
