#!/usr/bin/env node
/**
 * CI installs with `npm ci --ignore-scripts`, so no dependency's install
 * script runs by default; this then runs only the reviewed ones: each
 * `allowScripts` entry of package.json pinned to a version (`name@x.y.z`),
 * through `npm rebuild name@x.y.z`, which touches that version and no other.
 * Electron's is left out: it downloads the Electron binary, which no test
 * needs (the shell is tested against a fake). A test
 * (test/install-scripts.test.ts) holds the pins to package-lock.json.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Allowed, not needed in CI. */
export const CI_SKIP = new Set(['electron']);

/** `name@version` of every allowed, pinned entry, CI_SKIP left out. */
export function rebuildSpecs(allowScripts) {
  return Object.entries(allowScripts ?? {})
    .filter(([key, allowed]) => allowed === true && !CI_SKIP.has(key.slice(0, key.lastIndexOf('@'))))
    .map(([key]) => key);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const specs = rebuildSpecs(JSON.parse(readFileSync('package.json', 'utf8')).allowScripts);
  console.log(`rebuild-allowed: npm rebuild ${specs.join(' ')}`);
  const r = spawnSync('npm', ['rebuild', '--foreground-scripts', ...specs], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
