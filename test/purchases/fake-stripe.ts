/**
 * A local fake of the few Stripe API endpoints purchases use, for the real
 * `stripe` SDK to talk to (host/port/protocol pointed here). Idempotency keys
 * replay the first answer, as Stripe does. Failure modes are queued per
 * request; every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeSession {
  id: string;
  object: 'checkout.session';
  mode: string;
  url: string | null;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid';
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  expires_at: number;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string;
}

export interface Recorded {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
}

/** What the next matching request gets instead of a normal answer. */
export type Failure = { status: number; type?: string; message?: string; code?: string } | 'drop';

export interface FakeStripe {
  url: string;
  port: number;
  sessions: Map<string, FakeSession>;
  refunds: { id: string; payment_intent: string; amount: number; metadata: Record<string, string> }[];
  requests: Recorded[];
  /** Queue failures for the next requests (in order). */
  fail(...f: Failure[]): void;
  /** The buyer pays: the session completes, paid. */
  complete(id: string): FakeSession;
  /** Stripe lets the session lapse. */
  expire(id: string): FakeSession;
  close(): Promise<void>;
}

function nested(params: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (k.startsWith(`${prefix}[`) && k.endsWith(']')) out[k.slice(prefix.length + 1, -1)] = v;
  return out;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const sessions = new Map<string, FakeSession>();
  const refunds: FakeStripe['refunds'] = [];
  const requests: Recorded[] = [];
  const failures: Failure[] = [];
  const replay = new Map<string, { status: number; body: unknown }>();
  const sockets = new Set<Socket>();
  let n = 0;
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': `req_${++n}` });
    res.end(text);
  };
  const error = (status: number, type: string, message: string, code?: string) => ({ status, body: { error: { type, message, ...(code ? { code } : {}) } } });

  function expanded(s: FakeSession, expand: string[]): unknown {
    if (!expand.includes('payment_intent.latest_charge') || !s.payment_intent) return s;
    return { ...s, payment_intent: { id: s.payment_intent, object: 'payment_intent', latest_charge: { id: `ch_${s.payment_intent.slice(3)}`, object: 'charge', receipt_url: `https://pay.stripe.com/receipts/${s.payment_intent}` } } };
  }

  function route(req: IncomingMessage, path: string, query: URLSearchParams, p: Record<string, string>): { status: number; body: unknown } {
    const auth = String(req.headers.authorization ?? '');
    if (!/^Bearer (sk|rk)_test_/.test(auth)) return error(401, 'invalid_request_error', `Invalid API Key provided: ${auth.slice(7, 15)}****`);
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/v1/checkout/sessions') {
      const id = `cs_test_${String(++n).padStart(4, '0')}fake`;
      const s: FakeSession = {
        id,
        object: 'checkout.session',
        mode: p.mode ?? '',
        url: `${base}/pay/${id}`,
        status: 'open',
        payment_status: 'unpaid',
        amount_total: Number(p['line_items[0][price_data][unit_amount]']) * Number(p['line_items[0][quantity]'] ?? 1),
        currency: p['line_items[0][price_data][currency]'] ?? '',
        client_reference_id: p.client_reference_id ?? null,
        metadata: nested(p, 'metadata'),
        expires_at: Number(p.expires_at ?? Math.floor(Date.now() / 1000) + 86400),
        payment_intent: null,
        success_url: p.success_url ?? '',
        cancel_url: p.cancel_url ?? '',
      };
      sessions.set(id, s);
      return { status: 200, body: s };
    }
    if (req.method === 'GET' && (m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path))) {
      const s = sessions.get(m[1]!);
      if (!s) return error(404, 'invalid_request_error', `No such checkout.session: '${m[1]}'`, 'resource_missing');
      return { status: 200, body: expanded(s, query.getAll('expand[]').concat(query.getAll('expand[0]'))) };
    }
    if (req.method === 'POST' && (m = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path))) {
      const s = sessions.get(m[1]!);
      if (!s) return error(404, 'invalid_request_error', `No such checkout.session: '${m[1]}'`, 'resource_missing');
      if (s.status !== 'open') return error(400, 'invalid_request_error', `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${s.status}".`);
      s.status = 'expired';
      s.url = null;
      return { status: 200, body: s };
    }
    if (req.method === 'POST' && path === '/v1/refunds') {
      const pi = p.payment_intent ?? '';
      const paid = [...sessions.values()].find((s) => s.payment_intent === pi);
      if (!paid) return error(400, 'invalid_request_error', `No such payment_intent: '${pi}'`, 'resource_missing');
      const amount = Number(p.amount ?? paid.amount_total);
      const already = refunds.filter((r) => r.payment_intent === pi).reduce((a, r) => a + r.amount, 0);
      if (amount + already > paid.amount_total) return error(400, 'invalid_request_error', `Refund amount ($${amount / 100}) is greater than unrefunded amount on charge`, 'amount_too_large');
      const r = { id: `re_${String(++n).padStart(4, '0')}`, object: 'refund', payment_intent: pi, amount, status: 'succeeded', metadata: nested(p, 'metadata') };
      refunds.push(r);
      return { status: 200, body: r };
    }
    return error(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${path})`);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      const params = Object.fromEntries(new URLSearchParams(body));
      requests.push({ method: req.method ?? '', path: u.pathname, query: u.search, headers: { ...req.headers }, params });
      const failure = failures.shift();
      if (failure === 'drop') {
        req.socket.destroy();
        return;
      }
      if (failure) {
        const type = failure.type ?? (failure.status === 429 ? 'rate_limit_error' : failure.status >= 500 ? 'api_error' : failure.status === 402 ? 'card_error' : 'invalid_request_error');
        return send(res, failure.status, { error: { type, message: failure.message ?? `fake failure ${failure.status}`, ...(failure.code ? { code: failure.code } : {}) } });
      }
      const key = req.headers['idempotency-key'];
      const k = typeof key === 'string' && req.method === 'POST' ? `${u.pathname} ${key}` : null;
      const prior = k ? replay.get(k) : undefined;
      const out = prior ?? route(req, u.pathname, u.searchParams, params);
      if (k && !prior) replay.set(k, out);
      send(res, out.status, out.body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  const get = (id: string) => {
    const s = sessions.get(id);
    if (!s) throw new Error(`no fake session ${id}`);
    return s;
  };
  return {
    url: base,
    port,
    sessions,
    refunds,
    requests,
    fail: (...f) => failures.push(...f),
    complete(id) {
      const s = get(id);
      s.status = 'complete';
      s.payment_status = 'paid';
      s.payment_intent = `pi_${id.slice(8)}`;
      s.url = null;
      return s;
    },
    expire(id) {
      const s = get(id);
      s.status = 'expired';
      s.url = null;
      return s;
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

/** A port where nothing listens: the SDK's requests fail to connect, as offline. */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}
