/**
 * The two files that import 'electron' itself, run against a mocked module
 * (Electron is not installed here). Their paths are computed so TypeScript
 * does not follow them into tsconfig.json's program: they are type-checked by
 * tsconfig.electron.json where Electron's types exist.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL } from '../../main/electron/channel.js';
import { fakeElectron, topFrame } from './fake-electron.js';

const bridge = vi.hoisted(() => ({
  exposed: [] as Array<[string, unknown]>,
  invoked: [] as unknown[][],
  electron: null as unknown,
}));

vi.mock('electron', () => ({
  // The preload's side of Electron…
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => bridge.exposed.push([key, api]) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      bridge.invoked.push(args);
      return Promise.resolve({ ok: true, result: 'from main' });
    },
  },
  // …and the main process's, delegated to the fake set up per test.
  get app() {
    return (bridge.electron as ReturnType<typeof fakeElectron>).deps.app;
  },
  get BrowserWindow() {
    return (bridge.electron as ReturnType<typeof fakeElectron>).deps.BrowserWindow;
  },
  get dialog() {
    return (bridge.electron as ReturnType<typeof fakeElectron>).deps.dialog;
  },
  get ipcMain() {
    return (bridge.electron as ReturnType<typeof fakeElectron>).deps.ipcMain;
  },
  get session() {
    return (bridge.electron as ReturnType<typeof fakeElectron>).deps.session;
  },
  get shell() {
    return (bridge.electron as ReturnType<typeof fakeElectron>).deps.shell;
  },
  get protocol() {
    return (bridge.electron as ReturnType<typeof fakeElectron>).deps.protocol;
  },
  get Menu() {
    return (bridge.electron as ReturnType<typeof fakeElectron>).deps.Menu;
  },
  get Tray() {
    return (bridge.electron as ReturnType<typeof fakeElectron>).deps.Tray;
  },
  get Notification() {
    return (bridge.electron as ReturnType<typeof fakeElectron>).deps.Notification;
  },
  get nativeImage() {
    return (bridge.electron as ReturnType<typeof fakeElectron>).deps.nativeImage;
  },
  // The Stripe keys' store (main/electron/secrets.ts): nothing stored in these tests.
  safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
  get nativeTheme() {
    return (bridge.electron as ReturnType<typeof fakeElectron>).deps.nativeTheme;
  },
}));

const entry = (rel: string) => join(import.meta.dirname, '..', '..', rel);

beforeEach(() => {
  vi.resetModules();
  bridge.exposed.length = 0;
  bridge.invoked.length = 0;
});

describe('preload/index.ts', () => {
  it('exposes window.creditdeck with call() and nothing else', async () => {
    await import(/* @vite-ignore */ entry('preload/index.ts'));
    expect(bridge.exposed).toHaveLength(1);
    const [key, api] = bridge.exposed[0]!;
    expect(key).toBe('creditdeck');
    expect(Object.keys(api as object)).toEqual(['call']);
    const result = await (api as { call: (n: string, i?: unknown) => Promise<unknown> }).call('balance.get', { account: 'lux-free' });
    expect(bridge.invoked).toEqual([[CHANNEL, 'balance.get', { account: 'lux-free' }]]);
    expect(result).toEqual({ ok: true, result: 'from main' });
  });
});

describe('main/electron/main.ts', () => {
  const saved = process.env.ELECTRON_RENDERER_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.ELECTRON_RENDERER_URL;
    else process.env.ELECTRON_RENDERER_URL = saved;
  });

  async function boot(opts: { isPackaged: boolean; devUrl?: string }) {
    const fake = fakeElectron({ appData: mkdtempSync(join(tmpdir(), 'creditdeck-entry-')), isPackaged: opts.isPackaged });
    bridge.electron = fake;
    if (opts.devUrl) process.env.ELECTRON_RENDERER_URL = opts.devUrl;
    else delete process.env.ELECTRON_RENDERER_URL;
    const prevDb = process.env.CREDITDECK_DB;
    delete process.env.CREDITDECK_DB;
    try {
      await import(/* @vite-ignore */ entry('main/electron/main.ts'));
      // startApp runs on import; awaiting the ready promise lets its continuation (the window) run first.
      expect(fake.calls.ready).not.toBeNull();
      await fake.calls.ready;
      expect(fake.windows).toHaveLength(1);
    } finally {
      if (prevDb !== undefined) process.env.CREDITDECK_DB = prevDb;
    }
    return fake;
  }

  it('starts the hardened shell with the built preload and renderer', async () => {
    const fake = await boot({ isPackaged: true, devUrl: 'http://localhost:5173' });
    const w = fake.windows[0]!;
    expect(w.options.webPreferences.preload).toMatch(/[/\\]preload[/\\]index\.cjs$/);
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    // Packaged: the dev server URL is ignored, the built page is loaded over app://, served from out/renderer.
    expect(w.loaded).toEqual({ url: 'app://creditdeck/index.html' });
    expect(fake.schemes.handlers.has('app')).toBe(true);
    const ok = await fake.invoke(CHANNEL, topFrame(w.loaded.url!), 'presets.list', {});
    expect(ok).toMatchObject({ ok: true });
    // The tray icon from the repository's resources/, the application menu, the system theme.
    expect(fake.images.map((i) => i.path)).toEqual([join(entry('resources'), process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png')]);
    expect(fake.trays[0]!.image.isEmpty()).toBe(false);
    expect(fake.menus.application).toHaveLength(1);
    expect(fake.nativeTheme.themeSource).toBe('system');
    fake.app.emit('will-quit');
    expect(fake.trays[0]!.isDestroyed()).toBe(true);
  });

  it('uses the dev server only when not packaged', async () => {
    const fake = await boot({ isPackaged: false, devUrl: 'http://localhost:5173/' });
    expect(fake.windows[0]!.loaded).toEqual({ url: 'http://localhost:5173/' });
    fake.app.emit('will-quit');
  });
});
