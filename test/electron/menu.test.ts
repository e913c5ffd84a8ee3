import { describe, expect, it } from 'vitest';
import type { MenuItemOptionsLike } from '../../main/electron/electron-api.js';
import { EXTERNAL_HOSTS } from '../../main/electron/external.js';
import { appMenuTemplate, DOCS_URL, type MenuOptions } from '../../main/electron/menu.js';
import { fakeElectron } from './fake-electron.js';

function shell() {
  const opened: string[] = [];
  return { opened, shell: { openExternal: (url: string) => (opened.push(url), Promise.resolve()) } };
}

const template = (opts: Partial<MenuOptions>) => appMenuTemplate({ platform: 'linux', dev: false, appName: 'Creditdeck', shell: shell().shell, ...opts });

/** "File: quit" style outline of a menu: each top menu and its items' roles or labels. */
function outline(menu: MenuItemOptionsLike[]): Record<string, string[]> {
  return Object.fromEntries(menu.map((m) => [m.label, (m.submenu ?? []).map((i) => (i.type === 'separator' ? '---' : (i.role ?? i.label!)))]));
}

const submenu = (menu: MenuItemOptionsLike[], label: string) => menu.find((m) => m.label === label)?.submenu ?? [];
const roles = (items: MenuItemOptionsLike[]) => items.map((i) => i.role).filter(Boolean);

describe('application menu', () => {
  it('Windows and Linux: File with Quit, Edit, View, Window; no Help without a documentation link', () => {
    expect(outline(template({ platform: 'linux' }))).toEqual({
      File: ['quit'],
      Edit: ['undo', 'redo', '---', 'cut', 'copy', 'paste', 'delete', '---', 'selectAll'],
      View: ['resetZoom', 'zoomIn', 'zoomOut', '---', 'togglefullscreen'],
      Window: ['minimize', 'close'],
    });
    expect(outline(template({ platform: 'win32' }))).toEqual(outline(template({ platform: 'linux' })));
  });

  it('macOS: the app menu first (About … Quit), File closes the window, Window has Zoom and Bring All to Front, Help stays', () => {
    const mac = template({ platform: 'darwin', appName: 'Creditdeck' });
    expect(mac[0]!.label).toBe('Creditdeck');
    expect(outline(mac)).toEqual({
      Creditdeck: ['about', '---', 'services', '---', 'hide', 'hideOthers', 'unhide', '---', 'quit'],
      File: ['close'],
      Edit: ['undo', 'redo', '---', 'cut', 'copy', 'paste', 'pasteAndMatchStyle', 'delete', '---', 'selectAll'],
      View: ['resetZoom', 'zoomIn', 'zoomOut', '---', 'togglefullscreen'],
      Window: ['minimize', 'zoom', '---', 'front'],
      Help: [],
    });
    expect(mac.find((m) => m.label === 'Window')!.role).toBe('window');
    expect(mac.find((m) => m.label === 'Help')!.role).toBe('help');
  });

  it('reload and the developer tools only in development', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const prod = template({ platform, dev: false });
      const dev = template({ platform, dev: true });
      for (const role of ['reload', 'forceReload', 'toggleDevTools']) {
        expect(roles(submenu(prod, 'View')), `${platform} prod`).not.toContain(role);
        expect(roles(submenu(dev, 'View')), `${platform} dev`).toContain(role);
      }
      // Nowhere else either.
      expect(JSON.stringify(prod)).not.toMatch(/reload|toggleDevTools/i);
      expect(roles(submenu(dev, 'View'))).toEqual(['reload', 'forceReload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    }
  });

  it('Help links to the documentation only when its host is allow-listed, and opens it through safeOpenExternal', async () => {
    const { shell: sh, opened } = shell();
    const allowed = `https://${EXTERNAL_HOSTS[0]}/docs`;
    const withDocs = appMenuTemplate({ platform: 'linux', dev: false, appName: 'Creditdeck', shell: sh, docsUrl: allowed });
    const help = submenu(withDocs, 'Help');
    expect(help.map((i) => i.label)).toEqual(['Creditdeck Documentation']);
    help[0]!.click!();
    await Promise.resolve();
    expect(opened).toEqual([allowed]);

    for (const url of ['https://github.com/creditdeck/creditdeck#readme', `http://${EXTERNAL_HOSTS[0]}/docs`, 'file:///etc/passwd', 'not a url', undefined]) {
      const menu = appMenuTemplate({ platform: 'linux', dev: false, appName: 'Creditdeck', shell: sh, docsUrl: url });
      expect(menu.find((m) => m.label === 'Help'), String(url)).toBeUndefined();
      expect(JSON.stringify(menu)).not.toContain('Documentation');
      const mac = appMenuTemplate({ platform: 'darwin', dev: false, appName: 'Creditdeck', shell: sh, docsUrl: url });
      expect(submenu(mac, 'Help'), String(url)).toEqual([]);
    }
    expect(opened).toHaveLength(1);
  });

  it('the default documentation link is either absent or allowed (no dead Help item)', () => {
    const help = submenu(template({ docsUrl: DOCS_URL }), 'Help');
    if (DOCS_URL === undefined) expect(help).toEqual([]);
    else expect(help).toHaveLength(1);
  });

  it('every template builds (roles Electron knows, every item with a label, role or separator type)', async () => {
    const fake = fakeElectron({ appData: '/tmp/unused' });
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      for (const dev of [false, true]) {
        expect(() => fake.deps.Menu.buildFromTemplate(template({ platform, dev, docsUrl: 'https://checkout.stripe.com/x' }))).not.toThrow();
      }
    }
    expect(() => fake.deps.Menu.buildFromTemplate([{ role: 'reloadAll' as never }])).toThrow(/Invalid role/);
    expect(() => fake.deps.Menu.buildFromTemplate([{ enabled: true }])).toThrow(/at least one of label, role or type/);
  });
});
