/**
 * An account's recent alerts on its dashboard card, newest open ones first
 * (alerts.ts decides which and how they read): the local accounts' cards and a
 * team account's from the mirror (then `asOf` says since when they are known).
 */
import type { ReactNode } from 'react';
import { Icon } from '../../components/icons';
import { ago } from '../../lib/format';
import type { ShownAlert } from './alerts';

export function RecentAlerts({ shown, empty, asOf }: { shown: ShownAlert[]; empty: ReactNode; asOf?: string | null }) {
  return (
    <div data-testid="recent-alerts">
      <h3 className="row">
        <Icon name="bell" size={16} /> Recent alerts
      </h3>
      {shown.length === 0 ? (
        <p className="faint small">{empty}</p>
      ) : (
        <ul className="list">
          {shown.slice(0, 3).map(({ alert: a, text, resolved }) => (
            <li key={a.id} data-resolved={resolved || undefined}>
              <span className={`badge ${resolved ? 'ok' : (a.kind === 'threshold' || a.kind === 'spend') && a.level < 100 ? 'warn' : 'danger'}`}>
                {resolved ? 'resolved' : a.kind === 'threshold' || a.kind === 'spend' ? `${a.level} %` : a.kind === 'limit' ? 'limit' : a.kind}
              </span>
              <span className={resolved ? 'faint' : undefined}>
                {text}
                <span className="faint"> · {ago(a.at)}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      {asOf && shown.length > 0 ? <p className="faint small">As of the last sync, {asOf}.</p> : null}
    </div>
  );
}
