import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKGROUND, electronNativeBinding } from '../../main/electron/app.js';
import { NOTIFY_STATE_FILE, PACE_TITLE } from '../../main/electron/notify.js';
import { call } from '../../main/core/api/handlers.js';
import { CHANNEL } from '../../main/electron/channel.js';
import { WINDOW_STATE_FILE } from '../../main/electron/window-state.js';
import { APP_ID, appDataDir, defaultDbPath } from '../../main/core/api/open.js';
import { CSP } from '../../main/web/security.js';
import { subFrame, topFrame } from './fake-electron.js';
import { launch, OWN_PAGE, PRELOAD, quitAll, RESOURCES, type LaunchOptions } from './launch.js';
import { FORBIDDEN } from '../../main/electron/ipc.js';

afterEach(quitAll);

describe('desktop shell: the window', () => {
  it('creates one window with isolation, sandbox and no Node, and the preload', async () => {
    const { fake } = await launch();
    expect(fake.windows).toHaveLength(1);
    const w = fake.windows[0]!;
    expect(w.options.webPreferences).toMatchObject({
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(fake.calls.enableSandbox).toBe(1);
    // Shown once it has painted, not before.
    expect(w.options.show).toBe(false);
    expect(w.shown).toBe(false);
    w.emit('ready-to-show');
    expect(w.shown).toBe(true);
  });

  it('loads the built renderer from app://creditdeck/, or the dev server in development only', async () => {
    const built = await launch();
    expect(built.fake.windows[0]!.loaded).toEqual({ url: OWN_PAGE });
    const dev = await launch({ devServerUrl: 'http://localhost:5173/', isPackaged: false });
    expect(dev.fake.windows[0]!.loaded).toEqual({ url: 'http://localhost:5173/' });
    // Packaged: ELECTRON_RENDERER_URL is never honoured (test/electron/app-protocol.test.ts has more).
    const packaged = await launch({ devServerUrl: 'http://localhost:5173/', isPackaged: true });
    expect(packaged.fake.windows[0]!.loaded).toEqual({ url: OWN_PAGE });
  });

  it('denies every navigation, every new window and every <webview>', async () => {
    const { fake, logs } = await launch();
    const wc = fake.windows[0]!.webContents;
    for (const url of ['https://evil.example/', 'http://localhost:5173/', OWN_PAGE, 'file:///etc/passwd', 'https://checkout.stripe.com/c/pay/cs_1']) {
      expect(wc.navigate(url), url).toBe(true);
      expect(wc.windowOpen(url), url).toBe('deny');
    }
    expect(wc.attachWebview()).toBe(true);
    expect(logs.some((l) => l.includes('blocked navigation to https://evil.example/'))).toBe(true);
  });

  it('hands only allow-listed https links to the system browser', async () => {
    const { fake } = await launch();
    const wc = fake.windows[0]!.webContents;
    for (const url of ['https://checkout.stripe.com/c/pay/cs_1', 'https://evil.example/', 'file:///etc/passwd', 'http://billing.stripe.com/p/x', 'smb://share/x']) wc.windowOpen(url);
    await Promise.resolve();
    expect(fake.calls.opened).toEqual(['https://checkout.stripe.com/c/pay/cs_1']);
  });

  it("also hands over Stripe receipts and the packs' own purchase links (the hosts the buy flow allows), the latter once the user confirms the host", async () => {
    const { fake, app } = await launch({ messageBoxResponse: (box) => box.buttons!.indexOf('Open lux.example') });
    const wc = fake.windows[0]!.webContents;
    const link = 'https://lux.example/billing/add-credits';
    // No account sells through lux.example yet: refused.
    wc.windowOpen(link);
    wc.windowOpen('https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8x?s=ap');
    await Promise.resolve();
    expect(fake.calls.opened).toEqual(['https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8x?s=ap']);
    const lux = call(app!.ctx, 'presets.show', { id: 'lux' }) as unknown as Record<string, unknown>;
    call(app!.ctx, 'accounts.add', {
      provider: { ...lux, id: 'luxlink', name: 'Lux Link', packs: [{ id: 'web', name: 'Credits on lux.example', pool: 'credits', credits: null, priceCents: null, url: link }] },
      plan: 'free',
      name: 'Lux Link',
    });
    for (const url of [link, 'http://lux.example/billing', 'https://lux.example:8443/x', 'https://evil.lux.example/', 'https://evil.example/']) wc.windowOpen(url);
    // The confirm dialog answers on a later turn of the event loop.
    await new Promise((done) => setImmediate(done));
    expect(fake.calls.opened).toEqual(['https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8x?s=ap', link]);
    expect(fake.calls.messageBoxes.map((b) => b.message)).toEqual(['Open lux.example in your browser?']);
    // Still always denied as a window.
    expect(wc.windowOpen(link)).toBe('deny');
  });

  it('sets the strict CSP on every response, replacing any the response had', async () => {
    const { fake } = await launch();
    const out = fake.headers(OWN_PAGE, { 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] });
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CSP] });
  });

  it('relaxes the CSP for the dev server only in development (inline refresh preamble, HMR socket)', async () => {
    const { fake } = await launch({ devServerUrl: 'http://localhost:5173', isPackaged: false });
    const policy = fake.headers('http://localhost:5173/', {})!['Content-Security-Policy']![0]!;
    expect(policy).toContain("script-src 'self' 'unsafe-inline'");
    expect(policy).toContain("connect-src 'self' ws://localhost:5173");
    expect(policy).toContain("object-src 'none'");
  });

  it('refuses every permission request (camera, notifications, …)', async () => {
    const { fake } = await launch();
    const answers: boolean[] = [];
    for (const p of ['media', 'notifications', 'geolocation', 'openExternal']) fake.sessionState.permissionRequest!({}, p, (g) => answers.push(g));
    expect(answers).toEqual([false, false, false, false]);
    expect(fake.sessionState.permissionCheck!()).toBe(false);
  });

  it('remembers the window size in a small JSON file in userData', async () => {
    const first = await launch();
    const w = first.fake.windows[0]!;
    expect(w.options).toMatchObject({ width: 1200, height: 800 });
    w.bounds = { x: 10, y: 20, width: 1440, height: 900 };
    w.close();
    const file = join(first.appData, 'Creditdeck', WINDOW_STATE_FILE);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ width: 1440, height: 900, maximized: false });

    const second = await launch({ appData: first.appData });
    expect(second.fake.windows[0]!.options).toMatchObject({ width: 1440, height: 900 });
  });

  it('restores a maximised window maximised, and ignores a damaged state file', async () => {
    const appData = mkdtempSync(join(tmpdir(), 'creditdeck-app-'));
    const first = await launch({ appData });
    first.fake.windows[0]!.maximized = true;
    first.fake.windows[0]!.close();
    const again = await launch({ appData });
    again.fake.windows[0]!.emit('ready-to-show');
    expect(again.fake.windows[0]!.maximized).toBe(true);

    writeFileSync(join(appData, 'Creditdeck', WINDOW_STATE_FILE), '{"width": -5, "height": "tall"');
    const damaged = await launch({ appData });
    expect(damaged.fake.windows[0]!.options).toMatchObject({ width: 1200, height: 800 });
    writeFileSync(join(appData, 'Creditdeck', WINDOW_STATE_FILE), JSON.stringify({ width: 100, height: 1e9 }));
    const tiny = await launch({ appData });
    expect(tiny.fake.windows[0]!.options).toMatchObject({ width: 1200, height: 800 });
  });
});

describe('desktop shell: the ledger', () => {
  it('opens creditdeck.sqlite in userData, the file the CLI uses by default', async () => {
    const { app, appData, fake } = await launch();
    expect(fake.paths.userData).toBe(join(appData, 'Creditdeck'));
    expect(app!.dbPath).toBe(join(appData, 'Creditdeck', 'creditdeck.sqlite'));
    expect(existsSync(app!.dbPath)).toBe(true);
    // On Linux Electron's appData is $XDG_CONFIG_HOME: the CLI's default is the very same file.
    expect(join(appDataDir({ XDG_CONFIG_HOME: appData }, 'linux'), 'creditdeck.sqlite')).toBe(app!.dbPath);
    if (process.platform === 'linux') expect(defaultDbPath({ XDG_CONFIG_HOME: appData })).toBe(app!.dbPath);
  });

  it('honours CREDITDECK_DB as the CLI does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-app-db-'));
    const db = join(dir, 'shared.sqlite');
    const { app } = await launch({ env: { CREDITDECK_DB: db } });
    expect(app!.dbPath).toBe(db);
    expect(existsSync(db)).toBe(true);
  });

  it('closes the ledger when the app quits', async () => {
    const { app, fake } = await launch();
    expect(app!.ctx.db.open).toBe(true);
    fake.app.emit('window-all-closed');
    expect(fake.calls.quit).toBe(1);
    fake.app.emit('will-quit');
    expect(app!.ctx.db.open).toBe(false);
  });

  it('says so and quits when the ledger cannot be opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-app-db-'));
    const { started, fake } = await launch({ env: { CREDITDECK_DB: dir } }); // a folder, not a file
    expect(await started.ready).toBeNull();
    expect(fake.calls.errorBoxes).toHaveLength(1);
    expect(fake.calls.errorBoxes[0]![0]).toMatch(/cannot open its ledger/);
    expect(fake.calls.quit).toBe(1);
    expect(fake.windows).toHaveLength(0);
  });
});

describe('desktop shell: single instance', () => {
  it('a second instance quits at once: no window, no ledger, no IPC', async () => {
    const { fake, started } = await launch({ lock: false });
    expect(started.primary).toBe(false);
    expect(started.ready).toBeNull();
    expect(fake.calls.quit).toBe(1);
    expect(fake.calls.whenReady).toBe(0);
    expect(fake.windows).toHaveLength(0);
    expect(fake.ipcHandlers.size).toBe(0);
  });

  it('the first instance brings its window forward when a second one starts', async () => {
    const { fake, started } = await launch({ lock: true });
    expect(started.primary).toBe(true);
    const w = fake.windows[0]!;
    w.minimized = true;
    fake.app.emit('second-instance');
    expect(w.minimized).toBe(false);
    expect(w.shown).toBe(true);
    expect(w.focused).toBe(1);
    expect(fake.windows).toHaveLength(1);
  });

  it('ignores a second instance after its window has closed', async () => {
    const { fake } = await launch();
    fake.windows[0]!.close();
    expect(() => fake.app.emit('second-instance')).not.toThrow();
    expect(fake.windows[0]!.focused).toBe(0);
  });
});

describe('desktop shell: IPC', () => {
  it('registers exactly one channel', async () => {
    const { fake } = await launch();
    expect([...fake.ipcHandlers.keys()]).toEqual([CHANNEL]);
  });

  it('answers the app\'s own page with the envelope, ok or not', async () => {
    const { fake } = await launch();
    const own = topFrame(`${OWN_PAGE}#/accounts`);
    const list = (await fake.invoke(CHANNEL, own, 'presets.list', {})) as { ok: boolean; result: Array<{ id: string }> };
    expect(list.ok).toBe(true);
    expect(list.result).toHaveLength(5);
    const add = await fake.invoke(CHANNEL, own, 'accounts.add', { preset: 'fluxnote', plan: 'free' });
    expect(add).toMatchObject({ ok: true, result: { id: 'fluxnote-free' } });
    await fake.invoke(CHANNEL, own, 'usage.record', { account: 'fluxnote-free', action: 'video' });
    const refused = await fake.invoke(CHANNEL, own, 'usage.record', { account: 'fluxnote-free', action: 'video' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'refused', reason: 'insufficient_credits', details: expect.any(Object) } });
  });
});

describe('desktop shell: the Stripe keys from Settings (payments.setKeys)', () => {
  const SECRET_KEY = 'sk_test_51FakeKeyForCreditdeckTests0123456789';
  const WEBHOOK_SECRET = 'whsec_creditdeckTestSecret0123456789';
  const own = topFrame(`${OWN_PAGE}#/settings`);
  /** No key file from this machine's real data folder. */
  const noKeyFile = (appData: string): NodeJS.ProcessEnv => ({ CREDITDECK_STRIPE_KEYS: join(appData, 'no-key-file.json') });
  const launchClean = async (opts: LaunchOptions = {}) => {
    const appData = mkdtempSync(join(tmpdir(), 'creditdeck-app-'));
    return launch({ appData, ...opts, env: { ...noKeyFile(appData), ...opts.env } });
  };
  const keyFile = (appData: string) => join(appData, 'Creditdeck', 'stripe-keys.bin');

  it('stores the keys encrypted (mode 600), answers only {configured, mode}, and uses them at once', async () => {
    const { fake, app, appData, logs, timers } = await launchClean();
    expect(await fake.invoke(CHANNEL, own, 'payments.status', {})).toEqual({ ok: true, result: { configured: false, mode: null } });
    await fake.invoke(CHANNEL, own, 'accounts.add', { preset: 'flux', plan: 'edge' });
    const before = (await fake.invoke(CHANNEL, own, 'purchases.packs', { account: 'flux-edge' })) as { result: { buyable: boolean; reason: string }[] };
    expect(before.result[0]).toMatchObject({ buyable: false, reason: expect.stringMatching(/^Stripe is not set up: save the Stripe key in Settings or set STRIPE_SECRET_KEY/) });
    timers.advance(0);
    const pending = timers.pending;

    const answer = await fake.invoke(CHANNEL, own, 'payments.setKeys', { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });
    expect(answer).toEqual({ ok: true, result: { configured: true, mode: 'test' } });
    const bytes = readFileSync(keyFile(appData));
    expect(bytes.toString('latin1')).not.toContain(SECRET_KEY);
    expect(bytes.toString('latin1')).not.toContain(WEBHOOK_SECRET);
    if (process.platform !== 'win32') expect(statSync(keyFile(appData)).mode & 0o777).toBe(0o600);
    expect(fake.safeStorageCalls).toContain('encrypt');
    // What is stored decrypts to the keys (the fake's cipher is reversible).
    expect(JSON.parse(fake.deps.safeStorage!.decryptString(bytes))).toEqual({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });

    // In use straight away: configured, packs buyable, pending purchases polled.
    expect(app!.payments.status()).toEqual({ configured: true, mode: 'test' });
    expect(await fake.invoke(CHANNEL, own, 'payments.status', {})).toEqual({ ok: true, result: { configured: true, mode: 'test' } });
    const after = (await fake.invoke(CHANNEL, own, 'purchases.packs', { account: 'flux-edge' })) as { result: { buyable: boolean }[] };
    expect(after.result[0]!.buyable).toBe(true);
    expect(timers.pending).toBe(pending + 1);
    // Saving again does not start a second poll.
    await fake.invoke(CHANNEL, own, 'payments.setKeys', { secretKey: 'rk_live_51RestrictedLiveKey0123456789' });
    expect(timers.pending).toBe(pending + 1);
    expect(app!.payments.status()).toEqual({ configured: true, mode: 'live' });

    // Never in a log; the log says only that keys were saved.
    expect(logs.join('\n')).not.toMatch(/sk_test_51|rk_live_51|whsec_creditdeck/);
    expect(logs).toContain('creditdeck: Stripe keys saved (test, with a webhook secret)');

    // The next start reads them from safeStorage.
    fake.app.emit('will-quit');
    const again = await launch({ appData, env: noKeyFile(appData) });
    expect(again.app!.payments.status()).toEqual({ configured: true, mode: 'live' });
    expect(again.fake.safeStorageCalls).toContain('decrypt');
  });

  it('refuses a call from any other page or frame: nothing stored, safeStorage never asked', async () => {
    const { fake, appData, app } = await launchClean();
    for (const frame of [topFrame('https://evil.example/'), subFrame(OWN_PAGE, OWN_PAGE), topFrame('file:///tmp/other/index.html'), null]) {
      expect(await fake.invoke(CHANNEL, frame, 'payments.setKeys', { secretKey: SECRET_KEY }), frame?.url ?? 'closed').toEqual(FORBIDDEN);
    }
    expect(existsSync(keyFile(appData))).toBe(false);
    expect(fake.safeStorageCalls.filter((c) => c !== 'available')).toEqual([]);
    expect(app!.payments.configured).toBe(false);
  });

  it('rejects bad prefixes with a message naming the field, never the value, and stores nothing', async () => {
    const { fake, appData, logs } = await launchClean();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ secretKey: 'pk_test_publishable0123456789' }, 'secretKey', /must be a secret key \(sk_test_… \/ sk_live_…\) or a restricted key \(rk_…\)/],
      [{ secretKey: 'whsec_wrongFieldEntirely0123' }, 'secretKey', /must be a secret key/],
      [{ secretKey: SECRET_KEY, webhookSecret: 'sk_test_notAWebhookSecret0123' }, 'webhookSecret', /must start with whsec_/],
      [{ secretKey: 12345678 }, 'secretKey', /expected string/],
    ];
    for (const [input, field, message] of cases) {
      const answer = await fake.invoke(CHANNEL, own, 'payments.setKeys', input);
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input', field, message: expect.stringMatching(message) } });
      for (const v of Object.values(input)) if (typeof v === 'string') expect(JSON.stringify(answer)).not.toContain(v);
    }
    expect(existsSync(keyFile(appData))).toBe(false);
    expect(fake.safeStorageCalls).not.toContain('encrypt');
    expect(logs.join('\n')).not.toMatch(/pk_test_publishable|whsec_wrongField|sk_test_/);
  });

  it('without encryption, or with STRIPE_SECRET_KEY in the environment, it says why and stores nothing', async () => {
    const plain = await launchClean({ encryption: false });
    expect(await plain.fake.invoke(CHANNEL, own, 'payments.setKeys', { secretKey: SECRET_KEY })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/no encrypted storage/) } });
    expect(existsSync(keyFile(plain.appData))).toBe(false);
    const none = await launchClean({ encryption: null });
    expect(await none.fake.invoke(CHANNEL, own, 'payments.setKeys', { secretKey: SECRET_KEY })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/no encrypted storage/) } });
    const env = await launchClean({ env: { STRIPE_SECRET_KEY: 'rk_live_51FromTheEnvironment0123456' } });
    expect(env.app!.payments.status()).toEqual({ configured: true, mode: 'live' });
    expect(await env.fake.invoke(CHANNEL, own, 'payments.setKeys', { secretKey: SECRET_KEY })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'secretKey', message: expect.stringMatching(/STRIPE_SECRET_KEY in its environment, which wins/) },
    });
    expect(existsSync(keyFile(env.appData))).toBe(false);
    expect(env.app!.payments.status()).toEqual({ configured: true, mode: 'live' });
  });
});

describe('desktop shell: application menu and theme', () => {
  it('sets the application menu once the app is ready: no reload or developer tools when packaged', async () => {
    const packaged = await launch({ isPackaged: true });
    expect(packaged.fake.menus.application).toHaveLength(1);
    const menu = packaged.fake.menus.application[0]!;
    expect(menu.labels()).toEqual(['File', 'Edit', 'View', 'Window']);
    expect(JSON.stringify(menu.template)).not.toMatch(/toggleDevTools|reload/);
    const dev = await launch({ isPackaged: false, platform: 'darwin' });
    const devMenu = dev.fake.menus.application[0]!;
    expect(devMenu.labels()).toEqual(['Creditdeck', 'File', 'Edit', 'View', 'Window', 'Help']);
    expect(JSON.stringify(devMenu.template)).toMatch(/toggleDevTools/);
  });

  it('follows the system theme, and so does the window colour before the page paints', async () => {
    const light = await launch({ dark: false });
    expect(light.fake.nativeTheme.themeSource).toBe('system');
    expect(light.fake.windows[0]!.options.backgroundColor).toBe(BACKGROUND.light);
    light.fake.nativeTheme.setSystemDark(true);
    expect(light.fake.windows[0]!.backgroundColor).toEqual([BACKGROUND.dark]);
    light.fake.nativeTheme.setSystemDark(false);
    expect(light.fake.windows[0]!.backgroundColor).toEqual([BACKGROUND.dark, BACKGROUND.light]);

    const dark = await launch({ dark: true });
    expect(dark.fake.windows[0]!.options.backgroundColor).toBe(BACKGROUND.dark);
    dark.fake.windows[0]!.close();
    expect(() => dark.fake.nativeTheme.setSystemDark(false)).not.toThrow();
    expect(dark.fake.windows[0]!.backgroundColor).toEqual([]);
  });

  it('the window colours are the page colours of the renderer (--bg, light and dark)', () => {
    const css = readFileSync(join(import.meta.dirname, '..', '..', 'renderer', 'src', 'styles.css'), 'utf8');
    const bg = [...css.matchAll(/--bg:\s*(#[0-9a-f]{6})/gi)].map((m) => m[1]!.toLowerCase());
    expect(bg).toEqual([BACKGROUND.light, BACKGROUND.dark]);
  });
});

describe('desktop shell: tray and notifications', () => {
  const own = topFrame(OWN_PAGE);

  it('on Windows sets the AppUserModelID to the package\'s appId (notifications need it), and nowhere else', async () => {
    const win = await launch({ platform: 'win32' });
    expect(win.fake.calls.appUserModelIds).toEqual([APP_ID]);
    const mac = await launch({ platform: 'darwin' });
    expect(mac.fake.calls.appUserModelIds).toEqual([]);
  });

  it('puts the balances in the tray, with the icon from resources/', async () => {
    const { fake } = await launch({ platform: 'darwin' });
    expect(fake.trays).toHaveLength(1);
    expect(fake.images.map((i) => i.path)).toEqual([join(RESOURCES, 'trayTemplate.png')]);
    expect(fake.trays[0]!.iconPath).toBe(join(RESOURCES, 'trayTemplate.png'));
    expect(fake.trays[0]!.image.isEmpty()).toBe(false);
    expect(fake.trays[0]!.tooltip).toBe('Creditdeck: no accounts yet');
  });

  it('a write from the window refreshes the tray once its answer has gone back; reads and refused senders do not', async () => {
    const { fake, timers } = await launch();
    const tray = fake.trays[0]!;
    const intervals = timers.pending; // the tray's and the notifier's
    await fake.invoke(CHANNEL, own, 'balance.all', {});
    expect(timers.pending).toBe(intervals);
    await fake.invoke(CHANNEL, topFrame('https://evil.example/'), 'accounts.add', { preset: 'lux', plan: 'free' });
    expect(timers.pending).toBe(intervals);

    await fake.invoke(CHANNEL, own, 'accounts.add', { preset: 'lux', plan: 'free' });
    await fake.invoke(CHANNEL, own, 'usage.record', { account: 'lux-free', action: 'email', quantity: 10 });
    expect(timers.pending).toBe(intervals + 1); // one refresh for the burst
    expect(tray.tooltip).toBe('Creditdeck: no accounts yet');
    timers.advance(0);
    expect(tray.tooltip).toMatch(/^Creditdeck\nLux Free — credits 990 of 1,000 · resets in /);
    expect(timers.pending).toBe(intervals);
  });

  it('Open Creditdeck brings the window forward; Quit quits', async () => {
    const { fake } = await launch();
    const w = fake.windows[0]!;
    w.minimized = true;
    fake.trays[0]!.menu!.click('Open Creditdeck');
    expect(w.minimized).toBe(false);
    expect(w.shown).toBe(true);
    expect(w.focused).toBe(1);
    fake.trays[0]!.menu!.click('Quit');
    expect(fake.calls.quit).toBe(1);
  });

  it('an alert from a write in the window is notified; clicking it focuses the window', async () => {
    const { fake, timers, appData } = await launch();
    await fake.invoke(CHANNEL, own, 'accounts.add', { preset: 'lux', plan: 'free' });
    await fake.invoke(CHANNEL, own, 'accounts.set', { account: 'lux-free', thresholds: [50] });
    await fake.invoke(CHANNEL, own, 'usage.record', { account: 'lux-free', action: 'email', quantity: 500 });
    timers.advance(0);
    const alerts = fake.notifications.filter((n) => n.options.title !== PACE_TITLE);
    expect(alerts.map((n) => n.options.title)).toEqual(['50% of the credits used']);
    alerts[0]!.click();
    expect(fake.windows[0]!.focused).toBe(1);
    // Remembered in userData, beside the ledger.
    expect(existsSync(join(appData, 'Creditdeck', NOTIFY_STATE_FILE))).toBe(true);
  });

  it('on quit, the timers stop and the tray goes before the ledger closes', async () => {
    const { fake, timers, app } = await launch();
    await fake.invoke(CHANNEL, own, 'accounts.add', { preset: 'lux', plan: 'free' });
    expect(timers.pending).toBe(3);
    fake.app.emit('will-quit');
    expect(timers.pending).toBe(0);
    expect(fake.trays[0]!.isDestroyed()).toBe(true);
    expect(app!.ctx.db.open).toBe(false);
  });
});

describe('desktop shell: better-sqlite3 for Electron', () => {
  const NODE_BUILD = join(import.meta.dirname, '..', '..', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

  function nativeDir(version: string, contents: Buffer | null): string {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-native-'));
    if (contents !== null) {
      mkdirSync(join(dir, `electron-${version}`));
      writeFileSync(join(dir, `electron-${version}`, 'better_sqlite3.node'), contents);
    }
    return dir;
  }

  it('finds out/native/electron-<version>/better_sqlite3.node when it is there', () => {
    const dir = nativeDir('40.10.2', Buffer.from('x'));
    expect(electronNativeBinding(dir, '40.10.2')).toBe(join(dir, 'electron-40.10.2', 'better_sqlite3.node'));
    expect(electronNativeBinding(dir, '41.0.0')).toBeUndefined();
    expect(electronNativeBinding(dir, undefined)).toBeUndefined();
    expect(electronNativeBinding(undefined, '40.10.2')).toBeUndefined();
  });

  it('opens the ledger with that build when it exists (here: a copy of the Node build standing in for it)', async () => {
    const dir = nativeDir('40.10.2', readFileSync(NODE_BUILD));
    const { app } = await launch({ nativeDir: dir, electronVersion: '40.10.2' });
    expect(app!.nativeBinding).toBe(join(dir, 'electron-40.10.2', 'better_sqlite3.node'));
    expect(call(app!.ctx, 'presets.list', {})).toHaveLength(5);
  });

  it('really loads that file: a broken build fails to open the ledger, with a dialog', async () => {
    const dir = nativeDir('40.10.2', Buffer.from('not a shared library'));
    const { started, fake } = await launch({ nativeDir: dir, electronVersion: '40.10.2' });
    expect(await started.ready).toBeNull();
    // The loader's own complaint about that very file ("…/better_sqlite3.node: file too short" on Linux).
    expect(fake.calls.errorBoxes[0]![1]).toContain(join(`electron-40.10.2`, 'better_sqlite3.node'));
    expect(fake.calls.errorBoxes[0]![1]).toMatch(/file too short|invalid ELF|not a valid|mach-o/i);
    expect(fake.calls.errorBoxes[0]![1]).not.toMatch(/electron-native\.mjs/); // not the missing-build hint: there is a build
  });

  it('without one (or outside Electron) the node_modules build is used', async () => {
    const none = await launch({ nativeDir: nativeDir('40.10.2', null), electronVersion: '40.10.2' });
    expect(none.app!.nativeBinding).toBeUndefined();
    expect(none.app!.ctx.db.open).toBe(true);
    const plainNode = await launch({ nativeDir: nativeDir('40.10.2', Buffer.from('x')) });
    expect(plainNode.app!.nativeBinding).toBeUndefined();
  });
});
