/**
 * The Fluximage key from the desktop window (reconcile.setKey, desktop-only):
 * validated, saved encrypted with safeStorage, the meter's schedule started,
 * only the status ever sent back; refused where the environment's key wins,
 * and never over HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHANNEL } from '../../main/electron/channel.js';
import { FLUXIMAGE_KEY_FILE } from '../../main/electron/fluximage-key.js';
import { dispatch } from '../../main/web/dispatch.js';
import { topFrame } from '../electron/fake-electron.js';
import { launch, OWN_PAGE, quitAll } from '../electron/launch.js';

const KEY = 'flx_live_0123456789abcdefgh';
const own = topFrame(OWN_PAGE);

afterEach(() => quitAll());

describe('reconcile.setKey in the desktop app', () => {
  it('saves the key encrypted, starts the schedule, and answers only the status', async () => {
    const { fake, app, appData, timers, logs } = await launch();
    const pendingBefore = timers.pending;
    expect(await fake.invoke(CHANNEL, own, 'reconcile.keyStatus', {})).toMatchObject({ ok: true, result: { configured: false, source: null } });
    const r = await fake.invoke(CHANNEL, own, 'reconcile.setKey', { key: KEY });
    expect(r).toEqual({ ok: true, result: { configured: true, source: 'safeStorage', missing: null } });
    const file = join(appData, 'Creditdeck', FLUXIMAGE_KEY_FILE);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file).toString('utf8')).not.toContain(KEY);
    // The first reading and the hourly one are now scheduled.
    expect(timers.pending).toBe(pendingBefore + 2);
    expect(logs.join('\n')).not.toContain(KEY);
    expect(JSON.stringify(await fake.invoke(CHANNEL, own, 'reconcile.keyStatus', {}))).not.toContain(KEY);
    expect(app).not.toBeNull();
  });

  it('a malformed key, or one while FLUXIMAGE_API_KEY is set, is refused and nothing is saved', async () => {
    const { fake, appData } = await launch({ env: { FLUXIMAGE_API_KEY: 'flx_live_fromtheenvironment' } });
    const bad = await fake.invoke(CHANNEL, own, 'reconcile.setKey', { key: 'hunter2-not-a-key' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'key' } });
    expect(JSON.stringify(bad)).not.toContain('hunter2');
    expect(await fake.invoke(CHANNEL, own, 'reconcile.setKey', { key: KEY })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/FLUXIMAGE_API_KEY in its environment, which wins/) } });
    expect(existsSync(join(appData, 'Creditdeck', FLUXIMAGE_KEY_FILE))).toBe(false);
    expect(await fake.invoke(CHANNEL, own, 'reconcile.keyStatus', {})).toMatchObject({ ok: true, result: { configured: true, source: 'env' } });
  });

  it('is never reachable over HTTP', async () => {
    const { app } = await launch();
    expect(dispatch(app!.ctx, 'reconcile.setKey', { key: KEY })).toMatchObject({ ok: false, error: { message: '"reconcile.setKey" is only available in the Creditdeck desktop app' } });
  });
});
