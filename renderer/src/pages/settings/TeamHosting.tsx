/**
 * Settings → Team, in the desktop app: make this ledger the team's (the owner's
 * first device token is shown once, for the command line or another device),
 * then host it for the team while the app runs — the same HTTPS team host as
 * `creditdeck serve --team`. Members join with invite links from the Team page,
 * which carry the address and the certificate fingerprint shown here.
 */
import { useState, type FormEvent } from 'react';
import type { HandlerOutput } from '../../api';
import { ErrorNotice, Field, Segmented } from '../../components/ui';
import { ago } from '../../lib/format';
import { useApi } from '../../store/query';
import { hrefOf } from '../../store/route';
import { loadSession, useMe } from '../../store/session';
import { TeamSection } from '../team/TeamSection';
import { useWrite } from '../team/useWrite';
import { CopyField } from '../../components/CopyField';

type Status = HandlerOutput<'hosting.status'>;

export function TeamHosting() {
  const me = useMe();
  return me ? <HostSection /> : <MakeTeam />;
}

/** A ledger of one person becomes the team's, its owner this person. */
function MakeTeam() {
  const write = useWrite();
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [ownerName, setOwnerName] = useState('');
  const [token, setToken] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await write.run('team.init', { name: name.trim(), owner: owner.trim(), ...(ownerName.trim() ? { ownerName: ownerName.trim() } : {}), device: 'desktop app' });
    if (r) setToken(r.token.token);
  };
  if (token) {
    return (
      <TeamSection id="team-host" title="Team" help="This ledger is now your team's, and you are its owner." writeError={null}>
        <div className="notice ok" role="status">
          <strong>Your device token — shown only now</strong>
          <span>It signs in your command line or another computer as you. This app needs none: on this computer it is the owner.</span>
          <CopyField label="Owner's device token" value={token} />
        </div>
        <div className="form-actions">
          <button className="btn primary" onClick={() => (setToken(null), void loadSession())}>
            Continue: host the team
          </button>
        </div>
      </TeamSection>
    );
  }
  return (
    <TeamSection id="team-host" title="Team" help="Share this ledger with a small team: one pool, each person signs in with their own role." writeError={write.error}>
      <form aria-label="Make a team" onSubmit={(e) => void submit(e)}>
        <div className="form-grid">
          <Field label="Team name">
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="Studio" required />
          </Field>
          <Field label="Your member id" hint="Short, no spaces: how the ledger names you, e.g. olga">
            <input value={owner} onChange={(e) => setOwner(e.target.value)} maxLength={128} placeholder="olga" required spellCheck={false} />
          </Field>
          <Field label="Your name" hint="As the team sees it">
            <input value={ownerName} onChange={(e) => setOwnerName(e.target.value)} maxLength={200} placeholder="Olga" />
          </Field>
        </div>
        <div className="form-actions">
          <button className="btn primary" type="submit" disabled={write.busy || !name.trim() || !owner.trim()}>
            Make this a team ledger
          </button>
        </div>
        <p className="muted small">Every account here becomes the team’s. Nothing leaves this computer until you host the team below.</p>
      </form>
    </TeamSection>
  );
}

/** Hosting: who can reach it, the address members type, the port; start and stop; the URL and fingerprint to check. */
function HostSection() {
  const status = useApi('hosting.status', {});
  const s = status.data;
  return (
    <TeamSection id="team-host" title="Host for the team" help="While Creditdeck runs, your team signs in to this computer over HTTPS and shares its pool." writeError={status.error && !s ? status.error : null}>
      {s ? <HostForm key={`${s.settings.bind}:${s.settings.port}:${s.settings.address ?? ''}:${String(s.settings.autoStart)}`} s={s} /> : <p className="faint">Checking…</p>}
    </TeamSection>
  );
}

function HostForm({ s }: { s: Status }) {
  const write = useWrite();
  const [bind, setBind] = useState(s.settings.bind);
  const [address, setAddress] = useState(s.settings.address ?? s.addresses[0] ?? '');
  const [port, setPort] = useState(String(s.settings.port));
  const [autoStart, setAutoStart] = useState(s.settings.autoStart);
  const portNumber = /^\d{4,5}$/.test(port) ? Number(port) : NaN;
  const start = async (e: FormEvent) => {
    e.preventDefault();
    await write.run('hosting.start', { bind, port: portNumber, address: bind === 'network' && address ? address : null, autoStart });
  };
  return (
    <>
      <div className="row" style={{ gap: 10, marginBottom: 12 }} data-testid="hosting-status">
        {s.running ? (
          <>
            <span className="badge ok">Hosting</span>
            <span>
              since {ago(s.since ?? Date.now())} · {s.settings.bind === 'network' ? 'reachable from this network' : 'this computer only'}
            </span>
          </>
        ) : (
          <>
            <span className="badge">Not hosting</span>
            <span className="muted">{s.error ? 'The last start failed (below).' : 'Only this app can use the ledger.'}</span>
          </>
        )}
      </div>
      {write.error ? (
        <ErrorNotice error={write.error} />
      ) : s.error && !s.running ? (
        <div className="notice error" role="alert">
          <span>{s.error}</span>
        </div>
      ) : null}
      {s.running && s.url ? (
        <div className="hosting-facts">
          <CopyField label="Address for the team" value={s.url} />
          {s.fingerprint ? <CopyField label="Certificate fingerprint (SHA-256)" value={s.fingerprint} /> : null}
          <p className="muted small">
            Invite people from the <a href={hrefOf('team')}>Team page</a>: each link carries this address and the fingerprint, which their app checks on every connection.
          </p>
        </div>
      ) : null}
      <form aria-label="Hosting" onSubmit={(e) => void start(e)}>
        <div className="hosting-reach">
          <Segmented
            label="Who can reach it"
            value={bind}
            onChange={setBind}
            options={[
              { value: 'network', label: 'This network' },
              { value: 'this-computer', label: 'This computer only' },
            ]}
          />
          <span className="muted small">{bind === 'network' ? 'Computers on this network can sign in; nobody can without an invite or a token.' : 'Only browsers on this computer: for trying it out.'}</span>
        </div>
        <div className="form-grid">
          {bind === 'network' ? (
            <Field label="Address members use" hint="The invite links carry it">
              <select value={address} onChange={(e) => setAddress(e.target.value)} disabled={s.addresses.length === 0}>
                {s.addresses.length === 0 ? <option value="">No network found</option> : null}
                {s.addresses.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          <Field label="Port" hint="1024–65535">
            <input value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" maxLength={5} required />
          </Field>
        </div>
        <label className="row small" style={{ marginTop: 10 }}>
          <input type="checkbox" checked={autoStart} onChange={(e) => setAutoStart(e.target.checked)} /> Host whenever Creditdeck opens
        </label>
        <div className="form-actions">
          <button className="btn primary" type="submit" disabled={write.busy || !Number.isInteger(portNumber)}>
            {s.running ? 'Restart with these settings' : 'Start hosting'}
          </button>
          {s.running ? (
            <button className="btn" type="button" disabled={write.busy} onClick={() => void write.run('hosting.stop', {})}>
              Stop hosting
            </button>
          ) : null}
        </div>
      </form>
    </>
  );
}
