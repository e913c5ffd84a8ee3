/** The CLI's and the web host's browser opener: no shell on any platform, a clean environment, non-Stripe hosts only once confirmed. */
import { afterEach, describe, expect, it } from 'vitest';
import { childEnv, confirmingOpener, openCommand, STRIPE_HOSTS, systemOpener, type SpawnOptions } from '../../main/core/purchases/opener.js';
import { takeStripeEnv } from '../../main/core/purchases/secrets.js';
import { paymentsFromEnv } from '../../main/core/purchases/setup.js';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Shaped like real keys (helpers.ts has the same), without loading the ledger.
const SECRET_KEY = 'sk_test_51FakeKeyForCreditdeckTests0123456789';
const WEBHOOK_SECRET = 'whsec_creditdeckTestSecret0123456789';

type Spawned = { command: string; args: string[]; options: SpawnOptions };

function recorder() {
  const spawned: Spawned[] = [];
  return { spawned, spawner: (command: string, args: string[], options: SpawnOptions) => void spawned.push({ command, args, options }) };
}

const PACK_HOST = 'billing.flux.example';
const hosts = () => [...STRIPE_HOSTS, PACK_HOST];
const WIN_ENV: NodeJS.ProcessEnv = { SystemRoot: 'C:\\Windows', Path: 'C:\\Windows\\System32', USERPROFILE: 'C:\\Users\\me', STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET };

describe('systemOpener', () => {
  it('on Windows runs rundll32 by its full path, no shell, the URL as exactly one argument', () => {
    const { spawned, spawner } = recorder();
    const open = systemOpener({ hosts, platform: 'win32', spawner, env: WIN_ENV });
    const url = 'https://checkout.stripe.com/c/pay/cs_test_1?a=1&b=2#fid%2Fx';
    expect(open(url)).toBe(true);
    expect(spawned).toHaveLength(1);
    expect(spawned[0]!.command).toBe('C:\\Windows\\System32\\rundll32.exe');
    expect(spawned[0]!.args).toEqual(['url.dll,FileProtocolHandler', url]);
    expect(spawned[0]!.options.shell).toBe(false);
  });

  it('on Windows never spawns for a pack link carrying |, %VAR%, ^, quotes, < >, a backtick or a space', () => {
    const { spawned, spawner } = recorder();
    const open = systemOpener({ hosts, platform: 'win32', spawner, env: WIN_ENV });
    for (const bad of ['|calc.exe', '?k=%STRIPE_SECRET_KEY%', '^&calc', '"&calc"', "'x'", '<x>', '`x`', ' x', '%'])
      expect(open(`https://${PACK_HOST}/topup${bad}`), bad).toBe(false);
    expect(spawned).toEqual([]);
  });

  it('macOS: /usr/bin/open; Linux: xdg-open; each with the URL alone and no shell', () => {
    const url = 'https://checkout.stripe.com/c/pay/cs_test_1';
    expect(openCommand('darwin', url, {})).toEqual({ command: '/usr/bin/open', args: [url] });
    expect(openCommand('linux', url, {})).toEqual({ command: 'xdg-open', args: [url] });
    expect(openCommand('win32', url, {}).command).toBe('C:\\Windows\\System32\\rundll32.exe');
    const { spawned, spawner } = recorder();
    expect(systemOpener({ hosts, platform: 'darwin', spawner, env: {} })(url)).toBe(true);
    expect(systemOpener({ hosts, platform: 'linux', spawner, env: {} })(url)).toBe(true);
    expect(spawned.map((s) => [s.command, s.args, s.options.shell])).toEqual([
      ['/usr/bin/open', [url], false],
      ['xdg-open', [url], false],
    ]);
  });

  it('starts the browser with an allow-listed environment: what finds the desktop, never a Stripe key', () => {
    const { spawned, spawner } = recorder();
    const desktop = {
      PATH: '/usr/bin',
      HOME: '/home/me',
      DISPLAY: ':0',
      WAYLAND_DISPLAY: 'wayland-0',
      XDG_RUNTIME_DIR: '/run/user/1000',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
    };
    const env = {
      ...desktop,
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      CREDITDECK_STRIPE_KEYS: '/home/me/keys.json',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
      NODE_OPTIONS: '--require /tmp/x.js',
    };
    systemOpener({ hosts, platform: 'linux', spawner, env })('https://checkout.stripe.com/c/pay/cs_1');
    expect(spawned[0]!.options.env).toEqual(desktop);
    // Windows spells its names in any case.
    expect(childEnv(WIN_ENV)).toEqual({ SystemRoot: 'C:\\Windows', Path: 'C:\\Windows\\System32', USERPROFILE: 'C:\\Users\\me' });
  });
});

describe('confirmingOpener', () => {
  it("opens Stripe's hosts and the test origin at once; any other host only after a yes", async () => {
    const opened: string[] = [];
    const asked: string[] = [];
    let answer = false;
    const open = confirmingOpener((u) => (opened.push(u), true), [...STRIPE_HOSTS, 'http://127.0.0.1:9'], (h) => (asked.push(h), answer));
    expect(await open('https://checkout.stripe.com/c/pay/cs_1')).toBe(true);
    expect(await open('http://127.0.0.1:9/pay/cs_1')).toBe(true);
    expect(await open(`https://${PACK_HOST}/topup`)).toBe(false);
    answer = true;
    expect(await open(`https://${PACK_HOST}/topup`)).toBe(true);
    expect(asked).toEqual([PACK_HOST, PACK_HOST]);
    expect(opened).toEqual(['https://checkout.stripe.com/c/pay/cs_1', 'http://127.0.0.1:9/pay/cs_1', `https://${PACK_HOST}/topup`]);
  });
});

describe('paymentsFromEnv (the web host and the CLI outside `buy`)', () => {
  it("never opens a pack's link to a host that is not Stripe's unless a confirmHost says yes", async () => {
    const ctx = openLedger(join(mkdtempSync(join(tmpdir(), 'creditdeck-opener-')), 'ledger.sqlite'));
    try {
      const lux = call(ctx, 'presets.show', { id: 'lux' }) as unknown as Record<string, unknown>;
      const url = `https://${PACK_HOST}/topup`;
      call(ctx, 'accounts.add', { provider: { ...lux, id: 'luxlink', name: 'Lux Link', packs: [{ id: 'web', name: 'Web', pool: 'credits', credits: null, priceCents: null, url }] }, plan: 'free', name: 'Lux Link' });
      const opened: string[] = [];
      const record = (u: string) => (opened.push(u), true);
      const served = paymentsFromEnv(ctx, {}, { openUrl: record }).payments;
      expect(await served.start(ctx, 'lux-link', 'web')).toMatchObject({ via: 'link', url, opened: false });
      const confirmed = paymentsFromEnv(ctx, {}, { openUrl: record, confirmHost: (h) => h === PACK_HOST }).payments;
      expect(await confirmed.start(ctx, 'lux-link', 'web')).toMatchObject({ opened: true });
      expect(opened).toEqual([url]);
    } finally {
      ctx.db.close();
    }
  });
});

describe('takeStripeEnv', () => {
  const saved = { key: process.env.STRIPE_SECRET_KEY, hook: process.env.STRIPE_WEBHOOK_SECRET };
  afterEach(() => {
    for (const [name, v] of [['STRIPE_SECRET_KEY', saved.key], ['STRIPE_WEBHOOK_SECRET', saved.hook]] as const) {
      if (v === undefined) delete process.env[name];
      else process.env[name] = v;
    }
  });

  it('returns the keys and leaves process.env without them, so no child can inherit them', () => {
    process.env.STRIPE_SECRET_KEY = SECRET_KEY;
    process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
    expect(takeStripeEnv(process.env)).toEqual({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });
    expect(process.env.STRIPE_SECRET_KEY).toBeUndefined();
    expect(process.env.STRIPE_WEBHOOK_SECRET).toBeUndefined();
    expect(Object.keys(process.env).filter((k) => k.startsWith('STRIPE_'))).toEqual([]);
    expect(takeStripeEnv(process.env)).toEqual({});
  });
});
