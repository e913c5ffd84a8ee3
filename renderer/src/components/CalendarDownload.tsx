/**
 * "Add to calendar": the account's next resets (and a reminder before credits
 * expire unused) as an .ics file the calendar app opens. Built by the core
 * (calendar.ics) and saved from the page, so it works the same in the desktop
 * window and in a browser; a subscribable feed is the host's (docs/app.md).
 */
import { useState } from 'react';
import { request } from '../api';

export function CalendarDownload({ account }: { account?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    const env = await request('calendar.ics', account === undefined ? {} : { account });
    setBusy(false);
    if (!env.ok) return setError(env.error.message);
    const url = URL.createObjectURL(new Blob([env.result.text], { type: 'text/calendar' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = env.result.filename;
    a.click();
    // The click has started the download; the object URL is not needed after this turn.
    setTimeout(() => URL.revokeObjectURL(url), 0);
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
