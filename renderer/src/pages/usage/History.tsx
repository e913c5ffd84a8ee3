/** The usage page's event history: newest first, paged, filtered by action, each entry voidable with a reason. */
import { useState } from 'react';
import type { AccountView, EventView } from '../../api';
import { ErrorNotice } from '../../components/ui';
import { credits, dateTime } from '../../lib/format';
import { useApi } from '../../store/query';
import { useCan } from '../../store/session';
import { VoidAction } from './VoidAction';
import './usage.css';

const PAGE = 15;

export function History({ account }: { account: AccountView }) {
  const [cursors, setCursors] = useState<number[]>([]);
  const [action, setAction] = useState('');
  const before = cursors[cursors.length - 1];
  const page = useApi('events.list', { account: account.id, limit: PAGE, ...(before !== undefined ? { before } : {}), ...(action ? { action } : {}) });
  const actions = useApi('actions.list', { account: account.id });
  const events: EventView[] = page.data?.events ?? [];
  const canVoid = useCan('admin');
  return (
    <div className="card">
      <div className="card-head" style={{ alignItems: 'center' }}>
        <h2>History</h2>
        <select
          aria-label="Filter by action"
          value={action}
          onChange={(e) => {
            setAction(e.target.value);
            setCursors([]);
          }}
          style={{ width: 220 }}
        >
          <option value="">All actions</option>
          {(actions.data ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.label}
            </option>
          ))}
        </select>
      </div>
      {page.error ? <ErrorNotice error={page.error} /> : null}
      {page.data && events.length === 0 ? (
        <p className="empty-inline">{cursors.length ? 'No older events.' : 'No events yet. Usage you record shows up here, newest first.'}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Event history table">
          <table aria-label="Event history">
            <thead>
              <tr>
                <th>When ({account.zone})</th>
                <th>Action</th>
                <th>Pool</th>
                <th className="num">Quantity</th>
                <th className="num">Credits</th>
                <th>Status</th>
                <th>Member</th>
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
                  <td>{e.action}</td>
                  <td>{e.pool}</td>
                  <td className="num">{credits(e.quantity)}</td>
                  <td className="num">{credits(e.credits)}</td>
                  <td>
                    <span className={`badge ${e.voided ? '' : e.status === 'applied' ? 'accent' : ''}`}>{e.voided ? 'voided' : e.status}</span>
                  </td>
                  <td>{e.member ?? <span className="faint">—</span>}</td>
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
