/**
 * The provider-shaped GET routes through a real team host on 127.0.0.1
 * (HTTPS, pinned certificate): Fluximage's /api/usage and /v1/balances,
 * authenticated by Bearer tokens, decided by the access table, and the same
 * documents as `creditdeck balance --json` and `usage --format fluximage`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { run } from '../../main/cli/index.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { START, startTeamHost, type TeamHost } from '../team-host/helpers.js';

let host: TeamHost;
let flux: string;
let lux: string;
const tokens: Record<string, string> = {};

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await run(['--db', host.db, ...args], { out: (s) => (out += s), err: () => {}, env: {}, clock: new ManualClock(Date.parse(START)), ids: seededIds(99) });
  return { code, out };
}

const get = (path: string, token: string | null = host.ownerToken) => host.req({ path, headers: token ? { authorization: `Bearer ${token}` } : {} });

async function token(input: Record<string, unknown>): Promise<string> {
  const r = await host.call('team.tokens.create', { device: 'script', ...input });
  expect(r.status, r.text).toBe(200);
  return r.json().result.token as string;
}

beforeAll(async () => {
  host = await startTeamHost();
  flux = call(host.ctx, 'accounts.add', { preset: 'fluximage', plan: 'agency', name: 'Images', anchor: '2026-11-03' }).id;
  lux = call(host.ctx, 'accounts.add', { preset: 'lux', plan: 'free', name: 'Lux' }).id;
  call(host.ctx, 'grants.add', { account: flux, pool: 'ai', amount: 40, source: 'purchase' });
  call(host.ctx, 'usage.record', { account: flux, action: 'alt-text', quantity: 12 });
  call(host.ctx, 'usage.record', { account: flux, action: 'compress', quantity: 300 });
  call(host.ctx, 'usage.record', { account: lux, action: 'email', quantity: 3 });
  tokens.read = await token({ scopes: ['read'] });
  tokens.fluxOnly = await token({ scopes: ['read'], accounts: [flux] });
  tokens.record = await token({ scopes: ['record'] });
}, 60_000);

afterAll(async () => {
  await host.stop();
});

describe('GET /api/usage: Fluximage\'s shape', () => {
  test('a read token gets exactly the document Fluximage would send, bare (no envelope)', async () => {
    const r = await get(`/api/usage?account=${flux}`, tokens.read);
    expect(r.status, r.text).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.json()).toEqual({
      plan: 'agency',
      compressor_used: 300,
      compressor_limit: null,
      ia_credits_used: 12,
      ia_credits_monthly: 10000,
      ia_topup_credits: 40,
      ia_credits_remaining: 10028,
      canCompress: true,
      canUseIA: true,
    });
  });

  test('without ?account=, as a script written for the vendor calls it: the one Fluximage account the token may read', async () => {
    const r = await get('/api/usage', tokens.fluxOnly);
    expect(r.status, r.text).toBe(200);
    expect(r.json().ia_credits_used).toBe(12);
  });

  test('the same document as `creditdeck usage ACCOUNT --format fluximage`', async () => {
    const c = await cli('usage', flux, '--format', 'fluximage');
    expect(c.code).toBe(0);
    expect(JSON.parse(c.out)).toEqual((await get(`/api/usage?account=${flux}`)).json());
    expect((await cli('usage', flux, '--format', 'csv')).code).toBe(2);
  });

  test('a Lux account is a 400 naming the route that fits', async () => {
    const r = await get(`/api/usage?account=${lux}`, tokens.read);
    expect(r.status).toBe(400);
    expect(r.json().error.message).toContain(`read /v1/balances/${lux} instead`);
  });

  test('the door and the access table decide: no token 401, a record-only token 403, another account 403', async () => {
    expect((await get(`/api/usage?account=${flux}`, null)).status).toBe(401);
    const rec = await get(`/api/usage?account=${flux}`, tokens.record);
    expect(rec.status).toBe(403);
    expect(rec.json().error.message).toBe('usage.fluximage needs scope read (this token has record)');
    const limited = await get(`/v1/balances/${lux}`, tokens.fluxOnly);
    expect(limited.status).toBe(403);
    expect(limited.json().error.message).toContain(`this token is limited to ${flux}`);
  });

  test('only GET', async () => {
    const r = await host.req({ method: 'POST', path: '/api/usage', headers: { authorization: `Bearer ${tokens.read}` }, body: '{}' });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET');
  });
});

describe('GET /v1/balances: one shape for every provider', () => {
  test('every account, the same document as `creditdeck balance --json`', async () => {
    const r = await get('/v1/balances', tokens.read);
    expect(r.status, r.text).toBe(200);
    const c = await cli('--json', 'balance');
    expect(c.code).toBe(0);
    expect(r.json()).toEqual(JSON.parse(c.out));
    expect(r.json().map((b: { account: string }) => b.account).sort()).toEqual([flux, lux].sort());
  });

  test('one account, the same document as `creditdeck balance ACCOUNT --json`', async () => {
    for (const acc of [flux, lux]) {
      const r = await get(`/v1/balances/${encodeURIComponent(acc)}`, tokens.read);
      expect(r.status, r.text).toBe(200);
      expect(r.json()).toEqual(JSON.parse((await cli('--json', 'balance', acc)).out));
    }
  });

  test('a token limited to one account lists that account only', async () => {
    const r = await get('/v1/balances', tokens.fluxOnly);
    expect(r.status, r.text).toBe(200);
    expect(r.json().map((b: { account: string }) => b.account)).toEqual([flux]);
  });

  test('an unknown account is a 400, a record-only token a 403, no token a 401', async () => {
    expect((await get('/v1/balances/nope', tokens.read)).status).toBe(400);
    expect((await get('/v1/balances', tokens.record)).status).toBe(403);
    expect((await get('/v1/balances', null)).status).toBe(401);
  });

  test('reads are not audited; nothing was written', async () => {
    const rows = (host.ctx.db.prepare(`SELECT call FROM team_audit WHERE call IN ('usage.fluximage', 'balance.readable', 'balance.get')`).all() as unknown[]).length;
    expect(rows).toBe(0);
  });
});
