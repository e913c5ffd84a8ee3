/**
 * The MCP tools over Streamable HTTP at a real team host's /mcp (HTTPS on
 * 127.0.0.1, its own certificate, pinned), through the SDK's own client:
 * every tool's schema and answer, scopes, caps and limits through callAs,
 * idempotent retries, an agent's batch exact to the millicredit, and the
 * host's door (tokens, Host and Origin) in front of it. Time is the host's
 * manual clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { call } from '../../main/core/api/handlers.js';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { startTeamHost, type TeamHost } from '../team-host/helpers.js';
import { httpClient, tool, toolError, TOOL_NAMES, WRITE_TOOLS, type Json } from './helpers.js';

let host: TeamHost;
const tokens: Record<'owner' | 'bob' | 'reader' | 'agent' | 'luxOnly', string> = { owner: '', bob: '', reader: '', agent: '', luxOnly: '' };
const clients: Client[] = [];

async function client(token: string): Promise<Client> {
  const c = await httpClient(host, token);
  clients.push(c);
  return c;
}

async function scoped(device: string, input: Record<string, unknown>): Promise<string> {
  const r = await host.call('team.tokens.create', { device, ...input });
  expect(r.status, r.text).toBe(200);
  return r.json().result.token as string;
}

const count = (table: string) => (host.ctx.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
const audit = () => host.ctx.db.prepare('SELECT member, token_id AS tokenId, call, result FROM team_audit ORDER BY seq').all() as { member: string; tokenId: string | null; call: string; result: string }[];

beforeAll(async () => {
  host = await startTeamHost({ limits: { freeFailures: 1000 } });
  tokens.owner = host.ownerToken;
  // The ledger as the host's owner sets it up (the CLI on the host machine).
  call(host.ctx, 'accounts.add', { preset: 'lux', plan: 'free', anchor: '2026-11-15' });
  call(host.ctx, 'accounts.add', { preset: 'lux', plan: 'starter', name: 'Lux Ops', anchor: '2026-11-01' });
  const inv = createInvite(host.ctx, host.key, localOwner(host.ctx), { role: 'member', member: 'bob', name: 'Bob' });
  const joined = await host.call('team.redeem', { invite: inv.invite, device: 'laptop' }, null);
  expect(joined.status, joined.text).toBe(200);
  tokens.bob = joined.json().result.token as string;
  tokens.reader = await scoped('dashboard-script', { scopes: ['read'] });
  tokens.agent = await scoped('claude', { scopes: ['read', 'record', 'reserve'], cap: '50' });
  tokens.luxOnly = await scoped('lux-agent', { scopes: ['read', 'record', 'reserve'], accounts: ['lux-free'] });
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.close();
  await host?.stop();
});

describe('the tools and their schemas', () => {
  it('lists the nine tools, each with a description, an input and an output schema; every write requires an idempotency key', async () => {
    const c = await client(tokens.reader);
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeGreaterThan(150);
      expect(t.description, t.name).toMatch(/decimal string/);
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type, t.name).toBe('object');
      expect(t.annotations?.readOnlyHint, t.name).toBe(!WRITE_TOOLS.includes(t.name));
      if (WRITE_TOOLS.includes(t.name)) expect(t.inputSchema.required, t.name).toContain('idempotencyKey');
    }
    const reserve = tools.find((t) => t.name === 'reserve_credits')!;
    expect(reserve.description).toMatch(/release_reservation/);
    expect(reserve.description).toMatch(/ends early|stopped early/);
    const check = tools.find((t) => t.name === 'check_budget')!;
    for (const limit of ['credits', 'spending_limit', 'member_cap', 'token_cap', 'hourly_limit']) expect(check.description).toContain(limit);
  });

  it('refuses arguments outside the schema before anything runs', async () => {
    const c = await client(tokens.agent);
    const before = count('events');
    const r = await c.callTool({ name: 'commit_usage', arguments: { account: 'lux-free', action: 'email' } });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r.content)).toMatch(/idempotencyKey/);
    const extra = await c.callTool({ name: 'get_balance', arguments: { account: 'lux-free', sneaky: 1 } });
    expect(extra.isError).toBe(true);
    expect(count('events')).toBe(before);
  });
});

describe('an agent with a scoped token (read, record, reserve; cap 50 credits)', () => {
  it('estimate → reserve 30 → commit 3 × 8.005 → release the rest, exact to the millicredit', async () => {
    const c = await client(tokens.agent);
    const est = await tool(c, 'estimate_cost', { account: 'lux-free', action: 'ai:claude-sonnet', quantity: '1601' });
    expect(est).toEqual({
      account: 'lux-free',
      action: 'ai:claude-sonnet',
      pool: 'credits',
      unit: expect.any(String),
      quantity: '1601',
      rate: { cost: '5', per: 1000, free: false, wholeUnits: false, hourlyLimit: null },
      credits: '8.005',
      unlimited: false,
      available: '1000',
      fits: true,
      nextReset: '2026-12-15T00:00:00.000Z',
      at: '2026-11-15T12:00:00.000Z',
    });
    const budget = await tool(c, 'check_budget', { account: 'lux-free', action: 'ai:claude-sonnet', quantity: '4803' });
    expect(budget).toMatchObject({ allowed: true, credits: '24.015', status: 'applied', limit: null, reason: null });

    const hold = await tool(c, 'reserve_credits', { account: 'lux-free', pool: 'credits', credits: '30', ttlSeconds: 600, idempotencyKey: 'batch-1', note: 'three summaries' });
    expect(hold).toEqual({
      reservationId: expect.stringMatching(/^hold_/),
      account: 'lux-free',
      pool: 'credits',
      credits: '30',
      captured: '0',
      outstanding: '30',
      status: 'open',
      createdAt: '2026-11-15T12:00:00.000Z',
      expiresAt: '2026-11-15T12:10:00.000Z',
    });
    expect((await tool(c, 'get_balance', { account: 'lux-free' })).pools[0]).toMatchObject({ remaining: '1000', held: '30', available: '970' });

    for (let i = 1; i <= 3; i++) {
      host.clock.advance(60_000);
      const used = await tool(c, 'commit_usage', { reservationId: hold.reservationId, action: 'ai:claude-sonnet', quantity: '1601', attributes: { step: String(i) }, idempotencyKey: `batch-1-step-${i}` });
      expect(used).toEqual({
        eventId: expect.stringMatching(/^ev_/),
        replayed: false,
        status: 'applied',
        account: 'lux-free',
        action: 'ai:claude-sonnet',
        pool: 'credits',
        credits: '8.005',
        reservationId: hold.reservationId,
        at: new Date(host.clock.now()).toISOString(),
      });
    }
    const mid = (await tool(c, 'get_balance', { account: 'lux-free', pool: 'credits' })).pools[0];
    expect(mid).toMatchObject({ remaining: '975.985', held: '5.985', available: '970', usedThisPeriod: '24.015' });

    const released = await tool(c, 'release_reservation', { reservationId: hold.reservationId, idempotencyKey: 'batch-1-done' });
    expect(released).toMatchObject({ reservationId: hold.reservationId, status: 'released', credits: '30', captured: '24.015', outstanding: '0', released: '5.985' });
    const after = (await tool(c, 'get_balance', { account: 'lux-free' })).pools[0];
    expect(after).toMatchObject({ remaining: '975.985', monthly: '975.985', topup: '0', held: '0', available: '975.985', allocation: '1000', usedThisPeriod: '24.015' });

    // Recorded for the token's member, audited with the token, through callAs.
    const events = host.ctx.db.prepare(`SELECT member, cost_mc, hold_id FROM events WHERE account_id = 'lux-free' ORDER BY seq`).all();
    expect(events).toEqual([1, 2, 3].map(() => ({ member: 'ana', cost_mc: 8005, hold_id: hold.reservationId })));
    const rows = audit().filter((a) => a.call.startsWith('holds.'));
    expect(rows.map((a) => [a.call, a.result, a.member])).toEqual([
      ['holds.place', 'ok', 'ana'],
      ['holds.capture', 'ok', 'ana'],
      ['holds.capture', 'ok', 'ana'],
      ['holds.capture', 'ok', 'ana'],
      ['holds.release', 'ok', 'ana'],
    ]);
    expect(new Set(rows.map((a) => a.tokenId)).size).toBe(1);
    expect(rows[0]!.tokenId).not.toBeNull();

    const usage = await tool(c, 'list_usage', { account: 'lux-free', by: ['action', 'member'] });
    expect(usage).toEqual({
      account: 'lux-free',
      from: '2026-11-15T00:00:00.000Z',
      to: '2026-12-15T00:00:00.000Z',
      by: ['action', 'member'],
      rows: [{ keys: { action: 'ai:claude-sonnet', member: 'ana' }, events: 3, quantity: '4803', credits: '24.015' }],
      total: { events: 3, credits: '24.015' },
    });
  });

  it('a retried write returns the first result and spends nothing twice; a key reused for other work is refused', async () => {
    const c = await client(tokens.agent);
    const hold = await tool(c, 'reserve_credits', { account: 'lux-free', pool: 'credits', credits: '10', idempotencyKey: 'retry-hold' });
    const holds = count('holds');
    const again = await tool(c, 'reserve_credits', { account: 'lux-free', pool: 'credits', credits: '10', idempotencyKey: 'retry-hold' });
    expect(again.reservationId).toBe(hold.reservationId);
    expect(count('holds')).toBe(holds);
    // A retry a minute later, with the same default TTL, is still the same request.
    host.clock.advance(60_000);
    expect((await tool(c, 'reserve_credits', { account: 'lux-free', pool: 'credits', credits: '10', idempotencyKey: 'retry-hold' })).reservationId).toBe(hold.reservationId);

    const first = await tool(c, 'commit_usage', { reservationId: hold.reservationId, action: 'email', quantity: 2, idempotencyKey: 'retry-use' });
    const balance = (await tool(c, 'get_balance', { account: 'lux-free' })).pools[0];
    const replay = await tool(c, 'commit_usage', { reservationId: hold.reservationId, action: 'email', quantity: 2, idempotencyKey: 'retry-use' });
    expect(replay).toEqual({ ...first, replayed: true });
    expect((await tool(c, 'get_balance', { account: 'lux-free' })).pools[0]).toEqual(balance);

    const other = await toolError(c, 'commit_usage', { reservationId: hold.reservationId, action: 'email', quantity: 3, idempotencyKey: 'retry-use' });
    expect(other.code).toBe('invalid_input');
    expect(other.message).toMatch(/idempotency key "retry-use" was already used .* different quantity/);
    const otherHold = await toolError(c, 'reserve_credits', { account: 'lux-free', pool: 'credits', credits: '11', idempotencyKey: 'retry-hold' });
    expect(otherHold.message).toMatch(/different amount/);

    const r1 = await tool(c, 'release_reservation', { reservationId: hold.reservationId, idempotencyKey: 'retry-release' });
    const r2 = await tool(c, 'release_reservation', { reservationId: hold.reservationId, idempotencyKey: 'retry-release' });
    expect(r1).toMatchObject({ status: 'released', captured: '2', released: '8' });
    expect(r2).toEqual(r1);
    expect((await tool(c, 'get_balance', { account: 'lux-free' })).pools[0]).toMatchObject({ held: '0', remaining: '973.985' });
  });

  it("check_budget names the token's cap, and commit_usage is refused by it with nothing written", async () => {
    const c = await client(tokens.agent);
    // 26.015 of the 50 spent: 6000 tokens of Sonnet (30 credits) would cross it.
    const no = await tool(c, 'check_budget', { account: 'lux-free', action: 'ai:claude-sonnet', quantity: 6000 });
    expect(no).toMatchObject({ allowed: false, credits: null, status: null, limit: 'token_cap', reason: 'token_cap' });
    expect(no.details).toMatchObject({ limit: 'token_cap', cap: 50, spent: 26.015, cost: 30 });
    expect(no.message).toMatch(/cap on lux-free is 50 credits per period and 26.015 are spent/);
    const refusals = count('refusals');
    const events = count('events');
    const err = await toolError(c, 'commit_usage', { account: 'lux-free', action: 'ai:claude-sonnet', quantity: 6000, idempotencyKey: 'too-much' });
    expect(err).toMatchObject({ code: 'refused', reason: 'token_cap' });
    expect(err.message).toMatch(/Nothing was written/);
    expect(count('events')).toBe(events);
    // The check recorded nothing; the refused write is recorded as a refusal, as every ledger refusal is.
    expect(count('refusals')).toBe(refusals + 1);
    expect(audit().at(-1)).toMatchObject({ call: 'usage.record', result: 'refused:token_cap' });
  });
});

describe('check_budget names the limit that blocks', () => {
  it('credits, spending limit, member cap and hourly limit; the check itself writes nothing', async () => {
    call(host.ctx, 'accounts.set', { account: 'lux-ops', monthlyLimit: '100' });
    call(host.ctx, 'actions.set', { account: 'lux-ops', action: 'sms', hourlyLimit: 2 });
    const set = await host.call('team.members.set', { member: 'bob', caps: { 'lux-ops/credits': '5' } });
    expect(set.status, set.text).toBe(200);
    const owner = await client(tokens.owner);
    const bob = await client(tokens.bob);
    const before = ['events', 'refusals', 'alerts', 'holds', 'grants', 'team_audit'].map(count);

    const credits = await tool(owner, 'check_budget', { account: 'lux-free', action: 'ai:claude-opus', quantity: 1_000_000 });
    expect(credits).toMatchObject({ allowed: false, limit: 'credits', reason: 'insufficient_credits' });
    expect(credits.details).toMatchObject({ cost: 15000, available: 973.985 });
    const spending = await tool(owner, 'check_budget', { account: 'lux-ops', action: 'ai:claude-opus', quantity: 7000 });
    expect(spending).toMatchObject({ allowed: false, limit: 'spending_limit', reason: 'account_limit' });
    expect(spending.details).toMatchObject({ limit: 100, spent: 0 });
    const cap = await tool(bob, 'check_budget', { account: 'lux-ops', action: 'email', quantity: 6 });
    expect(cap).toMatchObject({ allowed: false, limit: 'member_cap', reason: 'member_cap' });
    expect(cap.message).toMatch(/^bob's cap on lux-ops\/credits is 5 credits per period/);
    expect((await tool(bob, 'check_budget', { account: 'lux-ops', action: 'email', quantity: 5 })).allowed).toBe(true);
    // The owner has no cap on that pool: the same request is allowed for them; naming bob, it is not.
    expect((await tool(owner, 'check_budget', { account: 'lux-ops', action: 'email', quantity: 6 })).allowed).toBe(true);
    expect((await tool(owner, 'check_budget', { account: 'lux-ops', action: 'email', quantity: 6, member: 'bob' })).limit).toBe('member_cap');
    const hourly = await tool(owner, 'check_budget', { account: 'lux-ops', action: 'sms', quantity: 3 });
    expect(hourly).toMatchObject({ allowed: false, limit: 'hourly_limit', reason: 'rate_limit' });

    expect(['events', 'refusals', 'alerts', 'holds', 'grants', 'team_audit'].map(count)).toEqual(before);
  });

  it('a member may not check on behalf of someone else', async () => {
    const bob = await client(tokens.bob);
    const err = await toolError(bob, 'check_budget', { account: 'lux-ops', action: 'email', member: 'ana' });
    expect(err).toMatchObject({ code: 'forbidden' });
    expect(err.message).toMatch(/needs role admin/);
  });
});

describe('scopes', () => {
  it('a read token reads every tool but cannot reserve, commit or release; nothing is written and the attempt is audited', async () => {
    const c = await client(tokens.reader);
    expect((await tool(c, 'list_pools')).pools.length).toBe(2);
    expect((await tool(c, 'estimate_cost', { account: 'lux-free', action: 'email' })).credits).toBe('1');
    expect((await tool(c, 'check_budget', { account: 'lux-free', action: 'email' })).allowed).toBe(true);
    const before = ['events', 'holds', 'hold_moves'].map(count);
    const reserve = await toolError(c, 'reserve_credits', { account: 'lux-free', pool: 'credits', credits: '5', idempotencyKey: 'r-1' });
    expect(reserve).toEqual({ code: 'forbidden', message: 'holds.place needs scope reserve (this token has read)' });
    const commit = await toolError(c, 'commit_usage', { account: 'lux-free', action: 'email', idempotencyKey: 'r-2' });
    expect(commit).toEqual({ code: 'forbidden', message: 'usage.record needs scope record (this token has read)' });
    const hold = host.ctx.db.prepare('SELECT id FROM holds ORDER BY created_at LIMIT 1').get() as { id: string };
    const capture = await toolError(c, 'commit_usage', { reservationId: hold.id, action: 'email', idempotencyKey: 'r-3' });
    expect(capture.message).toMatch(/holds.capture needs scope reserve/);
    expect((await toolError(c, 'release_reservation', { reservationId: hold.id, idempotencyKey: 'r-4' })).message).toMatch(/holds.release needs scope reserve/);
    expect(['events', 'holds', 'hold_moves'].map(count)).toEqual(before);
    expect(audit().slice(-4).map((a) => [a.call, a.result])).toEqual([
      ['holds.place', 'forbidden'],
      ['usage.record', 'forbidden'],
      ['holds.capture', 'forbidden'],
      ['holds.release', 'forbidden'],
    ]);
  });

  it('a token limited to one account sees only that account, and may not touch another', async () => {
    const c = await client(tokens.luxOnly);
    expect((await tool(c, 'list_pools')).pools.map((p: Json) => p.account)).toEqual(['lux-free']);
    expect((await tool(c, 'get_reset_schedule')).accounts.map((a: Json) => a.account)).toEqual(['lux-free']);
    const err = await toolError(c, 'get_balance', { account: 'lux-ops' });
    expect(err.code).toBe('forbidden');
    expect(err.message).toMatch(/limited to lux-free/);
  });
});

describe('the other read tools', () => {
  it('list_pools, get_reset_schedule (monthly credits and top-ups expiring by the reset)', async () => {
    call(host.ctx, 'grants.add', { account: 'lux-free', pool: 'credits', amount: '12.5', source: 'promo', expires: '2026-12-01T00:00:00Z', key: 'promo-1' });
    call(host.ctx, 'grants.add', { account: 'lux-free', pool: 'credits', amount: '40', source: 'purchase', key: 'pack-1' });
    const c = await client(tokens.owner);
    const pools = (await tool(c, 'list_pools')).pools;
    expect(pools).toEqual([
      { account: 'lux-free', accountName: expect.any(String), provider: 'lux', plan: 'free', pool: 'credits', label: expect.any(String), unit: expect.any(String), unlimited: false, available: '1026.485', held: '0', nextReset: '2026-12-15T00:00:00.000Z' },
      { account: 'lux-ops', accountName: 'Lux Ops', provider: 'lux', plan: 'starter', pool: 'credits', label: expect.any(String), unit: expect.any(String), unlimited: false, available: '10000', held: '0', nextReset: '2026-12-01T00:00:00.000Z' },
    ]);
    const schedule = await tool(c, 'get_reset_schedule');
    expect(schedule.accounts[0]).toEqual({
      account: 'lux-free',
      name: expect.any(String),
      zone: 'UTC',
      pools: [
        {
          pool: 'credits',
          unlimited: false,
          periodStart: '2026-11-15T00:00:00.000Z',
          nextReset: '2026-12-15T00:00:00.000Z',
          monthlyRemaining: '973.985',
          rollsOver: '0',
          expiresAtReset: '973.985',
          topupsExpiring: [{ grantId: expect.any(String), source: 'promo', remaining: '12.5', expiresAt: '2026-12-01T00:00:00.000Z' }],
          expiringTotal: '986.485',
        },
      ],
    });
    expect(schedule.accounts[1].pools[0]).toMatchObject({ nextReset: '2026-12-01T00:00:00.000Z', expiresAtReset: '10000', topupsExpiring: [], expiringTotal: '10000' });
  });
});

describe("the host's door in front of /mcp", () => {
  const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
  const post = (headers: Record<string, string>) =>
    host.req({ method: 'POST', path: '/mcp', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: init });

  it('answers a good token', async () => {
    const r = await post({ authorization: `Bearer ${tokens.reader}` });
    expect(r.status, r.text).toBe(200);
    expect(r.json().result.serverInfo.name).toBe('creditdeck');
  });

  it('refuses another Host name (DNS rebinding) and another Origin, even with a good token', async () => {
    const port = new URL(host.url).port;
    const rebound = await post({ authorization: `Bearer ${tokens.owner}`, host: `attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.text).toMatch(/host name is not allowed/);
    const crossSite = await post({ authorization: `Bearer ${tokens.owner}`, origin: 'https://attacker.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.text).toMatch(/cross-origin/);
    const fetchSite = await post({ authorization: `Bearer ${tokens.owner}`, 'sec-fetch-site': 'cross-site' });
    expect(fetchSite.status).toBe(403);
  });

  it('refuses no token, a bad token and a browser session cookie alone; GET has no stream', async () => {
    const none = await post({});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const bad = await post({ authorization: 'Bearer cdk_nope_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(bad.status).toBe(401);
    const cookie = await post({ cookie: '__Host-creditdeck=cds_x_y' });
    expect(cookie.status).toBe(401);
    const get = await host.req({ method: 'GET', path: '/mcp', headers: { authorization: `Bearer ${tokens.owner}` } });
    expect(get.status).toBe(405);
    // No answer carries a token.
    for (const t of Object.values(tokens)) for (const r of [none, bad, cookie, get]) expect(r.text).not.toContain(t);
  });

  it('a body that is not JSON, or not JSON-RPC, is a 400 and runs nothing', async () => {
    const headers = { authorization: `Bearer ${tokens.owner}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const before = count('team_audit');
    const notJson = await host.req({ method: 'POST', path: '/mcp', headers, body: '{"jsonrpc": "2.0", ' });
    expect(notJson.status).toBe(400);
    const notRpc = await host.req({ method: 'POST', path: '/mcp', headers, body: JSON.stringify({ hello: 'world' }) });
    expect(notRpc.status).toBe(400);
    expect(count('team_audit')).toBe(before);
  });

  it("no token reaches the host's output or log", () => {
    const written = [...host.out, ...host.log].join('\n');
    for (const t of Object.values(tokens)) expect(written).not.toContain(t);
    expect(Object.values(tokens).every((t) => t.startsWith('cdk_'))).toBe(true);
  });
});
