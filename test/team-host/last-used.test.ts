/**
 * A token's last use is written in the host writer's next group, not in a
 * transaction (and an fsync) of its own per sign-in; a revoked token is still
 * refused on its very next request: the rows a sign-in keeps are read again
 * after any write here, and once per turn for writes by other processes.
 */
import { describe, expect, it } from 'vitest';
import type { GroupCommit } from '../../main/core/ledger/group-commit.js';
import { listTokens, revokeToken } from '../../main/core/team/tokens.js';
import { TeamDoor } from '../../main/web/team-host.js';
import { teamCore } from '../../main/web/team-core.js';
import { KEY, MINUTE, teamLedger } from '../team/helpers.js';

function door() {
  const t = teamLedger();
  const mo = t.person('mo', 'member');
  const d = new TeamDoor({ ctx: t.ctx, key: KEY, core: teamCore });
  const queued: (() => unknown)[] = [];
  d.writer = { submit: (run: () => unknown) => (queued.push(run), Promise.resolve()) } as unknown as GroupCommit;
  const lastUsed = () => listTokens(t.ctx, { member: 'mo' })[0]!.lastUsedAt;
  return { t, mo, d, queued, lastUsed };
}

describe("the team host's sign-in", () => {
  it("hands the token's last-use write to the writer, and writes it when the writer runs it", async () => {
    const { t, mo, d, queued, lastUsed } = door();
    t.clock.advance(2 * MINUTE);
    const before = lastUsed();
    const who = await d.authenticateBearer(mo.token, '192.0.2.9', 'no token');
    expect('caller' in who && who.caller.member).toBe('mo');
    expect(queued).toHaveLength(1);
    expect(lastUsed()).toBe(before);
    queued[0]!();
    expect(lastUsed()).toBe(new Date(t.clock.now()).toISOString());
    // Within the minute no write is asked for at all.
    await d.authenticateBearer(mo.token, '192.0.2.9', 'no token');
    expect(queued).toHaveLength(1);
  });

  it('without a writer the write is made at once', async () => {
    const { t, mo, d, lastUsed } = door();
    d.writer = null;
    t.clock.advance(2 * MINUTE);
    await d.authenticateBearer(mo.token, '192.0.2.9', 'no token');
    expect(lastUsed()).toBe(new Date(t.clock.now()).toISOString());
  });

  it("reads a token's row once per turn of the event loop while nothing changes who may sign in", async () => {
    const { t, mo, d } = door();
    let reads = 0;
    const stmt = t.ctx.stmt.bind(t.ctx);
    t.ctx.stmt = (sql: string) => (sql.includes('FROM team_tokens t') && reads++, stmt(sql));
    for (let i = 0; i < 5; i++) expect('caller' in (await d.authenticateBearer(mo.token, '192.0.2.9', 'no token'))).toBe(true);
    expect(reads).toBe(1);
    await new Promise((next) => setImmediate(next));
    for (let i = 0; i < 5; i++) await d.authenticateBearer(mo.token, '192.0.2.9', 'no token');
    expect(reads).toBe(1);
    // Another person joins (their token issued in this process): the rows are read again.
    t.person('ana', 'member');
    const before = reads;
    await d.authenticateBearer(mo.token, '192.0.2.9', 'no token');
    expect(reads).toBe(before + 1);
  });

  it('a revoked token is refused on the very next request, the write still queued or not', async () => {
    const { t, mo, d } = door();
    expect('caller' in (await d.authenticateBearer(mo.token, '192.0.2.9', 'no token'))).toBe(true);
    revokeToken(t.ctx, mo.caller.tokenId!);
    const r = await d.authenticateBearer(mo.token, '192.0.2.9', 'no token');
    expect('status' in r && [r.status, r.body]).toEqual([401, { ok: false, error: { code: 'unauthorized', message: 'the token was revoked' } }]);
  });
});
