/**
 * electron-builder: the desktop packages `npm run dist` makes (scripts/dist.mjs
 * runs `electron-vite build`, then electron-builder with this file). Linux
 * AppImage and .deb, macOS dmg, Windows NSIS installer; written to dist/.
 * docs/desktop.md "Packaging" explains each choice; test/electron/packaging.test.ts
 * holds them.
 *
 * electron-builder reads this TypeScript file itself (through jiti). The
 * end-to-end build, electron-builder.e2e.config.ts, spreads it and changes
 * only the two fuses Playwright needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AfterPackContext, Configuration } from 'electron-builder';
import { APP_ID } from './main/core/api/open.js';

/** What a packaged app must never let anyone do with its binary (docs/desktop.md, "The fuses"). */
export const PRODUCTION_FUSES = {
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general Node.js interpreter.
  runAsNode: false,
  // The cookie store on disk is encrypted with the OS keychain, as Chrome's is.
  enableCookieEncryption: true,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS could inject code or certificates into the main process.
  enableNodeOptionsEnvironmentVariable: false,
  // --inspect / --inspect-brk / SIGUSR1 would open a debugger on the main process (and the ledger).
  enableNodeCliInspectArguments: false,
  // app.asar is checked against the hash recorded at build time (macOS, and Windows from Electron 30; Linux has no such check).
  enableEmbeddedAsarIntegrityValidation: true,
  // Only app.asar is loaded: no loose app/ folder or default_app.asar beside it can take its place.
  onlyLoadAppFromAsar: true,
  // The window's page comes from app://creditdeck/ (app-protocol.ts), not file://: no page needs
  // file://'s extra powers (reading any other file:// URL, service workers).
  grantFileProtocolExtraPrivileges: false,
} as const;

/** Where the packaged better-sqlite3 binary sits, below a platform's resources folder. */
export const UNPACKED_SQLITE = join('app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

/** The NODE_MODULE_VERSION an Electron version's add-ons must declare, when it can be known here. */
export function electronAbi(electronVersion: string, projectDir: string): string | null {
  const file = join(projectDir, 'node_modules', 'electron', 'abi_version');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  try {
    const nodeAbi = createRequire(join(projectDir, 'package.json'))('node-abi') as { getAbi(target: string, runtime: string): string };
    return nodeAbi.getAbi(electronVersion, 'electron');
  } catch {
    return null;
  }
}

/**
 * afterPack: the app must carry better-sqlite3 built for its Electron, unpacked from the asar.
 * A build for Node's ABI (node-gyp handed Node's headers, e.g. by an npm `nodedir` setting)
 * would only fail when a user opens the app; this fails the package instead, before any
 * installer is made.
 */
export function checkNativeModule(context: Pick<AfterPackContext, 'appOutDir' | 'electronPlatformName'> & { packager: { appInfo: { productFilename: string }; info: { framework: { version: string }; projectDir: string } } }): void {
  const resources =
    context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas'
      ? join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources')
      : join(context.appOutDir, 'resources');
  const file = join(resources, UNPACKED_SQLITE);
  if (!existsSync(file)) throw new Error(`better-sqlite3 is not unpacked from the asar: ${file} is missing (asarUnpack)`);
  const declared = [...new Set(readFileSync(file).toString('latin1').match(/node_register_module_v\d+/g) ?? [])].map((m) => m.slice('node_register_module_v'.length));
  const version = context.packager.info.framework.version;
  const want = electronAbi(version, context.packager.info.projectDir);
  const ok = want !== null ? declared.includes(want) : declared.length > 0 && !declared.includes(process.versions.modules);
  if (!ok) {
    throw new Error(
      `${file} is not built for Electron ${version} (ABI ${want ?? 'unknown'}): it declares ABI ${declared.join(', ') || 'none'}` +
        (declared.includes(process.versions.modules) ? ` — Node's; node-gyp was given Node's headers (an npm \`nodedir\` setting?)` : ''),
    );
  }
}

const config: Configuration = {
  // Reverse DNS of creditdeck.app; productName is package.json's and APP_NAME's (main/core/api/open.ts):
  // the packaged app's data folder is the one the CLI uses.
  appId: APP_ID,
  productName: 'Creditdeck',
  copyright: 'Copyright © Creditdeck contributors',
  directories: { output: 'dist', buildResources: 'build' },

  // Only what the app runs: electron-vite's output and the tray icons. electron-builder adds
  // package.json (its "main" is out/main/index.js) and the production dependencies, which
  // electron-vite leaves external (better-sqlite3, luxon, zod, stripe, csv-parse …).
  files: [
    'out/main/**/*',
    'out/preload/**/*',
    'out/renderer/**/*',
    // main.ts looks for the tray icons at out/main/../../resources.
    'resources/tray*.png',
    '!**/*.map',
    // The optional dependency `electron` is the runtime itself, never a module inside the app.
    '!**/node_modules/electron{,/**/*}',
    // better-sqlite3's C sources and build leftovers: only lib/ and the compiled .node run.
    '!**/node_modules/better-sqlite3/{deps,src,docs}{,/**/*}',
    '!**/node_modules/better-sqlite3/build/Release/{obj,obj.target,.deps,test_extension.node}{,/**/*}',
    '!**/node_modules/better-sqlite3/build/{deps,Makefile,*.mk,*.gypi,config.gypi}',
  ],

  asar: true,
  // A native module cannot be loaded from inside an archive: the .node lives in
  // app.asar.unpacked/, and Electron's require follows the archive's pointer to it.
  asarUnpack: ['**/node_modules/better-sqlite3/build/Release/*.node'],

  // Rebuild better-sqlite3 against the Electron being packaged (@electron/rebuild, per target
  // arch). It rebuilds node_modules in place: scripts/dist.mjs puts Node's build back after.
  npmRebuild: true,
  buildDependenciesFromSource: false,
  afterPack: (context) => checkNativeModule(context),

  // creditdeck:// (PROTOCOL in main/electron/deep-link.ts): CFBundleURLTypes on macOS, the
  // registry keys the NSIS installer writes on Windows, and on Linux
  // MimeType=x-scheme-handler/creditdeck; in the .desktop entry (with Exec=… %U).
  protocols: [{ name: 'Creditdeck link', schemes: ['creditdeck'] }],
  // Electron takes the Wayland app_id / X11 WM_CLASS from the packaged package.json's
  // desktopName; with syncDesktopName the .desktop file has that name, so the desktop
  // links the running window to the entry (and to its creditdeck:// handler).
  // The .deb's Homepage field needs a URL and package.json has none: the project has no site
  // yet, so this is the address its appId stands for; change it when there is one.
  extraMetadata: { desktopName: 'creditdeck-desktop.desktop', homepage: 'https://creditdeck.app' },

  electronFuses: { ...PRODUCTION_FUSES },

  linux: {
    target: ['AppImage', 'deb'],
    category: 'Office',
    // Not `creditdeck`: the .deb links /usr/bin/<executableName>, and `creditdeck` is the CLI.
    executableName: 'creditdeck-desktop',
    syncDesktopName: true,
    maintainer: 'Creditdeck contributors',
    synopsis: 'A local-first ledger of usage credits',
  },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.finance',
    hardenedRuntime: true,
  },
  dmg: { writeUpdateInfo: false },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true, differentialPackage: false },
  publish: null,
};

export default config;
