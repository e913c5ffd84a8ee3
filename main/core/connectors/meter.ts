/**
 * Read a vendor's meter once (with retries) and compare it with the ledger.
 * A failure of any kind — offline, 401, 429, 5xx, a timeout, malformed JSON —
 * is answered as a status and writes nothing. A success writes the reading;
 * a difference is shown, and recorded as a reconciliation only when the
 * account's auto-reconcile setting is on (and only usage the ledger is
 * missing). The scheduler lives in the transports; this is one pass.
 */
import type { Ctx } from '../ledger/context.js';
import { getAccount } from '../ledger/accounts.js';
import { recordReconciliation, type Reconciliation } from '../ledger/reconcile.js';
import { InputError } from '../util/errors.js';
import { iso } from '../util/period.js';
import { isFluximage } from '../vendors/fluximage-usage.js';
import { fetchFluximageUsage, fluximageBase, type Fetch, type VendorUsage } from './fluximage.js';
import type { MeterStatus } from './provenance.js';
import { saveReading, type Comparison } from './readings.js';
import { withRetries, type RetryPolicy } from './retry.js';
import { autoReconcile } from './settings.js';

export interface MeterDeps {
  fetch: Fetch;
  key: string | null;
  /** Why there is no key (shown as the status). */
  missing?: string | null;
  /** CREDITDECK_FLUXIMAGE_API: a local fake, for tests only (fluximage.ts). */
  apiOverride?: string;
  sleep: (ms: number) => Promise<void>;
  policy?: RetryPolicy;
  timeoutMs?: number;
}

export type MeterResult =
  | { ok: true; account: string; at: string; attempts: number; usage: VendorUsage; comparisons: Comparison[]; reconciled: Reconciliation[]; notReconciled: string[] }
  | { ok: false; account: string; attempts: number; status: MeterStatus };

export async function readMeter(ctx: Ctx, account: string, d: MeterDeps): Promise<MeterResult> {
  const acct = getAccount(ctx, account);
  if (!isFluximage(acct)) throw new InputError(`${acct.provider.name} has no usage API Creditdeck reads; record what its page shows with: creditdeck reconcile ${acct.id} POOL --remaining N`, 'account');
  const failed = (status: MeterStatus['status'], message: string, attempts: number): MeterResult => ({ ok: false, account: acct.id, attempts, status: { status, message, at: iso(ctx.clock.now()), retryAt: null } });
  if (!d.key) return failed('not_configured', d.missing ?? 'Fluximage is not set up: no API key', 0);
  const base = fluximageBase(d.apiOverride, d.key);
  const out = await withRetries(() => fetchFluximageUsage({ base, key: d.key!, fetch: d.fetch, timeoutMs: d.timeoutMs ?? 15_000, now: () => ctx.clock.now() }), { policy: d.policy, sleep: d.sleep });
  if (!out.ok) return failed(out.status, `${out.message}${out.attempts > 1 ? ` (${out.attempts} attempts)` : ''}; nothing was recorded`, out.attempts);
  const at = ctx.clock.now();
  const u = out.usage;
  // The vendor counts whole images and credits: × 1000 is exact.
  const vendorMc: Record<string, number> = { compression: u.compressor_used * 1000, ai: u.ia_credits_used * 1000 };
  const comparisons = saveReading(ctx, acct.id, at, Object.entries(vendorMc).map(([pool, mc]) => ({ pool, vendorUsedMc: mc })), u.plan);
  const reconciled: Reconciliation[] = [];
  const notReconciled: string[] = [];
  if (autoReconcile(ctx, acct.id)) {
    for (const c of comparisons.filter((x) => x.unrecorded > 0)) {
      try {
        reconciled.push(recordReconciliation(ctx, { account: acct.id, pool: c.pool, origin: 'api', figure: 'used', vendorMc: vendorMc[c.pool]!, observedAt: at, auto: true }));
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        notReconciled.push(e.message);
      }
    }
  }
  return { ok: true, account: acct.id, at: iso(at), attempts: out.attempts, usage: u, comparisons, reconciled, notReconciled };
}
