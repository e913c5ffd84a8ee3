/**
 * `creditdeck reconcile` end to end, in-process (test/cli/harness.ts) against
 * the local fake of Fluximage's endpoint: --fetch, --accept, --auto, a page's
 * figure for a provider without an API, and the provenance in `balance --json`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { run } from '../../main/cli/index.js';
import { cli } from '../cli/harness.js';
import { startFakeFluximage, usageDoc, type FakeFluximage } from './fake-fluximage.js';

const KEY = 'flx_test_cli0123456789';
let fake: FakeFluximage;
beforeAll(async () => {
  fake = await startFakeFluximage();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

/** The harness, with the fake's URL and a key in the environment, and an injected sleep. */
function session() {
  const c = cli('2026-11-15T12:00:00Z');
  const sleeps: number[] = [];
  const exec = async (...args: string[]) => {
    let out = '';
    let err = '';
    const env = { CREDITDECK_FLUXIMAGE_API: fake.url, FLUXIMAGE_API_KEY: KEY };
    const code = await run(['--db', c.db, ...args], { out: (s) => (out += s), err: (s) => (err += s), env, clock: c.clock, sleep: async (ms) => void sleeps.push(ms), isTTY: false });
    return { code, out, err, json: () => JSON.parse(out) };
  };
  return { ...c, exec, sleeps };
}

describe('creditdeck reconcile', () => {
  test('--fetch shows the difference; --accept records it; balance --json says where each number comes from', async () => {
    const s = session();
    expect((await s.exec('account', 'add', '--preset', 'fluximage', '--plan', 'agency', '--anchor', '2026-11-03')).code).toBe(0);
    await s.exec('use', 'fluximage-agency', 'alt-text', '806');
    fake.script({ body: usageDoc({ ia_credits_used: 812, compressor_used: 0 }) });
    const f = await s.exec('reconcile', 'fluximage-agency', '--fetch');
    expect(f.code, f.err).toBe(0);
    expect(f.out).toContain('Fluximage says 812 AI credits used, the ledger 806: 6 unrecorded');
    expect(f.out).toContain('record the difference with: creditdeck reconcile fluximage-agency --accept');
    // The key went to the fake only, and is printed nowhere.
    expect(fake.requests.map((r) => r.authorization)).toEqual([`Bearer ${KEY}`]);
    expect(f.out + f.err).not.toContain(KEY);

    const status = await s.exec('reconcile', 'fluximage-agency');
    expect(status.out).toContain('ai: the ledger alone; Fluximage says 812 AI credits used, the ledger 806: 6 unrecorded');
    expect(status.out).toContain('compression: Fluximage\'s meter agreed at 2026-11-15T12:00:00.000Z');

    const a = await s.exec('--json', 'reconcile', 'fluximage-agency', '--accept');
    expect(a.code, a.err).toBe(0);
    expect(a.json()).toMatchObject([{ pool: 'ai', recorded: 6, vendorFigure: 812, ledgerFigure: 806, origin: 'api', vendor: 'Fluximage' }]);
    const b = (await s.exec('--json', 'balance', 'fluximage-agency')).json();
    expect(b.pools.find((p: { pool: string }) => p.pool === 'ai')).toMatchObject({ usedThisPeriod: 812, source: { kind: 'reconciled', vendor: 'Fluximage', origin: 'api', at: '2026-11-15T12:00:00.000Z' }, drift: null });
    expect((await s.exec('check')).code).toBe(0);
  });

  test('--auto on: the next --fetch records the difference by itself', async () => {
    const s = session();
    await s.exec('account', 'add', '--preset', 'fluximage', '--plan', 'pro', '--anchor', '2026-11-03');
    expect((await s.exec('reconcile', 'fluximage-pro', '--auto', 'on')).out).toBe('auto-reconcile on for fluximage-pro\n');
    fake.script({ body: usageDoc({ plan: 'pro', ia_credits_used: 3, compressor_used: 12 }) });
    const f = await s.exec('reconcile', 'fluximage-pro', '--fetch');
    expect(f.code, f.err).toBe(0);
    expect(f.out).toMatch(/recorded 12 unrecorded compression credits/);
    expect(f.out).toMatch(/recorded 3 unrecorded ai credits/);
    const b = (await s.exec('--json', 'balance', 'fluximage-pro')).json();
    expect(b.pools.map((p: { usedThisPeriod: number; source: { kind: string } }) => [p.usedThisPeriod, p.source.kind])).toEqual([
      [12, 'reconciled'],
      [3, 'reconciled'],
    ]);
  });

  test('--fetch failing (a 503 each time): exit 1, the status said, backoff without waiting, the ledger unchanged', async () => {
    const s = session();
    await s.exec('account', 'add', '--preset', 'fluximage', '--plan', 'agency', '--anchor', '2026-11-03');
    fake.script({ status: 503 });
    const before = s.digest();
    const f = await s.exec('reconcile', 'fluximage-agency', '--fetch');
    expect(f.code).toBe(1);
    expect(f.out).toBe('server_error: Fluximage answered HTTP 503 (4 attempts); nothing was recorded\n');
    expect(s.sleeps).toEqual([2_000, 4_000, 8_000]);
    expect(s.digest()).toBe(before);
  });

  test('no key anywhere: not set up, exit 1, nothing contacted', async () => {
    const c = cli('2026-11-15T12:00:00Z');
    await c.exec('account', 'add', '--preset', 'fluximage', '--plan', 'agency', '--anchor', '2026-11-03');
    let out = '';
    const code = await run(['--db', c.db, 'reconcile', 'fluximage-agency', '--fetch'], { out: (x) => (out += x), err: () => {}, env: { CREDITDECK_FLUXIMAGE_KEY: `${c.dir}/no-such-key` }, clock: c.clock });
    expect(code).toBe(1);
    expect(out).toContain(`not_configured: Fluximage is not set up: set FLUXIMAGE_API_KEY or write the key to ${c.dir}/no-such-key (mode 600)`);
    expect(fake.requests).toEqual([]);
  });

  test('a provider without an API: what its page shows left, with a note; bad figures write nothing', async () => {
    const s = session();
    await s.exec('account', 'add', '--preset', 'lux', '--plan', 'free', '--anchor', '2026-11-03');
    await s.exec('use', 'lux-free', 'email', '10');
    const bal = (await s.exec('--json', 'balance', 'lux-free')).json().pools[0];
    const left = bal.remaining as number;
    const r = await s.exec('--json', 'reconcile', 'lux-free', 'credits', '--remaining', String(left - 4), '--note', 'Lux billing page');
    expect(r.code, r.err).toBe(0);
    expect(r.json()).toMatchObject({ origin: 'page', vendor: 'Lux', figure: 'remaining', vendorFigure: left - 4, ledgerFigure: left, recorded: 4, note: 'Lux billing page' });
    const after = (await s.exec('--json', 'balance', 'lux-free')).json().pools[0];
    expect(after).toMatchObject({ remaining: left - 4, usedThisPeriod: bal.usedThisPeriod + 4, source: { kind: 'reconciled', vendor: 'Lux', origin: 'page' } });

    const before = s.digest();
    const more = await s.exec('reconcile', 'lux-free', 'credits', '--remaining', String(left));
    expect(more.code).toBe(2);
    expect(more.err).toMatch(/the ledger has 4 more used than Lux counts/);
    const same = await s.exec('reconcile', 'lux-free', 'credits', '--remaining', String(left - 4));
    expect([same.code, same.err]).toEqual([2, expect.stringMatching(/they agree, nothing to reconcile/)]);
    expect((await s.exec('reconcile', 'lux-free', 'credits', '--remaining', '-3')).code).toBe(2);
    expect((await s.exec('reconcile', 'lux-free', '--remaining', '3')).code).toBe(2);
    expect((await s.exec('reconcile', 'lux-free', 'nope', '--remaining', '3')).code).toBe(2);
    expect((await s.exec('reconcile', 'lux-free', 'credits', '--remaining', '3', '--at', '2030-01-01T00:00:00Z')).code).toBe(2);
    expect(s.digest()).toBe(before);
  });

  test('on a team ledger the command line reconciles as its owner, through the access table, audited', async () => {
    const s = session();
    await s.exec('account', 'add', '--preset', 'lux', '--plan', 'free', '--anchor', '2026-11-03');
    expect((await s.exec('team', 'init', '--name', 'Studio', '--owner', 'ana')).code).toBe(0);
    await s.exec('use', 'lux-free', 'email', '10');
    const left = (await s.exec('--json', 'balance', 'lux-free')).json().pools[0].remaining as number;
    const r = await s.exec('reconcile', 'lux-free', 'credits', '--remaining', String(left - 1), '--note', 'page');
    expect(r.code, r.err).toBe(0);
    const audit = (await s.exec('--json', 'team', 'audit')).json() as { call: string; member: string; result: string }[];
    expect(audit.find((a) => a.call === 'reconcile.page')).toMatchObject({ member: 'ana', result: 'ok' });
  });
});
