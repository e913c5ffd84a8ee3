/** `npm start` where Electron is missing says in one line what to run instead, and exits 1. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const script = join(import.meta.dirname, '..', 'scripts', 'start.mjs');

describe('npm start without Electron', () => {
  it('says in one line to use npm run web', () => {
    const r = spawnSync(process.execPath, [script], { env: { ...process.env, CREDITDECK_ELECTRON_MODULE: 'creditdeck-no-such-electron' }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Electron is not installed here (it is optional): run `npm run web` to open Creditdeck in a browser.\n');
  });
});
