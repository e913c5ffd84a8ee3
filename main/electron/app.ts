/**
 * The desktop shell: one hardened window over the shared ledger. Written
 * against the local Electron types in electron-api.ts; main.ts passes the
 * real module. The checklist it implements is in docs/desktop.md.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { APP_ID, APP_NAME, openLedger } from '../core/api/open.js';
import type { Ctx } from '../core/ledger/context.js';
import { CSP, devCsp } from '../web/security.js';
import type { BrowserWindowLike, ElectronDeps, NavigationEventLike, ShellLike, WebContentsLike, WindowOptionsLike } from './electron-api.js';
import { safeOpenExternal } from './external.js';
import { Payments } from '../core/purchases/service.js';
import { loadSecretsFromEnv, takeStripeEnv, type LoadedSecrets, type StripeSecrets } from '../core/purchases/secrets.js';
import type { PaymentsStatus } from '../core/purchases/service.js';
import { InputError } from '../core/util/errors.js';
import { packLinkHosts, stripeClient } from '../core/purchases/setup.js';
import type { ConfirmHost } from '../core/purchases/opener.js';
import { loadStripeSecrets, saveStripeSecrets, SecretsError } from './secrets.js';
import { registerIpc } from './ipc.js';
import { GroupCommit } from '../core/ledger/group-commit.js';
import { createTeamHosting, type AppTeamHosting } from './team-hosting.js';
import { teamServe } from '../web/team-core.js';
import { appPageUrl, handleAppProtocol, registerAppScheme, trustedDevServer } from './app-protocol.js';
import { deepLinkInArgv, devProtocolClient, parseDeepLink, PROTOCOL, type DeepLink } from './deep-link.js';
import { startReturnListener, type ReturnListener } from '../web/return-listener.js';
import { appMenuTemplate, DOCS_URL } from './menu.js';
import { createNotifier, type Notifier } from './notify.js';
import { systemTimers, type Timers } from './timers.js';
import { createVendorMeter, type VendorMeter } from '../web/vendor-meter.js';
import { loadAppFluximageKey, saveFluximageKey } from './fluximage-key.js';
import { takeFluximageEnv } from '../core/connectors/keys.js';
import type { Fetch } from '../core/connectors/fluximage.js';
import { createTray, trayIconPath, type TrayController } from './tray.js';
import { createMembership, type AppMembership } from './membership.js';
import { membershipStore } from './membership-store.js';
import { membershipTrayLines } from './membership-tray.js';
import { loadWindowState, MIN_SIZE, saveWindowState, type WindowState } from './window-state.js';
import { restoreOnRestart, restorePending } from './restore-on-start.js';
import { systemClock } from '../core/util/clock.js';

export const LEDGER_FILE = 'creditdeck.sqlite';

/** The page colour of renderer/src/styles.css (--bg), light and dark: the window shows it before the page paints. */
export const BACKGROUND = { light: '#f5f6f8', dark: '#0d1015' } as const;

export const backgroundFor = (dark: boolean): string => (dark ? BACKGROUND.dark : BACKGROUND.light);

/** The better-sqlite3 build for this Electron (scripts/electron-native.mjs writes it), when there is one. */
export function electronNativeBinding(nativeDir: string | undefined, electronVersion: string | undefined, exists: (path: string) => boolean = existsSync): string | undefined {
  if (!nativeDir || !electronVersion) return undefined;
  const file = join(nativeDir, `electron-${electronVersion}`, 'better_sqlite3.node');
  return exists(file) ? file : undefined;
}

const ABI_MISMATCH = /NODE_MODULE_VERSION|compiled against a different Node\.js version/;

export interface AppOptions {
  /** The built preload script (out/preload/index.cjs). */
  preloadPath: string;
  /** The built renderer (out/renderer/index.html): its folder is served as app://creditdeck/ (app-protocol.ts). */
  rendererFile: string;
  /** The renderer dev server (electron-vite sets ELECTRON_RENDERER_URL): ignored in a packaged app and unless on loopback. */
  devServerUrl?: string;
  /** resources/ (the tray icons). */
  resourcesDir: string;
  /** out/native: better-sqlite3 built for Electron, in electron-<version>/ (scripts/electron-native.mjs). */
  nativeDir?: string;
  /** Default: process.versions.electron (undefined under plain Node: the node_modules build is used). */
  electronVersion?: string;
  /** For CREDITDECK_DB, which the CLI honours too. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default: process.platform. */
  platform?: NodeJS.Platform;
  /** The tray's and the notifications' intervals. Default: the real timers. */
  timers?: Timers;
  trayIntervalMs?: number;
  notifyIntervalMs?: number;
  /** How often pending purchases are checked with Stripe. Default 5 s. */
  purchasePollMs?: number;
  /** The Help menu's documentation link (shown only when safeOpenExternal allows it). Default: DOCS_URL. */
  docsUrl?: string;
  /** The command line at a cold start, which may carry a creditdeck:// link. Default: process.argv. */
  argv?: readonly string[];
  /** Started as `electron .` (process.defaultApp): the scheme is registered with the app's path. Default: process.defaultApp. */
  defaultApp?: boolean;
  execPath?: string;
  log?: (line: string) => void;
}

export interface RunningApp {
  window: BrowserWindowLike;
  ctx: Ctx;
  dbPath: string;
  /** The better_sqlite3.node the ledger was opened with, when not node_modules' own. */
  nativeBinding: string | undefined;
  /** Null when the tray could not be created. */
  tray: TrayController | null;
  notifier: Notifier;
  /** Purchases: Stripe from safeStorage (or STRIPE_SECRET_KEY), Checkout opened through safeOpenExternal. */
  payments: Payments;
  /** Where Checkout sends the buyer back (the return listener on 127.0.0.1), or CREDITDECK_RETURN_URL. */
  returnBase: string;
  /** Settles once a creditdeck:// link taken so far has been acted on (tests wait on it). */
  linksSettled(): Promise<void>;
  /** Settings → Team: the app serving its ledger as the team host while it runs. */
  hosting: AppTeamHosting;
  /** Settings → Team → Join: the app as a member of teams hosted elsewhere, synced in the background. */
  membership: AppMembership;
}

/** The return page's link: the deep link that brings the window forward. */
export const RETURN_BACK = { href: `${PROTOCOL}://purchases`, label: 'Back to Creditdeck' } as const;

export interface StartedApp {
  /** False when another instance already runs: this one has asked to quit. */
  primary: boolean;
  /** Resolves once the window is created (null for a second instance). */
  ready: Promise<RunningApp | null> | null;
}

/** The ledger the app opens: $CREDITDECK_DB as the CLI does, else creditdeck.sqlite in the app's data folder. */
export function ledgerPath(userData: string, env: NodeJS.ProcessEnv): string {
  return env.CREDITDECK_DB && env.CREDITDECK_DB.length > 0 ? env.CREDITDECK_DB : join(userData, LEDGER_FILE);
}

export function windowOptions(state: WindowState, preloadPath: string, backgroundColor: string = BACKGROUND.light): WindowOptionsLike {
  return {
    width: state.width,
    height: state.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: APP_NAME,
    backgroundColor,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    },
  };
}

/**
 * Every web contents the app creates: no navigation away, no new windows, no
 * <webview>. `extraHosts` gives the hosts a denied window.open may still
 * reach in the system browser beyond Stripe's (the packs' own purchase
 * links, as the buy flow allows), read at each click.
 */
export function harden(contents: WebContentsLike, shell: ShellLike, log: (line: string) => void, extraHosts: () => readonly string[] = () => [], confirm?: ConfirmHost): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    log(`creditdeck: blocked navigation to ${url.slice(0, 200)}`);
  });
  // will-navigate misses a subframe's navigation and a server redirect: both are refused too.
  const block = (what: string) => (event: NavigationEventLike) => {
    event.preventDefault();
    log(`creditdeck: blocked ${what} to ${event.url.slice(0, 200)}`);
  };
  contents.on('will-frame-navigate', block('a frame navigation'));
  contents.on('will-redirect', block('a redirect'));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Never a new app window; an allow-listed https link (Stripe, a receipt, a pack's link) opens in the system browser.
    let hosts: readonly string[] = [];
    try {
      hosts = extraHosts();
    } catch (e) {
      log(`creditdeck: could not read the packs' link hosts: ${(e as Error).message}`);
    }
    void safeOpenExternal(url, shell, hosts, confirm).catch(() => {});
    return { action: 'deny' };
  });
}

/** Replace any CSP a response carries with ours (header names are case-insensitive). */
export function withCsp(headers: Record<string, string[]> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() !== 'content-security-policy') out[k] = v;
  out['Content-Security-Policy'] = [csp];
  return out;
}

export function startApp(electron: ElectronDeps, opts: AppOptions): StartedApp {
  const { app } = electron;
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const env = opts.env ?? process.env;
  // Read once and dropped from the environment: the browser shell.openExternal starts inherits it.
  const envKeys = takeStripeEnv(env);
  const fluximageEnvKey = takeFluximageEnv(env);
  const platform = opts.platform ?? process.platform;
  const timers = opts.timers ?? systemTimers;
  const electronVersion = 'electronVersion' in opts ? opts.electronVersion : process.versions.electron;

  // The folder appDataDir() in main/core/api/open.ts computes, whatever the package is called, so the CLI finds the same ledger.
  app.setPath('userData', join(app.getPath('appData'), APP_NAME));

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { primary: false, ready: null };
  }
  app.enableSandbox();
  // Without it a Windows install shows no notifications from the app (the shortcut is registered under the appId).
  if (platform === 'win32') app.setAppUserModelId(APP_ID);
  // app:// must be privileged before the app is ready; it is served once it is.
  registerAppScheme(electron.protocol);
  const devServerUrl = trustedDevServer(opts.devServerUrl, app.isPackaged);
  if (opts.devServerUrl && !devServerUrl) log(`creditdeck: ignored the renderer dev server ${opts.devServerUrl.slice(0, 100)}: ${app.isPackaged ? 'a packaged app loads only its own page' : 'not a loopback http(s) address'}`);
  const argv = opts.argv ?? process.argv;
  const dev = devProtocolClient(opts.defaultApp ?? Boolean((process as { defaultApp?: boolean }).defaultApp), opts.execPath ?? process.execPath, argv, (p) => resolve(p));
  if (!(dev ? app.setAsDefaultProtocolClient(PROTOCOL, dev.path, dev.args) : app.setAsDefaultProtocolClient(PROTOCOL))) log(`creditdeck: could not register ${PROTOCOL}:// links with the system; Checkout's return page still works`);

  let win: BrowserWindowLike | null = null;
  let ctx: Ctx | null = null;
  let tray: TrayController | null = null;
  let notifier: Notifier | null = null;
  let pendingRefresh: unknown = null;
  let purchasePoll: unknown = null;
  let returnListener: ReturnListener | null = null;
  let hosting: AppTeamHosting | null = null;
  let vendorMeter: VendorMeter | null = null;
  let membership: AppMembership | null = null;
  let quitting = false;
  // creditdeck:// links that came before the ledger was open; acted on once it is.
  const early: DeepLink[] = [];
  let follow: ((link: DeepLink) => Promise<void>) | null = null;
  let following: Promise<void> = Promise.resolve();
  const take = (link: DeepLink | null): void => {
    if (!link) return;
    if (!follow) early.push(link);
    else following = following.then(() => follow?.(link));
  };
  const cold = deepLinkInArgv(argv);
  if (cold) early.push(cold);

  /** Bring the window forward (a second launch, the tray, a notification). Closing it quits the app, so there is always one while it runs. */
  const showWindow = (): void => {
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  app.on('second-instance', (_event, secondArgv) => {
    showWindow();
    take(deepLinkInArgv(Array.isArray(secondArgv) ? secondArgv : []));
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const link = parseDeepLink(url);
    if (!link) log(`creditdeck: ignored a link that is not a Creditdeck link: ${String(url).slice(0, 100)}`);
    take(link);
  });
  // The packs' link hosts come from the ledger (the same list the buy flow's opener uses); none before it is open.
  const linkHosts = (): readonly string[] => (ctx?.db.open ? packLinkHosts(ctx) : []);
  // A pack's link to a host that is not Stripe's comes from ledger data: the user confirms the host first.
  const confirmHost: ConfirmHost = async (host) => {
    const { response } = await electron.dialog.showMessageBox({
      type: 'question',
      buttons: [`Open ${host}`, 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      title: 'Open a site outside Stripe?',
      message: `Open ${host} in your browser?`,
      detail: `This link goes to ${host}, a site named in a provider's pack, not to Stripe. Open it only if you expect to buy credits there.`,
      noLink: true,
    });
    return response === 0;
  };
  app.on('web-contents-created', (_event, contents) => harden(contents, electron.shell, log, linkHosts, confirmHost));
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    quitting = true;
    if (pendingRefresh !== null) timers.clearTimeout(pendingRefresh);
    pendingRefresh = null;
    if (purchasePoll !== null) timers.clearInterval(purchasePoll);
    purchasePoll = null;
    void returnListener?.close();
    returnListener = null;
    void hosting?.close();
    vendorMeter?.stop();
    hosting = null;
    membership?.close();
    membership = null;
    tray?.stop();
    notifier?.stop();
    if (ctx?.db.open) ctx.db.close();
  });

  const ready = app.whenReady().then(async (): Promise<RunningApp | null> => {
    const userData = app.getPath('userData');
    const dbPath = ledgerPath(userData, env);
    const nativeBinding = electronNativeBinding(opts.nativeDir, electronVersion);
    const native = nativeBinding !== undefined ? { nativeBinding } : {};
    const restored = restorePending(userData, dbPath, systemClock, native);
    let opened: Ctx;
    try {
      opened = openLedger(dbPath, native);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const hint =
        nativeBinding === undefined && electronVersion !== undefined && ABI_MISMATCH.test(message)
          ? `\n\nThere is no better-sqlite3 built for Electron ${electronVersion}: run \`node scripts/electron-native.mjs\` (it needs the Electron headers from electronjs.org and a C++ toolchain).`
          : '';
      electron.dialog.showErrorBox(`${APP_NAME} cannot open its ledger`, `${dbPath}\n\n${message}${hint}`);
      app.quit();
      return null;
    }
    ctx = opened;
    if (restored && 'failed' in restored) electron.dialog.showErrorBox(`${APP_NAME} could not restore the backup`, `${restored.failed.backup}\n\n${restored.failed.message}\n\nThe ledger is as it was.`);
    if (restored && 'restored' in restored) log(`creditdeck: restored ${restored.restored.backup} (${restored.restored.events} events); the previous ledger is kept as ${restored.restored.keptAs ?? 'nothing (there was none)'}`);

    const ses = electron.session.defaultSession;
    ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    const csp = devServerUrl ? devCsp(devServerUrl) : CSP;
    handleAppProtocol(electron.protocol, opts.rendererFile);
    ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details.responseHeaders, csp) }));

    // A write from the window: the tray and the notifications look again once the answer has gone back (bursts coalesce).
    const afterWrite = (): void => {
      if (pendingRefresh !== null) return;
      pendingRefresh = timers.setTimeout(() => {
        pendingRefresh = null;
        tray?.refresh();
        notifier?.check();
      }, 0);
    };
    // Purchases: keys from safeStorage (or the environment), never sent to the window; Checkout opens in the system browser.
    const fromEnv = () => loadSecretsFromEnv(env, platform, envKeys);
    const stripeFrom = (keys: LoadedSecrets) => {
      // CREDITDECK_STRIPE_API (the tests' fake Stripe) is refused in a packaged app.
      const client = stripeClient(keys, env, { packaged: app.isPackaged });
      return { gateway: client.gateway, missing: client.missing ? client.missing.replace('set STRIPE_SECRET_KEY', 'save the Stripe key in Settings or set STRIPE_SECRET_KEY') : null };
    };
    const keys = loadStripeSecrets(electron.safeStorage, userData, fromEnv, platform);
    for (const w of keys.warnings) log(`creditdeck: ${w}`);
    const initial = stripeFrom(keys);
    const payments = new Payments({
      gateway: initial.gateway,
      missing: initial.missing,
      openUrl: (url) => safeOpenExternal(url, electron.shell, packLinkHosts(opened), confirmHost),
      ...(env.CREDITDECK_RETURN_URL ? { returnBase: env.CREDITDECK_RETURN_URL } : {}),
      log,
    });
    const startPolling = (): void => {
      if (purchasePoll !== null || !payments.configured) return;
      let busy = false;
      purchasePoll = timers.setInterval(() => {
        if (busy) return;
        busy = true;
        payments
          .poll(opened)
          .then((r) => {
            if (r.paid.length) afterWrite();
          })
          .catch((e: unknown) => log(`creditdeck: checking pending purchases failed: ${(e as Error).message}`))
          .finally(() => (busy = false));
      }, opts.purchasePollMs ?? 5000);
    };
    startPolling();
    // Checkout's success and cancel pages, on 127.0.0.1: a paid return brings the window forward.
    // Bound while the window loads (long before anyone can click Buy); awaited before startup is done.
    const listening = env.CREDITDECK_RETURN_URL
      ? Promise.resolve()
      : startReturnListener({
          ctx: opened,
          payments,
          back: RETURN_BACK,
          log,
          onVerified: (v) => {
            if (v.status === 'paid') afterWrite();
            showWindow();
          },
        }).then(
          (l) => {
            if (quitting) return void l.close();
            returnListener = l;
            payments.returnBase = l.url;
          },
          (e: unknown) => log(`creditdeck: no return page for Checkout (${(e as Error).message}); purchases are still verified by polling`),
        );
    /**
     * Settings' "Payments (Stripe)" card (payments.setKeys, validated by the
     * handler): encrypted with safeStorage, then used at once. The window
     * gets the status back, never the keys; nothing about them is logged.
     */
    const saveStripeKeys = (secrets: StripeSecrets): PaymentsStatus => {
      if (fromEnv().source === 'env') {
        throw new InputError('this app takes the Stripe key from STRIPE_SECRET_KEY in its environment, which wins over saved keys; unset it to use keys saved here', 'secretKey');
      }
      if (!electron.safeStorage) throw new InputError('this system offers no encrypted storage to Creditdeck, so the Stripe keys were not saved; set STRIPE_SECRET_KEY in the environment instead', 'secretKey');
      try {
        saveStripeSecrets(electron.safeStorage, userData, secrets, platform);
      } catch (e) {
        if (e instanceof SecretsError) throw new InputError(e.message, 'secretKey');
        throw e;
      }
      const next = stripeFrom(loadStripeSecrets(electron.safeStorage, userData, fromEnv, platform));
      payments.configure(next.gateway, next.missing);
      startPolling();
      const status = payments.status();
      log(`creditdeck: Stripe keys saved (${status.mode ?? 'not usable'}${secrets.webhookSecret ? ', with a webhook secret' : ''})`);
      return status;
    };
    // Settings → Team: the same HTTPS team host `creditdeck serve --team` runs, on this ledger, while the app runs.
    const teamHosting = createTeamHosting({ ctx: opened, dir: userData, teamServe, staticDir: dirname(opts.rendererFile), payments, log, now: () => opened.clock.now() });
    hosting = teamHosting;
    let key: Buffer | null = null;
    const teamKey = (): Buffer => (key ??= teamServe.hostKey(dbPath));
    // The vendor's own meter (docs/vendors.md): Fluximage's usage API, read on a schedule once a key is set; a local fake only in development.
    const meter = createVendorMeter({
      ctx: opened,
      timers,
      fetch: fetch as unknown as Fetch,
      key: () => loadAppFluximageKey(electron.safeStorage, userData, fluximageEnvKey, platform),
      apiOverride: app.isPackaged ? undefined : env.CREDITDECK_FLUXIMAGE_API,
      afterRead: afterWrite,
      log,
    });
    vendorMeter = meter;
    // Settings' Fluximage card (reconcile.setKey, desktop-only): encrypted with safeStorage, then read on the schedule.
    const fluximageKey = {
      status: () => {
        const k = loadAppFluximageKey(electron.safeStorage, userData, fluximageEnvKey, platform);
        return { configured: k.key !== null, source: k.source, missing: k.missing };
      },
      save: (key: string) => {
        if (fluximageEnvKey !== undefined) throw new InputError('this app takes the Fluximage key from FLUXIMAGE_API_KEY in its environment, which wins over a saved key; unset it to use a key saved here', 'key');
        if (!electron.safeStorage) throw new InputError('this system offers no encrypted storage to Creditdeck, so the key was not saved; set FLUXIMAGE_API_KEY in the environment instead', 'key');
        try {
          saveFluximageKey(electron.safeStorage, userData, key, platform);
        } catch (e) {
          if (e instanceof SecretsError) throw new InputError(e.message, 'key');
          throw e;
        }
        meter.start();
        log('creditdeck: Fluximage key saved');
        return fluximageKey.status();
      },
    };
    // Teams joined as a member (Settings → Team → Join): the outbox sent in the background; rejections and overdrafts told in a notification.
    const shownNotices: unknown[] = [];
    const member = createMembership({
      dir: userData,
      store: membershipStore(userData, electron.safeStorage, platform),
      timers,
      now: () => opened.clock.now(),
      log,
      changed: () => tray?.refresh(),
      notify: (n) => {
        if (!electron.Notification.isSupported()) return;
        const shown = new electron.Notification({ title: n.title, body: n.body });
        shown.on('click', showWindow);
        shown.show();
        // Kept referenced so its click handler survives garbage collection (as notify.ts does).
        shownNotices.push(shown);
        if (shownNotices.length > 20) shownNotices.shift();
      },
    });
    membership = member;
    // The window's writes are committed in groups when they come faster than one commit each (main/core/ledger/group-commit.ts).
    registerIpc(electron.ipcMain, opened, { page: appPageUrl(opts.rendererFile), devServerUrl }, log, afterWrite, { payments, saveStripeKeys, hosting: teamHosting, meterStatus: meter.status, fluximageKey, membership: member, restore: restoreOnRestart({ userData, clock: opened.clock, native, restart: () => { app.relaunch(); app.quit(); } }) }, teamKey, new GroupCommit(opened));

    electron.Menu.setApplicationMenu(
      electron.Menu.buildFromTemplate(appMenuTemplate({ platform, dev: !app.isPackaged, appName: app.name, shell: electron.shell, docsUrl: 'docsUrl' in opts ? opts.docsUrl : DOCS_URL })),
    );

    // Follow the system's light or dark mode (the page follows prefers-color-scheme); the window's own colour too.
    const theme = electron.nativeTheme;
    theme.themeSource = 'system';
    theme.on('updated', () => {
      if (win && !win.isDestroyed()) win.setBackgroundColor(backgroundFor(theme.shouldUseDarkColors));
    });

    const state = loadWindowState(userData);
    const w = new electron.BrowserWindow(windowOptions(state, opts.preloadPath, backgroundFor(theme.shouldUseDarkColors)));
    win = w;
    w.once('ready-to-show', () => {
      if (state.maximized) w.maximize();
      w.show();
    });
    w.on('close', () => {
      try {
        const b = w.getNormalBounds();
        saveWindowState(userData, { width: b.width, height: b.height, maximized: w.isMaximized() });
      } catch (e) {
        log(`creditdeck: could not save the window size: ${(e as Error).message}`);
      }
    });
    w.on('closed', () => {
      win = null;
    });
    const load = w.loadURL(devServerUrl ?? appPageUrl(opts.rendererFile));
    load.catch((e: unknown) => log(`creditdeck: the window did not load: ${(e as Error).message}`));

    try {
      tray = createTray(electron, {
        ctx: opened,
        iconPath: trayIconPath(opts.resourcesDir, platform),
        platform,
        timers,
        intervalMs: opts.trayIntervalMs,
        open: showWindow,
        quit: () => app.quit(),
        log,
        extraLines: () => membershipTrayLines(member.status().teams, member.accounts(), opened.clock.now()),
      });
    } catch (e) {
      log(`creditdeck: no tray item: ${(e as Error).message}`);
    }
    notifier = createNotifier(electron, { ctx: opened, stateDir: userData, ledgerPath: dbPath, timers, intervalMs: opts.notifyIntervalMs, focus: showWindow, log, teamPace: () => member.paceSources() });

    await listening;
    await teamHosting.autoStart();
    member.start();
    follow = async (link: DeepLink): Promise<void> => {
      showWindow();
      if (link.kind !== 'purchase-return') return;
      try {
        const v = await payments.verifySession(opened, link.sessionId, 'deep-link');
        if (v.status === 'paid') afterWrite();
      } catch (e) {
        log(`creditdeck: could not check the purchase of a ${PROTOCOL}:// link: ${(e as Error).message}`);
      }
    };
    for (const link of early.splice(0)) take(link);

    return { window: w, ctx: opened, dbPath, nativeBinding, tray, notifier, payments, returnBase: payments.returnBase, linksSettled: () => following, hosting: teamHosting, membership: member };
  });
  return { primary: true, ready };
}
