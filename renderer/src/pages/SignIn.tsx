/** The team host's sign-in screen: paste a device token (cdk_…), or open an invite link. */
import { useState, type FormEvent } from 'react';
import { Field } from '../components/ui';
import { signIn, useSession } from '../store/session';
import { Brand } from './Brand';

export function SignIn() {
  const error = useSession((s) => s.error);
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    await signIn({ token: token.trim() });
    setBusy(false);
  };
  return (
    <div className="gate">
      <form className="card stack gate-card" onSubmit={(e) => void submit(e)} aria-label="Sign in">
        <Brand />
        <div>
          <h1>Sign in to your team</h1>
          <p className="faint">This Creditdeck is a team's. Paste the device token you were given, or open the invite link someone sent you.</p>
        </div>
        {error ? (
          <div className="notice danger" role="alert">
            <span>{error}</span>
          </div>
        ) : null}
        <Field label="Device token" hint="Starts with cdk_. It stays on this host: the browser keeps only a session.">
          <input type="password" autoComplete="off" spellCheck={false} value={token} onChange={(e) => setToken(e.target.value)} placeholder="cdk_…" />
        </Field>
        <button className="btn primary" type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
    </div>
  );
}
