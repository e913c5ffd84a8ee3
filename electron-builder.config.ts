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
import type { Configuration } from 'electron-builder';

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
} as const;

const config: Configuration = {
  // Reverse DNS of creditdeck.app; productName is package.json's and APP_NAME's (main/core/api/open.ts):
  // the packaged app's data folder is the one the CLI uses.
  appId: 'app.creditdeck',
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

  protocols: [{ name: 'Creditdeck link', schemes: ['creditdeck'] }],

  electronFuses: { ...PRODUCTION_FUSES },

  linux: {
    target: ['AppImage', 'deb'],
    category: 'Office',
    // Not `creditdeck`: the .deb links /usr/bin/<executableName>, and `creditdeck` is the CLI.
    executableName: 'creditdeck-desktop',
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
