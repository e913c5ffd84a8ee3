import { useMemo, useState } from 'react';
import { isDesktopApp, type AccountView, type Balance, type PoolForecast, type Report } from '../api';
import { BurnDown } from '../components/charts';
import { Icon } from '../components/icons';
import { AccountChoice } from '../components/AccountChoice';
import { Empty, ErrorNotice, Segmented, Skeleton } from '../components/ui';
import { DailyChart } from './usage/DailyChart';
import { History } from './usage/History';
import { TeamUsage, type TeamAccount } from './usage/TeamUsage';
import { credits, day, localDate, plural } from '../lib/format';
import { allocationSteps, remainingOverTime, usedOverTime } from '../lib/burn';
import { toCsv, type Point } from '../lib/series';
import { useNow } from '../store/clock';
import { useApi } from '../store/query';
import { hrefOf, setParams, useRoute } from '../store/route';
import { saveFile } from '../lib/save-file';

type Range = 'period' | '7d' | '30d' | '90d';
type Group = 'action' | 'member' | 'day' | 'attr';

const RANGES: { value: Range; label: string }[] = [
  { value: 'period', label: 'This period' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days' },
];

const GROUPS: { value: Group; label: string }[] = [
  { value: 'action', label: 'Action' },
  { value: 'member', label: 'Member' },
  { value: 'day', label: 'Day' },
  { value: 'attr', label: 'Attribute' },
];

const DAY_MS = 86_400_000;

export function Usage() {
  const params = useRoute((r) => r.params);
  // An archived account is listed only when asked for by name (Settings → Archived accounts links here): its history stays readable.
  const accounts = useApi('accounts.list', { includeArchived: true });
  const list = (accounts.data ?? []).filter((a) => !a.archived || a.id === params.account);
  // The desktop app's joined teams: their accounts are choices beside the local ones, read from this device's copy.
  const teams = useApi('membership.accounts', isDesktopApp() ? {} : null);
  const teamList = teams.data ?? [];
  const teamAccount = teamList.find((t) => t.ref === params.account) ?? (list.length === 0 ? teamList[0] : undefined);
  const account = list.find((a) => a.id === params.account) ?? list[0];

  if (accounts.error && !accounts.data) return <Shell><ErrorNotice error={accounts.error} title="The ledger could not be read" /></Shell>;
  if (!accounts.data) return <Shell><Skeleton height={300} /></Shell>;
  if (teamAccount) {
    const pools = teamAccount.balance.pools;
    const poolId = pools.some((p) => p.pool === params.pool) ? params.pool! : (pools[0]?.pool ?? '');
    return (
      <Shell
        toolbar={
          <div className="toolbar">
            <AccountChoice value={teamAccount.ref} local={list} team={teamList} />
            <PoolChoice pools={pools} value={poolId} />
          </div>
        }
      >
        <TeamUsage key={teamAccount.ref} a={teamAccount} poolId={poolId} />
      </Shell>
    );
  }
  if (!account)
    return (
      <Shell>
        <Empty icon="usage" title="No usage to show yet" action={<a className="btn primary" href={hrefOf('settings', { add: '1' })}>Add an account</a>}>
          Usage charts, breakdowns and the history of every event appear here once you have an account and record usage on it.
        </Empty>
      </Shell>
    );
  return <AccountUsage key={account.id} account={account} accounts={list} teams={teamList} params={params} />;
}

function Shell({ children, toolbar }: { children: React.ReactNode; toolbar?: React.ReactNode }) {
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Usage</h1>
          <p>Daily burn, the pace to the reset, where the credits went, and every event.</p>
        </div>
        {toolbar}
      </div>
      {children}
    </div>
  );
}

/** Which pool of the account: shown when it has more than one. */
function PoolChoice({ pools, value }: { pools: { pool: string; label: string }[]; value: string }) {
  if (pools.length < 2) return null;
  return (
    <div className="field">
      <span>Pool</span>
      <Segmented label="Pool" value={value} options={pools.map((p) => ({ value: p.pool, label: p.label }))} onChange={(v) => setParams({ pool: v })} />
    </div>
  );
}

function AccountUsage({ account, accounts, teams, params }: { account: AccountView; accounts: AccountView[]; teams: TeamAccount[]; params: Record<string, string> }) {
  const balance = useApi('balance.get', { account: account.id });
  const forecast = useApi('reports.forecast', { account: account.id });
  // The burn-down's allocation steps: asked for here, with the page's other reads, not once the pool is known.
  useApi('grants.list', { account: account.id });
  const now = useNow();
  const pools = balance.data?.pools ?? [];
  const poolId = pools.some((p) => p.pool === params.pool) ? params.pool! : (pools[0]?.pool ?? Object.keys(account.amounts)[0] ?? '');
  const range = (RANGES.some((r) => r.value === params.range) ? params.range : 'period') as Range;
  const zone = account.zone;
  // Range starts are local dates (read in the account's zone by the API), so the query stays the same all day.
  const today = localDate(now, zone);
  const from = range === 'period' ? undefined : localDate(Date.parse(`${today}T12:00:00Z`) - (Number(range.slice(0, -1)) - 1) * DAY_MS, 'UTC');
  const base = { account: account.id, pool: poolId, ...(from ? { from } : {}) };
  const daily = useApi('reports.usage', poolId ? { ...base, by: ['day'] } : null);

  const toolbar = (
    <div className="toolbar">
      <AccountChoice value={account.id} local={accounts} team={teams} />
      <PoolChoice pools={pools} value={poolId} />
      <div className="field">
        <span>Range</span>
        <Segmented label="Range" value={range} options={RANGES} onChange={(v) => setParams({ range: v === 'period' ? undefined : v })} />
      </div>
    </div>
  );

  const pool = pools.find((p) => p.pool === poolId);
  const fc = forecast.data?.pools.find((p) => p.pool === poolId);
  const unit = pool?.unit ?? 'credit';

  return (
    <Shell toolbar={toolbar}>
      {balance.error ? <ErrorNotice error={balance.error} /> : null}
      <div className="grid grid-2">
        <div className="card">
          <div className="card-head">
            <h2>Daily usage</h2>
            <p className="num">{daily.data ? `${plural(daily.data.total.credits, unit)} · ${plural(daily.data.total.events, 'event')}` : ''}</p>
          </div>
          {daily.data && balance.data ? <Daily report={daily.data} balance={balance.data} range={range} today={today} unit={unit} /> : <div style={{ height: 224 }} />}
        </div>
        <div className="card">
          <div className="card-head">
            <h2>Burn-down to the reset</h2>
            <p className="num">{pool && !pool.unlimited ? (pool.topupRemaining > 0 ? `${credits(pool.monthlyRemaining)} of ${credits(pool.allocation)} monthly left` : `${credits(pool.remaining)} of ${credits(pool.allocation)} left`) : ''}</p>
          </div>
          {pool && balance.data ? <Burn balance={balance.data} poolId={poolId} forecast={fc} unit={unit} now={now} /> : <div style={{ height: 244 }} />}
        </div>
      </div>
      <Breakdown account={account} poolId={poolId} unit={unit} base={base} params={params} range={range} />
      <History account={account} />
    </Shell>
  );
}

/** Days of the view, filled with zero where nothing was used. */
function Daily({ report, balance, range, today, unit }: { report: Report; balance: Balance; range: Range; today: string; unit: string }) {
  const zone = balance.zone;
  const pool = balance.pools[0]!;
  const first = localDate(range === 'period' ? pool.periodStart : report.from, zone);
  // This period: every day up to the reset, so the days still to come show as room left.
  const last = range === 'period' ? localDate(Date.parse(pool.nextReset) - 1, zone) : today;
  if (report.rows.length === 0) {
    return (
      <div style={{ height: 224, display: 'grid', placeItems: 'center' }}>
        <p className="faint">
          No usage in this range yet — record some on the <a href={hrefOf('dashboard')}>Dashboard</a>.
        </p>
      </div>
    );
  }
  return <DailyChart first={first} last={last} byDay={new Map(report.rows.map((r) => [r.keys.day!, r.credits]))} unit={unit} zone={zone} />;
}

function Burn({ balance, poolId, forecast, unit, now }: { balance: Balance; poolId: string; forecast: PoolForecast | undefined; unit: string; now: number }) {
  const pool = balance.pools.find((p) => p.pool === poolId)!;
  const report = useApi('reports.usage', { account: balance.account, pool: poolId, by: ['day'] });
  // The period's grants give the allocation over time: an upgrade mid-period is a step at its instant.
  const grants = useApi('grants.list', { account: balance.account });
  const zone = balance.zone;
  const steps = useMemo(
    () => (pool.allocation === null ? [] : allocationSteps(grants.data ?? [], poolId, Date.parse(pool.periodStart), Date.parse(pool.nextReset), pool.allocation)),
    [grants.data, pool, poolId],
  );
  const points = useMemo((): Point[] => {
    if (!report.data || pool.allocation === null) return [];
    const start = Date.parse(pool.periodStart);
    const used = usedOverTime(report.data.rows.map((r) => ({ day: r.keys.day!, credits: r.credits })), start, localDate(start, zone), now);
    return remainingOverTime(used, steps);
  }, [report.data, pool, zone, now, steps]);

  if (pool.unlimited) {
    return (
      <div style={{ height: 244, display: 'grid', placeItems: 'center', textAlign: 'center' }}>
        <p className="muted">
          Unlimited pool: nothing to burn down.
          <br />
          {plural(pool.usedThisPeriod, unit)} used this period.
        </p>
      </div>
    );
  }
  if (!report.data) return <div style={{ height: 244 }} />;
  const start = Date.parse(pool.periodStart);
  const reset = Date.parse(pool.nextReset);
  let projection: Point | null = null;
  const lastY = points[points.length - 1]?.y ?? 0;
  // Where the actual pace leads from here: the monthly part's run-out (top-ups carry on past it), or what is left at the reset.
  const monthlyOut = forecast?.monthlyRunOutAt ? Date.parse(forecast.monthlyRunOutAt) : null;
  if (forecast && monthlyOut !== null && lastY > 0) {
    projection = monthlyOut < reset ? { x: monthlyOut, y: 0 } : { x: reset, y: forecast.forfeitAtReset };
  }
  return (
    <>
      <BurnDown start={start} reset={reset} now={Math.min(now, reset)} allocation={pool.allocation ?? 0} steps={grants.data ? steps : undefined} points={points} projection={projection} runsOut={forecast?.runsOutBeforeReset ?? false} zone={zone} unit={unit} />
      <div className="legend">
        <span>
          <i /> left of allocation
        </span>
        <span>
          <i className="even" /> even pace
        </span>
        <span>
          <i className="allocation" /> allocation
        </span>
        {projection ? (
          <span>
            <i className={`projection${forecast?.runsOutBeforeReset ? ' warn' : ''}`} />
            {monthlyOut !== null && monthlyOut < reset ? `this pace: ${pool.topupRemaining > 0 ? 'monthly part ' : ''}out ${day(monthlyOut, zone)}` : 'this pace'}
          </span>
        ) : null}
        {pool.topupRemaining > 0 ? <span>+ {plural(pool.topupRemaining, 'top-up credit')} on top (they do not expire)</span> : null}
      </div>
    </>
  );
}

function Breakdown({ account, poolId, unit, base, params, range }: { account: AccountView; poolId: string; unit: string; base: { account: string; pool: string; from?: string }; params: Record<string, string>; range: Range }) {
  const group = (GROUPS.some((g) => g.value === params.group) ? params.group : 'action') as Group;
  const [attrDraft, setAttrDraft] = useState(params.attr ?? '');
  const attr = params.attr ?? '';
  const by = group === 'attr' ? (attr ? `attr:${attr}` : null) : group;
  const report = useApi('reports.usage', poolId && by ? { ...base, by: [by] } : null);
  const actions = useApi('actions.list', { account: account.id });
  // Only the Attribute tab uses these (to suggest attribute names): reading the latest events is not free on a big ledger.
  const recent = useApi('events.list', group === 'attr' ? { account: account.id, limit: 100 } : null);
  const attrNames = useMemo(() => [...new Set((recent.data?.events ?? []).flatMap((e) => Object.keys(e.attrs)))].sort(), [recent.data]);
  const labelOf = (id: string) => actions.data?.find((a) => a.id === id)?.label;
  const rows = report.data?.rows ?? [];
  const max = Math.max(...rows.map((r) => r.credits), 0);
  const keyName = group === 'attr' ? attr : group;

  const exportCsv = () => {
    if (!report.data || !by) return;
    const r = report.data;
    const csv = toCsv(
      [...r.by.map((k) => k.replace(/^attr:/, '')), 'events', 'quantity', 'credits'],
      r.rows.map((row) => [...r.by.map((k) => row.keys[k] ?? ''), row.events, row.quantity, row.credits]),
    );
    saveFile(`creditdeck-${account.id}-${poolId}-by-${by.replace(':', '-')}-${range === 'period' ? 'this-period' : `last-${range}`}.csv`, csv, 'text/csv;charset=utf-8');
  };

  return (
    <div className="card">
      <div className="card-head" style={{ alignItems: 'center' }}>
        <div className="row" style={{ gap: 12 }}>
          <h2>Breakdown</h2>
          <Segmented label="Group by" value={group} options={GROUPS} onChange={(v) => setParams({ group: v === 'action' ? undefined : v })} />
          {group === 'attr' ? (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                setParams({ attr: attrDraft.trim() || undefined });
              }}
            >
              <input aria-label="Attribute name" list="attr-names" placeholder="attribute, e.g. project" value={attrDraft} onChange={(e) => setAttrDraft(e.target.value)} style={{ width: 190 }} />
              <datalist id="attr-names">
                {attrNames.map((n) => (
                  <option key={n} value={n} />
                ))}
              </datalist>
              <button className="btn small" type="submit">
                Show
              </button>
            </form>
          ) : null}
        </div>
        <button className="btn" onClick={exportCsv} disabled={!report.data || rows.length === 0} title="Download these rows as a CSV file">
          <Icon name="download" size={16} /> Export CSV
        </button>
      </div>
      {report.error ? <ErrorNotice error={report.error} /> : null}
      {group === 'attr' && !attr ? (
        <p className="empty-inline">
          Name an attribute to group by{attrNames.length ? ` (seen on recent events: ${attrNames.join(', ')})` : ' — record usage with attributes such as project=launch'}.
        </p>
      ) : rows.length === 0 ? (
        <p className="empty-inline">{report.data ? 'No usage in this range.' : ' '}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Usage breakdown table">
          <table aria-label="Usage breakdown">
            <thead>
              <tr>
                <th>{keyName === 'day' ? 'Day' : keyName === 'action' ? 'Action' : keyName === 'member' ? 'Member' : keyName}</th>
                <th className="num">Events</th>
                <th className="num">Quantity</th>
                <th className="num">{unit === 'credit' ? 'Credits' : `Credits (${unit}s)`}</th>
                <th style={{ width: '28%' }}>Share</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const k = by ? (r.keys[by] ?? '') : '';
                return (
                  <tr key={k}>
                    <td>
                      {group === 'action' ? (
                        <>
                          {labelOf(k) ?? k} <span className="faint mono">{labelOf(k) ? k : ''}</span>
                        </>
                      ) : group === 'day' ? (
                        day(`${k}T12:00:00Z`, 'UTC')
                      ) : k === '' ? (
                        <span className="faint">(none)</span>
                      ) : (
                        k
                      )}
                    </td>
                    <td className="num">{credits(r.events)}</td>
                    <td className="num">{credits(r.quantity)}</td>
                    <td className="num">{credits(r.credits)}</td>
                    <td>
                      {r.credits > 0 ? <span className="share" style={{ width: `${max > 0 ? (r.credits / max) * 100 : 0}%` }} /> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
            {report.data ? (
              <tfoot>
                <tr>
                  <td>
                    <strong>Total</strong>
                  </td>
                  <td className="num">
                    <strong>{credits(report.data.total.events)}</strong>
                  </td>
                  <td />
                  <td className="num">
                    <strong>{credits(report.data.total.credits)}</strong>
                  </td>
                  <td />
                </tr>
              </tfoot>
            ) : null}
          </table>
        </div>
      )}
    </div>
  );
}
