/** Keyboard shortcuts for the whole window: Ctrl/Cmd+1…6 open the pages, Ctrl/Cmd+Z undoes the last entry. */
import { useEffect } from 'react';
import { navigate, type Page } from './store/route';
import { undoLast } from './store/undo';

/** Typing keeps the browser's own Ctrl+Z (undo in the text field). */
function editing(t: EventTarget | null): boolean {
  return t instanceof HTMLElement && (t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');
}

export function useShortcuts(pages: Page[]): void {
  const joined = pages.join(',');
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const n = Number(e.key);
      if (Number.isInteger(n) && n >= 1 && n <= 6 && !e.shiftKey) {
        const page = pages[n - 1];
        if (page) {
          e.preventDefault();
          navigate(page);
        }
      } else if (e.key.toLowerCase() === 'z' && !e.shiftKey && !editing(e.target)) {
        if (undoLast()) e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [joined]); // `joined` stands for `pages`
}
