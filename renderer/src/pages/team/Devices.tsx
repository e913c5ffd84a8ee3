/** Devices and tokens: every device token and scoped token, who holds it, when it was last used; revoke one. */
import { ErrorNotice, Skeleton } from '../../components/ui';
import { ago } from '../../lib/format';
import { useApi } from '../../store/query';
import { useMemberNames } from './names';
import { useWrite } from './useWrite';

export function Devices() {
  const tokens = useApi('team.tokens.list', {});
  const nameOf = useMemberNames();
  const write = useWrite();
  return (
    <section className="card" aria-labelledby="team-devices">
      <div className="card-head">
        <div>
          <h2 id="team-devices">Devices and tokens</h2>
          <p>A revoked token is refused from its next request, and the browsers signed in with it are signed out.</p>
        </div>
      </div>
      {write.error ? <ErrorNotice error={write.error} /> : null}
      {!tokens.data ? (
        tokens.error ? <ErrorNotice error={tokens.error} /> : <Skeleton height={80} />
      ) : (
        <div className="table-wrap">
          <table aria-label="Devices and tokens" className="team-table">
            <thead>
              <tr>
                <th>Device</th>
                <th>Member</th>
                <th className="narrow-hide">Kind</th>
                <th className="narrow-hide">Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <td>
                    {t.device}
                    <div className="faint small mono">{t.id}</div>
                  </td>
                  <td>{nameOf(t.member)}</td>
                  <td className="small narrow-hide">{t.scopes ? `scoped: ${t.scopes.join(', ')}` : 'device'}</td>
                  <td className="small narrow-hide">{t.lastUsedAt ? ago(t.lastUsedAt) : 'never'}</td>
                  <td>
                    {t.revokedAt ? (
                      <span className="badge danger">revoked</span>
                    ) : (
                      <button className="btn small ghost" disabled={write.busy} onClick={() => void write.run('team.tokens.revoke', { id: t.id })} aria-label={`Revoke ${t.device} of ${nameOf(t.member)}`}>
                        Revoke
                      </button>
                    )}
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
