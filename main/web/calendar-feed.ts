/**
 * The resets calendar as a feed a calendar app subscribes to:
 *   GET /calendar.ics[?account=ID]               the local web host (loopback)
 *   GET /calendar.ics?token=cdk_…[&account=ID]   the team host
 * Calendar apps fetch a URL and send no headers, so on the team host the token
 * rides in the query: make a scoped `read` token just for the feed (limited to
 * some accounts if you like) and revoke it to stop the feed. The call is the
 * core's calendar.ics, run as the token's caller through callAs like any other.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ctx } from '../core/ledger/context.js';
import type { Services } from '../core/api/handlers.js';
import { dispatch, dispatchAs, STATUS, type Envelope } from './dispatch.js';
import type { TeamDoor } from './team-host.js';

export const FEED_PATH = '/calendar.ics';

function sendError(res: ServerResponse, env: Extract<Envelope, { ok: false }>, headers: Record<string, string | string[]> = {}): void {
  const text = `${env.error.message}\n`;
  res.writeHead(STATUS[env.error.code], { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function serveCalendarFeed(
  req: IncomingMessage,
  res: ServerResponse,
  rawUrl: string,
  o: { ctx: Ctx; door: TeamDoor | null; address: string | null; services: Services; onCallError: (e: unknown, call: string) => void },
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    return void res.end('Method not allowed.\n');
  }
  const query = new URLSearchParams(rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1).split('#', 1)[0] : '');
  const account = query.get('account');
  const input = account === null ? {} : { account };
  let env: Envelope;
  if (o.door) {
    const header = req.headers.authorization;
    const bearer = header !== undefined ? (/^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1] ?? null) : query.get('token');
    const who = await o.door.authenticateBearer(bearer, o.address, 'a calendar feed on the team host needs ?token=cdk_… (make a scoped read token for it)');
    if (!('caller' in who)) return sendError(res, who.body as Extract<Envelope, { ok: false }>, who.headers);
    env = await dispatchAs('calendar.ics', input, o.door.runner(who.caller, o.services), o.onCallError, o.door.extraCalls);
  } else env = dispatch(o.ctx, 'calendar.ics', input, o.onCallError, o.services);
  if (!env.ok) return sendError(res, env);
  const r = env.result as { filename: string; text: string };
  res.writeHead(200, {
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': `inline; filename="${r.filename}"`,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(r.text),
  });
  res.end(req.method === 'HEAD' ? undefined : r.text);
}
