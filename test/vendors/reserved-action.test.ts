/** The ledger's own `reconciliation` action: no rate card, set by hand or in a custom provider, may define it. */
import { describe, expect, it } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { RECONCILIATION_ACTION } from '../../main/core/ledger/reconcile.js';
import { fresh, thrown } from '../ledger/helpers.js';

describe('the reconciliation action', () => {
  it('is refused in action set and in a custom provider, with nothing written', () => {
    expect(RECONCILIATION_ACTION).toBe('reconciliation');
    const h = fresh('2026-12-04T12:00:00Z');
    call(h.ctx, 'accounts.add', { preset: 'fluximage', plan: 'pro' });
    const before = call(h.ctx, 'actions.list', { account: 'fluximage-pro' });
    expect((thrown(() => call(h.ctx, 'actions.set', { account: 'fluximage-pro', action: 'reconciliation', pool: 'ai', cost: 1 })) as Error).message).toMatch(/the ledger's own action for reconciliations/);
    expect(call(h.ctx, 'actions.list', { account: 'fluximage-pro' })).toEqual(before);
    const provider = {
      id: 'mine',
      name: 'Mine',
      currency: 'USD',
      reset: { rule: 'anniversary' },
      pools: [{ id: 'c', label: 'C', unit: 'credit' }],
      plans: [{ id: 'p', name: 'P', priceCents: 0, allocations: { c: 10 } }],
      actions: [{ id: 'reconciliation', label: 'R', pool: 'c', cost: 1 }],
    };
    expect((thrown(() => call(h.ctx, 'accounts.add', { provider, plan: 'p' })) as Error).message).toMatch(/the ledger's own action for reconciliations/);
  });
});
