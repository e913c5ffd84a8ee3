/**
 * The team host end to end: HTTPS on 127.0.0.1 with its own certificate, a
 * client pinning its fingerprint, and owner, admin, member and viewer
 * driving it with device tokens and a browser session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ACCESS } from '../../main/core/team/access.js';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { revokeToken, rotateToken } from '../../main/core/team/tokens.js';
import { listAudit } from '../../main/core/team/audit.js';
import { parseSecret } from '../../main/core/team/secrets.js';
import { hostKeyPath } from '../../main/core/team/host-key.js';
import { REMOTE_CALLS, TEAM_HOST_CALLS } from '../../main/web/dispatch.js';
import type { Role } from '../../main/core/team/types.js';
import { ROLES } from '../../main/core/team/types.js';
import { atLeast } from '../../main/core/team/people.js';
import { SESSION_COOKIE } from '../../main/web/team-host.js';
import { pinned, startTeamHost, type TeamHost } from './helpers.js';

let host: TeamHost;
const tokens = {} as Record<Role, string>;
/** Every secret handed out in this run, for the check that none leaks. */
const secrets: { what: string; value: string }[] = [];
let action = '';

async function invite(role: Role, member: string, ttlMs?: number): Promise<string> {
  const inv = createInvite(host.ctx, host.key, localOwner(host.ctx), { role, member, name: member.toUpperCase(), ...(ttlMs ? { ttlMs } : {}) });
  secrets.push({ what: `invite for ${member}`, value: inv.invite });
  return inv.invite;
}

async function join(role: Role, member: string): Promise<string> {
  const r = await host.call('team.redeem', { invite: await invite(role, member), device: `${member}'s laptop` }, null);
  expect(r.status, r.text).toBe(200);
  const token = r.json().result.token as string;
  secrets.push({ what: `token of ${member}`, value: token });
  return token;
}

beforeAll(async () => {
  // The failure limit is exercised on its own host (below): here a few expected failures must not block 127.0.0.1.
  host = await startTeamHost({ limits: { freeFailures: 1000 } });
  tokens.owner = host.ownerToken;
  secrets.push({ what: 'owner token', value: host.ownerToken });
  expect((await host.call('accounts.add', { preset: 'lux', plan: 'free' })).status).toBe(200);
  action = ((await host.call('actions.list', { account: 'lux-free' })).json().result as { id: string }[])[0]!.id;
  tokens.admin = await join('admin', 'ada');
  tokens.member = await join('member', 'mo');
  tokens.viewer = await join('viewer', 'vi');
});

afterAll(async () => {
  await host?.stop();
});

describe('team host: transport', () => {
  it('serves HTTPS with the generated certificate, whose fingerprint the client pins; a wrong fingerprint is refused before anything is sent', async () => {
    expect(host.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(host.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect((await host.req({ path: '/api/health' })).json()).toEqual({ ok: true });
    const wrong = host.fingerprint.replace(/^../, host.fingerprint.startsWith('00') ? '11' : '00');
    await expect(pinned(host.url, wrong, { path: '/api/health' })).rejects.toThrow(/fingerprint .* not the pinned/);
    const page = await host.req({ path: '/' });
    expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('serves the app for the join link (the invite rides in the fragment, which never reaches the host)', async () => {
    const r = await host.req({ path: '/join' });
    expect(r.status).toBe(200);
    expect(r.text).toContain('<div id="root">');
  });

  it('answers 401 without a token, with a bad one, and with a header that is not Bearer', async () => {
    for (const authorization of [undefined, 'Bearer cdk_tok_nothere_' + 'A'.repeat(43), 'Bearer nonsense', 'Basic YW5hOnB3']) {
      const r = await host.req({ method: 'POST', path: '/api/balance.all', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: '{}' });
      expect(r.status, authorization).toBe(401);
      expect(r.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
  });
});

/** An input that gets past the schema where it matters, so "allowed" is seen as 200/400/409, never 401/403. */
function sample(name: string): unknown {
  const acc = { account: 'lux-free' };
  const inputs: Record<string, unknown> = {
    'presets.show': { id: 'lux' },
    'presets.list': {},
    'accounts.list': {},
    'accounts.add': { preset: 'lux', plan: 'free', name: 'Second' },
    'accounts.plan': { account: 'lux-free', plan: 'free' },
    'accounts.set': { account: 'lux-free', name: 'Lux for the team' },
    'actions.set': { account: 'lux-free', action, label: 'renamed' },
    'members.add': { account: 'lux-free', member: 'zed' },
    'limits.daily': { account: 'lux-free', attr: 'server', value: 'eu-1', limit: 50 },
    'usage.record': { account: 'lux-free', action, quantity: 1 },
    'grants.add': { account: 'lux-free', pool: 'credits', amount: 10 },
    'grants.refund': { grant: 'grant_none' },
    'holds.place': { account: 'lux-free', action, quantity: 1 },
    'holds.capture': { hold: 'hold_none' },
    'holds.release': { hold: 'hold_none' },
    'events.void': { event: 'ev_none' },
    'balance.all': {},
    calc: { preset: 'lux', members: 1 },
    'data.backup': {},
    'data.backups': {},
    'data.export': {},
    'purchases.list': {},
    'purchases.start': { account: 'lux-free', pack: 'credits' },
    'purchases.get': { purchase: 'pur_none' },
    'purchases.cancel': { purchase: 'pur_none' },
    'purchases.refund': { purchase: 'pur_none' },
    'purchases.confirmManual': { account: 'lux-free', pack: 'credits', note: 'receipt 1', credits: 5 },
    'payments.status': {},
    check: {},
    'team.whoami': {},
    'team.invite': { role: 'viewer', name: 'Guest' },
    'team.invites.list': {},
    'team.tokens.list': {},
    'team.tokens.create': { device: 'script', scopes: ['read'] },
    'team.members.list': {},
    'team.audit': {},
    'team.sessions.list': {},
  };
  return Object.hasOwn(inputs, name) ? inputs[name] : acc;
}

describe('team host: access by role, from the access table', () => {
  const remote = new Set<string>(REMOTE_CALLS);
  const calls = Object.keys(ACCESS).filter((n) => !ACCESS[n as keyof typeof ACCESS].public);

  it('every remote call: 403 exactly for the roles below the table\'s, past access for the others', async () => {
    const wrong: string[] = [];
    // Lowest role first: what an owner creates cannot change a viewer's answer.
    for (const role of [...ROLES].reverse()) {
      for (const name of calls) {
        const rule = ACCESS[name as keyof typeof ACCESS];
        const r = await host.call(name, sample(name), tokens[role]);
        const exposed = remote.has(name) || (TEAM_HOST_CALLS as readonly string[]).includes(name);
        if (!exposed) {
          // CLI-only and desktop-only calls never run over HTTP, whoever asks.
          if (r.status !== 400) wrong.push(`${role} ${name}: ${r.status} (not exposed, expected 400)`);
          continue;
        }
        const allowed = atLeast(role, rule.role);
        if (allowed && (r.status === 401 || r.status === 403)) wrong.push(`${role} ${name}: ${r.status} ${r.text.slice(0, 160)}`);
        if (!allowed && r.status !== 403) wrong.push(`${role} ${name}: ${r.status}, expected 403`);
        if (!allowed) expect(r.json().error.code).toBe('forbidden');
        if (r.status >= 500 && !/Stripe|not set up/i.test(r.text)) wrong.push(`${role} ${name}: ${r.status} ${r.text.slice(0, 160)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a 403 names what is needed', async () => {
    const r = await host.call('grants.add', sample('grants.add'), tokens.member);
    expect(r.status).toBe(403);
    expect(r.json().error.message).toMatch(/needs role owner/);
  });
});

describe('team host: attribution', () => {
  it("a member's usage is recorded as theirs; naming someone else is 403; an admin may, and the audit log says so", async () => {
    // Not behind a proxy: X-Forwarded-For is anyone's claim, and ignored (the audit row has the peer's address).
    const mine = await host.call('usage.record', { account: 'lux-free', action, quantity: 1, key: 'mo-1' }, tokens.member, { 'x-forwarded-for': '203.0.113.9' });
    expect(mine.status, mine.text).toBe(200);
    const other = await host.call('usage.record', { account: 'lux-free', action, quantity: 1, member: 'ana' }, tokens.member);
    expect(other.status).toBe(403);
    expect(other.json().error.code).toBe('forbidden');
    const forMo = await host.call('usage.record', { account: 'lux-free', action, quantity: 1, member: 'mo', key: 'ada-for-mo' }, tokens.admin);
    expect(forMo.status, forMo.text).toBe(200);
    const events = (await host.call('events.list', { account: 'lux-free' }, tokens.viewer)).json().result as { events?: { member: string | null }[] } | { member: string | null }[];
    const list = Array.isArray(events) ? events : (events.events ?? []);
    expect(list.filter((e) => e.member === 'mo').length).toBeGreaterThanOrEqual(2);
    const audit = listAudit(host.ctx, { limit: 500 });
    const mo = audit.find((a) => a.call === 'usage.record' && a.member === 'mo' && a.result === 'ok');
    expect(mo?.address).toBe('127.0.0.1');
    expect(audit.some((a) => a.call === 'usage.record' && a.member === 'ada' && JSON.stringify(a.args).includes('onBehalfOf'))).toBe(true);
    expect(audit.some((a) => a.call === 'usage.record' && a.member === 'mo' && a.result === 'forbidden')).toBe(true);
  });
});

describe('team host: invites and tokens', () => {
  it('an admin creates an invite over HTTPS: the link carries the host, the code and the fingerprint in its fragment', async () => {
    const r = await host.call('team.invite', { role: 'member', name: 'Lin' }, tokens.admin);
    expect(r.status, r.text).toBe(200);
    const { invite: code, link } = r.json().result as { invite: string; link: string };
    secrets.push({ what: 'invite for lin', value: code });
    const u = new URL(link);
    expect(u.origin).toBe(host.url);
    expect(u.pathname).toBe('/join');
    const params = new URLSearchParams(u.hash.slice(1));
    expect(params.get('invite')).toBe(code);
    expect(params.get('fp')).toBe(host.fingerprint);
    // The member's app redeems what the link carries.
    const joined = await host.call('team.redeem', { invite: params.get('invite'), device: 'laptop' }, null);
    expect(joined.status, joined.text).toBe(200);
    secrets.push({ what: 'token of lin', value: joined.json().result.token });
    const whoami = await host.call('team.whoami', {}, joined.json().result.token);
    expect(whoami.json().result).toMatchObject({ member: 'lin', name: 'Lin', role: 'member', device: 'laptop' });
  });

  it('an invite works once; the second redeem is a 4xx that says it was used', async () => {
    const code = await invite('member', 'una');
    const first = await host.call('team.redeem', { invite: code, device: 'phone' }, null);
    expect(first.status).toBe(200);
    expect(first.json().result).toMatchObject({ member: 'una', role: 'member' });
    secrets.push({ what: 'token of una', value: first.json().result.token });
    const again = await host.call('team.redeem', { invite: code, device: 'laptop' }, null);
    expect(again.status).toBe(400);
    expect(again.json().error.message).toMatch(/already used/);
  });

  it('an expired invite is refused', async () => {
    const code = await invite('viewer', 'eve', 60_000);
    host.clock.advance(61_000);
    const r = await host.call('team.redeem', { invite: code, device: 'phone' }, null);
    expect(r.status).toBe(400);
    expect(r.json().error.message).toMatch(/expired/);
  });

  it('a revoked token is refused on its next request', async () => {
    const t = await join('member', 'rev');
    expect((await host.call('balance.all', {}, t)).status).toBe(200);
    revokeToken(host.ctx, parseSecret('cdk', t)!.id);
    const r = await host.call('balance.all', {}, t);
    expect(r.status).toBe(401);
    expect(r.json().error.message).toMatch(/revoked/);
  });

  it('a rotated token keeps working through its grace period, then stops; the new one works', async () => {
    const t = await join('member', 'rot');
    const next = rotateToken(host.ctx, host.key, parseSecret('cdk', t)!.id, 3_600_000);
    secrets.push({ what: 'rotated token', value: next.token });
    expect((await host.call('balance.all', {}, t)).status).toBe(200);
    expect((await host.call('balance.all', {}, next.token)).status).toBe(200);
    host.clock.advance(3_600_000);
    expect((await host.call('balance.all', {}, t)).status).toBe(401);
    expect((await host.call('balance.all', {}, next.token)).status).toBe(200);
  });
});

/** The session cookie's value from a Set-Cookie header. */
function cookieOf(r: { headers: Record<string, string | string[] | undefined> }): { value: string; attributes: string } {
  const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
  const line = set.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  expect(line, 'a session cookie').toBeDefined();
  return { value: line!.slice(SESSION_COOKIE.length + 1).split(';', 1)[0]!, attributes: line! };
}

describe('team host: browser sessions', () => {
  it('sign in with a token: a __Host- cookie (HttpOnly, Secure, SameSite=Strict, Path=/); every POST then needs the CSRF token', async () => {
    const signin = await host.call('team.signin', { token: tokens.member }, null, { origin: host.url });
    expect(signin.status, signin.text).toBe(200);
    const { member, role, csrf } = signin.json().result;
    expect({ member, role }).toEqual({ member: 'mo', role: 'member' });
    const cookie = cookieOf(signin);
    secrets.push({ what: 'session cookie', value: cookie.value });
    expect(cookie.attributes).toMatch(/HttpOnly/);
    expect(cookie.attributes).toMatch(/Secure/);
    expect(cookie.attributes).toMatch(/SameSite=Strict/);
    expect(cookie.attributes).toMatch(/Path=\//);
    expect(cookie.attributes).not.toMatch(/Domain=/i);
    expect(signin.text).not.toContain(tokens.member);
    const jar = { cookie: `${SESSION_COOKIE}=${cookie.value}`, origin: host.url };

    const session = await host.req({ path: '/api/team.session', headers: jar });
    expect(session.json().result).toMatchObject({ member: 'mo', name: 'MO', role: 'member', csrf });

    expect((await host.call('balance.all', {}, null, jar)).status).toBe(403);
    expect((await host.call('balance.all', {}, null, { ...jar, 'x-csrf-token': 'f'.repeat(64) })).status).toBe(403);
    const ok = await host.call('usage.record', { account: 'lux-free', action, quantity: 1, key: 'mo-browser' }, null, { ...jar, 'x-csrf-token': csrf });
    expect(ok.status, ok.text).toBe(200);
    // A viewer's session forging a write: still 403 by role.
    const v = await host.call('team.signin', { token: tokens.viewer }, null);
    const vjar = { cookie: `${SESSION_COOKIE}=${cookieOf(v).value}`, 'x-csrf-token': v.json().result.csrf };
    secrets.push({ what: 'viewer session cookie', value: cookieOf(v).value });
    expect((await host.call('usage.record', { account: 'lux-free', action, quantity: 1 }, null, vjar)).status).toBe(403);
    // Another session's CSRF token does not fit this one.
    expect((await host.call('balance.all', {}, null, { ...jar, 'x-csrf-token': v.json().result.csrf })).status).toBe(403);

    const out = await host.call('team.signout', {}, null, { ...jar, 'x-csrf-token': csrf });
    expect(out.status).toBe(200);
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).join()).toMatch(/Expires=Thu, 01 Jan 1970/);
    const after = await host.call('balance.all', {}, null, { ...jar, 'x-csrf-token': csrf });
    expect(after.status).toBe(401);
  });

  it('sign in with an invite: the browser gets a session, never the device token', async () => {
    const code = await invite('member', 'bea');
    const r = await host.call('team.signin', { invite: code, device: 'browser' }, null);
    expect(r.status, r.text).toBe(200);
    expect(r.json().result).toMatchObject({ member: 'bea', role: 'member' });
    expect(r.text).not.toMatch(/cdk_/);
    secrets.push({ what: 'bea session cookie', value: cookieOf(r).value });
  });

  it('refuses cross-site requests with 403 before anything runs, whatever the credentials', async () => {
    const before = host.ctx.db.prepare('SELECT COUNT(*) AS n FROM accounts').get() as { n: number };
    const evil = await host.call('accounts.add', { preset: 'flux', plan: 'free' }, tokens.owner, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    const plainOrigin = await host.call('accounts.add', { preset: 'flux', plan: 'free' }, tokens.owner, { origin: host.url.replace('https:', 'http:') });
    expect(plainOrigin.status).toBe(403);
    const site = await host.call('accounts.add', { preset: 'flux', plan: 'free' }, tokens.owner, { 'sec-fetch-site': 'cross-site' });
    expect(site.status).toBe(403);
    expect(host.ctx.db.prepare('SELECT COUNT(*) AS n FROM accounts').get()).toEqual(before);
    expect((await host.call('balance.all', {}, tokens.owner, { origin: host.url, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });
});

describe('team host: secrets', () => {
  it('never writes a token, cookie, invite code or the host key to its log, and answers carry only the secret they hand out', () => {
    const hostKey = readFileSync(hostKeyPath(host.db));
    const all = [...secrets, { what: 'host key (hex)', value: hostKey.toString('hex') }, { what: 'host key (base64)', value: hostKey.toString('base64') }];
    // The secret part alone too: a log that cut the prefix off would still leak.
    for (const s of [...all]) {
      const tail = /_([A-Za-z0-9_-]{43})$/.exec(s.value)?.[1];
      if (tail) all.push({ what: `${s.what} (secret part)`, value: tail });
    }
    expect(secrets.length).toBeGreaterThan(10);
    expect(host.replies.length).toBeGreaterThan(200);
    const log = [...host.log, ...host.out].join('');
    for (const s of all) expect(log.includes(s.value), `${s.what} in the log`).toBe(false);
    for (const r of host.replies) {
      for (const s of all) {
        if (!r.text.includes(s.value)) continue;
        // Redeeming hands out a token, inviting an invite, signing in sets a cookie: nothing else may carry one.
        const handsOut =
          (r.path === '/api/team.redeem' && s.what.startsWith('token')) ||
          (r.path === '/api/team.invite' && s.what.startsWith('invite')) ||
          (r.path === '/api/team.signin' && s.what.includes('session cookie'));
        expect(handsOut, `${s.what} in the answer to ${r.path}`).toBe(true);
      }
    }
  });
});
