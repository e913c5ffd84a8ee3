/**
 * The desktop packages' configuration (electron-builder.config.ts and its e2e
 * variant) and `npm run dist` (scripts/dist.mjs). Nothing can be packaged
 * here (no Electron binary), so these check the configuration itself: a
 * broken config fails CI, not a user's install.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Configuration } from 'electron-builder';
import production, { checkNativeModule, PRODUCTION_FUSES, UNPACKED_SQLITE } from '../../electron-builder.config.js';
import e2e, { E2E_FUSES } from '../../electron-builder.e2e.config.js';
import viteConfig from '../../electron.vite.config.js';
import { PROTOCOL } from '../../main/electron/deep-link.js';
import { APP_NAME } from '../../main/core/api/open.js';
import { trayIconPath } from '../../main/electron/tray.js';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  productName: string;
  main: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

// electron-builder's own glob engine and options (app-builder-lib/out/fileMatcher.js: minimatch, dot: true).
type Mm = { negate: boolean; match(path: string, partial?: boolean): boolean };
const { Minimatch } = createRequire(createRequire(join(root, 'package.json')).resolve('app-builder-lib/package.json'))('minimatch') as {
  Minimatch: new (pattern: string, opts: { dot: boolean }) => Mm;
};

/** electron-builder's filter (app-builder-lib/out/util/filter.js, minimatchAll): later exclusions win over earlier inclusions. */
function packs(config: Configuration, file: string): boolean {
  const patterns = (config.files as string[]).map((p) => new Minimatch(p, { dot: true }));
  let match = false;
  for (const p of patterns) {
    if (match !== p.negate) continue;
    match = p.match(file);
  }
  return match;
}

/** Whether an exclusion in `files` drops a file of a production dependency (electron-builder copies those on its own). */
function excludesDependencyFile(config: Configuration, file: string): boolean {
  return (config.files as string[]).filter((p) => p.startsWith('!')).some((p) => new Minimatch(p, { dot: true }).match(file) === false);
}

const configs: Array<[string, Configuration]> = [
  ['electron-builder.config.ts', production],
  ['electron-builder.e2e.config.ts', e2e],
];

describe.each(configs)('%s', (_name, config) => {
  it("packs only electron-vite's output (out/main, out/preload, out/renderer) and the tray icons", () => {
    for (const f of [
      'out/main/index.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'out/renderer/assets/index-DheWz31j.js',
      'out/renderer/assets/index-DheWz31j.css',
      'resources/tray.png',
      'resources/tray@2x.png',
      'resources/trayTemplate.png',
      'resources/trayTemplate@2x.png',
    ]) {
      expect(packs(config, f), f).toBe(true);
    }
    for (const f of [
      // sources, tests, docs, tooling
      'main/electron/main.ts',
      'main/electron/app.ts',
      'main/core/presets/flux.json',
      'main/cli/index.ts',
      'renderer/src/App.tsx',
      'renderer/index.html',
      'preload/index.ts',
      'test/electron/packaging.test.ts',
      'docs/desktop.md',
      'README.md',
      'scripts/dist.mjs',
      'scripts/electron-native.mjs',
      'bin/creditdeck.mjs',
      'electron-builder.config.ts',
      'electron.vite.config.ts',
      'tsconfig.json',
      '.ci/run',
      // the rest of out/: the CLI bundle, the dev-time Electron build of better-sqlite3, source maps
      'out/cli/creditdeck.mjs',
      'out/native/electron-40.10.2/better_sqlite3.node',
      'out/native/electron-native.log',
      'out/renderer/assets/index-DheWz31j.js.map',
      // a previous package
      'dist/Creditdeck-0.1.0.AppImage',
    ]) {
      expect(packs(config, f), f).toBe(false);
    }
  });

  it("packs what electron-vite builds and package.json's main points at", () => {
    const c = viteConfig as unknown as Record<'main' | 'preload' | 'renderer', { build: { outDir: string } }>;
    expect(pkg.main).toBe('out/main/index.js');
    expect(c.main.build.outDir).toBe('out/main');
    expect(c.preload.build.outDir).toBe('out/preload');
    expect(resolve(c.renderer.build.outDir)).toBe(resolve(root, 'out/renderer'));
    expect(packs(config, pkg.main)).toBe(true);
    // main.ts finds the preload, the page and the tray icons relative to out/main/index.js.
    const main = readFileSync(join(root, 'main/electron/main.ts'), 'utf8');
    expect(main).toContain("built('../preload/index.cjs')");
    expect(main).toContain("built('../renderer/index.html')");
    expect(main).toContain("resourcesDir: built('../../resources')");
    for (const platform of ['darwin', 'linux', 'win32'] as const) {
      const icon = trayIconPath('resources', platform).replace(/\\/g, '/');
      expect(existsSync(join(root, icon)), icon).toBe(true);
      expect(packs(config, icon), icon).toBe(true);
      expect(packs(config, icon.replace(/\.png$/, '@2x.png'))).toBe(true);
    }
  });

  it('leaves the optional electron package and better-sqlite3 sources out of node_modules, never its runtime', () => {
    expect(config.npmRebuild).toBe(true);
    for (const f of ['node_modules/electron/dist/electron', 'node_modules/electron/index.js', 'node_modules/electron', 'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c', 'node_modules/better-sqlite3/src/better_sqlite3.cpp']) {
      expect(excludesDependencyFile(config, f), f).toBe(true);
    }
    for (const f of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/better-sqlite3/lib/index.js',
      'node_modules/better-sqlite3/package.json',
      'node_modules/bindings/bindings.js',
      'node_modules/electron-store/index.js',
      'node_modules/luxon/build/node/luxon.js',
      'node_modules/stripe/package.json',
    ]) {
      expect(excludesDependencyFile(config, f), f).toBe(false);
    }
  });

  it("unpacks better-sqlite3's .node from the asar", () => {
    expect(config.asar).toBe(true);
    const unpack = (config.asarUnpack as string[]).map((p) => new Minimatch(p, { dot: true }));
    const node = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    expect(unpack.some((m) => m.match(node))).toBe(true);
    expect(UNPACKED_SQLITE.replace(/\\/g, '/')).toBe(`app.asar.unpacked/${node}`);
    expect(config.afterPack).toBeTypeOf('function');
  });

  it('registers the creditdeck:// scheme that deep-link.ts parses', () => {
    expect(PROTOCOL).toBe('creditdeck');
    expect(config.protocols).toEqual([{ name: 'Creditdeck link', schemes: [PROTOCOL] }]);
    // Linux: the .desktop file takes its name from desktopName, which Electron also uses as the window's app_id.
    const linux = config.linux!;
    expect(linux.syncDesktopName).toBe(true);
    expect(config.extraMetadata).toMatchObject({ desktopName: `${linux.executableName}.desktop` });
  });

  it('builds AppImage and .deb on Linux, a dmg on macOS, an NSIS installer on Windows', () => {
    expect(config.linux!.target).toEqual(['AppImage', 'deb']);
    expect(config.mac!.target).toEqual(['dmg']);
    expect(config.win!.target).toEqual(['nsis']);
    // The .deb links /usr/bin/<executableName>: it must not take the CLI's name.
    expect(config.linux!.executableName).not.toBe(Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin)[0]);
    expect(config.publish).toBeNull();
  });

  it("has package.json's productName, the app's data folder name, and an appId of its own", () => {
    expect(config.productName).toBe(pkg.productName);
    expect(config.productName).toBe(APP_NAME);
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    expect(config.appId!.split('.')).toContain(pkg.name);
  });
});

describe('the fuses', () => {
  it('production: RunAsNode off, cookie encryption on, NODE_OPTIONS off, --inspect off, asar integrity on, only app.asar, no file:// extras', () => {
    expect(production.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(PRODUCTION_FUSES).toEqual(production.electronFuses);
  });

  it('file:// keeps no extra privileges because no page is loaded from file://: the window loads app://creditdeck/', () => {
    const app = readFileSync(join(root, 'main/electron/app.ts'), 'utf8');
    expect(app).toContain('appPageUrl(opts.rendererFile)');
    expect(app).not.toMatch(/\.loadFile\(|file:\/\//);
  });

  it("e2e: the same package but RunAsNode and --inspect (Playwright's _electron.launch passes --inspect=0), into dist/e2e", () => {
    expect(e2e.electronFuses).toEqual({ ...production.electronFuses, runAsNode: true, enableNodeCliInspectArguments: true });
    expect(E2E_FUSES).toEqual(e2e.electronFuses);
    const { electronFuses: _a, directories: dirsE2e, ...restE2e } = e2e;
    const { electronFuses: _b, directories: dirs, ...rest } = production;
    expect(restE2e).toEqual(rest);
    // Its own output folder, so it can never overwrite (or be shipped as) the release.
    expect(dirs!.output).toBe('dist');
    expect(dirsE2e).toEqual({ ...dirs, output: 'dist/e2e' });
  });
});

describe('the afterPack check of better-sqlite3', () => {
  function layout(platform: 'linux' | 'darwin' | 'win32', abi: string | null, opts: { abiFile?: string } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-pack-'));
    const projectDir = join(dir, 'project');
    mkdirSync(join(projectDir, 'node_modules', 'electron'), { recursive: true });
    writeFileSync(join(projectDir, 'package.json'), '{}');
    if (opts.abiFile) writeFileSync(join(projectDir, 'node_modules', 'electron', 'abi_version'), opts.abiFile);
    const appOutDir = join(dir, 'out');
    const resources = platform === 'darwin' ? join(appOutDir, 'Creditdeck.app', 'Contents', 'Resources') : join(appOutDir, 'resources');
    if (abi !== null) {
      const file = join(resources, UNPACKED_SQLITE);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.from(`\0node_register_module_v${abi}\0`)]));
    }
    return {
      appOutDir,
      electronPlatformName: platform,
      packager: { appInfo: { productFilename: 'Creditdeck' }, info: { framework: { version: '40.10.2' }, projectDir } },
    };
  }

  it("accepts Electron's ABI (from node_modules/electron/abi_version) on every platform's layout", () => {
    for (const p of ['linux', 'darwin', 'win32'] as const) expect(() => checkNativeModule(layout(p, '143', { abiFile: '143\n' }))).not.toThrow();
  });

  it("refuses Node's ABI, naming the likely cause", () => {
    expect(() => checkNativeModule(layout('linux', process.versions.modules, { abiFile: '143' }))).toThrow(/not built for Electron 40\.10\.2 \(ABI 143\).*Node's.*nodedir/);
  });

  it('refuses a package where better-sqlite3 was not unpacked', () => {
    expect(() => checkNativeModule(layout('darwin', null, { abiFile: '143' }))).toThrow(/not unpacked from the asar/);
  });

  it('without abi_version, asks node-abi, else at least refuses Node’s ABI', () => {
    const l = layout('linux', process.versions.modules);
    expect(() => checkNativeModule(l)).toThrow(/declares ABI/);
  });
});

describe('npm run dist (scripts/dist.mjs)', () => {
  it('is wired in package.json, with electron-builder a devDependency and Electron still optional', () => {
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs');
    expect(pkg.scripts['dist:e2e']).toBe('node scripts/dist.mjs --e2e');
    expect(pkg.devDependencies['electron-builder']).toBeDefined();
    expect(pkg.dependencies['electron-builder']).toBeUndefined();
    expect(pkg.optionalDependencies?.electron).toBeDefined();
    expect(pkg.dependencies.electron).toBeUndefined();
  });

  /** A throwaway project: scripts/dist.mjs, and whichever fake packages a test gives it. */
  function project(): string {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-dist-'));
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(root, 'scripts', 'dist.mjs'), join(dir, 'scripts', 'dist.mjs'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'creditdeck', type: 'module' }));
    return dir;
  }

  function fakePackage(dir: string, name: string, files: Record<string, string>, json: object = {}) {
    const at = join(dir, 'node_modules', name);
    mkdirSync(at, { recursive: true });
    writeFileSync(join(at, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...json }));
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(dirname(join(at, f)), { recursive: true });
      writeFileSync(join(at, f), text);
    }
  }

  function dist(dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
    const started = Date.now();
    const r = spawnSync(process.execPath, [join(dir, 'scripts', 'dist.mjs'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
    return { ...r, ms: Date.now() - started };
  }

  it('without Electron: one line saying so, exit 1, at once', () => {
    for (const args of [[], ['--e2e']]) {
      const r = dist(project(), args);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^dist: cannot build the desktop package: Electron is not installed .*npm run dist/);
      expect(r.ms).toBeLessThan(5_000);
    }
  });

  it('with the electron package but not its binary: one line, exit 1', () => {
    const dir = project();
    fakePackage(dir, 'electron', { 'index.js': "module.exports = require('path').join(__dirname, 'dist', 'electron');\n" }, { main: 'index.js' });
    const r = dist(dir);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^dist: cannot build the desktop package: the Electron binary is missing/);

    // Electron's own index.js throws when its download did not finish.
    const broken = project();
    fakePackage(broken, 'electron', { 'index.js': "throw new Error('Electron failed to install correctly, please delete node_modules/electron and try installing again');\n" }, { main: 'index.js' });
    const b = dist(broken);
    expect(b.status).toBe(1);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toMatch(/its binary is not \(Electron failed to install correctly/);
  });

  /** Electron present (a stand-in binary), electron-vite and electron-builder replaced by recorders. */
  function withElectron() {
    const dir = project();
    fakePackage(dir, 'electron', { 'index.js': "module.exports = require('path').join(__dirname, 'dist', 'electron');\n", 'dist/electron': '#!/bin/sh\n' }, { main: 'index.js' });
    chmodSync(join(dir, 'node_modules', 'electron', 'dist', 'electron'), 0o755);
    const record = (tool: string) =>
      `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(join(dir, 'calls.jsonl'))}, JSON.stringify({ tool: ${JSON.stringify(tool)}, args: process.argv.slice(2), nodedir: process.env.npm_config_nodedir ?? null }) + '\\n');\n`;
    fakePackage(dir, 'electron-vite', { 'bin/electron-vite.js': record('electron-vite') }, { type: 'module', bin: { 'electron-vite': 'bin/electron-vite.js' } });
    // electron-builder's rebuild: node-gyp removes build/, then writes Electron's binary and @electron/rebuild's marker.
    fakePackage(
      dir,
      'electron-builder',
      {
        'cli.js':
          record('electron-builder') +
          `import { mkdirSync, rmSync, writeFileSync } from 'node:fs';\nconst rel = ${JSON.stringify(join(dir, 'node_modules', 'better-sqlite3', 'build'))};\nrmSync(rel, { recursive: true, force: true });\nmkdirSync(rel + '/Release', { recursive: true });\nwriteFileSync(rel + '/Release/better_sqlite3.node', 'electron build');\nwriteFileSync(rel + '/Release/.forge-meta', 'linux--x64--143');\nprocess.exit(Number(process.env.FAKE_BUILDER_EXIT ?? 0));\n`,
      },
      { type: 'module', bin: { 'electron-builder': './cli.js', 'install-app-deps': './install-app-deps.js' } },
    );
    fakePackage(dir, 'better-sqlite3', { 'build/Release/better_sqlite3.node': 'node build' });
    const calls = () =>
      readFileSync(join(dir, 'calls.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { tool: string; args: string[]; nodedir: string | null });
    const nodeBuild = () => readFileSync(join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), 'utf8');
    const releaseFiles = () => readdirSync(join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release')).sort();
    return { dir, calls, nodeBuild, releaseFiles };
  }

  it("builds with electron-vite, then electron-builder with the config; puts Node's better-sqlite3 back; keeps npm's nodedir away", () => {
    const p = withElectron();
    const r = dist(p.dir, ['--linux', 'deb'], { npm_config_nodedir: '/usr' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(p.calls()).toEqual([
      { tool: 'electron-vite', args: ['build'], nodedir: null },
      { tool: 'electron-builder', args: ['--config', 'electron-builder.config.ts', '--publish', 'never', '--linux', 'deb'], nodedir: null },
    ]);
    expect(p.nodeBuild()).toBe('node build');
    expect(p.releaseFiles()).toEqual(['better_sqlite3.node']);
    expect(r.stdout).toMatch(/dist: done: dist\/\n$/);
  });

  it('dist:e2e uses the e2e config', () => {
    const p = withElectron();
    const r = dist(p.dir, ['--e2e']);
    expect(r.status).toBe(0);
    expect(p.calls()[1]!.args).toEqual(['--config', 'electron-builder.e2e.config.ts', '--publish', 'never']);
    expect(r.stdout).toMatch(/dist\/e2e\/.*never ship it/);
  });

  it("a failed electron-builder: exit 1, Node's build back all the same", () => {
    const p = withElectron();
    const r = dist(p.dir, [], { FAKE_BUILDER_EXIT: '3' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^dist: electron-builder --config electron-builder.config.ts failed \(exit 3\)\n$/);
    expect(p.nodeBuild()).toBe('node build');
    expect(p.releaseFiles()).toEqual(['better_sqlite3.node']);
  });
});
