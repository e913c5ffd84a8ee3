// `npm run test:electron`: launches the real desktop app with Playwright's
// Electron driver and checks the security settings and the API bridge end to
// end. Electron is an optional dependency whose binary cannot always be
// downloaded: without it this says why it skipped and exits 0. The unit tests
// (test/electron, with a fake Electron) run everywhere.
import { existsSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skip = (why) => {
  console.log(`electron smoke test: skipped — ${why}`);
  process.exit(0);
};

// CREDITDECK_SMOKE_APP: a packaged app's executable instead of `electron .` — the end-to-end
// package (`npm run dist:e2e`, e.g. dist/e2e/linux-unpacked/creditdeck-desktop), whose fuses
// let Playwright in; the production package's refuse --inspect (docs/desktop.md, Packaging).
const packagedApp = process.env.CREDITDECK_SMOKE_APP ? resolve(process.env.CREDITDECK_SMOKE_APP) : null;
if (packagedApp !== null && !existsSync(packagedApp)) {
  console.error(`electron smoke test: CREDITDECK_SMOKE_APP names no file (${packagedApp}); build it with npm run dist:e2e`);
  process.exit(1);
}
if (packagedApp === null) {
  let electronBinary;
  try {
    electronBinary = createRequire(join(root, 'package.json'))('electron');
  } catch (e) {
    skip(`the optional electron package is not installed or has no binary (${String(e.message).split('\n')[0]}). Install it with network access (npm install) to run this.`);
  }
  if (typeof electronBinary !== 'string' || !existsSync(electronBinary)) skip(`the Electron binary is missing (${electronBinary}).`);
}
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) skip('no display; run it under xvfb-run (xvfb-run npm run test:electron).');

if (packagedApp === null) {
  console.log('electron smoke test: building (electron-vite build)…');
  const build = spawnSync(process.execPath, [createRequire(import.meta.url).resolve('electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('electron smoke test: the build failed');
    process.exit(1);
  }
}

const { _electron } = await import('playwright');
const home = mkdtempSync(join(tmpdir(), 'creditdeck-smoke-'));
const db = join(home, 'smoke.sqlite');
const results = [];
const check = (name, ok, detail = '') => {
  results.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : `: ${detail}`}`);
};

// A private data folder and ledger: never the user's.
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: home, APPDATA: home, CREDITDECK_DB: db };
delete env.ELECTRON_RENDERER_URL;
const app = await _electron.launch(packagedApp !== null ? { executablePath: packagedApp, env, timeout: 60_000 } : { args: [root], cwd: root, env, timeout: 60_000 });
try {
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');

  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const w = BrowserWindow.getAllWindows()[0];
    const p = w.webContents.getLastWebPreferences();
    return { count: BrowserWindow.getAllWindows().length, contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration, webSecurity: p.webSecurity };
  });
  check('one window', prefs.count === 1, JSON.stringify(prefs));
  check('contextIsolation, sandbox, no Node, webSecurity', prefs.contextIsolation === true && prefs.sandbox === true && prefs.nodeIntegration === false && prefs.webSecurity === true, JSON.stringify(prefs));

  const globals = await page.evaluate(() => ({ require: typeof globalThis.require, process: typeof globalThis.process, bridge: Object.keys(globalThis.creditdeck ?? {}) }));
  check('no require/process in the page; window.creditdeck has only call()', globals.require === 'undefined' && globals.process === 'undefined' && JSON.stringify(globals.bridge) === '["call"]', JSON.stringify(globals));

  const presets = await page.evaluate(() => globalThis.creditdeck.call('presets.list', {}));
  check('IPC: presets.list answers {ok, result}', presets.ok === true && presets.result.length === 5, JSON.stringify(presets).slice(0, 200));
  const bad = await page.evaluate(() => globalThis.creditdeck.call('usage.record', {}));
  check('IPC: invalid input comes back as invalid_input', bad.ok === false && bad.error.code === 'invalid_input', JSON.stringify(bad));
  const imp = await page.evaluate(() => globalThis.creditdeck.call('import', { text: '', format: 'jsonl' }));
  check('IPC: import is not exposed', imp.ok === false && imp.error.field === 'call', JSON.stringify(imp));

  const before = page.url();
  await page.evaluate(() => {
    globalThis.location.href = 'https://example.com/';
  });
  await page.waitForLoadState('domcontentloaded');
  check('navigation away is blocked', page.url() === before, page.url());
  const opened = await page.evaluate(() => globalThis.open('https://example.com/') === null);
  check('window.open is denied', opened && app.windows().length === 1);

  const csp = await page.evaluate(() => globalThis.document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
  check('the page carries a CSP', csp.includes("script-src 'self'") && csp.includes("object-src 'none'"), csp);

  check('the ledger is the one asked for (CREDITDECK_DB)', existsSync(db), db);
} finally {
  await app.close();
}

const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
if (failed > 0) {
  console.log('hint: "NODE_MODULE_VERSION" errors mean better-sqlite3 is built for Node, not Electron; see docs/desktop.md.');
  process.exit(1);
}
