/**
 * Settings → Your data → Restore. In the desktop app: pick one of the backups,
 * confirm, and the app restarts with it in place (api/data.ts; the ledger as it
 * is now is kept beside it). The web host has the ledger open for as long as
 * it runs, so there the card says to stop it first.
 */
import { useState } from 'react';
import { isDesktopApp } from '../../api';
import { dateTime } from '../../lib/format';
import { useWrite } from './form';

interface Backup {
  file: string;
  at: string;
}

export function RestoreBackup({ backups }: { backups: Backup[] }) {
  const [picked, setPicked] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Backup | null>(null);
  const restore = useWrite('data.restore');
  if (!isDesktopApp()) {
    return (
      <p className="muted small" style={{ marginTop: 0 }}>
        Restoring replaces the ledger this web host has open: stop the host, then restore from the command line (“restore” in the README). The desktop app restores from here.
      </p>
    );
  }
  if (backups.length === 0) return <p className="muted small" style={{ marginTop: 0 }}>Back up first: a backup listed here can be restored.</p>;
  return (
    <div className="stack" style={{ gap: 8 }}>
      {chosen ? (
        <div className="notice warn" role="group" aria-label="Confirm the restore">
          <span>
            Restore the backup taken {dateTime(chosen.at)}? Creditdeck restarts and puts it in place; everything recorded since is set aside, and the ledger as it is now is kept beside it.
          </span>
          <div className="row" style={{ marginTop: 8 }}>
            <button className="btn danger small" disabled={restore.busy} onClick={() => void restore.run({ backup: chosen.file }, () => 'Restarting with the backup…')}>
              Restart and restore
            </button>
            <button className="btn ghost small" onClick={() => (setChosen(null), restore.clear())}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="row">
          <label className="small" htmlFor="restore-choice">
            Backup
          </label>
          <select id="restore-choice" value={picked ?? backups[0]!.file} onChange={(e) => setPicked(e.target.value)}>
            {backups.slice(0, 20).map((b) => (
              <option key={b.file} value={b.file}>
                {dateTime(b.at)}
              </option>
            ))}
          </select>
          <button className="btn small" onClick={() => setChosen(backups.find((b) => b.file === picked) ?? backups[0]!)}>
            Restore…
          </button>
        </div>
      )}
      {restore.status()}
    </div>
  );
}
