/**
 * The window's page comes from app://creditdeck/, a privileged custom scheme,
 * not file://: a file:// page may read any file:// URL, has an opaque origin
 * and gets no response headers. The handler serves only files under the
 * built renderer folder (the web host's path checks: main/web/static.ts),
 * with their content types and the security headers, CSP included.
 */
import { basename, dirname, resolve } from 'node:path';
import { readStatic } from '../web/static.js';
import { SECURITY_HEADERS } from '../web/security.js';
import type { ProtocolLike } from './electron-api.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'creditdeck';

/**
 * standard: real origin and relative URLs; secure: a secure context like
 * https; supportFetchAPI: the page's modules and assets load through fetch.
 */
export const APP_SCHEME_PRIVILEGES = { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } } as const;

/** The page the window loads, and the one sender the IPC bridge trusts: app://creditdeck/index.html. */
export function appPageUrl(rendererFile: string): string {
  return `${APP_SCHEME}://${APP_HOST}/${encodeURIComponent(basename(rendererFile))}`;
}

/** Before the app is ready (Electron allows it only then, once). */
export function registerAppScheme(protocol: ProtocolLike): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

const plain = (status: number, text: string, extra: Record<string, string> = {}): Response =>
  new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra } });

/** Answers one app:// request from the files under `rendererDir`. */
export async function serveAppRequest(request: Request, rendererDir: string): Promise<Response> {
  let u: URL;
  try {
    u = new URL(request.url);
  } catch {
    return plain(404, 'Not found.');
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username || u.password) return plain(404, 'Not found.');
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed.', { Allow: 'GET, HEAD' });
  const file = await readStatic(rendererDir, u.pathname);
  if (!file.found) return plain(404, 'Not found.');
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(file.data), {
    status: 200,
    headers: { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Cache-Control': 'no-cache' },
  });
}

/** Once the app is ready: app:// answers from the built renderer's folder. */
export function handleAppProtocol(protocol: ProtocolLike, rendererFile: string): void {
  const root = resolve(dirname(rendererFile));
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, root));
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The renderer dev server (ELECTRON_RENDERER_URL, set by electron-vite dev):
 * honoured only when the app is not packaged, and only on a loopback
 * http(s) address. Undefined otherwise: the window loads its own app:// page.
 */
export function trustedDevServer(url: string | undefined, packaged: boolean): string | undefined {
  if (!url || packaged) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !LOOPBACK.has(u.hostname) || u.username || u.password) return undefined;
  return url;
}
