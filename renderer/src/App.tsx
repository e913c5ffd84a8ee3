import { useEffect } from 'react';
import { Icon } from './components/icons';
import { Brand } from './pages/Brand';
import { Calculator } from './pages/Calculator';
import { Dashboard } from './pages/Dashboard';
import { Plans } from './pages/Plans';
import { Purchases } from './pages/Purchases';
import { Settings } from './pages/Settings';
import { Team } from './pages/team/Team';
import { ReadOnly } from './pages/ReadOnly';
import { TeamBadge } from './pages/TeamBadge';
import { allows, signOut, useSession } from './store/session';
import { Usage } from './pages/Usage';
import { refreshAll, useQueryStore } from './store/query';
import { PAGES, hrefOf, useRoute, type Page } from './store/route';
import { dateTime } from './lib/format';
import { useShortcuts } from './shortcuts';
import { SyncIndicator } from './components/SyncIndicator';
import { useMembershipPolling } from './store/membership';

/** Other writers (the CLI, another window) share the ledger: look again now and then, and on return to the window. */
function useBackgroundRefresh(): void {
  useEffect(() => {
    const onFocus = () => refreshAll();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') refreshAll();
    }, 30_000);
    window.addEventListener('focus', onFocus);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', onFocus);
    };
  }, []);
}

/** The least role that sees a page on a team host (purchases are the owner's money; settings and the team are the admins'). */
const LEAST = { purchases: 'owner', settings: 'admin', team: 'admin' } as const;

export function App() {
  const page = useRoute((r) => r.page);
  const mode = useSession((s) => s.mode);
  const session = useSession((s) => s.session);
  const team = mode === 'team';
  const signedIn = team && !session?.local;
  const visible = (p: Page) => {
    const s = { mode, session, error: null };
    return p === 'team' ? team && allows(s, 'admin') : p in LEAST ? allows(s, LEAST[p as keyof typeof LEAST]) : true;
  };
  const refreshedAt = useQueryStore((s) => s.refreshedAt);
  useBackgroundRefresh();
  useMembershipPolling();
  useShortcuts(PAGES.map((p) => p.id).filter(visible));
  useEffect(() => {
    const label = PAGES.find((p) => p.id === page)?.label ?? '';
    document.title = `${label} · Creditdeck`;
    document.querySelector('.main')?.scrollTo(0, 0);
  }, [page]);
  return (
    <div className="app">
      <nav className="nav" aria-label="Main">
        <Brand />
        {PAGES.filter((p) => visible(p.id)).map((p, i) => (
          <a key={p.id} href={hrefOf(p.id)} aria-current={p.id === page ? 'page' : undefined} {...(i < 6 ? { 'aria-keyshortcuts': `Control+${i + 1} Meta+${i + 1}`, title: `Ctrl/Cmd+${i + 1}` } : {})}>
            <Icon name={p.id} /> {p.label}
          </a>
        ))}
        {signedIn ? (
          // The navigation's foot (who is signed in) is hidden on a phone: signing out stays in reach.
          <button className="btn ghost small nav-phone-only" onClick={() => void signOut()}>
            Sign out
          </button>
        ) : null}
        <SyncIndicator />
        <div className="nav-foot">
          {team ? <TeamBadge /> : null}
          <span>{team ? 'Team ledger' : 'Local ledger'} · read {dateTime(refreshedAt)}</span>
          <button className="btn small" onClick={refreshAll} title="Read the ledger again">
            <Icon name="refresh" size={14} /> Refresh
          </button>
        </div>
      </nav>
      <main className="main">
        {!visible(page) ? (
          <ReadOnly page={page} />
        ) : page === 'dashboard' ? (
          <Dashboard />
        ) : page === 'usage' ? (
          <Usage />
        ) : page === 'purchases' ? (
          <Purchases />
        ) : page === 'plans' ? (
          <Plans />
        ) : page === 'calculator' ? (
          <Calculator />
        ) : page === 'team' ? (
          <Team />
        ) : (
          <Settings />
        )}
      </main>
    </div>
  );
}
