/** Plain aligned text tables for the terminal. */
import { escapeText } from '../core/util/text.js';

/** Cells are shown escaped (\u001b), so a control character can neither move the cursor nor break the alignment. */
export function table(head: string[], rows: (string | number)[][], align: ('l' | 'r')[] = []): string {
  const cells = [head, ...rows.map((r) => r.map((c) => escapeText(String(c))))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A small text bar: ██████░░░░ for part of a whole (the balance shows what is left, a report its share). */
export function bar(part: number, total: number, width = 20): string {
  if (total <= 0) return ''.padEnd(width, '░');
  const filled = Math.max(0, Math.min(width, Math.round((part / total) * width)));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}
