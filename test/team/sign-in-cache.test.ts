/**
 * The token rows a team host keeps for sign-ins (main/core/team/sign-in-cache.ts):
 * they stand while the team's access version does, which every change to who
 * may sign in moves — by this process or another — and a token's last use does
 * not. A revocation here is seen at the very next sign-in; one by another
 * process at the first sign-in of the host's next turn (expire()).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { initTeam } from '../../main/core/team/team.js';
import { SignInCache } from '../../main/core/team/sign-in-cache.js';
import { authenticateToken, issueToken, revokeToken, rotateToken, type SignInRow } from '../../main/core/team/tokens.js';
import { UnauthorizedError } from '../../main/core/team/types.js';
import { KEY, MINUTE, START, teamLedger, thrown } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A team ledger on disk, and a second process's connection to it (another CLI, say). */
function onDisk() {
  const dir = mkdtempSync(join(tmpdir(), 'cd-sign-in-'));
  dirs.push(dir);
  const file = join(dir, 'team.sqlite');
  const clock = new ManualClock(START);
  const host = openLedger(file, { clock, ids: seededIds(1) });
  const init = initTeam(host, KEY, { name: 'Studio', owner: 'olga', ownerName: 'Olga' });
  const owner = authenticateToken(host, KEY, init.token.token, null);
  host.db.prepare("INSERT INTO team_people (id, name, role, created_at, removed_at) VALUES ('mo', 'Mo', 'member', ?, NULL)").run(clock.now());
  const mo = issueToken(host, KEY, { member: 'mo', device: 'laptop' }, owner);
  const other = openLedger(file, { clock, ids: seededIds(2) });
  return { host, other, owner, mo, clock };
}

const version = (ctx: { db: { prepare(sql: string): { get(): unknown } } }) => (ctx.db.prepare(`SELECT value FROM meta WHERE key = 'access_version'`).get() as { value: number }).value;

describe('sign-in cache', () => {
  it('a token revoked by another process is refused from the host’s next turn; within the turn the kept row stands', () => {
    const { host, other, mo } = onDisk();
    const cache = new SignInCache<SignInRow>();
    // The last-use write queued for the host's writer, as the host does: nothing written here yet.
    const touch = () => {};
    expect(authenticateToken(host, KEY, mo.token, null, touch, cache).member).toBe('mo');
    revokeToken(other, mo.id);
    // The same turn: the kept row, read before the revocation (requests in flight with it).
    expect(authenticateToken(host, KEY, mo.token, null, touch, cache).member).toBe('mo');
    cache.expire();
    expect((thrown(() => authenticateToken(host, KEY, mo.token, null, touch, cache)) as Error).message).toBe('the token was revoked');
    expect(thrown(() => authenticateToken(host, KEY, mo.token, null, touch, cache))).toBeInstanceOf(UnauthorizedError);
    // Without the cache, the very next sign-in reads the row.
    expect(thrown(() => authenticateToken(host, KEY, mo.token, null, touch))).toBeInstanceOf(UnauthorizedError);
  });

  it('a revocation, a removal or a role change in this process is seen at the very next sign-in', () => {
    const t = teamLedger();
    const ad = t.person('ad', 'admin');
    const mo = t.person('mo', 'member');
    const cache = new SignInCache<SignInRow>();
    expect(authenticateToken(t.ctx, KEY, ad.token, null, undefined, cache).role).toBe('admin');
    call(t.ctx, 'team.members.set', { member: 'ad', role: 'member' }, { caller: t.owner });
    expect(authenticateToken(t.ctx, KEY, ad.token, null, undefined, cache).role).toBe('member');
    expect(authenticateToken(t.ctx, KEY, mo.token, null, undefined, cache).member).toBe('mo');
    call(t.ctx, 'team.members.remove', { member: 'mo' }, { caller: t.owner });
    expect((thrown(() => authenticateToken(t.ctx, KEY, mo.token, null, undefined, cache)) as Error).message).toMatch(/revoked|removed/);
    revokeToken(t.ctx, ad.caller.tokenId!);
    expect((thrown(() => authenticateToken(t.ctx, KEY, ad.token, null, undefined, cache)) as Error).message).toBe('the token was revoked');
  });

  it('what moves the access version: tokens issued, revoked and rotated, people and the team; not a token’s last use', () => {
    const { host, owner, mo, clock } = onDisk();
    const moved = (what: () => unknown) => {
      const before = version(host);
      what();
      return version(host) - before;
    };
    clock.advance(2 * MINUTE);
    expect(moved(() => authenticateToken(host, KEY, mo.token, null))).toBe(0);
    expect(host.db.prepare('SELECT last_used_at FROM team_tokens WHERE id = ?').get(mo.id)).toEqual({ last_used_at: clock.now() });
    expect(moved(() => issueToken(host, KEY, { member: 'mo', device: 'phone' }, owner))).toBeGreaterThan(0);
    expect(moved(() => rotateToken(host, KEY, mo.id, 60_000))).toBeGreaterThan(0);
    expect(moved(() => host.db.prepare("UPDATE team_people SET name = 'Mo B' WHERE id = 'mo'").run())).toBeGreaterThan(0);
    expect(moved(() => host.db.prepare("UPDATE team SET name = 'Studio B'").run())).toBeGreaterThan(0);
  });

  it('every column of a token but its last use moves the version (a column added later must join the trigger)', () => {
    const { host } = onDisk();
    const columns = (host.db.prepare(`SELECT name FROM pragma_table_info('team_tokens')`).all() as { name: string }[]).map((c) => c.name);
    const trigger = (host.db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'team_tokens_update_access'`).get() as { sql: string }).sql;
    const watched = /UPDATE OF (.*?) ON team_tokens/.exec(trigger)![1]!.split(',').map((c) => c.trim());
    expect(columns.filter((c) => !watched.includes(c))).toEqual(['last_used_at']);
  });

  it('the last use is written once a minute with a kept row, as without one', () => {
    const { host, mo, clock } = onDisk();
    const cache = new SignInCache<SignInRow>();
    const writes: (() => void)[] = [];
    const touch = (w: () => void) => void writes.push(w);
    clock.advance(2 * MINUTE);
    authenticateToken(host, KEY, mo.token, null, touch, cache);
    authenticateToken(host, KEY, mo.token, null, touch, cache);
    expect(writes).toHaveLength(1);
    clock.advance(MINUTE);
    authenticateToken(host, KEY, mo.token, null, touch, cache);
    expect(writes).toHaveLength(2);
  });
});
