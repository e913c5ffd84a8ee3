// better-sqlite3 for Electron, beside the Node build (package.json "postinstall").
//
// node_modules/better-sqlite3 is compiled for Node's ABI: the CLI, the tests
// and the web host load it. Electron's main process needs one compiled
// against Electron's headers. This builds it from a copy of the package (so
// node_modules/better-sqlite3 is never touched) into
//
//   out/native/electron-<electron version>/better_sqlite3.node
//
// which main/electron/app.ts passes to better-sqlite3 as `nativeBinding`.
// First a prebuilt binary (prebuild-install, from better-sqlite3's GitHub
// releases), else node-gyp with Electron's headers (electronjs.org) and the
// C++ toolchain.
//
// It never fails an install: without Electron, offline, or without a
// toolchain it prints one line saying what was skipped and why, and exits 0.
//
//   node scripts/electron-native.mjs            build if missing or stale
//   node scripts/electron-native.mjs --force    build again
//   CREDITDECK_SKIP_ELECTRON_NATIVE=1           skip (CI without the desktop app)
//   CREDITDECK_ELECTRON_HEADERS=https://mirror/  where to get Electron's headers (default electronjs.org/headers)
//   npm_config_node_gyp=/path/to/node-gyp.js    the node-gyp to run (npm sets it for install scripts)
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HEADERS = process.env.CREDITDECK_ELECTRON_HEADERS || 'https://electronjs.org/headers';
const UNAFFECTED = 'the CLI, the tests and the web host are unaffected';

function say(line) {
  console.log(`electron-native: ${line}`);
}

/** The outcome: one line for the install log, and exit 0 whatever it says. */
class Outcome extends Error {}
function done(line) {
  throw new Outcome(line);
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Why a tool failed, in a few words: no network, else gyp's own error line, else its last line. */
function reasonFrom(output) {
  const text = String(output);
  const net = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b[^\n]*/.exec(text);
  if (net) return `no network: ${net[0].trim().slice(0, 160)}`;
  if (/network connectivity|proxy/i.test(text)) return 'no network';
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const gyp = lines.find((l) => /gyp ERR! (stack )?[A-Za-z]*Error\b|gyp ERR! (find|configure|build) error/.test(l));
  return (gyp ?? lines.at(-1) ?? 'no output').slice(0, 240);
}

/** node-gyp: the one npm runs install scripts with, else npm's own, else one in node_modules. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    candidates.push(createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a dependency of the project
  }
  const nodeDir = dirname(process.execPath);
  candidates.push(join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(join(nodeDir, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c) => existsSync(c)) ?? null;
}

/**
 * The environment for the build tools: without the npm settings that would
 * point them at Node's headers or another target (an .npmrc `nodedir`, for
 * one, makes node-gyp build for Node whatever --target says).
 */
function toolEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|target_arch|build_from_source|devdir)$/i.test(k)) delete env[k];
  }
  return env;
}

function run(file, args, cwd, timeoutMs) {
  const js = /\.(c|m)?js$/.test(file);
  const r = spawnSync(js ? process.execPath : file, js ? [file, ...args] : args, { cwd, env: toolEnv(), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  if (r.error) return { ok: false, output, reason: r.error.code === 'ETIMEDOUT' ? `timed out after ${Math.round(timeoutMs / 1000)} s` : r.error.message };
  if (r.status !== 0) return { ok: false, output, reason: reasonFrom(output) };
  return { ok: true, output, reason: '' };
}

function main() {
  if (process.env.CREDITDECK_SKIP_ELECTRON_NATIVE) {
    done(`skipped the Electron build of better-sqlite3: CREDITDECK_SKIP_ELECTRON_NATIVE is set; ${UNAFFECTED}.`);
  }
  const electronPkg = join(root, 'node_modules', 'electron', 'package.json');
  if (!existsSync(electronPkg)) {
    done(`skipped the desktop build: Electron is not installed (an optional dependency whose download failed or was skipped), so better-sqlite3 was not built for it; ${UNAFFECTED}.`);
  }
  const electron = readJson(electronPkg).version;
  const abiFile = join(root, 'node_modules', 'electron', 'abi_version');
  const abi = existsSync(abiFile) ? readFileSync(abiFile, 'utf8').trim() : null;
  const force = process.argv.includes('--force');

  const failed = (why) =>
    done(
      `skipped the Electron build of better-sqlite3 for Electron ${electron}: ${why}; ${UNAFFECTED}, but the desktop app cannot open its ledger until \`node scripts/electron-native.mjs\` succeeds (details: out/native/electron-native.log).`,
    );

  const sqliteDir = join(root, 'node_modules', 'better-sqlite3');
  if (!existsSync(join(sqliteDir, 'package.json'))) failed('node_modules/better-sqlite3 is missing');
  const sqliteVersion = readJson(join(sqliteDir, 'package.json')).version;

  const outDir = join(root, 'out', 'native', `electron-${electron}`);
  const target = join(outDir, 'better_sqlite3.node');
  const infoFile = join(outDir, 'build.json');
  const info = { electron, abi, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch };
  if (!force && existsSync(target) && existsSync(infoFile)) {
    const had = readJson(infoFile);
    if (had.betterSqlite3 === sqliteVersion && had.platform === info.platform && had.arch === info.arch) {
      done(`better-sqlite3 ${sqliteVersion} for Electron ${electron} is already built (${relative(root, target)}).`);
    }
  }

  mkdirSync(join(root, 'out', 'native'), { recursive: true });
  const logFile = join(root, 'out', 'native', 'electron-native.log');
  const log = [`better-sqlite3 ${sqliteVersion} for Electron ${electron} (ABI ${abi ?? 'unknown'}), ${process.platform}-${process.arch}, ${new Date().toISOString()}`];
  const work = mkdtempSync(join(tmpdir(), 'creditdeck-native-'));
  try {
    // A copy of the package without its Node build: node_modules/better-sqlite3 stays as it is.
    const copy = join(work, 'better-sqlite3');
    cpSync(sqliteDir, copy, { recursive: true, filter: (src) => src !== join(sqliteDir, 'build') && src !== join(sqliteDir, 'node_modules') });
    const built = join(copy, 'build', 'Release', 'better_sqlite3.node');

    let reason = null;
    // 1. A prebuilt binary for this Electron, if better-sqlite3 publishes one.
    let prebuild = null;
    try {
      prebuild = createRequire(join(sqliteDir, 'package.json')).resolve('prebuild-install/bin.js');
    } catch {
      // not installed: straight to node-gyp
    }
    if (prebuild) {
      const r = run(prebuild, ['--runtime=electron', `--target=${electron}`, `--arch=${process.arch}`, `--platform=${process.platform}`], copy, 90_000);
      log.push(`$ prebuild-install --runtime=electron --target=${electron}`, r.output);
      if (!r.ok) rmSync(join(copy, 'build'), { recursive: true, force: true });
    }

    // 2. Compile it against Electron's headers.
    if (!existsSync(built)) {
      const gyp = findNodeGyp();
      if (!gyp) {
        reason = 'node-gyp was not found (it comes with npm)';
      } else {
        const common = ['--runtime=electron', `--target=${electron}`, `--dist-url=${HEADERS}`, `--arch=${process.arch}`];
        const headers = run(gyp, ['install', ...common], copy, 180_000);
        log.push(`$ node-gyp install ${common.join(' ')}`, headers.output);
        if (!headers.ok) {
          reason = `could not get the Electron ${electron} headers from ${HEADERS} (${headers.reason})`;
        } else {
          const build = run(gyp, ['rebuild', '--release', '--jobs=max', ...common], copy, 30 * 60_000);
          log.push(`$ node-gyp rebuild --release ${common.join(' ')}`, build.output);
          if (!build.ok) reason = `node-gyp could not compile it (${build.reason})`;
          else if (!existsSync(built)) reason = 'node-gyp finished without producing build/Release/better_sqlite3.node';
        }
      }
    }
    if (reason !== null) failed(reason);

    // The binary must be Electron's: an add-on exports node_register_module_v<ABI>.
    const binary = readFileSync(built);
    const nodeAbi = process.versions.modules;
    if (abi !== null && !binary.includes(`node_register_module_v${abi}`)) {
      failed(
        binary.includes(`node_register_module_v${nodeAbi}`)
          ? `the build came out for Node's ABI (${nodeAbi}), not Electron's (${abi}): node-gyp was given Node's headers (an npm \`nodedir\` setting, or a headers mirror serving Node's)`
          : `the build does not declare Electron's ABI (${abi})`,
      );
    }
    if (abi === null && binary.includes(`node_register_module_v${nodeAbi}`)) failed(`the build came out for Node's ABI (${nodeAbi}), not Electron's`);

    mkdirSync(outDir, { recursive: true });
    copyFileSync(built, `${target}.tmp`);
    renameSync(`${target}.tmp`, target);
    writeFileSync(infoFile, JSON.stringify(info, null, 2) + '\n');
    done(`built better-sqlite3 ${sqliteVersion} for Electron ${electron}${abi ? ` (ABI ${abi})` : ''}: ${relative(root, target)}`);
  } finally {
    try {
      writeFileSync(logFile, log.join('\n') + '\n');
    } catch {
      // the log is a courtesy
    }
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  say(e instanceof Outcome ? e.message : `skipped the Electron build of better-sqlite3: ${e instanceof Error ? e.message : String(e)}; ${UNAFFECTED}.`);
}
process.exit(0);
