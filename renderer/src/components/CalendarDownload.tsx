/**
 * "Add to calendar": the account's next resets (and a reminder before credits
 * expire unused) as an .ics file the calendar app opens. Built by the core
 * (calendar.ics) and saved from the page, so it works the same in the desktop
 * window and in a browser; a subscribable feed is the host's (docs/app.md).
 */
import { useState } from 'react';
import { request } from '../api';
import { saveFile } from '../lib/save-file';

export function CalendarDownload({ account }: { account?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    const env = await request('calendar.ics', account === undefined ? {} : { account });
    setBusy(false);
    if (!env.ok) return setError(env.error.message);
    saveFile(env.result.filename, env.result.text, 'text/calendar');
  };
  return (
    <span className="row small" style={{ gap: 8 }}>
      <button type="button" className="btn small" onClick={() => void save()} disabled={busy} data-testid="calendar-download">
        Add resets to my calendar
      </button>
      {error ? (
        <span role="alert" className="danger">
          {error}
        </span>
      ) : null}
    </span>
  );
}
