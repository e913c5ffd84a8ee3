/**
 * Building the payments service for the CLI and the web host, and the
 * Stripe client for every host: the keys (the environment's, taken at
 * start-up, or the key file), the testing hook CREDITDECK_STRIPE_API, and
 * the guarded system-browser opener (opener.ts).
 */
import type { Ctx } from '../ledger/context.js';
import { listAccounts } from '../ledger/accounts.js';
import { confirmingOpener, STRIPE_HOSTS, systemOpener, type ConfirmHost } from './opener.js';
import { loadSecretsFromEnv, type EnvKeys, type LoadedSecrets } from './secrets.js';
import { Payments, type Opener } from './service.js';
import { createStripeGateway, PaymentError, type StripeGateway } from './stripe.js';

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

/** CREDITDECK_STRIPE_API as set; whether it may be used is stripeClient's decision. */
export function stripeApiBase(env: NodeJS.ProcessEnv): string | undefined {
  const v = env.CREDITDECK_STRIPE_API;
  return v && v.length > 0 ? v : undefined;
}

export interface StripeClient {
  gateway: StripeGateway | null;
  /** Why there is no client. */
  missing: string | null;
  /** The fake API's origin when the testing hook is in use: its checkout pages may be opened. */
  testOrigins: string[];
}

/**
 * The Stripe client for a set of keys. CREDITDECK_STRIPE_API, a testing
 * hook, is refused in a packaged app here, and off loopback or with a live
 * key by createStripeGateway: then there is no client, `missing` says why,
 * and nothing is sent anywhere.
 */
export function stripeClient(
  keys: LoadedSecrets,
  env: NodeJS.ProcessEnv,
  opts: { packaged?: boolean; sleep?: (ms: number) => Promise<void>; retryDelayMs?: number } = {},
): StripeClient {
  if (!keys.secrets) return { gateway: null, missing: keys.missing, testOrigins: [] };
  const apiBase = stripeApiBase(env);
  if (apiBase && opts.packaged) return { gateway: null, missing: 'CREDITDECK_STRIPE_API is a testing hook and is refused in the packaged app; nothing was sent — unset it', testOrigins: [] };
  try {
    const gateway = createStripeGateway({
      secretKey: keys.secrets.secretKey,
      webhookSecret: keys.secrets.webhookSecret,
      ...(apiBase ? { apiBase } : {}),
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}),
    });
    return { gateway, missing: null, testOrigins: apiBase ? [new URL(apiBase).origin] : [] };
  } catch (e) {
    if (e instanceof PaymentError) return { gateway: null, missing: e.message, testOrigins: [] };
    throw e;
  }
}

export interface PaymentsSetup {
  payments: Payments;
  loaded: LoadedSecrets;
}

export interface PaymentsFromEnvOptions {
  /** What takeStripeEnv took at start-up (default: read from `env`). */
  envKeys?: EnvKeys;
  /** Replaces the system-browser opener; a host that is not Stripe's still needs `confirmHost`. */
  openUrl?: Opener;
  /** Asked before a pack's link to a host that is not Stripe's is opened; default: never opened. */
  confirmHost?: ConfirmHost;
  warn?: (line: string) => void;
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  retryDelayMs?: number;
  loaded?: LoadedSecrets;
}

/** The payments service for the CLI and the web host, from the environment. Warnings (a key file others can read) go to `warn`. */
export function paymentsFromEnv(ctx: Ctx, env: NodeJS.ProcessEnv, opts: PaymentsFromEnvOptions = {}): PaymentsSetup {
  const loaded = opts.loaded ?? loadSecretsFromEnv(env, process.platform, opts.envKeys);
  for (const w of loaded.warnings) opts.warn?.(`warning: ${w}`);
  const client = stripeClient(loaded, env, { ...(opts.sleep ? { sleep: opts.sleep } : {}), ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}) });
  const { testOrigins } = client;
  const open = opts.openUrl ?? systemOpener({ hosts: () => [...STRIPE_HOSTS, ...packLinkHosts(ctx)], testOrigins });
  const openUrl = confirmingOpener(open, [...STRIPE_HOSTS, ...testOrigins], opts.confirmHost ?? (() => false));
  const payments = new Payments({
    gateway: client.gateway,
    missing: client.missing,
    openUrl,
    ...(env.CREDITDECK_RETURN_URL ? { returnBase: env.CREDITDECK_RETURN_URL } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  return { payments, loaded };
}
