/**
 * better-sqlite3 under two ABIs: scripts/electron-native.mjs (the postinstall
 * step that builds the Electron copy) run in throwaway project layouts with a
 * fake node-gyp, and openLedger's nativeBinding option.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';

const root = join(import.meta.dirname, '..', '..');
const SCRIPT = join(root, 'scripts', 'electron-native.mjs');
const NODE_BUILD = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const ELECTRON = '40.10.2';
const ABI = '143';

/** A stand-in for node-gyp: records each call, then behaves as FAKE_GYP_MODE says. */
const FAKE_GYP = String.raw`
import { appendFileSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
const [command, ...flags] = process.argv.slice(2);
appendFileSync(process.env.FAKE_GYP_LOG, JSON.stringify({ command, flags, cwd: process.cwd(), hadBuild: existsSync('build'), nodedir: process.env.npm_config_nodedir ?? null }) + '\n');
const mode = process.env.FAKE_GYP_MODE;
if (command === 'install') {
  if (mode === 'offline') {
    console.error('gyp http GET https://electronjs.org/headers/v40.10.2/node-v40.10.2-headers.tar.gz');
    console.error('gyp ERR! stack FetchError: request to https://electronjs.org/headers failed, reason: getaddrinfo ENOTFOUND electronjs.org');
    process.exit(1);
  }
  process.exit(0);
}
if (command === 'rebuild') {
  if (mode === 'broken') {
    console.error('make: *** [better_sqlite3.target.mk:120: Release/obj.target/better_sqlite3.node] Error 1');
    console.error('gyp ERR! build error');
    process.exit(1);
  }
  mkdirSync('build/Release', { recursive: true });
  if (mode === 'node') copyFileSync(process.env.FAKE_GYP_NODE_BUILD, 'build/Release/better_sqlite3.node');
  else writeFileSync('build/Release/better_sqlite3.node', 'ELF...\0node_register_module_v143\0...');
  process.exit(0);
}
process.exit(2);
`;

interface Layout {
  electron?: boolean;
  sqlite?: boolean;
}

/** A project folder with the script, and node_modules as asked. */
function project(opts: Layout = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-postinstall-'));
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(SCRIPT, join(dir, 'scripts', 'electron-native.mjs'));
  mkdirSync(join(dir, 'node_modules'));
  if (opts.electron ?? true) {
    mkdirSync(join(dir, 'node_modules', 'electron'));
    writeFileSync(join(dir, 'node_modules', 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: ELECTRON }));
    writeFileSync(join(dir, 'node_modules', 'electron', 'abi_version'), ABI);
  }
  if (opts.sqlite ?? true) {
    const pkg = join(dir, 'node_modules', 'better-sqlite3');
    mkdirSync(join(pkg, 'build', 'Release'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
    writeFileSync(join(pkg, 'binding.gyp'), '{}');
    writeFileSync(join(pkg, 'build', 'Release', 'better_sqlite3.node'), 'the Node build');
  }
  writeFileSync(join(dir, 'gyp.mjs'), FAKE_GYP);
  return dir;
}

function run(dir: string, mode: string, extraEnv: Record<string, string> = {}, args: string[] = []) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^npm_|^CREDITDECK_/i.test(k)) delete env[k];
  Object.assign(env, {
    npm_config_node_gyp: join(dir, 'gyp.mjs'),
    // As in this machine's ~/.npmrc: it must not reach node-gyp.
    npm_config_nodedir: '/usr',
    FAKE_GYP_MODE: mode,
    FAKE_GYP_LOG: join(dir, 'gyp.log'),
    FAKE_GYP_NODE_BUILD: NODE_BUILD,
    ...extraEnv,
  });
  // From another folder: the script finds the project from its own path, as npm's postinstall does from the root.
  const r = spawnSync(process.execPath, [join(dir, 'scripts', 'electron-native.mjs'), ...args], { cwd: tmpdir(), env, encoding: 'utf8', timeout: 60_000 });
  const calls = existsSync(join(dir, 'gyp.log'))
    ? readFileSync(join(dir, 'gyp.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { command: string; flags: string[]; cwd: string; hadBuild: boolean; nodedir: string | null })
    : [];
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls };
}

const target = (dir: string) => join(dir, 'out', 'native', `electron-${ELECTRON}`, 'better_sqlite3.node');

describe('scripts/electron-native.mjs (postinstall)', () => {
  it('is the postinstall step', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.postinstall).toBe('node scripts/electron-native.mjs');
  });

  it('without Electron: one line saying the desktop build was skipped and why, exit 0', () => {
    const dir = project({ electron: false });
    const r = run(dir, 'electron');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'electron-native: skipped the desktop build: Electron is not installed (an optional dependency whose download failed or was skipped), so better-sqlite3 was not built for it; the CLI, the tests and the web host are unaffected.',
    ]);
    expect(r.stderr).toBe('');
    expect(r.calls).toEqual([]);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('CREDITDECK_SKIP_ELECTRON_NATIVE skips it even with Electron', () => {
    const r = run(project(), 'electron', { CREDITDECK_SKIP_ELECTRON_NATIVE: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^electron-native: skipped the Electron build of better-sqlite3: CREDITDECK_SKIP_ELECTRON_NATIVE is set; the CLI, the tests and the web host are unaffected\.\n$/);
    expect(r.calls).toEqual([]);
  });

  it('offline (no headers): one line naming what failed, exit 0, nothing half-built', () => {
    const dir = project();
    const r = run(dir, 'offline');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^electron-native: skipped the Electron build of better-sqlite3 for Electron 40\.10\.2: could not get the Electron 40\.10\.2 headers from https:\/\/electronjs\.org\/headers \(no network: ENOTFOUND electronjs\.org\); the CLI, the tests and the web host are unaffected, but the desktop app cannot open its ledger until `node scripts\/electron-native\.mjs` succeeds/);
    expect(r.calls.map((c) => c.command)).toEqual(['install']);
    expect(existsSync(target(dir))).toBe(false);
    expect(readFileSync(join(dir, 'out', 'native', 'electron-native.log'), 'utf8')).toContain('ENOTFOUND electronjs.org');
  });

  it('a compile error: one line, exit 0', () => {
    const dir = project();
    const r = run(dir, 'broken');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^electron-native: skipped the Electron build of better-sqlite3 for Electron 40\.10\.2: node-gyp could not compile it \(gyp ERR! build error\);/);
    expect(existsSync(target(dir))).toBe(false);
  });

  it('builds from a copy with Electron\'s target and headers, never Node\'s nodedir, into out/native/electron-<version>/', () => {
    const dir = project();
    const r = run(dir, 'electron');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`electron-native: built better-sqlite3 12.11.1 for Electron ${ELECTRON} (ABI ${ABI}): ${join('out', 'native', `electron-${ELECTRON}`, 'better_sqlite3.node')}\n`);
    expect(r.calls.map((c) => c.command)).toEqual(['install', 'rebuild']);
    for (const c of r.calls) {
      expect(c.flags).toEqual(expect.arrayContaining(['--runtime=electron', `--target=${ELECTRON}`, '--dist-url=https://electronjs.org/headers']));
      expect(c.nodedir).toBeNull();
      // A copy, not node_modules/better-sqlite3, and without the Node build in it.
      expect(c.cwd.startsWith(join(dir, 'node_modules'))).toBe(false);
      expect(c.hadBuild).toBe(false);
    }
    expect(readFileSync(target(dir), 'utf8')).toContain(`node_register_module_v${ABI}`);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'native', `electron-${ELECTRON}`, 'build.json'), 'utf8'))).toMatchObject({ electron: ELECTRON, abi: ABI, betterSqlite3: '12.11.1' });
    // node_modules/better-sqlite3 is untouched: the CLI keeps its Node build.
    expect(readFileSync(join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), 'utf8')).toBe('the Node build');
    // The copy is gone.
    expect(existsSync(r.calls[0]!.cwd)).toBe(false);

    // Once built, a second install does nothing; --force builds again.
    const again = run(dir, 'electron');
    expect(again.stdout).toMatch(/is already built/);
    expect(again.calls).toHaveLength(2);
    const forced = run(dir, 'electron', {}, ['--force']);
    expect(forced.stdout).toMatch(/^electron-native: built /);
    expect(forced.calls).toHaveLength(4);
  });

  it('rebuilds when better-sqlite3 was upgraded since', () => {
    const dir = project();
    run(dir, 'electron');
    writeFileSync(join(dir, 'node_modules', 'better-sqlite3', 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.12.0' }));
    const r = run(dir, 'electron');
    expect(r.stdout).toMatch(/^electron-native: built better-sqlite3 12\.12\.0 for Electron/);
  });

  it('refuses a build that came out for Node\'s ABI (what an npm nodedir would cause)', () => {
    const dir = project();
    const r = run(dir, 'node');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`the build came out for Node's ABI \\(${process.versions.modules}\\), not Electron's \\(${ABI}\\)`));
    expect(existsSync(target(dir))).toBe(false);
  });

  it('anything unexpected (no better-sqlite3) is still one line and exit 0', () => {
    const r = run(project({ sqlite: false }), 'electron');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^electron-native: skipped the Electron build of better-sqlite3 for Electron 40\.10\.2: node_modules\/better-sqlite3 is missing;/);
  });
});

describe('openLedger({ nativeBinding })', () => {
  it('opens the ledger with the given better_sqlite3.node (here the Node build, named explicitly)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'creditdeck-binding-')), 'ledger.sqlite');
    const ctx = openLedger(file, { nativeBinding: NODE_BUILD });
    call(ctx, 'accounts.add', { preset: 'lux', plan: 'free' });
    ctx.db.close();
    const again = openLedger(file);
    expect(call(again, 'accounts.list', {}).map((a) => a.id)).toEqual(['lux-free']);
    again.db.close();
  });

  it('really loads that file: a missing one fails', () => {
    expect(() => openLedger(':memory:', { nativeBinding: join(tmpdir(), 'no-such-dir', 'better_sqlite3.node') })).toThrow(/no-such-dir/);
  });
});
