/**
 * Failed redeems, bad tokens and bad sign-ins: limited per address and per
 * token id, with doubling blocks (small limits injected; the doubling is read
 * off the limiter with a moved clock, nothing waits for real time). And the
 * --behind-proxy host: plain HTTP on loopback, X-Forwarded-* believed there.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { listAudit } from '../../main/core/team/audit.js';
import { AuthFailures } from '../../main/web/auth-limits.js';
import { SESSION_COOKIE } from '../../main/web/team-host.js';
import { startTeamHost, type TeamHost } from './helpers.js';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { startWebHost } from '../../main/web/server.js';
import { generateCertificate } from '../../main/web/tls.js';
import { fixtureSite, memoryLedger } from '../web/helpers.js';

let host: TeamHost | null = null;
afterEach(async () => {
  await host?.stop();
  host = null;
  vi.useRealTimers();
});

const badToken = (id = 'tok_guess') => `cdk_${id}_${'A'.repeat(43)}`;

describe('team host: the failure limit', () => {
  it('after the free failed redeems, the address gets 429 with Retry-After, a good invite and a good token included', async () => {
    host = await startTeamHost({ limits: { freeFailures: 3, firstBlockSec: 60 } });
    const h = host;
    for (let i = 0; i < 4; i++) {
      const r = await h.call('team.redeem', { invite: `cdi_inv_nothere${i}_${'B'.repeat(43)}`, device: 'x' }, null);
      expect(r.status, r.text).toBe(400);
    }
    const good = createInvite(h.ctx, h.key, localOwner(h.ctx), { role: 'member', member: 'mo' }).invite;
    const blocked = await h.call('team.redeem', { invite: good, device: 'x' }, null);
    expect(blocked.status).toBe(429);
    const wait = Number(blocked.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(blocked.json().error.message).toMatch(/too many failed sign-ins/);
    // Nothing was checked: the invite is still unused.
    expect(h.ctx.db.prepare('SELECT used_at FROM team_invites').get()).toEqual({ used_at: null });
    expect((await h.call('balance.all', {}, badToken())).status).toBe(429);
    expect((await h.call('team.signin', { token: h.ownerToken }, null)).status).toBe(429);
    expect((await h.call('balance.all', {}, h.ownerToken)).status).toBe(429);
  });

  it('bad sign-ins count too', async () => {
    host = await startTeamHost({ limits: { freeFailures: 2 } });
    const h = host;
    expect((await h.call('team.signin', { token: badToken() }, null)).status).toBe(401);
    expect((await h.call('team.signin', { token: 'not even a token' }, null)).status).toBe(401);
    expect((await h.call('team.signin', {}, null)).status).toBe(400);
    expect((await h.call('team.signin', { token: badToken() }, null)).status).toBe(429);
  });

  it('a token id is limited on its own, from any address (behind a proxy, X-Forwarded-For tells them apart)', async () => {
    host = await startTeamHost({ limits: { freeFailures: 2 }, serve: { behindProxy: true, publicUrl: 'https://credits.example.com' } });
    const h = host;
    const from = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}`, 'x-forwarded-proto': 'https' });
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++) statuses.push((await h.call('balance.all', {}, badToken('tok_target'), from(i))).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Another token id from a fresh address is not held up; the owner's token works from one more.
    expect((await h.call('balance.all', {}, badToken('tok_other'), from(9))).status).toBe(401);
    expect((await h.call('balance.all', {}, h.ownerToken, from(10))).status).toBe(200);
  });

  it('blocks double while the failures go on, up to the ceiling', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-15T12:00:00Z'));
    const f = new AuthFailures({ freeFailures: 2, firstBlockSec: 60, maxBlockSec: 200 });
    const keys = ['addr:192.0.2.1'];
    expect(await f.fail(keys)).toBeNull();
    expect(await f.fail(keys)).toBeNull();
    expect(await f.blocked(keys)).toBeNull();
    expect(await f.fail(keys)).toBe(60);
    expect(await f.blocked(keys)).toBe(60);
    vi.setSystemTime(Date.now() + 61_000);
    expect(await f.blocked(keys)).toBeNull();
    // Blocked before: the next failure blocks again at once, twice as long; then the ceiling.
    expect(await f.fail(keys)).toBe(120);
    vi.setSystemTime(Date.now() + 121_000);
    expect(await f.fail(keys)).toBe(200);
    expect(await f.blocked(['addr:192.0.2.2'])).toBeNull();
  });
});

describe('team host: --behind-proxy', () => {
  it('serves plain HTTP on loopback; takes the public URL as Host and Origin, the address from X-Forwarded-For, and sets the Secure cookie', async () => {
    host = await startTeamHost({ serve: { behindProxy: true, publicUrl: 'https://credits.example.com' } });
    const h = host;
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse(h.out.join(''))).toEqual({ url: 'https://credits.example.com', fingerprint: null });
    const proxied = { host: 'credits.example.com', origin: 'https://credits.example.com', 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' };
    const r = await h.call('usage.record', { account: 'none', action: 'x' }, h.ownerToken, proxied);
    expect(r.status).toBe(400);
    expect((await h.call('balance.all', {}, h.ownerToken, proxied)).status).toBe(200);
    expect((await h.call('balance.all', {}, h.ownerToken, { ...proxied, host: 'rebind.attacker.example' })).status).toBe(403);
    expect((await h.call('balance.all', {}, h.ownerToken, { ...proxied, origin: 'https://evil.example' })).status).toBe(403);
    const signin = await h.call('team.signin', { token: h.ownerToken }, null, proxied);
    expect(signin.status).toBe(200);
    expect(String(signin.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=cds_.*; Secure; SameSite=Strict`));
    const audit = listAudit(h.ctx, { limit: 100 });
    expect(audit.find((a) => a.call === 'team.signin')?.address).toBe('203.0.113.7');
    const link = await h.call('team.invite', { role: 'viewer' }, h.ownerToken, proxied);
    // A public CA vouches for the proxy's certificate: no fingerprint to pin in the link.
    expect(link.json().result.link).toMatch(/^https:\/\/credits\.example\.com\/join#invite=cdi_[^&]+$/);
  });
});

describe('team host: the host limits hold over TLS', () => {
  it('a connection that never finishes its TLS handshake is closed, and the connection cap holds', async () => {
    const ctx = memoryLedger();
    const { cert, key } = await generateCertificate(['127.0.0.1']);
    const web = await startWebHost({ ctx, tls: { cert, key }, staticDir: fixtureSite().staticDir, log: () => {}, limits: { headersTimeoutMs: 300, requestTimeoutMs: 300, checkIntervalMs: 100, maxConnections: 2 } });
    const sockets: Socket[] = [];
    try {
      expect(web.url).toMatch(/^https:/);
      // Silent after connecting: no ClientHello ever comes; the handshake timeout ends it.
      const silent = connect(web.port, '127.0.0.1');
      sockets.push(silent);
      silent.on('error', () => {});
      await once(silent, 'connect');
      const a = connect(web.port, '127.0.0.1');
      sockets.push(a);
      a.on('error', () => {});
      await once(a, 'connect');
      // The third at once is over the cap of two: closed unanswered.
      const over = connect(web.port, '127.0.0.1');
      sockets.push(over);
      over.on('error', () => {});
      await once(over, 'close');
      await once(silent, 'close');
    } finally {
      for (const s of sockets) s.destroy();
      await web.close();
      ctx.db.close();
    }
  });
});
