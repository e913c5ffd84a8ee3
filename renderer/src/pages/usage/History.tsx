/** The usage page's event history: newest first, paged, filtered (pool, range, member, action, attribute, search), each entry voidable with a reason, the rows shown exportable as CSV. */
import { useState } from 'react';
import type { AccountView, EventView } from '../../api';
import { Icon } from '../../components/icons';
import { ErrorNotice } from '../../components/ui';
import { credits, dateTime } from '../../lib/format';
import { toCsv } from '../../lib/series';
import { useApi } from '../../store/query';
import { useCan } from '../../store/session';
import { HistoryFilters, NO_FILTERS, attrOf, type Filters } from './HistoryFilters';
import { VoidAction } from './VoidAction';
import { saveFile } from '../../lib/save-file';
import './usage.css';
import { actionLabel } from '../../lib/ledger-actions';
import { HistoryHeadCells } from './HistoryHead';

const PAGE = 15;
const DAY = 86_400_000;

export function History({ account }: { account: AccountView }) {
  const [cursors, setCursors] = useState<number[]>([]);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const before = cursors[cursors.length - 1];
  const balance = useApi('balance.get', { account: account.id });
  const actions = useApi('actions.list', { account: account.id });
  // Removed members too: their entries keep their name.
  const members = useApi('members.list', { account: account.id, includeRemoved: true });
  const pools = balance.data?.pools ?? [];
  // Floored to the hour so the query (and its cache key) holds still between renders.
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const from = filters.range === 'period' ? pools[0]?.periodStart : filters.range ? new Date(hour - (filters.range === '7d' ? 7 : 30) * DAY).toISOString() : undefined;
  const attr = attrOf(filters.attr);
  const page = useApi('events.list', {
    account: account.id,
    limit: PAGE,
    ...(before !== undefined ? { before } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.pool ? { pool: filters.pool } : {}),
    ...(filters.member ? { member: filters.member } : {}),
    ...(attr ? { attr } : {}),
    ...(from ? { from } : {}),
  });
  const actionName = (id: string) => actionLabel(id, actions.data);
  const poolName = (id: string) => pools.find((p) => p.pool === id)?.label ?? id;
  const memberName = (id: string | null) => (id === null ? '' : (members.data?.find((m) => m.id === id)?.name ?? id));
  const attrText = (e: EventView) =>
    Object.entries(e.attrs)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
  const needle = filters.search.trim().toLowerCase();
  const events: EventView[] = (page.data?.events ?? []).filter(
    (e) => !needle || [actionName(e.action), poolName(e.pool), memberName(e.member), attrText(e), e.eventId].some((t) => t.toLowerCase().includes(needle)),
  );
  const canVoid = useCan('admin');
  const change = (f: Filters) => {
    setFilters(f);
    // A new query starts from the newest page; the search only narrows the rows shown.
    if (f.search === filters.search) setCursors([]);
  };
  const exportCsv = () => {
    const csv = toCsv(
      ['when', 'action', 'pool', 'quantity', 'credits', 'status', 'member', 'attributes', 'event'],
      events.map((e) => [e.at, actionName(e.action), poolName(e.pool), e.quantity, e.credits, e.voided ? 'voided' : e.status, memberName(e.member), attrText(e), e.eventId]),
    );
    saveFile(`creditdeck-${account.id}-history.csv`, csv, 'text/csv;charset=utf-8');
  };
  return (
    <div className="card">
      <div className="card-head" style={{ alignItems: 'center' }}>
        <h2>History</h2>
        <button className="btn small" onClick={exportCsv} disabled={events.length === 0}>
          <Icon name="download" size={16} /> Download these rows (CSV)
        </button>
      </div>
      <HistoryFilters value={filters} onChange={change} pools={pools} members={members.data ?? []} actions={actions.data ?? []} />
      {page.error ? <ErrorNotice error={page.error} /> : null}
      {page.data && events.length === 0 ? (
        <p className="empty-inline">{cursors.length ? 'No older events.' : filters === NO_FILTERS ? 'No events yet. Usage you record shows up here, newest first.' : 'Nothing matches these filters.'}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Event history table">
          <table aria-label="Event history">
            <thead>
              <tr>
                <HistoryHeadCells zone={account.zone} />
                <th>Attributes</th>
                <th>Event</th>
                {canVoid ? <th><span className="sr-only">Void</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.eventId} className={e.voided ? 'voided' : undefined}>
                  <td style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
                    {dateTime(e.at, account.zone)}
                  </td>
                  <td>{actionName(e.action)}</td>
                  <td>{poolName(e.pool)}</td>
                  <td className="num">{credits(e.quantity)}</td>
                  <td className="num">{credits(e.credits)}</td>
                  <td>
                    <span className={`badge ${e.voided ? '' : e.status === 'applied' ? 'accent' : ''}`}>{e.voided ? 'voided' : e.status}</span>
                  </td>
                  <td>{e.member === null ? <span className="faint">—</span> : memberName(e.member)}</td>
                  <td className="small">
                    {Object.keys(e.attrs).length ? (
                      Object.entries(e.attrs)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(', ')
                    ) : (
                      <span className="faint">—</span>
                    )}
                  </td>
                  <td className="mono faint">{e.eventId}</td>
                  {canVoid ? <td>{e.voided ? null : <VoidAction event={e} />}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="pager">
        <button className="btn small" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          ← Newer
        </button>
        <span className="faint small">{cursors.length ? `Page ${cursors.length + 1}` : 'Newest first'}</span>
        <button className="btn small" disabled={!page.data || page.data.next === null} onClick={() => page.data?.next != null && setCursors([...cursors, page.data.next])}>
          Older →
        </button>
      </div>
    </div>
  );
}
