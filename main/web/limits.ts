/**
 * How much a client may hold of the web host: time to send headers and a
 * whole request, idle and keep-alive time, connections, requests per
 * connection, and how often the calls that write a whole copy of the ledger
 * to disk (data.backup, data.export) may run over HTTP. docs/web.md lists
 * the values.
 */
import type { Server, ServerOptions } from 'node:http';

export interface WebLimits {
  /** The request line and headers must arrive within this (ms); else 408 and the connection closes. */
  headersTimeoutMs: number;
  /** The whole request, body included (ms); else 408. Not below headersTimeoutMs (Node refuses that). */
  requestTimeoutMs: number;
  /** A connection with no traffic either way this long is closed (ms); covers a client that stops reading. */
  idleTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (ms). */
  keepAliveTimeoutMs: number;
  /** Requests on one connection; the last answer says Connection: close. */
  maxRequestsPerSocket: number;
  /** Open connections at once; a connection beyond it is closed at once, unanswered. */
  maxConnections: number;
  /** How often Node checks the header and request timeouts (ms). */
  checkIntervalMs: number;
  /** data.backup plus data.export over HTTP in any hour; more is 429. */
  copiesPerHour: number;
}

export const DEFAULT_LIMITS: Readonly<WebLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Long enough for a backup of a large ledger, which answers only when done.
  idleTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 1_000,
  maxConnections: 64,
  checkIntervalMs: 1_000,
  copiesPerHour: 10,
};

export function limitsWith(overrides: Partial<WebLimits> = {}): WebLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

/** createServer's options for these limits (the timeouts Node checks itself). */
export function serverOptions(l: WebLimits): ServerOptions {
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    connectionsCheckingInterval: l.checkIntervalMs,
  };
}

/** The limits a server can only take once made. */
export function applyLimits(server: Server, l: WebLimits): void {
  server.maxConnections = l.maxConnections;
  server.maxRequestsPerSocket = l.maxRequestsPerSocket;
  server.keepAliveTimeout = l.keepAliveTimeoutMs;
  // No 'timeout' listener: Node destroys the idle socket.
  server.setTimeout(l.idleTimeoutMs);
}

/** At most `limit` uses in any hour-long window, by the given clock. */
export class HourlyQuota {
  private readonly used: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {}

  /** Take one use; null when allowed, else the seconds until one frees up. */
  take(): number | null {
    const t = this.now();
    while (this.used.length > 0 && this.used[0]! <= t - HOUR_MS) this.used.shift();
    if (this.used.length >= this.limit) return Math.max(1, Math.ceil((this.used[0]! + HOUR_MS - t) / 1000));
    this.used.push(t);
    return null;
  }
}

const HOUR_MS = 3_600_000;
