/** Where the Stripe keys live: safeStorage in the app, env or an owner-only file for the CLI; and the guarded opener. */
import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearStripeSecrets, loadStripeSecrets, saveStripeSecrets, secretsPath } from '../../main/electron/secrets.js';
import { allowedExternalUrl } from '../../main/electron/external.js';
import { loadSecretsFromEnv } from '../../main/core/purchases/secrets.js';
import { guardUrl, systemOpener, STRIPE_HOSTS } from '../../main/core/purchases/opener.js';
import type { SafeStorageLike } from '../../main/electron/electron-api.js';
import { SECRET_KEY, WEBHOOK_SECRET } from './helpers.js';

/** A stand-in for Electron's safeStorage: reversible, but never the plain text on disk. */
function fakeSafeStorage(available = true): SafeStorageLike & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    isEncryptionAvailable: () => available,
    encryptString: (s) => (calls.push('encrypt'), Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a))),
    decryptString: (b) => (calls.push('decrypt'), Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8')),
  };
}
const noEnv = () => loadSecretsFromEnv({ CREDITDECK_STRIPE_KEYS: '/nonexistent/keys.json' });

describe('Electron safeStorage', () => {
  it('stores the keys encrypted, mode 600, and reads them back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-secrets-'));
    const ss = fakeSafeStorage();
    saveStripeSecrets(ss, dir, { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });
    const bytes = readFileSync(secretsPath(dir));
    expect(bytes.toString('latin1')).not.toContain(SECRET_KEY);
    if (process.platform !== 'win32') expect(statSync(secretsPath(dir)).mode & 0o777).toBe(0o600);
    const loaded = loadStripeSecrets(ss, dir, noEnv);
    expect(loaded).toMatchObject({ source: 'safeStorage', secrets: { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET } });
    clearStripeSecrets(dir);
    expect(loadStripeSecrets(ss, dir, noEnv).secrets).toBeNull();
  });

  it('refuses to store without encryption, or bad keys, without echoing them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-secrets-'));
    expect(() => saveStripeSecrets(fakeSafeStorage(false), dir, { secretKey: SECRET_KEY })).toThrow(/no encrypted storage/);
    let msg = '';
    try {
      saveStripeSecrets(fakeSafeStorage(), dir, { secretKey: 'pk_test_publishable123456' });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/secret key/);
    expect(msg).not.toContain('pk_test_publishable123456');
    writeFileSync(secretsPath(dir), 'garbage');
    expect(loadStripeSecrets(fakeSafeStorage(), dir, noEnv)).toMatchObject({ secrets: null, missing: expect.stringMatching(/could not be decrypted|not valid/) });
  });

  it('the environment wins over the stored keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-secrets-'));
    const l = loadStripeSecrets(fakeSafeStorage(), dir, () => loadSecretsFromEnv({ STRIPE_SECRET_KEY: 'rk_test_restricted12345' }));
    expect(l).toMatchObject({ source: 'env', secrets: { secretKey: 'rk_test_restricted12345', webhookSecret: null } });
  });
});

describe('CLI and web host keys', () => {
  it('reads a key file, warning when others can read it; never echoes a broken file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-keys-'));
    const file = join(dir, 'stripe-keys.json');
    writeFileSync(file, JSON.stringify({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET }));
    chmodSync(file, 0o644);
    const loose = loadSecretsFromEnv({ CREDITDECK_STRIPE_KEYS: file }, 'linux');
    expect(loose).toMatchObject({ source: 'file', secrets: { secretKey: SECRET_KEY } });
    expect(loose.warnings.join()).toMatch(/readable by others \(mode 644\); run: chmod 600/);
    chmodSync(file, 0o600);
    expect(loadSecretsFromEnv({ CREDITDECK_STRIPE_KEYS: file }, 'linux').warnings).toEqual([]);
    writeFileSync(file, `{"secretKey": "${SECRET_KEY}"`);
    const broken = loadSecretsFromEnv({ CREDITDECK_STRIPE_KEYS: file }, 'linux');
    expect(broken.secrets).toBeNull();
    expect(JSON.stringify(broken)).not.toContain(SECRET_KEY);
    expect(loadSecretsFromEnv({ STRIPE_SECRET_KEY: 'nonsense' }).missing).toMatch(/must be a secret key/);
  });
});

describe('the guarded opener', () => {
  it('opens Stripe and the packs\' hosts over https only; the fake API origin only when named', () => {
    const hosts = [...STRIPE_HOSTS, 'billing.flux.example'];
    expect(guardUrl('https://checkout.stripe.com/c/pay/cs_test_1', hosts)).toBe('https://checkout.stripe.com/c/pay/cs_test_1');
    expect(guardUrl('https://billing.flux.example/topup', hosts)).not.toBeNull();
    for (const bad of ['http://checkout.stripe.com/x', 'https://checkout.stripe.com:8443/x', 'https://user:pw@checkout.stripe.com/', 'https://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'http://127.0.0.1:9/pay'])
      expect(guardUrl(bad, hosts), bad).toBeNull();
    expect(guardUrl('http://127.0.0.1:9/pay/cs_1', hosts, ['http://127.0.0.1:9'])).toBe('http://127.0.0.1:9/pay/cs_1');
    const spawned: string[][] = [];
    const open = systemOpener({ hosts: () => hosts, platform: 'linux', spawner: (c, a) => spawned.push([c, ...a]) });
    expect(open('https://checkout.stripe.com/c/pay/x')).toBe(true);
    expect(open('https://evil.example/')).toBe(false);
    expect(spawned).toEqual([['xdg-open', 'https://checkout.stripe.com/c/pay/x']]);
    expect(allowedExternalUrl('https://billing.flux.example/topup')).toBeNull();
    expect(allowedExternalUrl('https://billing.flux.example/topup', ['billing.flux.example'])).toBe('https://billing.flux.example/topup');
  });
});
