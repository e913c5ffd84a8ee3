/**
 * The Stripe keys in the desktop app: encrypted with Electron's safeStorage
 * (the OS keychain, DPAPI or libsecret) in userData/stripe-keys.bin, mode
 * 600. They are decrypted only in the main process, for the Stripe client;
 * never sent to the window, logged, or put in an error message or export.
 * Where safeStorage cannot encrypt, nothing is stored (no plain-text
 * fallback) and the environment (STRIPE_SECRET_KEY) is the way.
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSecrets, type LoadedSecrets, type StripeSecrets } from '../core/purchases/secrets.js';
import type { SafeStorageLike } from './electron-api.js';

export const SECRETS_FILE = 'stripe-keys.bin';

export class SecretsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsError';
  }
}

export function secretsPath(userData: string): string {
  return join(userData, SECRETS_FILE);
}

/** Encrypt and store the keys (validated first; messages never contain them). */
export function saveStripeSecrets(safeStorage: SafeStorageLike, userData: string, input: { secretKey: unknown; webhookSecret?: unknown }): void {
  const { secrets, warnings } = parseSecrets(input, 'Stripe keys');
  if (!secrets) throw new SecretsError(warnings[0] ?? 'the Stripe keys are not valid');
  if (warnings.length) throw new SecretsError(warnings[0]!);
  if (!safeStorage.isEncryptionAvailable()) throw new SecretsError('this system offers no encrypted storage to Creditdeck, so the Stripe keys were not saved; set STRIPE_SECRET_KEY in the environment instead');
  const file = secretsPath(userData);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, safeStorage.encryptString(JSON.stringify(secrets)), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function clearStripeSecrets(userData: string): void {
  rmSync(secretsPath(userData), { force: true });
}

/** The stored keys; the environment (STRIPE_SECRET_KEY) wins when set, as for the CLI. */
export function loadStripeSecrets(safeStorage: SafeStorageLike | undefined, userData: string, fromEnv: () => LoadedSecrets): LoadedSecrets {
  const env = fromEnv();
  if (env.source === 'env') return env;
  const file = secretsPath(userData);
  if (!safeStorage || !existsSync(file)) return env;
  if (!safeStorage.isEncryptionAvailable()) return { secrets: null, source: null, missing: 'the saved Stripe keys cannot be decrypted on this system (no encrypted storage); set STRIPE_SECRET_KEY instead', warnings: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(safeStorage.decryptString(readFileSync(file)));
  } catch {
    return { secrets: null, source: null, missing: 'the saved Stripe keys could not be decrypted (another user or machine?); enter them again', warnings: [] };
  }
  const { secrets, warnings } = parseSecrets((raw ?? {}) as Partial<StripeSecrets>, 'saved Stripe keys');
  return secrets ? { secrets, source: 'safeStorage', missing: null, warnings } : { secrets: null, source: null, missing: warnings[0] ?? 'the saved Stripe keys are not valid', warnings: [] };
}
