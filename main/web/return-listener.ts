/**
 * Where Stripe Checkout sends a desktop buyer back. Checkout accepts only
 * http(s) success URLs, so the app listens on 127.0.0.1 (a free port) for
 * the two return pages and nothing else: the page verifies the session at
 * once, and its link (creditdeck://purchases) brings the window forward.
 * Polling settles the purchase as well, so a closed listener loses nothing.
 */
import { createServer } from 'node:http';
import type { Ctx } from '../core/ledger/context.js';
import type { Payments } from '../core/purchases/service.js';
import type { PurchaseView } from '../core/purchases/store.js';
import { isPurchasePage, sendText, servePurchasePage } from './purchase-pages.js';
import { SECURITY_HEADERS } from './security.js';
import { hostAllowed, listenOn } from './server.js';
import { applyLimits, DEFAULT_LIMITS, serverOptions } from './limits.js';

export interface ReturnListener {
  /** The return base for Checkout's success and cancel URLs. */
  url: string;
  close(): Promise<void>;
}

export interface ReturnListenerOptions {
  ctx: Ctx;
  payments: Payments;
  /** The page's link back into the app. */
  back: { href: string; label: string };
  onVerified?: (view: PurchaseView) => void;
  log: (line: string) => void;
  /** Default 0: a free port. */
  port?: number;
}

export async function startReturnListener(opts: ReturnListenerOptions): Promise<ReturnListener> {
  const host = '127.0.0.1';
  let port = 0;
  // The same timeouts and connection caps as the web host.
  const server = createServer(serverOptions(DEFAULT_LIMITS), (req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const raw = req.url ?? '/';
    const path = raw.split(/[?#]/, 1)[0]!;
    if (!hostAllowed(req.headers.host, { host, port, allowed: [] })) return sendText(res, 403, 'This host name is not allowed.');
    if (!raw.startsWith('/') || !isPurchasePage(path)) return sendText(res, 404, 'Not found.');
    servePurchasePage(req, res, path, raw, { ctx: opts.ctx, payments: opts.payments, log: opts.log, back: opts.back, ...(opts.onVerified ? { onVerified: opts.onVerified } : {}) }).catch((e: unknown) => {
      opts.log(`creditdeck: ${path} failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) sendText(res, 500, 'Internal error.');
      else res.destroy();
    });
  });
  applyLimits(server, DEFAULT_LIMITS);
  port = await listenOn(server, opts.port ?? 0, host);
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
