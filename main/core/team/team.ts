/** The team a team ledger belongs to: one row, made once by initTeam. */
import { InputError } from '../util/errors.js';
import type { Ctx } from '../ledger/context.js';
import { checkMemberId, checkName } from './people.js';
import { issueToken } from './tokens.js';
import { appendAudit } from './audit.js';
import type { Caller } from './types.js';

export interface Team {
  id: string;
  name: string;
}

export function getTeam(ctx: Ctx): Team | null {
  const r = ctx.stmt('SELECT id, name FROM team LIMIT 1').get() as Team | undefined;
  return r ? { id: r.id, name: r.name } : null;
}

/** The team, or an InputError saying this ledger is not a team ledger. */
export function requireTeam(ctx: Ctx): Team {
  const t = getTeam(ctx);
  if (!t) throw new InputError('this ledger is not a team ledger; make it one with `creditdeck team init --name TEAM --owner MEMBER`', 'team');
  return t;
}

export interface InitTeamInput {
  name: string;
  owner: string;
  ownerName?: string;
  device?: string;
}

/**
 * Make this ledger a team ledger, its owner the first person, and issue the
 * owner's first device token (shown once). Every account in it belongs to
 * the team: there is nothing per account to set.
 */
export function initTeam(ctx: Ctx, key: Buffer, input: InitTeamInput): { team: Team; owner: { id: string; name: string; role: 'owner' }; token: { id: string; token: string } } {
  const name = checkName(input.name, 'name', 100);
  const owner = checkMemberId(input.owner, 'owner');
  const ownerName = input.ownerName === undefined ? owner : checkName(input.ownerName, 'ownerName');
  const device = input.device === undefined ? 'first device' : checkName(input.device, 'device', 64);
  return ctx.write(() => {
    const existing = getTeam(ctx);
    if (existing) throw new InputError(`this ledger is already the team ledger of "${existing.name}"; a ledger belongs to one team`, 'team');
    const now = ctx.clock.now();
    const team = { id: ctx.ids.next('team'), name };
    ctx.stmt('INSERT INTO team (id, name, created_at) VALUES (?, ?, ?)').run(team.id, team.name, now);
    ctx.stmt(`INSERT INTO team_people (id, name, role, created_at, removed_at) VALUES (?, ?, 'owner', ?, NULL)`).run(owner, ownerName, now);
    const local: Caller = { team: team.id, member: owner, name: ownerName, role: 'owner', via: 'local', tokenId: null, device: null, scopes: null, accounts: null, pools: null, capMc: null, address: null };
    const token = issueToken(ctx, key, { member: owner, device }, local);
    appendAudit(ctx, { member: owner, tokenId: token.id, address: null, call: 'team.init', args: { name, owner, ownerName, device }, result: 'ok' });
    return { team, owner: { id: owner, name: ownerName, role: 'owner' as const }, token };
  });
}

/** The caller the CLI runs as on the host's own machine: the team's (first) owner. */
export function localOwner(ctx: Ctx): Caller {
  const team = requireTeam(ctx);
  const r = ctx.stmt(`SELECT id, name FROM team_people WHERE role = 'owner' AND removed_at IS NULL ORDER BY created_at, id LIMIT 1`).get() as { id: string; name: string } | undefined;
  if (!r) throw new InputError('this team has no owner left; restore one before using the team', 'team');
  return { team: team.id, member: r.id, name: r.name, role: 'owner', via: 'local', tokenId: null, device: null, scopes: null, accounts: null, pools: null, capMc: null, address: null };
}
