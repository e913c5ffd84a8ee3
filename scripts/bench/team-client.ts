/**
 * One client of the team (or web) host for the `team` bench section: its own
 * keep-alive connection (over HTTPS the host's certificate pinned:
 * `ca` is its PEM and checkServerIdentity compares the SHA-256 fingerprint the
 * host printed) and its own device token. Used by team.ts in its own process
 * and by team-clients.ts, the client processes.
 *
 * The requests go out through lean-http.ts, a minimal keep-alive client, so
 * that the clients leave the two cores to the host; BENCH_CLIENT=node sends
 * them through Node's https.request (one keep-alive agent each) instead, to
 * compare.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent, request } from 'node:https';
import type { PeerCertificate } from 'node:tls';
import { normalizeFingerprint } from '../../main/web/tls.js';
import { LeanConnection } from './lean-http.js';

export interface HostInfo {
  url: string;
  fingerprint: string;
  certPem: string;
  tokens: string[];
}

export const ACTION = { account: 'lux-pro', action: 'email', quantity: 1 };

if (process.env.BENCH_CLIENT !== undefined && process.env.BENCH_CLIENT !== 'node' && process.env.BENCH_CLIENT !== 'lean') throw new Error(`BENCH_CLIENT must be lean or node (got ${process.env.BENCH_CLIENT})`);
/** How the clients send (BENCH_CLIENT): lean-http.ts, or Node's https.request to compare. */
export const CLIENT_KIND: 'lean' | 'node' = process.env.BENCH_CLIENT === 'node' ? 'node' : 'lean';

export interface Client {
  /** POST a JSON body (to usage.record unless `path` says otherwise); rejects unless the host answered 200. */
  send(body: string, path?: string): Promise<void>;
  /** Close the client's connection. */
  close(): void;
}

export function client(info: HostInfo, token: string | null): Client {
  return CLIENT_KIND === 'node' ? nodeClient(info, token) : leanClient(info, token);
}

function leanClient(info: HostInfo, token: string | null): Client {
  const pin = token === null ? '' : normalizeFingerprint(info.fingerprint);
  const conn = new LeanConnection({ url: new URL(info.url), tls: token === null ? null : { ca: info.certPem, pin, normalize: normalizeFingerprint } });
  const auth = token === null ? '' : `Authorization: Bearer ${token}\r\n`;
  return {
    async send(body, path = '/api/usage.record') {
      const a = await conn.post(path, body, auth);
      if (a.status !== 200) throw new Error(`${path} answered ${a.status}: ${a.body.slice(0, 300)}`);
    },
    close: () => conn.destroy(),
  };
}

function nodeClient(info: HostInfo, token: string | null): Client {
  const web = token === null;
  const pin = web ? '' : normalizeFingerprint(info.fingerprint);
  const agent = web
    ? new HttpAgent({ keepAlive: true, maxSockets: 1 })
    : new Agent({
        keepAlive: true,
        maxSockets: 1,
        ca: info.certPem,
        // The pin is the trust: the fingerprint the host printed, whatever the name.
        checkServerIdentity: (_host: string, cert: PeerCertificate) =>
          normalizeFingerprint(cert.fingerprint256 ?? '') === pin ? undefined : new Error(`certificate fingerprint ${cert.fingerprint256} is not the pinned ${pin}`),
      });
  const u = new URL(info.url);
  const send = (body: string, path = '/api/usage.record'): Promise<void> =>
    once(body, path).catch((e: NodeJS.ErrnoException & { reused?: boolean }) => {
      // A kept-alive connection the host closed while this client waited (its keep-alive timeout, during a baseline run) fails at once: send again on a new one, as Node's docs advise.
      if (e.reused && e.code === 'ECONNRESET') return once(body, path);
      throw e;
    });
  const once = (body: string, path: string) =>
    new Promise<void>((ok, fail) => {
      const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(token ? { authorization: `Bearer ${token}` } : {}) };
      const done = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? ok() : fail(new Error(`${path} answered ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`))));
        res.on('error', fail);
      };
      const o = { host: u.hostname, port: u.port, method: 'POST', path, headers };
      const req = web ? httpRequest({ ...o, agent: agent as HttpAgent }, done) : request({ ...o, agent: agent as Agent }, done);
      req.on('error', (e) => fail(Object.assign(e, { reused: req.reusedSocket })));
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/** Each client sends its share of `usage.record` one request at a time; the latencies, unsorted. */
export async function sendShares(clients: Client[], shares: number[], keyOf: (k: number, i: number) => string): Promise<number[]> {
  const lat: number[] = [];
  await Promise.all(
    clients.map(async (c, k) => {
      for (let i = 0; i < shares[k]!; i++) {
        const body = JSON.stringify({ ...ACTION, key: keyOf(k, i) });
        const s = performance.now();
        await c.send(body);
        lat.push(performance.now() - s);
      }
    }),
  );
  return lat;
}
