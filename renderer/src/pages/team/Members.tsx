/** Members and their roles; an owner or admin changes a role and sets a member's cap on a pool (ACCOUNT/POOL). */
import { useState, type FormEvent } from 'react';
import type { HandlerOutput } from '../../api';
import { ErrorNotice, Field } from '../../components/ui';
import { credits } from '../../lib/format';
import { useApi } from '../../store/query';
import type { Role, TeamSession } from '../../store/session';
import { TeamSection, TeamTable } from './TeamSection';
import { useWrite } from './useWrite';

type MemberRow = HandlerOutput<'team.members.list'>[number];
const ROLES: Role[] = ['owner', 'admin', 'member', 'viewer'];

/** Admins manage members and viewers, owners everyone (docs/team.md, Roles). */
export const manages = (me: TeamSession, role: Role) => me.role === 'owner' || (me.role === 'admin' && (role === 'member' || role === 'viewer'));
export const grantable = (me: TeamSession): Role[] => (me.role === 'owner' ? ROLES : ['member', 'viewer']);

export function Members({ me }: { me: TeamSession }) {
  const members = useApi('team.members.list', {});
  const write = useWrite();
  return (
    <TeamSection id="team-members" title="Members" help="Roles decide what each person may do; a cap stops a member's use of a pool at so many credits a period." writeError={write.error}>
      <TeamTable
        label="Members"
        rows={members.data}
        loadError={members.error}
        skeleton={120}
        head={
          <>
            <th>Name</th>
            <th>Role</th>
            <th>Caps</th>
          </>
        }
        row={(m) => (
        <tr key={m.id} data-member={m.id}>
          <td>
            <strong>{m.name}</strong>
            <div className="faint small mono">{m.id}</div>
          </td>
          <td>
            {manages(me, m.role) && m.id !== me.member ? (
              <select aria-label={`Role of ${m.name}`} style={{ width: 'auto' }} value={m.role} disabled={write.busy} onChange={(e) => void write.run('team.members.set', { member: m.id, role: e.target.value as Role })}>
                {grantable(me).concat(grantable(me).includes(m.role) ? [] : [m.role]).map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            ) : (
              <span className="badge">{m.role}</span>
            )}
          </td>
          <td>
            <Caps member={m} editable={manages(me, m.role)} />
          </td>
        </tr>
        )}
      />
    </TeamSection>
  );
}

function Caps({ member, editable }: { member: MemberRow; editable: boolean }) {
  const accounts = useApi('accounts.list', {});
  const write = useWrite();
  const [open, setOpen] = useState(false);
  const [pool, setPool] = useState('');
  const [amount, setAmount] = useState('');
  const pools = (accounts.data ?? []).flatMap((a) => Object.keys(a.amounts).map((p) => `${a.id}/${p}`));
  const entries = Object.entries(member.caps);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const key = pool || pools[0];
    if (!key) return;
    const ok = await write.run('team.members.set', { member: member.id, caps: { [key]: amount.trim() === '' ? null : amount.trim() } });
    if (ok) {
      setOpen(false);
      setAmount('');
    }
  };
  return (
    <div className="stack" style={{ gap: 6 }}>
      {entries.length ? (
        <span className="row">
          {entries.map(([k, v]) => (
            <span key={k} className="badge">
              {k}: {credits(v)}
            </span>
          ))}
        </span>
      ) : (
        <span className="faint small">No caps</span>
      )}
      {editable && pools.length ? (
        open ? (
          <form className="row" onSubmit={(e) => void submit(e)} aria-label={`Cap for ${member.name}`}>
            <Field label="Pool">
              <select value={pool || pools[0]} onChange={(e) => setPool(e.target.value)}>
                {pools.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Credits a period" hint="Empty clears the cap.">
              <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} style={{ width: 110 }} />
            </Field>
            <button className="btn small primary" type="submit" disabled={write.busy}>
              Save
            </button>
            <button className="btn small ghost" type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            {write.error ? <ErrorNotice error={write.error} /> : null}
          </form>
        ) : (
          <div>
            <button className="btn small ghost" onClick={() => setOpen(true)}>
              Set a cap…
            </button>
          </div>
        )
      ) : null}
    </div>
  );
}
