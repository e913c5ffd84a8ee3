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
