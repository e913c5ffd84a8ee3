/**
 * Where the CLI and the web host find the Stripe keys: the environment
 * (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET), else a JSON file readable by
 * its owner only (CREDITDECK_STRIPE_KEYS, default stripe-keys.json in the app's
 * data folder). The desktop app keeps them under Electron's safeStorage
 * instead (main/electron/secrets.ts). The keys are never printed, logged,
 * exported or handed to a renderer.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appDataDir } from '../api/open.js';

export interface StripeSecrets {
  secretKey: string;
  webhookSecret: string | null;
}

export interface LoadedSecrets {
  secrets: StripeSecrets | null;
  /** Where they came from. */
  source: 'env' | 'file' | 'safeStorage' | null;
  /** Why there are none, when there are none. */
  missing: string | null;
  warnings: string[];
}

export const KEY_FILE = 'stripe-keys.json';

export function keyFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CREDITDECK_STRIPE_KEYS && env.CREDITDECK_STRIPE_KEYS.length > 0 ? env.CREDITDECK_STRIPE_KEYS : join(appDataDir(env), KEY_FILE);
}

/** A secret or restricted key (sk_… / rk_…); publishable keys cannot create sessions. */
export function checkSecretKey(key: unknown): string | null {
  if (typeof key !== 'string' || !/^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/.test(key.trim())) return 'the Stripe key must be a secret key (sk_test_… / sk_live_…) or a restricted key (rk_…)';
  return null;
}

export function checkWebhookSecret(s: unknown): string | null {
  if (typeof s !== 'string' || !/^whsec_[A-Za-z0-9+/=_-]{8,}$/.test(s.trim())) return 'the webhook signing secret must start with whsec_';
  return null;
}

/** Validates a pair; the messages name the field, never the value. */
export function parseSecrets(raw: { secretKey?: unknown; webhookSecret?: unknown }, where: string): { secrets: StripeSecrets | null; warnings: string[] } {
  const warnings: string[] = [];
  const bad = checkSecretKey(raw.secretKey);
  if (bad) return { secrets: null, warnings: [`${where}: ${bad}`] };
  let webhookSecret: string | null = null;
  if (raw.webhookSecret !== undefined && raw.webhookSecret !== null && raw.webhookSecret !== '') {
    const w = checkWebhookSecret(raw.webhookSecret);
    if (w) warnings.push(`${where}: ${w}; webhooks are refused until it is fixed`);
    else webhookSecret = String(raw.webhookSecret).trim();
  }
  return { secrets: { secretKey: String(raw.secretKey).trim(), webhookSecret }, warnings };
}

/** STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET as read from an environment. */
export interface EnvKeys {
  secretKey?: string;
  webhookSecret?: string;
}

const STRIPE_ENV = ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const;

/**
 * Read the Stripe variables once, at start-up, and delete them from `env`
 * (process.env in the CLI, the web host and the app): every child process
 * (the browser opener, whatever the browser starts) inherits the
 * environment, and none of them needs the keys.
 */
export function takeStripeEnv(env: NodeJS.ProcessEnv): EnvKeys {
  const keys: EnvKeys = {};
  if (env.STRIPE_SECRET_KEY) keys.secretKey = env.STRIPE_SECRET_KEY;
  if (env.STRIPE_WEBHOOK_SECRET) keys.webhookSecret = env.STRIPE_WEBHOOK_SECRET;
  for (const name of STRIPE_ENV) delete env[name];
  return keys;
}

/** The keys: `keys` (what takeStripeEnv took; default: read from `env`), else the key file. */
export function loadSecretsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  keys: EnvKeys = { secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET },
): LoadedSecrets {
  if (keys.secretKey) {
    const { secrets, warnings } = parseSecrets({ secretKey: keys.secretKey, webhookSecret: keys.webhookSecret }, 'STRIPE_SECRET_KEY');
    return { secrets, source: secrets ? 'env' : null, missing: secrets ? null : warnings[0]!, warnings: secrets ? warnings : [] };
  }
  const file = keyFilePath(env);
  if (!existsSync(file)) {
    return { secrets: null, source: null, missing: `Stripe is not set up: set STRIPE_SECRET_KEY (a restricted key is enough) or write ${file} ({"secretKey": "rk_…", "webhookSecret": "whsec_…"}, mode 600)`, warnings: [] };
  }
  const warnings: string[] = [];
  if (platform !== 'win32') {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) warnings.push(`${file} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Never echo the file: it holds the key.
    return { secrets: null, source: null, missing: `${file} is not valid JSON ({"secretKey": "…", "webhookSecret": "…"})`, warnings };
  }
  if (typeof raw !== 'object' || raw === null) return { secrets: null, source: null, missing: `${file} must hold a JSON object`, warnings };
  const parsed = parseSecrets(raw as Record<string, unknown>, file);
  return { secrets: parsed.secrets, source: parsed.secrets ? 'file' : null, missing: parsed.secrets ? null : parsed.warnings[0]!, warnings: [...warnings, ...(parsed.secrets ? parsed.warnings : [])] };
}
