/**
 * The ceiling for the `team` bench section (team.ts starts it as a process of
 * its own, bundled as the host is): a Node HTTP server — HTTPS with the team
 * host's own certificate and key for BENCH_HOST_KIND=team — with the host's
 * server options and limits, that does what every call costs before any
 * ledger work and nothing after: reads the body, parses its JSON, asks for a
 * bearer token (for the team kind; present, not verified), and answers with
 * the same answer every time (BENCH_EMPTY_ANSWER, a real `usage.record`
 * answer). What the same clients reach against it is the most any host could
 * reach over Node's HTTP on this machine, clients included.
 *
 * Prints one JSON line ({url}) once listening; stops when its stdin closes.
 */
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { certificatePaths } from '../../main/web/tls.js';
import { applyLimits, DEFAULT_LIMITS, serverOptions } from '../../main/web/limits.js';

const dir = process.env.BENCH_TEAM_DIR;
if (!dir) throw new Error('BENCH_TEAM_DIR is required');
const team = process.env.BENCH_HOST_KIND !== 'web';
const answer = process.env.BENCH_EMPTY_ANSWER ?? '{"ok":true}';

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let ok = !team || /^Bearer ./.test(req.headers.authorization ?? '');
    try {
      if (ok) ok = JSON.parse(Buffer.concat(chunks).toString('utf8')) !== null;
    } catch {
      ok = false;
    }
    const body = ok ? answer : '{"ok":false}';
    res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}

const { certPath, keyPath } = certificatePaths(join(dir, 'host.sqlite'));
// The host's own server options and limits (timeouts, keep-alive, requests per connection, TLS 1.2 at least).
const options = serverOptions(DEFAULT_LIMITS);
const server = team ? createHttps({ ...options, cert: readFileSync(certPath), key: readFileSync(keyPath), minVersion: 'TLSv1.2' }, handle) : createHttp(options, handle);
applyLimits(server, DEFAULT_LIMITS);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(JSON.stringify({ url: `${team ? 'https' : 'http'}://127.0.0.1:${port}` }) + '\n');
});
process.stdin.on('end', () => {
  server.close();
  server.closeAllConnections();
});
process.stdin.resume();
