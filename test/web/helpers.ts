/** Raw HTTP for the web host tests: exact paths (no client-side normalising) and any headers, Host included. */
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function raw(
  base: string,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; setHost?: boolean } = {},
): Promise<Reply> {
  const u = new URL(base);
  return new Promise((ok, fail) => {
    const req = request(
      { host: u.hostname, port: u.port, agent: false, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers, setHost: opts.setHost ?? true },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          ok({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', fail);
      },
    );
    // A server that answers before reading the whole body may close the socket under a large upload: the answer still counts.
    req.on('error', fail);
    req.end(opts.body);
  });
}

/** POST one API call the way the renderer does (same-origin fetch). */
export function post(base: string, name: string, input: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const body = typeof input === 'string' ? input : JSON.stringify(input);
  return raw(base, { method: 'POST', path: `/api/${name}`, headers: { 'content-type': 'application/json', origin: base, ...headers }, body });
}

export const SECRET = 'TOP-SECRET-OUTSIDE-THE-STATIC-FOLDER';

/** A fake built renderer in a temp folder, with a secret file beside it and a symlink pointing out. */
export function fixtureSite(): { root: string; staticDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'creditdeck-web-'));
  const staticDir = join(root, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(staticDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(staticDir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(staticDir, 'assets', 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  writeFileSync(join(staticDir, '.env'), SECRET);
  writeFileSync(join(root, 'secret.txt'), SECRET);
  symlinkSync(join(root, 'secret.txt'), join(staticDir, 'link-out.txt'));
  return { root, staticDir };
}

export function memoryLedger(now = '2026-11-15T12:00:00Z'): Ctx {
  return openLedger(':memory:', { clock: new ManualClock(Date.parse(now)), ids: seededIds(3) });
}
