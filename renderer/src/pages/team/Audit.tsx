/**
 * The audit log, newest first, a page at a time. team.audit reads forward
 * from a row number, so the rows are read in pages of 1000 and shown
 * backwards (a team's log is small; the CLI reads it in full too).
 */
import { useEffect, useState } from 'react';
import { request, type HandlerOutput } from '../../api';
import { ErrorNotice, Skeleton } from '../../components/ui';
import { dateTime } from '../../lib/format';
import { useQueryStore } from '../../store/query';
import { useMemberNames } from './names';

type Row = HandlerOutput<'team.audit'>[number];
const PAGE = 20;

async function readAll(): Promise<Row[] | string> {
  const rows: Row[] = [];
  for (;;) {
    const env = await request('team.audit', { after: rows.at(-1)?.seq ?? 0, limit: 1000 });
    if (!env.ok) return env.error.message;
    rows.push(...env.result);
    if (env.result.length < 1000) return rows.reverse();
  }
}

export function Audit() {
  const generation = useQueryStore((s) => s.generation);
  const nameOf = useMemberNames();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [page, setPage] = useState(0);
  useEffect(() => {
    let live = true;
    void readAll().then((r) => {
      if (!live) return;
      if (typeof r === 'string') setError(r);
      else {
        setRows(r);
        setError(null);
      }
    });
    return () => {
      live = false;
    };
  }, [generation]);
  const pages = Math.max(1, Math.ceil((rows?.length ?? 0) / PAGE));
  const shown = (rows ?? []).slice(page * PAGE, page * PAGE + PAGE);
  return (
    <section className="card" aria-labelledby="team-audit">
      <div className="card-head">
        <div>
          <h2 id="team-audit">Audit log</h2>
          <p>Every change and every refused attempt, newest first. The rows are hash-chained: the ledger’s own check finds a row edited or removed.</p>
        </div>
      </div>
      {error ? <ErrorNotice error={{ code: 'error', message: error }} /> : null}
      {!rows ? (
        error ? null : <Skeleton height={120} />
      ) : (
        <>
          <div className="table-wrap">
            <table aria-label="Audit log" className="team-table">
              <thead>
                <tr>
                  <th className="num narrow-hide">#</th>
                  <th>When</th>
                  <th>Who</th>
                  <th>Call</th>
                  <th>Result</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.seq}>
                    <td className="num faint narrow-hide">{r.seq}</td>
                    <td className="small nowrap">{dateTime(r.at, 'UTC')}</td>
                    <td>{r.member ? nameOf(r.member) : '—'}</td>
                    <td className="mono small">
                      {r.call.split('.').map((part, i) => (
                        <span key={i}>
                          {i ? '.' : ''}
                          <wbr />
                          {part}
                        </span>
                      ))}
                      {r.summary ? <div className="faint audit-summary">{r.summary}</div> : null}
                    </td>
                    <td>
                      <span className={`badge ${r.result === 'ok' ? 'ok' : r.result === 'forbidden' ? 'danger' : 'warn'}`}>{r.result}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="row" style={{ marginTop: 12, justifyContent: 'space-between' }}>
            <span className="faint small">
              Page {page + 1} of {pages} · {rows.length} rows
            </span>
            <span className="row">
              <button className="btn small" disabled={page === 0} onClick={() => setPage(page - 1)}>
                Newer
              </button>
              <button className="btn small" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
                Older
              </button>
            </span>
          </div>
        </>
      )}
    </section>
  );
}
