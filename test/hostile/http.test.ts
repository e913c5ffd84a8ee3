/**
 * Hostile input over HTTP: every API case (api-cases.ts) and the
 * transport's own (malformed, truncated and oversized bodies, other content
 * types, bad encodings, prototype keys) gets 400 with an invalid_input
 * envelope whose message says what was wrong, and the ledger file's content
 * is exactly what it was.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startWebHost, MAX_BODY_BYTES, type WebHost } from '../../main/web/server.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { call } from '../../main/core/api/handlers.js';
import { fixtureSite, post, raw } from '../web/helpers.js';
import { API_CASES } from './api-cases.js';
import { digest, rowCount, seededLedger, type Seeded } from './ledger.js';

let web: WebHost;
let led: Seeded;
let before: string;

beforeAll(async () => {
  led = seededLedger(new ManualClock(Date.now()), 'creditdeck-hostile-http-');
  web = await startWebHost({ ctx: led.ctx, staticDir: fixtureSite().staticDir, log: () => {} });
  before = digest(led.path);
});
afterAll(async () => {
  await web.close();
  led.ctx.db.close();
});

/** A raw POST to /api/<name> with any body and headers. */
const send = (name: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  raw(web.url, { method: 'POST', path: `/api/${name}`, headers: { origin: web.url, 'content-type': 'application/json', ...headers }, body });

const HTTP_CASES: { name: string; send: () => ReturnType<typeof send>; message: RegExp }[] = [
  { name: 'truncated JSON', send: () => send('usage.record', '{"account":"lux","action":'), message: /the request body is not JSON/ },
  { name: 'trailing comma', send: () => send('usage.record', '{"account":"lux","action":"email",}'), message: /the request body is not JSON/ },
  { name: 'single quotes', send: () => send('usage.record', "{'account':'lux','action':'email'}"), message: /the request body is not JSON/ },
  { name: 'bare NaN', send: () => send('usage.record', '{"account":"lux","action":"email","quantity":NaN}'), message: /the request body is not JSON/ },
  { name: 'a byte-order mark', send: () => send('usage.record', '\ufeff{"account":"lux","action":"email"}'), message: /the request body is not JSON/ },
  { name: 'invalid UTF-8', send: () => send('usage.record', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), message: /the request body is not JSON/ },
  { name: 'text/plain body', send: () => send('usage.record', 'lux email 3', { 'content-type': 'text/plain' }), message: /the request body is not JSON/ },
  { name: 'form-encoded body', send: () => send('usage.record', 'account=lux&action=email', { 'content-type': 'application/x-www-form-urlencoded' }), message: /the request body is not JSON/ },
  { name: 'JSON lines instead of JSON', send: () => send('usage.record', '{"account":"lux","action":"email"}\n{"account":"lux","action":"email"}'), message: /the request body is not JSON/ },
  { name: '200,000 nested arrays', send: () => send('usage.record', '['.repeat(200_000) + ']'.repeat(200_000)), message: /input at \(root\)|the request body is not JSON/ },
  { name: 'a body over 1 MB', send: () => send('usage.record', JSON.stringify({ account: 'lux', action: 'email', attrs: { flow: 'x'.repeat(MAX_BODY_BYTES) } })), message: /larger than 1048576 bytes/ },
  { name: 'a __proto__ key', send: () => send('usage.record', '{"__proto__":{"account":"lux"},"action":"email"}'), message: /input at account/ },
  { name: 'a malformed call name', send: () => send('%E0%A4%A', '{}'), message: /malformed call name/ },
  { name: 'a call name with a NUL', send: () => send('usage.record%00', '{"account":"lux","action":"email"}'), message: /unknown API call/ },
];

describe('hostile input over HTTP: 400, a message, and the ledger unchanged', () => {
  test.each(API_CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = await post(web.url, c.call, JSON.stringify(c.input(led) ?? null));
    expect(r.status, r.text).toBe(400);
    const body = r.json();
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toMatch(c.message);
    expect(digest(led.path), 'the ledger changed').toBe(before);
  });

  test.each(HTTP_CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = await c.send();
    expect(r.status, r.text).toBe(400);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(c.message) } });
    expect(digest(led.path), 'the ledger changed').toBe(before);
  });

  test('the digest does see a write: a good call after all the bad ones changes it', async () => {
    expect(digest(led.path)).toBe(before);
    const events = rowCount(led.path, 'events');
    const r = await post(web.url, 'usage.record', { account: 'lux', action: 'email', quantity: 1 });
    expect(r.status).toBe(200);
    expect(rowCount(led.path, 'events')).toBe(events + 1);
    expect(digest(led.path)).not.toBe(before);
    expect(call(led.ctx, 'check', {})).toMatchObject({ ok: true });
  });
});
