/**
 * The Team page (owners and admins, on a team host): members and roles with
 * their caps, devices and tokens, invites, browser sessions, and the audit
 * log, and the offline allowance members' apps are leased. Each section is
 * a file of this folder.
 */
import { useMe } from '../../store/session';
import { Audit } from './Audit';
import { Devices } from './Devices';
import { Invites } from './Invites';
import { Members } from './Members';
import { OfflineAllowance } from './OfflineAllowance';
import { Sessions } from './Sessions';

export function Team() {
  const me = useMe();
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Team</h1>
          <p>Who is on the team, what each may do, what their apps may record offline, the devices and browsers signed in, and everything that changed.</p>
        </div>
      </div>
      {me ? (
        <>
          <Members me={me} />
          <Invites me={me} />
          <OfflineAllowance />
          <Devices />
          <Sessions />
          <Audit />
        </>
      ) : null}
    </div>
  );
}
