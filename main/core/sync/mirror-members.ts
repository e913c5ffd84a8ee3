/**
 * Who a team account's events name, sent in each team.pull so a member's
 * offline history says "Ana", not "ana": the team's people (removed ones too,
 * their past events stay) and the account's own members, by id and name only —
 * never roles, tokens or limits. An account member's name wins: it is the name
 * the account's owner gave them there. Additive: a mirror pulled before it was
 * sent has none, and history shows the ids as before.
 */
import type { Ctx } from '../ledger/context.js';

export interface MirroredMember {
  id: string;
  name: string;
}

export function mirroredMembers(ctx: Ctx, accountId: string): MirroredMember[] {
  const byId = new Map<string, string>();
  for (const p of ctx.stmt('SELECT id, name FROM team_people ORDER BY id').all() as MirroredMember[]) byId.set(p.id, p.name);
  for (const m of ctx.stmt('SELECT id, name FROM members WHERE account_id = ? ORDER BY id').all(accountId) as MirroredMember[]) byId.set(m.id, m.name);
  return [...byId].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, name]) => ({ id, name }));
}

/** A member id's name by the mirrored list; the id itself when unknown (or the list is absent). */
export function memberName(members: readonly MirroredMember[] | undefined, id: string): string {
  return members?.find((m) => m.id === id)?.name ?? id;
}
