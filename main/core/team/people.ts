/** The team's people and what one role may do to another. */
import { InputError, NotFoundError } from '../util/errors.js';
import { checkPlainText } from '../util/text.js';
import type { Ctx } from '../ledger/context.js';
import { ROLES, type Caller, type Role } from './types.js';

export interface Person {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  removedAt: number | null;
}

/** owner > admin > member > viewer. */
export const ROLE_RANK: Readonly<Record<Role, number>> = { owner: 3, admin: 2, member: 1, viewer: 0 };

export function atLeast(role: Role, needed: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}

export function checkRole(role: unknown, field = 'role'): Role {
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw new InputError(`${field} must be one of ${ROLES.join(', ')}`, field);
  return role as Role;
}

/** The same rule as the ledger's member ids (config.ts), so a person is a usage member on every account. */
export function checkMemberId(member: unknown, field = 'member'): string {
  if (typeof member !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(member)) throw new InputError(`${field} ids use letters, digits, ".", "_", "@" or "-" (max 64)`, field);
  return member;
}

export function checkName(name: unknown, field = 'name', max = 200): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > max) throw new InputError(`${field} must be 1–${max} characters`, field);
  return checkPlainText(name.trim(), field);
}

interface PersonRow {
  id: string;
  name: string;
  role: Role;
  created_at: number;
  removed_at: number | null;
}

const fromRow = (r: PersonRow): Person => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at, removedAt: r.removed_at });

/** A person, removed ones included; null when unknown. */
export function findPerson(ctx: Ctx, id: string): Person | null {
  const r = ctx.stmt('SELECT id, name, role, created_at, removed_at FROM team_people WHERE id = ?').get(id) as PersonRow | undefined;
  return r ? fromRow(r) : null;
}

/** A current member of the team, or an InputError. */
export function getPerson(ctx: Ctx, id: string): Person {
  const p = findPerson(ctx, id);
  if (!p) throw new NotFoundError('team member', id.slice(0, 64), 'see `creditdeck team members`');
  if (p.removedAt !== null) throw new InputError(`${id} was removed from the team`, 'member');
  return p;
}

export function listPeople(ctx: Ctx): Person[] {
  return (ctx.stmt('SELECT id, name, role, created_at, removed_at FROM team_people WHERE removed_at IS NULL ORDER BY created_at, id').all() as PersonRow[]).map(fromRow);
}

/**
 * Whether `caller` may manage someone holding `role` (their tokens, sessions,
 * role and caps): owners anyone, admins members and viewers, everyone themself.
 */
export function mayManage(caller: Caller, target: { member: string; role: Role }): boolean {
  if (caller.member === target.member) return true;
  if (caller.role === 'owner') return true;
  return caller.role === 'admin' && (target.role === 'member' || target.role === 'viewer');
}
