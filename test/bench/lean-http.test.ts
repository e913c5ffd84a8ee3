/**
 * The bench's lean HTTP/1.1 client (scripts/bench/lean-http.ts) against Node's
 * own servers on 127.0.0.1: it reads each answer by its Content-Length, opens
 * a new connection after `Connection: close` only once the old one is gone
 * (a host at its connection limit turns a new one away), sends again on a
 * connection the host dropped while it was idle, and over TLS trusts only the
 * pinned certificate.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { LeanConnection } from '../../scripts/bench/lean-http.js';
import { fingerprint, generateCertificate, normalizeFingerprint } from '../../main/web/tls.js';

const servers: Server[] = [];
const conns: LeanConnection[] = [];

afterEach(async () => {
  for (const c of conns.splice(0)) c.destroy();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((ok) => s.close(ok));
  }
});

/** Echoes the body's `n` back with the status it asks for; counts connections and keeps them. */
function handler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { n: number; status?: number };
    const text = JSON.stringify({ n: body.n, auth: req.headers.authorization ?? null, pad: 'é'.repeat(body.n % 5) });
    res.writeHead(body.status ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
}

async function listen(s: Server): Promise<{ url: URL; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  s.on('connection', (c: Socket) => sockets.push(c));
  servers.push(s);
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as AddressInfo;
  // The scheme is the connection's `tls` option's to decide: the URL gives the host and port.
  return { url: new URL(`http://127.0.0.1:${port}`), sockets };
}

function lean(url: URL, tls: ConstructorParameters<typeof LeanConnection>[0]['tls'] = null): LeanConnection {
  const c = new LeanConnection({ url, tls });
  conns.push(c);
  return c;
}

describe('the bench’s lean HTTP client', () => {
  test('answers in order on one kept-alive connection, bodies read whole (multi-byte text too), headers sent', async () => {
    const { url, sockets } = await listen(createServer(handler));
    const c = lean(url);
    for (let n = 0; n < 20; n++) {
      const a = await c.post('/x', JSON.stringify({ n }), 'Authorization: Bearer t0k\r\n');
      expect(a.status).toBe(200);
      expect(JSON.parse(a.body)).toEqual({ n, auth: 'Bearer t0k', pad: 'é'.repeat(n % 5) });
    }
    expect((await c.post('/x', JSON.stringify({ n: 1, status: 400 }), '')).status).toBe(400);
    expect(sockets).toHaveLength(1);
  });

  test('after Connection: close a new connection carries on, and a host at its limit of one connection still answers every request', async () => {
    const s = createServer(handler);
    s.maxConnections = 1;
    s.maxRequestsPerSocket = 2;
    const { url, sockets } = await listen(s);
    const c = lean(url);
    for (let n = 0; n < 9; n++) expect(JSON.parse((await c.post('/x', JSON.stringify({ n }), '')).body)).toMatchObject({ n });
    expect(sockets).toHaveLength(5);
  });

  test('a connection the host dropped while idle is opened again and the request sent again', async () => {
    const { url, sockets } = await listen(createServer(handler));
    const c = lean(url);
    expect((await c.post('/x', JSON.stringify({ n: 1 }), '')).status).toBe(200);
    sockets[0]!.destroy();
    expect(JSON.parse((await c.post('/x', JSON.stringify({ n: 2 }), '')).body)).toMatchObject({ n: 2 });
    expect(sockets).toHaveLength(2);
  });

  test('over TLS: the pinned certificate is trusted, any other refused', async () => {
    const { cert, key } = await generateCertificate(['127.0.0.1']);
    const { url } = await listen(createHttpsServer({ cert, key }, handler));
    const pin = normalizeFingerprint(fingerprint(cert));
    const good = lean(url, { ca: cert, pin, normalize: normalizeFingerprint });
    expect(JSON.parse((await good.post('/x', JSON.stringify({ n: 3 }), '')).body)).toMatchObject({ n: 3 });
    const other = await generateCertificate(['127.0.0.1']);
    const bad = lean(url, { ca: cert, pin: normalizeFingerprint(fingerprint(other.cert)), normalize: normalizeFingerprint });
    await expect(bad.post('/x', JSON.stringify({ n: 4 }), '')).rejects.toThrow(/is not the pinned/);
  });
});
