/**
 * Provider-shaped reads, merged into the one handler map (handlers.ts):
 * Fluximage's usage API shape, and every balance the caller may read (the
 * team host's /v1/balances). Each has an entry in the access table; on the
 * team host they run as the caller through callAs. docs/vendors.md.
 */
import * as z from 'zod';
import type { Ctx } from '../ledger/context.js';
import { getAccount } from '../ledger/accounts.js';
import { getBalance } from '../ledger/balance.js';
import { InputError } from '../util/errors.js';
import { parseInstant } from '../util/period.js';
import { plainText } from '../util/text.js';
import { ForbiddenError } from '../team/types.js';
import { fluximageUsage, isFluximage } from '../vendors/fluximage-usage.js';
import { mayRead, readableAccounts } from '../vendors/readable.js';
import { withSources } from '../connectors/provenance.js';
import type { Services } from './handlers.js';

function def<S extends z.ZodType, R>(input: S, run: (ctx: Ctx, input: z.infer<S>, services?: Services) => R) {
  return { input, run };
}

const when = plainText().max(64);

/** The one Fluximage account the caller means: the one named, or the only one it may read (the vendor's API names none). */
function fluximageAccount(ctx: Ctx, s: Services | undefined, named: string | undefined): string {
  if (named !== undefined) {
    const id = getAccount(ctx, named).id;
    // callAs has checked a named account already; this keeps the rule where the handler is called directly.
    if (!mayRead(s?.caller, id)) throw new ForbiddenError(`this token may not read ${id}`);
    return id;
  }
  const mine = readableAccounts(ctx, s?.caller).filter(isFluximage);
  if (mine.length === 1) return mine[0]!.id;
  if (mine.length === 0) throw new InputError('there is no Fluximage account to read here', 'account');
  throw new InputError(`name the account (?account=ID): ${mine.map((a) => a.id).join(', ')} are Fluximage accounts`, 'account');
}

export const vendorHandlers = {
  'usage.fluximage': def(z.object({ account: plainText().min(1).max(128).optional(), at: when.optional() }), (ctx, i, s) => {
    const id = fluximageAccount(ctx, s, i.account);
    return fluximageUsage(ctx, id, i.at === undefined ? undefined : parseInstant(i.at, '--at', getAccount(ctx, id).zone));
  }),
  'balance.readable': def(z.object({ at: when.optional() }), (ctx, i, s) =>
    readableAccounts(ctx, s?.caller).map((a) => withSources(ctx, getBalance(ctx, a.id, i.at === undefined ? undefined : parseInstant(i.at, '--at', a.zone)), s?.meterStatus)),
  ),
};
