/**
 * Where the CLI and the team host find the Fluximage API key: FLUXIMAGE_API_KEY
 * (read once and dropped from the environment, as the Stripe keys are), else
 * a file readable by its owner only (CREDITDECK_FLUXIMAGE_KEY, default
 * fluximage-key in the app's data folder). The desktop app keeps it under
 * safeStorage instead. The key is never printed, logged, exported or sent to
 * a renderer; messages name the file, never its content.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appDataDir } from '../api/open.js';
import { checkFluximageKey } from './fluximage.js';

export interface LoadedKey {
  key: string | null;
  source: 'env' | 'file' | 'safeStorage' | null;
  /** Why there is none. */
  missing: string | null;
}

export function fluximageKeyFile(env: NodeJS.ProcessEnv): string {
  return env.CREDITDECK_FLUXIMAGE_KEY ? env.CREDITDECK_FLUXIMAGE_KEY : join(appDataDir(env), 'fluximage-key');
}

/** Take FLUXIMAGE_API_KEY out of `env` (children inherit the environment; none of them needs it). */
export function takeFluximageEnv(env: NodeJS.ProcessEnv): string | undefined {
  const key = env.FLUXIMAGE_API_KEY;
  delete env.FLUXIMAGE_API_KEY;
  return key || undefined;
}

export function loadFluximageKey(env: NodeJS.ProcessEnv, envKey: string | undefined, platform: NodeJS.Platform = process.platform): LoadedKey {
  if (envKey !== undefined) {
    const bad = checkFluximageKey(envKey);
    return bad ? { key: null, source: null, missing: `FLUXIMAGE_API_KEY: ${bad}` } : { key: envKey.trim(), source: 'env', missing: null };
  }
  const file = fluximageKeyFile(env);
  if (!existsSync(file)) return { key: null, source: null, missing: `Fluximage is not set up: set FLUXIMAGE_API_KEY or write the key to ${file} (mode 600)` };
  if (platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) return { key: null, source: null, missing: `${file} is readable by others, so it is not used; run: chmod 600 ${file}` };
  const key = readFileSync(file, 'utf8').trim();
  const bad = checkFluximageKey(key);
  return bad ? { key: null, source: null, missing: `${file}: ${bad}` } : { key, source: 'file', missing: null };
}
