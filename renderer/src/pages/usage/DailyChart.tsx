/** Credits used per day from the first local date to the last, every day shown (zero where nothing was used), with its legend. */
import type { ReactNode } from 'react';
import { DailyBars } from '../../components/charts';
import { datesBetween } from '../../lib/format';

export function DailyChart({ first, last, byDay, unit, zone, children }: { first: string; last: string; byDay: ReadonlyMap<string, number>; unit: string; zone: string; children?: ReactNode }) {
  const days = datesBetween(first, last).map((date) => ({ date, value: byDay.get(date) ?? 0 }));
  return (
    <>
      <DailyBars days={days} unit={`${unit}s`} zone={zone} />
      <div className="legend">
        <span>
          <i className="box" /> {unit}s used per day ({zone})
        </span>
        {children}
      </div>
    </>
  );
}
