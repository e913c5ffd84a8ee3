/**
 * Browser sessions: a signed-in person's cookie value (`cds_` + id + 256
 * random bits) and a CSRF token, both stored only as keyed hashes. A session
 * ends after 30 idle minutes or 12 hours at most (by default), when signed
 * out or ended by an owner, when its token is revoked, or when its person
 * is removed. The transport sets the cookie (__Host-, HttpOnly, Secure,
 * SameSite=Strict) and checks the CSRF token on every state-changing request.
 */
import { InputError, NotFoundError } from '../util/errors.js';
import { iso } from '../util/period.js';
import type { Ctx } from '../ledger/context.js';
import { keyedHash } from './host-key.js';
import { findPerson } from './people.js';
import { composeSecret, newSecret, parseSecret, sameHash } from './secrets.js';
import { getTeam } from './team.js';
import { ForbiddenError, UnauthorizedError, type Caller } from './types.js';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000;
/** The idle expiry is moved forward at most this often: a busy page should not write on every request. */
export const SLIDE_EVERY_MS = 60_000;

export interface SessionOptions {
  idleMs?: number;
  absoluteMs?: number;
}

interface SessionRow {
  id: string;
  secret_hash: string;
  member: string;
  token_id: string | null;
  created_at: number;
  last_seen_at: number;
  idle_expires_at: number;
  expires_at: number;
  ended_at: number | null;
  csrf_hash: string;
}

/** How long after its last request a session ends (stored per session, so a shorter one given at start holds). */
const idleOf = (s: SessionRow) => s.idle_expires_at - s.last_seen_at;

/**
 * A session's CSRF token: its id under the host key. The renderer can ask for
 * it again after a reload (GET /api/team.session), and only the host key makes
 * one; it is worthless without the session's HttpOnly cookie. Its keyed hash is
 * kept with the session, which verifyCsrf compares against.
 */
export function sessionCsrf(key: Buffer, sessionId: string): string {
  return keyedHash(key, `creditdeck csrf\0${sessionId}`);
}

/**
 * Start a session for a caller who has just proved who they are (a device
 * token, or an invite just redeemed). A scoped token cannot start one: a
 * browser session acts with the person's whole role.
 */
export function startSession(ctx: Ctx, key: Buffer, caller: Caller, opts: SessionOptions = {}): { session: string; id: string; csrf: string; expiresAt: string; idleExpiresAt: string } {
  if (caller.scopes !== null) throw new ForbiddenError('a scoped token cannot start a browser session; sign in with a device token or an invite');
  const idle = opts.idleMs ?? SESSION_IDLE_MS;
  const absolute = opts.absoluteMs ?? SESSION_ABSOLUTE_MS;
  if (!Number.isSafeInteger(idle) || idle < 60_000 || !Number.isSafeInteger(absolute) || absolute < idle || absolute > 7 * 86_400_000) {
    throw new InputError('a session lasts at least a minute idle, and at most 7 days', 'session');
  }
  return ctx.write(() => {
    const now = ctx.clock.now();
    const id = ctx.ids.next('ses');
    const secret = newSecret();
    const csrf = sessionCsrf(key, id);
    ctx
      .stmt(
        `INSERT INTO team_sessions (id, secret_hash, member, token_id, created_at, last_seen_at, idle_expires_at, expires_at, ended_at, csrf_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
      )
      .run(id, keyedHash(key, secret), caller.member, caller.tokenId, now, now, now + idle, now + absolute, keyedHash(key, csrf));
    return { session: composeSecret('cds', id, secret), id, csrf, expiresAt: iso(now + absolute), idleExpiresAt: iso(now + idle) };
  });
}

const NOT_SIGNED_IN = 'not signed in, or the session has ended; sign in again';

/** The caller behind a session cookie, or UnauthorizedError. Each request moves the idle expiry forward. */
export function authenticateSession(ctx: Ctx, key: Buffer, sessionSecret: string, address: string | null): Caller & { sessionId: string } {
  const parsed = parseSecret('cds', sessionSecret);
  if (!parsed) throw new UnauthorizedError(NOT_SIGNED_IN);
  const s = ctx.stmt('SELECT * FROM team_sessions WHERE id = ?').get(parsed.id) as SessionRow | undefined;
  if (!s || !sameHash(keyedHash(key, parsed.secret), s.secret_hash)) throw new UnauthorizedError(NOT_SIGNED_IN);
  const now = ctx.clock.now();
  if (s.ended_at !== null) throw new UnauthorizedError('the session was ended; sign in again');
  if (s.expires_at <= now) throw new UnauthorizedError('the session has expired; sign in again');
  if (s.idle_expires_at <= now) throw new UnauthorizedError('the session ended after being idle; sign in again');
  const team = getTeam(ctx);
  const person = findPerson(ctx, s.member);
  if (!team || !person || person.removedAt !== null) throw new UnauthorizedError(NOT_SIGNED_IN);
  // The device token it was started with is revoked or expired: the session goes with it.
  if (s.token_id !== null) {
    const t = ctx.stmt('SELECT revoked_at, expires_at FROM team_tokens WHERE id = ?').get(s.token_id) as { revoked_at: number | null; expires_at: number | null } | undefined;
    if (!t || (t.revoked_at !== null && t.revoked_at <= now) || (t.expires_at !== null && t.expires_at <= now)) throw new UnauthorizedError('the device this session signed in with was revoked; sign in again');
  }
  if (now - s.last_seen_at >= SLIDE_EVERY_MS) {
    const idleUntil = Math.min(now + idleOf(s), s.expires_at);
    ctx.write(() => ctx.stmt('UPDATE team_sessions SET last_seen_at = ?, idle_expires_at = ? WHERE id = ? AND ended_at IS NULL').run(now, idleUntil, s.id));
  }
  const device = s.token_id === null ? null : ((ctx.stmt('SELECT device FROM team_tokens WHERE id = ?').get(s.token_id) as { device: string } | undefined)?.device ?? null);
  return {
    team: team.id,
    member: person.id,
    name: person.name,
    role: person.role,
    via: 'session',
    tokenId: s.token_id,
    device,
    scopes: null,
    accounts: null,
    pools: null,
    capMc: null,
    address,
    sessionId: s.id,
  };
}

/** Whether `csrf` is the session's CSRF token, compared in constant time; false for an ended or unknown session. */
export function verifyCsrf(ctx: Ctx, key: Buffer, sessionId: string, csrf: unknown): boolean {
  if (typeof csrf !== 'string' || csrf.length === 0 || csrf.length > 200) return false;
  const s = ctx.stmt('SELECT csrf_hash, ended_at FROM team_sessions WHERE id = ?').get(sessionId) as { csrf_hash: string; ended_at: number | null } | undefined;
  const presented = keyedHash(key, csrf);
  return s !== undefined && s.ended_at === null && sameHash(presented, s.csrf_hash);
}

export interface SessionView {
  id: string;
  member: string;
  tokenId: string | null;
  createdAt: string;
  lastSeenAt: string;
  idleExpiresAt: string;
  expiresAt: string;
  endedAt: string | null;
  active: boolean;
}

function view(s: SessionRow, now: number): SessionView {
  return {
    id: s.id,
    member: s.member,
    tokenId: s.token_id,
    createdAt: iso(s.created_at),
    lastSeenAt: iso(s.last_seen_at),
    idleExpiresAt: iso(s.idle_expires_at),
    expiresAt: iso(s.expires_at),
    endedAt: s.ended_at === null ? null : iso(s.ended_at),
    active: s.ended_at === null && s.expires_at > now && s.idle_expires_at > now,
  };
}

/** Sessions, newest first (ended ones of the last 30 days too); never a secret. */
export function listSessions(ctx: Ctx, opts: { member?: string } = {}): SessionView[] {
  const now = ctx.clock.now();
  const rows = ctx.stmt('SELECT * FROM team_sessions WHERE expires_at > ? ORDER BY created_at DESC, id').all(now - 30 * 86_400_000) as SessionRow[];
  return rows.filter((s) => opts.member === undefined || s.member === opts.member).map((s) => view(s, now));
}

export function getSession(ctx: Ctx, id: string): SessionView {
  const s = ctx.stmt('SELECT * FROM team_sessions WHERE id = ?').get(id) as SessionRow | undefined;
  if (!s) throw new NotFoundError('session', String(id).slice(0, 64), 'see `team.sessions.list`');
  return view(s, ctx.clock.now());
}

/** End a session (sign out, or an owner ending it): its next request is refused. */
export function endSession(ctx: Ctx, id: string): SessionView {
  return ctx.write(() => {
    getSession(ctx, id);
    ctx.stmt('UPDATE team_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(ctx.clock.now(), id);
    return getSession(ctx, id);
  });
}
