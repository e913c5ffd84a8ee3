/**
 * The pages a buyer's browser lands on when Stripe Checkout sends it back
 * (success_url / cancel_url). Both the web host and the desktop app's return
 * listener answer them: verify with Stripe, then a small HTML page with no
 * scripts. Only the "back" link differs (the web app's page, or the
 * creditdeck:// deep link that brings the desktop window forward).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ctx } from '../core/ledger/context.js';
import type { Payments } from '../core/purchases/service.js';
import { PaymentError } from '../core/purchases/stripe.js';
import type { PurchaseView } from '../core/purchases/store.js';
import { errorEnvelope } from './dispatch.js';

export const RETURN_PATH = '/purchases/return';
export const CANCEL_PATH = '/purchases/cancel';

export const isPurchasePage = (path: string): boolean => path === RETURN_PATH || path === CANCEL_PATH;

const escapeHtml = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function sendText(res: ServerResponse, status: number, text: string, head = false): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

/** The page itself: no scripts, styles inline (the CSP allows them). */
export function purchaseHtml(title: string, text: string, back: { href: string; label: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — Creditdeck</title><meta name="viewport" content="width=device-width"></head>
<body style="font:16px system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em"><h1 style="font-size:1.4em">${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p><p><a href="${escapeHtml(back.href)}">${escapeHtml(back.label)}</a></p></body></html>`;
}

export function purchasePage(v: PurchaseView): [string, string] {
  switch (v.status) {
    case 'paid':
      return ['Payment received', `${v.credits} ${v.pool === 'credits' ? '' : `${v.pool} `}credits were added to ${v.account} (${v.packName}). You can close this tab.`];
    case 'refunded':
      return ['Refunded', `${v.packName} for ${v.account} was refunded.`];
    case 'expired':
      return ['Checkout closed', `Nothing was charged for ${v.packName}. ${v.message ?? ''}`.trim()];
    case 'failed':
      return ['Payment not completed', `${v.message ?? 'The payment did not go through.'}`];
    default:
      return ['Payment not confirmed yet', `Stripe has not confirmed the payment for ${v.packName} yet. Creditdeck keeps checking and adds the credits once it is paid.`];
  }
}

export interface PurchasePageDeps {
  ctx: Ctx;
  payments: Payments | undefined;
  log: (line: string) => void;
  /** Where the page's link leads: the web app's Purchases page, or the desktop app's deep link. */
  back: { href: string; label: string };
  /** Told of every purchase a page verified (the desktop app brings its window forward). */
  onVerified?: (view: PurchaseView) => void;
}

/** Answer GET RETURN_PATH?session_id=… or CANCEL_PATH?purchase=…: verify with Stripe, then the page. */
export async function servePurchasePage(req: IncomingMessage, res: ServerResponse, path: string, rawUrl: string, deps: PurchasePageDeps): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendText(res, 405, 'Method not allowed.');
  }
  const send = (status: number, title: string, text: string) => {
    const html = purchaseHtml(title, text, deps.back);
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(html) });
    res.end(req.method === 'HEAD' ? undefined : html);
  };
  const { payments, ctx } = deps;
  if (!payments?.configured) return send(503, 'Stripe is not set up', 'This Creditdeck host has no Stripe key, so it cannot check the payment. The app checks it once Stripe is set up.');
  const q = new URL(rawUrl, 'http://x').searchParams;
  let view: PurchaseView;
  try {
    view = path === RETURN_PATH ? await payments.verifySession(ctx, q.get('session_id') ?? '', 'return') : await payments.cancel(ctx, q.get('purchase') ?? '');
  } catch (e) {
    const out = errorEnvelope(e);
    if (out.error.code === 'error' && !(e instanceof PaymentError)) deps.log(`creditdeck: ${path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return send(out.error.code === 'invalid_input' ? 400 : 502, 'Could not check the payment', `${out.error.message}. Creditdeck keeps checking while the purchase is pending.`);
  }
  deps.onVerified?.(view);
  const [title, text] = purchasePage(view);
  return send(200, title, text);
}
