import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { hostAllowed, startWebHost, type WebHost, MAX_BODY_BYTES } from '../../main/web/server.js';
import { CSP } from '../../main/web/security.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { call } from '../../main/core/api/handlers.js';
import { fixtureSite, memoryLedger, post, raw, SECRET } from './helpers.js';

const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

let ctx: Ctx;
let web: WebHost;
let site: { root: string; staticDir: string };
const logged: string[] = [];

beforeAll(async () => {
  ctx = memoryLedger();
  site = fixtureSite();
  web = await startWebHost({ ctx, staticDir: site.staticDir, log: (l) => logged.push(l) });
});
afterAll(async () => {
  await web.close();
  ctx.db.close();
});

describe('web host: API contract', () => {
  it('binds 127.0.0.1 on a free port by default and answers GET /api/health', async () => {
    expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(web.port).toBeGreaterThan(0);
    const r = await raw(web.url, { path: '/api/health' });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ ok: true });
  });

  it('POST /api/<name> runs the handler and answers 200 {ok, result}', async () => {
    const r = await post(web.url, 'presets.list', {});
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = r.json();
    expect(body.ok).toBe(true);
    expect(body.result.map((p: { id: string }) => p.id).sort()).toEqual(['flowly', 'flux', 'fluximage', 'fluxnote', 'lux']);
  });

  it('an empty body is the empty input', async () => {
    const r = await raw(web.url, { method: 'POST', path: '/api/accounts.list', headers: { origin: web.url } });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ ok: true, result: [] });
  });

  it('writes go through, and a refusal is 409 with reason, message and details', async () => {
    const add = await post(web.url, 'accounts.add', { preset: 'fluxnote', plan: 'free' });
    expect(add.status).toBe(200);
    expect(add.json().result.id).toBe('fluxnote-free');
    const first = await post(web.url, 'usage.record', { account: 'fluxnote-free', action: 'video' });
    expect(first.status).toBe(200);
    expect(first.json().result.status).toBe('applied');
    const second = await post(web.url, 'usage.record', { account: 'fluxnote-free', action: 'video' });
    expect(second.status).toBe(409);
    const body = second.json();
    expect(body.ok).toBe(false);
    expect(body.error).toEqual({ code: 'refused', reason: 'insufficient_credits', message: expect.stringMatching(/cannot generate new videos/), details: expect.any(Object) });
    // The refusal is recorded, as it is from the CLI.
    expect(call(ctx, 'refusals.list', { account: 'fluxnote-free' })).toHaveLength(1);
  });

  it('invalid input is 400 invalid_input with message and field', async () => {
    const r = await post(web.url, 'usage.record', { action: 'video' });
    expect(r.status).toBe(400);
    expect(r.json()).toEqual({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('account'), field: 'account' } });
    const notFound = await post(web.url, 'balance.get', { account: 'no-such-account' });
    expect(notFound.status).toBe(400);
    expect(notFound.json().error.code).toBe('invalid_input');
    const wrongType = await post(web.url, 'accounts.list', [1, 2]);
    expect(wrongType.status).toBe(400);
    expect(wrongType.json().error).toMatchObject({ code: 'invalid_input', field: null });
  });

  it('malformed JSON is 400 with field "body"', async () => {
    const r = await post(web.url, 'accounts.list', '{"oops":');
    expect(r.status).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'invalid_input', field: 'body' });
  });

  it('unknown names, including Object.prototype keys, are 400 and never reach the core', async () => {
    for (const name of ['nope', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '', 'presets.list%00', '..%2fcheck']) {
      const r = await post(web.url, name, {});
      expect(r.status, name).toBe(400);
      expect(r.json().error, name).toMatchObject({ code: 'invalid_input', field: 'call' });
    }
    const bad = await post(web.url, '%E0%A4%A', {});
    expect(bad.status).toBe(400);
  });

  it('a body over 1 MB is 400; one of exactly 1 MB is read', async () => {
    const exact = '{}' + ' '.repeat(MAX_BODY_BYTES - 2);
    const okReply = await post(web.url, 'accounts.list', exact);
    expect(okReply.status).toBe(200);

    const big = JSON.stringify({ account: 'x'.repeat(MAX_BODY_BYTES) });
    const r = await post(web.url, 'accounts.list', big);
    expect(r.status).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'invalid_input', field: 'body' });
  });

  it('a chunked body over 1 MB (no Content-Length) is 400 too', async () => {
    const u = new URL(web.url);
    const reply = await new Promise<{ status: number; text: string }>((ok, fail) => {
      const req = request({ host: u.hostname, port: u.port, method: 'POST', path: '/api/accounts.list', headers: { origin: web.url, 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => ok({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', fail);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 17; i++) req.write(chunk);
      req.end();
    });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text).error.field).toBe('body');
  });

  it('import and local-file inputs are refused over HTTP and leave the ledger unchanged', async () => {
    const before = JSON.stringify(call(ctx, 'events.list', { account: 'fluxnote-free' }));
    const imp = await post(web.url, 'import', { text: '{"action":"image"}\n', format: 'jsonl', account: 'fluxnote-free' });
    expect(imp.status).toBe(400);
    expect(imp.json().error).toMatchObject({ code: 'invalid_input', field: 'call', message: expect.stringMatching(/command line/) });
    expect(JSON.stringify(call(ctx, 'events.list', { account: 'fluxnote-free' }))).toBe(before);

    // A readable provider file exists: the host must still not read it.
    const file = join(site.root, 'provider.json');
    writeFileSync(file, JSON.stringify(call(ctx, 'presets.show', { id: 'lux' })));
    const add = await post(web.url, 'accounts.add', { providerFile: file, plan: 'free', name: 'From a file' });
    expect(add.status).toBe(400);
    expect(add.json().error).toMatchObject({ code: 'invalid_input', field: 'providerFile' });
    expect(call(ctx, 'accounts.list', {}).map((a) => a.id)).toEqual(['fluxnote-free']);
    const calc = await post(web.url, 'calc', { providerFile: file, videos: 1 });
    expect(calc.status).toBe(400);
    expect(calc.json().error.field).toBe('providerFile');
    // The same calls without the file field work.
    expect((await post(web.url, 'calc', { preset: 'fluxnote', videos: 5, variations: 4 })).json().result.recommended).toBe('pro');
  });

  it('other methods on /api are 405', async () => {
    const r = await raw(web.url, { path: '/api/presets.list' });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
    expect(r.json().ok).toBe(false);
    expect((await raw(web.url, { method: 'DELETE', path: '/api/health' })).status).toBe(405);
  });
});

describe('web host: unexpected failures', () => {
  let broken: WebHost;
  let brokenCtx: Ctx;
  const lines: string[] = [];
  beforeAll(async () => {
    brokenCtx = memoryLedger();
    broken = await startWebHost({ ctx: brokenCtx, staticDir: site.staticDir, log: (l) => lines.push(l) });
    brokenCtx.db.close(); // every call now fails inside the core
  });
  afterAll(() => broken.close());

  it('are 500 {code: "error", message} with no stack trace; the log gets the stack', async () => {
    const r = await post(broken.url, 'accounts.list', {});
    expect(r.status).toBe(500);
    const body = r.json();
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
    expect(body.error.code).toBe('error');
    expect(body.error.message).toMatch(/database connection is not open/);
    expect(r.text).not.toMatch(/\n\s+at |\.ts:\d+/);
    expect(lines.join('\n')).toMatch(/accounts\.list failed: .*\n\s+at /);
  });
});

describe('web host: static files', () => {
  it('serves index.html for / with the security headers', async () => {
    const r = await raw(web.url, { path: '/' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.text).toContain('<div id="root"></div>');
    expect(r.headers['content-security-policy']).toBe(STRICT_CSP);
    expect(CSP).toBe(STRICT_CSP);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
  });

  it('sends the security headers on API answers and errors too', async () => {
    for (const r of [await post(web.url, 'presets.list', {}), await post(web.url, 'nope', {}), await raw(web.url, { path: '/missing.js' })]) {
      expect(r.headers['content-security-policy']).toBe(STRICT_CSP);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('answers with the right content types', async () => {
    const cases: Array<[string, string]> = [
      ['/index.html', 'text/html; charset=utf-8'],
      ['/assets/app.js', 'text/javascript; charset=utf-8'],
      ['/assets/app.css', 'text/css; charset=utf-8'],
      ['/assets/logo.svg', 'image/svg+xml'],
      ['/assets/font.woff2', 'font/woff2'],
    ];
    for (const [path, type] of cases) {
      const r = await raw(web.url, { path });
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toBe(type);
    }
    const head = await raw(web.url, { method: 'HEAD', path: '/assets/app.js' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers['content-length']).toBe(String('console.log("app")'.length));
  });

  it('404s missing files and folders, and refuses other methods', async () => {
    expect((await raw(web.url, { path: '/nope.js' })).status).toBe(404);
    expect((await raw(web.url, { path: '/assets' })).status).toBe(404);
    expect((await raw(web.url, { path: '/assets/' })).status).toBe(404);
    expect((await raw(web.url, { method: 'POST', path: '/index.html', headers: { origin: web.url } })).status).toBe(405);
  });

  it('never serves anything outside the folder, however the path is spelled', async () => {
    const attempts = [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/..%2F..%2Fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/%252e%252e%252fsecret.txt',
      '/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '//etc/passwd',
      '/%2fetc%2fpasswd',
      '/link-out.txt',
      '/.env',
      '/assets/%2e/../../secret.txt',
      '/secret.txt%00.html',
      '/%c0%ae%c0%ae/secret.txt',
      '/C:%5cWindows%5cwin.ini',
    ];
    for (const path of attempts) {
      const r = await raw(web.url, { path });
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.text, path).not.toContain(SECRET);
      expect(r.text, path).not.toContain('root:');
    }
  });
});

describe('web host: DNS-rebinding and cross-origin guards', () => {
  it('answers Host names that are this host: the bound address and localhost', async () => {
    for (const host of [`127.0.0.1:${web.port}`, `localhost:${web.port}`, `LOCALHOST:${web.port}`]) {
      const r = await raw(web.url, { path: '/api/health', headers: { host } });
      expect(r.status, host).toBe(200);
    }
  });

  it('refuses any other Host with 403, for pages and API alike', async () => {
    for (const host of [`evil.example:${web.port}`, `127.0.0.1:${web.port + 1}`, 'localhost', `localhost.:${web.port}`, `127.0.0.1.nip.io:${web.port}`, `a@127.0.0.1:${web.port}`, `192.168.1.5:${web.port}`]) {
      for (const path of ['/', '/api/health']) {
        const r = await raw(web.url, { path, headers: { host } });
        expect(r.status, `${host} ${path}`).toBe(403);
        expect(r.text).not.toContain('id="root"');
      }
    }
    const evilPost = await post(web.url, 'accounts.add', { preset: 'lux', plan: 'free' }, { host: `attacker.example:${web.port}`, origin: `http://attacker.example:${web.port}` });
    expect(evilPost.status).toBe(403);
    expect(call(ctx, 'accounts.list', {}).map((a) => a.id)).not.toContain('lux-free');
  });

  it('refuses a request without a Host header', async () => {
    const r = await raw(web.url, { path: '/api/health', setHost: false });
    // Node's own parser answers 400 before the guard is reached; either way it is refused.
    expect([400, 403]).toContain(r.status);
    expect(r.text).not.toContain('"ok":true');
  });

  it('refuses cross-origin POSTs and leaves the ledger unchanged', async () => {
    const foreign: Array<Record<string, string>> = [{ origin: 'http://evil.example' }, { origin: 'null' }, { origin: `http://localhost:${web.port}` }, { origin: `https://127.0.0.1:${web.port}` }, { 'sec-fetch-site': 'cross-site' }];
    for (const headers of foreign) {
      const r = await post(web.url, 'accounts.add', { preset: 'lux', plan: 'free' }, headers);
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.json().ok).toBe(false);
    }
    expect(call(ctx, 'accounts.list', {}).map((a) => a.id)).not.toContain('lux-free');
    // Without Origin (curl, scripts) and from this very origin, POSTs pass.
    const noOrigin = await raw(web.url, { method: 'POST', path: '/api/presets.list', body: '{}' });
    expect(noOrigin.status).toBe(200);
    const same = await post(web.url, 'presets.list', {}, { 'sec-fetch-site': 'same-origin' });
    expect(same.status).toBe(200);
  });
});

describe('web host: binding and closing', () => {
  let extra: WebHost | null = null;
  let extraCtx: Ctx | null = null;
  afterEach(async () => {
    await extra?.close();
    extraCtx?.db.close();
    extra = null;
    extraCtx = null;
  });

  it('never serves plain HTTP beyond loopback: every interface or a LAN address is refused before listening ("use --team")', async () => {
    extraCtx = memoryLedger();
    for (const host of ['0.0.0.0', '::', '192.168.1.5']) {
      await expect(startWebHost({ ctx: extraCtx, host, staticDir: site.staticDir })).rejects.toThrow(/use --team/);
    }
  });

  it('bound to every interface (the team host), accepts IP addresses and allowed names in Host, never another DNS name', () => {
    const bound = { host: '0.0.0.0', port: 4317, allowed: ['mybox.local'] };
    expect(hostAllowed('192.168.1.5:4317', bound)).toBe(true);
    expect(hostAllowed('mybox.local:4317', bound)).toBe(true);
    expect(hostAllowed('rebind.attacker.example:4317', bound)).toBe(false);
    expect(hostAllowed('192.168.1.5:4318', bound)).toBe(false);
    expect(hostAllowed('rebind.attacker.example:4317', { ...bound, host: '127.0.0.1' })).toBe(false);
  });

  it('accepts POSTs from an origin allowed by name (a dev server proxying /api), and no other', async () => {
    extraCtx = memoryLedger();
    extra = await startWebHost({ ctx: extraCtx, staticDir: site.staticDir, allowedOrigins: ['http://localhost:5173/'] });
    // Vite's proxy rewrites Host to the target but passes the page's Origin through.
    expect((await post(extra.url, 'presets.list', {}, { origin: 'http://localhost:5173' })).status).toBe(200);
    expect((await post(extra.url, 'presets.list', {}, { origin: 'http://localhost:5174' })).status).toBe(403);
    expect((await post(extra.url, 'presets.list', {}, { origin: 'http://localhost:5173', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('close() stops listening', async () => {
    extraCtx = memoryLedger();
    const h = await startWebHost({ ctx: extraCtx, staticDir: site.staticDir });
    expect((await raw(h.url, { path: '/api/health' })).status).toBe(200);
    await h.close();
    await expect(raw(h.url, { path: '/api/health' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('says the app is not built when the folder has no index.html', async () => {
    extraCtx = memoryLedger();
    extra = await startWebHost({ ctx: extraCtx, staticDir: join(site.root, 'missing') });
    const r = await raw(extra.url, { path: '/' });
    expect(r.status).toBe(404);
    expect(r.text).toMatch(/npm run build/);
    expect((await post(extra.url, 'presets.list', {})).status).toBe(200);
  });
});
