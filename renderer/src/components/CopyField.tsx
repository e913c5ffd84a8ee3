/** A value to hand on (an invite link, an address, a fingerprint, a token shown once): read-only, selected on focus, with a Copy button. */
import { useState } from 'react';

export function CopyField({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // No clipboard (an insecure page, a denied permission): the field is selected for Ctrl/Cmd+C instead.
      setCopied(false);
    }
  };
  return (
    <div className="copy-field">
      <span className="small muted">{label}</span>
      <div className="team-link">
        <input readOnly value={value} aria-label={label} className="mono" onFocus={(e) => e.target.select()} />
        <button type="button" className="btn small" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
