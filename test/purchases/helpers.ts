/** A ledger, a fake Stripe and the payments service wired to it through the real SDK. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { expect } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import { getPreset } from '../../main/core/presets/index.js';
import { Payments } from '../../main/core/purchases/service.js';
import { createStripeGateway, type StripeGateway } from '../../main/core/purchases/stripe.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { startFakeStripe, type FakeStripe } from './fake-stripe.js';

export const SECRET_KEY = 'sk_test_51FakeKeyForCreditdeckTests0123456789';
export const WEBHOOK_SECRET = 'whsec_creditdeckTestSecret0123456789';
export const NOW = '2026-11-15T12:00:00Z';

export interface World {
  ctx: Ctx;
  clock: ManualClock;
  fake: FakeStripe;
  gateway: StripeGateway;
  payments: Payments;
  opened: string[];
  logs: string[];
  dbPath: string;
  close(): Promise<void>;
}

export function gatewayFor(apiBase: string, opts: { webhookSecret?: string | null; sleeps?: number[] } = {}): StripeGateway {
  return createStripeGateway({
    secretKey: SECRET_KEY,
    webhookSecret: opts.webhookSecret === undefined ? WEBHOOK_SECRET : opts.webhookSecret,
    apiBase,
    retryDelayMs: 0,
    sleep: async (ms) => {
      opts.sleeps?.push(ms);
    },
    timeoutMs: 5000,
  });
}

/** A Lux copy with a priced pack (Lux itself states no price) and a Fluximage copy with a compression pack too. */
export function luxPriced() {
  const lux = structuredClone(getPreset('lux')) as unknown as Record<string, unknown>;
  lux.id = 'luxpool';
  lux.name = 'Lux Pool';
  lux.packs = [{ id: 'k1', name: '1,000 credits', pool: 'credits', credits: 1000, priceCents: 1000 }];
  return lux;
}

export function fluximagePriced() {
  const fx = structuredClone(getPreset('fluximage')) as unknown as Record<string, unknown>;
  fx.id = 'fximg';
  fx.name = 'Fluximage Pool';
  fx.packs = [
    { id: 'ai-500', name: 'AI 500', pool: 'ai', credits: 500, priceCents: 900 },
    { id: 'comp-500', name: 'Compressions 500', pool: 'compression', credits: 500, priceCents: 500 },
  ];
  return fx;
}

export async function world(opts: { payments?: Partial<ConstructorParameters<typeof Payments>[0]> } = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-buy-'));
  const dbPath = join(dir, 'ledger.sqlite');
  const clock = new ManualClock(Date.parse(NOW));
  const ctx = openLedger(dbPath, { clock, ids: seededIds(11) });
  const fake = await startFakeStripe();
  const gateway = gatewayFor(fake.url);
  const opened: string[] = [];
  const logs: string[] = [];
  const payments = new Payments({ gateway, openUrl: (u) => (opened.push(u), true), returnBase: 'http://127.0.0.1:4317', log: (l) => logs.push(l), ...opts.payments });
  call(ctx, 'accounts.add', { preset: 'flux', plan: 'edge', at: '2026-11-01T00:00:00Z', name: 'Flux Edge' });
  call(ctx, 'accounts.add', { preset: 'flux', plan: 'pulse', at: '2026-11-01T00:00:00Z', name: 'Flux Pulse' });
  call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise', at: '2026-11-01T00:00:00Z' });
  call(ctx, 'accounts.add', { provider: luxPriced(), plan: 'free', at: '2026-11-01T00:00:00Z' });
  call(ctx, 'accounts.add', { provider: fluximagePriced(), plan: 'pro', at: '2026-11-01T00:00:00Z' });
  return {
    ctx,
    clock,
    fake,
    gateway,
    payments,
    opened,
    logs,
    dbPath,
    close: async () => {
      expect(checkInvariants(ctx)).toEqual([]);
      ctx.db.close();
      await fake.close();
    },
  };
}

/** A signed webhook body for a session, as Stripe sends it. */
export function signedEvent(session: object, type: string, opts: { secret?: string; timestamp: number; id?: string }): { body: string; header: string } {
  const body = JSON.stringify({ id: opts.id ?? `evt_${type}_${(session as { id: string }).id}`, object: 'event', type, created: opts.timestamp, data: { object: session } });
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: opts.secret ?? WEBHOOK_SECRET, timestamp: opts.timestamp });
  return { body, header };
}

/** Rows of every table, to compare "nothing changed". */
export function snapshot(ctx: Ctx): string {
  const tables = ctx.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[];
  return JSON.stringify(tables.map(({ name }) => [name, ctx.db.prepare(`SELECT * FROM "${name}"`).all()]));
}

export function grantsFor(ctx: Ctx, account: string): { id: string; key: string | null; amount_mc: number; price_minor: number | null; source: string }[] {
  return ctx.db.prepare(`SELECT id, key, amount_mc, price_minor, source FROM grants WHERE account_id = ? AND source = 'purchase'`).all(account) as never;
}
