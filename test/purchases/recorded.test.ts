/**
 * Packs recorded by hand (`creditdeck grant … --price`, grants.add with a
 * price) appear in the purchase history, marked as recorded, from the
 * ledger's own grant rows — and a purchase made through Creditdeck, whose
 * grant its log points to, is never listed twice.
 */
import { describe, expect, test } from 'vitest';
import { ledger } from '../presets/helpers.js';

describe('the purchase history lists packs recorded by hand', () => {
  const l = ledger('2026-11-03T14:00:00Z');
  l.run('accounts.add', { preset: 'flux', plan: 'edge', anchor: '2026-11-01' });
  const starter = l.run('grants.add', { account: 'flux-edge', pool: 'credits', amount: 500, source: 'purchase', priceCents: 500, at: '2026-11-01T08:00:00Z' });
  // `grant --price` without --source: a manual grant with a price is money paid for credits too.
  const odd = l.run('grants.add', { account: 'flux-edge', pool: 'credits', amount: 1000, priceCents: 1200, note: 'invoice 77', at: '2026-11-02T08:00:00Z' });
  // Credits given away are not purchases.
  l.run('grants.add', { account: 'flux-edge', pool: 'credits', amount: 50, source: 'bonus', at: '2026-11-02T09:00:00Z' });
  // A purchase confirmed in the app: its own row, and its grant is not listed again.
  const confirmed = l.run('purchases.confirmManual', { account: 'flux-edge', pack: 'pro', note: 'order 12' });

  test('newest first, marked as recorded, with what was paid per credit', () => {
    const list = l.run('purchases.list', { account: 'flux-edge' });
    expect(list.map((p) => [p.id, p.via, p.packName, p.credits, p.paid?.minor, p.paidPerCredit, p.status])).toEqual([
      [confirmed.id, 'link', 'Pro', 2000, 1500, '0.0075', 'paid'],
      [odd.grantId, 'recorded', 'Credits', 1000, 1200, '0.012', 'paid'],
      [starter.grantId, 'recorded', 'Starter', 500, 500, '0.01', 'paid'],
    ]);
    const rec = list[1]!;
    expect(rec).toMatchObject({ grantId: odd.grantId, note: 'invoice 77', refundable: false, createdAt: '2026-11-02T08:00:00.000Z', receiptUrl: null });
    // The reason says what to do, not a command.
    expect(rec.refundReason).toBe(`recorded by hand, not bought through Creditdeck: ask Flux for a refund, then record the refund of grant ${odd.grantId} in the ledger`);
    expect(rec.refundReason).not.toMatch(/creditdeck |--/);
  });

  test('every account, and the limit', () => {
    expect(l.run('purchases.list', {}).map((p) => p.via)).toEqual(['link', 'recorded', 'recorded']);
    expect(l.run('purchases.list', { account: 'flux-edge', limit: 2 }).map((p) => p.via)).toEqual(['link', 'recorded']);
  });
});
