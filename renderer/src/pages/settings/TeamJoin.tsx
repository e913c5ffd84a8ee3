/**
 * Settings → Team → Join, in the desktop app: join a team hosted on another
 * computer from the invite link someone there sent (the link carries the
 * host's address and its certificate fingerprint, which the app checks on
 * every connection; the device token stays in the system's keychain). Then,
 * per team joined: who you are there, the sync state, what the host rejected
 * (with why, until dismissed), send now, and leave — which asks first when
 * entries were never sent.
 */
import { useState, type FormEvent } from 'react';
import type { ApiError } from '../../api';
import { CopyField } from '../../components/CopyField';
import { ErrorNotice, Field } from '../../components/ui';
import { syncWords } from '../../components/SyncIndicator';
import { rejectedWords } from '../../lib/rejected-words';
import { dateTime } from '../../lib/format';
import { readMembership, useMembership, type MembershipView } from '../../store/membership';
import { mutate } from '../../store/query';
import { hrefOf } from '../../store/route';
import './team-join.css';

export function TeamJoin() {
  const status = useMembership((s) => s.status);
  const teams = status?.teams ?? [];
  return (
    <section className="card" aria-labelledby="team-join">
      <div className="card-head">
        <div>
          <h2 id="team-join">Join a team</h2>
          <p>Use the credits of a team hosted on another computer: its accounts appear on your dashboard beside your own, and what you record there is kept here while its host is out of reach.</p>
        </div>
      </div>
      {teams.map((t) => (
        <JoinedTeam key={t.alias} t={t} />
      ))}
      <JoinForm first={teams.length === 0} />
    </section>
  );
}

function JoinForm({ first }: { first: boolean }) {
  const [link, setLink] = useState('');
  const [device, setDevice] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [joined, setJoined] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const env = await mutate('membership.join', { link: link.trim(), ...(device.trim() ? { device: device.trim() } : {}) });
    setBusy(false);
    if (!env.ok) return setError(env.error);
    setJoined(`${env.result.team.name}`);
    setLink('');
    await readMembership();
  };
  return (
    <form aria-label="Join a team" onSubmit={(e) => void submit(e)} style={first ? undefined : { marginTop: 16 }}>
      {error ? <ErrorNotice error={error} title="Not joined" /> : null}
      {joined ? (
        <div className="notice ok" role="status">
          <span>
            <strong>Joined {joined}.</strong> Its accounts are on the <a href={hrefOf('dashboard')}>Dashboard</a>.
          </span>
        </div>
      ) : null}
      <div className="form-grid join-grid">
        <Field label="Invite link" hint="Starts with https:// and ends with the certificate fingerprint; it works once">
          <input value={link} onChange={(e) => setLink(e.target.value)} placeholder="https://studio.local:4317/join#invite=…" required spellCheck={false} autoComplete="off" />
        </Field>
        <Field label="This computer's name on the team" hint="Optional: how the team's owner sees this device">
          <input value={device} onChange={(e) => setDevice(e.target.value)} maxLength={64} placeholder="Desktop" />
        </Field>
      </div>
      <div className="form-actions">
        <button className="btn primary" type="submit" disabled={busy || !link.trim()}>
          {busy ? 'Joining…' : first ? 'Join' : 'Join another team'}
        </button>
      </div>
    </form>
  );
}

/** The rejections' heading, in step with the list under it: those in doubt are said to be so. */
function rejectedHeading(rejected: MembershipView['rejected']): string {
  const entries = rejected.length === 1 ? 'an entry' : `${rejected.length} entries`;
  if (!rejected.some((r) => r.inDoubt)) return `The team host rejected ${entries} from this device`;
  // "2 rejected, 1 of them may have been recorded": the same words as the badge above and the window's indicator.
  return `From this device: ${rejectedWords(rejected)}`;
}

function JoinedTeam({ t }: { t: MembershipView }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const run = async (fn: () => Promise<{ ok: boolean; error?: ApiError }>) => {
    setBusy(true);
    setError(null);
    const env = await fn();
    setBusy(false);
    await readMembership();
    return env;
  };
  const leave = async (dropPending: boolean) => {
    const env = await run(() => mutate('membership.leave', { team: t.alias, ...(dropPending ? { dropPending: true } : {}) }));
    if (env.ok) return setConfirm(null);
    // Entries never sent: ask before they are dropped.
    if (env.error?.code === 'invalid_input' && env.error.field === 'dropPending') return setConfirm(env.error.message);
    setError(env.error ?? null);
  };
  return (
    <div className="joined-team" role="group" aria-label={`Team ${t.team.name}`} data-team={t.alias}>
      <div className="row" style={{ justifyContent: 'space-between', flexWrap: 'wrap' }}>
        <div>
          <strong>{t.team.name}</strong>{' '}
          <span className="muted">
            · you are {t.name} ({t.role}) · this computer is “{t.device}”
          </span>
        </div>
        <span className={`badge ${t.rejected.length ? 'warn' : t.state === 'synced' ? 'ok' : t.state === 'pending' ? 'warn' : ''}`} data-testid="team-sync-state">
          {syncWords(t)}
        </span>
      </div>
      <p className="small muted">
        Last sync {t.lastSync ? dateTime(t.lastSync) : 'never'}
        {t.state === 'offline' ? (
          <span title={t.lastError ?? undefined}>
            {' '}
            · the team host is not answering{t.nextTry ? `; trying again at ${dateTime(t.nextTry)}` : ''}
          </span>
        ) : t.lastError ? (
          ` · ${t.lastError}`
        ) : (
          ''
        )}
      </p>
      <div className="hosting-facts">
        <CopyField label="Team host" value={t.host} />
        <CopyField label="Certificate fingerprint it must show (SHA-256)" value={t.fingerprint} />
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {t.rejected.length ? (
        <div className="notice danger" role="alert">
          <div className="stack" style={{ gap: 6 }}>
            <strong data-testid="rejected-heading">{rejectedHeading(t.rejected)}</strong>
            <ul className="list">
              {t.rejected.map((r) => (
                <li key={r.id} className="row" style={{ justifyContent: 'space-between', flexWrap: 'wrap' }}>
                  <span>
                    {r.inDoubt ? <strong>May have been recorded: </strong> : null}
                    {r.action} × {r.quantity} on {r.account}, {dateTime(r.at)}: {r.message}
                  </span>
                  <button className="btn small" disabled={busy} onClick={() => void run(() => mutate('membership.dismiss', { team: t.alias, entry: r.id }))}>
                    Dismiss
                  </button>
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      {confirm ? (
        <div className="notice warn" role="alert">
          <div className="stack" style={{ gap: 8 }}>
            <span>{confirm}.</span>
            <div className="row">
              <button className="btn danger" disabled={busy} onClick={() => void leave(true)}>
                Leave and drop {t.pending === 1 ? 'it' : 'them'}
              </button>
              <button className="btn" disabled={busy} onClick={() => setConfirm(null)}>
                Stay in the team
              </button>
            </div>
          </div>
        </div>
      ) : null}
      <div className="form-actions">
        <button className="btn" disabled={busy} onClick={() => void run(() => mutate('membership.sync', { team: t.alias }))}>
          Sync now
        </button>
        <button className="btn ghost" disabled={busy || confirm !== null} onClick={() => void leave(false)}>
          Leave the team
        </button>
      </div>
    </div>
  );
}
