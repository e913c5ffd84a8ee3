/**
 * The accounts a caller may read: everyone's for the local owner and device
 * tokens, only its own for a scoped token limited to some accounts or pools
 * (docs/team.md, Tokens). Calls that list "every account the token may read"
 * filter with this instead of being refused.
 */
import { listAccounts, type Account } from '../ledger/accounts.js';
import type { Ctx } from '../ledger/context.js';
import type { Caller } from '../team/types.js';

export function mayRead(caller: Caller | undefined, accountId: string): boolean {
  if (!caller || (caller.accounts === null && caller.pools === null)) return true;
  const fromPools = (caller.pools ?? []).map((p) => p.slice(0, p.indexOf('/')));
  return (caller.accounts ?? []).includes(accountId) || fromPools.includes(accountId);
}

export function readableAccounts(ctx: Ctx, caller: Caller | undefined): Account[] {
  return listAccounts(ctx).filter((a) => mayRead(caller, a.id));
}
