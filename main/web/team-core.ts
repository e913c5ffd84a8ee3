/**
 * The team host's door bound to the core's team functions (main/core/team/).
 * One place that knows their exact shapes, so the door (team-host.ts) stays
 * testable and the core free to grow.
 */
import type { HandlerName } from '../core/api/handlers.js';
import type { Ctx } from '../core/ledger/context.js';
import { appendAudit } from '../core/team/audit.js';
import { callAs, callAsAsync, callPublic } from '../core/team/call-as.js';
import { keyedHash, loadOrCreateHostKey } from '../core/team/host-key.js';
import { parseSecret, sameHash } from '../core/team/secrets.js';
import { authenticateSession, endSession, startSession } from '../core/team/sessions.js';
import { getTeam } from '../core/team/team.js';
import { authenticateToken } from '../core/team/tokens.js';
import type { TeamCore } from './team-host.js';
import { TEAM_HOST_CALLS } from './dispatch.js';
import type { TeamServe } from './serve.js';

/**
 * A session's CSRF token: derived from its id under the host key, so the
 * renderer can get it again after a reload (GET /api/team.session), which
 * the core's random one (stored only as a hash) cannot give. Only the host
 * key makes one; it is worthless without the session's HttpOnly cookie.
 */
function csrfFor(key: Buffer, sessionId: string): string {
  return keyedHash(key, `creditdeck csrf\0${sessionId}`);
}

export const teamCore: TeamCore = {
  authenticateToken: (ctx, key, bearer, address) => authenticateToken(ctx, key, bearer, address),
  startSession: (ctx, key, caller) => {
    const s = startSession(ctx, key, caller);
    appendAudit(ctx, { member: caller.member, tokenId: caller.tokenId, address: caller.address, call: 'team.signin', args: { session: s.id }, result: 'ok' });
    return { session: s.session, csrf: csrfFor(key, s.id), expiresAt: s.expiresAt };
  },
  authenticateSession: (ctx, key, secret, address) => authenticateSession(ctx, key, secret, address),
  sessionCsrf: (_ctx, key, sessionId) => csrfFor(key, sessionId),
  verifyCsrf: (_ctx, key, sessionId, csrf) => typeof csrf === 'string' && csrf.length === 64 && sameHash(csrf, csrfFor(key, sessionId)),
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
