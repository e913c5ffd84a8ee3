/**
 * The queries an agent asks before it spends (the MCP tools, main/mcp/),
 * merged into the one handler map (handlers.ts). They read; none writes:
 *   agents.estimate — what an action costs from the rate card, and whether the pool has it now;
 *   agents.check    — would this usage be allowed now, and if not which limit blocks it
 *                     (the real recording path, rolled back: ledger/dry-run.ts);
 *   agents.resets   — each pool's next reset and what will expire by then.
 */
import * as z from 'zod';
import type { Ctx } from '../ledger/context.js';
import { getAccount, listAccounts, type Account } from '../ledger/accounts.js';
import { balanceMc } from '../ledger/balance.js';
import { dryRunUsage } from '../ledger/dry-run.js';
import { checkWholeUnits, costOf, getAction } from '../ledger/usage.js';
import { teamCaps } from '../team/caps.js';
import { mcToCredits, parseCredits, parseMilli } from '../util/credits.js';
import type { RefusalReason } from '../util/errors.js';
import { iso } from '../util/period.js';
import { plainText } from '../util/text.js';
import type { Services } from './handlers.js';

function def<S extends z.ZodType, R>(input: S, run: (ctx: Ctx, input: z.infer<S>, services?: Services) => R) {
  return { input, run };
}

const num = z.union([z.string(), z.number()]);

/** The limit an agent is told about, for each refusal the ledger can give a usage event. */
export const BLOCKING_LIMIT: Readonly<Partial<Record<RefusalReason, 'credits' | 'spending_limit' | 'member_cap' | 'token_cap' | 'hourly_limit'>>> = {
  insufficient_credits: 'credits',
  account_limit: 'spending_limit',
  member_limit: 'spending_limit',
  daily_limit: 'spending_limit',
  member_cap: 'member_cap',
  token_cap: 'token_cap',
  rate_limit: 'hourly_limit',
};

/** Monthly credits (this period's grant, upgrades, rollover) that the reset takes away when nothing more is used: all but the rollover. */
function lostAtReset(acct: Account, pool: string, monthlyMc: number): { expiresMc: number; rollsOverMc: number } {
  const cap = acct.provider.pools.find((p) => p.id === pool)?.rolloverCap ?? null;
  const rollsOverMc = cap === null ? 0 : Math.min(parseCredits(cap, 'rolloverCap', { allowZero: true }), monthlyMc);
  return { expiresMc: monthlyMc - rollsOverMc, rollsOverMc };
}

function resetsOf(ctx: Ctx, acct: Account, t: number) {
  return {
    account: acct.id,
    name: acct.name,
    zone: acct.zone,
    pools: balanceMc(ctx, acct, t).map((b) => {
      // Top-ups with an expiry at or before the reset (the others survive it untouched).
      const topups = ctx
        .stmt(
          `SELECT g.id, g.source, g.expires_at, b.remaining_mc FROM grants g JOIN grant_balances b ON b.grant_id = g.id
           WHERE g.account_id = ? AND g.pool = ? AND b.remaining_mc > 0 AND g.source NOT IN ('monthly','upgrade','rollover')
             AND g.expires_at IS NOT NULL AND g.expires_at > ? AND g.expires_at <= ? AND g.granted_at <= ? ORDER BY g.expires_at, g.id`,
        )
        .all(acct.id, b.pool, t, b.nextReset, t) as { id: string; source: string; expires_at: number; remaining_mc: number }[];
      const monthly = b.unlimited ? { expiresMc: 0, rollsOverMc: 0 } : lostAtReset(acct, b.pool, b.monthlyMc);
      const topupMc = topups.reduce((s, g) => s + g.remaining_mc, 0);
      return {
        pool: b.pool,
        unlimited: b.unlimited,
        periodStart: iso(b.periodStart),
        nextReset: iso(b.nextReset),
        monthlyRemaining: b.unlimited ? null : mcToCredits(b.monthlyMc),
        rollsOver: mcToCredits(monthly.rollsOverMc),
        expiresAtReset: mcToCredits(monthly.expiresMc),
        topupsExpiring: topups.map((g) => ({ grantId: g.id, source: g.source, remaining: mcToCredits(g.remaining_mc), expiresAt: iso(g.expires_at) })),
        expiringTotal: mcToCredits(monthly.expiresMc + topupMc),
      };
    }),
  };
}

const usage = {
  account: plainText(),
  action: plainText().max(64),
  quantity: num.optional(),
};

export const agentHandlers = {
  'agents.estimate': def(z.object(usage), (ctx, i) => {
    const acct = getAccount(ctx, i.account);
    const action = getAction(ctx, acct, i.action);
    const quantityMilli = i.quantity === undefined ? 1000 : parseMilli(i.quantity, 'quantity');
    checkWholeUnits(action, quantityMilli);
    const cost = costOf(action, quantityMilli);
    const t = ctx.clock.now();
    const b = balanceMc(ctx, acct, t).find((x) => x.pool === action.pool)!;
    const available = b.unlimited ? null : Math.max(0, b.monthlyMc + b.topupMc - b.heldMc);
    return {
      account: acct.id,
      action: action.id,
      pool: action.pool,
      unit: action.unit,
      quantity: mcToCredits(quantityMilli),
      rate: { cost: action.free ? 0 : mcToCredits(action.cost_mc ?? 0), per: action.per, free: action.free === 1, wholeUnits: action.whole_units === 1, hourlyLimit: action.hourly_limit },
      credits: mcToCredits(cost),
      unlimited: b.unlimited,
      available: available === null ? null : mcToCredits(available),
      fits: available === null || cost <= available,
      nextReset: iso(b.nextReset),
      at: iso(t),
    };
  }),
  'agents.check': def(
    z.object({
      ...usage,
      member: plainText().max(64).optional(),
      attrs: z.record(plainText().max(64), plainText().max(1000)).optional(),
      byoKey: z.boolean().optional(),
      holdId: plainText().max(64).optional(),
    }),
    (ctx, i, s) => {
      const out = dryRunUsage(ctx, { ...i, caps: teamCaps(ctx, s?.caller) });
      const at = iso(ctx.clock.now());
      if ('ok' in out) {
        const r = out.ok;
        return { allowed: true as const, account: r.account, action: r.action, pool: r.pool, credits: r.credits, status: r.status, limit: null, reason: null, message: `${r.action} would cost ${r.credits} credits and is allowed now`, details: {}, at };
      }
      const { refusalId: _id, ...refused } = out.refused;
      void _id; // the refusal was rolled back with the rest of the dry run
      const acct = getAccount(ctx, i.account);
      const action = getAction(ctx, acct, i.action);
      return { allowed: false as const, account: acct.id, action: action.id, pool: action.pool, credits: null, status: null, limit: BLOCKING_LIMIT[refused.reason] ?? refused.reason, reason: refused.reason, message: refused.message, details: refused.details, at };
    },
  ),
  'agents.resets': def(z.object({ account: plainText().optional() }), (ctx, i) => {
    const t = ctx.clock.now();
    // Archived accounts are put away (ledger/archive.ts): only named, never listed.
    const accounts = i.account === undefined ? listAccounts(ctx).filter((a) => a.archivedAt === null) : [getAccount(ctx, i.account)];
    return { at: iso(t), accounts: accounts.map((a) => resetsOf(ctx, a, t)) };
  }),
};
