import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL } from '../../main/electron/channel.js';
import { FORBIDDEN, handleCall, isTrustedSender, isWriteCall, READ_CALLS, registerIpc, WRITE_CALLS } from '../../main/electron/ipc.js';
import { REMOTE_CALLS } from '../../main/web/dispatch.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { call } from '../../main/core/api/handlers.js';
import { memoryLedger } from '../web/helpers.js';
import { openLedger } from '../../main/core/api/open.js';
import { seededIds } from '../../main/core/util/ids.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeElectron, subFrame, topFrame } from './fake-electron.js';

const OWN = 'app://creditdeck/index.html';
const TRUSTED = { page: OWN };
const DEV = 'http://localhost:5173';

let ctx: Ctx;
const ledgers: Ctx[] = [];
beforeEach(() => {
  ctx = memoryLedger();
});
afterEach(() => {
  ctx.db.close();
  for (const l of ledgers.splice(0)) if (l.db.open) l.db.close();
});

describe('IPC sender validation', () => {
  const built = TRUSTED;
  const dev = { page: OWN, devServerUrl: `${DEV}/` };

  it('accepts the built page at its exact app:// address, with any hash or query', () => {
    for (const url of [OWN, `${OWN}#/accounts/lux-free`, `${OWN}?tab=usage`]) expect(isTrustedSender(topFrame(url), built), url).toBe(true);
  });

  it('rejects other app:// pages and hosts, file://, other origins, subframes and closed frames', () => {
    const rejected = [
      // The built page over file:// is no longer the app's page.
      topFrame('file:///opt/Creditdeck/out/renderer/index.html'),
      topFrame('app://creditdeck/other.html'),
      topFrame('app://creditdeck/'),
      topFrame('app://creditdeck/assets/index.html'),
      topFrame('app://evil/index.html'),
      topFrame('app://creditdeck.evil/index.html'),
      topFrame('app://creditdeck:8080/index.html'),
      topFrame('app://user@creditdeck/index.html'),
      topFrame('apps://creditdeck/index.html'),
      topFrame('file:///opt/Creditdeck/out/renderer/other.html'),
      topFrame('file:///tmp/evil/index.html'),
      topFrame('file://attacker-host/opt/Creditdeck/out/renderer/index.html'),
      topFrame('https://evil.example/'),
      topFrame(`${DEV}/`), // the dev server is not trusted in a built app
      topFrame('about:blank'),
      topFrame('data:text/html,<script>1</script>'),
      topFrame('not a url'),
      topFrame(''),
      subFrame(OWN, OWN),
      null,
    ];
    for (const frame of rejected) expect(isTrustedSender(frame, built), JSON.stringify(frame)).toBe(false);
    expect(isTrustedSender(undefined, built)).toBe(false);
  });

  it('accepts the dev server origin only when running against it', () => {
    expect(isTrustedSender(topFrame(`${DEV}/#/x`), dev)).toBe(true);
    expect(isTrustedSender(topFrame(`${DEV}/nested/page`), dev)).toBe(true);
    expect(isTrustedSender(topFrame('http://localhost:5174/'), dev)).toBe(false);
    expect(isTrustedSender(topFrame('https://localhost:5173/'), dev)).toBe(false);
    expect(isTrustedSender(topFrame('http://127.0.0.1:5173/'), dev)).toBe(false);
    expect(isTrustedSender(subFrame(`${DEV}/`, `${DEV}/`), dev)).toBe(false);
  });
});

describe('IPC calls', () => {
  it('a foreign sender is refused before anything runs', async () => {
    const fake = fakeElectron({ appData: '/tmp/unused' });
    const logs: string[] = [];
    registerIpc(fake.deps.ipcMain, ctx, TRUSTED, (l) => logs.push(l));
    const r = await fake.invoke(CHANNEL, topFrame('https://evil.example/'), 'accounts.add', { preset: 'lux', plan: 'free' });
    expect(r).toEqual(FORBIDDEN);
    expect(call(ctx, 'accounts.list', {})).toEqual([]);
    expect(logs.join('\n')).toMatch(/refused an API call from https:\/\/evil\.example/);
  });

  it('the own page is served; the answer survives the structured clone intact', async () => {
    const fake = fakeElectron({ appData: '/tmp/unused' });
    registerIpc(fake.deps.ipcMain, ctx, TRUSTED);
    const r = (await fake.invoke(CHANNEL, topFrame(OWN), 'accounts.add', { preset: 'lux', plan: 'free' })) as { ok: true; result: { id: string } };
    expect(r.ok).toBe(true);
    expect(r.result.id).toBe('lux-free');
    expect(call(ctx, 'accounts.list', {}).map((a) => a.id)).toEqual(['lux-free']);
  });

  it('invalid arguments come back as invalid_input', () => {
    const own = { senderFrame: topFrame(OWN) };
    const t = TRUSTED;
    expect(handleCall(ctx, t, own, [])).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'call' } });
    expect(handleCall(ctx, t, own, [42, {}])).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'call' } });
    expect(handleCall(ctx, t, own, ['no.such.call', {}])).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'call' } });
    expect(handleCall(ctx, t, own, ['constructor', {}])).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(handleCall(ctx, t, own, ['usage.record', { action: 'video' }])).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'account' } });
    expect(handleCall(ctx, t, own, ['usage.record', 'not an object'])).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(handleCall(ctx, t, own, ['balance.get', { account: 'missing' }])).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('the window gets what the browser gets: no import, no local files', () => {
    const own = { senderFrame: topFrame(OWN) };
    const t = TRUSTED;
    expect(handleCall(ctx, t, own, ['import', { text: '', format: 'jsonl' }])).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'call' } });
    expect(handleCall(ctx, t, own, ['accounts.add', { providerFile: '/etc/passwd', plan: 'x' }])).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'providerFile' } });
  });

  it('an unexpected failure is {code: "error"} with one line and no stack', () => {
    const broken = memoryLedger();
    broken.db.close();
    const logs: string[] = [];
    const r = handleCall(broken, TRUSTED, { senderFrame: topFrame(OWN) }, ['accounts.list', {}], (l) => logs.push(l));
    expect(r).toEqual({ ok: false, error: { code: 'error', message: expect.stringMatching(/not open/) } });
    expect(JSON.stringify(r)).not.toMatch(/\\n\s+at /);
    expect(logs.join('\n')).toMatch(/accounts\.list failed/);
  });
});

describe('IPC writes', () => {
  it('every call the window may make is either a write or a read, never both', () => {
    const writes: readonly string[] = WRITE_CALLS;
    const reads: readonly string[] = READ_CALLS;
    expect([...writes, ...reads].sort()).toEqual([...REMOTE_CALLS].sort());
    expect(writes.filter((w) => reads.includes(w))).toEqual([]);
    expect(isWriteCall('usage.record')).toBe(true);
    expect(isWriteCall('balance.all')).toBe(false);
    expect(isWriteCall('import')).toBe(false);
    expect(isWriteCall(42)).toBe(false);
    // Saving the Stripe keys writes no ledger row: desktop-only, in neither list, no tray refresh.
    expect(reads).toContain('payments.status');
    expect([...writes, ...reads]).not.toContain('payments.setKeys');
    expect(isWriteCall('payments.setKeys')).toBe(false);
  });

  it('the reads really do not write: the ledger is unchanged after each', () => {
    const file = openLedger(join(mkdtempSync(join(tmpdir(), 'creditdeck-reads-')), 'ledger.sqlite'), { clock: ctx.clock, ids: seededIds(5) });
    ledgers.push(file);
    call(file, 'accounts.add', { preset: 'fluxnote', plan: 'rise' });
    call(file, 'usage.record', { account: 'fluxnote-rise', action: 'video' });
    // usage.fluximage with no account reads the one Fluximage account.
    call(file, 'accounts.add', { preset: 'fluximage', plan: 'pro' });
    const snapshot = () => file.db.serialize().toString('base64');
    const before = snapshot();
    const inputs: Record<string, unknown> = {
      'presets.show': { id: 'lux' },
      'accounts.show': { account: 'fluxnote-rise' },
      'actions.list': { account: 'fluxnote-rise' },
      'members.list': { account: 'fluxnote-rise' },
      'grants.list': { account: 'fluxnote-rise' },
      'holds.list': { account: 'fluxnote-rise' },
      'events.list': { account: 'fluxnote-rise' },
      'balance.get': { account: 'fluxnote-rise' },
      'reports.usage': { account: 'fluxnote-rise' },
      'reports.forecast': { account: 'fluxnote-rise' },
      'plans.fit': { account: 'fluxnote-rise' },
      'refusals.list': { account: 'fluxnote-rise' },
      calc: { preset: 'fluxnote', videos: 3 },
      'purchases.packs': { account: 'fluxnote-rise' },
      'reconcile.status': { account: 'fluxnote-rise' },
      // A plan change run and rolled back: the file is unchanged, byte for byte.
      'accounts.planPreview': { account: 'fluxnote-rise', plan: 'pro' },
    };
    for (const name of READ_CALLS) {
      expect(handleCall(file, TRUSTED, { senderFrame: topFrame(OWN) }, [name, inputs[name] ?? {}]), name).toMatchObject({ ok: true });
      expect(snapshot(), name).toBe(before);
    }
  });

  it('afterWrite hears of each write from the own page, refused or not, and of nothing else', async () => {
    const fake = fakeElectron({ appData: '/tmp/unused' });
    const heard: string[] = [];
    registerIpc(fake.deps.ipcMain, ctx, TRUSTED, () => {}, (name) => heard.push(name));
    await fake.invoke(CHANNEL, topFrame(OWN), 'accounts.add', { preset: 'fluxnote', plan: 'free' });
    await fake.invoke(CHANNEL, topFrame(OWN), 'balance.all', {});
    await fake.invoke(CHANNEL, topFrame(OWN), 'usage.record', { account: 'fluxnote-free', action: 'video' });
    const refused = await fake.invoke(CHANNEL, topFrame(OWN), 'usage.record', { account: 'fluxnote-free', action: 'video' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'refused' } });
    await fake.invoke(CHANNEL, topFrame('https://evil.example/'), 'usage.record', { account: 'fluxnote-free', action: 'video' });
    await fake.invoke(CHANNEL, topFrame(OWN), 'import', { text: '', format: 'jsonl' });
    expect(heard).toEqual(['accounts.add', 'usage.record', 'usage.record']);
  });
});
