/**
 * The Fluximage API key in the desktop app: FLUXIMAGE_API_KEY from the
 * environment wins (as for the CLI), else the key saved encrypted with
 * safeStorage in userData/fluximage-key.bin (mode 600), refused where
 * safeStorage would not really protect it (secrets.ts: storageRefusal).
 * Decrypted in the main process only; never sent to the window or logged.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFluximageKey } from '../core/connectors/fluximage.js';
import type { LoadedKey } from '../core/connectors/keys.js';
import type { SafeStorageLike } from './electron-api.js';
import { SecretsError, storageRefusal } from './secrets.js';

export const FLUXIMAGE_KEY_FILE = 'fluximage-key.bin';

export function saveFluximageKey(safeStorage: SafeStorageLike, userData: string, key: string, platform: NodeJS.Platform = process.platform): void {
  const bad = checkFluximageKey(key);
  if (bad) throw new SecretsError(bad);
  const refused = storageRefusal(safeStorage, platform);
  if (refused) throw new SecretsError(`the Fluximage key was not saved: ${refused.replace(/STRIPE_SECRET_KEY/g, 'FLUXIMAGE_API_KEY').replace(/the Stripe keys/g, 'the key')}`);
  const file = join(userData, FLUXIMAGE_KEY_FILE);
  writeFileSync(`${file}.tmp`, safeStorage.encryptString(key.trim()), { mode: 0o600 });
  chmodSync(`${file}.tmp`, 0o600);
  renameSync(`${file}.tmp`, file);
}

export function loadAppFluximageKey(safeStorage: SafeStorageLike | undefined, userData: string, envKey: string | undefined, platform: NodeJS.Platform = process.platform): LoadedKey {
  if (envKey !== undefined) {
    const bad = checkFluximageKey(envKey);
    return bad ? { key: null, source: null, missing: `FLUXIMAGE_API_KEY: ${bad}` } : { key: envKey.trim(), source: 'env', missing: null };
  }
  const file = join(userData, FLUXIMAGE_KEY_FILE);
  if (!safeStorage || !existsSync(file)) return { key: null, source: null, missing: 'Fluximage is not set up: save its API key in Settings, or set FLUXIMAGE_API_KEY' };
  const refused = storageRefusal(safeStorage, platform);
  if (refused) return { key: null, source: null, missing: 'the saved Fluximage key is not used: this system does not protect it (no keyring)' };
  let key: string;
  try {
    key = safeStorage.decryptString(readFileSync(file));
  } catch {
    return { key: null, source: null, missing: 'the saved Fluximage key could not be decrypted (another user or machine?); enter it again' };
  }
  return checkFluximageKey(key) ? { key: null, source: null, missing: 'the saved Fluximage key is not valid; enter it again' } : { key, source: 'safeStorage', missing: null };
}
