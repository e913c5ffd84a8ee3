import { useMemo, useState } from 'react';
import type { HandlerInput } from '../api';
import { Field, Skeleton } from '../components/ui';
import { credits, percentToFraction } from '../lib/format';
import { useApi } from '../store/query';
import { CalcError, CalcView } from './calculator/CalcView';
import { NeedSizer } from './calculator/NeedSizer';
import { WhatIf } from './PlanFit';

export function Calculator() {
  const accounts = useApi('accounts.list', {});
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Calculator</h1>
          <p>Size a plan from what you make or use each month — every provider, packs included where they are sold — with the arithmetic shown.</p>
        </div>
      </div>
      {/* One card a row: each answer's table (plans, $ per asset, packs, a month's total) needs the width. */}
      <div className="grid" style={{ gridTemplateColumns: 'minmax(0, 1fr)', alignItems: 'start' }}>
        <FluxNoteSizer />
        <LuxEstimate />
        <NeedSizer />
      </div>
      {accounts.data?.length ? (
        <div style={{ marginTop: 18 }}>
          <WhatIf accounts={accounts.data} />
        </div>
      ) : null}
    </div>
  );
}

const clean = (s: string) => s.trim();

function FluxNoteSizer() {
  const [videos, setVideos] = useState('');
  const [variations, setVariations] = useState('4');
  const [images, setImages] = useState('');
  const [members, setMembers] = useState('1');
  const [buffer, setBuffer] = useState('20');
  const fraction = percentToFraction(buffer);
  const input = useMemo((): HandlerInput<'calc'> | null => {
    if (!clean(videos) && !clean(images)) return null;
    return {
      preset: 'fluxnote',
      ...(clean(videos) ? { videos: clean(videos), variations: clean(variations) || '1' } : {}),
      ...(clean(images) ? { images: clean(images) } : {}),
      members: clean(members) || '1',
      buffer: fraction ?? buffer,
    };
  }, [videos, variations, images, members, buffer, fraction]);
  const result = useApi('calc', input);
  const provider = useApi('presets.show', { id: 'fluxnote' });
  return (
    <section className="card stack" aria-labelledby="fluxnote-sizer">
      <div>
        <h2 id="fluxnote-sizer">FluxNote plan sizing</h2>
        <p className="muted small" style={{ marginTop: 4 }}>
          The guide's walk-through: finished videos × generations per video, images, every member's output combined, plus a 20–30 % buffer for growth.
        </p>
      </div>
      <form className="form-grid" onSubmit={(e) => e.preventDefault()} aria-label="FluxNote sizing">
        <Field label="Finished videos a month" hint="Per member">
          <input inputMode="decimal" placeholder="e.g. 5" value={videos} onChange={(e) => setVideos(e.target.value)} />
        </Field>
        <Field label="Generations per video" hint="3–5 variations → plan for 4">
          <input inputMode="decimal" value={variations} onChange={(e) => setVariations(e.target.value)} />
        </Field>
        <Field label="Images a month" hint="Thumbnails, storyboards…">
          <input inputMode="decimal" placeholder="e.g. 300" value={images} onChange={(e) => setImages(e.target.value)} />
        </Field>
        <Field label="Members" hint="Sharing one credit pool">
          <input inputMode="numeric" value={members} onChange={(e) => setMembers(e.target.value)} />
        </Field>
        <Field label="Growth buffer (%)" hint="The guide says 20–30 %">
          <input inputMode="decimal" value={buffer} onChange={(e) => setBuffer(e.target.value)} aria-invalid={fraction === null} />
        </Field>
      </form>
      {input === null ? (
        <p className="empty-inline">Enter the videos or images you make a month to see the plan that fits.</p>
      ) : result.error ? (
        <CalcError error={result.error} />
      ) : result.data && provider.data ? (
        <CalcView result={result.data} provider={provider.data} />
      ) : (
        <Skeleton height={200} />
      )}
    </section>
  );
}

interface ModelRow {
  id: number;
  action: string;
  calls: string;
  tokens: string;
}

function LuxEstimate() {
  const provider = useApi('presets.show', { id: 'lux' });
  const p = provider.data;
  const tokenActions = (p?.actions ?? []).filter((a) => !a.free && a.unit === 'token');
  const otherActions = (p?.actions ?? []).filter((a) => !a.free && a.unit !== 'token');
  const [rows, setRows] = useState<ModelRow[]>([{ id: 1, action: 'ai:claude-sonnet', calls: '', tokens: '' }]);
  const [others, setOthers] = useState<Record<string, string>>({});
  const [buffer, setBuffer] = useState('20');
  const fraction = percentToFraction(buffer);
  const use = useMemo(() => {
    const out: Record<string, string> = {};
    for (const r of rows) if (clean(r.calls) && clean(r.tokens)) out[r.action] = `${clean(r.calls)}x${clean(r.tokens)}`;
    for (const [k, v] of Object.entries(others)) if (clean(v)) out[k] = clean(v);
    return out;
  }, [rows, others]);
  const input: HandlerInput<'calc'> | null = Object.keys(use).length ? { preset: 'lux', use, buffer: fraction ?? buffer } : null;
  const result = useApi('calc', input);
  const update = (id: number, patch: Partial<ModelRow>) => setRows(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const unused = tokenActions.filter((a) => !rows.some((r) => r.action === a.id));
  const rateOf = (id: string) => {
    const a = tokenActions.find((x) => x.id === id);
    return a ? `${credits(Number(a.cost))} credits per ${credits(a.per)} tokens` : undefined;
  };

  return (
    <section className="card stack" aria-labelledby="lux-estimate">
      <div>
        <h2 id="lux-estimate">Lux monthly estimate</h2>
        <p className="muted small" style={{ marginTop: 4 }}>
          (AI calls × tokens × model rate) + emails + SMS × 2 + voice minutes × 5, priced from the Lux rate card.
        </p>
      </div>
      {!p ? (
        <Skeleton height={200} />
      ) : (
        <form className="stack" onSubmit={(e) => e.preventDefault()} aria-label="Lux estimate">
          {rows.map((r) => (
            <div key={r.id} className="inline-form model-row" data-testid="model-row">
              <Field label="AI model" hint={rateOf(r.action)}>
                <select value={r.action} onChange={(e) => update(r.id, { action: e.target.value })}>
                  {tokenActions
                    .filter((a) => a.id === r.action || !rows.some((x) => x.action === a.id))
                    .map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.label}
                      </option>
                    ))}
                </select>
              </Field>
              <Field label="Calls a month">
                <input inputMode="decimal" placeholder="e.g. 200" value={r.calls} onChange={(e) => update(r.id, { calls: e.target.value })} />
              </Field>
              <Field label="Tokens per call">
                <input inputMode="decimal" placeholder="e.g. 1500" value={r.tokens} onChange={(e) => update(r.id, { tokens: e.target.value })} />
              </Field>
              {rows.length > 1 ? (
                <button type="button" className="btn ghost small" onClick={() => setRows(rows.filter((x) => x.id !== r.id))} aria-label="Remove model">
                  ✕
                </button>
              ) : null}
            </div>
          ))}
          {unused.length ? (
            <div>
              <button type="button" className="btn small" onClick={() => setRows([...rows, { id: Math.max(...rows.map((r) => r.id)) + 1, action: unused[0]!.id, calls: '', tokens: '' }])}>
                + Add a model
              </button>
            </div>
          ) : null}
          <div className="form-grid">
            {otherActions.map((a) => (
              <Field key={a.id} label={`${a.label}`} hint={`${a.unit}s a month · ${credits(Number(a.cost))} per ${a.per === 1 ? a.unit : `${credits(a.per)} ${a.unit}s`}`}>
                <input inputMode="decimal" value={others[a.id] ?? ''} onChange={(e) => setOthers({ ...others, [a.id]: e.target.value })} />
              </Field>
            ))}
            <Field label="Buffer (%)" hint="Headroom on top of the estimate; 20 % unless you change it">
              <input inputMode="decimal" value={buffer} onChange={(e) => setBuffer(e.target.value)} aria-invalid={fraction === null} />
            </Field>
          </div>
        </form>
      )}
      {input === null ? (
        <p className="empty-inline">Enter your monthly AI calls, emails, SMS or voice minutes to see the credits you need.</p>
      ) : result.error ? (
        <CalcError error={result.error} />
      ) : result.data && p ? (
        <CalcView result={result.data} provider={p} />
      ) : (
        <Skeleton height={200} />
      )}
    </section>
  );
}
