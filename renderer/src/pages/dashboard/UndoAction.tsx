/** The Undo offered in a recorded entry's notice while it is fresh (store/undo.ts), and what became of it. */
import { ErrorNotice } from '../../components/ui';
import { useNow } from '../../store/clock';
import { UNDO_MS, undo, useUndo } from '../../store/undo';

export function UndoAction({ eventId, zone }: { eventId: string; zone: string }) {
  const now = useNow();
  const last = useUndo((s) => s.last);
  const state = useUndo((s) => s.state[eventId]);
  if (state === 'done') return <span data-testid="undone"> · Undone: voided, its credits are back</span>;
  if (state !== undefined && state !== 'busy') return <ErrorNotice error={state} zone={zone} title="Could not undo" />;
  if (last?.eventId !== eventId) return null;
  const left = UNDO_MS - (now - last.recordedAt);
  if (left <= 0) return null;
  return (
    <button className="btn small" disabled={state === 'busy'} onClick={() => void undo(eventId)} aria-keyshortcuts="Control+Z Meta+Z" title="Undo (Ctrl/Cmd+Z): void this entry">
      Undo
    </button>
  );
}
