/**
 * "Already used this period?" when adding an account: what the service shows
 * used so far, per pool, recorded once as the account's opening entry so the
 * pace is right from the first day (docs/app.md).
 */
import { Field } from '../../components/ui';

const usedLabel = (pool: string) => (pool === 'credits' ? 'Credits used' : `${pool[0]!.toUpperCase()}${pool.slice(1)} credits used`);

export function OpeningFields({ pools, used, onChange }: { pools: string[]; used: Record<string, string>; onChange: (used: Record<string, string>) => void }) {
  return (
    <fieldset className="opening-fields" style={{ gridColumn: '1 / -1', border: 0, padding: 0, margin: 0, minWidth: 0 }}>
      <legend className="field-label" style={{ fontWeight: 600, padding: 0 }}>
        Already used this period?
      </legend>
      <p className="muted small" style={{ margin: '4px 0 10px' }}>
        If your billing period started before today, enter what the service shows as used so far. It is recorded once, as the opening entry of this period, so the pace is
        right from today. Leave blank if nothing is used yet.
      </p>
      <div className="form-grid">
        {pools.map((pool) => (
          <Field key={pool} label={usedLabel(pool)}>
            <input inputMode="decimal" placeholder="0" value={used[pool] ?? ''} onChange={(e) => onChange({ ...used, [pool]: e.target.value })} />
          </Field>
        ))}
      </div>
    </fieldset>
  );
}

/** The pools given a figure other than blank or zero, for accounts.add's `used`; undefined when none. */
export function openingInput(used: Record<string, string>): Record<string, string> | undefined {
  const given = Object.entries(used)
    .map(([pool, v]) => [pool, v.trim()] as const)
    .filter(([, v]) => v !== '' && !/^0*\.?0*$/.test(v));
  return given.length ? Object.fromEntries(given) : undefined;
}
