/**
 * The one access table: for every API call, the least role that may make it,
 * the scope a scoped token needs for it (null: no scoped token, ever — members,
 * tokens and money), and whether it changes something (then it is audited).
 * A call without an entry is refused; test/team/access.test.ts fails when a
 * handler has none, and docs/team.md's roles table is checked against it.
 */
import type { HandlerName } from '../api/handlers.js';
import { atLeast } from './people.js';
import { ForbiddenError, type Caller, type Role, type Scope } from './types.js';

export interface AccessRule {
  role: Role;
  scope: Scope | null;
  write: boolean;
  /** Any authenticated caller, whatever their scopes (team.whoami). */
  anyScope?: true;
  /** Called with no caller at all (team.redeem: the invite is the credential). */
  public?: true;
}

const read = (role: Role = 'viewer'): AccessRule => ({ role, scope: 'read', write: false });
const manage = (role: Role, write = true): AccessRule => ({ role, scope: null, write });

export const ACCESS: Readonly<Record<HandlerName, AccessRule>> = {
  'presets.list': read(),
  'presets.show': read(),
  // The plan and the accounts that cost money: the owner's.
  'accounts.add': manage('owner'),
  'accounts.list': read(),
  'accounts.show': read(),
  'accounts.plan': manage('owner'),
  // What a plan change would do, rolled back: asked before the owner's change.
  'accounts.planPreview': manage('owner', false),
  // Hiding an account and making it read-only, or restoring it: the owner's, like adding it.
  'accounts.archive': manage('owner'),
  // What was used before the account was added: usage nobody recorded, like a reconciliation.
  'accounts.opening': manage('admin'),
  // Names, spending limits and alert levels: admins set caps and limits.
  'accounts.set': manage('admin'),
  'actions.list': read(),
  // The rate card.
  'actions.set': manage('admin'),
  'members.add': manage('admin'),
  'members.list': read(),
  'members.rename': manage('admin'),
  'members.cap': manage('admin'),
  'members.remove': manage('admin'),
  'limits.daily': manage('admin'),
  // Recorded as themself (call-as.ts); naming someone else needs admin.
  'usage.record': { role: 'member', scope: 'record', write: true },
  // Credits in and money out: the owner's.
  'grants.add': manage('owner'),
  'grants.list': read(),
  'grants.refund': manage('owner'),
  'holds.place': { role: 'member', scope: 'reserve', write: true },
  'holds.capture': { role: 'member', scope: 'reserve', write: true },
  'holds.release': { role: 'member', scope: 'reserve', write: true },
  'holds.list': read(),
  'events.void': manage('admin'),
  'events.list': read(),
  'balance.get': read(),
  'balance.all': read(),
  // Provider-shaped reads (api/vendors.ts): without an account they answer only what the caller may read.
  'usage.fluximage': read(),
  'balance.readable': read(),
  // The vendor's meter (api/reconcile.ts): a reconciliation records usage nobody recorded, so it is an admin's, like a void.
  'reconcile.status': read(),
  'reconcile.accept': manage('admin'),
  'reconcile.page': manage('admin'),
  'reconcile.auto': manage('admin'),
  // The vendor's API key on this machine (desktop-only): the owner's, like the Stripe keys.
  'reconcile.keyStatus': manage('owner', false),
  'reconcile.setKey': manage('owner'),
  'reports.usage': read(),
  'reports.forecast': read(),
  'plans.fit': read(),
  'refusals.list': read(),
  'alerts.list': read(),
  calc: read(),
  // Bulk events for anyone, from a file on the host: the owner's.
  import: manage('owner'),
  // The whole ledger leaves the host: the owner's, and audited.
  'data.backup': manage('owner'),
  'data.backups': manage('owner', false),
  'data.restore': manage('owner'),
  'data.export': manage('owner'),
  'purchases.packs': manage('owner', false),
  'purchases.list': manage('owner', false),
  'purchases.start': manage('owner'),
  // A recheck may book a payment.
  'purchases.get': manage('owner'),
  'purchases.cancel': manage('owner'),
  'purchases.refund': manage('owner'),
  'purchases.poll': manage('owner'),
  'purchases.confirmManual': manage('owner'),
  'payments.status': manage('owner', false),
  'payments.setKeys': manage('owner'),
  check: manage('owner', false),
  // The resets calendar: what anyone on the team may read anyway.
  'calendar.ics': read(),
  // Any signed-in caller may ask who they are, whatever their scopes.
  'team.whoami': { role: 'viewer', scope: 'read', write: false, anyScope: true },
  // Admins invite members and viewers, owners anyone (invites.ts).
  'team.invite': manage('admin'),
  'team.invites.list': manage('admin', false),
  'team.invites.revoke': manage('admin'),
  'team.redeem': { role: 'viewer', scope: null, write: true, public: true },
  // Everyone sees and manages their own devices; owners and admins everyone's they may manage (api/team.ts).
  'team.tokens.list': manage('viewer', false),
  'team.tokens.create': manage('viewer'),
  'team.tokens.revoke': manage('viewer'),
  'team.tokens.rotate': manage('viewer'),
  'team.members.list': read(),
  'team.members.set': manage('admin'),
  'team.members.remove': manage('admin'),
  'team.audit': read('admin'),
  'team.sessions.list': manage('viewer', false),
  'team.sessions.end': manage('viewer'),
  // The desktop app's own: making the team and hosting it are the owner's (desktop-only calls, main/web/dispatch.ts).
  'team.init': manage('owner'),
  'hosting.status': manage('owner', false),
  'hosting.start': manage('owner'),
  'hosting.stop': manage('owner'),
  // This device as a member of another team (desktop-only, api/membership.ts): the person at this computer's own; never a team call.
  'membership.join': manage('owner', false),
  'membership.status': manage('owner', false),
  'membership.sync': manage('owner', false),
  'membership.leave': manage('owner', false),
  'membership.record': manage('owner', false),
  'membership.accounts': manage('owner', false),
  'membership.dismiss': manage('owner', false),
  'membership.events': manage('owner', false),
  'membership.usage': manage('owner', false),
  'membership.forecast': manage('owner', false),
  // Asks the host's plans.fit as this member (the host's table decides there).
  'membership.fit': manage('owner', false),
  // A member's outbox: usage recorded as themself, many entries at once (api/sync.ts; each entry is decided again as usage.record).
  'team.push': { role: 'member', scope: 'record', write: true },
  // The mirror a member's client reads offline: what anyone on the team may read.
  'team.pull': read(),
  // What the members' clients may spend offline: anyone may read it, admins set it (like caps and limits).
  'team.settings': read(),
  'team.settings.set': manage('admin'),
  // An agent's questions before it spends (api/agents.ts): reads; agents.check runs the usage rules and rolls back.
  'agents.estimate': read(),
  'agents.check': read(),
  'agents.resets': read(),
};

/** The rule for a call, or null when it has none (and is therefore refused). */
export function accessRule(call: string): AccessRule | null {
  return Object.hasOwn(ACCESS, call) ? ACCESS[call as HandlerName] : null;
}

/** Allow the call or throw ForbiddenError naming what is needed. */
export function decide(caller: Caller, call: string): AccessRule {
  const rule = accessRule(call);
  if (!rule) throw new ForbiddenError(`"${call.slice(0, 80)}" has no entry in the access table, so nobody may call it`);
  if (!atLeast(caller.role, rule.role)) throw new ForbiddenError(`${call} needs role ${rule.role} (${caller.member} is ${caller.role})`);
  if (caller.scopes !== null && !rule.anyScope) {
    if (rule.scope === null) throw new ForbiddenError(`${call} needs a device token or a session: scoped tokens never manage members, tokens or money`);
    if (!caller.scopes.includes(rule.scope)) throw new ForbiddenError(`${call} needs scope ${rule.scope} (this token has ${caller.scopes.join(', ') || 'none'})`);
  }
  return rule;
}
