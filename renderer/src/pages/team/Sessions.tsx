/** Browser sessions: who is signed in where, until when; end one. */
import { ErrorNotice, Skeleton } from '../../components/ui';
import { ago } from '../../lib/format';
import { useApi } from '../../store/query';
import { useMemberNames } from './names';
import { useWrite } from './useWrite';

export function Sessions() {
  const sessions = useApi('team.sessions.list', {});
  const nameOf = useMemberNames();
  const write = useWrite();
  const live = (sessions.data ?? []).filter((s) => s.active);
  return (
    <section className="card" aria-labelledby="team-sessions">
      <div className="card-head">
        <div>
          <h2 id="team-sessions">Browser sessions</h2>
          <p>A session ends after 30 idle minutes or 12 hours; end one to sign that browser out now.</p>
        </div>
      </div>
      {write.error ? <ErrorNotice error={write.error} /> : null}
      {!sessions.data ? (
        sessions.error ? <ErrorNotice error={sessions.error} /> : <Skeleton height={80} />
      ) : live.length === 0 ? (
        <p className="faint small">No browser is signed in.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Browser sessions" className="team-table">
            <thead>
              <tr>
                <th>Member</th>
                <th className="narrow-hide">Signed in</th>
                <th>Last seen</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {live.map((s) => (
                <tr key={s.id}>
                  <td>{nameOf(s.member)}</td>
                  <td className="small narrow-hide">{ago(s.createdAt)}</td>
                  <td className="small">{ago(s.lastSeenAt)}</td>
                  <td>
                    <button className="btn small ghost" disabled={write.busy} onClick={() => void write.run('team.sessions.end', { id: s.id })}>
                      End
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
