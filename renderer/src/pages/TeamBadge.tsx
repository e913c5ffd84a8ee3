/** Who is signed in on a team host, their role, and signing out (in the navigation's foot); the desktop app on the host is its owner, with nothing to sign out of. */
import { signOut, useMe } from '../store/session';

export function TeamBadge() {
  const me = useMe();
  if (!me) return null;
  return (
    <div className="team-badge" data-testid="signed-in">
      <span>
        <strong>{me.name}</strong> <span className="badge">{me.role}</span>
      </span>
      {me.local ? (
        <span className="small muted" title="The app on the team's host computer acts as its owner">this computer</span>
      ) : (
        <button className="btn ghost small" onClick={() => void signOut()}>
          Sign out
        </button>
      )}
    </div>
  );
}
