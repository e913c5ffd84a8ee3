/**
 * Under Electron without an Electron build of better-sqlite3, the Node build
 * fails to load with an ABI error: the dialog then says how to build one.
 * (Plain Node loads its own build, so the failure is simulated here.)
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../main/electron/app.js';
import { fakeElectron } from './fake-electron.js';
import { FakeTimers } from './fake-timers.js';

const ABI_ERROR =
  "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 143.";

vi.mock('../../main/core/api/open.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../main/core/api/open.js')>();
  return {
    ...real,
    openLedger: (path: string, opts: { nativeBinding?: string } = {}) => {
      if (opts.nativeBinding === undefined) throw new Error(ABI_ERROR);
      return real.openLedger(path, opts);
    },
  };
});

async function launch(electronVersion: string | undefined) {
  const fake = fakeElectron({ appData: mkdtempSync(join(tmpdir(), 'creditdeck-hint-')) });
  const started = startApp(fake.deps, {
    preloadPath: '/x/preload.cjs',
    rendererFile: '/x/index.html',
    resourcesDir: '/x/resources',
    nativeDir: mkdtempSync(join(tmpdir(), 'creditdeck-native-')), // empty: no Electron build
    electronVersion,
    env: {},
    timers: new FakeTimers(),
    log: () => {},
  });
  expect(await started.ready).toBeNull();
  return fake;
}

describe('the ledger dialog under Electron without its better-sqlite3 build', () => {
  it('names the missing build and the command that makes it', async () => {
    const fake = await launch('40.10.2');
    const [title, body] = fake.calls.errorBoxes[0]!;
    expect(title).toMatch(/cannot open its ledger/);
    expect(body).toContain('NODE_MODULE_VERSION 115');
    expect(body).toContain('There is no better-sqlite3 built for Electron 40.10.2: run `node scripts/electron-native.mjs`');
    expect(fake.calls.quit).toBe(1);
  });

  it('outside Electron the same failure gets no such hint', async () => {
    const fake = await launch(undefined);
    expect(fake.calls.errorBoxes[0]![1]).not.toContain('electron-native.mjs');
  });
});
