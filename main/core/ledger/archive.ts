/**
 * Archiving an account: put away, not deleted. It is hidden from the
 * dashboard, the summary, the tray and the notifications (accounts.list and
 * balance.all leave it out unless asked), takes no new entries of any kind
 * (guards.ts: checkWriteTime), and keeps every entry: the ledger stays
 * append-only and `check` still passes. Restoring it brings it back as it was.
 */
import { InputError } from '../util/errors.js';
import { getAccount, type Account } from './accounts.js';
import type { Ctx } from './context.js';

export function setArchived(ctx: Ctx, accountId: string, archived: boolean): Account {
  const acct = getAccount(ctx, accountId);
  if ((acct.archivedAt !== null) === archived) throw new InputError(`${acct.name} is ${archived ? 'already archived' : 'not archived'}`, 'account');
  ctx.write(() => {
    ctx.stmt('UPDATE accounts SET archived_at = ? WHERE id = ?').run(archived ? ctx.clock.now() : null, acct.id);
    ctx.configChanged();
  });
  return getAccount(ctx, acct.id);
}
