/**
 * Invites: a single-use code (`cdi_` + id + 256 random bits, stored only as a
 * keyed hash) bound to a role and a member id, expiring (7 days unless said).
 * Redeeming one makes the person if they are new and issues their first
 * device token. The transport turns the code into a link (host URL and
 * certificate fingerprint).
 */
import { InputError } from '../util/errors.js';
import { iso } from '../util/period.js';
import type { Ctx } from '../ledger/context.js';
import { keyedHash } from './host-key.js';
import { checkMemberId, checkName, checkRole, findPerson, mayManage } from './people.js';
import { composeSecret, newSecret, parseSecret, sameHash } from './secrets.js';
import { requireTeam, type Team } from './team.js';
import { issueToken } from './tokens.js';
import { ForbiddenError, type Caller, type Role } from './types.js';

export const INVITE_TTL_MS = 7 * 86_400_000;
export const MAX_INVITE_TTL_MS = 30 * 86_400_000;

export interface InviteInput {
  role: Role;
  /** The member id the invite is for; made from the name (or generated) when not given. */
  member?: string;
  name?: string;
  ttlMs?: number;
}

/** A member id from a name ("Ana María" → "ana-mar-a"), when it makes a valid, unused one. */
function idFromName(ctx: Ctx, name: string | undefined): string {
  const slug = (name ?? '').toLowerCase().replace(/[^a-z0-9._@-]+/g, '-').replace(/^[^a-z0-9]+|-+$/g, '').slice(0, 64);
  if (slug && /^[a-z0-9]/.test(slug) && !findPerson(ctx, slug) && !pendingFor(ctx, slug)) return slug;
  return ctx.ids.next('m').replace('_', '-');
}

function pendingFor(ctx: Ctx, member: string): boolean {
  return ctx.stmt('SELECT 1 FROM team_invites WHERE member = ? AND used_at IS NULL AND expires_at > ?').get(member, ctx.clock.now()) !== undefined;
}

/**
 * Create an invite. Admins invite members and viewers; owners anyone. An
 * invite for someone already on the team carries their role (a new device);
 * changing a role is `team.members.set`.
 */
export function createInvite(ctx: Ctx, key: Buffer, caller: Caller, input: InviteInput): { invite: string; id: string; role: Role; member: string; name: string; expiresAt: string } {
  const role = checkRole(input.role);
  const ttl = input.ttlMs ?? INVITE_TTL_MS;
  if (!Number.isSafeInteger(ttl) || ttl < 60_000 || ttl > MAX_INVITE_TTL_MS) throw new InputError('an invite lasts from 1 minute to 30 days', 'ttl');
  const name = input.name === undefined ? undefined : checkName(input.name);
  const named = input.member === undefined ? undefined : checkMemberId(input.member);
  if (caller.scopes !== null) throw new ForbiddenError('team.invite needs a device token or a session: scoped tokens never manage members');
  if (!mayManage(caller, { member: '', role })) throw new ForbiddenError(`inviting a ${role} needs role ${role === 'owner' || role === 'admin' ? 'owner' : 'admin'}`);
  return ctx.write(() => {
    requireTeam(ctx);
    const member = named ?? idFromName(ctx, name);
    const existing = findPerson(ctx, member);
    if (existing && existing.removedAt === null && existing.role !== role) {
      throw new InputError(`${member} is already on the team as ${existing.role}; invite them as ${existing.role} for a new device, or change the role with \`creditdeck team member set ${member} --role ${role}\``, 'role');
    }
    const now = ctx.clock.now();
    const id = ctx.ids.next('inv');
    const secret = newSecret();
    const personName = name ?? existing?.name ?? member;
    ctx
      .stmt('INSERT INTO team_invites (id, code_hash, role, member, name, created_by, created_at, expires_at, used_at, used_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)')
      .run(id, keyedHash(key, secret), role, member, personName, caller.member, now, now + ttl);
    return { invite: composeSecret('cdi', id, secret), id, role, member, name: personName, expiresAt: iso(now + ttl) };
  });
}

interface InviteRow {
  id: string;
  code_hash: string;
  role: Role;
  member: string;
  name: string | null;
  created_by: string;
  expires_at: number;
  used_at: number | null;
  used_by: string | null;
}

const NOT_AN_INVITE = 'this invite code is not valid; ask for a new invite';

/**
 * Redeem an invite for a device: the person joins (or is back, or gets a new
 * device), and their device token is issued, shown once. A used, expired or
 * unknown code is an InputError that says which, and writes nothing.
 */
export function redeemInvite(ctx: Ctx, key: Buffer, input: { invite: string; device: string }): { token: string; tokenId: string; team: Team; member: string; name: string; role: Role } {
  const device = checkName(input.device, 'device', 64);
  const parsed = parseSecret('cdi', input.invite);
  if (!parsed) throw new InputError(NOT_AN_INVITE, 'invite');
  return ctx.write(() => {
    const team = requireTeam(ctx);
    const inv = ctx.stmt('SELECT * FROM team_invites WHERE id = ?').get(parsed.id) as InviteRow | undefined;
    if (!inv || !sameHash(keyedHash(key, parsed.secret), inv.code_hash)) throw new InputError(NOT_AN_INVITE, 'invite');
    const now = ctx.clock.now();
    if (inv.used_at !== null && inv.used_by === null) throw new InputError('this invite was withdrawn; ask for a new one', 'invite');
    if (inv.used_at !== null) throw new InputError(`this invite was already used (${iso(inv.used_at)}); an invite works once — ask for a new one`, 'invite');
    if (inv.expires_at <= now) throw new InputError(`this invite expired at ${iso(inv.expires_at)}; ask for a new one`, 'invite');
    const existing = findPerson(ctx, inv.member);
    if (existing && existing.removedAt === null && existing.role !== inv.role) throw new InputError(`${inv.member} is on the team as ${existing.role} now, not ${inv.role}; ask for a new invite`, 'invite');
    const name = inv.name ?? inv.member;
    if (!existing) {
      ctx.stmt('INSERT INTO team_people (id, name, role, created_at, removed_at) VALUES (?, ?, ?, ?, NULL)').run(inv.member, name, inv.role, now);
    } else if (existing.removedAt !== null) {
      // Invited back: a fresh start with the invite's role.
      ctx.stmt('UPDATE team_people SET role = ?, removed_at = NULL WHERE id = ?').run(inv.role, inv.member);
    }
    ctx.stmt('UPDATE team_invites SET used_at = ?, used_by = ? WHERE id = ?').run(now, inv.member, inv.id);
    // The inviter vouched for this device: the token is issued on the invite's authority, not a caller's.
    const byInvite: Caller = { team: team.id, member: inv.created_by, name: inv.created_by, role: 'owner', via: 'local', tokenId: null, device: null, scopes: null, accounts: null, pools: null, capMc: null, address: null };
    const t = issueToken(ctx, key, { member: inv.member, device }, byInvite);
    const person = findPerson(ctx, inv.member)!;
    return { token: t.token, tokenId: t.id, team, member: person.id, name: person.name, role: person.role };
  });
}

export interface InviteView {
  id: string;
  role: Role;
  member: string;
  name: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  status: 'open' | 'used' | 'expired' | 'revoked';
}

/** Every invite, newest first; never its code. */
export function listInvites(ctx: Ctx): InviteView[] {
  const now = ctx.clock.now();
  const rows = ctx.stmt('SELECT id, role, member, name, created_by, created_at, expires_at, used_at, used_by FROM team_invites ORDER BY created_at DESC, id').all() as (InviteRow & { created_at: number })[];
  return rows.map((r) => ({
    id: r.id,
    role: r.role,
    member: r.member,
    name: r.name,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    expiresAt: iso(r.expires_at),
    usedAt: r.used_at === null ? null : iso(r.used_at),
    // A revoked invite is one marked used by nobody.
    status: r.used_at !== null ? (r.used_by === null ? 'revoked' : 'used') : r.expires_at <= now ? 'expired' : 'open',
  }));
}

/** Withdraw an open invite: it can no longer be redeemed. */
export function revokeInvite(ctx: Ctx, id: string): InviteView {
  return ctx.write(() => {
    const r = ctx.stmt('SELECT used_at FROM team_invites WHERE id = ?').get(id) as { used_at: number | null } | undefined;
    if (!r) throw new InputError(`invite "${String(id).slice(0, 64)}" was not found`, 'id');
    if (r.used_at === null) ctx.stmt('UPDATE team_invites SET used_at = ?, used_by = NULL WHERE id = ?').run(ctx.clock.now(), id);
    return listInvites(ctx).find((i) => i.id === id)!;
  });
}
