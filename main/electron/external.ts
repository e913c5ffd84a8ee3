/**
 * The one way the app opens a page in the system browser. Lint bans
 * shell.openExternal everywhere else (eslint.config.js): an unchecked URL
 * could start any program registered for a scheme (file:, smb:, custom apps).
 */
import type { ShellLike } from './electron-api.js';
import { guardUrl } from '../core/purchases/setup.js';

/** The only sites the app sends the user to: Stripe's checkout, billing portal and receipts (a charge's receipt_url is on pay.stripe.com). */
export const EXTERNAL_HOSTS: readonly string[] = ['checkout.stripe.com', 'buy.stripe.com', 'billing.stripe.com', 'pay.stripe.com'];

/**
 * The normalised URL when it is https, on the default port, without
 * credentials, on an allowed host (EXTERNAL_HOSTS, plus `extraHosts`: the
 * hosts of the packs' own purchase links); otherwise null.
 */
export function allowedExternalUrl(url: unknown, extraHosts: readonly string[] = []): string | null {
  // One guard for every opener (the CLI's and the web host's too): main/core/purchases/setup.ts.
  return guardUrl(url, [...EXTERNAL_HOSTS, ...extraHosts]);
}

/** Open an allowed URL in the system browser; anything else is refused (false) and never reaches the shell. */
export async function safeOpenExternal(url: string, shell: ShellLike, extraHosts: readonly string[] = []): Promise<boolean> {
  const href = allowedExternalUrl(url, extraHosts);
  if (href === null) return false;
  await shell.openExternal(href);
  return true;
}
