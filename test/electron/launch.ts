/** Starts the desktop shell against the fake Electron module, as the app tests need it. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../main/electron/app.js';
import { fakeElectron, type FakeOptions } from './fake-electron.js';
import { FakeTimers } from './fake-timers.js';

export const RESOURCES = join(import.meta.dirname, '..', '..', 'resources');
export const RENDERER = '/opt/Creditdeck/out/renderer/index.html';
export const PRELOAD = '/opt/Creditdeck/out/preload/index.cjs';
/** The window's page: the built renderer over the app:// protocol (main/electron/app-protocol.ts). */
export const OWN_PAGE = 'app://creditdeck/index.html';

export interface LaunchOptions {
  lock?: boolean;
  appData?: string;
  devServerUrl?: string;
  /** The built page, whose folder app:// serves (default: a path that does not exist). */
  rendererFile?: string;
  env?: NodeJS.ProcessEnv;
  isPackaged?: boolean;
  dark?: boolean;
  platform?: NodeJS.Platform;
  nativeDir?: string;
  electronVersion?: string;
  /** safeStorage.isEncryptionAvailable(); null: no safeStorage. */
  encryption?: boolean | null;
  /** The cold-start command line (default: none with a link). */
  argv?: string[];
  defaultApp?: boolean;
  protocolClient?: boolean;
  /** safeStorage's Linux backend ('basic_text': no keyring). */
  storageBackend?: string;
  /** The button a native confirm dialog answers with. */
  messageBoxResponse?: FakeOptions['messageBoxResponse'];
}

const running: Array<{ app: RunningApp; quit: () => void }> = [];

/** afterEach: quit every app a test started (closes its ledger and its return listener). */
export function quitAll(): void {
  for (const r of running.splice(0)) if (r.app.ctx.db.open) r.quit();
}

export async function launch(opts: LaunchOptions = {}) {
  const appData = opts.appData ?? mkdtempSync(join(tmpdir(), 'creditdeck-app-'));
  const fake = fakeElectron({ appData, lock: opts.lock, isPackaged: opts.isPackaged, dark: opts.dark, encryption: opts.encryption, protocolClient: opts.protocolClient, storageBackend: opts.storageBackend, messageBoxResponse: opts.messageBoxResponse });
  const logs: string[] = [];
  const timers = new FakeTimers();
  const started = startApp(fake.deps, {
    preloadPath: PRELOAD,
    rendererFile: opts.rendererFile ?? RENDERER,
    resourcesDir: RESOURCES,
    devServerUrl: opts.devServerUrl,
    env: opts.env ?? {},
    platform: opts.platform ?? 'linux',
    nativeDir: opts.nativeDir,
    electronVersion: opts.electronVersion,
    argv: opts.argv ?? ['/opt/Creditdeck/creditdeck'],
    defaultApp: opts.defaultApp ?? false,
    execPath: '/opt/Creditdeck/creditdeck',
    timers,
    log: (l) => logs.push(l),
  });
  const app = started.ready ? await started.ready : null;
  if (app) running.push({ app, quit: () => fake.app.emit('will-quit') });
  return { fake, started, app, appData, logs, timers };
}
