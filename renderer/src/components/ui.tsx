/** Small shared pieces: empty states, notices, fields, segmented controls. */
import { cloneElement, useId, type ReactElement, type ReactNode } from 'react';
import type { ApiError } from '../api';
import { humanizeInstants, reason } from '../lib/format';
import { Icon, type IconName } from './icons';

export function Empty({ icon = 'wallet', title, children, action }: { icon?: IconName; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="card empty" role="status">
      <div className="empty-icon">
        <Icon name={icon} size={26} />
      </div>
      <h2>{title}</h2>
      {children ? <p>{children}</p> : null}
      {action}
    </div>
  );
}

/** An API failure as people read it: refusals with their reason, bad input with its message. */
export function ErrorNotice({ error, zone, title }: { error: ApiError; zone?: string; title?: string }) {
  const kind = error.code === 'refused' ? 'danger' : error.code === 'invalid_input' ? 'warn' : 'danger';
  const head = title ?? (error.code === 'refused' ? `Refused — ${reason(error.reason)}` : error.code === 'invalid_input' ? 'Check the input' : 'Something went wrong');
  return (
    <div className={`notice ${kind}`} role="alert">
      <strong>{head}</strong>
      <span>{humanizeInstants(error.message, zone)}</span>
    </div>
  );
}

/** A labelled control; the hint describes it (aria-describedby) without becoming part of its name. */
export function Field({ label, hint, children }: { label: string; hint?: ReactNode; children: ReactElement<{ id?: string; 'aria-describedby'?: string }> }) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, ...(hint ? { 'aria-describedby': hintId } : {}) })}
      {hint ? <small id={hintId}>{hint}</small> : null}
    </div>
  );
}

export function Segmented<T extends string>({ value, options, onChange, label }: { value: T; options: { value: T; label: string }[]; onChange: (v: T) => void; label: string }) {
  return (
    <div className="seg" role="group" aria-label={label}>
      {options.map((o) => (
        <button key={o.value} type="button" aria-pressed={o.value === value} onClick={() => onChange(o.value)}>
          {o.label}
        </button>
      ))}
    </div>
  );
}

export function Skeleton({ height = 180 }: { height?: number }) {
  return <div className="skeleton" style={{ minHeight: height }} aria-busy="true" aria-label="Loading" />;
}

/**
 * A link to a page outside the app (a Stripe receipt or Checkout, a
 * provider's page). In a browser it opens a new tab; in the desktop app the
 * window refuses to navigate and hands the URL to the main process's guarded
 * opener (only allow-listed https hosts reach the system browser).
 */
export function ExternalLink({ href, children, className, title }: { href: string; children: ReactNode; className?: string; title?: string }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className={className} title={title}>
      {children}
    </a>
  );
}
