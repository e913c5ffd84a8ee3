/**
 * Hostile input over the desktop app's IPC channel: the registered ipcMain
 * handler (through the fake Electron) answers every API case (api-cases.ts,
 * with NaN and Infinity arriving as themselves, not as JSON null) and the
 * channel's own (no call name, names that are not strings or are Object
 * prototype keys, inputs that are Dates, BigInts, Maps) with an error
 * envelope carrying invalid_input and a message; the ledger file's content
 * is exactly what it was.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHANNEL } from '../../main/electron/channel.js';
import { registerIpc } from '../../main/electron/ipc.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { call } from '../../main/core/api/handlers.js';
import { fakeElectron, topFrame } from '../electron/fake-electron.js';
import { API_CASES } from './api-cases.js';
import { digest, rowCount, seededLedger, type Seeded } from './ledger.js';

const PAGE = 'app://creditdeck/index.html';
const OWN = topFrame(PAGE);

let led: Seeded;
let before: string;
let invoke: (...args: unknown[]) => Promise<unknown>;
const writes: string[] = [];

beforeAll(() => {
  led = seededLedger(new ManualClock(Date.now()), 'creditdeck-hostile-ipc-');
  const fake = fakeElectron({ appData: '/tmp/unused' });
  registerIpc(fake.deps.ipcMain, led.ctx, { page: PAGE }, () => {}, (name) => writes.push(name));
  invoke = (...args) => fake.invoke(CHANNEL, OWN, ...args);
  before = digest(led.path);
});
afterAll(() => led.ctx.db.close());

const IPC_CASES: { name: string; args: () => unknown[]; message: RegExp }[] = [
  { name: 'no arguments at all', args: () => [], message: /the call name must be a string/ },
  { name: 'a number as the call name', args: () => [42, {}], message: /the call name must be a string/ },
  { name: 'null as the call name', args: () => [null, { account: 'lux', action: 'email' }], message: /the call name must be a string/ },
  { name: 'an object as the call name', args: () => [{ toString: () => 'usage.record' }, { account: 'lux', action: 'email' }], message: /the call name must be a string/ },
  { name: '"constructor" as the call name', args: () => ['constructor', {}], message: /unknown API call "constructor"/ },
  { name: '"__proto__" as the call name', args: () => ['__proto__', {}], message: /unknown API call "__proto__"/ },
  { name: 'a Date as the time', args: () => ['usage.record', { account: 'lux', action: 'email', at: new Date() }], message: /input at at/ },
  { name: 'a BigInt quantity', args: () => ['usage.record', { account: 'lux', action: 'email', quantity: 10n }], message: /input at quantity/ },
  { name: 'a Map as the input', args: () => ['usage.record', new Map([['account', 'lux']])], message: /input at account/ },
  { name: 'negative zero quantity', args: () => ['usage.record', { account: 'lux', action: 'email', quantity: -0 }], message: /quantity must be greater than zero/ },
  { name: 'Number.MAX_VALUE grant', args: () => ['grants.add', { account: 'lux', pool: 'credits', amount: Number.MAX_VALUE }], message: /too large/ },
  { name: 'a sparse list of attributes', args: () => ['usage.record', { account: 'lux', action: 'email', attrs: Object.assign(Object.create(null), { 'bad key': 'v' }) }], message: /attribute name "bad key"/ },
];

describe('hostile input over IPC: an error envelope with a message, and the ledger unchanged', () => {
  test.each(API_CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = (await invoke(c.call, c.input(led))) as { ok: boolean; error: { code: string; message: string } };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('invalid_input');
    expect(r.error.message).toMatch(c.message);
    expect(digest(led.path), 'the ledger changed').toBe(before);
  });

  test.each(IPC_CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = await invoke(...c.args());
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(c.message) } });
    expect(digest(led.path), 'the ledger changed').toBe(before);
  });

  test('the digest does see a write, and the ledger still adds up', async () => {
    const events = rowCount(led.path, 'events');
    expect(await invoke('usage.record', { account: 'lux', action: 'email' })).toMatchObject({ ok: true });
    expect(rowCount(led.path, 'events')).toBe(events + 1);
    expect(digest(led.path)).not.toBe(before);
    expect(call(led.ctx, 'check', {})).toMatchObject({ ok: true });
    expect(writes.length).toBeGreaterThan(0);
  });
});
