/**
 * The provider-shaped GET routes of the team host (docs/vendors.md), each a
 * core call run as the caller through callAs like every other call:
 *   GET /api/usage[?account=ID]    → usage.fluximage (Fluximage's documented shape)
 *   GET /v1/balances               → balance.readable (every account the caller may read)
 *   GET /v1/balances/ACCOUNT       → balance.get
 * They answer the bare document (no {ok, result} envelope), as the vendor's
 * API does; an error is {"error": {code, message, …}} with the usual status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HandlerName, Services } from '../core/api/handlers.js';
import { dispatchAs, STATUS } from './dispatch.js';
import type { TeamDoor } from './team-host.js';

export const VENDOR_CALLS = ['usage.fluximage', 'balance.readable', 'balance.get'] as const satisfies readonly HandlerName[];

export type VendorRoute = { call: (typeof VENDOR_CALLS)[number]; input: Record<string, string> } | { error: string; status: number };

/** The route for a request path, null when the path is not one of them. */
export function vendorRoute(rawPath: string, rawUrl: string): VendorRoute | null {
  const query = new URLSearchParams(rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1).split('#', 1)[0] : '');
  const at = query.get('at');
  const when: Record<string, string> = at === null ? {} : { at };
  if (rawPath === '/api/usage') {
    const account = query.get('account');
    return { call: 'usage.fluximage', input: { ...(account === null ? {} : { account }), ...when } };
  }
  if (rawPath === '/v1/balances' || rawPath === '/v1/balances/') return { call: 'balance.readable', input: when };
  if (rawPath.startsWith('/v1/balances/')) {
    let account: string;
    try {
      account = decodeURIComponent(rawPath.slice('/v1/balances/'.length));
    } catch {
      return { error: 'malformed account id in the path', status: 400 };
    }
    if (account.includes('/')) return { error: 'not found', status: 404 };
    return { call: 'balance.get', input: { account, ...when } };
  }
  return null;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Answer one route as the authenticated caller: the door first (401, 429), then callAs through dispatchAs. */
export async function serveVendorRoute(
  req: IncomingMessage,
  res: ServerResponse,
  route: VendorRoute,
  o: { door: TeamDoor; address: string | null; services: Services; onCallError: (e: unknown, call: string) => void },
): Promise<void> {
  if (req.method !== 'GET') return send(res, 405, { error: { code: 'invalid_input', message: `use GET for ${req.url?.split('?', 1)[0]}`, field: null } }, { Allow: 'GET' });
  if ('error' in route) return send(res, route.status, { error: { code: 'invalid_input', message: route.error, field: null } });
  const who = await o.door.authenticate(req, o.address);
  if (!('caller' in who)) return send(res, who.status, { error: who.body.ok ? null : who.body.error }, who.headers);
  const extra = new Set([...o.door.extraCalls, ...VENDOR_CALLS]);
  const env = await dispatchAs(route.call, route.input, o.door.runner(who.caller, o.services), o.onCallError, extra);
  if (env.ok) return send(res, 200, env.result);
  return send(res, STATUS[env.error.code], { error: env.error });
}
