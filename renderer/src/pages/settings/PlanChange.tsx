/**
 * Changing an account's plan: the form asks the ledger for a preview first (a
 * dry run of the very change: what is granted now, what applies from the
 * reset), shows it in a dialog, and changes the plan only on Confirm. The
 * page's plan name, the tabs and the dashboard follow at once: the write marks
 * every answer on screen stale.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { request, type AccountDetail, type ApiError, type HandlerOutput, type PresetSummary } from '../../api';
import { ErrorNotice, Field } from '../../components/ui';
import { credits, day } from '../../lib/format';
import { monthlyLabel, useWrite } from './form';
import './corrections.css';

type Preview = HandlerOutput<'accounts.planPreview'>;

const perPeriod = (a: number | 'unlimited') => (a === 'unlimited' ? 'Unlimited' : credits(a));
const left = (a: number | null) => (a === null ? 'Unlimited' : credits(a));

export function PlanChange({ a, plans }: { a: AccountDetail; plans: PresetSummary['plans'] }) {
  const [plan, setPlan] = useState(a.plan);
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<Preview | null>(null);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const write = useWrite('accounts.plan');
  const target = plans.find((p) => p.id === plan);
  const missing = target ? Object.entries(target.allocations).filter(([, v]) => v === null).map(([k]) => k) : [];
  const input = { account: a.id, plan, ...(missing.length ? { amounts: Object.fromEntries(missing.map((k) => [k, amounts[k] ?? ''])) } : {}) };

  const ask = async () => {
    setAsking(true);
    setError(null);
    write.clear();
    const env = await request('accounts.planPreview', input);
    setAsking(false);
    if (env.ok) setPreview(env.result);
    else setError(env.error);
  };
  const confirm = async () => {
    const env = await write.run(input, () => `Plan changed to ${target?.name ?? plan}.`);
    if (env.ok) setPreview(null);
  };

  return (
    <>
      <form
        className="inline-form"
        aria-label="Change plan"
        onSubmit={(e) => {
          e.preventDefault();
          void ask();
        }}
      >
        <Field label="Change plan" hint="You see what changes now and at the reset before anything is changed.">
          <select value={plan} onChange={(e) => setPlan(e.target.value)}>
            {plans.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        {missing.map((pool) => (
          <Field key={pool} label={monthlyLabel(pool)}>
            <input inputMode="decimal" value={amounts[pool] ?? ''} onChange={(e) => setAmounts({ ...amounts, [pool]: e.target.value })} />
          </Field>
        ))}
        <button className="btn" type="submit" disabled={asking || write.busy || plan === a.plan}>
          Review change…
        </button>
      </form>
      <div style={{ marginTop: 10 }}>{error ? <ErrorNotice error={error} zone={a.zone} /> : write.status(a.zone)}</div>
      {preview ? <PreviewDialog preview={preview} zone={a.zone} busy={write.busy} status={write.status(a.zone)} onConfirm={() => void confirm()} onCancel={() => (setPreview(null), write.clear())} /> : null}
    </>
  );
}

function PreviewDialog({ preview: p, zone, busy, status, onConfirm, onCancel }: { preview: Preview; zone: string; busy: boolean; status: ReactNode; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const reset = day(p.nextReset, zone);
  const grants = p.pools.some((x) => x.grantedNow > 0);
  const expires = p.pools.some((x) => x.forfeitedNow > 0);
  return (
    <dialog ref={ref} className="confirm-dialog" aria-labelledby="plan-preview-title" onClose={onCancel}>
      <h2 id="plan-preview-title">
        Change {p.fromName} to {p.toName}?
      </h2>
      <p className="muted">
        {grants
          ? `Upgrading now grants the difference for the rest of this period. From the reset on ${reset}, ${p.toName}'s credits apply each period.`
          : expires
            ? `Leaving unlimited: what this period has already used counts against ${p.toName} now. From the reset on ${reset}, ${p.toName}'s credits apply each period.`
            : `Nothing is granted or taken back now. From the reset on ${reset}, ${p.toName}'s credits apply each period.`}
        {p.nameAfter !== p.name ? ` The account will be named ${p.nameAfter}.` : ''}
      </p>
      <div className="table-wrap">
        <table className="preview-table" aria-label="What changes">
          <thead>
            <tr>
              <th>Pool</th>
              <th className="num">Available now</th>
              <th className="num">Changes now</th>
              <th className="num">Available after</th>
              <th className="num">Each period from {reset}</th>
            </tr>
          </thead>
          <tbody>
            {p.pools.map((x) => (
              <tr key={x.pool} data-pool={x.pool}>
                <td data-label="Pool">{x.label}</td>
                <td className="num" data-label="Available now">
                  {left(x.availableNow)}
                </td>
                <td className="num" data-label="Changes now">
                  {x.grantedNow > 0 ? `+${credits(x.grantedNow)} granted` : x.forfeitedNow > 0 ? `−${credits(x.forfeitedNow)} expire` : 'None'}
                </td>
                <td className="num" data-label="Available after">
                  {left(x.availableAfter)}
                </td>
                <td className="num" data-label={`Each period from ${reset}`}>
                  <span>
                    {perPeriod(x.allocationAtReset)} <span className="faint">(now {perPeriod(x.allocationNow)})</span>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {status}
      <div className="form-actions">
        <button className="btn ghost" type="button" onClick={onCancel}>
          Cancel
        </button>
        <button className="btn primary" type="button" onClick={onConfirm} disabled={busy} autoFocus>
          Confirm change to {p.toName}
        </button>
      </div>
    </dialog>
  );
}
