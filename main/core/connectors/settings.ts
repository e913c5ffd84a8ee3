/** The opt-in auto-reconcile setting, per account (off unless turned on). */
import { getAccount } from '../ledger/accounts.js';
import type { Ctx } from '../ledger/context.js';

export function autoReconcile(ctx: Ctx, account: string): boolean {
  const r = ctx.stmt('SELECT auto_reconcile FROM vendor_settings WHERE account_id = ?').get(getAccount(ctx, account).id) as { auto_reconcile: number } | undefined;
  return r?.auto_reconcile === 1;
}

export function setAutoReconcile(ctx: Ctx, account: string, on: boolean): { account: string; auto: boolean } {
  return ctx.write(() => {
    const id = getAccount(ctx, account).id;
    ctx.stmt('INSERT INTO vendor_settings (account_id, auto_reconcile) VALUES (?, ?) ON CONFLICT (account_id) DO UPDATE SET auto_reconcile = excluded.auto_reconcile').run(id, on ? 1 : 0);
    return { account: id, auto: on };
  });
}
