/**
 * The team host's door: who is calling (a Bearer device token, or a browser
 * session cookie plus its CSRF token), the calls that need no sign-in
 * (team.redeem, team.signin), the session calls (team.signout,
 * team.session), and the rate limit on failures. Everything past the door
 * runs as the caller through the core's callAs (access table, attribution,
 * caps, audit). The secrets themselves — tokens, invite codes, session
 * cookies, the host key — are only handed to the core and never logged,
 * echoed or put in an error. docs/team.md ("Hosting") has the contract.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import type { Ctx } from '../core/ledger/context.js';
import type { Services } from '../core/api/handlers.js';
import { InputError } from '../core/util/errors.js';
import { UnauthorizedError, type Caller, type Role } from '../core/team/types.js';
import { AuthFailures, failureKeys, type AuthLimits } from './auth-limits.js';
import { errorEnvelope, STATUS, writesLedger, type Envelope } from './dispatch.js';
import type { GroupCommit } from '../core/ledger/group-commit.js';
import { isAsyncCall } from '../core/api/handlers.js';
import { SignInCache } from '../core/team/sign-in-cache.js';
import type { SignInRow } from '../core/team/tokens.js';
import { recordMany } from '../core/api/record-many.js';
import { inviteLink } from './invite-link.js';

/** `__Host-`: the browser keeps it only if Secure, Path=/ and no Domain, so no sibling host can plant or read it. */
export const SESSION_COOKIE = '__Host-creditdeck';
export const CSRF_HEADER = 'x-csrf-token';

/** The core's team functions the door uses (main/core/team/); an interface so the door is tested against the real ones and nothing else. */
export interface TeamCore {
  /** `touch`: where the token's occasional last_used_at write goes (the host's writer); without it, written at once. */
  authenticateToken(ctx: Ctx, key: Buffer, bearer: string, address: string | null, touch?: (write: () => void) => void, cache?: SignInCache<SignInRow>): Caller;
  /** A new session for a caller who just proved who they are (audited as team.signin). */
  startSession(ctx: Ctx, key: Buffer, caller: Caller): { session: string; csrf: string; expiresAt: string };
  authenticateSession(ctx: Ctx, key: Buffer, secret: string, address: string | null): Caller & { sessionId: string };
  /** The CSRF token of a live session (for GET /api/team.session). */
  sessionCsrf(ctx: Ctx, key: Buffer, sessionId: string): string;
  /** Whether the header's token is this session's. */
  verifyCsrf(ctx: Ctx, key: Buffer, sessionId: string, csrf: string): boolean;
  /** Sign out (audited as team.signout). */
  endSession(ctx: Ctx, caller: Caller, sessionId: string): void;
  /** team.redeem, audited with the address; the answer carries the new device token, once. */
  redeemInvite(ctx: Ctx, key: Buffer, input: unknown, address: string | null): { token: string; member: string; name: string; role: Role };
  /** The token's id, for the rate limit (null when the text is not a token). */
  tokenIdOf(bearer: string): string | null;
  callAs(ctx: Ctx, caller: Caller, name: string, input: unknown, services?: Services): unknown;
  callAsAsync(ctx: Ctx, caller: Caller, name: string, input: unknown, services?: Services): Promise<unknown>;
  /** The team.* handlers a remote caller may reach (the access table still decides by role). */
  remoteCalls: readonly string[];
}

export interface TeamDoorOptions {
  ctx: Ctx;
  key: Buffer;
  core: TeamCore;
  limits?: Partial<AuthLimits>;
  /** Unexpected failures in full (the host's log); never a secret, which stays in the request. */
  log?: (line: string) => void;
}

/** An answer the door gives itself: a status, the envelope, extra headers. */
export interface DoorReply {
  status: number;
  body: Envelope;
  headers?: Record<string, string | string[]>;
}

export type Who = { caller: Caller; sessionId: string | null } | DoorReply;

const unauthorized = (message: string, headers?: Record<string, string | string[]>): DoorReply => ({ status: 401, body: { ok: false, error: { code: 'unauthorized', message } }, ...(headers ? { headers } : {}) });
const forbidden = (message: string): DoorReply => ({ status: 403, body: { ok: false, error: { code: 'forbidden', message } } });
const tooMany = (sec: number): DoorReply => ({
  status: 429,
  body: { ok: false, error: { code: 'error', message: `too many failed sign-ins from here; try again in ${sec} s` } },
  headers: { 'Retry-After': String(sec) },
});

/** Methods that change nothing: a session needs no CSRF token for them. Every API call is a POST, so every call needs it. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

export class TeamDoor {
  readonly failures: AuthFailures;
  /** Calls the door answers itself, before or instead of the core. */
  static readonly OWN_CALLS: ReadonlySet<string> = new Set(['team.redeem', 'team.signin', 'team.signout', 'team.session']);
  readonly extraCalls: ReadonlySet<string>;
  private readonly ctx: Ctx;
  private readonly key: Buffer;
  private readonly core: TeamCore;
  private readonly log: (line: string) => void;

  constructor(o: TeamDoorOptions) {
    this.log = o.log ?? (() => {});
    this.ctx = o.ctx;
    this.key = o.key;
    this.core = o.core;
    this.failures = new AuthFailures(o.limits);
    this.extraCalls = new Set(o.core.remoteCalls.filter((n) => !TeamDoor.OWN_CALLS.has(n)));
  }

  /** The host's group-commit writer (server.ts sets it): calls that change the ledger are committed in its groups. */
  writer: GroupCommit | null = null;

  /**
   * A token's last_used_at, written in the writer's next group rather than in
   * a transaction of its own: a busy host's sign-ins then cost no COMMIT (and
   * no fsync) each. It says when a device was last seen, so a group that
   * fails losing it is only logged.
   */
  private readonly touch = (write: () => void): void => {
    if (!this.writer) return write();
    this.writer.submit(write).catch((e: unknown) => this.log(`creditdeck web: a token's last use was not recorded: ${e instanceof Error ? e.message : String(e)}`));
  };

  private readonly signInCache = new SignInCache<SignInRow>();
  private signInTurn = false;

  /** The token rows kept for sign-ins (core/team/sign-in-cache.ts), their version read again once per turn of the event loop. */
  private signIns(): SignInCache<SignInRow> {
    if (!this.signInTurn) {
      this.signInTurn = true;
      this.signInCache.expire();
      setImmediate(() => (this.signInTurn = false));
    }
    return this.signInCache;
  }

  /** Runs a call as the caller through the core (access table, attribution, caps, audit). */
  runner(caller: Caller, services?: Services): (name: string, input: unknown) => unknown {
    // The team calls that issue secrets (invites, tokens) need the host key; only the core sees it.
    const s: Services = { ...services, teamKey: this.key };
    return async (name, input) => {
      const sync = () => this.core.callAs(this.ctx, caller, name, input, s);
      // Usage events sharing a group are recorded together (api/record-many.ts), each as its caller.
      const batch = name === 'usage.record' ? { as: recordMany(this.ctx), item: { caller, input, services: s } } : undefined;
      const out = isAsyncCall(name) ? await this.core.callAsAsync(this.ctx, caller, name, input, s) : this.writer && writesLedger(name) ? await this.writer.submit(sync, batch) : sync();
      return name === 'team.invite' ? this.withLink(out) : out;
    };
  }

  /** Where invite links point: set once the host listens (its port) — the public URL, and the fingerprint to pin (none behind a proxy, whose certificate a public CA vouches for). */
  linkBase: { url: string; fingerprint: string | null } | null = null;

  private withLink(out: unknown): unknown {
    const r = out as { invite?: unknown } | null;
    if (!this.linkBase || r === null || typeof r !== 'object' || typeof r.invite !== 'string') return out;
    return { ...r, link: inviteLink(this.linkBase.url, r.invite, this.linkBase.fingerprint) };
  }

  /**
   * A device or scoped token (from the Authorization header, or a calendar
   * feed's URL, which calendar apps fetch without headers); failures count
   * toward the rate limit like any bad sign-in. `malformed`: what to say when
   * there is no token at all.
   */
  async authenticateBearer(bearer: string | null, address: string | null, malformed: string): Promise<Who> {
    const tokenId = bearer === null ? null : this.core.tokenIdOf(bearer);
    const keys = failureKeys(address, tokenId);
    const wait = await this.failures.blocked(keys);
    if (wait !== null) return tooMany(wait);
    if (bearer === null) {
      await this.failures.fail(keys);
      return unauthorized(malformed);
    }
    try {
      return { caller: this.core.authenticateToken(this.ctx, this.key, bearer, address, this.touch, this.signIns()), sessionId: null };
    } catch (e) {
      if (!(e instanceof UnauthorizedError)) throw e;
      await this.failures.fail(keys);
      return unauthorized(e.message);
    }
  }

  /** The Bearer token of a request, or undefined without an Authorization header; null when the header is not Bearer. */
  private bearer(req: IncomingMessage): string | null | undefined {
    const h = req.headers.authorization;
    if (h === undefined) return undefined;
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(h);
    return m ? m[1]! : null;
  }

  private sessionSecret(req: IncomingMessage): string | undefined {
    const h = req.headers.cookie;
    if (!h) return undefined;
    try {
      return parseCookie(h)[SESSION_COOKIE];
    } catch {
      return undefined;
    }
  }

  /** Set-Cookie for a new session: HttpOnly (no script reads it), Secure, SameSite=Strict (no cross-site request carries it). */
  sessionCookie(secret: string, expiresAt: string): string {
    return serializeCookie(SESSION_COOKIE, secret, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', expires: new Date(expiresAt) });
  }

  clearCookie(): string {
    return serializeCookie(SESSION_COOKIE, '', { httpOnly: true, secure: true, sameSite: 'strict', path: '/', expires: new Date(0) });
  }

  /**
   * Who is calling: a Bearer token first, else the session cookie (and then,
   * for anything but GET/HEAD, the X-CSRF-Token header). Bad tokens count
   * against the address and the token id; a stale cookie does not (it is no
   * guess, just an old session), but is cleared.
   */
  async authenticate(req: IncomingMessage, address: string | null): Promise<Who> {
    const bearer = this.bearer(req);
    if (bearer !== undefined) return this.authenticateBearer(bearer, address, 'the Authorization header must be "Bearer cdk_…"');
    const secret = this.sessionSecret(req);
    if (secret === undefined) return unauthorized('sign in first: send "Authorization: Bearer cdk_…", or sign in with POST /api/team.signin');
    let who: Caller & { sessionId: string };
    try {
      who = this.core.authenticateSession(this.ctx, this.key, secret, address);
    } catch (e) {
      if (!(e instanceof UnauthorizedError)) throw e;
      return unauthorized(e.message, { 'Set-Cookie': this.clearCookie() });
    }
    const { sessionId, ...caller } = who;
    if (!SAFE_METHODS.has(req.method ?? '')) {
      const csrf = req.headers[CSRF_HEADER];
      if (typeof csrf !== 'string' || csrf === '') return forbidden(`a signed-in browser must send its CSRF token in the X-CSRF-Token header (GET /api/team.session gives it)`);
      if (!this.core.verifyCsrf(this.ctx, this.key, sessionId, csrf)) return forbidden('the CSRF token does not match this session');
    }
    return { caller, sessionId };
  }

  /** POST /api/team.redeem {invite, device}: no sign-in; failures count against the address. */
  async redeem(input: unknown, address: string | null): Promise<DoorReply> {
    const keys = failureKeys(address, null);
    const wait = await this.failures.blocked(keys);
    if (wait !== null) return tooMany(wait);
    try {
      const r = this.core.redeemInvite(this.ctx, this.key, input, address);
      return { status: 200, body: { ok: true, result: r } };
    } catch (e) {
      await this.failures.fail(keys);
      return this.reply(e, 'team.redeem');
    }
  }

  /**
   * POST /api/team.signin {token} or {invite, device}: a session cookie for
   * the browser, answering {member, name, role, csrf}. With an invite the new
   * device token stays on the host: the browser never holds it.
   */
  async signin(input: unknown, address: string | null): Promise<DoorReply> {
    const o = (input !== null && typeof input === 'object' ? input : {}) as { token?: unknown; invite?: unknown; device?: unknown };
    const tokenId = typeof o.token === 'string' ? this.core.tokenIdOf(o.token) : null;
    const keys = failureKeys(address, tokenId);
    const wait = await this.failures.blocked(keys);
    if (wait !== null) return tooMany(wait);
    try {
      let token: string;
      if (o.token !== undefined) {
        if (typeof o.token !== 'string') throw new InputError('token must be text: the cdk_… device token', 'token');
        token = o.token;
      } else if (o.invite !== undefined) {
        token = this.core.redeemInvite(this.ctx, this.key, { invite: o.invite, device: o.device }, address).token;
      } else throw new InputError('sign in with {token} or {invite, device}', 'token');
      const caller = this.core.authenticateToken(this.ctx, this.key, token, address);
      const s = this.core.startSession(this.ctx, this.key, caller);
      return {
        status: 200,
        body: { ok: true, result: { member: caller.member, name: caller.name, role: caller.role, csrf: s.csrf, expiresAt: s.expiresAt } },
        headers: { 'Set-Cookie': this.sessionCookie(s.session, s.expiresAt) },
      };
    } catch (e) {
      await this.failures.fail(keys);
      return this.reply(e, 'team.signin');
    }
  }

  /** POST /api/team.signout: ends this browser's session (CSRF checked by authenticate) and clears the cookie. */
  signout(caller: Caller, sessionId: string | null): DoorReply {
    if (sessionId === null) return { status: 400, body: { ok: false, error: { code: 'invalid_input', message: 'team.signout ends a browser session; a token is revoked with team.tokens.revoke', field: null } } };
    this.core.endSession(this.ctx, caller, sessionId);
    return { status: 200, body: { ok: true, result: { signedOut: true } }, headers: { 'Set-Cookie': this.clearCookie() } };
  }

  /** GET /api/team.session: who this browser is signed in as, and its CSRF token, for the renderer. */
  session(caller: Caller, sessionId: string | null): DoorReply {
    const csrf = sessionId === null ? null : this.core.sessionCsrf(this.ctx, this.key, sessionId);
    return { status: 200, body: { ok: true, result: { team: caller.team, member: caller.member, name: caller.name, role: caller.role, csrf } } };
  }

  /** Any error as the door's answer; the messages are the core's, which never carry a secret. */
  reply(e: unknown, call: string): DoorReply {
    const env = errorEnvelope(e);
    if (env.error.code === 'error') this.log(`creditdeck web: ${call} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return { status: STATUS[env.error.code], body: env };
  }
}
