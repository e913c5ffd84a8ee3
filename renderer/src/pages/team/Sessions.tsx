/** Browser sessions: who is signed in where, until when; end one. */
import { ago } from '../../lib/format';
import { useApi } from '../../store/query';
import { useMemberNames } from './names';
import { TeamSection, TeamTable } from './TeamSection';
import { useWrite } from './useWrite';

export function Sessions() {
  const sessions = useApi('team.sessions.list', {});
  const nameOf = useMemberNames();
  const write = useWrite();
  return (
    <TeamSection id="team-sessions" title="Browser sessions" help="A session ends after 30 idle minutes or 12 hours; end one to sign that browser out now." writeError={write.error}>
      <TeamTable
        label="Browser sessions"
        rows={sessions.data?.filter((s) => s.active)}
        loadError={sessions.error}
        skeleton={80}
        empty="No browser is signed in."
        head={
          <>
            <th>Member</th>
            <th className="narrow-hide">Signed in</th>
            <th>Last seen</th>
            <th />
          </>
        }
        row={(s) => (
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
        )}
      />
    </TeamSection>
  );
}
