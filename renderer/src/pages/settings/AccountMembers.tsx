/**
 * The people sharing an account: added with an optional monthly limit for all
 * pools together; each can be renamed, given a cap per pool per billing
 * period, or removed (their history keeps their name; adding the same id
 * again restores them).
 */
import { useState } from 'react';
import type { AccountDetail, ApiError, Member } from '../../api';
import { ErrorNotice, Field } from '../../components/ui';
import { credits } from '../../lib/format';
import { mutate } from '../../store/query';
import { blankToNull, Section, useWrite } from './form';
import './corrections.css';


export function AccountMembers({ a }: { a: AccountDetail }) {
  const [member, setMember] = useState('');
  const [name, setName] = useState('');
  const [limit, setLimit] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const write = useWrite('members.add');
  const pools = Object.keys(a.amounts);
  return (
    <Section title="Members" subtitle="People sharing this account's credits: a monthly limit for all pools together, and a cap per pool if you like.">
      {a.members.length === 0 ? (
        <p className="faint small">No members yet. Add one to attribute usage to people and limit each.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Members">
            <thead>
              <tr>
                <th>Member</th>
                <th>Name</th>
                <th className="num">Monthly limit</th>
                <th>Caps per pool</th>
                <th>
                  <span className="sr-only">Change</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {a.members.map((m) => (
                <tr key={m.id} data-member={m.id} className={editing === m.id ? 'editing' : undefined}>
                  <td className="mono">{m.id}</td>
                  <td>{m.name}</td>
                  <td className="num">{m.monthlyLimit === null ? <span className="faint">none</span> : credits(m.monthlyLimit)}</td>
                  <td>
                    {Object.keys(m.caps).length ? (
                      <span className="caps-list">
                        {Object.entries(m.caps).map(([pool, cap]) => (
                          <span key={pool}>
                            {a.poolLabels[pool] ?? pool}: {credits(cap)}
                          </span>
                          ))}
                        </span>
                      ) : (
                        <span className="faint">none</span>
                      )}
                    </td>
                    <td style={{ textAlign: 'right' }}>
                      <button className="btn small" type="button" onClick={() => setEditing(m.id)} aria-label={`Change ${m.name}`} aria-expanded={editing === m.id}>
                        Change
                      </button>
                    </td>
                  </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {/* Below the table, not in a row: on a phone the table scrolls sideways, the editor must not. */}
      {a.members
        .filter((m) => m.id === editing)
        .map((m) => (
          <MemberEditor key={m.id} account={a.id} member={m} pools={pools} labels={a.poolLabels} onDone={() => setEditing(null)} />
        ))}
      <form
        className="inline-form"
        style={{ marginTop: 12 }}
        aria-label="Add a member"
        onSubmit={async (e) => {
          e.preventDefault();
          const env = await write.run({ account: a.id, member: member.trim(), ...(name.trim() ? { name: name.trim() } : {}), monthlyLimit: blankToNull(limit) }, (m) => `Saved ${m.name}.`);
          if (env.ok) {
            setMember('');
            setName('');
            setLimit('');
          }
        }}
      >
        <Field label="Member id">
          <input value={member} placeholder="e.g. ana" onChange={(e) => setMember(e.target.value)} required />
        </Field>
        <Field label="Name">
          <input value={name} placeholder="Ana" onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Monthly limit">
          <input inputMode="decimal" placeholder="none" value={limit} onChange={(e) => setLimit(e.target.value)} />
        </Field>
        <button className="btn" type="submit" disabled={write.busy}>
          Add member
        </button>
      </form>
      <div style={{ marginTop: 10 }}>{write.status()}</div>
    </Section>
  );
}

/** Rename, caps per pool and removal of one member; saves only what changed. */
function MemberEditor({ account, member: m, pools, labels, onDone }: { account: string; member: Member; pools: string[]; labels: Record<string, string>; onDone: () => void }) {
  const [name, setName] = useState(m.name);
  const [caps, setCaps] = useState<Record<string, string>>(() => Object.fromEntries(pools.map((p) => [p, m.caps[p] === undefined ? '' : String(m.caps[p])])));
  const [removing, setRemoving] = useState(false);
  const save = useWrite('members.rename');
  const remove = useWrite('members.remove');
  const [capError, setCapError] = useState<ApiError | null>(null);
  const submit = async () => {
    setCapError(null);
    if (name.trim() !== m.name) {
      const env = await save.run({ account, member: m.id, name: name.trim() }, (r) => `Saved ${r.name}.`);
      if (!env.ok) return;
    }
    for (const pool of pools) {
      const before = m.caps[pool] === undefined ? '' : String(m.caps[pool]);
      if (caps[pool]!.trim() === before) continue;
      const env = await mutate('members.cap', { account, member: m.id, pool, cap: blankToNull(caps[pool]!) });
      if (!env.ok) return setCapError(env.error);
    }
    onDone();
  };
  return (
    <form
      className="member-editor"
      aria-label={`Change ${m.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="member-edit">
        <Field label={`Name of ${m.id}`}>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required />
        </Field>
        {pools.map((pool) => (
          <Field key={pool} label={`Cap on ${(labels[pool] ?? pool).toLowerCase()}`} hint="Per billing period; blank for none">
            <input inputMode="decimal" placeholder="none" value={caps[pool]} onChange={(e) => setCaps({ ...caps, [pool]: e.target.value })} />
          </Field>
        ))}
      </div>
      <div className="row" style={{ flexWrap: 'wrap' }}>
        <button className="btn primary small" type="submit" disabled={save.busy}>
          Save
        </button>
        <button className="btn ghost small" type="button" onClick={onDone}>
          Cancel
        </button>
        {removing ? (
          <span className="row" role="group" aria-label={`Confirm removing ${m.name}`}>
            <span className="small">Remove {m.name}? Their history keeps their name.</span>
            <button className="btn danger small" type="button" disabled={remove.busy} onClick={() => void remove.run({ account, member: m.id }, (r) => `Removed ${r.name}.`).then((env) => env.ok && onDone())}>
              Remove
            </button>
            <button className="btn ghost small" type="button" onClick={() => setRemoving(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button className="btn small" type="button" onClick={() => setRemoving(true)} style={{ marginLeft: 'auto' }}>
            Remove member…
          </button>
        )}
      </div>
      {capError ? <ErrorNotice error={capError} /> : null}
      {save.status()}
      {remove.status()}
    </form>
  );
}
