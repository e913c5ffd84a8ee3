/**
 * The one way the app opens a page in the system browser. Lint bans
 * shell.openExternal everywhere else (eslint.config.js): an unchecked URL
 * could start any program registered for a scheme (file:, smb:, custom apps).
 */
import type { ShellLike } from './electron-api.js';
import { guardUrl, type ConfirmHost } from '../core/purchases/opener.js';

/** The only sites the app sends the user to: Stripe's checkout, billing portal and receipts (a charge's receipt_url is on pay.stripe.com). */
export const EXTERNAL_HOSTS: readonly string[] = ['checkout.stripe.com', 'buy.stripe.com', 'billing.stripe.com', 'pay.stripe.com'];

/**
 * The normalised URL when it is https, on the default port, without
 * credentials or the characters the guard refuses, on an allowed host
 * (EXTERNAL_HOSTS, plus `extraHosts`: the hosts of the packs' own purchase
 * links); otherwise null.
 */
export function allowedExternalUrl(url: unknown, extraHosts: readonly string[] = []): string | null {
  // One guard for every opener (the CLI's and the web host's too): main/core/purchases/opener.ts.
  return guardUrl(url, [...EXTERNAL_HOSTS, ...extraHosts]);
}

/**
 * Open an allowed URL in the system browser; anything else is refused
 * (false) and never reaches the shell. A host outside EXTERNAL_HOSTS (a
 * pack's link, from ledger data) opens only once `confirm` says yes.
 */
export async function safeOpenExternal(url: string, shell: ShellLike, extraHosts: readonly string[] = [], confirm?: ConfirmHost): Promise<boolean> {
  const href = allowedExternalUrl(url, extraHosts);
  if (href === null) return false;
  const host = new URL(href).hostname;
  if (!EXTERNAL_HOSTS.includes(host) && (!confirm || (await confirm(host)) !== true)) return false;
  await shell.openExternal(href);
  return true;
}
