/**
 * The account a page shows: the local ones, then each joined team's (the
 * desktop app as a member), grouped under the team's name and marked with it.
 */
import type { AccountView, HandlerOutput } from '../api';
import { setParams } from '../store/route';
import { Field } from './ui';

type TeamAccount = HandlerOutput<'membership.accounts'>[number];

export function AccountChoice({ value, local, team, onChange = (v) => setParams({ account: v, pool: undefined }) }: { value: string; local: AccountView[]; team: TeamAccount[]; onChange?: (value: string) => void }) {
  const byTeam = [...new Set(team.map((t) => t.team.name))];
  const own = local.map((a) => (
    <option key={a.id} value={a.id}>
      {a.name}
      {a.archived ? ' (archived)' : ''}
    </option>
  ));
  return (
    <Field label="Account">
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {team.length && local.length ? <optgroup label="Your accounts">{own}</optgroup> : own}
        {byTeam.map((name) => (
          <optgroup key={name} label={`${name} team`}>
            {team
              .filter((t) => t.team.name === name)
              .map((t) => (
                <option key={t.ref} value={t.ref}>
                  {t.name} ({name} team)
                </option>
              ))}
          </optgroup>
        ))}
      </select>
    </Field>
  );
}
