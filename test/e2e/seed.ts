/** A lived-in ledger for the page tests and screenshots: four services, a few days of usage each. */
import type { Payments } from '../../main/core/purchases/service.js';
import type { FakeStripe } from '../purchases/fake-stripe.js';
import type { TestHost } from './server.js';

export function seedFluxNote(host: TestHost): void {
  host.api('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-10-31' });
  host.api('members.add', { account: 'fluxnote-rise', member: 'ana', name: 'Ana' });
  host.api('members.add', { account: 'fluxnote-rise', member: 'ben', name: 'Ben', monthlyLimit: 400 });
  const use = (action: string, quantity: number, at: string, member?: string, project?: string) =>
    host.api('usage.record', { account: 'fluxnote-rise', action, quantity, at, ...(member ? { member } : {}), ...(project ? { attrs: { project } } : {}) });
  use('video', 3, '2026-10-31T10:00:00Z', 'ana', 'launch');
  use('image', 40, '2026-10-31T11:00:00Z', 'ana', 'launch');
  use('video', 2, '2026-11-01T09:30:00Z', 'ben', 'teaser');
  use('image', 25, '2026-11-01T15:00:00Z', 'ben', 'teaser');
  use('video', 4, '2026-11-02T16:00:00Z', 'ana', 'launch');
  use('edit', 3, '2026-11-02T16:30:00Z', 'ana', 'launch');
  use('video', 1, '2026-11-03T09:00:00Z', 'ben');
  use('image', 12, '2026-11-03T10:00:00Z', 'ana', 'teaser');
}

export function seedOthers(host: TestHost): void {
  host.api('accounts.add', { preset: 'lux', plan: 'free', name: 'Lux flows', anchor: '2026-10-20' });
  const lux = (action: string, quantity: number, at: string, flow: string) => host.api('usage.record', { account: 'lux-flows', action, quantity, at, attrs: { flow } });
  lux('ai:claude-sonnet', 42_000, '2026-10-22T10:00:00Z', 'welcome');
  lux('email', 120, '2026-10-25T10:00:00Z', 'welcome');
  lux('ai:claude-haiku', 90_000, '2026-10-29T10:00:00Z', 'triage');
  lux('sms', 40, '2026-11-01T10:00:00Z', 'alerts');
  lux('ai:claude-sonnet', 60_000, '2026-11-02T10:00:00Z', 'welcome');
  lux('voice-call', 12, '2026-11-03T08:00:00Z', 'support');
  host.api('accounts.set', { account: 'lux-flows', lowBalance: 100 });

  host.api('accounts.add', { preset: 'fluximage', plan: 'pro', name: 'Fluximage Pro', anchor: '2026-10-15' });
  const fx = (action: string, at: string, image: string) => host.api('usage.record', { account: 'fluximage-pro', action, at, attrs: { image } });
  for (let i = 0; i < 30; i++) fx('compress', `2026-10-${String(16 + (i % 15)).padStart(2, '0')}T12:00:00Z`, `img-${i}`);
  for (let i = 0; i < 12; i++) fx('alt-text', `2026-11-0${1 + (i % 3)}T12:00:00Z`, `img-${i}`);
  for (let i = 0; i < 6; i++) fx('seo-rename', `2026-11-02T13:00:00Z`, `img-${i}`);

  host.api('accounts.add', { preset: 'flux', plan: 'edge', name: 'Flux Edge', anchor: '2026-09-12' });
  host.api('actions.set', { account: 'flux-edge', action: 'mcp-tool', cost: 2, hourlyLimit: 100 });
  host.api('grants.add', { account: 'flux-edge', pool: 'credits', amount: 500, source: 'purchase', priceCents: 500, at: '2026-11-01T08:00:00Z' });
  for (let d = 1; d <= 3; d++) host.api('usage.record', { account: 'flux-edge', action: 'mcp-tool', quantity: 30 + d * 10, at: `2026-11-0${d}T09:00:00Z` });
}

/**
 * Purchases on Flux Edge through a payments service whose Stripe is the
 * local fake: a Pro pack paid, a Starter whose Checkout expired, and a
 * Starter still waiting for payment.
 */
export async function seedPurchases(host: TestHost, payments: Payments, fake: FakeStripe): Promise<void> {
  const start = async (pack: string) => {
    const r = await payments.start(host.ctx, 'flux-edge', pack);
    return { id: r.purchase!.id, session: r.purchase!.sessionId! };
  };
  const paid = await start('pro');
  fake.complete(paid.session);
  await payments.get(host.ctx, paid.id);
  const lapsed = await start('starter');
  fake.expire(lapsed.session);
  await payments.get(host.ctx, lapsed.id);
  await start('starter');
}
