/**
 * What every chart has around its canvas: an accessible name and a text
 * alternative with the numbers (the canvas says nothing to a screen reader),
 * the hover read-out, and a way back from a zoom that a keyboard can reach.
 */
import { useId, type ReactNode } from 'react';
import './chart.css';

export function ChartFrame({ label, summary, readout, hint, zoomed, onReset, testId, children }: {
  label: string;
  /** The figures in words, read to screen readers in place of the picture. */
  summary: ReactNode;
  /** The value and date under the cursor, or null when nothing is hovered. */
  readout: string | null;
  hint: string;
  zoomed: boolean;
  onReset: () => void;
  testId: string;
  children: ReactNode;
}) {
  const summaryId = useId();
  return (
    <div className="chart-frame" data-testid={testId}>
      <div className="chart-top">
        <p className={`chart-readout num${readout ? '' : ' idle'}`} data-testid={`${testId}-readout`} aria-hidden="true">
          {readout ?? (zoomed ? 'Double-click the chart or Show all to see the whole range' : hint)}
        </p>
        {zoomed ? (
          <button type="button" className="btn small" onClick={onReset}>
            Show all
          </button>
        ) : null}
      </div>
      <div role="img" aria-label={label} aria-describedby={summaryId} data-zoomed={zoomed ? 'true' : 'false'}>
        {children}
      </div>
      <div id={summaryId} className="sr-only">
        {summary}
      </div>
    </div>
  );
}
