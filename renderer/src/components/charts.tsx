/**
 * The app's charts. Series over time (daily bars, the burn-down) are drawn by
 * uPlot in components/chart/; the ring is a small SVG, not a chart of series.
 */
export { DailyBars } from './chart/DailyBars';
export { BurnDown, type BurnDownProps } from './chart/BurnDown';

/** The remaining-of-allocation ring: monthly part, then top-up part, of monthly allocation + top-ups. */
export function Ring({ monthly, topup, allocation, unlimited, state, size = 92 }: { monthly: number; topup: number; allocation: number; unlimited: boolean; state: 'ok' | 'warn' | 'danger'; size?: number }) {
  const stroke = 9;
  const r = (size - stroke) / 2;
  const c = 2 * Math.PI * r;
  const whole = Math.max(allocation + topup, monthly + topup, 1e-9);
  const m = unlimited ? 1 : Math.max(0, monthly) / whole;
  const t = unlimited ? 0 : Math.max(0, topup) / whole;
  const pct = unlimited ? null : allocation + topup > 0 ? Math.round(((monthly + topup) / whole) * 100) : 0;
  return (
    <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`} data-state={state} role="img" aria-label={unlimited ? 'unlimited' : `${pct}% left`}>
      <g transform={`rotate(-90 ${size / 2} ${size / 2})`}>
        <circle className="ring-track" cx={size / 2} cy={size / 2} r={r} fill="none" strokeWidth={stroke} />
        {m > 0 ? (
          <circle className={`ring-monthly ${state}`} cx={size / 2} cy={size / 2} r={r} fill="none" strokeWidth={stroke} strokeDasharray={`${m * c} ${c}`} strokeLinecap={m >= 1 ? 'butt' : 'round'} />
        ) : null}
        {t > 0 ? (
          <circle className="ring-topup" cx={size / 2} cy={size / 2} r={r} fill="none" strokeWidth={stroke} strokeDasharray={`0 ${m * c} ${t * c} ${c}`} />
        ) : null}
      </g>
      <text className="ring-text" x="50%" y="50%" dy={unlimited ? '0.35em' : '0.1em'} textAnchor="middle" fontSize={unlimited ? 26 : 17}>
        {unlimited ? '∞' : `${pct}%`}
      </text>
      {unlimited ? null : (
        <text className="ring-sub" x="50%" y="50%" dy="1.55em" textAnchor="middle">
          left
        </text>
      )}
    </svg>
  );
}
