/**
 * The team's caps, checked by the ledger inside the usage transaction (a
 * CapsHook), after the pool's credits and the account's spending limits:
 *   member cap — a person's credits per pool per period (team.members.set on
 *                a team; members.cap on any account, ledger/member-edits.ts);
 *   token cap  — a scoped token's credits per account per period.
 * The first that would be crossed refuses, naming the limit, its figure, what
 * is spent and when it resets. A void gives a member's cap its credits back;
 * a token's cap counts what the token spent, voided or not.
 */
import { InputError } from '../util/errors.js';
import { creditsText, formatMc, mcToCredits, parseCredits } from '../util/credits.js';
import { iso, periodAt } from '../util/period.js';
import { getAccount } from '../ledger/accounts.js';
import { bumpCounter, counter } from '../ledger/book.js';
import { memberPoolScope, type CapCheck, type CapsHook } from '../ledger/caps-hook.js';
import type { Ctx } from '../ledger/context.js';
import { getPerson } from './people.js';
import type { Caller } from './types.js';

const tokenScope = (tokenId: string) => `team-token:${tokenId}`;

/** The member's cap on the pool: the team's (team.members.set) or the account's own (members.cap), the smaller when both are set. */
function readCap(ctx: Ctx, member: string, account: string, pool: string): number | null {
  const r = ctx
    .stmt(
      `SELECT MIN(cap_mc) AS cap FROM (SELECT cap_mc FROM team_caps WHERE member = ? AND account_id = ? AND pool = ?
       UNION ALL SELECT cap_mc FROM member_caps WHERE member = ? AND account_id = ? AND pool = ?)`,
    )
    .get(member, account, pool, member, account, pool) as { cap: number | null };
  return r.cap;
}

/**
 * What `member` spent from the pool this period. Counted from the usage
 * rollup the first time it is needed in a period (the cap may be new), then
 * kept as a spend counter that each event and void moves.
 */
function memberSpent(ctx: Ctx, c: CapCheck, member: string): number {
  const scope = memberPoolScope(member, c.pool);
  const kept = ctx.stmt('SELECT spent_mc FROM spend_counters WHERE account_id = ? AND scope = ? AND bucket = ?').get(c.account.id, scope, c.periodStart) as { spent_mc: number } | undefined;
  if (kept) return kept.spent_mc;
  const spent = (
    ctx
      .stmt('SELECT COALESCE(SUM(cost_mc), 0) AS s FROM usage_rollup WHERE account_id = ? AND bucket >= ? AND bucket < ? AND pool = ? AND member = ?')
      .get(c.account.id, c.periodStart, c.periodEnd, c.pool, member) as { s: number }
  ).s;
  bumpCounter(ctx, c.account.id, scope, c.periodStart, spent);
  return spent;
}

/** The hook for one call: the event's member's cap, then the calling token's cap. */
export function teamCaps(ctx: Ctx, caller: Caller | undefined): CapsHook {
  const tokenCap = caller?.tokenId && caller.capMc !== null ? { id: caller.tokenId, cap: caller.capMc } : null;
  // Caps read once per hook: it lives for one call, or one team push (whose entries cannot change a cap).
  const caps = new Map<string, number | null>();
  const capOf = (member: string, account: string, pool: string): number | null => {
    const k = `${member}\u0000${account}\u0000${pool}`;
    let cap = caps.get(k);
    if (cap === undefined) caps.set(k, (cap = readCap(ctx, member, account, pool)));
    return cap;
  };
  return {
    check(c) {
      if (c.member !== null) {
        const cap = capOf(c.member, c.account.id, c.pool);
        if (cap !== null) {
          const spent = memberSpent(ctx, c, c.member);
          if (spent + c.cost > cap) {
            return {
              reason: 'member_cap',
              message: `${c.member}'s cap on ${c.account.id}/${c.pool} is ${creditsText(cap)} per period and ${formatMc(spent)} are spent (this costs ${formatMc(c.cost)}); it resets at ${iso(c.periodEnd)}`,
              details: { limit: 'member_cap', member: c.member, pool: `${c.account.id}/${c.pool}`, cap: mcToCredits(cap), spent: mcToCredits(spent), cost: mcToCredits(c.cost), resetsAt: iso(c.periodEnd) },
            };
          }
        }
      }
      if (tokenCap) {
        const spent = counter(ctx, c.account.id, tokenScope(tokenCap.id), c.periodStart);
        if (spent + c.cost > tokenCap.cap) {
          return {
            reason: 'token_cap',
            message: `token ${tokenCap.id}'s cap on ${c.account.id} is ${creditsText(tokenCap.cap)} per period and ${formatMc(spent)} are spent (this costs ${formatMc(c.cost)}); it resets at ${iso(c.periodEnd)}`,
            details: { limit: 'token_cap', token: tokenCap.id, account: c.account.id, cap: mcToCredits(tokenCap.cap), spent: mcToCredits(spent), cost: mcToCredits(c.cost), resetsAt: iso(c.periodEnd) },
          };
        }
      }
      return null;
    },
    booked(c) {
      if (c.member !== null && capOf(c.member, c.account.id, c.pool) !== null) bumpCounter(ctx, c.account.id, memberPoolScope(c.member, c.pool), c.periodStart, c.cost);
      if (tokenCap) bumpCounter(ctx, c.account.id, tokenScope(tokenCap.id), c.periodStart, c.cost);
    },
    quiet(c) {
      return tokenCap === null && (c.member === null || capOf(c.member, c.account.id, c.pool) === null);
    },
  };
}

/** A member's caps as the API shows them: {"ACCOUNT/POOL": credits}. */
export function capsOf(ctx: Ctx, member: string): Record<string, number> {
  const rows = ctx.stmt('SELECT account_id, pool, cap_mc FROM team_caps WHERE member = ? ORDER BY account_id, pool').all(member) as { account_id: string; pool: string; cap_mc: number }[];
  return Object.fromEntries(rows.map((r) => [`${r.account_id}/${r.pool}`, mcToCredits(r.cap_mc)]));
}

/**
 * Set (credits) or clear (null) a member's caps, {"ACCOUNT/POOL": credits|null}.
 * The pool's spend counter is dropped, to be counted afresh from the ledger
 * when next needed: while there was no cap nothing kept it.
 */
export function setCaps(ctx: Ctx, member: string, caps: Record<string, unknown>): Record<string, number> {
  return ctx.write(() => {
    getPerson(ctx, member);
    for (const [where, value] of Object.entries(caps)) {
      const m = /^([^/]+)\/([^/]+)$/.exec(where);
      if (!m) throw new InputError(`caps are keyed ACCOUNT/POOL (got "${where.slice(0, 60)}")`, 'caps');
      const acct = getAccount(ctx, m[1]!);
      const pool = m[2]!;
      if (!acct.provider.pools.some((p) => p.id === pool)) throw new InputError(`${acct.id} has no pool "${pool.slice(0, 40)}"; its pools are ${acct.provider.pools.map((p) => p.id).join(', ')}`, 'caps');
      if (value === null) ctx.stmt('DELETE FROM team_caps WHERE member = ? AND account_id = ? AND pool = ?').run(member, acct.id, pool);
      else {
        const capMc = parseCredits(value, `cap on ${acct.id}/${pool}`, { allowZero: true });
        ctx
          .stmt('INSERT INTO team_caps (member, account_id, pool, cap_mc) VALUES (?, ?, ?, ?) ON CONFLICT (member, account_id, pool) DO UPDATE SET cap_mc = excluded.cap_mc')
          .run(member, acct.id, pool, capMc);
      }
      ctx.stmt('DELETE FROM spend_counters WHERE account_id = ? AND scope = ?').run(acct.id, memberPoolScope(member, pool));
    }
    return capsOf(ctx, member);
  });
}

/** What a member has spent against each of their caps this period, for the app ("your use beside the pool's"). */
export function capUse(ctx: Ctx, member: string): { pool: string; cap: number; spent: number; resetsAt: string }[] {
  const rows = ctx.stmt('SELECT account_id, pool, cap_mc FROM team_caps WHERE member = ? ORDER BY account_id, pool').all(member) as { account_id: string; pool: string; cap_mc: number }[];
  const now = ctx.clock.now();
  return rows.map((r) => {
    const acct = getAccount(ctx, r.account_id);
    const p = periodAt(acct.rule, now);
    const spent = (
      ctx
        .stmt('SELECT COALESCE(SUM(cost_mc), 0) AS s FROM usage_rollup WHERE account_id = ? AND bucket >= ? AND bucket < ? AND pool = ? AND member = ?')
        .get(r.account_id, p.start, p.end, r.pool, member) as { s: number }
    ).s;
    return { pool: `${r.account_id}/${r.pool}`, cap: mcToCredits(r.cap_mc), spent: mcToCredits(spent), resetsAt: iso(p.end) };
  });
}
