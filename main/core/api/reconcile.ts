/**
 * Reconciling with the vendor's meter (docs/vendors.md), merged into the one
 * handler map: what the pools' numbers rest on and the last reading's
 * differences, recording a reconciliation from that reading or from what the
 * vendor's page shows, and the opt-in auto-reconcile setting. Reading the
 * vendor itself is I/O, done by the transports (core/connectors/meter.ts).
 */
import * as z from 'zod';
import type { Ctx } from '../ledger/context.js';
import { getAccount } from '../ledger/accounts.js';
import { getBalance } from '../ledger/balance.js';
import { listReconciliations, reconcileFromPage, recordReconciliation, type Reconciliation } from '../ledger/reconcile.js';
import { InputError } from '../util/errors.js';
import { parseMilli } from '../util/credits.js';
import { parseInstant } from '../util/period.js';
import { plainText } from '../util/text.js';
import { withSources } from '../connectors/provenance.js';
import { autoReconcile, setAutoReconcile } from '../connectors/settings.js';
import { checkFluximageKey } from '../connectors/fluximage.js';
import type { Services } from './handlers.js';

function def<S extends z.ZodType, R>(input: S, run: (ctx: Ctx, input: z.infer<S>, services?: Services) => R) {
  return { input, run };
}

const ref = plainText().min(1).max(128);
const num = z.union([z.string(), z.number()]);

/** Whether the vendor's API key is set, and where from; never the key. */
export interface FluximageKeyStatus {
  configured: boolean;
  source: 'env' | 'file' | 'safeStorage' | null;
  missing: string | null;
}

/** The desktop app's key store (main/electron/fluximage-key.ts): the transports that keep the key elsewhere have none. */
export interface FluximageKeyService {
  status(): FluximageKeyStatus;
  /** Validate, store encrypted, use it from now on; answers the new status. */
  save(key: string): FluximageKeyStatus;
}

const NO_KEY_STORE = 'the Fluximage API key is saved from the Creditdeck desktop app; the command line and the web host read FLUXIMAGE_API_KEY or the key file (docs/vendors.md)';

/** Record the differences the last reading showed (every pool, or one): usage the ledger missed. */
function acceptReading(ctx: Ctx, s: Services | undefined, account: string, pool: string | undefined): Reconciliation[] {
  const b = withSources(ctx, getBalance(ctx, account), s?.meterStatus);
  const due = b.pools.filter((p) => (pool === undefined || p.pool === pool) && p.drift !== null);
  if (due.length === 0) throw new InputError(`no difference to reconcile on ${b.account}${pool ? `/${pool}` : ''}: the last reading agrees with the ledger, or there is none this period (creditdeck reconcile ${b.account} --fetch reads it)`, 'pool');
  // All or nothing: a pool that cannot be reconciled leaves the others unrecorded too.
  return ctx.write(() =>
    due.map((p) => recordReconciliation(ctx, { account: b.account, pool: p.pool, origin: 'api', figure: 'used', vendorMc: parseMilli(p.drift!.vendorUsed, 'used', { allowZero: true }), observedAt: Date.parse(p.drift!.at) })),
  );
}

export const reconcileHandlers = {
  'reconcile.status': def(z.object({ account: ref }), (ctx, i, s) => {
    const b = withSources(ctx, getBalance(ctx, i.account), s?.meterStatus);
    return { account: b.account, auto: autoReconcile(ctx, b.account), pools: b.pools.map((p) => ({ pool: p.pool, label: p.label, source: p.source, drift: p.drift, ...(p.meter ? { meter: p.meter } : {}) })), reconciliations: listReconciliations(ctx, b.account, 20) };
  }),
  'reconcile.accept': def(z.object({ account: ref, pool: ref.optional() }), (ctx, i, s) => acceptReading(ctx, s, i.account, i.pool)),
  'reconcile.page': def(
    z.object({ account: ref, pool: ref, remaining: num.optional(), used: num.optional(), note: plainText().max(500).optional(), at: plainText().max(64).optional() }),
    (ctx, i) => reconcileFromPage(ctx, { ...i, at: i.at === undefined ? undefined : parseInstant(i.at, '--at', getAccount(ctx, i.account).zone) }),
  ),
  'reconcile.auto': def(z.object({ account: ref, auto: z.boolean() }), (ctx, i) => setAutoReconcile(ctx, i.account, i.auto)),
  // Desktop-only (dispatch.ts): the key goes in, only its status comes back.
  'reconcile.keyStatus': def(z.object({}), (_ctx, _i, s): FluximageKeyStatus => s?.fluximageKey?.status() ?? { configured: false, source: null, missing: NO_KEY_STORE }),
  'reconcile.setKey': def(z.object({ key: plainText().max(300) }), (_ctx, i, s): FluximageKeyStatus => {
    const bad = checkFluximageKey(i.key);
    if (bad) throw new InputError(bad, 'key');
    if (!s?.fluximageKey) throw new InputError(NO_KEY_STORE, 'key');
    return s.fluximageKey.save(i.key.trim());
  }),
};
