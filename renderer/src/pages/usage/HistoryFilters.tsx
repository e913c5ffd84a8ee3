/** The history's filters: pool, range, member, action, one attribute, and a search of the rows shown. */
import type { ActionView, Member, PoolBalance } from '../../api';
import { Field } from '../../components/ui';

export interface Filters {
  pool: string;
  range: '' | '7d' | '30d' | 'period';
  member: string;
  action: string;
  /** "name=value" as typed. */
  attr: string;
  search: string;
}

export const NO_FILTERS: Filters = { pool: '', range: '', member: '', action: '', attr: '', search: '' };

export function HistoryFilters({ value, onChange, pools, members, actions }: { value: Filters; onChange: (f: Filters) => void; pools: PoolBalance[]; members: Member[]; actions: ActionView[] }) {
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => onChange({ ...value, [k]: v });
  return (
    <div className="history-filters" role="group" aria-label="Filter the history">
      <Pick label="Pool" value={value.pool} all="All pools" options={pools.map((p) => [p.pool, p.label])} onChange={(v) => set('pool', v)} />
      <Pick
        label="When"
        value={value.range}
        all="Any time"
        options={[
          ['period', 'This period'],
          ['7d', 'Last 7 days'],
          ['30d', 'Last 30 days'],
        ]}
        onChange={(v) => set('range', v as Filters['range'])}
      />
      {members.length ? <Pick label="Member" value={value.member} all="Everyone" options={members.map((m) => [m.id, m.name])} onChange={(v) => set('member', v)} /> : null}
      <Pick label="Action" value={value.action} all="All actions" options={actions.map((a) => [a.id, a.label])} onChange={(v) => set('action', v)} />
      <Field label="Attribute" hint="name=value, e.g. project=launch">
        <input value={value.attr} placeholder="project=launch" onChange={(e) => set('attr', e.target.value)} />
      </Field>
      <Field label="Search">
        <input type="search" value={value.search} placeholder="Search the rows shown" onChange={(e) => set('search', e.target.value)} />
      </Field>
    </div>
  );
}

/** A labelled select whose first choice is "all" (the empty value); options are [value, name]. */
function Pick({ label, value, all, options, onChange }: { label: string; value: string; all: string; options: [string, string][]; onChange: (v: string) => void }) {
  return (
    <Field label={label}>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{all}</option>
        {options.map(([v, name]) => (
          <option key={v} value={v}>
            {name}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** The attribute filter as the API takes it, or null while it is not "name=value". */
export function attrOf(text: string): { name: string; value: string } | null {
  const m = /^\s*([^=\s]+)\s*=\s*(.+?)\s*$/.exec(text);
  return m ? { name: m[1]!, value: m[2]! } : null;
}
