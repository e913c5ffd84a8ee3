// The desktop packages: `npm run dist` (electron-builder.config.ts) and
// `npm run dist:e2e` (electron-builder.e2e.config.ts, for Playwright).
//
//   node scripts/dist.mjs [--e2e] [electron-builder arguments…]
//
// 1. Electron must be here: `require('electron')` answers the binary's path
//    (and throws when the package is half installed), and that file must
//    exist. It is an optional dependency whose binary comes from GitHub; where
//    it could not be downloaded this prints one line and exits 1 at once.
// 2. `electron-vite build` → out/main, out/preload, out/renderer.
// 3. electron-builder for the current platform (its targets are in the
//    config; extra arguments, e.g. `--linux deb` or `--dir`, are passed on).
//    It rebuilds better-sqlite3 for Electron inside node_modules (npmRebuild),
//    which would leave the CLI, the tests and the web host with a binary
//    Node cannot load: Node's build is kept aside first and put back after,
//    whatever happened. npm settings that would point node-gyp at Node's
//    headers instead of Electron's (an .npmrc `nodedir`, as this machine has;
//    `target`, `runtime`, `disturl` …) are removed from its environment, as
//    scripts/electron-native.mjs does; the config's afterPack hook refuses a
//    package whose better-sqlite3 is not Electron's anyway.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const e2e = args.includes('--e2e');
const builderArgs = args.filter((a) => a !== '--e2e');
const configFile = e2e ? 'electron-builder.e2e.config.ts' : 'electron-builder.config.ts';
const requireHere = createRequire(join(root, 'package.json'));

function fail(line) {
  console.error(`dist: ${line}`);
  process.exit(1);
}

/** The Electron binary's path, or why there is none. */
function electronBinary() {
  let binary;
  try {
    binary = requireHere('electron');
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && !existsSync(join(root, 'node_modules', 'electron', 'package.json'))) {
      return { why: 'Electron is not installed (an optional dependency whose binary could not be downloaded here)' };
    }
    return { why: `the electron package is installed but its binary is not (${String(e instanceof Error ? e.message : e).split('\n')[0]})` };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { why: `the Electron binary is missing (${String(binary)})` };
  return { binary };
}

/** A package's own bin script, run with this Node. */
function binOf(pkg, name) {
  const file = requireHere.resolve(`${pkg}/package.json`);
  const bin = JSON.parse(readFileSync(file, 'utf8')).bin;
  return join(dirname(file), typeof bin === 'string' ? bin : bin[name]);
}

/** The environment for the build tools, without npm's settings that would aim node-gyp at Node (see electron-native.mjs). */
function toolEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|target_arch|build_from_source|devdir)$/i.test(k)) delete env[k];
  }
  return env;
}

function run(label, file, argv) {
  console.log(`dist: ${label}`);
  const r = spawnSync(process.execPath, [file, ...argv], { cwd: root, stdio: 'inherit', env: toolEnv() });
  if (r.error) return `${label} could not start: ${r.error.message}`;
  if (r.status !== 0) return `${label} failed (exit ${r.status ?? r.signal})`;
  return null;
}

const electron = electronBinary();
if (!electron.binary) {
  fail(`cannot build the desktop package: ${electron.why}; run \`npm install\` where Electron's binary can be downloaded, then \`npm run dist${e2e ? ':e2e' : ''}\` again (\`npm run web\` serves the app to a browser meanwhile).`);
}

const built = run('electron-vite build', binOf('electron-vite', 'electron-vite'), ['build']);
if (built) fail(built);

// Node's better-sqlite3, kept aside while electron-builder rebuilds it for Electron.
const nodeBuild = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const keep = mkdtempSync(join(tmpdir(), 'creditdeck-dist-'));
const kept = join(keep, 'better_sqlite3.node');
if (existsSync(nodeBuild)) copyFileSync(nodeBuild, kept);
let packaged;
try {
  packaged = run(`electron-builder --config ${configFile}`, binOf('electron-builder', 'electron-builder'), ['--config', configFile, '--publish', 'never', ...builderArgs]);
} finally {
  if (existsSync(kept)) {
    // node-gyp's rebuild starts by deleting build/: it may be gone if it failed half-way.
    mkdirSync(dirname(nodeBuild), { recursive: true });
    copyFileSync(kept, `${nodeBuild}.tmp`);
    renameSync(`${nodeBuild}.tmp`, nodeBuild);
    // @electron/rebuild's marker ("built for Electron's ABI") no longer describes the file:
    // left there, the next `npm run dist` would skip the rebuild and package Node's build.
    rmSync(join(dirname(nodeBuild), '.forge-meta'), { force: true });
  }
  rmSync(keep, { recursive: true, force: true });
}
if (packaged) fail(packaged);
console.log(e2e ? 'dist: done: dist/e2e/ (the end-to-end build: RunAsNode and --inspect stay on; never ship it)' : 'dist: done: dist/');
