/** `creditdeck buy`, `purchases`, `purchase …` against the fake Stripe API (CREDITDECK_STRIPE_API). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../main/cli/index.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { startFakeStripe, type FakeStripe } from './fake-stripe.js';
import { SECRET_KEY } from './helpers.js';

let fake: FakeStripe;
let db: string;
let clock: ManualClock;
let opened: string[];
let onSleep: () => void;
beforeEach(async () => {
  fake = await startFakeStripe();
  db = join(mkdtempSync(join(tmpdir(), 'creditdeck-cli-buy-')), 'ledger.sqlite');
  clock = new ManualClock(Date.parse('2026-11-15T12:00:00Z'));
  opened = [];
  onSleep = () => {};
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
