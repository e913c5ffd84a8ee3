/**
 * The web host: the built renderer and the API over plain node:http, for a
 * browser on this machine; or, as the team host, over node:https (or plain
 * HTTP to a proxy on this machine) with every call authenticated and run as
 * its caller (team-host.ts). The HTTP contract and the security measures are
 * in docs/web.md; the team host's in docs/team.md ("Hosting").
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { existsSync } from 'node:fs';
import { isIP, type AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ctx } from '../core/ledger/context.js';
import { dispatchAs, dispatchAsync, errorEnvelope, invalid, STATUS, type Envelope } from './dispatch.js';
import { InputError } from '../core/util/errors.js';
import { TeamDoor, type DoorReply } from './team-host.js';
import type { Payments } from '../core/purchases/service.js';
import { PaymentError } from '../core/purchases/stripe.js';
import { isPurchasePage, sendText, servePurchasePage } from './purchase-pages.js';
import { SECURITY_HEADERS } from './security.js';
import { GroupCommit } from '../core/ledger/group-commit.js';
import { applyLimits, HourlyQuota, limitsWith, serverOptions, type WebLimits } from './limits.js';
import { readStatic } from './static.js';
import { serveVendorRoute, vendorRoute } from './vendor-routes.js';
import type { MeterStatus } from '../core/connectors/provenance.js';
import { FEED_PATH, serveCalendarFeed } from './calendar-feed.js';
import { BATCH_PATH, parseBatch, runBatch } from './batch.js';

/** The return pages' link back into the web app. */
const WEB_BACK = { href: '/#/purchases', label: 'Back to Creditdeck' } as const;

export const MAX_BODY_BYTES = 1024 * 1024;

/** The calls that write a whole copy of the ledger to disk: quota'd over HTTP (limits.ts). */
const COPY_CALLS: ReadonlySet<string> = new Set(['data.backup', 'data.export']);
/** The team host's calls that start, show or end the session itself. */
const SESSION_CALLS: ReadonlySet<string> = new Set(['team.redeem', 'team.signin', 'team.signout', 'team.session']);

export interface WebHostOptions {
  ctx: Ctx;
  /** Address to listen on. Default 127.0.0.1; anything wider only when asked. */
  host?: string;
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  /** The built renderer. Default: out/renderer in the Creditdeck folder. */
  staticDir?: string;
  /** Extra names a browser may use for this host (e.g. the machine's name when serving the network). */
  allowedHosts?: readonly string[];
  /**
   * Other origins whose pages may POST here, e.g. a renderer dev server that
   * proxies /api (Vite's proxy passes the page's Origin through). Default none.
   */
  allowedOrigins?: readonly string[];
  /** Where unexpected failures are logged in full. Default: stderr. */
  log?: (line: string) => void;
  /**
   * Purchases (docs/purchases.md): the Stripe client and the browser opener.
   * Without it, purchases that need Stripe say it is not set up and the
   * return page and webhook answer 503.
   */
  payments?: Payments;
  /** Check pending purchases with Stripe this often (ms); 0 or absent: only when asked (tests call payments.poll). */
  pollIntervalMs?: number;
  /** Timeouts, connection caps and the backup quota (main/web/limits.ts); tests pass small ones. */
  limits?: Partial<WebLimits>;
  /** HTTPS with this certificate and key (main/web/tls.ts). Without it, plain HTTP, which listens on loopback only. */
  tls?: { cert: string; key: string };
  /** The team host: every call authenticated and run as its caller (team-host.ts). Needs tls or behindProxy. */
  team?: TeamDoor;
  /**
   * The writer that commits the calls that change the ledger in groups
   * (main/core/ledger/group-commit.ts). Default: one of the host's own; give
   * the app's when the same process writes from elsewhere too.
   */
  writer?: GroupCommit;
  /**
   * Plain HTTP to a TLS-terminating proxy on this machine (loopback only):
   * X-Forwarded-For and X-Forwarded-Proto are believed then, and only from a
   * loopback peer. Never otherwise: anyone could claim any address.
   */
  behindProxy?: boolean;
  /** The URL members reach the host by (a proxy's, a DNS name): its host passes the Host check, its origin the Origin check. */
  publicUrl?: string;
  /** The vendor's meter's last status per account (vendor-meter.ts), shown on each pool. */
  meterStatus?: (account: string) => MeterStatus | null;
}

export interface WebHost {
  /** Where a browser on this machine reaches the host (https:// when serving TLS). */
  url: string;
  host: string;
  port: number;
  /** The limits in force. */
  limits: Readonly<WebLimits>;
  close(): Promise<void>;
}

/** The Creditdeck folder: the nearest package.json above this module (source or bundle). */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
}

export function defaultStaticDir(): string {
  return join(packageRoot(), 'out', 'renderer');
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** An address or name that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/^::ffff:/, '');
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

/** Host header hostnames are compared in URL form: lower case, IPv6 in brackets. */
function hostnameForm(host: string): string {
  const h = host.toLowerCase();
  return isIP(h) === 6 ? `[${h}]` : h;
}

/**
 * The DNS-rebinding guard: a request must name this host by a loopback name,
 * the bound address, an allowed name, or (when bound to every interface) an
 * IP address, and carry our port.
 */
export function hostAllowed(hostHeader: string | undefined, bound: { host: string; port: number; allowed: readonly string[] }): boolean {
  if (!hostHeader || hostHeader.length > 300) return false;
  let u: URL;
  try {
    u = new URL(`http://${hostHeader}`);
  } catch {
    return false;
  }
  if (u.username || u.password || u.pathname !== '/' || u.search || u.hash) return false;
  const port = u.port === '' ? 80 : Number(u.port);
  if (port !== bound.port) return false;
  const name = u.hostname;
  const names = new Set([...LOOPBACK_NAMES, hostnameForm(bound.host), ...bound.allowed.map(hostnameForm)]);
  if (names.has(name)) return true;
  if (WILDCARD.has(bound.host)) return isIP(name.replace(/^\[|\]$/g, '')) !== 0;
  return false;
}

/**
 * A POST from a page must come from this very origin, or one allowed by name:
 * cross-site form posts and fetches are refused. Requests without an Origin
 * (curl, scripts) pass: browsers always send one with a POST.
 */
export function originAllowed(req: IncomingMessage, allowedOrigins: readonly string[] = [], scheme: 'http' | 'https' = 'http'): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return false;
  const origin = req.headers.origin?.toLowerCase();
  if (origin === undefined) return true;
  if (origin === `${scheme}://${String(req.headers.host).toLowerCase()}`) return true;
  return allowedOrigins.some((o) => o.toLowerCase().replace(/\/+$/, '') === origin);
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch {
    status = 500;
    text = JSON.stringify({ ok: false, error: { code: 'error', message: 'the result could not be encoded as JSON' } });
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function sendEnvelope(res: ServerResponse, env: Envelope): void {
  sendJson(res, env.ok ? 200 : STATUS[env.error.code], env);
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        fail(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) ok(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!done) fail(e);
      done = true;
    });
  });
}

/** Listen, and answer the port (a free one for 0); a failure to bind rejects. */
export function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ok((server.address() as AddressInfo).port);
    });
  });
}

/** Whether a Host header names the public URL's host (with its port, or none for the scheme's default). */
function publicHostAllowed(hostHeader: string | undefined, publicUrl: URL | null): boolean {
  if (!publicUrl || !hostHeader || hostHeader.length > 300) return false;
  try {
    return new URL(`${publicUrl.protocol}//${hostHeader}`).host === publicUrl.host;
  } catch {
    return false;
  }
}

/**
 * The plain-HTTP rule: beyond loopback only with TLS and sign-in (the team
 * host); a proxy's plain HTTP only on loopback; a team host never in the
 * clear to the network. docs/web.md and docs/team.md say so.
 */
export function checkExposure(host: string, o: { tls: boolean; team: boolean; behindProxy: boolean }): void {
  const loopback = isLoopback(host);
  if (o.behindProxy) {
    if (!o.team) throw new InputError('--behind-proxy is for the team host: use it with --team', '--behind-proxy');
    if (o.tls) throw new InputError('--behind-proxy serves plain HTTP to the proxy, which holds the certificate: give either --behind-proxy or --tls-cert/--tls-key', '--behind-proxy');
    if (!loopback) throw new InputError(`--behind-proxy serves plain HTTP, so it listens on loopback only (127.0.0.1 or ::1), where the proxy reaches it; not on ${host}`, '--host');
    return;
  }
  if (o.team && !o.tls) throw new InputError('the team host serves HTTPS: give it a certificate, or --behind-proxy', '--team');
  if (!loopback && !(o.tls && o.team)) {
    throw new InputError(`listening on ${host} would open the ledger to the network in plain HTTP with no sign-in; use --team (HTTPS, a token or invite for everyone), or keep the default 127.0.0.1`, '--host');
  }
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const { ctx } = opts;
  const host = opts.host ?? '127.0.0.1';
  const team = opts.team ?? null;
  // Many clients writing at once share one COMMIT per turn of the event loop instead of one each.
  const writer = opts.writer ?? new GroupCommit(ctx);
  if (team) team.writer = writer;
  const behindProxy = opts.behindProxy === true;
  checkExposure(host, { tls: opts.tls !== undefined, team: team !== null, behindProxy });
  const publicUrl = opts.publicUrl ? new URL(opts.publicUrl) : null;
  const scheme: 'http' | 'https' = opts.tls ? 'https' : 'http';
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const root = resolve(opts.staticDir ?? defaultStaticDir());
  const allowed = opts.allowedHosts ?? [];
  const allowedOrigins = [...(opts.allowedOrigins ?? []), ...(publicUrl ? [publicUrl.origin] : [])];
  const limits = limitsWith(opts.limits);
  // Each backup or export is a whole copy of the ledger on this machine's disk: a page in a loop must not fill it.
  const copies = new HourlyQuota(limits.copiesPerHour, () => ctx.clock.now());
  let port = 0;

  async function serveStatic(req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> {
    const head = req.method === 'HEAD';
    const file = await readStatic(root, rawPath);
    if (!file.found) {
      if (file.segments?.length === 1 && file.segments[0] === 'index.html') {
        return sendText(res, 404, 'The Creditdeck app is not built yet: run `npm run build` in the Creditdeck folder, then reload.', head);
      }
      return sendText(res, 404, 'Not found.', head);
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-cache', 'Content-Length': file.data.length });
    res.end(head ? undefined : file.data);
  }

  /** The caller's address: the peer's, or behind the proxy (a loopback peer) the last X-Forwarded-For hop, which the proxy added. */
  function clientAddress(req: IncomingMessage): string | null {
    const peer = req.socket.remoteAddress ?? null;
    if (behindProxy && peer && isLoopback(peer)) {
      const xff = req.headers['x-forwarded-for'];
      const last = (Array.isArray(xff) ? xff.join(',') : (xff ?? '')).split(',').pop()!.trim();
      if (isIP(last)) return last;
    }
    return peer;
  }

  /** The scheme the browser used: ours, or behind the proxy (a loopback peer) what X-Forwarded-Proto says. */
  function requestScheme(req: IncomingMessage): 'http' | 'https' {
    if (behindProxy && isLoopback(req.socket.remoteAddress ?? '') && req.headers['x-forwarded-proto'] === 'https') return 'https';
    return scheme;
  }

  function sendReply(res: ServerResponse, r: DoorReply): void {
    sendJson(res, r.status, r.body, r.headers as Record<string, string>);
  }

  /** Read and parse a call's JSON body; a reply when it cannot be. */
  async function readInput(req: IncomingMessage, res: ServerResponse): Promise<{ input: unknown } | null> {
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        // Stop reading; the connection closes once the answer is out.
        sendJson(res, 400, invalid(`the request body is larger than ${MAX_BODY_BYTES} bytes`, 'body'), { Connection: 'close' });
        return null;
      }
      throw e;
    }
    const text = body.toString('utf8');
    if (text.trim() === '') return { input: {} };
    try {
      return { input: JSON.parse(text) };
    } catch (e) {
      sendEnvelope(res, invalid(`the request body is not JSON: ${(e as Error).message}`, 'body'));
      return null;
    }
  }

  /** The backup/export quota: null to go on, else the seconds to wait and the answer that says so. */
  function quota(name: string): { wait: number; envelope: Envelope } | null {
    if (!COPY_CALLS.has(name)) return null;
    const wait = copies.take();
    if (wait === null) return null;
    const message = `at most ${limits.copiesPerHour} backups and exports an hour over HTTP; try again in ${Math.ceil(wait / 60)} min, or run \`creditdeck backup\` / \`creditdeck export\``;
    return { wait, envelope: { ok: false, error: { code: 'error', message } } };
  }

  /** The quota for a call sent alone: true when the 429 has been sent. */
  function overQuota(res: ServerResponse, name: string): boolean {
    const over = quota(name);
    if (!over) return false;
    sendJson(res, 429, over.envelope, { 'Retry-After': String(over.wait) });
    return true;
  }

  /** A batch's calls, each run by `one` after the quota, as if sent alone (batch.ts). */
  async function serveBatch(req: IncomingMessage, res: ServerResponse, one: (name: string, input: unknown) => Promise<Envelope>): Promise<void> {
    const got = await readInput(req, res);
    if (!got) return;
    const batch = parseBatch(got.input);
    if ('error' in batch) return sendEnvelope(res, batch.error);
    sendEnvelope(res, await runBatch(batch.calls, async (name, input) => quota(name)?.envelope ?? (await one(name, input))));
  }

  const onCallError = (e: unknown, call: string) => log(`creditdeck web: ${call} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);

  async function serveApi(req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> {
    const rawName = rawPath.slice('/api/'.length);
    if (rawName === 'health') {
      if (req.method === 'GET' || req.method === 'HEAD') return sendJson(res, 200, { ok: true });
      return sendJson(res, 405, invalid('use GET for /api/health'), { Allow: 'GET, HEAD' });
    }
    if (team && rawName === 'team.session') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, invalid('use GET for /api/team.session'), { Allow: 'GET, HEAD' });
      const who = await team.authenticate(req, clientAddress(req));
      return sendReply(res, 'caller' in who ? team.session(who.caller, who.sessionId) : who);
    }
    if (req.method !== 'POST') return sendJson(res, 405, invalid('API calls are POST requests with a JSON body'), { Allow: 'POST' });
    if (!originAllowed(req, allowedOrigins, requestScheme(req))) return sendJson(res, 403, { ok: false, error: { code: team ? 'forbidden' : 'error', message: 'cross-origin requests are not allowed' } });
    let name: string;
    try {
      name = decodeURIComponent(rawName);
    } catch {
      return sendEnvelope(res, invalid('malformed call name', 'call'));
    }
    if (team) return serveTeamCall(req, res, team, name);
    if (name === BATCH_PATH) return serveBatch(req, res, (n, input) => dispatchAsync(ctx, n, input, onCallError, services, writer));
    if (overQuota(res, name)) return;
    const got = await readInput(req, res);
    if (!got) return;
    sendEnvelope(res, await dispatchAsync(ctx, name, got.input, onCallError, services, writer));
  }

  /** A call on the team host: sign-in calls need no caller; everything else is authenticated before its body is read. */
  async function serveTeamCall(req: IncomingMessage, res: ServerResponse, door: TeamDoor, name: string): Promise<void> {
    const address = clientAddress(req);
    if (name === 'team.redeem' || name === 'team.signin') {
      const got = await readInput(req, res);
      if (!got) return;
      return sendReply(res, name === 'team.redeem' ? await door.redeem(got.input, address) : await door.signin(got.input, address));
    }
    const who = await door.authenticate(req, address);
    if (!('caller' in who)) return sendReply(res, who);
    if (name === 'team.signout') return sendReply(res, door.signout(who.caller, who.sessionId));
    if (name === BATCH_PATH) {
      const run = door.runner(who.caller, services);
      // Signing in and out change the session the batch came with: those are sent alone.
      return serveBatch(req, res, (n, input) => (SESSION_CALLS.has(n) ? Promise.resolve(invalid(`"${n}" is sent on its own, not in a batch`, 'call')) : dispatchAs(n, input, run, onCallError, door.extraCalls)));
    }
    if (overQuota(res, name)) return;
    const got = await readInput(req, res);
    if (!got) return;
    sendEnvelope(res, await dispatchAs(name, got.input, door.runner(who.caller, services), onCallError, door.extraCalls));
  }

  /** The MCP tools (main/mcp/http.ts) through the same door: a Bearer token only (an agent is no browser), run as its caller. */
  async function serveMcp(req: IncomingMessage, res: ServerResponse, door: TeamDoor): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, invalid('MCP requests are POST requests: this host keeps no MCP session, so there is no stream to open'), { Allow: 'POST' });
    if (!originAllowed(req, allowedOrigins, requestScheme(req))) return sendJson(res, 403, { ok: false, error: { code: 'forbidden', message: 'cross-origin requests are not allowed' } });
    if (req.headers.authorization === undefined) {
      return sendJson(res, 401, { ok: false, error: { code: 'unauthorized', message: 'send "Authorization: Bearer cdk_…" (a device or scoped token)' } }, { 'WWW-Authenticate': 'Bearer' });
    }
    const who = await door.authenticate(req, clientAddress(req));
    if (!('caller' in who)) return sendReply(res, who);
    const got = await readInput(req, res);
    if (!got) return;
    // Loaded on first use: the MCP SDK stays out of the command line's start.
    const { handleMcp } = await import('../mcp/http.js');
    await handleMcp(req, res, { caller: who.caller, run: door.runner(who.caller, services), body: got.input, log });
  }

  /** Stripe's events: the signature is checked over the raw bytes before anything else. */
  async function serveWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, invalid('webhooks are POST requests'), { Allow: 'POST' });
    if (!payments?.configured) return sendJson(res, 503, { ok: false, error: { code: 'error', message: 'Stripe is not set up on this host' } });
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (e) {
      if (e instanceof BodyTooLarge) return sendJson(res, 400, invalid('the webhook body is too large', 'body'), { Connection: 'close' });
      throw e;
    }
    const sig = req.headers['stripe-signature'];
    try {
      const r = payments.webhook(ctx, body, Array.isArray(sig) ? sig[0] : sig);
      return sendJson(res, 200, r);
    } catch (e) {
      if (e instanceof PaymentError) {
        log(`creditdeck web: webhook refused: ${e.message}`);
        return sendJson(res, e.kind === 'not_configured' ? 503 : 400, { ok: false, error: { code: 'invalid_input', message: e.message, field: 'stripe-signature' } });
      }
      const out = errorEnvelope(e);
      if (out.error.code === 'error') log(`creditdeck web: webhook failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return sendEnvelope(res, out);
    }
  }

  const payments = opts.payments;
  const services = { ...(payments ? { payments } : {}), ...(opts.meterStatus ? { meterStatus: opts.meterStatus } : {}) };

  const handler: RequestListener = (req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    // Browsers that reached us over HTTPS keep to it for this host.
    if (scheme === 'https') res.setHeader('Strict-Transport-Security', 'max-age=31536000');
    void (async () => {
      if (!hostAllowed(req.headers.host, { host, port, allowed }) && !publicHostAllowed(req.headers.host, publicUrl)) {
        return sendJson(res, 403, { ok: false, error: { code: 'error', message: 'this host name is not allowed' } });
      }
      const raw = req.url ?? '/';
      if (!raw.startsWith('/')) return sendText(res, 400, 'Bad request.');
      const rawPath = raw.split(/[?#]/, 1)[0]!;
      // Provider-shaped reads (GET /api/usage, /v1/balances): the team host's, as the caller (vendor-routes.ts).
      const vendor = team ? vendorRoute(rawPath, raw) : null;
      if (team && vendor) return serveVendorRoute(req, res, vendor, { door: team, address: clientAddress(req), services, onCallError });
      if (rawPath.startsWith('/api/')) return serveApi(req, res, rawPath);
      if (rawPath === '/mcp' && team) return serveMcp(req, res, team);
      if (rawPath === FEED_PATH) return serveCalendarFeed(req, res, raw, { ctx, door: team, address: clientAddress(req), services, onCallError });
      if (rawPath === '/stripe/webhook') return serveWebhook(req, res);
      if (isPurchasePage(rawPath)) return servePurchasePage(req, res, rawPath, raw, { ctx, payments, log: (l) => log(l.replace(/^creditdeck:/, 'creditdeck web:')), back: WEB_BACK });
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return sendText(res, 405, 'Method not allowed.');
      }
      // The join page is the app's (its #invite=…&fp=… fragment never reaches the server, nor its logs).
      return serveStatic(req, res, rawPath === '/join' ? '/' : rawPath);
    })().catch((e: unknown) => {
      // The path only: a query may carry a secret (the calendar feed's token).
      log(`creditdeck web: ${req.method} ${(req.url ?? '').split('?', 1)[0]} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'error', message: 'internal error' } });
      else res.destroy();
    });
  };
  // The same handler either way; TLS 1.2 at least, and a handshake gets no more time than the headers would.
  const server: Server = opts.tls
    ? createHttpsServer({ ...serverOptions(limits), cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2', handshakeTimeout: limits.headersTimeoutMs }, handler)
    : createServer(serverOptions(limits), handler);

  applyLimits(server, limits);
  port = await listenOn(server, opts.port ?? 0, host);
  const urlHost = WILDCARD.has(host) ? '127.0.0.1' : hostnameForm(host);
  const url = `${scheme}://${urlHost}:${port}`;
  // Stripe sends the buyer back here.
  if (payments) payments.returnBase = publicUrl?.origin ?? url;
  let poller: ReturnType<typeof setInterval> | null = null;
  if (payments?.configured && opts.pollIntervalMs && opts.pollIntervalMs > 0) {
    let busy = false;
    poller = setInterval(() => {
      if (busy) return;
      busy = true;
      payments
        .poll(ctx)
        .catch((e: unknown) => log(`creditdeck web: checking pending purchases failed: ${(e as Error).message}`))
        .finally(() => (busy = false));
    }, opts.pollIntervalMs);
    poller.unref();
  }
  return {
    url,
    host,
    port,
    limits,
    close: () =>
      new Promise<void>((ok, fail) => {
        if (poller) clearInterval(poller);
        server.close((e) => (e ? fail(e) : ok()));
        server.closeAllConnections();
      }),
  };
}
