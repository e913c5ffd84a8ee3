/**
 * A fake of the Electron main-process API (the slice in
 * main/electron/electron-api.ts), recording what the shell does with it.
 * It behaves like Electron where the shell depends on it: creating a window
 * emits app 'web-contents-created'; session.defaultSession throws before the
 * app is ready; will-navigate listeners get a preventable event; a Tray,
 * a Notification or a Menu cannot be made before the app is ready; a menu
 * template is checked as Menu.buildFromTemplate checks it; schemes are made
 * privileged only before the app is ready, and once, and protocol handlers
 * only after.
 */
import { readFileSync } from 'node:fs';
import type {
  AppLike,
  BrowserWindowLike,
  ElectronDeps,
  FrameLike,
  HeadersReceivedDetailsLike,
  IpcInvokeEventLike,
  MenuClassLike,
  MenuItemOptionsLike,
  MenuLike,
  MessageBoxOptionsLike,
  NativeImageLike,
  NativeThemeLike,
  NavigationEventLike,
  CustomSchemeLike,
  NotificationLike,
  NotificationOptionsLike,
  PreventableEvent,
  SafeStorageLike,
  RectangleLike,
  SessionLike,
  TrayLike,
  WebContentsLike,
  WindowOptionsLike,
} from '../../main/electron/electron-api.js';

type Listener = (...args: never[]) => unknown;

class Emitter {
  private listeners = new Map<string, Array<{ fn: Listener; once: boolean }>>();
  on(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), { fn, once: false }]);
    return this;
  }
  once(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), { fn, once: true }]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    const list = this.listeners.get(event) ?? [];
    this.listeners.set(
      event,
      list.filter((l) => !l.once),
    );
    for (const l of list) (l.fn as (...a: unknown[]) => unknown)(...args);
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export class FakeWebContents extends Emitter implements WebContentsLike {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  /** A navigation attempt: true when a listener prevented it. */
  navigate(url: string): boolean {
    let prevented = false;
    const event: PreventableEvent = { preventDefault: () => (prevented = true) };
    this.emit('will-navigate', event, url);
    return prevented;
  }
  /** A frame navigating (will-frame-navigate), or a server redirect during a navigation (will-redirect): true when prevented. */
  frameNavigate(url: string): boolean {
    return this.preventable('will-frame-navigate', url);
  }
  redirect(url: string): boolean {
    return this.preventable('will-redirect', url);
  }
  private preventable(name: string, url: string): boolean {
    let prevented = false;
    const event: NavigationEventLike = { url, preventDefault: () => (prevented = true) };
    this.emit(name, event);
    return prevented;
  }
  attachWebview(): boolean {
    let prevented = false;
    this.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    return prevented;
  }
  /** window.open / target=_blank: the handler's answer, or 'allow' when no handler is set (Electron's default). */
  windowOpen(url: string): string {
    return this.openHandler ? this.openHandler({ url }).action : 'allow';
  }
}

export interface FakeOptions {
  /** What requestSingleInstanceLock() answers. */
  lock?: boolean;
  appData: string;
  isPackaged?: boolean;
  /** nativeTheme.shouldUseDarkColors at start. */
  dark?: boolean;
  /** What Notification.isSupported() answers. */
  notifications?: boolean;
  /** What safeStorage.isEncryptionAvailable() answers (default true); null: no safeStorage at all. */
  encryption?: boolean | null;
  /** What setAsDefaultProtocolClient() answers (default true). */
  protocolClient?: boolean;
  /** safeStorage.getSelectedStorageBackend() (Linux): default 'gnome_libsecret'; 'basic_text' is no keyring. */
  storageBackend?: string;
  /** The button dialog.showMessageBox answers with (default: its cancelId, as when the box is dismissed). */
  messageBoxResponse?: (options: MessageBoxOptionsLike) => number;
}

/** A built menu: the template it was built from. */
export class FakeMenu {
  constructor(readonly template: MenuItemOptionsLike[]) {}
  /** Labels at the top level (separators as '---'). */
  labels(): string[] {
    return this.template.map((i) => (i.type === 'separator' ? '---' : (i.label ?? `(${i.role})`)));
  }
  /** Click the top-level item with this label. */
  click(label: string): void {
    const item = this.template.find((i) => i.label === label);
    if (!item) throw new Error(`no menu item "${label}" in ${JSON.stringify(this.labels())}`);
    if (item.enabled === false) throw new Error(`menu item "${label}" is disabled`);
    item.click?.();
  }
}

const ROLES = new Set([
  'about', 'services', 'hide', 'hideOthers', 'unhide', 'quit', 'close', 'undo', 'redo', 'cut', 'copy', 'paste', 'pasteAndMatchStyle', 'delete', 'selectAll',
  'reload', 'forceReload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen', 'window', 'minimize', 'zoom', 'front', 'help',
]);

/** What Menu.buildFromTemplate rejects: an item with neither label, role nor separator type, an unknown role, a click on a submenu. */
function checkTemplate(template: MenuItemOptionsLike[], path = ''): void {
  for (const [i, item] of template.entries()) {
    const where = `${path}[${i}]`;
    if (item.type !== 'separator' && item.label === undefined && item.role === undefined) throw new Error(`Invalid template for MenuItem: ${where} must have at least one of label, role or type`);
    if (item.role !== undefined && !ROLES.has(item.role)) throw new Error(`Invalid role ${item.role} at ${where}`);
    if (item.submenu) checkTemplate(item.submenu, `${where}.submenu`);
  }
}

export function fakeElectron(opts: FakeOptions) {
  const calls = {
    quit: 0,
    relaunch: 0,
    enableSandbox: 0,
    whenReady: 0,
    opened: [] as string[],
    /** setAsDefaultProtocolClient's arguments, call by call. */
    protocols: [] as Array<[string] | [string, string, string[]]>,
    errorBoxes: [] as Array<[string, string]>,
    messageBoxes: [] as MessageBoxOptionsLike[],
    appUserModelIds: [] as string[],
    /** What whenReady() returned: awaiting it runs after the shell's own continuation. */
    ready: null as Promise<void> | null,
  };
  const paths: Record<string, string> = { appData: opts.appData, userData: `${opts.appData}/creditdeck` };
  let ready = false;

  class FakeApp extends Emitter implements AppLike {
    readonly isPackaged = opts.isPackaged ?? true;
    readonly name = 'Creditdeck';
    requestSingleInstanceLock(): boolean {
      return opts.lock ?? true;
    }
    setAppUserModelId(id: string): void {
      calls.appUserModelIds.push(id);
    }
    quit(): void {
      calls.quit++;
    }
    relaunch(): void {
      calls.relaunch++;
    }
    setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean {
      calls.protocols.push(path === undefined ? [protocol] : [protocol, path, args ?? []]);
      return opts.protocolClient ?? true;
    }
    enableSandbox(): void {
      if (ready) throw new Error('enableSandbox must be called before the app is ready');
      calls.enableSandbox++;
    }
    whenReady(): Promise<void> {
      calls.whenReady++;
      ready = true;
      calls.ready = Promise.resolve();
      return calls.ready;
    }
    getPath(name: 'appData' | 'userData'): string {
      return paths[name]!;
    }
    setPath(name: 'userData', path: string): void {
      if (ready) throw new Error('set userData before the app is ready');
      paths[name] = path;
    }
  }
  const app = new FakeApp();

  const windows: FakeWindow[] = [];
  class FakeWindow extends Emitter implements BrowserWindowLike {
    readonly webContents = new FakeWebContents();
    loaded: { file?: string; url?: string } = {};
    shown = false;
    focused = 0;
    minimized = false;
    maximized = false;
    destroyed = false;
    bounds: RectangleLike;
    constructor(readonly options: WindowOptionsLike) {
      super();
      if (!ready) throw new Error('Cannot create BrowserWindow before app is ready');
      this.bounds = { x: 0, y: 0, width: options.width, height: options.height };
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string): Promise<void> {
      this.loaded = { url };
      return Promise.resolve();
    }
    loadFile(file: string): Promise<void> {
      this.loaded = { file };
      return Promise.resolve();
    }
    show(): void {
      this.shown = true;
    }
    focus(): void {
      this.focused++;
    }
    restore(): void {
      this.minimized = false;
    }
    maximize(): void {
      this.maximized = true;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    isMaximized(): boolean {
      return this.maximized;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    getNormalBounds(): RectangleLike {
      return { ...this.bounds };
    }
    backgroundColor: string[] = [];
    setBackgroundColor(color: string): void {
      this.backgroundColor.push(color);
    }
    /** The user closes the window. */
    close(): void {
      this.emit('close');
      this.destroyed = true;
      this.emit('closed');
    }
  }

  type HeadersListener = (details: HeadersReceivedDetailsLike, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void;
  const sessionState = {
    headersListener: null as HeadersListener | null,
    permissionRequest: null as ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null,
    permissionCheck: null as (() => boolean) | null,
  };
  const defaultSession: SessionLike = {
    webRequest: {
      onHeadersReceived: (listener) => {
        sessionState.headersListener = listener;
      },
    },
    setPermissionRequestHandler: (h) => {
      sessionState.permissionRequest = h;
    },
    setPermissionCheckHandler: (h) => {
      sessionState.permissionCheck = h;
    },
  };

  const ipcHandlers = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => unknown>();

  const schemes = { privileged: null as CustomSchemeLike[] | null, handlers: new Map<string, (request: Request) => Response | Promise<Response>>() };
  const protocol = {
    registerSchemesAsPrivileged(custom: CustomSchemeLike[]): void {
      if (ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
      if (schemes.privileged) throw new Error('protocol.registerSchemesAsPrivileged can be called only once');
      schemes.privileged = structuredClone(custom);
    },
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
      if (!ready) throw new Error('protocol.handle before the app is ready');
      if (schemes.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
      schemes.handlers.set(scheme, handler);
    },
  };
  /** What the page would get for `url` from a protocol handler; a scheme not made standard has no host to serve from. */
  async function protocolFetch(url: string, init?: RequestInit): Promise<Response> {
    const scheme = url.slice(0, url.indexOf(':'));
    const handler = schemes.handlers.get(scheme);
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME: ${url}`);
    if (!schemes.privileged?.some((s) => s.scheme === scheme && s.privileges.standard)) throw new Error(`${scheme}: is not a standard scheme: ${url} has no origin`);
    return handler(new Request(url, init));
  }

  const menus = { application: [] as Array<FakeMenu | null>, built: [] as FakeMenu[] };
  const Menu: MenuClassLike = {
    buildFromTemplate(template: MenuItemOptionsLike[]): MenuLike {
      checkTemplate(template);
      const m = new FakeMenu(template);
      menus.built.push(m);
      return m;
    },
    setApplicationMenu(menu: MenuLike | null): void {
      if (menu !== null && !(menu instanceof FakeMenu)) throw new TypeError('not a Menu');
      menus.application.push(menu);
    },
  };

  const trays: FakeTray[] = [];
  class FakeTray extends Emitter implements TrayLike {
    tooltips: string[] = [];
    menus: FakeMenu[] = [];
    destroyed = false;
    /** The icon, loaded from its path as Electron does. */
    readonly image: NativeImageLike;
    constructor(readonly iconPath: string) {
      super();
      if (!ready) throw new Error('Cannot create Tray before app is ready');
      this.image = loadImage(iconPath);
      trays.push(this);
    }
    setToolTip(text: string): void {
      if (this.destroyed) throw new Error('Object has been destroyed');
      this.tooltips.push(text);
    }
    setContextMenu(menu: MenuLike | null): void {
      if (this.destroyed) throw new Error('Object has been destroyed');
      if (!(menu instanceof FakeMenu)) throw new TypeError('not a Menu');
      this.menus.push(menu);
    }
    destroy(): void {
      this.destroyed = true;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    get tooltip(): string | undefined {
      return this.tooltips.at(-1);
    }
    get menu(): FakeMenu | undefined {
      return this.menus.at(-1);
    }
  }

  // Like Electron: a missing or unreadable file gives an empty image, not an error.
  function loadImage(path: string): NativeImageLike {
    let empty = true;
    try {
      empty = !readFileSync(path).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    } catch {
      empty = true;
    }
    return { isEmpty: () => empty };
  }
  const images: Array<{ path: string }> = [];
  const nativeImage = {
    createFromPath(path: string): NativeImageLike {
      images.push({ path });
      return loadImage(path);
    },
  };

  const notifications: FakeNotification[] = [];
  const notificationsSupported = opts.notifications ?? true;
  class FakeNotification extends Emitter implements NotificationLike {
    shown = false;
    constructor(readonly options: NotificationOptionsLike) {
      super();
      if (!ready) throw new Error('Cannot create Notification before app is ready');
      notifications.push(this);
    }
    static isSupported(): boolean {
      return notificationsSupported;
    }
    show(): void {
      this.shown = true;
    }
    /** The user clicks it. */
    click(): void {
      this.emit('click');
    }
  }

  const themeState = { dark: opts.dark ?? false };
  class FakeTheme extends Emitter implements NativeThemeLike {
    themeSource: 'system' | 'light' | 'dark' = 'system';
    sources: string[] = [];
    get shouldUseDarkColors(): boolean {
      return this.themeSource === 'system' ? themeState.dark : this.themeSource === 'dark';
    }
    /** The OS switches between light and dark. */
    setSystemDark(dark: boolean): void {
      themeState.dark = dark;
      this.emit('updated');
    }
  }
  const nativeTheme = new FakeTheme();
  // Start from a theme the app did not choose, so a test sees that it sets 'system'.
  nativeTheme.themeSource = 'light';

  /** Reversible, but never the plain text: a stand-in for the OS keychain. Records what it was asked. */
  const safeStorageCalls: string[] = [];
  const encryptionAvailable = opts.encryption ?? true;
  const safeStorage: SafeStorageLike = {
    isEncryptionAvailable: () => (safeStorageCalls.push('available'), encryptionAvailable === true),
    encryptString: (plain) => {
      if (!encryptionAvailable) throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
      safeStorageCalls.push('encrypt');
      return Buffer.concat([Buffer.from('FAKE-SAFESTORAGE:'), Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0xa5))]);
    },
    decryptString: (data) => {
      safeStorageCalls.push('decrypt');
      const head = Buffer.from('FAKE-SAFESTORAGE:');
      if (!data.subarray(0, head.length).equals(head)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(data.subarray(head.length).map((b) => b ^ 0xa5)).toString('utf8');
    },
    getSelectedStorageBackend: () => (safeStorageCalls.push('backend'), opts.storageBackend ?? 'gnome_libsecret'),
  };

  const deps: ElectronDeps = {
    app,
    Menu,
    Tray: FakeTray,
    Notification: FakeNotification,
    nativeImage,
    nativeTheme,
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel, listener) => {
        if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        ipcHandlers.set(channel, listener);
      },
    },
    protocol,
    session: {
      get defaultSession(): SessionLike {
        if (!ready) throw new Error('Session can only be received when app is ready');
        return defaultSession;
      },
    },
    shell: {
      openExternal: (url: string) => {
        calls.opened.push(url);
        return Promise.resolve();
      },
    },
    dialog: {
      showErrorBox: (title: string, content: string) => {
        calls.errorBoxes.push([title, content]);
      },
      showMessageBox: (options: MessageBoxOptionsLike) => {
        if (!ready) throw new Error('dialog.showMessageBox before the app is ready');
        calls.messageBoxes.push(options);
        return Promise.resolve({ response: opts.messageBoxResponse ? opts.messageBoxResponse(options) : (options.cancelId ?? 0) });
      },
    },
    ...(opts.encryption === null ? {} : { safeStorage }),
  };

  /** Simulate ipcRenderer.invoke from a frame at `url` (a subframe when `parentUrl` is given). */
  async function invoke(channel: string, frame: FrameLike | null, ...args: unknown[]): Promise<unknown> {
    const h = ipcHandlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    // What crosses IPC is a structured clone.
    return structuredClone(await h({ senderFrame: frame }, ...args));
  }

  /** Run a response through the registered onHeadersReceived listener. */
  function headers(url: string, responseHeaders: Record<string, string[]>): Record<string, string[]> | undefined {
    let out: Record<string, string[]> | undefined;
    sessionState.headersListener!({ url, responseHeaders }, (r) => (out = r.responseHeaders));
    return out;
  }

  return { deps, app, calls, paths, windows, sessionState, ipcHandlers, invoke, headers, schemes, protocolFetch, menus, trays, images, notifications, nativeTheme, safeStorageCalls };
}

export const topFrame = (url: string): FrameLike => ({ url, parent: null });
export const subFrame = (url: string, parentUrl: string): FrameLike => ({ url, parent: topFrame(parentUrl) });
