/**
 * Undo for what was just recorded: the last entry of this window, offered for
 * UNDO_MS after it was recorded. Undo is a void — a new append-only entry
 * that returns the credits — never a delete.
 */
import { create } from 'zustand';
import type { ApiError } from '../api';
import { mutate } from './query';

/** How long the notice offers Undo (and Ctrl/Cmd+Z reaches the entry). */
export const UNDO_MS = 30_000;

export interface Entry {
  eventId: string;
  account: string;
  action: string;
  /** Window clock (ms) when it was recorded. */
  recordedAt: number;
}

interface UndoState {
  last: Entry | null;
  /** Per event: being voided, voided, or why the void failed. */
  state: Record<string, 'busy' | 'done' | ApiError>;
}

export const useUndo = create<UndoState>()(() => ({ last: null, state: {} }));

export function offerUndo(e: Omit<Entry, 'recordedAt'>): void {
  useUndo.setState({ last: { ...e, recordedAt: Date.now() } });
}

/** Whether Undo is still on offer for this event at `now`. */
export function undoable(eventId: string, now: number): boolean {
  const { last, state } = useUndo.getState();
  return last?.eventId === eventId && now - last.recordedAt < UNDO_MS && state[eventId] === undefined;
}

export async function undo(eventId: string): Promise<void> {
  useUndo.setState((s) => ({ state: { ...s.state, [eventId]: 'busy' } }));
  const env = await mutate('events.void', { event: eventId, reason: 'undone right after recording' });
  useUndo.setState((s) => ({ state: { ...s.state, [eventId]: env.ok ? 'done' : env.error } }));
}

/** Ctrl/Cmd+Z: undo the last entry while its Undo is on offer; false when there is nothing to undo. */
export function undoLast(): boolean {
  const { last } = useUndo.getState();
  if (!last || !undoable(last.eventId, Date.now())) return false;
  void undo(last.eventId);
  return true;
}
