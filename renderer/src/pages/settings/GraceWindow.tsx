/**
 * An account's grace window, on a team ledger only (docs/team.md, "Late
 * entries"): how long after a reset an entry a member recorded offline before
 * it is still booked in its own period. A ledger of one person has no members'
 * devices syncing, so it is not shown there. The core checks the hours
 * (checkGraceHours); its refusal is shown here in words, nothing changed.
 */
import { useState } from 'react';
import type { AccountDetail, ApiError } from '../../api';
import { ErrorNotice, Field } from '../../components/ui';
import { Section, useWrite } from './form';

/** The core names the command line's option; the page names the setting. */
export const graceWords = (e: ApiError): ApiError => ({ ...e, message: e.message.replace(/--grace-hours/g, 'The grace window') });

export function GraceWindow({ a }: { a: AccountDetail }) {
  const [hours, setHours] = useState(String(a.graceHours));
  const [error, setError] = useState<ApiError | null>(null);
  const write = useWrite('accounts.set');
  return (
    <Section title="Late entries from members" subtitle="A member offline across a reset records usage dated before it; it is booked in its own period if it arrives in time.">
      <p data-testid="grace-now" style={{ marginBottom: 12 }}>
        <strong>Now:</strong> late entries from members' devices are accepted for {a.graceHours === 1 ? '1 hour' : `${a.graceHours} hours`} after a reset
        {a.graceHours === 0 ? ' — that is, not at all' : ''}.
      </p>
      <form
        className="inline-form"
        aria-label="Grace window"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          void write.run({ account: a.id, graceHours: hours.trim() }, (r) => `Saved: late entries are accepted for ${r.graceHours} hours after a reset.`).then((env) => {
            if (!env.ok) setError(graceWords(env.error));
          });
        }}
      >
        <Field label="Hours after a reset" hint="0 to 1080 (45 days); 72 unless set. Later entries are rejected with the reason, kept on the member's device">
          <input inputMode="numeric" value={hours} onChange={(e) => (setHours(e.target.value), setError(null), write.clear())} required />
        </Field>
        <button className="btn primary" type="submit" disabled={write.busy || hours.trim() === ''}>
          Save
        </button>
      </form>
      <div style={{ marginTop: 10 }}>{error ? <ErrorNotice error={error} /> : write.status(a.zone)}</div>
    </Section>
  );
}
