/**
 * Sizing for the providers whose docs give no walk-through of their own
 * (Flux, Fluximage, Flowly): what each pool needs a month, the members
 * sharing it and the growth buffer (20 %, as the command line's) → `calc`,
 * packs included where the provider sells them.
 */
import { useMemo, useState } from 'react';
import type { HandlerInput } from '../../api';
import { Field, Skeleton } from '../../components/ui';
import { percentToFraction } from '../../lib/format';
import { useApi } from '../../store/query';
import { CalcError, CalcView } from './CalcView';

const PRESETS = [
  { id: 'flux', name: 'Flux' },
  { id: 'fluximage', name: 'Fluximage' },
  { id: 'flowly', name: 'Flowly' },
];

export function NeedSizer() {
  const [preset, setPreset] = useState('flux');
  const [needs, setNeeds] = useState<Record<string, Record<string, string>>>({});
  const [members, setMembers] = useState('1');
  const [buffer, setBuffer] = useState('20');
  const provider = useApi('presets.show', { id: preset });
  const fraction = percentToFraction(buffer);
  const mine = needs[preset] ?? {};
  const input = useMemo((): HandlerInput<'calc'> | null => {
    const need = Object.fromEntries(Object.entries(mine).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
    if (Object.keys(need).length === 0) return null;
    return { preset, need, members: members.trim() || '1', buffer: fraction ?? buffer };
  }, [preset, mine, members, buffer, fraction]);
  const result = useApi('calc', input);
  const p = provider.data?.id === preset ? provider.data : undefined;
  return (
    <section className="card stack" aria-labelledby="need-sizer">
      <div>
        <h2 id="need-sizer">Flux, Fluximage and Flowly sizing</h2>
        <p className="muted small" style={{ marginTop: 4 }}>
          What each pool uses in a month, every member combined, plus a growth buffer — then the cheapest plan that covers it, with packs where the provider sells them.
        </p>
      </div>
      <form className="form-grid" onSubmit={(e) => e.preventDefault()} aria-label="Sizing by monthly credits">
        <Field label="Provider">
          <select value={preset} onChange={(e) => setPreset(e.target.value)}>
            {PRESETS.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </Field>
        {(p?.pools ?? []).map((pool) => (
          <Field key={pool.id} label={`${pool.label} a month`} hint="Per member">
            <input inputMode="decimal" placeholder="e.g. 300" value={mine[pool.id] ?? ''} onChange={(e) => setNeeds({ ...needs, [preset]: { ...mine, [pool.id]: e.target.value } })} />
          </Field>
        ))}
        <Field label="Members" hint="Sharing one account">
          <input inputMode="numeric" value={members} onChange={(e) => setMembers(e.target.value)} />
        </Field>
        <Field label="Growth buffer (%)" hint="20 % unless you change it">
          <input inputMode="decimal" value={buffer} onChange={(e) => setBuffer(e.target.value)} aria-invalid={fraction === null} />
        </Field>
      </form>
      {input === null ? (
        <p className="empty-inline">Enter what a pool uses in a month to see the plan — and packs — that cover it.</p>
      ) : result.error ? (
        <CalcError error={result.error} />
      ) : result.data && p && result.data.provider === p.id ? (
        <CalcView result={result.data} provider={p} />
      ) : (
        <Skeleton height={200} />
      )}
    </section>
  );
}
