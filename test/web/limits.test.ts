/**
 * The web host's limits (main/web/limits.ts): slow or idle clients are cut
 * off, connections are capped, keep-alive is bounded, and backups/exports
 * over HTTP have an hourly quota. Small limits are injected so nothing waits
 * long; every wait is for an event, bounded by the test's timeout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { startWebHost, type WebHost } from '../../main/web/server.js';
import { DEFAULT_LIMITS, type WebLimits } from '../../main/web/limits.js';
import { openLedger } from '../../main/core/api/open.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { fixtureSite, memoryLedger, post, raw } from './helpers.js';

const open: Array<{ web: WebHost; ctx: Ctx }> = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const { web, ctx } of open.splice(0)) {
    await web.close();
    ctx.db.close();
  }
});

async function host(limits: Partial<WebLimits>, ctx: Ctx = memoryLedger()): Promise<WebHost> {
  const web = await startWebHost({ ctx, staticDir: fixtureSite().staticDir, log: () => {}, limits });
  open.push({ web, ctx });
  return web;
}

/** A raw connection that records everything it receives and when it closes. */
async function client(web: WebHost): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const socket = connect(web.port, '127.0.0.1');
  sockets.push(socket);
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
  socket.on('error', () => {}); // a reset is one way of being cut off
  const closed = once(socket, 'close').then(() => undefined);
  await once(socket, 'connect');
  return { socket, received: () => text, closed };
}

const healthRequest = (web: WebHost) => `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\n\r\n`;

/** Wait until `n` full answers to /api/health have arrived on this connection. */
async function answers(c: { socket: Socket; received: () => string }, n: number): Promise<void> {
  while ((c.received().match(/\{"ok":true\}/g) ?? []).length < n) await once(c.socket, 'data');
}

describe('web host limits', () => {
  it('uses the defaults docs/web.md lists, with the header timeout within the request timeout', async () => {
    const web = await host({});
    expect(web.limits).toEqual(DEFAULT_LIMITS);
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'web.md'), 'utf8');
    const option: Record<string, keyof WebLimits> = {
      headersTimeout: 'headersTimeoutMs',
      requestTimeout: 'requestTimeoutMs',
      timeout: 'idleTimeoutMs',
      keepAliveTimeout: 'keepAliveTimeoutMs',
      maxRequestsPerSocket: 'maxRequestsPerSocket',
      maxConnections: 'maxConnections',
    };
    const documented: Partial<WebLimits> = {};
    for (const [, name, value, seconds] of doc.matchAll(/^\s*\| [^|]*\(`server\.(\w+)`\) \| ([\d,]+)( s)? \|/gm)) {
      documented[option[name!]!] = Number(value!.replace(/,/g, '')) * (seconds ? 1000 : 1);
    }
    documented.copiesPerHour = Number(/limited to (\d+) calls an hour/.exec(doc)?.[1]);
    const { checkIntervalMs, ...rest } = DEFAULT_LIMITS;
    expect(documented).toEqual(rest);
    expect(checkIntervalMs).toBe(1000); // "every second"
    expect(DEFAULT_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(DEFAULT_LIMITS.requestTimeoutMs);
  });

  it('cuts off a client that sends its headers too slowly, with 408', async () => {
    const web = await host({ headersTimeoutMs: 200, requestTimeoutMs: 400, checkIntervalMs: 50 });
    const c = await client(web);
    c.socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\n`); // never the blank line
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts off a request whose body never finishes, with 408', async () => {
    const web = await host({ headersTimeoutMs: 100, requestTimeoutMs: 300, checkIntervalMs: 50 });
    const c = await client(web);
    c.socket.write(`POST /api/accounts.list HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"x":`);
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection that stays silent, unanswered', async () => {
    const web = await host({ idleTimeoutMs: 150, headersTimeoutMs: 20_000, requestTimeoutMs: 20_000 });
    const c = await client(web);
    await c.closed;
    expect(c.received()).toBe('');
  });

  it('closes an idle keep-alive connection after keepAliveTimeout', async () => {
    const web = await host({ keepAliveTimeoutMs: 100 });
    const c = await client(web);
    c.socket.write(healthRequest(web));
    await answers(c, 1);
    expect(c.received()).toMatch(/Keep-Alive: timeout=0/i);
    await c.closed;
  });

  it('answers at most maxRequestsPerSocket requests on one connection: the last says Connection: close, more get 503', async () => {
    const web = await host({ maxRequestsPerSocket: 2 });
    const c = await client(web);
    c.socket.write(healthRequest(web));
    await answers(c, 1);
    expect(c.received()).not.toMatch(/Connection: close/i);
    c.socket.write(healthRequest(web));
    await answers(c, 2);
    const second = c.received().split('HTTP/1.1 ')[2]!;
    expect(second).toMatch(/^200 [^]*Connection: close/i);
    c.socket.write(healthRequest(web));
    while (c.received().split('HTTP/1.1 ').length < 4) await once(c.socket, 'data');
    expect(c.received().split('HTTP/1.1 ')[3]).toMatch(/^503 /);
  });

  it('refuses a connection beyond maxConnections, and takes one again once a slot frees', async () => {
    const web = await host({ maxConnections: 2 });
    const a = await client(web);
    const b = await client(web);
    for (const c of [a, b]) {
      c.socket.write(healthRequest(web));
      await answers(c, 1);
    }
    const third = await client(web);
    third.socket.write(healthRequest(web));
    await third.closed;
    expect(third.received()).toBe('');

    a.socket.destroy();
    await a.closed;
    // The server hears of the close a moment later: retry, a bounded number of times.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) status = await raw(web.url, { path: '/api/health' }).then((r) => r.status, () => 0);
    expect(status).toBe(200);
  });
});

describe('backups and exports over HTTP: an hourly quota', () => {
  it('allows copiesPerHour of them, then 429 with Retry-After until the hour has passed', async () => {
    const clock = new ManualClock(Date.parse('2026-11-15T12:00:00Z'));
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-quota-'));
    const ctx = openLedger(join(dir, 'ledger.sqlite'), { clock, ids: seededIds(4) });
    const web = await host({ copiesPerHour: 2 }, ctx);
    expect((await post(web.url, 'data.backup', {})).status).toBe(200);
    clock.advance(60_000);
    expect((await post(web.url, 'data.export', {})).status).toBe(200);
    clock.advance(60_000);
    const refused = await post(web.url, 'data.backup', {});
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe(String(3600 - 120));
    expect(refused.json()).toEqual({ ok: false, error: { code: 'error', message: expect.stringMatching(/at most 2 backups and exports an hour over HTTP; try again in 58 min, or run `creditdeck backup`/) } });
    // Nothing was written for the refused call; other calls are not limited.
    expect((await post(web.url, 'data.backups', {})).json().result).toHaveLength(1);
    expect((await post(web.url, 'accounts.list', {})).status).toBe(200);
    // The first one leaves the window an hour after it was made.
    clock.advance(3600_000 - 120_000);
    expect((await post(web.url, 'data.backup', {})).status).toBe(200);
    expect((await post(web.url, 'data.export', {})).status).toBe(429);
  });
});
