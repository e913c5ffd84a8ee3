/**
 * Settings → Your data → Restore in the desktop app: the window picks one of
 * the ledger's backups, the shell checks it, notes it and restarts, and the
 * next start puts it in place before the ledger opens, keeping the old file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CHANNEL } from '../../main/electron/channel.js';
import { dispatch } from '../../main/web/dispatch.js';
import { memoryLedger } from '../web/helpers.js';
import { topFrame } from './fake-electron.js';
import { launch, OWN_PAGE, quitAll } from './launch.js';

afterEach(quitAll);

const own = topFrame(`${OWN_PAGE}#/settings`);
type Env = { ok: true; result: any } | { ok: false; error: { code: string; message: string; field?: string } }; // eslint-disable-line @typescript-eslint/no-explicit-any

async function desktop(appData: string) {
  const l = await launch({ appData });
  const invoke = (name: string, input: unknown = {}) => l.fake.invoke(CHANNEL, own, name, input) as Promise<Env>;
  return { ...l, invoke };
}

/** Let the shell's restart (queued after the answer) run: a turn of the event loop, no time. */
const turn = () => new Promise<void>((r) => setImmediate(r));

async function videos(invoke: (name: string, input?: unknown) => Promise<Env>): Promise<number> {
  const r = await invoke('events.list', { account: 'fluxnote-rise' });
  if (!r.ok) throw new Error(r.error.message);
  return (r.result.events as { action: string; voided: boolean }[]).filter((e) => e.action === 'video').length;
}

describe('desktop app: restoring a backup', () => {
  it('restarts with the chosen backup in place and keeps the ledger as it was beside it', async () => {
    const appData = mkdtempSync(join(tmpdir(), 'creditdeck-app-'));
    const first = await desktop(appData);
    await first.invoke('accounts.add', { preset: 'fluxnote', plan: 'rise' });
    for (let i = 0; i < 2; i++) expect(await first.invoke('usage.record', { account: 'fluxnote-rise', action: 'video' })).toMatchObject({ ok: true });
    expect(await first.invoke('data.backup')).toMatchObject({ ok: true });
    for (let i = 0; i < 3; i++) await first.invoke('usage.record', { account: 'fluxnote-rise', action: 'video' });
    expect(await videos(first.invoke)).toBe(5);

    const list = await first.invoke('data.backups');
    if (!list.ok) throw new Error(list.error.message);
    const [backup] = list.result as { file: string }[];
    const answer = await first.invoke('data.restore', { backup: backup!.file });
    expect(answer).toMatchObject({ ok: true, result: { backup: backup!.file, events: 2, accounts: 1, restarting: true } });
    await turn();
    expect([first.fake.calls.relaunch, first.fake.calls.quit]).toEqual([1, 1]);
    first.fake.app.emit('will-quit');

    // The next start: the backup is the ledger; what was there is kept beside it.
    const second = await desktop(appData);
    expect(await videos(second.invoke)).toBe(2);
    expect(second.logs.join('\n')).toMatch(/restored .*\(2 events\); the previous ledger is kept as .*before-restore-/);
    const ledgerDir = dirname(second.app!.dbPath);
    expect(readdirSync(ledgerDir).filter((f) => f.includes('.before-restore-') && f.endsWith('Z'))).toHaveLength(1);
    // Once: a third start opens the ledger as it is.
    await second.invoke('usage.record', { account: 'fluxnote-rise', action: 'video' });
    second.fake.app.emit('will-quit');
    const third = await desktop(appData);
    expect(await videos(third.invoke)).toBe(3);
    expect(third.fake.calls.errorBoxes).toEqual([]);
  });

  it('refuses anything but one of the ledger own backups, whole, and then nothing is noted and nothing restarts', async () => {
    const appData = mkdtempSync(join(tmpdir(), 'creditdeck-app-'));
    const app = await desktop(appData);
    await app.invoke('accounts.add', { preset: 'fluxnote', plan: 'rise' });
    const backups = join(dirname(app.app!.dbPath), 'backups');
    mkdirSync(backups, { recursive: true });
    writeFileSync(join(backups, 'damaged.sqlite'), 'not a database at all');
    for (const [file, message] of [
      ['../creditdeck.sqlite', "is not one of this ledger's backups"],
      ['notes.txt', "is not one of this ledger's backups"],
      ['gone.sqlite', 'there is no backup named gone.sqlite'],
      ['damaged.sqlite', 'is not a SQLite database'],
    ] as const) {
      expect(await app.invoke('data.restore', { backup: file }), file).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining(message) } });
    }
    await turn();
    expect(app.fake.calls.relaunch).toBe(0);
    expect(existsSync(join(app.fake.paths.userData!, 'restore-on-start.json'))).toBe(false);
  });

  it('is the desktop app own: never over HTTP', () => {
    const ctx = memoryLedger();
    expect(dispatch(ctx, 'data.restore', { backup: 'x.sqlite' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: '"data.restore" is only available in the Creditdeck desktop app' } });
    ctx.db.close();
  });
});
