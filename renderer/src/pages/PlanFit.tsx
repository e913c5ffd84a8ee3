/**
 * The account's real usage set against every plan (`plans.fit`): the Plans
 * page shows how many recent periods each plan would have covered; the
 * Calculator replays the latest period through each plan.
 */
import { useState } from 'react';
import type { AccountView, HandlerOutput } from '../api';
import { ErrorNotice, Field, Skeleton } from '../components/ui';
import { credits, day, money } from '../lib/format';
import { useApi } from '../store/query';

export type FitReport = HandlerOutput<'plans.fit'>;
export type PlanFit = FitReport['plans'][number];

const periodLabel = (p: { start: string; end: string; partial: boolean }, zone: string) =>
  p.partial ? `${day(p.start, zone)} – now` : `${day(p.start, zone)} – ${day(Date.parse(p.end) - 1, zone)}`;

/** "1 × Starter ($5.00)": the packs a replayed period would have needed. */
export function packsNeeded(fit: PlanFit, currency: string): string {
  return fit.replay.pools
    .flatMap((p) => p.packs ?? [])
    .map((k) => (k.chosenAmount ? `${credits(k.credits)} of ${k.name}` : `${k.count} × ${k.name}`) + (k.priceCents === null ? ' (price not stated)' : ` (${money(k.priceCents, currency)})`))
    .join(' + ');
}

/** "✓ Covers your last 3 periods" on a plan card — with packs, where the plan may buy them. */
export function FitLine({ fit, periods, partial, currency = 'USD' }: { fit: PlanFit | undefined; periods: number; partial: boolean; currency?: string }) {
  if (!fit) return null;
  if (fit.periodsFit === null)
    return (
      <p className="small faint" data-testid="fit">
        Set this plan's allocation to compare it with your usage
      </p>
    );
  const last = partial ? 'this period so far' : periods === 1 ? 'your last period' : `your last ${periods} periods`;
  const withPacks = fit.periodsFitWithPacks ?? fit.periodsFit;
  const packs = packsNeeded(fit, currency);
  const [cls, text] =
    fit.periodsFit === periods
      ? ['state-ok', `✓ Covers ${last}`]
      : withPacks > fit.periodsFit
        ? [withPacks === periods ? 'state-ok' : 'state-warn', `${withPacks === periods ? '✓ Covers' : `Covers ${withPacks} of`} ${last} with packs${packs ? `: ${packs}${partial || periods === 1 ? '' : ' in the latest'}` : ''}`]
        : fit.periodsFit === 0
          ? ['state-danger', `✗ Too small for ${last}`]
          : ['state-warn', `Covers ${fit.periodsFit} of ${last}`];
  return (
    <p className={`small ${cls}`} data-testid="fit">
      {text}
    </p>
  );
}

/** The account's usage in the periods compared: one row per period. */
export function UsageByPeriod({ report, account, units, note = 'The plans below are checked against these periods.' }: { report: FitReport; account: Pick<AccountView, 'name' | 'zone'>; units: Record<string, string>; note?: string }) {
  const pools = Object.keys(report.periods[0]?.used ?? {});
  return (
    <div className="card" aria-label="Your usage by period">
      <div className="card-head">
        <div>
          <h2>What {account.name} used</h2>
          <p style={{ marginTop: 4 }}>{note}</p>
        </div>
      </div>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Usage by period (scrolls sideways)">
      <table aria-label="Usage by period">
        <thead>
          <tr>
            <th>Period</th>
            {pools.map((p) => (
              <th key={p} className="num">
                {units[p] ? `${units[p]}s` : p}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.periods.map((p) => (
            <tr key={p.start}>
              <td>{periodLabel(p, account.zone)}</td>
              {pools.map((pool) => (
                <td key={pool} className="num">
                  {credits(p.used[pool] ?? 0)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </div>
  );
}

/** The Calculator's what-if: the latest period replayed through each plan. */
export function WhatIf({ accounts }: { accounts: AccountView[] }) {
  const [chosen, setChosen] = useState('');
  const account = accounts.find((a) => a.id === chosen) ?? accounts[0];
  const fit = useApi('plans.fit', account ? { account: account.id } : null);
  if (!account) return null;
  const r = fit.data;
  const replayed = r ? periodLabel(r.replayed, account.zone) : '';
  return (
    <section className="card" aria-label="What if">
      <div className="card-head">
        <div>
          <h2>What if: {r?.replayed.partial ? 'this period' : 'your last period'} on each plan</h2>
          <p style={{ marginTop: 4 }}>Your real usage{r ? ` (${replayed})` : ''}, replayed through every {account.providerName} plan.</p>
        </div>
      </div>
      <div className="form-grid">
        <Field label="Account">
          <select value={account.id} onChange={(e) => setChosen(e.target.value)}>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {fit.error && !r ? <ErrorNotice error={fit.error} /> : null}
      {!r ? (
        <Skeleton height={160} />
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="What if, each plan (scrolls sideways)" style={{ marginTop: 12 }}>
        <table aria-label="What if">
          <thead>
            <tr>
              <th>Plan</th>
              <th className="num">Price</th>
              {r.plans[0]?.replay.pools.map((p) => (
                <th key={p.pool}>{p.pool.charAt(0).toUpperCase() + p.pool.slice(1)}</th>
              ))}
              <th>Packs needed</th>
              <th className="num">Total</th>
            </tr>
          </thead>
          <tbody>
            {r.plans.map((p) => (
              <tr key={p.plan} data-plan={p.plan}>
                <td>
                  {p.name} {p.current ? <span className="badge accent">yours</span> : null}
                </td>
                <td className="num">{p.priceCents === null ? '—' : money(p.priceCents, r.currency)}</td>
                {p.replay.pools.map((x) => (
                  <td key={x.pool} data-testid={`whatif-${x.pool}`}>
                    {x.allocation === null ? (
                      <span className="faint">allocation unknown</span>
                    ) : x.allocation === 'unlimited' ? (
                      <span className="state-ok">unlimited</span>
                    ) : x.short ? (
                      <span className="state-danger">
                        {credits(x.short)} short{x.runsOutAt ? ` · out ${day(x.runsOutAt, account.zone)}` : ''}
                      </span>
                    ) : (
                      <span className="state-ok">{credits(x.left ?? 0)} left</span>
                    )}
                    <div className="faint small">
                      {credits(x.used)} of {x.allocation === null ? '?' : x.allocation === 'unlimited' ? '∞' : credits(x.allocation)}
                    </div>
                  </td>
                ))}
                <td data-testid="whatif-packs">
                  {p.replay.pools.some((x) => x.short && x.packs === null) ? <span className="faint">none sold</span> : packsNeeded(p, r.currency) || <span className="faint">—</span>}
                </td>
                <td className="num">{p.replay.totalCents === null ? '—' : money(p.replay.totalCents, r.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </section>
  );
}
