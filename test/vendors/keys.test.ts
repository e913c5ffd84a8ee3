/**
 * Where the Fluximage API key is kept: the environment (taken out of it once
 * read), an owner-only file for the CLI and the team host, safeStorage in the
 * app; a file others can read, a malformed key or a system without a keyring
 * is refused, and no message carries the key.
 */
import { describe, expect, test } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFluximageKey, takeFluximageEnv } from '../../main/core/connectors/keys.js';
import { FLUXIMAGE_KEY_FILE, loadAppFluximageKey, saveFluximageKey } from '../../main/electron/fluximage-key.js';
import type { SafeStorageLike } from '../../main/electron/electron-api.js';

const KEY = 'flx_live_0123456789abcdef';
const dir = () => mkdtempSync(join(tmpdir(), 'creditdeck-fxkey-'));

const storage = (backend = 'gnome_libsecret'): SafeStorageLike => ({
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
  getSelectedStorageBackend: () => backend,
});

describe('the CLI and the team host', () => {
  test('FLUXIMAGE_API_KEY is read once and dropped from the environment', () => {
    const env: NodeJS.ProcessEnv = { FLUXIMAGE_API_KEY: KEY };
    const taken = takeFluximageEnv(env);
    expect(env.FLUXIMAGE_API_KEY).toBeUndefined();
    expect(loadFluximageKey(env, taken)).toEqual({ key: KEY, source: 'env', missing: null });
    expect(loadFluximageKey(env, 'sk_live_nope').missing).toMatch(/^FLUXIMAGE_API_KEY: the Fluximage API key must look like flx_live_/);
  });

  test('an owner-only key file is used; one others can read is not, and no message shows the key', () => {
    const file = join(dir(), 'fluximage-key');
    writeFileSync(file, `${KEY}\n`, { mode: 0o600 });
    const env = { CREDITDECK_FLUXIMAGE_KEY: file };
    expect(loadFluximageKey(env, undefined, 'linux')).toEqual({ key: KEY, source: 'file', missing: null });
    chmodSync(file, 0o644);
    const r = loadFluximageKey(env, undefined, 'linux');
    expect(r).toEqual({ key: null, source: null, missing: `${file} is readable by others, so it is not used; run: chmod 600 ${file}` });
    writeFileSync(file, 'not a key', { mode: 0o600 });
    chmodSync(file, 0o600);
    expect(loadFluximageKey(env, undefined, 'linux').missing).not.toContain('not a key');
  });
});

describe('the desktop app (safeStorage)', () => {
  test('saved encrypted, owner-only, and read back; the environment wins', () => {
    const d = dir();
    saveFluximageKey(storage(), d, KEY, 'linux');
    const bytes = readFileSync(join(d, FLUXIMAGE_KEY_FILE));
    expect(bytes.toString('utf8')).not.toContain(KEY);
    expect(loadAppFluximageKey(storage(), d, undefined, 'linux')).toEqual({ key: KEY, source: 'safeStorage', missing: null });
    expect(loadAppFluximageKey(storage(), d, 'flx_live_fromenvironment', 'linux')).toMatchObject({ key: 'flx_live_fromenvironment', source: 'env' });
  });

  test('no keyring (basic_text): not saved, and a file saved before is not used', () => {
    const d = dir();
    expect(() => saveFluximageKey(storage('basic_text'), d, KEY, 'linux')).toThrow(/the Fluximage key was not saved: no keyring is running/);
    saveFluximageKey(storage(), d, KEY, 'linux');
    expect(loadAppFluximageKey(storage('basic_text'), d, undefined, 'linux')).toEqual({ key: null, source: null, missing: 'the saved Fluximage key is not used: this system does not protect it (no keyring)' });
  });

  test('a malformed key is refused without echoing it', () => {
    expect(() => saveFluximageKey(storage(), dir(), 'hunter2', 'linux')).toThrow(/must look like flx_live_/);
    try {
      saveFluximageKey(storage(), dir(), 'hunter2', 'linux');
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });
});
