/** One ticking clock for the whole window: countdowns re-render once a second, together. */
import { useEffect } from 'react';
import { create } from 'zustand';

interface ClockState {
  now: number;
  users: number;
}

export const useClockStore = create<ClockState>()(() => ({ now: Date.now(), users: 0 }));

let timer: ReturnType<typeof setTimeout> | null = null;

/** Tick on each whole second, so every countdown turns over together and on time. */
function tick(): void {
  const now = Date.now();
  useClockStore.setState({ now });
  timer = setTimeout(tick, 1000 - (now % 1000));
}

function start(): void {
  if (timer === null) tick();
}

function stop(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

/** The current time, updated every second while any component uses it. */
export function useNow(): number {
  useEffect(() => {
    useClockStore.setState((s) => ({ users: s.users + 1 }));
    start();
    return () => {
      useClockStore.setState((s) => ({ users: s.users - 1 }));
      if (useClockStore.getState().users <= 0) stop();
    };
  }, []);
  return useClockStore((s) => s.now);
}
