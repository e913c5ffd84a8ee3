/**
 * Building the payments service for the CLI and the web host: the keys
 * from the environment or the key file, the Stripe API address (the testing
 * hook CREDITDECK_STRIPE_API), and the guarded system-browser opener.
 */
import { spawn } from 'node:child_process';
import type { Ctx } from '../ledger/context.js';
import { listAccounts } from '../ledger/accounts.js';
import { loadSecretsFromEnv, type LoadedSecrets } from './secrets.js';
import { Payments, type Opener } from './service.js';
import { createStripeGateway } from './stripe.js';

/** Stripe's own pages the app may send a buyer to. */
export const STRIPE_HOSTS: readonly string[] = ['checkout.stripe.com', 'buy.stripe.com', 'billing.stripe.com'];

/**
 * The normalised URL when it may be opened: https on the default port, no
 * credentials, an allowed host; or http(s) on exactly one of `testOrigins`
 * (the fake Stripe API of the tests). Otherwise null.
 */
export function guardUrl(url: unknown, hosts: readonly string[], testOrigins: readonly string[] = []): string | null {
  if (typeof url !== 'string' || url.length > 2048) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.username !== '' || u.password !== '') return null;
  if (testOrigins.includes(u.origin)) return u.href;
  if (u.protocol !== 'https:' || u.port !== '') return null;
  return hosts.includes(u.hostname) ? u.href : null;
}

/** The hosts of every pack's own purchase link in the ledger's accounts. */
export function packLinkHosts(ctx: Ctx): string[] {
  const hosts = new Set<string>();
  for (const a of listAccounts(ctx)) {
    for (const p of a.provider.packs) {
      if (!p.url) continue;
      try {
        hosts.add(new URL(p.url).hostname);
      } catch {
        // the provider schema only admits https URLs; nothing to add
      }
    }
  }
  return [...hosts];
}

/** CREDITDECK_STRIPE_API: a testing hook pointing the SDK at a local fake Stripe API (http://127.0.0.1:PORT). */
export function stripeApiBase(env: NodeJS.ProcessEnv): string | undefined {
  const v = env.CREDITDECK_STRIPE_API;
  return v && v.length > 0 ? v : undefined;
}

export type Spawner = (command: string, args: string[]) => void;

const defaultSpawner: Spawner = (command, args) => {
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
};

/** The system browser through xdg-open / open / start, for a URL that passes the guard only. */
export function systemOpener(opts: { hosts: () => readonly string[]; testOrigins?: readonly string[]; platform?: NodeJS.Platform; spawner?: Spawner }): Opener {
  const platform = opts.platform ?? process.platform;
  const run = opts.spawner ?? defaultSpawner;
  return (url) => {
    const href = guardUrl(url, opts.hosts(), opts.testOrigins);
    if (href === null) return false;
    if (platform === 'darwin') run('open', [href]);
    else if (platform === 'win32') run('cmd', ['/c', 'start', '""', href.replace(/&/g, '^&')]);
    else run('xdg-open', [href]);
    return true;
  };
}

export interface PaymentsSetup {
  payments: Payments;
  loaded: LoadedSecrets;
}

/** The payments service for the CLI and the web host, from the environment. Warnings (a key file others can read) go to `warn`. */
export function paymentsFromEnv(
  ctx: Ctx,
  env: NodeJS.ProcessEnv,
  opts: { openUrl?: Opener; warn?: (line: string) => void; log?: (line: string) => void; sleep?: (ms: number) => Promise<void>; retryDelayMs?: number; loaded?: LoadedSecrets } = {},
): PaymentsSetup {
  const loaded = opts.loaded ?? loadSecretsFromEnv(env);
  for (const w of loaded.warnings) opts.warn?.(`warning: ${w}`);
  const apiBase = stripeApiBase(env);
  const gateway = loaded.secrets
    ? createStripeGateway({
        secretKey: loaded.secrets.secretKey,
        webhookSecret: loaded.secrets.webhookSecret,
        ...(apiBase ? { apiBase } : {}),
        ...(opts.sleep ? { sleep: opts.sleep } : {}),
        ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}),
      })
    : null;
  const testOrigins = apiBase ? [new URL(apiBase).origin] : [];
  const openUrl = opts.openUrl ?? systemOpener({ hosts: () => [...STRIPE_HOSTS, ...packLinkHosts(ctx)], testOrigins });
  const payments = new Payments({ gateway, missing: loaded.missing, openUrl, ...(env.CREDITDECK_RETURN_URL ? { returnBase: env.CREDITDECK_RETURN_URL } : {}), ...(opts.log ? { log: opts.log } : {}) });
  return { payments, loaded };
}
