/**
 * One HTTPS request to a team host over a connection pinned to the host's
 * certificate fingerprint (connectPinned: a different certificate is refused
 * before a byte is sent). What a member's command line uses to reach the
 * host; bounded by a timeout so an unreachable host reads as offline.
 */
import { request } from 'node:http';
import { connectPinned } from './tls.js';

export interface PinnedRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface PinnedReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export async function requestPinned(base: string, fingerprint: string, o: PinnedRequest = {}, timeoutMs = 10_000): Promise<PinnedReply> {
  // A connection never made carries nothing to the host: said so (sent: false), unlike an answer lost after the request left.
  const socket = await connectPinned(base, fingerprint, timeoutMs).catch((e: unknown) => {
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), { sent: false });
  });
  const u = new URL(base);
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      socket.destroy();
      fail(new Error(`the team host at ${u.origin} did not answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    const req = request({ createConnection: () => socket, host: u.hostname, port: u.port, method: o.method ?? 'GET', path: o.path ?? '/', headers: o.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        socket.destroy();
        ok({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (e) => (clearTimeout(timer), fail(e)));
    });
    req.on('error', (e) => (clearTimeout(timer), fail(e)));
    req.end(o.body);
  });
}
