/** Linux without a keyring: safeStorage would encrypt with a password built into Electron ('basic_text'), so the Stripe keys are neither stored nor read. */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL } from '../../main/electron/channel.js';
import { loadStripeSecrets, saveStripeSecrets, secretsPath, storageRefusal } from '../../main/electron/secrets.js';
import { loadSecretsFromEnv } from '../../main/core/purchases/secrets.js';
import { fakeElectron, topFrame } from './fake-electron.js';
import { launch, OWN_PAGE, quitAll, type LaunchOptions } from './launch.js';

afterEach(quitAll);

const SECRET_KEY = 'sk_test_51FakeKeyForCreditdeckTests0123456789';
const own = topFrame(`${OWN_PAGE}#/settings`);
const NO_KEYRING = /no keyring is running on this system.*install and start a Secret Service provider \(gnome-keyring, or KWallet on KDE\), then restart Creditdeck/;

async function start(opts: LaunchOptions = {}) {
  const appData = opts.appData ?? mkdtempSync(join(tmpdir(), 'creditdeck-app-'));
  return launch({ ...opts, appData, env: { CREDITDECK_STRIPE_KEYS: join(appData, 'no-key-file.json'), ...opts.env } });
}
const keyFile = (appData: string) => join(appData, 'Creditdeck', 'stripe-keys.bin');

describe('safeStorage without a keyring (Linux, basic_text)', () => {
  it('Settings gets a clear error naming what to install; nothing is encrypted or written', async () => {
    const { fake, appData, app } = await start({ storageBackend: 'basic_text' });
    const answer = await fake.invoke(CHANNEL, own, 'payments.setKeys', { secretKey: SECRET_KEY });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'secretKey', message: expect.stringMatching(NO_KEYRING) } });
    expect(JSON.stringify(answer)).not.toContain(SECRET_KEY);
    expect(existsSync(keyFile(appData))).toBe(false);
    expect(fake.safeStorageCalls).toContain('backend');
    expect(fake.safeStorageCalls).not.toContain('encrypt');
    expect(app!.payments.configured).toBe(false);
  });

  it("'unknown' is refused too; a real keyring (libsecret, KWallet) stores the keys", async () => {
    const unknown = await start({ storageBackend: 'unknown' });
    expect(await unknown.fake.invoke(CHANNEL, own, 'payments.setKeys', { secretKey: SECRET_KEY })).toMatchObject({ ok: false, error: { message: expect.stringMatching(NO_KEYRING) } });
    for (const backend of ['gnome_libsecret', 'kwallet5']) {
      const { fake, appData } = await start({ storageBackend: backend });
      expect(await fake.invoke(CHANNEL, own, 'payments.setKeys', { secretKey: SECRET_KEY }), backend).toEqual({ ok: true, result: { configured: true, mode: 'test' } });
      expect(existsSync(keyFile(appData))).toBe(true);
    }
  });

  it('keys saved earlier are not used once the system has no keyring, and the purchase page says why', async () => {
    const appData = mkdtempSync(join(tmpdir(), 'creditdeck-app-'));
    const first = await start({ appData });
    expect(await first.fake.invoke(CHANNEL, own, 'payments.setKeys', { secretKey: SECRET_KEY })).toMatchObject({ ok: true });
    first.fake.app.emit('will-quit');
    const again = await start({ appData, storageBackend: 'basic_text' });
    expect(again.app!.payments.configured).toBe(false);
    expect(again.fake.safeStorageCalls).not.toContain('decrypt');
    await again.fake.invoke(CHANNEL, own, 'accounts.add', { preset: 'flux', plan: 'edge' });
    const packs = (await again.fake.invoke(CHANNEL, own, 'purchases.packs', { account: 'flux-edge' })) as { result: { buyable: boolean; reason: string }[] };
    expect(packs.result[0]).toMatchObject({ buyable: false, reason: expect.stringMatching(/^the saved Stripe keys are not used: no keyring is running/) });
  });

  it('the backend is a Linux question: macOS and Windows never ask it', () => {
    const appData = mkdtempSync(join(tmpdir(), 'creditdeck-secrets-'));
    const fake = fakeElectron({ appData, storageBackend: 'basic_text' });
    const ss = fake.deps.safeStorage!;
    expect(storageRefusal(ss, 'linux')).toMatch(NO_KEYRING);
    expect(storageRefusal(ss, 'darwin')).toBeNull();
    expect(storageRefusal(ss, 'win32')).toBeNull();
    mkdirSync(appData, { recursive: true });
    expect(() => saveStripeSecrets(ss, appData, { secretKey: SECRET_KEY }, 'linux')).toThrow(NO_KEYRING);
    expect(existsSync(secretsPath(appData))).toBe(false);
    saveStripeSecrets(ss, appData, { secretKey: SECRET_KEY }, 'darwin');
    const noEnv = () => loadSecretsFromEnv({ CREDITDECK_STRIPE_KEYS: join(appData, 'none.json') });
    expect(loadStripeSecrets(ss, appData, noEnv, 'darwin')).toMatchObject({ source: 'safeStorage' });
    expect(loadStripeSecrets(ss, appData, noEnv, 'linux')).toMatchObject({ secrets: null, missing: expect.stringMatching(NO_KEYRING) });
  });
});
