/**
 * Install scripts run only for reviewed dependencies at reviewed versions:
 * package.json's allowScripts entries are pinned (name@version) to what
 * package-lock.json installs, npm can match them (the lockfile keeps their
 * registry URL), and CI installs with --ignore-scripts and rebuilds exactly
 * those (scripts/rebuild-allowed.mjs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CI_SKIP, rebuildSpecs } from '../scripts/rebuild-allowed.mjs';

const ROOT = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; resolved?: string; hasInstallScript?: boolean }>;
};

/** Every installed package: name (from its path), version, its lock entry. */
const installed = Object.entries(lock.packages)
  .filter(([path]) => path.includes('node_modules/'))
  .map(([path, entry]) => ({ path, name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), entry }));

const split = (key: string) => ({ name: key.slice(0, key.lastIndexOf('@')), version: key.slice(key.lastIndexOf('@') + 1) });
const allowed = Object.entries(pkg.allowScripts).filter(([, v]) => v === true).map(([k]) => k);

describe('allowScripts', () => {
  it('pins every allowed package to one exact version', () => {
    expect(allowed.length).toBeGreaterThan(0);
    for (const key of allowed) expect(key, `${key}: allow a version, not a name`).toMatch(/^(@[a-z0-9-]+\/)?[a-z0-9.-]+@\d+\.\d+\.\d+$/);
  });

  it('pins the versions package-lock.json installs, each with a registry URL npm can match', () => {
    for (const key of allowed) {
      const { name, version } = split(key);
      const found = installed.filter((p) => p.name === name && p.entry.version === version);
      expect(found.length, `${key} is not in package-lock.json`).toBeGreaterThan(0);
      for (const p of found) {
        expect(p.entry.hasInstallScript, `${p.path} has no install script to allow`).toBe(true);
        expect(p.entry.resolved, `${p.path}: npm matches a pin only with a resolved URL`).toBe(`https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${version}.tgz`);
      }
    }
  });

  it('leaves no other installed version of an allowed package with install scripts unpinned', () => {
    const names = new Set(allowed.map((k) => split(k).name));
    for (const p of installed.filter((i) => names.has(i.name) && i.entry.hasInstallScript)) {
      expect(allowed, `${p.path} ${p.entry.version}`).toContain(`${p.name}@${p.entry.version}`);
    }
  });

  it('keeps resolved URLs in the lockfile (.npmrc), so the pins keep matching after an npm install', () => {
    expect(readFileSync(join(ROOT, '.npmrc'), 'utf8')).toMatch(/^omit-lockfile-registry-resolved=false$/m);
  });
});

describe('CI install (.ci/run)', () => {
  const run = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');

  it('installs with scripts off, then rebuilds only the pinned packages and runs the project’s own steps', () => {
    const installs = run.split('\n').filter((l) => /^\s*npm (ci|install)\b/.test(l));
    expect(installs).toEqual(['npm ci --ignore-scripts --no-audit --no-fund']);
    const order = ['npm ci --ignore-scripts', 'node scripts/rebuild-allowed.mjs', 'npm run prepare', 'npm run postinstall', 'npm test'].map((s) => run.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('rebuilds exactly the pinned specs, Electron (its binary download) aside', () => {
    expect(rebuildSpecs(pkg.allowScripts)).toEqual(allowed.filter((k) => !CI_SKIP.has(split(k).name)));
    expect(rebuildSpecs(pkg.allowScripts)).toContain(allowed.find((k) => k.startsWith('better-sqlite3@')));
    expect(rebuildSpecs({ 'a@1.0.0': true, 'b@2.0.0': false, 'electron@40.0.0': true })).toEqual(['a@1.0.0']);
  });
});
