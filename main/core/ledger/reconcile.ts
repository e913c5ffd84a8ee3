/**
 * Reconciliation with a vendor's meter (docs/vendors.md). When the vendor
 * shows more used (or less left) than the ledger, the difference is usage the
 * ledger never saw: it is recorded as one usage event of action
 * `reconciliation`, drawn down like any other usage (so balances, reports and
 * the invariants stay one story), and a `reconciliations` row keeps its
 * provenance — which vendor, which figure, when the vendor said it, what the
 * ledger said then. Dated at the vendor's reading, never before what it
 * corrects. The other direction (the ledger shows more used) is never
 * "corrected" by minting credits: it is refused with what to do instead.
 */
import { InputError } from '../util/errors.js';
import { formatMc, mcToCredits, parseMilli } from '../util/credits.js';
import { iso } from '../util/period.js';
import { plainText } from '../util/text.js';
import { assertPool, getAccount, type Account } from './accounts.js';
import { balanceMc } from './balance.js';
import { liveGrants } from './book.js';
import type { Ctx } from './context.js';
import { checkWriteTime } from './guards.js';
import { materialize } from './materialize.js';
import { bookUnratedUsage } from './unrated.js';

export const RECONCILIATION_ACTION = 'reconciliation';

export interface ReconcileInput {
  account: string;
  pool: string;
  /** 'api': the vendor's usage endpoint; 'page': a person read the vendor's page. */
  origin: 'api' | 'page';
  /** What the vendor's figure measures: used this period, or left now. */
  figure: 'used' | 'remaining';
  vendorMc: number;
  /** When the vendor said it (the reading's time; for a page, when it was read). */
  observedAt: number;
  auto?: boolean;
  note?: string | null;
}

export interface Reconciliation {
  id: string;
  account: string;
  pool: string;
  origin: 'api' | 'page';
  vendor: string;
  figure: 'used' | 'remaining';
  vendorFigure: number;
  ledgerFigure: number;
  recorded: number;
  observedAt: string;
  at: string;
  auto: boolean;
  eventId: string;
  note: string | null;
  recordedAt: string;
}

interface Row {
  id: string;
  account_id: string;
  pool: string;
  origin: 'api' | 'page';
  vendor: string;
  figure: 'used' | 'remaining';
  vendor_mc: number;
  ledger_mc: number;
  delta_mc: number;
  observed_at: number;
  at: number;
  auto: number;
  event_id: string;
  note: string | null;
  recorded_at: number;
}

export function view(r: Row): Reconciliation {
  return {
    id: r.id,
    account: r.account_id,
    pool: r.pool,
    origin: r.origin,
    vendor: r.vendor,
    figure: r.figure,
    vendorFigure: mcToCredits(r.vendor_mc),
    ledgerFigure: mcToCredits(r.ledger_mc),
    recorded: mcToCredits(r.delta_mc),
    observedAt: iso(r.observed_at),
    at: iso(r.at),
    auto: r.auto === 1,
    eventId: r.event_id,
    note: r.note,
    recordedAt: iso(r.recorded_at),
  };
}

/** The ledger's own figure for a pool at t: used this period, or left (monthly + top-ups). */
export function ledgerFigure(ctx: Ctx, acct: Account, pool: string, figure: 'used' | 'remaining', t: number): { mc: number; unlimited: boolean } {
  const b = balanceMc(ctx, acct, t).find((p) => p.pool === pool)!;
  return { mc: figure === 'used' ? b.usedMc : b.monthlyMc + b.topupMc, unlimited: b.unlimited };
}

/** Vendor figure − ledger figure, as unrecorded usage (positive: the ledger missed usage). */
export function unrecordedMc(figure: 'used' | 'remaining', vendorMc: number, ledgerMc: number): number {
  return figure === 'used' ? vendorMc - ledgerMc : ledgerMc - vendorMc;
}

const noteText = plainText().max(500);

export function recordReconciliation(ctx: Ctx, input: ReconcileInput): Reconciliation {
  const note = input.note === undefined || input.note === null ? null : noteText.parse(input.note);
  return ctx.write(() => {
    const acct = getAccount(ctx, input.account);
    assertPool(acct, input.pool);
    const t = input.observedAt;
    checkWriteTime(ctx, acct, t, input.origin === 'page' ? '--at' : 'the reading');
    materialize(ctx, acct, t, true);
    const vendor = acct.provider.name;
    const label = acct.provider.pools.find((p) => p.id === input.pool)!.label;
    const ledger = ledgerFigure(ctx, acct, input.pool, input.figure, t);
    if (ledger.unlimited && input.figure === 'remaining') throw new InputError(`${acct.name}'s ${input.pool} pool is unlimited: reconcile it by the figure used, not what is left`, 'remaining');
    const delta = unrecordedMc(input.figure, input.vendorMc, ledger.mc);
    const says = `${vendor} says ${formatMc(input.vendorMc)} ${label} ${input.figure === 'used' ? 'used' : 'left'}, the ledger ${formatMc(ledger.mc)}`;
    if (delta === 0) throw new InputError(`${says}: they agree, nothing to reconcile`, input.figure);
    if (delta < 0) {
      throw new InputError(
        `${says}: the ledger has ${formatMc(-delta)} more used than ${vendor} counts. A reconciliation only records usage the ledger is missing; void the events ${vendor} did not charge (creditdeck void EVENT), or record credits ${vendor} gave back with creditdeck grant`,
        input.figure,
      );
    }
    const grants = ledger.unlimited ? [] : liveGrants(ctx, acct.id, input.pool, t);
    const left = grants.reduce((s, g) => s + g.remaining_mc, 0);
    if (!ledger.unlimited && delta > left) {
      throw new InputError(`${says}: ${formatMc(delta)} unrecorded, but the ledger has only ${formatMc(left)} left in ${input.pool} to draw it from; add the credits ${vendor} granted first (creditdeck grant)`, input.figure);
    }
    const id = ctx.ids.next('rc');
    // One credit of unrecorded usage is one unit of the reconciliation action: quantity = credits.
    const eventId = bookUnratedUsage(ctx, acct, { pool: input.pool, action: RECONCILIATION_ACTION, amountMc: delta, t, key: `reconciliation:${id}`, grants });
    const now = ctx.clock.now();
    ctx
      .stmt(
        `INSERT INTO reconciliations (id, account_id, pool, origin, vendor, figure, vendor_mc, ledger_mc, delta_mc, observed_at, at, auto, event_id, note, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, acct.id, input.pool, input.origin, vendor, input.figure, input.vendorMc, ledger.mc, delta, t, t, input.auto ? 1 : 0, eventId, note, now);
    return view(ctx.stmt('SELECT * FROM reconciliations WHERE id = ?').get(id) as Row);
  });
}

/** A person's reading of the vendor's page ("the vendor's page shows N left"), as text credits. */
export function reconcileFromPage(ctx: Ctx, i: { account: string; pool: string; remaining?: unknown; used?: unknown; at?: number; note?: string }): Reconciliation {
  if ((i.remaining === undefined) === (i.used === undefined)) throw new InputError('give what the vendor\'s page shows: --remaining N (left) or --used N (used this period)', 'remaining');
  const figure = i.remaining !== undefined ? 'remaining' : 'used';
  const vendorMc = parseMilli(i.remaining ?? i.used, `--${figure}`, { allowZero: true });
  return recordReconciliation(ctx, { account: i.account, pool: i.pool, origin: 'page', figure, vendorMc, observedAt: i.at ?? ctx.clock.now(), note: i.note ?? null });
}

export function listReconciliations(ctx: Ctx, account: string, limit = 50): Reconciliation[] {
  const acct = getAccount(ctx, account);
  return (ctx.stmt('SELECT * FROM reconciliations WHERE account_id = ? ORDER BY at DESC, recorded_at DESC LIMIT ?').all(acct.id, limit) as Row[]).map(view);
}
