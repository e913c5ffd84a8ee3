/**
 * The team calls, merged into the one handler map (handlers.ts). Every one
 * but team.redeem needs the caller, which callAs (main/core/team/call-as.ts)
 * puts in Services after the access table allowed the call; the finer rules
 * (whom an admin may manage, the last owner) are checked here.
 */
import * as z from 'zod';
import type { Ctx } from '../ledger/context.js';
import { InputError, NotFoundError } from '../util/errors.js';
import { parseInstant } from '../util/period.js';
import { parseCredits } from '../util/credits.js';
import { plainText } from '../util/text.js';
import { listAudit } from '../team/audit.js';
import { capsOf, capUse, setCaps } from '../team/caps.js';
import { parseDuration } from '../team/duration.js';
import { createInvite, listInvites, redeemInvite, revokeInvite } from '../team/invites.js';
import { findPerson, getPerson, listPeople, mayManage } from '../team/people.js';
import { endSession, getSession, listSessions } from '../team/sessions.js';
import { requireTeam } from '../team/team.js';
import { getToken, issueToken, listTokens, revokeToken, rotateToken } from '../team/tokens.js';
import { ForbiddenError, ROLES, SCOPES, type Caller, type Role } from '../team/types.js';
import { iso } from '../util/period.js';
import type { Services } from './handlers.js';

function def<S extends z.ZodType, R>(input: S, run: (ctx: Ctx, input: z.infer<S>, services?: Services) => R) {
  return { input, run };
}

function callerOf(s: Services | undefined): Caller {
  if (!s?.caller) throw new InputError('team calls are made as a team member: the transport authenticates the caller (callAs)', 'caller');
  return s.caller;
}

function keyOf(s: Services | undefined): Buffer {
  if (!s?.teamKey) throw new InputError('the team key is not loaded: serve the team with `creditdeck serve --team`, or run this on the host', 'teamKey');
  return s.teamKey;
}

const role = z.enum(ROLES);
const id = plainText().min(1).max(128);
const duration = z.union([plainText().max(20), z.number().int().min(0)]);

/** Admins manage members and viewers, owners everyone, everybody themself (people.ts). */
function mustManage(caller: Caller, member: string, targetRole: Role, what: string): void {
  if (!mayManage(caller, { member, role: targetRole })) throw new ForbiddenError(`${what} ${member} (${targetRole}) needs role ${targetRole === 'owner' || targetRole === 'admin' ? 'owner' : 'admin'}`);
}

/** Owners and admins see everyone's devices and sessions; the others their own. */
const seesAll = (c: Caller) => c.role === 'owner' || c.role === 'admin';

function otherOwners(ctx: Ctx, member: string): number {
  return listPeople(ctx).filter((p) => p.role === 'owner' && p.id !== member).length;
}

function memberView(ctx: Ctx, p: { id: string; name: string; role: Role; createdAt: number }) {
  return { id: p.id, name: p.name, role: p.role, caps: capsOf(ctx, p.id), createdAt: iso(p.createdAt) };
}

export const teamHandlers = {
  'team.whoami': def(z.object({}), (ctx, _i, s) => {
    const c = callerOf(s);
    return {
      team: requireTeam(ctx),
      member: c.member,
      name: c.name,
      role: c.role,
      via: c.via,
      device: c.device,
      tokenId: c.tokenId,
      scopes: c.scopes,
      accounts: c.accounts,
      pools: c.pools,
      cap: c.capMc === null ? null : c.capMc / 1000,
      caps: capUse(ctx, c.member),
    };
  }),
  'team.invite': def(z.object({ role, member: plainText().max(64).optional(), name: plainText().max(200).optional(), ttl: duration.optional() }), (ctx, i, s) =>
    createInvite(ctx, keyOf(s), callerOf(s), { role: i.role, member: i.member, name: i.name, ttlMs: i.ttl === undefined ? undefined : parseDuration(i.ttl, 'ttl') }),
  ),
  'team.invites.list': def(z.object({}), (ctx) => listInvites(ctx)),
  'team.invites.revoke': def(z.object({ id }), (ctx, i) => revokeInvite(ctx, i.id)),
  // The one call with no caller: the invite code is the credential.
  'team.redeem': def(z.object({ invite: plainText().max(200), device: plainText().max(64) }), (ctx, i, s) => {
    const r = redeemInvite(ctx, keyOf(s), i);
    return { token: r.token, tokenId: r.tokenId, team: r.team, member: r.member, name: r.name, role: r.role };
  }),
  'team.tokens.list': def(z.object({ member: plainText().max(64).optional() }), (ctx, i, s) => {
    const c = callerOf(s);
    const member = seesAll(c) ? i.member : c.member;
    return listTokens(ctx, member === undefined ? {} : { member });
  }),
  'team.tokens.create': def(
    z.object({
      device: plainText().max(64),
      scopes: z.array(z.enum(SCOPES)).min(1),
      member: plainText().max(64).optional(),
      accounts: z.array(plainText().max(128)).max(100).optional(),
      pools: z.array(plainText().max(200)).max(100).optional(),
      cap: z.union([plainText().max(40), z.number()]).optional(),
      expires: plainText().max(64).optional(),
    }),
    (ctx, i, s) => {
      const c = callerOf(s);
      const expiresAt = i.expires === undefined ? null : parseInstant(i.expires, 'expires');
      const t = issueToken(
        ctx,
        keyOf(s),
        { member: i.member ?? c.member, device: i.device, scopes: i.scopes, accounts: i.accounts ?? null, pools: i.pools ?? null, capMc: i.cap === undefined ? null : parseCredits(i.cap, 'cap', { allowZero: true }), expiresAt },
        c,
      );
      return { ...getToken(ctx, t.id), token: t.token };
    },
  ),
  'team.tokens.revoke': def(z.object({ id }), (ctx, i, s) => {
    const t = getToken(ctx, i.id);
    mustManage(callerOf(s), t.member, getPerson(ctx, t.member).role, 'revoking the tokens of');
    return revokeToken(ctx, i.id);
  }),
  'team.tokens.rotate': def(z.object({ id, grace: duration.optional() }), (ctx, i, s) => {
    const t = getToken(ctx, i.id);
    mustManage(callerOf(s), t.member, getPerson(ctx, t.member).role, 'rotating the tokens of');
    return rotateToken(ctx, keyOf(s), i.id, i.grace === undefined ? 3_600_000 : parseDuration(i.grace, 'grace'));
  }),
  'team.members.list': def(z.object({}), (ctx) => listPeople(ctx).map((p) => memberView(ctx, p))),
  'team.members.set': def(
    z.object({ member: plainText().max(64), role: role.optional(), name: plainText().max(200).optional(), caps: z.record(plainText().max(200), z.union([plainText().max(40), z.number(), z.null()])).optional() }),
    (ctx, i, s) => {
      const c = callerOf(s);
      return ctx.write(() => {
        const p = getPerson(ctx, i.member);
        mustManage(c, p.id, p.role, 'changing');
        if (i.role !== undefined && i.role !== p.role) {
          // Only an owner makes owners and admins; the team never loses its last owner.
          mustManage(c, '', i.role, 'making someone');
          if (p.role === 'owner' && otherOwners(ctx, p.id) === 0) throw new InputError(`${p.id} is the team's only owner; make someone else owner first`, 'role');
          ctx.stmt('UPDATE team_people SET role = ? WHERE id = ?').run(i.role, p.id);
        }
        if (i.name !== undefined) {
          if (i.name.trim() === '') throw new InputError('name must not be empty', 'name');
          ctx.stmt('UPDATE team_people SET name = ? WHERE id = ?').run(i.name.trim(), p.id);
        }
        if (i.caps !== undefined) {
          if (c.role !== 'owner' && c.role !== 'admin') throw new ForbiddenError('setting caps needs role admin');
          setCaps(ctx, p.id, i.caps);
        }
        return memberView(ctx, getPerson(ctx, p.id));
      });
    },
  ),
  'team.members.remove': def(z.object({ member: plainText().max(64) }), (ctx, i, s) => {
    const c = callerOf(s);
    return ctx.write(() => {
      const p = getPerson(ctx, i.member);
      mustManage(c, p.id, p.role, 'removing');
      if (p.role === 'owner' && otherOwners(ctx, p.id) === 0) throw new InputError(`${p.id} is the team's only owner and cannot be removed`, 'member');
      const now = ctx.clock.now();
      // Their tokens and sessions stop at once (authentication checks the person too); their usage stays theirs.
      ctx.stmt('UPDATE team_people SET removed_at = ? WHERE id = ?').run(now, p.id);
      ctx.stmt('UPDATE team_tokens SET revoked_at = ? WHERE member = ? AND revoked_at IS NULL').run(now, p.id);
      ctx.stmt('UPDATE team_sessions SET ended_at = ? WHERE member = ? AND ended_at IS NULL').run(now, p.id);
      return { id: p.id, name: p.name, role: p.role, removedAt: iso(now) };
    });
  }),
  'team.audit': def(z.object({ after: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(1000).optional() }), (ctx, i) => listAudit(ctx, i)),
  'team.sessions.list': def(z.object({}), (ctx, _i, s) => {
    const c = callerOf(s);
    return listSessions(ctx, seesAll(c) ? {} : { member: c.member });
  }),
  'team.sessions.end': def(z.object({ id }), (ctx, i, s) => {
    const session = getSession(ctx, i.id);
    const person = findPerson(ctx, session.member);
    if (!person) throw new NotFoundError('session', i.id);
    mustManage(callerOf(s), person.id, person.role, 'ending the sessions of');
    return endSession(ctx, i.id);
  }),
};
