/**
 * The invite link's page: https://HOST:PORT/join#invite=cdi_…&fp=AB:CD:…
 * The code and the certificate's fingerprint ride in the fragment, which the
 * browser never sends to the host. Joining is `POST /api/team.signin
 * {invite, device}`: the host keeps the new device token and gives this
 * browser a session; then the dashboard.
 */
import { useState, type FormEvent } from 'react';
import { Field } from '../components/ui';
import { signIn, useSession } from '../store/session';
import { Brand } from './Brand';

function fragment(): { invite: string; fp: string } {
  const p = new URLSearchParams(location.hash.replace(/^#/, ''));
  return { invite: p.get('invite') ?? '', fp: p.get('fp') ?? '' };
}

export function Join() {
  const error = useSession((s) => s.error);
  const [{ invite, fp }] = useState(fragment);
  const [device, setDevice] = useState('browser');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const ok = await signIn({ invite, device: device.trim() });
    setBusy(false);
    // The code is used up: leave the join link (and the code) behind, for the dashboard.
    if (ok) location.replace('/#/');
  };
  return (
    <div className="gate">
      <form className="card stack gate-card" onSubmit={(e) => void submit(e)} aria-label="Join the team">
        <Brand />
        <div>
          <h1>Join the team</h1>
          <p className="faint">You were invited to a team's Creditdeck on {location.host}. Name this device and join: the invite works once.</p>
        </div>
        {invite === '' ? (
          <div className="notice warn" role="alert">
            <strong>This link has no invite</strong>
            <span>Open the whole link you were sent (it ends with #invite=…).</span>
          </div>
        ) : null}
        {fp ? (
          <div className="notice info">
            <strong>Certificate fingerprint</strong>
            <span className="mono small fp">
              {fp.split(':').map((pair, i, all) => (
                <span key={i}>
                  {pair}
                  {i < all.length - 1 ? ':' : ''}
                  <wbr />
                </span>
              ))}
            </span>
            <span className="small">If your browser warned about the certificate, the fingerprint it showed must be this one.</span>
          </div>
        ) : null}
        {error ? (
          <div className="notice danger" role="alert">
            <span>{error}</span>
          </div>
        ) : null}
        <Field label="Device name" hint="How this browser shows in the team's device list.">
          <input value={device} onChange={(e) => setDevice(e.target.value)} maxLength={64} />
        </Field>
        <button className="btn primary" type="submit" disabled={busy || invite === '' || device.trim() === ''}>
          Join
        </button>
      </form>
    </div>
  );
}
