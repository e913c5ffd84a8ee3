/**
 * `creditdeck mcp` as a desktop client starts it: `node bin/creditdeck.mjs
 * --db LEDGER mcp` (the bundle `npm test` builds), with a HOME of its own,
 * driven by the SDK's own stdio client. The child runs on the real clock, so
 * the answers checked here are the ones time does not move (amounts; the
 * reset the ledger itself reports).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { call } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import { loadOrCreateHostKey } from '../../main/core/team/host-key.js';
import { initTeam } from '../../main/core/team/team.js';
import { stdioClient, tool, toolError, TOOL_NAMES, WRITE_TOOLS, type Json } from './helpers.js';

let dir: string;
let db: string;
let session: { client: Client; stderr: () => string };

const TABLES = ['events', 'holds', 'hold_moves', 'entries', 'grants', 'refusals'] as const;

/** The ledger's rows that any write would add to. */
function counts(file = db): Record<(typeof TABLES)[number], number> {
  const conn = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(TABLES.map((t) => [t, (conn.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n])) as Record<(typeof TABLES)[number], number>;
  } finally {
    conn.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'creditdeck-mcp-'));
  db = join(dir, 'ledger.sqlite');
  const ctx = openLedger(db);
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'free' });
  call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise' });
  ctx.db.close();
  session = await stdioClient(db, dir);
}, 60_000);

afterAll(async () => {
  await session?.client.close();
});

describe('creditdeck mcp over stdio', () => {
  it('lists the nine tools with their input and output schemas', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    for (const t of tools) {
      expect(t.outputSchema?.type, t.name).toBe('object');
      if (WRITE_TOOLS.includes(t.name)) expect(t.inputSchema.required, t.name).toContain('idempotencyKey');
    }
    expect(session.client.getServerVersion()?.name).toBe('creditdeck');
  });

  it('an agent run: estimate → reserve 30 → commit 3 × 8 → release the rest, exact', async () => {
    const c = session.client;
    const pools = (await tool(c, 'list_pools')).pools as Json[];
    expect(pools.map((p) => `${p.account}/${p.pool}=${p.available}`)).toEqual(['lux-free/credits=1000', 'fluxnote-rise/video=21', 'fluxnote-rise/image=1000']);
    const est = await tool(c, 'estimate_cost', { account: 'lux-free', action: 'ai:claude-sonnet', quantity: '1600' });
    expect(est).toMatchObject({ pool: 'credits', credits: '8', available: '1000', fits: true });
    expect((await tool(c, 'check_budget', { account: 'lux-free', action: 'ai:claude-sonnet', quantity: '4800' })).allowed).toBe(true);
    const hold = await tool(c, 'reserve_credits', { account: 'lux-free', pool: 'credits', credits: '30', idempotencyKey: 'run-1' });
    expect(hold).toMatchObject({ credits: '30', outstanding: '30', status: 'open' });
    expect(Date.parse(hold.expiresAt) - Date.parse(hold.createdAt)).toBe(3_600_000);
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const u = await tool(c, 'commit_usage', { reservationId: hold.reservationId, action: 'ai:claude-sonnet', quantity: '1600', idempotencyKey: `run-1-${i}` });
      expect(u).toMatchObject({ replayed: false, status: 'applied', account: 'lux-free', credits: '8', reservationId: hold.reservationId });
      ids.push(u.eventId);
    }
    expect(new Set(ids).size).toBe(3);
    const released = await tool(c, 'release_reservation', { reservationId: hold.reservationId, idempotencyKey: 'run-1-end' });
    expect(released).toMatchObject({ status: 'released', captured: '24', outstanding: '0', released: '6' });
    const balance = (await tool(c, 'get_balance', { account: 'lux-free' })).pools[0];
    expect(balance).toMatchObject({ remaining: '976', monthly: '976', topup: '0', held: '0', available: '976', usedThisPeriod: '24' });
    const usage = await tool(c, 'list_usage', { account: 'lux-free' });
    expect(usage.total).toEqual({ events: 3, credits: '24' });
    expect(usage.from).toBe(balance.periodStart);
    const resets = await tool(c, 'get_reset_schedule', { account: 'lux-free' });
    expect(resets.accounts[0].pools[0]).toMatchObject({ nextReset: balance.nextReset, monthlyRemaining: '976', expiresAtReset: '976', expiringTotal: '976' });
    expect(session.stderr()).toBe('');
  });

  it('retries return the first result and write nothing more', async () => {
    const c = session.client;
    const before = counts();
    const hold = await tool(c, 'reserve_credits', { account: 'lux-free', pool: 'credits', credits: '30', idempotencyKey: 'run-1' });
    expect(hold).toMatchObject({ status: 'released', captured: '24' });
    const again = await tool(c, 'commit_usage', { reservationId: hold.reservationId, action: 'ai:claude-sonnet', quantity: '1600', idempotencyKey: 'run-1-2' });
    expect(again).toMatchObject({ replayed: true, status: 'applied', credits: '8' });
    expect((await tool(c, 'release_reservation', { reservationId: hold.reservationId, idempotencyKey: 'run-1-end' })).released).toBe('6');
    expect(counts()).toEqual(before);
  });

  it('bad input and refusals answer a clear tool error, and nothing is written', async () => {
    const c = session.client;
    const before = counts();
    const unknown = await toolError(c, 'commit_usage', { account: 'lux-free', action: 'teleport', idempotencyKey: 'bad-1' });
    expect(unknown).toMatchObject({ code: 'invalid_input', field: 'action' });
    expect(unknown.message).toMatch(/unknown action "teleport".*Nothing was written/);
    const half = await toolError(c, 'commit_usage', { account: 'fluxnote-rise', action: 'video', quantity: '0.5', idempotencyKey: 'bad-2' });
    expect(half.message).toMatch(/whole number/);
    const fine = await toolError(c, 'reserve_credits', { account: 'lux-free', pool: 'credits', credits: '1.0001', idempotencyKey: 'bad-3' });
    expect(fine.code).toBe('invalid_input');
    const noAccount = await toolError(c, 'commit_usage', { action: 'email', idempotencyKey: 'bad-4' });
    expect(noAccount.message).toMatch(/needs an account, or a reservationId/);
    const tooMuch = await toolError(c, 'reserve_credits', { account: 'fluxnote-rise', pool: 'video', credits: '22', idempotencyKey: 'bad-5' });
    expect(tooMuch).toMatchObject({ code: 'refused', reason: 'hold' });
    expect(tooMuch.message).toMatch(/cannot hold 22 video credits .*21 available/);
    const over = await tool(c, 'check_budget', { account: 'fluxnote-rise', action: 'video', quantity: 22 });
    expect(over).toMatchObject({ allowed: false, limit: 'credits', reason: 'insufficient_credits' });
    // No usage, hold or capture; the refused hold's first write on fluxnote-rise may book its period's grant (resets are booked lazily).
    const { events, holds, hold_moves: moves } = counts();
    expect({ events, holds, moves }).toEqual({ events: before.events, holds: before.holds, moves: before.hold_moves });
    // A ledger refusal is recorded as every refusal is (creditdeck refusals); invalid input and the budget check leave none.
    expect(counts().refusals).toBe(before.refusals + 1);
  });
});

describe('creditdeck mcp on a team ledger', () => {
  it("acts as the team's owner through callAs: attributed to the owner and audited, as the CLI is", async () => {
    const teamDb = join(dir, 'team.sqlite');
    const ctx = openLedger(teamDb);
    initTeam(ctx, loadOrCreateHostKey(teamDb), { name: 'Studio', owner: 'ana', ownerName: 'Ana' });
    call(ctx, 'accounts.add', { preset: 'lux', plan: 'free' });
    ctx.db.close();
    const team = await stdioClient(teamDb, dir);
    try {
      const used = await tool(team.client, 'commit_usage', { account: 'lux-free', action: 'email', quantity: 2, idempotencyKey: 'team-1' });
      expect(used).toMatchObject({ status: 'applied', credits: '2' });
      const conn = new Database(teamDb, { readonly: true });
      try {
        expect(conn.prepare('SELECT member, cost_mc FROM events').all()).toEqual([{ member: 'ana', cost_mc: 2000 }]);
        expect(conn.prepare(`SELECT member, token_id AS tokenId, result FROM team_audit WHERE call = 'usage.record'`).all()).toEqual([{ member: 'ana', tokenId: null, result: 'ok' }]);
      } finally {
        conn.close();
      }
    } finally {
      await team.client.close();
    }
  });
});
