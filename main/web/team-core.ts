/**
 * The team host's door bound to the core's team functions (main/core/team/).
 * One place that knows their exact shapes, so the door (team-host.ts) stays
 * testable and the core free to grow.
 */
import type { HandlerName } from '../core/api/handlers.js';
import type { Ctx } from '../core/ledger/context.js';
import { appendAudit } from '../core/team/audit.js';
import { callAs, callAsAsync, callPublic } from '../core/team/call-as.js';
import { loadOrCreateHostKey } from '../core/team/host-key.js';
import { parseSecret } from '../core/team/secrets.js';
import { authenticateSession, endSession, sessionCsrf, startSession, verifyCsrf } from '../core/team/sessions.js';
import { getTeam } from '../core/team/team.js';
import { authenticateToken } from '../core/team/tokens.js';
import type { TeamCore } from './team-host.js';
import { TEAM_HOST_CALLS } from './dispatch.js';
import type { TeamServe } from './serve.js';

export const teamCore: TeamCore = {
  authenticateToken: (ctx, key, bearer, address, touch, cache) => authenticateToken(ctx, key, bearer, address, touch, cache),
  startSession: (ctx, key, caller) => {
    const s = startSession(ctx, key, caller);
    appendAudit(ctx, { member: caller.member, tokenId: caller.tokenId, address: caller.address, call: 'team.signin', args: { session: s.id }, result: 'ok' });
    return { session: s.session, csrf: s.csrf, expiresAt: s.expiresAt };
  },
  authenticateSession: (ctx, key, secret, address) => authenticateSession(ctx, key, secret, address),
  sessionCsrf: (_ctx, key, sessionId) => sessionCsrf(key, sessionId),
  verifyCsrf: (ctx, key, sessionId, csrf) => verifyCsrf(ctx, key, sessionId, csrf),
  endSession: (ctx, caller, sessionId) => {
    endSession(ctx, sessionId);
    appendAudit(ctx, { member: caller.member, tokenId: caller.tokenId, address: caller.address, call: 'team.signout', args: {}, result: 'ok' });
  },
  redeemInvite: (ctx, key, input, address) => callPublic(ctx, 'team.redeem', input, address, { teamKey: key }),
  tokenIdOf: (bearer) => parseSecret('cdk', bearer)?.id ?? null,
  callAs: (ctx, caller, name, input, services) => callAs(ctx, caller, name as HandlerName, input, services),
  callAsAsync: (ctx, caller, name, input, services) => callAsAsync(ctx, caller, name as HandlerName, input, services),
  remoteCalls: TEAM_HOST_CALLS,
};

export const teamServe: TeamServe = {
  isTeamLedger: (ctx: Ctx) => getTeam(ctx) !== null,
  hostKey: (ledgerPath: string) => loadOrCreateHostKey(ledgerPath),
  core: teamCore,
};
