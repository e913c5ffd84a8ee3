/**
 * The Usage page for an account of a team this desktop app joined as a
 * member: everything from this device's copy of the team's ledger (the host's
 * numbers as of the last sync, never waiting for the host), this device's
 * entries not sent yet on top and said so — the daily chart of this period,
 * the pace to the reset, and the history with the pending entries first.
 */
import type { HandlerOutput } from '../../api';
import { Icon } from '../../components/icons';
import { ErrorNotice, Segmented, Skeleton } from '../../components/ui';
import { credits, dateTime, instant, localDate, plural } from '../../lib/format';
import { DailyChart } from './DailyChart';
import { actionLabel } from '../../lib/ledger-actions';
import { saveFile } from '../../lib/save-file';
import { toCsv } from '../../lib/series';
import { useNow } from '../../store/clock';
import { useMembership } from '../../store/membership';
import { useApi } from '../../store/query';
import { setParams, useRoute } from '../../store/route';
import './usage.css';
import { HistoryHeadCells } from './HistoryHead';

export type TeamAccount = HandlerOutput<'membership.accounts'>[number];

export function TeamUsage({ a, poolId }: { a: TeamAccount; poolId: string }) {
  const pool = a.balance.pools.find((p) => p.pool === poolId);
  const usage = useApi('membership.usage', { account: a.ref, by: 'day' });
  const forecast = useApi('membership.forecast', { account: a.ref });
  const fc = forecast.data?.pools.find((p) => p.pool === poolId);
  const unit = pool?.unit ?? 'credit';
  const rows = (usage.data?.rows ?? []).filter((r) => r.keys.pool === poolId);
  const used = rows.reduce((s, r) => s + Math.round(r.credits * 1000), 0) / 1000;
  const pending = rows.reduce((s, r) => s + Math.round(r.pendingCredits * 1000), 0) / 1000;
  return (
    <>
      <TeamSource a={a} />
      <div className="grid grid-2">
        <div className="card">
          <div className="card-head">
            <h2>Daily usage</h2>
            <p className="num">{usage.data ? `${plural(used, unit)} this period` : ''}</p>
          </div>
          {usage.error ? <ErrorNotice error={usage.error} /> : null}
          {usage.data && pool ? <TeamDaily rows={rows} from={pool.periodStart} to={pool.nextReset} zone={a.zone} unit={unit} pending={pending} /> : <Skeleton height={224} />}
        </div>
        <div className="card">
          <div className="card-head">
            <h2>Pace to the reset</h2>
            <p className="num">{pool && fc ? leftText(pool, fc) : ''}</p>
          </div>
          {forecast.error ? <ErrorNotice error={forecast.error} /> : null}
          {fc && pool ? <TeamPace fc={fc} zone={a.zone} unit={unit} /> : <Skeleton height={120} />}
        </div>
      </div>
      <TeamBreakdown a={a} poolId={poolId} unit={unit} />
      <TeamHistory a={a} />
    </>
  );
}

/** Where the numbers come from: the team, as of the last sync, and what waits on this device. */
function TeamSource({ a }: { a: TeamAccount }) {
  const asOf = a.asOf ? instant(a.asOf, a.zone) : 'the last sync';
  return (
    <p className="notice team-usage-source" data-testid="team-usage-source" data-state={a.state}>
      <Icon name="team" size={16} />
      <span>
        <strong>{a.team.name} team</strong> · the team host's numbers as of {asOf}
        {a.state === 'offline' ? ' (the host is out of reach)' : ''}
        {a.pendingEntries > 0 ? <> · {plural(a.pendingEntries, 'entry', 'entries')} from this device not sent yet, counted in below</> : null}
      </span>
    </p>
  );
}

type UsageRow = HandlerOutput<'membership.usage'>['rows'][number];

function TeamDaily({ rows, from, to, zone, unit, pending }: { rows: UsageRow[]; from: string; to: string; zone: string; unit: string; pending: number }) {
  if (rows.length === 0) {
    return (
      <div style={{ height: 224, display: 'grid', placeItems: 'center' }}>
        <p className="faint">No usage on this account this period yet.</p>
      </div>
    );
  }
  // Every day of the period, so the days still to come show as room left.
  return (
    <DailyChart first={localDate(from, zone)} last={localDate(Date.parse(to) - 1, zone)} byDay={new Map(rows.map((r) => [r.keys.day!, r.credits]))} unit={unit} zone={zone}>
      {pending > 0 ? <span>including {plural(pending, unit)} from this device not sent yet</span> : null}
    </DailyChart>
  );
}

type PoolPace = HandlerOutput<'membership.forecast'>['pools'][number];
type Pool = TeamAccount['balance']['pools'][number];

/** What is left with this device's pending entries taken off: of the monthly allocation, or in all when top-ups carry it further. */
function leftText(pool: Pool, fc: PoolPace): string {
  if (pool.unlimited || fc.remaining === null) return '';
  if (pool.topupRemaining <= 0) return `${credits(fc.remaining)} of ${credits(pool.allocation)} left`;
  const monthly = Math.max(0, (pool.monthlyRemaining ?? 0) - fc.pendingCredits);
  return `${credits(fc.remaining)} left · ${credits(monthly)} of ${credits(pool.allocation)} monthly`;
}

/** A rate for reading: one decimal. */
const aboutRate = (x: number): number => Math.round(x * 10) / 10;

function TeamPace({ fc, zone, unit }: { fc: PoolPace; zone: string; unit: string }) {
  const now = useNow();
  if (fc.unlimited) return <p className="muted">Unlimited pool: {plural(fc.used, unit)} used this period.</p>;
  return (
    <div className="stack team-pace" style={{ gap: 8 }} data-testid="team-pace">
      <p>
        <span className={`badge ${fc.runsOutBeforeReset ? 'danger' : fc.pace === 'in reserve' ? 'accent' : ''}`}>{fc.pace}</span>{' '}
        {fc.runOutAt === null ? 'Nothing used yet this period.' : fc.runsOutBeforeReset ? <>At this pace it runs out {instant(fc.runOutAt, zone, now)}, before the reset.</> : <>At this pace it lasts to the reset.</>}
      </p>
      <p className="small muted">
        {plural(fc.used, unit)} used of {credits(fc.allocation)} · about {plural(aboutRate(fc.burnPerDay), unit)} a day · resets {instant(fc.nextReset, zone, now)}
      </p>
      {fc.pendingCredits > 0 ? <p className="small muted">Counted as used: {plural(fc.pendingCredits, unit)} from this device not sent yet.</p> : null}
      {fc.periodEnded ? <p className="small">This period has reset since the last sync: the new period's numbers come with the next sync.</p> : null}
    </div>
  );
}

const GROUPS = [
  { value: 'action', label: 'Action' },
  { value: 'member', label: 'Member' },
] as const;

/** This period by action or by member, for the pool shown; this device's pending entries counted in and said apart. */
function TeamBreakdown({ a, poolId, unit }: { a: TeamAccount; poolId: string; unit: string }) {
  const asked = useRoute((r) => r.params.group);
  const group = asked === 'member' ? 'member' : 'action';
  const report = useApi('membership.usage', { account: a.ref, by: group });
  const me = useMembership((s) => s.status?.teams.find((t) => t.alias === a.alias)?.member);
  const rows = (report.data?.rows ?? []).filter((r) => r.keys.pool === poolId);
  const max = Math.max(...rows.map((r) => r.credits), 0);
  // A member by the name the mirror has for them (an older mirror has none: the id).
  const person = (k: string) => a.members.find((m) => m.id === k)?.name ?? k;
  const name = (k: string) => (group === 'action' ? actionLabel(k, a.actions) : k === '' ? '(none)' : k === me ? `${person(k)} (you)` : person(k));
  const exportCsv = () => {
    const csv = toCsv([group, 'events', 'quantity', 'credits', 'pending events', 'pending credits'], rows.map((r) => [r.keys[group] ?? '', r.events, r.quantity, r.credits, r.pendingEvents, r.pendingCredits]));
    saveFile(`creditdeck-${a.ref.replace('/', '-')}-${poolId}-by-${group}-this-period.csv`, csv, 'text/csv;charset=utf-8');
  };
  return (
    <div className="card">
      <div className="card-head" style={{ alignItems: 'center' }}>
        <div className="row" style={{ gap: 12 }}>
          <h2>Breakdown</h2>
          <Segmented label="Group by" value={group} options={[...GROUPS]} onChange={(v) => setParams({ group: v === 'action' ? undefined : v })} />
        </div>
        <button className="btn" onClick={exportCsv} disabled={rows.length === 0} title="Download these rows as a CSV file">
          <Icon name="download" size={16} /> Export CSV
        </button>
      </div>
      {report.error ? <ErrorNotice error={report.error} /> : null}
      {rows.length === 0 ? (
        <p className="empty-inline">{report.data ? 'No usage this period.' : ' '}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Team usage breakdown table">
          <table aria-label="Team usage breakdown">
            <thead>
              <tr>
                <th>{group === 'action' ? 'Action' : 'Member'}</th>
                <th className="num">Events</th>
                <th className="num">{unit === 'credit' ? 'Credits' : `Credits (${unit}s)`}</th>
                <th className="num">Not sent yet</th>
                <th style={{ width: '24%' }}>Share</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.keys[group]}>
                  <td>{name(r.keys[group] ?? '')}</td>
                  <td className="num">{credits(r.events)}</td>
                  <td className="num">{credits(r.credits)}</td>
                  <td className="num">{r.pendingEvents ? `${credits(r.pendingEvents)} · about ${credits(r.pendingCredits)}` : <span className="faint">—</span>}</td>
                  <td>{r.credits > 0 ? <span className="share" style={{ width: `${max > 0 ? (r.credits / max) * 100 : 0}%` }} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function TeamHistory({ a }: { a: TeamAccount }) {
  const page = useApi('membership.events', { account: a.ref, limit: 50 });
  // This device's member id on the team: its entries read "you".
  const me = useMembership((s) => s.status?.teams.find((t) => t.alias === a.alias)?.member);
  const events = page.data?.events ?? [];
  const poolName = (id: string) => a.balance.pools.find((p) => p.pool === id)?.label ?? id;
  return (
    <div className="card">
      <div className="card-head">
        <h2>History</h2>
        <p className="faint small">Newest first · the latest 50</p>
      </div>
      {page.error ? <ErrorNotice error={page.error} /> : null}
      {page.data && events.length === 0 ? (
        <p className="empty-inline">No events yet on this account.</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Team account history table">
          <table aria-label="Team account history">
            <thead>
              <tr>
                <HistoryHeadCells zone={a.zone} />
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} className={e.pending ? 'pending' : e.status === 'voided' ? 'voided' : undefined} data-pending={e.pending ? 'true' : undefined}>
                  <td style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>{dateTime(e.at, a.zone)}</td>
                  <td>{actionLabel(e.action, a.actions)}</td>
                  <td>{e.pool ? poolName(e.pool) : <span className="faint">—</span>}</td>
                  <td className="num">{credits(e.quantity)}</td>
                  <td className="num">{e.pending ? `about ${credits(e.credits)}` : credits(e.credits)}</td>
                  <td>{e.pending ? <span className="badge warn">pending — not sent yet</span> : <span className={`badge ${e.status === 'applied' ? 'accent' : ''}`}>{e.status}</span>}</td>
                  <td>{e.member === null ? <span className="faint">—</span> : e.member === me ? 'you' : (e.memberName ?? e.member)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
