/**
 * The offline allowance (docs/team.md): what each member's app may record
 * while it cannot reach this host, leased at each sync — a share of each
 * pool's remaining credits split between the members who record (10 % unless
 * set), or a fixed number of credits per member. The core checks the value;
 * its refusal is shown here in words, nothing changed.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { ApiError } from '../../api';
import { Field, Segmented } from '../../components/ui';
import { credits } from '../../lib/format';
import { useApi } from '../../store/query';
import { TeamSection } from './TeamSection';
import { useWrite } from './useWrite';

type Mode = 'share' | 'fixed';

/** The core names the command line's option; the page names the setting. */
const inWords = (e: ApiError | null): ApiError | null => (e ? { ...e, message: e.message.replace(/--allowance/g, 'The offline allowance').replace(/\("10%"\)/g, '(10 %)').replace(/\("5"\)/g, '(5)') } : null);

/** The setting in force, said for this page (the core's description is worded for the command line's one line). */
function nowWords(a: { share: number } | { fixed: number }): string {
  if ('share' in a ? a.share === 0 : a.fixed === 0) return "no offline spending: members' apps refuse to record while this host is out of reach.";
  return 'share' in a
    ? `offline, members' apps may spend ${a.share} % of each pool's remaining credits, split between the members who record.`
    : `offline, each member's app may spend up to ${credits(a.fixed)} credits per pool (never more than the pool has left).`;
}

export function OfflineAllowance() {
  const settings = useApi('team.settings', {});
  const write = useWrite();
  const current = settings.data?.allowance;
  const [mode, setMode] = useState<Mode>('share');
  const [value, setValue] = useState('');
  const [saved, setSaved] = useState(false);
  // The form starts from the setting in force once it is read.
  useEffect(() => {
    if (!current) return;
    setMode('share' in current ? 'share' : 'fixed');
    setValue(String('share' in current ? current.share : current.fixed));
  }, [current]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const r = await write.run('team.settings.set', { allowance: mode === 'share' ? `${value.trim()}%` : value.trim() });
    if (r) setSaved(true);
  };
  return (
    <TeamSection
      id="team-allowance"
      title="Offline allowance"
      help="What each member's app may record while it cannot reach this host, until its next sync. Past it, the app refuses on the member's computer, so a pool is never overdrawn by much."
      writeError={inWords(write.error)}
    >
      <p data-testid="allowance-now">
        {current ? (
          <>
            <strong>Now:</strong> {nowWords(current)}
          </>
        ) : settings.error ? (
          'The setting could not be read.'
        ) : (
          'Reading the setting…'
        )}
      </p>
      <form aria-label="Offline allowance" onSubmit={(e) => void save(e)} className="stack" style={{ gap: 12, marginTop: 12 }}>
        <Segmented<Mode>
          label="How the allowance is set"
          value={mode}
          onChange={(m) => (setMode(m), setSaved(false))}
          options={[
            { value: 'share', label: 'Share of each pool' },
            { value: 'fixed', label: 'Fixed per member' },
          ]}
        />
        <div className="inline-form">
          {mode === 'share' ? (
            <Field label="Share of each pool's remaining credits (%)" hint="Split between the owners, admins and members; 0 for no offline spending">
              <input inputMode="numeric" value={value} onChange={(e) => (setValue(e.target.value), setSaved(false))} required />
            </Field>
          ) : (
            <Field label="Credits per member, per pool" hint="Never more than the pool has left; 0 for no offline spending">
              <input inputMode="decimal" value={value} onChange={(e) => (setValue(e.target.value), setSaved(false))} required />
            </Field>
          )}
          <button className="btn primary" type="submit" disabled={write.busy || value.trim() === ''}>
            Save allowance
          </button>
        </div>
      </form>
      {saved && current ? (
        <div className="notice ok" role="status" style={{ marginTop: 12 }}>
          <span>Saved. Each member's app is given the new allowance at its next sync.</span>
        </div>
      ) : null}
    </TeamSection>
  );
}
