/** The pool card's verdict: its badge and its run-out line, both from the one verdict (./verdict.ts). */
import { Icon } from '../../components/icons';
import { instant, span } from '../../lib/format';
import { useNow } from '../../store/clock';
import type { Verdict } from './verdict';

export function VerdictBadge({ v }: { v: Verdict | null }) {
  if (!v) return null;
  const cls = v.tone === 'neutral' ? '' : v.tone;
  return <span className={`badge ${cls}`} data-testid="verdict">{v.badge}</span>;
}

export function VerdictLine({ v, zone, nextReset }: { v: Verdict | null; zone: string; nextReset: string }) {
  const now = useNow();
  if (!v || v.kind === 'unlimited' || v.kind === 'idle') return null;
  return (
    <div className="fact" data-testid="run-out">
      <Icon name="stop" size={15} />
      {v.kind === 'empty' ? (
        <span className="state-danger">Nothing left until the reset on {instant(nextReset, zone, now)}</span>
      ) : v.kind === 'short' ? (
        <span className="state-warn">
          Runs out <span className="nowrap">{instant(v.runOutAt, zone, now)}</span>, {span(v.shortByMs)} before the reset
        </span>
      ) : v.kind === 'carried' ? (
        <span>
          <span className="state-warn">
            Monthly part runs out <span className="nowrap">{instant(v.monthlyRunOutAt, zone, now)}</span>
          </span>
          ; top-ups carry it to <span className="nowrap">{instant(v.runOutAt, zone, now)}</span>, past the reset
        </span>
      ) : (
        <span>Lasts to the reset at this pace</span>
      )}
    </div>
  );
}
