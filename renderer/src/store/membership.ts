/**
 * The desktop app's teams joined as a member (Settings → Team → Join): their
 * sync state, read from the shell every few seconds (a local call: it never
 * waits for the host), and sent again at once when the computer comes back
 * online. When what the shell says changes (an entry sent, the host back or
 * gone), everything on screen is read again, so the team's numbers follow.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import { isDesktopApp, request, type HandlerOutput } from '../api';
import { refreshAll } from './query';

export type MembershipStatus = HandlerOutput<'membership.status'>;
export type MembershipView = MembershipStatus['teams'][number];

export const STATUS_EVERY_MS = 3000;

interface State {
  status: MembershipStatus | null;
  set: (s: MembershipStatus) => void;
}

export const useMembership = create<State>()((set) => ({ status: null, set: (status) => set({ status }) }));

/** What, when it changes, means the team's numbers on screen are out of date. */
const fingerprintOf = (s: MembershipStatus) => JSON.stringify(s.teams.map((t) => [t.alias, t.state, t.pending, t.rejected.length, t.lastSync, t.asOf]));

export async function readMembership(): Promise<void> {
  const env = await request('membership.status', {});
  if (!env.ok) return;
  const before = useMembership.getState().status;
  useMembership.getState().set(env.result);
  if (before && fingerprintOf(before) !== fingerprintOf(env.result)) refreshAll();
}

/** Once, at the app's root: keep the status fresh in the desktop window. */
export function useMembershipPolling(): void {
  useEffect(() => {
    if (!isDesktopApp()) return;
    void readMembership();
    const timer = setInterval(() => void readMembership(), STATUS_EVERY_MS);
    // Back on a network: send what waits now rather than at the next try.
    const online = () => void request('membership.sync', {}).then(readMembership);
    window.addEventListener('online', online);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', online);
    };
  }, []);
}
