/**
 * The account's last refusal. Red only while it is the latest word: once
 * usage has been recorded after it (the typo corrected) or the period has
 * reset, it stays as a quiet line of history instead of an alarm.
 */
import type { AccountView, Refusal } from '../../api';
import { Icon } from '../../components/icons';
import { humanizeInstants, instant, reason } from '../../lib/format';
import { useApi } from '../../store/query';

export function LastRefusal({ account, refusal, periodStart }: { account: AccountView; refusal: Refusal | undefined; periodStart: string | undefined }) {
  const latest = useApi('events.list', refusal ? { account: account.id, limit: 1 } : null);
  const newest = latest.data?.events[0];
  const since = newest !== undefined && Date.parse(newest.at) > Date.parse(refusal?.at ?? '');
  const beforeReset = periodStart !== undefined && refusal !== undefined && Date.parse(refusal.at) < Date.parse(periodStart);
  return (
    <div data-testid="last-refusal">
      <h3 className="row">
        <Icon name="stop" size={16} /> Last refusal
      </h3>
      {!refusal ? (
        <p className="faint small">Nothing refused. If usage is refused (no credits left, a limit, a rate limit), the reason shows here.</p>
      ) : since || beforeReset ? (
        <p className="small" data-settled="">
          <span>
            {reason(refusal.reason)} · {refusal.action} · {instant(refusal.at, account.zone)}
          </span>
          <span className="faint"> — {beforeReset ? 'before the last reset' : 'usage recorded since'}</span>
        </p>
      ) : (
        <div className="notice danger">
          <strong>
            {reason(refusal.reason)} · {refusal.action}
          </strong>
          <span>{humanizeInstants(refusal.message, account.zone)}</span>
          <span className="faint small">{instant(refusal.at, account.zone)}</span>
        </div>
      )}
    </div>
  );
}
