/**
 * Editing a local account's members: a new name, a cap per pool, removal.
 * Members are configuration, not history: events keep the member id they were
 * recorded with, and a removed member's row stays (marked removed) so history
 * still shows their name. A cap per pool is checked by the same hook as a
 * team member's cap (team/caps.ts), after the member's monthly limit for all
 * pools together.
 */
import { InputError } from '../util/errors.js';
import { parseCredits } from '../util/credits.js';
import { assertPool, getAccount } from './accounts.js';
import { memberPoolScope } from './caps-hook.js';
import { getMember, type MemberView } from './config.js';
import type { Ctx } from './context.js';

function current(ctx: Ctx, accountId: string, member: string): MemberView {
  const m = getMember(ctx, accountId, member);
  if (m.removedAt !== null) throw new InputError(`${m.name} (${m.id}) was removed from ${getAccount(ctx, accountId).name}; add them again first`, 'member');
  return m;
}

export function renameMember(ctx: Ctx, accountId: string, member: string, name: string): MemberView {
  const acct = getAccount(ctx, accountId);
  const clean = typeof name === 'string' ? name.trim() : '';
  if (!clean || clean.length > 80) throw new InputError('the name must be 1–80 characters', 'name');
  return ctx.write(() => {
    current(ctx, acct.id, member);
    ctx.stmt('UPDATE members SET name = ? WHERE account_id = ? AND id = ?').run(clean, acct.id, member);
    ctx.configChanged();
    return getMember(ctx, acct.id, member);
  });
}

/**
 * Set (credits) or clear (null) a member's cap on one pool, per billing
 * period. The pool's spend counter is dropped, to be counted afresh from the
 * ledger when next needed (nothing kept it while there was no cap).
 */
export function setMemberCap(ctx: Ctx, accountId: string, member: string, pool: string, cap: string | number | null): MemberView {
  const acct = getAccount(ctx, accountId);
  assertPool(acct, pool);
  const capMc = cap === null ? null : parseCredits(cap, `cap on ${pool}`, { allowZero: true });
  return ctx.write(() => {
    current(ctx, acct.id, member);
    if (capMc === null) ctx.stmt('DELETE FROM member_caps WHERE account_id = ? AND member = ? AND pool = ?').run(acct.id, member, pool);
    else {
      ctx
        .stmt('INSERT INTO member_caps (account_id, member, pool, cap_mc) VALUES (?, ?, ?, ?) ON CONFLICT (account_id, member, pool) DO UPDATE SET cap_mc = excluded.cap_mc')
        .run(acct.id, member, pool, capMc);
    }
    ctx.stmt('DELETE FROM spend_counters WHERE account_id = ? AND scope = ?').run(acct.id, memberPoolScope(member, pool));
    ctx.configChanged();
    return getMember(ctx, acct.id, member);
  });
}

/** Remove a member: their usage is refused from now on; what they recorded keeps their id and name. Adding them again restores them. */
export function removeMember(ctx: Ctx, accountId: string, member: string): MemberView {
  const acct = getAccount(ctx, accountId);
  return ctx.write(() => {
    current(ctx, acct.id, member);
    ctx.stmt('UPDATE members SET removed_at = ? WHERE account_id = ? AND id = ?').run(ctx.clock.now(), acct.id, member);
    ctx.configChanged();
    return getMember(ctx, acct.id, member);
  });
}
