/** Invites: make one for a role (the link to copy is shown once), see which are open, withdraw one. */
import { useState, type FormEvent } from 'react';
import { CopyField } from '../../components/CopyField';
import { Field } from '../../components/ui';
import { hrefOf } from '../../store/route';
import { ago, instant } from '../../lib/format';
import { useApi } from '../../store/query';
import type { Role, TeamSession } from '../../store/session';
import { grantable } from './Members';
import { useMemberNames } from './names';
import { TeamSection, TeamTable } from './TeamSection';
import { useWrite } from './useWrite';

export function Invites({ me }: { me: TeamSession }) {
  const invites = useApi('team.invites.list', {});
  const nameOf = useMemberNames();
  const write = useWrite();
  const [role, setRole] = useState<Role>('member');
  const [name, setName] = useState('');
  const [made, setMade] = useState<{ link: string | null; invite: string } | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await write.run('team.invite', { role, ...(name.trim() ? { name: name.trim() } : {}) });
    if (r) {
      setMade({ link: (r as { link?: string | null }).link ?? null, invite: r.invite });
      setName('');
    }
  };
  return (
    <TeamSection id="team-invites" title="Invites" help="An invite link lets one person join once, with the role it names, within 7 days." writeError={write.error}>
      <form className="row" style={{ alignItems: 'flex-end' }} onSubmit={(e) => void create(e)} aria-label="New invite">
        <Field label="Name">
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} placeholder="Who it is for (optional)" />
        </Field>
        <Field label="Role">
          <select value={role} style={{ width: 'auto' }} onChange={(e) => setRole(e.target.value as Role)}>
            {grantable(me).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <button className="btn primary" type="submit" disabled={write.busy}>
          Create invite
        </button>
      </form>
      {made ? (
        <div className="notice ok" role="status" style={{ marginTop: 12 }}>
          <strong>Send this {made.link ? 'link' : 'code'} to the person joining — it is shown only now</strong>
          <CopyField label={made.link ? 'Invite link' : 'Invite code'} value={made.link ?? made.invite} />
          {made.link ? null : (
            <span className="small">
              There is no link while the team is not hosted: start hosting in <a href={hrefOf('settings')}>Settings</a> for links that carry the address and fingerprint.
            </span>
          )}
        </div>
      ) : null}
      <TeamTable
        label="Invites"
        rows={invites.data}
        loadError={invites.error}
        skeleton={80}
        empty="No invites yet."
        spaced
        head={
          <>
            <th>For</th>
            <th>Role</th>
            <th className="narrow-hide">Made</th>
            <th>Status</th>
            <th />
          </>
        }
        row={(i) => (
        <tr key={i.id}>
          <td>{i.name ?? i.member}</td>
          <td>
            <span className="badge">{i.role}</span>
          </td>
          <td className="small narrow-hide">
            {ago(i.createdAt)} by {nameOf(i.createdBy)}
          </td>
          <td className="small">
            <span className={`badge ${i.status === 'open' ? 'ok' : ''}`} title={i.status === 'open' ? `Open until ${instant(i.expiresAt, 'UTC')}` : undefined}>
              {i.status}
            </span>
          </td>
          <td>
            {i.status === 'open' ? (
              <button className="btn small ghost" disabled={write.busy} onClick={() => void write.run('team.invites.revoke', { id: i.id })}>
                Withdraw
              </button>
            ) : null}
          </td>
        </tr>
        )}
      />
    </TeamSection>
  );
}
