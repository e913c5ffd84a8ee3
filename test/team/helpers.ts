/**
 * A team ledger for the tests: in memory, on a manual clock, ids seeded, and
 * a host key passed in (an in-memory ledger has no file to keep one beside).
 */
import { expect } from 'vitest';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { initTeam } from '../../main/core/team/team.js';
import { authenticateToken, issueToken } from '../../main/core/team/tokens.js';
import { setCaps } from '../../main/core/team/caps.js';
import type { Caller, Role } from '../../main/core/team/types.js';

export const KEY = Buffer.alloc(32, 7);
export const START = Date.parse('2027-03-10T09:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface TeamLedger {
  ctx: Ctx;
  clock: ManualClock;
  /** The owner's first device token. */
  ownerToken: string;
  owner: Caller;
  /** Add a person with `role` (directly, as the owner would through an invite) and sign them in with a device token. */
  person(id: string, role: Role, name?: string): { token: string; caller: Caller };
  /** Who a token is, as the transport would authenticate it. */
  as(token: string, address?: string): Caller;
  clean(): void;
}

export function teamLedger(seed = 1): TeamLedger {
  const clock = new ManualClock(START);
  const ctx = openLedger(':memory:', { clock, ids: seededIds(seed) });
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', name: 'Lux' });
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', name: 'Lux Two' });
  const init = initTeam(ctx, KEY, { name: 'Studio', owner: 'olga', ownerName: 'Olga', device: 'laptop' });
  const as = (token: string, address = '192.0.2.1') => authenticateToken(ctx, KEY, token, address);
  const owner = as(init.token.token);
  return {
    ctx,
    clock,
    ownerToken: init.token.token,
    owner,
    person(id, role, name) {
      ctx.db.prepare('INSERT INTO team_people (id, name, role, created_at, removed_at) VALUES (?, ?, ?, ?, NULL)').run(id, name ?? id, role, clock.now());
      const { token } = issueToken(ctx, KEY, { member: id, device: `${id}'s laptop` }, owner);
      return { token, caller: as(token) };
    },
    as,
    clean: () => expect(checkInvariants(ctx)).toEqual([]),
  };
}

export { thrown } from '../ledger/helpers.js';

/** Every row of a table, for "nothing was written" checks. */
export function rows(ctx: Ctx, table: string): unknown[] {
  return ctx.db.prepare(`SELECT * FROM ${table}`).all();
}

export type Who = 'olga' | 'mo' | 'ad' | 'sc' | 'cap' | 'lim' | 'vi';

/**
 * A team ledger with a caller of every kind the access table tells apart: the
 * owner, a member, an admin, a viewer, a member capped at 40 credits on Lux, a
 * script's token (record only) and a token limited to Lux. Two worlds made with
 * the same seed are identical: one records calls one way, the other another.
 */
export function callerWorld(seed: number): { t: TeamLedger; callers: Record<Who, Caller> } {
  const t = teamLedger(seed);
  const callers: Record<Who, Caller> = {
    olga: t.owner,
    mo: t.person('mo', 'member').caller,
    ad: t.person('ad', 'admin').caller,
    cap: t.person('cap', 'member').caller,
    vi: t.person('vi', 'viewer').caller,
    sc: t.as(issueToken(t.ctx, KEY, { member: 'mo', device: 'script', scopes: ['record'] }, t.owner).token),
    lim: t.as(issueToken(t.ctx, KEY, { member: 'mo', device: 'lux script', scopes: ['record'], accounts: ['lux'] }, t.owner).token),
  };
  setCaps(t.ctx, 'cap', { 'lux/credits': 40 });
  return { t, callers };
}

/** Every table, every row, in storage order (a token's secret is random: its hash is left out). */
export function everything(ctx: Ctx): Record<string, unknown[]> {
  const tables = ctx.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' ORDER BY name`).all() as { name: string }[];
  const strip = (r: Record<string, unknown>) => ({ ...r, secret_hash: undefined });
  return Object.fromEntries(tables.map(({ name }) => [name, (ctx.db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]).map(strip)]));
}
