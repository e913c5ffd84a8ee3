/**
 * A stand-in for the web host, for the browser tests: serves the built
 * renderer (out/renderer) and answers `POST /api/<handler name>` by calling
 * the API on an in-memory ledger with a manual clock, using the HTTP contract
 * the real host follows:
 *   200 {"ok":true,"result":…}
 *   400 {"ok":false,"error":{"code":"invalid_input","message","field"}}
 *   409 {"ok":false,"error":{"code":"refused","reason","message","details"}}
 *   500 {"ok":false,"error":{"code":"error","message"}}
 * `CREDITDECK_E2E_HOST=web` runs the same suites against the real web host
 * (main/web) on the same in-memory ledger instead.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { call, type HandlerName } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { InputError, RefusedError } from '../../main/core/util/errors.js';

export const RENDERER_DIR = resolve(import.meta.dirname, '../../out/renderer');

export interface TestHost {
  url: string;
  ctx: Ctx;
  clock: ManualClock;
  /** Call the API directly (setting up a ledger without the UI). */
  api: <N extends HandlerName>(name: N, input: unknown) => ReturnType<typeof call<N>>;
  close: () => Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** Map one API outcome to the HTTP envelope. */
export function envelope(run: () => unknown): { status: number; body: unknown } {
  try {
    return { status: 200, body: { ok: true, result: run() } };
  } catch (e) {
    if (e instanceof RefusedError) return { status: 409, body: { ok: false, error: { code: 'refused', reason: e.reason, message: e.message, details: e.details } } };
    if (e instanceof InputError) return { status: 400, body: { ok: false, error: { code: 'invalid_input', message: e.message, field: e.field ?? null } } };
    return { status: 500, body: { ok: false, error: { code: 'error', message: (e as Error).message } } };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 5_000_000) throw new InputError('request body too large', 'body');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startTestHost(opts: { now?: string; seed?: number; root?: string } = {}): Promise<TestHost> {
  const clock = new ManualClock(Date.parse(opts.now ?? '2026-11-03T14:00:00Z'));
  const ctx = openLedger(':memory:', { clock, ids: seededIds(opts.seed ?? 1) });
  const root = opts.root ?? RENDERER_DIR;
  const api: TestHost['api'] = (name, input) => call(ctx, name, input);

  if (process.env.CREDITDECK_E2E_HOST === 'web') {
    const { startWebHost } = await import('../../main/web/server.js');
    const web = await startWebHost({ ctx, staticDir: root, log: () => {} });
    return {
      url: web.url,
      ctx,
      clock,
      api,
      close: async () => {
        await web.close();
        ctx.db.close();
      },
    };
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname.startsWith('/api/')) {
        const name = decodeURIComponent(url.pathname.slice('/api/'.length));
        if (req.method !== 'POST') return send(res, 405, { ok: false, error: { code: 'invalid_input', message: 'use POST', field: null } });
        let input: unknown;
        try {
          const text = await readBody(req);
          input = text.trim() === '' ? {} : JSON.parse(text);
        } catch (e) {
          return send(res, 400, { ok: false, error: { code: 'invalid_input', message: `body is not JSON: ${(e as Error).message}`, field: 'body' } });
        }
        const out = envelope(() => call(ctx, name as HandlerName, input));
        return send(res, out.status, out.body);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { ok: false, error: { code: 'error', message: 'method not allowed' } });
      // Static files; anything without an extension is the app (hash routing needs only "/").
      const rel = url.pathname === '/' || extname(url.pathname) === '' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
      const file = resolve(root, rel);
      if (file !== root && !file.startsWith(root + sep)) return send(res, 404, { ok: false, error: { code: 'error', message: 'not found' } });
      try {
        const data = await readFile(join(file));
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : data);
      } catch {
        send(res, 404, { ok: false, error: { code: 'error', message: `not found: ${rel}` } });
      }
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'error', message: (e as Error).message } });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ctx,
    clock,
    api,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => {
          ctx.db.close();
          ok();
        });
      }),
  };
}
