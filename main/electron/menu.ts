/**
 * The application menu, from Electron's roles: the macOS app menu, File,
 * Edit, View (reload and the developer tools in development only), Window,
 * and Help with the project's documentation when its address may be opened
 * (safeOpenExternal's allow-list); otherwise that item is left out.
 */
import type { MenuItemOptionsLike, ShellLike } from './electron-api.js';
import { allowedExternalUrl, safeOpenExternal } from './external.js';

/**
 * The project's documentation online. There is no published site yet (the
 * docs live in the repository's docs/); when there is one, put its address
 * here and its host in EXTERNAL_HOSTS (external.ts), and Help shows it.
 */
export const DOCS_URL: string | undefined = undefined;

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Development (not packaged): reload and the developer tools. */
  dev: boolean;
  /** The macOS app menu's title (app.name). */
  appName: string;
  shell: ShellLike;
  docsUrl?: string;
}

const separator: MenuItemOptionsLike = { type: 'separator' };

export function appMenuTemplate(opts: MenuOptions): MenuItemOptionsLike[] {
  const mac = opts.platform === 'darwin';
  const menu: MenuItemOptionsLike[] = [];

  if (mac) {
    menu.push({
      label: opts.appName,
      submenu: [{ role: 'about' }, separator, { role: 'services' }, separator, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, separator, { role: 'quit' }],
    });
  }

  // macOS quits from the app menu and closes windows from File; elsewhere File ends with Quit.
  menu.push({ label: 'File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] });

  menu.push({
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const, { role: 'delete' } as const] : [{ role: 'delete' } as const]),
      separator,
      { role: 'selectAll' },
    ],
  });

  menu.push({
    label: 'View',
    submenu: [
      ...(opts.dev ? [{ role: 'reload' } as const, { role: 'forceReload' } as const, { role: 'toggleDevTools' } as const, separator] : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  });

  menu.push({
    label: 'Window',
    role: 'window',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  });

  const help: MenuItemOptionsLike[] = [];
  const docs = allowedExternalUrl(opts.docsUrl);
  if (docs !== null) {
    help.push({
      label: 'Creditdeck Documentation',
      click: () => {
        void safeOpenExternal(docs, opts.shell).catch(() => {});
      },
    });
  }
  // macOS gives the Help menu a search field of its own, so it stays even when empty.
  if (help.length > 0 || mac) menu.push({ label: 'Help', role: 'help', submenu: help });

  return menu;
}
