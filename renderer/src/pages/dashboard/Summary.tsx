/**
 * The dashboard's first answer: one line per pool across all accounts, most
 * urgent first (runs out before its reset, then used up, then carried by
 * top-ups), in the pool's own unit.
 */
import type { AccountView, Balance, PoolBalance, PoolForecast } from '../../api';
import { coarse, plural } from '../../lib/format';
import { useNow } from '../../store/clock';
import { useApiMany } from '../../store/many';
import { urgency, verdict, type Verdict } from './verdict';
import './dashboard.css';

interface Line {
  key: string;
  account: AccountView;
  pool: PoolBalance;
  v: Verdict | null;
  /** The instant that matters most for this pool: its run-out, else its reset. */
  when: number;
}

export function Summary({ accounts, balances }: { accounts: AccountView[]; balances: Balance[] | undefined }) {
  const now = useNow();
  const forecasts = useApiMany(
    'reports.forecast',
    accounts.map((a) => ({ account: a.id })),
  );
  if (!balances) return null;
  const lines: Line[] = [];
  accounts.forEach((a, n) => {
    const b = balances.find((x) => x.account === a.id);
    const f = forecasts[n]?.data;
    for (const p of b?.pools ?? []) {
      const pf: PoolForecast | undefined = f?.pools.find((x) => x.pool === p.pool);
      const v = verdict(p, pf);
      const when = v?.kind === 'short' ? Date.parse(v.runOutAt) : v?.kind === 'carried' ? Date.parse(v.monthlyRunOutAt) : Date.parse(p.nextReset);
      lines.push({ key: `${a.id}/${p.pool}`, account: a, pool: p, v, when });
    }
  });
  lines.sort((x, y) => urgency(x.v) - urgency(y.v) || x.when - y.when || x.key.localeCompare(y.key));
  if (lines.length === 0) return null;
  return (
    <section className="card summary" aria-labelledby="summary-head">
      <h2 id="summary-head" className="summary-head">
        At a glance
      </h2>
      <ul className="summary-list" data-testid="summary">
        {lines.map((l) => (
          <li key={l.key} data-line={l.key} className={`summary-line tone-${l.v?.tone ?? 'neutral'}`}>
            <span className="summary-name">
              {l.account.name} · {l.pool.label}
            </span>
            <span className="summary-text">{sentence(l.pool, l.v, now)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** "14 videos left · resets in 9 d · runs out in 5 d at this pace". */
export function sentence(p: PoolBalance, v: Verdict | null, now: number): string {
  const resets = `resets in ${coarse(Date.parse(p.nextReset) - now)}`;
  if (p.unlimited) return `unlimited · ${plural(p.usedThisPeriod, p.unit)} used · ${resets}`;
  const left = `${plural(p.remaining ?? 0, p.unit)} left`;
  if (!v) return `${left} · ${resets}`;
  switch (v.kind) {
    case 'empty':
      return `none left · ${resets}`;
    case 'short':
      return `${left} · ${resets} · runs out in ${coarse(Date.parse(v.runOutAt) - now)} at this pace`;
    case 'carried':
      return `${left} · ${resets} · monthly part runs out in ${coarse(Date.parse(v.monthlyRunOutAt) - now)}, top-ups carry it past the reset`;
    case 'idle':
      return `${left} · ${resets} · nothing used yet`;
    default:
      return `${left} · ${resets} · lasts to the reset at this pace`;
  }
}
