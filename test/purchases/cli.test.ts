/** `creditdeck buy`, `purchases`, `purchase …` against the fake Stripe API (CREDITDECK_STRIPE_API). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../main/cli/index.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { startFakeStripe, type FakeStripe } from './fake-stripe.js';
import { SECRET_KEY, WEBHOOK_SECRET } from './helpers.js';
import { getPreset } from '../../main/core/presets/index.js';

let fake: FakeStripe;
let db: string;
let clock: ManualClock;
let opened: string[];
let onSleep: () => void;
/** What the terminal answers a question with (null: no terminal), and the questions asked. */
let answer: string | null;
let asked: string[];
beforeEach(async () => {
  fake = await startFakeStripe();
  db = join(mkdtempSync(join(tmpdir(), 'creditdeck-cli-buy-')), 'ledger.sqlite');
  clock = new ManualClock(Date.parse('2026-11-15T12:00:00Z'));
  opened = [];
  onSleep = () => {};
  answer = null;
  asked = [];
});
afterEach(async () => {
  await fake.close();
});

async function cli(args: string[], env: NodeJS.ProcessEnv = { STRIPE_SECRET_KEY: SECRET_KEY, CREDITDECK_STRIPE_API: fake.url }, isTTY = false) {
  let out = '';
  let err = '';
  const code = await run(['--db', db, ...args], {
    out: (s) => (out += s),
    err: (s) => (err += s),
    env,
    clock,
    ids: seededIds(3),
    openUrl: (u) => (opened.push(u), true),
    sleep: async () => onSleep(),
    isTTY,
    ask: async (q) => (asked.push(q), answer),
  });
  return { code, out, err };
}

describe('creditdeck buy', () => {
  beforeEach(async () => {
    expect((await cli(['account', 'add', '--preset', 'flux', '--plan', 'edge', '--at', '2026-11-01T00:00:00Z'])).code).toBe(0);
    expect((await cli(['account', 'add', '--preset', 'flux', '--plan', 'pulse', '--at', '2026-11-01T00:00:00Z'])).code).toBe(0);
  });

  it('packs lists prices and price per credit', async () => {
    const r = await cli(['packs', 'flux-edge']);
    expect(r.out).toMatch(/pro {2}Pro: 2,?000 credits, \$15\.00 \(0\.0075 per credit\)/);
    expect((await cli(['packs', 'flux-pulse'])).out).toMatch(/Pulse accounts cannot buy credit packs/);
  });

  it('--no-wait prints the URL, opens it and returns with the purchase pending', async () => {
    const r = await cli(['--json', 'buy', 'flux-edge', 'pro', '--no-wait']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ via: 'stripe', opened: true, purchase: { status: 'pending' } });
    expect(j.url).toMatch(new RegExp(`^${fake.url}/pay/cs_test_`));
    expect(opened).toEqual([j.url]);
    expect(r.err).toContain(j.url);
    const list = await cli(['purchases']);
    expect(list.out).toMatch(/flux-edge {2}Pro {2}2,?000 credits {2}\$15\.00 {2}pending/);
  });

  it('waits with a progress line until the payment is verified, then exit 0', async () => {
    let ticks = 0;
    onSleep = () => {
      ticks++;
      if (ticks === 3) fake.complete([...fake.sessions.keys()][0]!);
    };
    const r = await cli(['buy', 'flux-edge', 'starter'], undefined, true);
    expect(r.code).toBe(0);
    expect(ticks).toBe(3);
    expect(r.err).toMatch(/waiting for the payment to be verified/);
    expect(r.out).toMatch(/paid/);
    const g = await cli(['--json', 'grants', 'flux-edge']);
    expect(JSON.parse(g.out).filter((x: { source: string }) => x.source === 'purchase')).toMatchObject([{ credits: 500, priceCents: 500 }]);
  });

  it('an expired session ends the wait with exit 1; a plan refusal is exit 3 before Stripe; no key is exit 2', async () => {
    onSleep = () => fake.expire([...fake.sessions.keys()][0]!);
    const r = await cli(['buy', 'flux-edge', 'starter']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/expired/);
    const n = fake.requests.length;
    const refused = await cli(['buy', 'flux-pulse', 'starter']);
    expect(refused.code).toBe(3);
    expect(fake.requests.length).toBe(n);
    const nokey = await cli(['buy', 'flux-edge', 'starter'], { CREDITDECK_STRIPE_KEYS: join(tmpdir(), 'no-such-keys.json') });
    expect(nokey.code).toBe(2);
    expect(nokey.err).toMatch(/Stripe is not set up: set STRIPE_SECRET_KEY/);
    expect(fake.requests.length).toBe(n);
  });

  it('purchase show, refund refusal, check', async () => {
    const b = JSON.parse((await cli(['--json', 'buy', 'flux-edge', 'starter', '--no-wait'])).out);
    fake.complete(b.purchase.sessionId);
    const c = await cli(['purchase', 'check']);
    expect(c.out).toMatch(/checked 1: 1 paid/);
    const s = await cli(['purchase', 'show', b.purchase.id]);
    expect(s.out).toMatch(/not refundable: Flux does not offer refunds/);
    const r = await cli(['purchase', 'refund', b.purchase.id]);
    expect(r.code).toBe(3);
  });
});

describe("creditdeck buy: a pack's own link to a host that is not Stripe's", () => {
  const LINK = 'https://lux.example/billing/add-credits';
  beforeEach(async () => {
    const lux = structuredClone(getPreset('lux')) as unknown as Record<string, unknown>;
    lux.id = 'luxlink';
    lux.name = 'Lux Link';
    lux.packs = [{ id: 'web', name: 'Credits on lux.example', pool: 'credits', credits: null, priceCents: null, url: LINK }];
    const file = join(mkdtempSync(join(tmpdir(), 'creditdeck-provider-')), 'lux-link.json');
    writeFileSync(file, JSON.stringify(lux));
    expect((await cli(['account', 'add', '--provider-file', file, '--plan', 'free', '--name', 'Lux Link'])).code).toBe(0);
  });

  it('without a terminal it refuses, opening nothing, and names the flag that opens it', async () => {
    const r = await cli(['buy', 'lux-link', 'web']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/lux\.example, not to Stripe, and there is no terminal to ask: rerun with --open-host lux\.example/);
    expect(opened).toEqual([]);
    expect(asked).toEqual(['Open lux.example? [y/N] ']);
  });

  it('--open-host with that host opens it without asking; another host does not', async () => {
    const ok = await cli(['buy', 'lux-link', 'web', '--open-host', 'lux.example']);
    expect(ok.code).toBe(0);
    expect(opened).toEqual([LINK]);
    const wrong = await cli(['buy', 'lux-link', 'web', '--open-host', 'other.example']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/goes to lux\.example, not other\.example; nothing was opened/);
    expect(opened).toEqual([LINK]);
    expect(asked).toEqual([]);
  });

  it('on a terminal it asks "Open <host>? [y/N]": only a yes opens it', async () => {
    answer = '';
    expect((await cli(['buy', 'lux-link', 'web'])).code).toBe(2);
    answer = 'n';
    const no = await cli(['buy', 'lux-link', 'web']);
    expect(no.code).toBe(2);
    expect(no.err).toMatch(/lux\.example was not opened/);
    expect(opened).toEqual([]);
    answer = 'y';
    const yes = await cli(['buy', 'lux-link', 'web']);
    expect(yes.code).toBe(0);
    expect(yes.err).toMatch(/^Opened https:\/\/lux\.example\/billing\/add-credits to buy it from the provider/);
    expect(opened).toEqual([LINK]);
    expect(asked).toEqual(Array(3).fill('Open lux.example? [y/N] '));
  });

  it("Stripe's Checkout is never asked about", async () => {
    expect((await cli(['account', 'add', '--preset', 'flux', '--plan', 'edge', '--at', '2026-11-01T00:00:00Z'])).code).toBe(0);
    const r = await cli(['buy', 'flux-edge', 'pro', '--no-wait']);
    expect(r.code).toBe(0);
    expect(opened).toHaveLength(1);
    expect(asked).toEqual([]);
  });
});

describe('creditdeck: the Stripe keys and the testing hook', () => {
  beforeEach(async () => {
    expect((await cli(['account', 'add', '--preset', 'flux', '--plan', 'edge', '--at', '2026-11-01T00:00:00Z'])).code).toBe(0);
  });

  it('reads STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET once and takes them out of the environment it was given', async () => {
    const env: NodeJS.ProcessEnv = { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, CREDITDECK_STRIPE_API: fake.url, PATH: '/usr/bin' };
    const r = await cli(['--json', 'buy', 'flux-edge', 'pro', '--no-wait'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ via: 'stripe', purchase: { status: 'pending' } });
    expect(env).toEqual({ CREDITDECK_STRIPE_API: fake.url, PATH: '/usr/bin' });
  });

  it('CREDITDECK_STRIPE_API off loopback is refused, and nothing is sent', async () => {
    const port = new URL(fake.url).port;
    // 0.0.0.0 reaches the fake (it is this machine), so a request would show.
    for (const api of [`http://0.0.0.0:${port}`, `http://stripe.example:${port}`, `https://api.stripe.com.evil.example`, 'not a url']) {
      const r = await cli(['buy', 'flux-edge', 'starter', '--no-wait'], { STRIPE_SECRET_KEY: SECRET_KEY, CREDITDECK_STRIPE_API: api });
      expect(r.code, api).toBe(2);
      expect(r.err, api).toMatch(/CREDITDECK_STRIPE_API (may only name a fake Stripe API on this machine|is not a URL)/);
    }
    expect(fake.requests).toEqual([]);
    expect(opened).toEqual([]);
  });

  it('CREDITDECK_STRIPE_API with a live key is refused, and nothing is sent', async () => {
    for (const key of ['sk_live_51LiveKeyForCreditdeck0123456789', 'rk_live_51RestrictedLiveKey0123456789']) {
      const r = await cli(['buy', 'flux-edge', 'starter', '--no-wait'], { STRIPE_SECRET_KEY: key, CREDITDECK_STRIPE_API: fake.url });
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/CREDITDECK_STRIPE_API is a testing hook and takes test-mode keys only/);
      expect(r.err).not.toContain(key);
    }
    expect(fake.requests).toEqual([]);
  });

  it('on loopback with a test key the hook works (localhost here; 127.0.0.1 above)', async () => {
    const port = new URL(fake.url).port;
    const ok = await cli(['buy', 'flux-edge', 'starter', '--no-wait'], { STRIPE_SECRET_KEY: 'rk_test_restricted12345', CREDITDECK_STRIPE_API: `http://localhost:${port}` });
    expect(ok.code).toBe(0);
    expect(fake.requests.length).toBeGreaterThan(0);
  });
});
