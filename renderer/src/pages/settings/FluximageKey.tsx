/**
 * Settings → Fluximage's meter, in the desktop app (docs/vendors.md): whether
 * the usage API key is set and where from, and a field to save one. The key
 * goes to the main process (reconcile.setKey), which keeps it encrypted with
 * the system's keychain and never sends it back; only its status comes here.
 */
import { useState, type FormEvent } from 'react';
import { Field } from '../../components/ui';
import { useApi } from '../../store/query';
import { TeamSection } from '../team/TeamSection';
import { useWrite } from '../team/useWrite';

export function FluximageKey() {
  const status = useApi('reconcile.keyStatus', {});
  const write = useWrite();
  const [key, setKey] = useState('');
  const [saved, setSaved] = useState(false);
  const s = status.data;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = await write.run('reconcile.setKey', { key });
    // Never keep a saved key on screen; a rejected one stays so it can be corrected.
    if (r) {
      setKey('');
      setSaved(true);
    }
  };
  return (
    <div style={{ marginTop: 18 }}>
      <TeamSection id="fluximage-meter" title="Fluximage's meter" help="With your Fluximage API key (Agency plan), the app reads Fluximage's own usage every hour and shows where it differs from the ledger." writeError={write.error}>
        <div className="row" style={{ gap: 10, marginBottom: 12 }} data-testid="fluximage-key-status">
          {!s ? (
            <span className="faint">Checking…</span>
          ) : s.configured ? (
            <>
              <span className="badge ok">Set up</span>
              <span>{s.source === 'env' ? 'From FLUXIMAGE_API_KEY in the app’s environment.' : 'Saved encrypted on this computer.'}</span>
            </>
          ) : (
            <>
              <span className="badge">Not set up</span>
              <span className="muted">{s.missing}</span>
            </>
          )}
        </div>
        <form aria-label="Fluximage API key" onSubmit={(e) => void save(e)} autoComplete="off">
          <div className="form-grid">
            <Field label="API key" hint="flx_live_… from Fluximage’s dashboard; only fluximage.app is ever sent it">
              <input type="password" autoComplete="off" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} placeholder={s?.configured ? 'saved (type to replace)' : 'flx_live_…'} required />
            </Field>
          </div>
          <div className="form-actions">
            <button className="btn primary" type="submit" disabled={write.busy || key.trim() === ''}>
              {write.busy ? 'Saving…' : 'Save key'}
            </button>
          </div>
          {saved ? <p className="small">Saved. The first reading follows shortly; the key is not shown again.</p> : null}
        </form>
      </TeamSection>
    </div>
  );
}
