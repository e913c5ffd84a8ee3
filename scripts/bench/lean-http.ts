/**
 * A minimal HTTP/1.1 keep-alive client on one socket (plain TCP, or TLS with
 * the host's certificate pinned), for the `team` bench's load: each request
 * written as one string, each answer read by its Content-Length. The hosts
 * share this machine's two cores with their clients, and Node's
 * `https.request` spent more CPU a request (110–122 µs) than an empty Node
 * HTTPS server answering it (75–80 µs), so the bench measured its own clients
 * as much as the host; a load generator as lean as wrk's leaves the cores to
 * the host. Supports only what the hosts answer with: a status line, headers
 * with Content-Length, a body; `Connection: close` (the host's
 * maxRequestsPerSocket) opens a new socket for the next request.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';

export interface LeanTarget {
  url: URL;
  /** PEM of the host's certificate and the SHA-256 fingerprint to pin (normalised); null for plain HTTP. */
  tls: { ca: string; pin: string; normalize: (fp: string) => string } | null;
}

export interface Answer {
  status: number;
  body: string;
}

const HEAD_END = Buffer.from('\r\n\r\n');

export class LeanConnection {
  private socket: Socket | null = null;
  private opening: Promise<Socket> | null = null;
  private closing: Promise<void> | null = null;
  private chunks: Buffer[] = [];
  private waiting: { ok: (a: Answer) => void; fail: (e: Error) => void } | null = null;
  /** A request is on this socket's wire; its answer has not all arrived. */
  private got = 0;

  constructor(private readonly target: LeanTarget) {}

  /**
   * POST `body` (JSON) to `path`; one request at a time. A connection closed
   * before any byte of the answer came (a kept-alive one the host closed while
   * idle, or a new one it turned away at its connection limit) is opened again
   * and the request sent again, twice at most: nothing of it was read.
   */
  async post(path: string, body: string, headers: string): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(path, body, headers);
      } catch (e) {
        if (attempt === 2 || this.got > 0) throw e;
      }
    }
  }

  /** Close the socket (the bench's end). */
  destroy(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private async once(path: string, body: string, headers: string): Promise<Answer> {
    // The connection the host ended (Connection: close) is gone before the next opens: the host counts it until then.
    if (this.socket === null && this.closing !== null) await this.closing;
    this.closing = null;
    const socket = this.socket ?? (await this.open());
    this.chunks = [];
    this.got = 0;
    const answer = new Promise<Answer>((ok, fail) => (this.waiting = { ok, fail }));
    socket.write(`POST ${path} HTTP/1.1\r\nHost: ${this.target.url.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`);
    return answer;
  }

  private open(): Promise<Socket> {
    if (this.opening) return this.opening;
    const { url, tls } = this.target;
    const port = Number(url.port);
    this.opening = new Promise<Socket>((ok, fail) => {
      const s = tls
        ? tlsConnect({
            host: url.hostname,
            port,
            ca: tls.ca,
            checkServerIdentity: (_host: string, cert: PeerCertificate) =>
              tls.normalize(cert.fingerprint256 ?? '') === tls.pin ? undefined : new Error(`certificate fingerprint ${cert.fingerprint256} is not the pinned ${tls.pin}`),
          })
        : netConnect({ host: url.hostname, port });
      s.setNoDelay(true);
      let connected = false;
      s.once(tls ? 'secureConnect' : 'connect', () => {
        connected = true;
        this.socket = s;
        this.opening = null;
        ok(s);
      });
      s.on('data', (c: Buffer) => (this.socket === s ? this.data(c) : undefined));
      // Only the socket in use fails the request waiting: one ended after `Connection: close` may report its close later.
      const lost = (e: Error) => {
        if (!connected) {
          this.opening = null;
          fail(e);
        } else if (this.socket === s) {
          this.socket = null;
          this.settle(e);
        }
      };
      s.on('error', lost);
      s.on('close', () => lost(new Error('the host closed the connection before it answered')));
    });
    return this.opening;
  }

  private settle(e: Error): void {
    const w = this.waiting;
    this.waiting = null;
    w?.fail(e);
  }

  private data(c: Buffer): void {
    this.chunks.push(c);
    this.got += c.length;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [all];
    const end = all.indexOf(HEAD_END);
    if (end < 0) return;
    const head = all.subarray(0, end).toString('latin1');
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.settle(new Error(`an answer without Content-Length: ${head.slice(0, 200)}`));
      this.destroy();
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (all.length < total) return;
    const status = Number(head.slice(9, 12));
    const body = all.subarray(end + 4, total).toString('utf8');
    this.chunks = [];
    const s = this.socket;
    if (s !== null && /\r\nconnection: *close/i.test(head)) {
      this.closing = new Promise((ok) => s.once('close', () => ok()));
      s.end();
      this.socket = null;
    }
    const w = this.waiting;
    this.waiting = null;
    w?.ok({ status, body });
  }
}
