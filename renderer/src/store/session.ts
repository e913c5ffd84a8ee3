/**
 * Who is signed in, when a team host serves the app (docs/team.md, "Signing
 * in"): `GET /api/team.session` answers {team, member, name, role, csrf}, or
 * 401 when this browser has no live session. The local web host and the
 * desktop window have no such endpoint: the app is then the ledger's owner,
 * as it always was (`mode: 'local'`).
 */
import { create } from 'zustand';
import { isDesktopApp, request, setCsrfToken, setOnUnauthorized } from '../api';

export type Role = 'owner' | 'admin' | 'member' | 'viewer';
const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export interface TeamSession {
  team: string;
  member: string;
  name: string;
  role: Role;
  csrf: string | null;
  /** The desktop app on the host machine: the team's owner, with no session to sign out of. */
  local?: boolean;
}

interface SessionState {
  mode: 'loading' | 'local' | 'team' | 'signed-out';
  session: TeamSession | null;
  /** Why the last sign-in failed, in words. */
  error: string | null;
}

export const useSession = create<SessionState>()(() => ({ mode: 'loading', session: null, error: null }));

function signedOut(error: string | null = null): void {
  setCsrfToken(null);
  useSession.setState({ mode: 'signed-out', session: null, error });
}

setOnUnauthorized(() => {
  if (useSession.getState().mode === 'team') signedOut('Your session ended: sign in again.');
});

async function readJson(res: Response): Promise<{ ok?: boolean; result?: unknown; error?: { message?: string } } | null> {
  try {
    return (await res.json()) as { ok?: boolean; result?: unknown; error?: { message?: string } };
  } catch {
    return null;
  }
}

/**
 * Ask the host who this browser is; anything but 200/401 means a host without
 * teams. A team host is always HTTPS (itself, or its proxy); the local web
 * host is plain HTTP on loopback, so there is nothing to ask there.
 */
export async function loadSession(): Promise<void> {
  if (isDesktopApp()) return loadDesktopSession();
  if (location.protocol !== 'https:') return void useSession.setState({ mode: 'local', session: null, error: null });
  let res: Response;
  try {
    res = await fetch('/api/team.session', { headers: { accept: 'application/json' } });
  } catch {
    return void useSession.setState({ mode: 'local', session: null, error: null });
  }
  if (res.status === 401) return signedOut();
  const body = res.status === 200 ? await readJson(res) : null;
  if (!body?.ok || !body.result) return void useSession.setState({ mode: 'local', session: null, error: null });
  const s = body.result as TeamSession;
  setCsrfToken(s.csrf);
  useSession.setState({ mode: 'team', session: s, error: null });
}

/**
 * The desktop window: on a team ledger the app is its owner (main/electron/ipc.ts
 * runs every call as the local owner), so it shows the team's pages; on a
 * ledger of one person, team.whoami is refused and the app is as it always was.
 */
async function loadDesktopSession(): Promise<void> {
  const env = await request('team.whoami', {});
  if (!env.ok) return void useSession.setState({ mode: 'local', session: null, error: null });
  const me = env.result;
  useSession.setState({ mode: 'team', session: { team: me.team.id, member: me.member, name: me.name, role: me.role, csrf: null, local: true }, error: null });
}

/** `POST /api/team.signin` with a device token or an invite; then the session is read again. */
export async function signIn(body: { token: string } | { invite: string; device: string }): Promise<boolean> {
  let res: Response;
  try {
    res = await fetch('/api/team.signin', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  } catch (e) {
    useSession.setState({ error: `The team host is not reachable (${(e as Error).message}).` });
    return false;
  }
  const out = await readJson(res);
  if (res.status !== 200 || !out?.ok) {
    useSession.setState({ error: out?.error?.message ?? `Signing in failed (HTTP ${res.status}).` });
    return false;
  }
  await loadSession();
  return useSession.getState().mode === 'team';
}

export async function signOut(): Promise<void> {
  const csrf = useSession.getState().session?.csrf;
  try {
    await fetch('/api/team.signout', { method: 'POST', headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) }, body: '{}' });
  } finally {
    signedOut();
  }
}

/** Whether the signed-in person has at least `least` (always true on the local host and in the desktop window). */
export function allows(s: SessionState, least: Role): boolean {
  if (s.mode !== 'team' || !s.session) return true;
  return RANK[s.session.role] >= RANK[least];
}

/** `useCan('member')`: may this person record usage; `useCan('admin')`: change settings; `useCan('owner')`: money. */
export function useCan(least: Role): boolean {
  return useSession((s) => allows(s, least));
}

/** The signed-in team member, or null off a team host. */
export function useMe(): TeamSession | null {
  return useSession((s) => (s.mode === 'team' ? s.session : null));
}
