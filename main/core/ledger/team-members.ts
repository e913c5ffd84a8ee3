/**
 * On a team ledger every current team person is a usage member of every
 * account (the team shares one pool): their members row is made the first
 * time usage names them, with their team name and no per-account limit.
 * Called inside the usage write transaction.
 */
import type { Account } from './accounts.js';
import type { Ctx } from './context.js';

/** Whether `member` is a current team person; if so their members row on `acct` now exists. */
export function joinTeamMember(ctx: Ctx, acct: Account, member: string): boolean {
  const person = ctx.stmt('SELECT name FROM team_people WHERE id = ? AND removed_at IS NULL').get(member) as { name: string } | undefined;
  if (!person) return false;
  ctx.stmt('INSERT OR IGNORE INTO members (account_id, id, name, monthly_limit_mc, created_at) VALUES (?, ?, ?, NULL, ?)').run(acct.id, member, person.name, ctx.clock.now());
  ctx.configChanged();
  return true;
}
