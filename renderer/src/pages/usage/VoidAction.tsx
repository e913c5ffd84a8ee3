/**
 * Void an entry from the history, with a reason. A void is a new entry in
 * the ledger that returns the credits; the original stays, struck through.
 */
import { useState, type FormEvent } from 'react';
import type { ApiError, EventView } from '../../api';
import { ErrorNotice } from '../../components/ui';
import { mutate } from '../../store/query';

export function VoidAction({ event }: { event: EventView }) {
  const [open, setOpen] = useState(false);
  const [why, setWhy] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (!open) {
    return (
      <button className="btn ghost small" onClick={() => setOpen(true)} aria-label={`Void ${event.eventId}`}>
        Void…
      </button>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const env = await mutate('events.void', { event: event.eventId, ...(why.trim() ? { reason: why.trim() } : {}) });
    setBusy(false);
    if (env.ok) setOpen(false);
    else setError(env.error);
  };
  return (
    <form className="void-form" onSubmit={(e) => void submit(e)} aria-label={`Void ${event.eventId}`}>
      <input aria-label="Reason" placeholder="Reason (e.g. recorded twice)" value={why} onChange={(e) => setWhy(e.target.value)} maxLength={500} autoFocus />
      <button className="btn small danger" type="submit" disabled={busy}>
        Void
      </button>
      <button className="btn ghost small" type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error ? <ErrorNotice error={error} /> : null}
    </form>
  );
}
