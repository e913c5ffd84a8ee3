/**
 * Device and scoped tokens: `cdk_` + id + '_' + 256 random bits, shown once,
 * stored only as a keyed hash. A device token acts with its member's role; a
 * scoped token (scripts, agents) only with its scopes, accounts, pools and
 * cap, and never manages members, tokens or money (access.ts).
 */
import { InputError, NotFoundError } from '../util/errors.js';
import { iso } from '../util/period.js';
import { mcToCredits } from '../util/credits.js';
import { getAccount } from '../ledger/accounts.js';
import type { Ctx } from '../ledger/context.js';
import { keyedHash } from './host-key.js';
import { checkName, getPerson, mayManage } from './people.js';
import { composeSecret, newSecret, parseSecret, sameHash } from './secrets.js';
import { ForbiddenError, SCOPES, UnauthorizedError, type Caller, type Role, type Scope } from './types.js';
import type { SignInCache } from './sign-in-cache.js';

/** last_used_at is written at most this often: a busy script should not turn every read into a write. */
export const LAST_USED_EVERY_MS = 60_000;
export const MAX_GRACE_MS = 30 * 86_400_000;

export interface IssueTokenInput {
  member: string;
  device: string;
  /** Absent or null: a device token. */
  scopes?: Scope[] | null;
  /** Account ids, and ACCOUNT/POOL pools, the token may touch; null for all. */
  accounts?: string[] | null;
  pools?: string[] | null;
  capMc?: number | null;
  expiresAt?: number | null;
}

export interface TokenView {
  id: string;
  member: string;
  device: string;
  scopes: Scope[] | null;
  accounts: string[] | null;
  pools: string[] | null;
  /** Credits per period, null for none. */
  cap: number | null;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  graceUntil: string | null;
  replacedBy: string | null;
}

interface TokenRow {
  id: string;
  member: string;
  device: string;
  scopes: string | null;
  accounts: string | null;
  pools: string | null;
  cap_mc: number | null;
  secret_hash: string;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  revoked_at: number | null;
  grace_until: number | null;
  replaced_by: string | null;
  last_used_at: number | null;
}

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
const time = (t: number | null): string | null => (t === null ? null : iso(t));

/** What a role's own token may be scoped to: viewers read, everyone else may also record and reserve. */
export function scopesForRole(role: Role): Scope[] {
  return role === 'viewer' ? ['read'] : [...SCOPES];
}

function checkScopes(scopes: unknown): Scope[] {
  if (!Array.isArray(scopes) || scopes.length === 0) throw new InputError(`a scoped token needs at least one scope: ${SCOPES.join(', ')}`, 'scopes');
  for (const s of scopes) if (!(SCOPES as readonly unknown[]).includes(s)) throw new InputError(`"${String(s).slice(0, 20)}" is not a scope; use ${SCOPES.join(', ')}`, 'scopes');
  return [...new Set(scopes as Scope[])].sort();
}

/** Account ids as the ledger knows them (so "Lux" and "lux" are one). */
function checkAccounts(ctx: Ctx, accounts: unknown): string[] {
  if (!Array.isArray(accounts) || accounts.length === 0 || accounts.length > 100) throw new InputError('accounts must list 1–100 accounts', 'accounts');
  return [...new Set(accounts.map((a) => getAccount(ctx, String(a)).id))].sort();
}

function checkPools(ctx: Ctx, pools: unknown): string[] {
  if (!Array.isArray(pools) || pools.length === 0 || pools.length > 100) throw new InputError('pools must list 1–100 ACCOUNT/POOL pools', 'pools');
  const out = pools.map((p) => {
    const m = typeof p === 'string' ? /^([^/]+)\/([^/]+)$/.exec(p) : null;
    if (!m) throw new InputError(`"${String(p).slice(0, 60)}" is not ACCOUNT/POOL`, 'pools');
    const acct = getAccount(ctx, m[1]!);
    if (!acct.provider.pools.some((x) => x.id === m[2])) throw new InputError(`${acct.id} has no pool "${m[2]!.slice(0, 40)}"; its pools are ${acct.provider.pools.map((x) => x.id).join(', ')}`, 'pools');
    return `${acct.id}/${m[2]}`;
  });
  return [...new Set(out)].sort();
}

/**
 * Issue a token for `input.member`, shown once. A token never has more than
 * its creator: a device token only for oneself or someone one may manage;
 * a scoped token only from an unscoped caller (device token, session, local),
 * with scopes both the creator's and the member's roles allow.
 */
export function issueToken(ctx: Ctx, key: Buffer, input: IssueTokenInput, createdBy: Caller): { id: string; token: string } {
  const device = checkName(input.device, 'device', 64);
  const scoped = input.scopes !== undefined && input.scopes !== null;
  const scopes = scoped ? checkScopes(input.scopes) : null;
  if (!scoped && (input.accounts != null || input.pools != null || input.capMc != null)) throw new InputError('accounts, pools and a cap belong to scoped tokens: give --scope too', 'scopes');
  const capMc = input.capMc ?? null;
  if (capMc !== null && (!Number.isSafeInteger(capMc) || capMc < 0)) throw new InputError('cap must be a whole number of millicredits, 0 or more', 'cap');
  return ctx.write(() => {
    const person = getPerson(ctx, input.member);
    if (createdBy.scopes !== null) throw new ForbiddenError('a scoped token cannot create tokens; needs a device token or a session');
    if (!mayManage(createdBy, { member: person.id, role: person.role })) throw new ForbiddenError(`${createdBy.member} (${createdBy.role}) may not issue tokens for ${person.id} (${person.role}); needs role ${person.role === 'owner' || person.role === 'admin' ? 'owner' : 'admin'}`);
    if (scopes) {
      for (const role of [createdBy.role, person.role]) {
        const allowed = scopesForRole(role);
        const extra = scopes.filter((s) => !allowed.includes(s));
        if (extra.length) throw new ForbiddenError(`a ${role} may not hold the ${extra.join(', ')} scope`);
      }
    }
    const accounts = input.accounts == null ? null : checkAccounts(ctx, input.accounts);
    const pools = input.pools == null ? null : checkPools(ctx, input.pools);
    const now = ctx.clock.now();
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt !== null && (!Number.isSafeInteger(expiresAt) || expiresAt <= now)) throw new InputError('a token must expire in the future', 'expires');
    const id = ctx.ids.next('tok');
    const secret = newSecret();
    ctx
      .stmt(
        `INSERT INTO team_tokens (id, member, device, scopes, accounts, pools, cap_mc, secret_hash, created_at, created_by, expires_at, revoked_at, grace_until, replaced_by, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL)`,
      )
      .run(id, person.id, device, scopes && JSON.stringify(scopes), accounts && JSON.stringify(accounts), pools && JSON.stringify(pools), capMc, keyedHash(key, secret), now, createdBy.member, expiresAt);
    return { id, token: composeSecret('cdk', id, secret) };
  });
}

function row(ctx: Ctx, id: string): TokenRow | undefined {
  return ctx.stmt('SELECT * FROM team_tokens WHERE id = ?').get(id) as TokenRow | undefined;
}

/** Why a token row no longer signs anyone in at `now`, or null while it does. */
export function tokenInvalidAt(t: Pick<TokenRow, 'revoked_at' | 'expires_at' | 'grace_until'>, now: number): string | null {
  if (t.revoked_at !== null && t.revoked_at <= now) return 'the token was revoked';
  if (t.expires_at !== null && t.expires_at <= now) return 'the token has expired';
  if (t.grace_until !== null && t.grace_until <= now) return 'the token was replaced and its grace period is over; use the new one';
  return null;
}

const NOT_VALID = 'the token is not valid';

/** The token's row with its person and the team, in one read: a request's sign-in is one statement (or none, kept by a SignInCache). */
export interface SignInRow extends TokenRow {
  person_name: string | null;
  person_role: Role | null;
  person_removed_at: number | null;
  team_id: string | null;
}

/**
 * The caller a Bearer token stands for, or UnauthorizedError. Unknown ids and
 * wrong secrets get the same answer; the secret is compared in constant time.
 * `touch`: where the occasional last_used_at write goes — the team host hands
 * it to its group-commit writer, so a sign-in never commits (and waits for an
 * fsync) on its own; without it the write is made at once.
 */
export function authenticateToken(ctx: Ctx, key: Buffer, bearer: string, address: string | null, touch?: (write: () => void) => void, cache?: SignInCache<SignInRow>): Caller {
  const parsed = parseSecret('cdk', bearer);
  if (!parsed) throw new UnauthorizedError(NOT_VALID);
  const read = () =>
    ctx
      .stmt(
        `SELECT t.*, p.name AS person_name, p.role AS person_role, p.removed_at AS person_removed_at, (SELECT id FROM team LIMIT 1) AS team_id
         FROM team_tokens t LEFT JOIN team_people p ON p.id = t.member WHERE t.id = ?`,
      )
      .get(parsed.id) as SignInRow | undefined;
  const t = cache ? cache.row(ctx, parsed.id, read) : read();
  const presented = keyedHash(key, parsed.secret);
  if (!t || !sameHash(presented, t.secret_hash)) throw new UnauthorizedError(NOT_VALID);
  const now = ctx.clock.now();
  const why = tokenInvalidAt(t, now);
  if (why) throw new UnauthorizedError(why);
  if (t.team_id === null || t.person_role === null) throw new UnauthorizedError(NOT_VALID);
  if (t.person_removed_at !== null) throw new UnauthorizedError(`${t.member} was removed from the team`);
  if (t.last_used_at === null || now - t.last_used_at >= LAST_USED_EVERY_MS) {
    const write = () => ctx.write(() => void ctx.stmt('UPDATE team_tokens SET last_used_at = ? WHERE id = ?').run(now, t.id));
    // A kept row is the one the next request reads: it must know the write is on its way (last use moves no version).
    if (cache) t.last_used_at = now;
    if (touch) touch(write);
    else write();
  }
  const scopes = json<Scope[]>(t.scopes);
  const role = t.person_role;
  return {
    team: t.team_id,
    member: t.member,
    name: t.person_name!,
    role,
    via: 'token',
    tokenId: t.id,
    device: t.device,
    // A scoped token never outgrows its member: a demoted member's tokens shrink with them.
    scopes: scopes === null ? null : scopes.filter((s) => scopesForRole(role).includes(s)),
    accounts: json<string[]>(t.accounts),
    pools: json<string[]>(t.pools),
    capMc: t.cap_mc,
    address,
  };
}

function view(t: TokenRow): TokenView {
  return {
    id: t.id,
    member: t.member,
    device: t.device,
    scopes: json<Scope[]>(t.scopes),
    accounts: json<string[]>(t.accounts),
    pools: json<string[]>(t.pools),
    cap: t.cap_mc === null ? null : mcToCredits(t.cap_mc),
    createdAt: iso(t.created_at),
    createdBy: t.created_by,
    lastUsedAt: time(t.last_used_at),
    expiresAt: time(t.expires_at),
    revokedAt: time(t.revoked_at),
    graceUntil: time(t.grace_until),
    replacedBy: t.replaced_by,
  };
}

/** Every token, newest first; never a secret or its hash. */
export function listTokens(ctx: Ctx, opts: { member?: string } = {}): TokenView[] {
  const rows = ctx.stmt('SELECT * FROM team_tokens ORDER BY created_at DESC, id').all() as TokenRow[];
  return rows.filter((t) => opts.member === undefined || t.member === opts.member).map(view);
}

export function getToken(ctx: Ctx, id: string): TokenView {
  const t = row(ctx, id);
  if (!t) throw new NotFoundError('token', String(id).slice(0, 64), 'see `creditdeck team tokens`');
  return view(t);
}

/** Revoke a token: the next request made with it is refused. Revoking twice keeps the first time. */
export function revokeToken(ctx: Ctx, id: string): TokenView {
  return ctx.write(() => {
    getToken(ctx, id);
    ctx.stmt('UPDATE team_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(ctx.clock.now(), id);
    return getToken(ctx, id);
  });
}

/**
 * A new token with the same member, device, scopes and limits; the old one
 * keeps working for `graceMs` (so a device can switch over), then stops.
 */
export function rotateToken(ctx: Ctx, key: Buffer, id: string, graceMs: number): { id: string; token: string; replaces: string; graceUntil: string } {
  if (!Number.isSafeInteger(graceMs) || graceMs < 0 || graceMs > MAX_GRACE_MS) throw new InputError('the grace period must be 0 to 30 days', 'grace');
  return ctx.write(() => {
    const old = row(ctx, id);
    if (!old) throw new NotFoundError('token', String(id).slice(0, 64), 'see `creditdeck team tokens`');
    const now = ctx.clock.now();
    const why = tokenInvalidAt(old, now);
    if (why) throw new InputError(`${id} cannot be rotated: ${why}`, 'id');
    if (old.replaced_by !== null) throw new InputError(`${id} was already rotated (replaced by ${old.replaced_by})`, 'id');
    const newId = ctx.ids.next('tok');
    const secret = newSecret();
    ctx
      .stmt(
        `INSERT INTO team_tokens (id, member, device, scopes, accounts, pools, cap_mc, secret_hash, created_at, created_by, expires_at, revoked_at, grace_until, replaced_by, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL)`,
      )
      .run(newId, old.member, old.device, old.scopes, old.accounts, old.pools, old.cap_mc, keyedHash(key, secret), now, old.created_by, old.expires_at);
    const graceUntil = now + graceMs;
    ctx.stmt('UPDATE team_tokens SET grace_until = ?, replaced_by = ? WHERE id = ?').run(graceUntil, newId, id);
    return { id: newId, token: composeSecret('cdk', newId, secret), replaces: id, graceUntil: iso(graceUntil) };
  });
}
