/**
 * The team contract between the core (people, roles, tokens, invites, the
 * access table, the audit log: main/core/team/) and the transports that
 * authenticate callers (the HTTPS team host in main/web, the CLI as the local
 * owner). docs/team.md has the roles table and the threat model.
 */

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What a scoped token (a script's, an agent's) may do; a device token has none and its member's role decides. */
export const SCOPES = ['read', 'record', 'reserve'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is making a call, as the transport authenticated them. */
export interface Caller {
  team: string;
  member: string;
  name: string;
  role: Role;
  /** How the caller proved who they are: on the host's own machine (the owner), a Bearer token, or a browser session. */
  via: 'local' | 'token' | 'session';
  /** The token (device or scoped) behind the call; null for local calls. */
  tokenId: string | null;
  device: string | null;
  /** null: a device token, whose member's role alone decides. */
  scopes: Scope[] | null;
  /** A scoped token's limits: the accounts (and ACCOUNT/POOL pools) it may touch, null for all. */
  accounts: string[] | null;
  pools: string[] | null;
  /** A scoped token's credit cap per period, in millicredits; null for none. */
  capMc: number | null;
  /** The remote address, for the audit log and rate limits; null for local calls. */
  address: string | null;
}

/** No credentials, or credentials that are not (or no longer) valid: HTTP 401. */
export class UnauthorizedError extends Error {
  readonly code = 'unauthorized';
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** A valid caller whose role or scope does not allow the call: HTTP 403, naming what is needed. */
export class ForbiddenError extends Error {
  readonly code = 'forbidden';
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}
