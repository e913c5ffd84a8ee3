/**
 * The Stripe keys in the desktop app: encrypted with Electron's safeStorage
 * (the OS keychain, DPAPI or libsecret) in userData/stripe-keys.bin, mode
 * 600. They are decrypted only in the main process, for the Stripe client;
 * never sent to the window, logged, or put in an error message or export.
 * Where safeStorage cannot encrypt, or on Linux encrypts with the password
 * built into Chromium because no keyring runs ('basic_text'), nothing is
 * stored or read, and the environment (STRIPE_SECRET_KEY) is the way.
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

const NO_KEYRING =
  'no keyring is running on this system, so Electron would encrypt the Stripe keys with a password built into it, which anyone who can read the file can undo: ' +
  'install and start a Secret Service provider (gnome-keyring, or KWallet on KDE), then restart Creditdeck — or give the app STRIPE_SECRET_KEY in its environment instead';

/** Why safeStorage does not protect secrets on this system, or null when it does. */
export function storageRefusal(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string | null {
  if (!safeStorage.isEncryptionAvailable()) return 'this system offers no encrypted storage to Creditdeck; give the app STRIPE_SECRET_KEY in its environment instead';
  // Linux only; 'unknown' means no backend was chosen, so nothing says the keys would be protected either.
  const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined;
  if (backend === 'basic_text' || backend === 'unknown') return NO_KEYRING;
  return null;
}

/** Encrypt and store the keys (validated first; messages never contain them). */
export function saveStripeSecrets(safeStorage: SafeStorageLike, userData: string, input: { secretKey: unknown; webhookSecret?: unknown }, platform: NodeJS.Platform = process.platform): void {
  const { secrets, warnings } = parseSecrets(input, 'Stripe keys');
  if (!secrets) throw new SecretsError(warnings[0] ?? 'the Stripe keys are not valid');
  if (warnings.length) throw new SecretsError(warnings[0]!);
  const refused = storageRefusal(safeStorage, platform);
  if (refused) throw new SecretsError(`the Stripe keys were not saved: ${refused}`);
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
export function loadStripeSecrets(safeStorage: SafeStorageLike | undefined, userData: string, fromEnv: () => LoadedSecrets, platform: NodeJS.Platform = process.platform): LoadedSecrets {
  const env = fromEnv();
  if (env.source === 'env') return env;
  const file = secretsPath(userData);
  if (!safeStorage || !existsSync(file)) return env;
  const refused = storageRefusal(safeStorage, platform);
  // A file written under the built-in password is no secret: not used; saving again once a keyring runs replaces it.
  if (refused) return { secrets: null, source: null, missing: `the saved Stripe keys are not used: ${refused}`, warnings: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(safeStorage.decryptString(readFileSync(file)));
  } catch {
    return { secrets: null, source: null, missing: 'the saved Stripe keys could not be decrypted (another user or machine?); enter them again', warnings: [] };
  }
  const { secrets, warnings } = parseSecrets((raw ?? {}) as Partial<StripeSecrets>, 'saved Stripe keys');
  return secrets ? { secrets, source: 'safeStorage', missing: null, warnings } : { secrets: null, source: null, missing: warnings[0] ?? 'the saved Stripe keys are not valid', warnings: [] };
}
