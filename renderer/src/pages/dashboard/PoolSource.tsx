/**
 * Where a pool's number comes from (docs/vendors.md): the ledger alone, the
 * vendor's meter agreeing at a time, or reconciled at a time; the vendor's
 * last differing reading ("Fluximage says 812 AI credits used, the ledger 806:
 * 6 unrecorded") with a button to record it; the meter's last failure; and
 * "the vendor's page shows N left" for any provider. Nothing is recorded
 * until someone with the right to asks (an admin on a team host).
 */
import { useState, type FormEvent } from 'react';
import type { ApiError, PoolBalance } from '../../api';
import { Icon } from '../../components/icons';
import { ErrorNotice } from '../../components/ui';
import { credits, instant } from '../../lib/format';
import { mutate } from '../../store/query';
import { useCan } from '../../store/session';
import './pool-source.css';

type Drift = NonNullable<PoolBalance['drift']>;

/** The same sentence as the CLI's (core/connectors/words.ts); "Compression credits" reads "compression credits" inside it. */
export function driftSentence(d: Drift, label: string): string {
  const name = /^[A-Z][a-z]/.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label;
  const says = `${d.vendor} says ${credits(d.vendorUsed)} ${name} used, the ledger ${credits(d.ledgerUsed)}`;
  if (d.unrecorded === 0) return `${says}: they agree`;
  return d.unrecorded > 0 ? `${says}: ${credits(d.unrecorded)} unrecorded` : `${says}: the ledger has ${credits(-d.unrecorded)} more than ${d.vendor} counts`;
}

export function sourceLine(p: PoolBalance, zone: string): string {
  const s = p.source;
  if (s.kind === 'vendor') return `${s.vendor}'s meter agreed · ${instant(s.at, zone)}`;
  if (s.kind === 'reconciled') return `Reconciled with ${s.vendor}${s.origin === 'page' ? "'s page" : ''} · ${instant(s.at, zone)}`;
  return 'From the ledger alone';
}

export function PoolSource({ account, pool: p, zone }: { account: string; pool: PoolBalance; zone: string }) {
  const canReconcile = useCan('admin');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [left, setLeft] = useState('');
  const [open, setOpen] = useState(false);
  const run = async (go: () => ReturnType<typeof mutate>) => {
    setBusy(true);
    setError(null);
    const env = await go();
    setBusy(false);
    if (!env.ok) setError(env.error);
    return env.ok;
  };
  const accept = () => void run(() => mutate('reconcile.accept', { account, pool: p.pool }));
  const submitPage = (e: FormEvent) => {
    e.preventDefault();
    void run(() => mutate('reconcile.page', { account, pool: p.pool, remaining: left.trim() })).then((ok) => {
      if (ok) {
        setLeft('');
        setOpen(false);
      }
    });
  };
  const failed = p.meter && p.meter.status !== 'ok' ? p.meter : null;
  return (
    <div className="pool-source" data-testid="pool-source" data-source={p.source.kind}>
      <div className="fact faint small">
        <Icon name={p.source.kind === 'ledger' ? 'info' : 'check'} size={15} />
        <span>{sourceLine(p, zone)}</span>
      </div>
      {p.drift ? (
        <div className="notice warn" data-testid="drift">
          <span>{driftSentence(p.drift, p.label)}</span>
          <span className="faint small">{instant(p.drift.at, zone)}</span>
          {canReconcile && p.drift.unrecorded > 0 ? (
            <button type="button" className="btn small" disabled={busy} onClick={accept}>
              Record {credits(p.drift.unrecorded)} unrecorded
            </button>
          ) : null}
        </div>
      ) : null}
      {failed ? (
        <div className="notice warn" data-testid="meter-status">
          <span>Could not read the vendor's meter: {failed.message}</span>
        </div>
      ) : null}
      {canReconcile && !p.unlimited ? (
        open ? (
          <form className="row" onSubmit={submitPage} aria-label={`What the vendor's page shows for ${p.label}`}>
            <label className="small" htmlFor={`page-${account}-${p.pool}`}>
              The vendor's page shows
            </label>
            <input id={`page-${account}-${p.pool}`} inputMode="decimal" value={left} onChange={(e) => setLeft(e.target.value)} style={{ width: 90 }} required />
            <span className="small">left</span>
            <button type="submit" className="btn small" disabled={busy || left.trim() === ''}>
              Record
            </button>
            <button type="button" className="btn ghost small" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <button type="button" className="btn ghost small" onClick={() => setOpen(true)}>
            The vendor's page shows a different number…
          </button>
        )
      ) : null}
      {error ? <ErrorNotice error={error} zone={zone} /> : null}
    </div>
  );
}
