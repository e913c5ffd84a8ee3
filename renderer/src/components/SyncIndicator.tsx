/**
 * The window's sync indicator for the teams this app joined as a member:
 * "Synced", "2 pending" or "Offline since 14:03", per team, with a button to
 * send now. Nothing shows until a team is joined (Settings → Team → Join).
 */
import { useState } from 'react';
import { request } from '../api';
import { readMembership, useMembership, type MembershipView } from '../store/membership';
import { rejectedWords } from '../lib/rejected-words';
import { hrefOf } from '../store/route';
import { Icon } from './icons';
import './sync-indicator.css';

const time = (iso: string) => {
  const d = new Date(iso);
  const t = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === new Date().toDateString() ? t : `${d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })} ${t}`;
};

/** The words for a team's state, as the tray says them too. */
export function syncWords(t: MembershipView): string {
  const parts = [t.state === 'offline' ? `Offline since ${time(t.offlineSince ?? new Date().toISOString())}` : t.state === 'pending' ? null : 'Synced', t.pending > 0 ? `${t.pending} pending` : null, t.rejected.length ? rejectedWords(t.rejected) : null];
  return parts.filter((x) => x !== null).join(' · ');
}

export function SyncIndicator() {
  const status = useMembership((s) => s.status);
  const [busy, setBusy] = useState(false);
  if (!status || status.teams.length === 0) return null;
  const sync = async () => {
    setBusy(true);
    await request('membership.sync', {});
    await readMembership();
    setBusy(false);
  };
  return (
    <div className="sync-indicator" role="status" aria-label="Team sync" data-testid="sync-indicator">
      {status.teams.map((t) => (
        <a key={t.alias} className="sync-team" data-state={t.state} href={hrefOf('settings')} title={t.lastError ?? (t.asOf ? `The team's numbers here are as of ${time(t.asOf)}` : undefined)}>
          <i className="sync-dot" aria-hidden="true" />
          <span>
            <strong>{t.team.name}</strong> <span data-testid="sync-words">{syncWords(t)}</span>
          </span>
        </a>
      ))}
      <button className="btn small ghost" onClick={() => void sync()} disabled={busy} title="Send what waits to the team host now">
        <Icon name="refresh" size={14} /> {busy ? 'Syncing…' : 'Sync now'}
      </button>
    </div>
  );
}
