/**
 * The slice of Electron's main-process API the shell uses, as local types.
 * The shell's modules take these as a dependency instead of importing
 * 'electron', so they type-check and unit-test (with a fake) on a machine
 * without the Electron binary. main.ts passes the real module; where Electron
 * is installed, tsconfig.electron.json checks that the real API fits these.
 */

export interface PreventableEvent {
  preventDefault(): void;
}

/** will-frame-navigate and will-redirect: the event carries the URL. */
export interface NavigationEventLike extends PreventableEvent {
  readonly url: string;
}

export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  /** Any frame about to navigate, the top one included. */
  on(event: 'will-frame-navigate', listener: (event: NavigationEventLike) => void): unknown;
  /** A server redirect during a navigation. */
  on(event: 'will-redirect', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface WebPreferencesLike {
  preload: string;
  contextIsolation: boolean;
  sandbox: boolean;
  nodeIntegration: boolean;
  nodeIntegrationInWorker: boolean;
  nodeIntegrationInSubFrames: boolean;
  webSecurity: boolean;
  allowRunningInsecureContent: boolean;
  webviewTag: boolean;
  experimentalFeatures: boolean;
  navigateOnDragDrop: boolean;
}

export interface WindowOptionsLike {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  /** What shows before the page paints: the theme's page colour, so a dark desktop gets no white flash. */
  backgroundColor: string;
  webPreferences: WebPreferencesLike;
}

export interface RectangleLike {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  loadFile(filePath: string): Promise<void>;
  on(event: 'close' | 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  focus(): void;
  restore(): void;
  maximize(): void;
  isMinimized(): boolean;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  getNormalBounds(): RectangleLike;
  setBackgroundColor(color: string): void;
}

export interface BrowserWindowClassLike {
  new (options: WindowOptionsLike): BrowserWindowLike;
}

export interface AppLike {
  readonly isPackaged: boolean;
  /** The product name (package.json productName): the macOS app menu's title. */
  readonly name: string;
  requestSingleInstanceLock(): boolean;
  /** Windows: the id notifications and the taskbar group under; the installer's shortcut carries the same one. */
  setAppUserModelId(id: string): void;
  quit(): void;
  /** Start the app again once this one has quit (a restore puts the backup in place at the next start). */
  relaunch(): void;
  enableSandbox(): void;
  whenReady(): Promise<void>;
  getPath(name: 'appData' | 'userData'): string;
  setPath(name: 'userData', path: string): void;
  /** Register creditdeck:// with the OS (in development: with the app's path as an argument). */
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  on(event: 'window-all-closed' | 'will-quit', listener: () => void): unknown;
  /** A second launch: its argv carries a creditdeck:// link on Windows and Linux. */
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): unknown;
  /** macOS hands links over here, possibly before the app is ready. */
  on(event: 'open-url', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
}

export interface HeadersReceivedDetailsLike {
  url: string;
  responseHeaders?: Record<string, string[]>;
}

export interface SessionLike {
  webRequest: {
    onHeadersReceived(listener: (details: HeadersReceivedDetailsLike, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void): void;
  };
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: () => boolean): void;
}

/** The frame an IPC message came from. */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

export interface IpcInvokeEventLike {
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
}

export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

/** protocol.registerSchemesAsPrivileged's entries (main/electron/app-protocol.ts). */
export interface CustomSchemeLike {
  scheme: string;
  privileges: { standard: boolean; secure: boolean; supportFetchAPI: boolean };
}

/** Electron's protocol module: the app:// scheme the window's page comes from. */
export interface ProtocolLike {
  /** Only before the app is ready, and only once. */
  registerSchemesAsPrivileged(customSchemes: CustomSchemeLike[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Electron's safeStorage: strings encrypted with the OS keychain / DPAPI / libsecret. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: the keyring in use; 'basic_text' is a password built into Chromium, no protection (secrets.ts refuses it). */
  getSelectedStorageBackend?(): string;
}

export interface MessageBoxOptionsLike {
  type?: 'none' | 'info' | 'error' | 'question' | 'warning';
  buttons?: string[];
  defaultId?: number;
  cancelId?: number;
  title?: string;
  message: string;
  detail?: string;
  noLink?: boolean;
}

export interface DialogLike {
  showErrorBox(title: string, content: string): void;
  /** Resolves with the index of the button clicked (cancelId when the box is dismissed). */
  showMessageBox(options: MessageBoxOptionsLike): Promise<{ response: number }>;
}

export interface NativeImageLike {
  isEmpty(): boolean;
}

export interface NativeImageModuleLike {
  /** Picks up `name@2x.png` beside `name.png` for high-density screens; a name ending in `Template` is a macOS template image. */
  createFromPath(path: string): NativeImageLike;
}

/** The menu roles the shell uses (a subset of Electron's). */
export type MenuRoleLike =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'window'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'help';

/** One entry of a menu template (Menu.buildFromTemplate). */
export interface MenuItemOptionsLike {
  label?: string;
  role?: MenuRoleLike;
  type?: 'normal' | 'separator' | 'submenu';
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItemOptionsLike[];
}

/** A built menu: only ever handed back to Electron. */
export type MenuLike = object;

export interface MenuClassLike {
  buildFromTemplate(template: MenuItemOptionsLike[]): MenuLike;
  setApplicationMenu(menu: MenuLike | null): void;
}

export interface TrayLike {
  setToolTip(toolTip: string): void;
  setContextMenu(menu: MenuLike | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
  isDestroyed(): boolean;
}

export interface TrayClassLike {
  /** From the icon's path (Electron loads it as nativeImage.createFromPath does: @2x, Template). */
  new (image: string): TrayLike;
}

export interface NotificationOptionsLike {
  title: string;
  body: string;
}

export interface NotificationLike {
  show(): void;
  on(event: 'click' | 'close', listener: () => void): unknown;
}

export interface NotificationClassLike {
  new (options: NotificationOptionsLike): NotificationLike;
  isSupported(): boolean;
}

export interface NativeThemeLike {
  themeSource: 'system' | 'light' | 'dark';
  readonly shouldUseDarkColors: boolean;
  on(event: 'updated', listener: () => void): unknown;
}

/** What main.ts hands the shell: `import { app, BrowserWindow, … } from 'electron'`. */
export interface ElectronDeps {
  app: AppLike;
  BrowserWindow: BrowserWindowClassLike;
  ipcMain: IpcMainLike;
  session: { readonly defaultSession: SessionLike };
  protocol: ProtocolLike;
  shell: ShellLike;
  dialog: DialogLike;
  Menu: MenuClassLike;
  Tray: TrayClassLike;
  Notification: NotificationClassLike;
  nativeImage: NativeImageModuleLike;
  nativeTheme: NativeThemeLike;
  /** The Stripe keys are kept encrypted with it (main/electron/secrets.ts); without it purchases need STRIPE_SECRET_KEY. */
  safeStorage?: SafeStorageLike;
}
