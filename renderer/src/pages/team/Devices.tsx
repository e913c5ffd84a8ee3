/** Devices and tokens: every device token and scoped token, who holds it, when it was last used; revoke one. */
import { ago } from '../../lib/format';
import { useApi } from '../../store/query';
import { useMemberNames } from './names';
import { TeamSection, TeamTable } from './TeamSection';
import { useWrite } from './useWrite';

export function Devices() {
  const tokens = useApi('team.tokens.list', {});
  const nameOf = useMemberNames();
  const write = useWrite();
  return (
    <TeamSection id="team-devices" title="Devices and tokens" help="A revoked token is refused from its next request, and the browsers signed in with it are signed out." writeError={write.error}>
      <TeamTable
        label="Devices and tokens"
        rows={tokens.data}
        loadError={tokens.error}
        skeleton={80}
        head={
          <>
            <th>Device</th>
            <th>Member</th>
            <th className="narrow-hide">Kind</th>
            <th className="narrow-hide">Last used</th>
            <th />
          </>
        }
        row={(t) => (
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
        )}
      />
    </TeamSection>
  );
}
