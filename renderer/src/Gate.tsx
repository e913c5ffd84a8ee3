/**
 * What the app shows first: the join page for an invite link (/join#invite=…),
 * the sign-in screen when a team host has no session for this browser, and
 * otherwise the app itself. Off a team host (the local web host, the desktop
 * window) it goes straight to the app.
 */
import { useEffect } from 'react';
import { App } from './App';
import { Skeleton } from './components/ui';
import { Join } from './pages/Join';
import { SignIn } from './pages/SignIn';
import { loadSession, useSession } from './store/session';

const onJoinPage = () => typeof location !== 'undefined' && location.pathname === '/join';

export function Gate() {
  const mode = useSession((s) => s.mode);
  useEffect(() => {
    void loadSession();
  }, []);
  if (onJoinPage()) return <Join />;
  if (mode === 'loading') {
    return (
      <div className="gate">
        <Skeleton height={220} />
      </div>
    );
  }
  if (mode === 'signed-out') return <SignIn />;
  return <App />;
}
