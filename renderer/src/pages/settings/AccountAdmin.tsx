/**
 * An account's name and its archiving. Archiving hides the account from the
 * dashboard, the summary and the tray and refuses new entries; its ledger is
 * kept whole and it can be restored from the list of archived accounts.
 */
import { useState } from 'react';
import type { AccountDetail } from '../../api';
import { Field } from '../../components/ui';
import { useApi } from '../../store/query';
import { hrefOf } from '../../store/route';
import { useCan } from '../../store/session';
import { Section, useWrite } from './form';

export function AccountAdmin({ a }: { a: AccountDetail }) {
  const owner = useCan('owner');
  const [name, setName] = useState(a.name);
  const [confirming, setConfirming] = useState(false);
  const rename = useWrite('accounts.set');
  const archive = useWrite('accounts.archive');
  return (
    <Section title="Name and archive" subtitle="The name is what the dashboard shows; the account's id and history stay the same.">
      <form
        className="inline-form"
        aria-label="Rename account"
        onSubmit={(e) => {
          e.preventDefault();
          void rename.run({ account: a.id, name: name.trim() }, (r) => `Renamed to ${r.name}.`);
        }}
      >
        <Field label="Account name">
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required />
        </Field>
        <button className="btn" type="submit" disabled={rename.busy || name.trim() === '' || name.trim() === a.name}>
          Rename
        </button>
      </form>
      <div style={{ marginTop: 10 }}>{rename.status()}</div>
      {owner ? (
        <>
          <hr className="sep" />
          <p className="muted small">
            Archiving hides this account from the dashboard, the summary and the tray, and refuses new usage and credits. Its history stays in the ledger, and you can restore it at
            any time.
          </p>
          {confirming ? (
            <div className="row" role="group" aria-label="Confirm archiving" style={{ marginTop: 10 }}>
              <span>Archive {a.name}?</span>
              <button className="btn danger" type="button" disabled={archive.busy} onClick={() => void archive.run({ account: a.id, archived: true }, (r) => `Archived ${r.name}.`)}>
                Archive
              </button>
              <button className="btn ghost" type="button" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </div>
          ) : (
            <button className="btn" type="button" style={{ marginTop: 10 }} onClick={() => setConfirming(true)}>
              Archive account…
            </button>
          )}
          <div style={{ marginTop: 10 }}>{archive.status()}</div>
        </>
      ) : null}
    </Section>
  );
}

/** The archived accounts, each with Restore; nothing when there are none. */
export function ArchivedAccounts() {
  const all = useApi('accounts.list', { includeArchived: true });
  const restore = useWrite('accounts.archive');
  const archived = (all.data ?? []).filter((a) => a.archived);
  if (archived.length === 0) return restore.status() ? <div style={{ marginTop: 18 }}>{restore.status()}</div> : null;
  return (
    <div style={{ marginTop: 18 }}>
      <Section title="Archived accounts" subtitle="Hidden from the dashboard and read-only. Restore one to record its usage again.">
        <ul className="list">
          {archived.map((a) => (
            <li key={a.id}>
              <span>
                {a.name} <span className="faint small">{a.providerName} · {a.planName}</span> · <a href={hrefOf('usage', { account: a.id })}>Usage and history</a>
              </span>
              <button className="btn small" type="button" disabled={restore.busy} onClick={() => void restore.run({ account: a.id, archived: false }, (r) => `Restored ${r.name}.`)}>
                Restore {a.name}
              </button>
            </li>
          ))}
        </ul>
        <div style={{ marginTop: 10 }}>{restore.status()}</div>
      </Section>
    </div>
  );
}
