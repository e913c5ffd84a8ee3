/**
 * One sizing's answer: the recommendation in words (plan, packs, what a month
 * costs, what it covers), the arithmetic, and every plan side by side with
 * its price per asset, the packs it would need and its monthly total. All
 * figures come from `calc`; the page only lays them out.
 */
import type { ApiError, CalcResult, Provider } from '../../api';
import { ErrorNotice } from '../../components/ui';
import { credits, creditsOf, money, unitPrice } from '../../lib/format';

type PlanRow = CalcResult['plans'][number];

/** The sizing flags the API names in its messages, as the fields of these forms call them. */
const FIELDS: [RegExp, string][] = [
  [/--members/g, 'Members'],
  [/--buffer is a fraction such as 0\.2 \(20 %\), at most 10/g, 'The buffer is a percentage, at most 1,000 %'],
  [/--buffer/g, 'The buffer'],
  [/--videos/g, 'Finished videos a month'],
  [/--variations/g, 'Generations per video'],
  [/--images/g, 'Images a month'],
  [/--need \S+/g, 'The amount'],
  [/--use \S+/g, 'The amount'],
];

/** A refused sizing, in the words of the form rather than the command line. */
export function CalcError({ error }: { error: ApiError }) {
  const message = FIELDS.reduce((m, [re, words]) => m.replace(re, words), error.message);
  return <ErrorNotice error={{ ...error, message }} />;
}

function packsText(x: PlanRow, currency: string, unitOf: (pool: string) => string): string {
  if (!x.packs || x.packs.length === 0) return '';
  return x.packs
    .map((k) =>
      k.chosenAmount
        ? `${credits(k.credits)} ${unitOf(k.pool)}s of ${k.name}${k.priceCents === null ? ' (price not stated)' : ''}`
        : `${k.count} × ${k.name} (${credits(k.credits)} ${unitOf(k.pool)}s${k.priceCents === null ? ', price not stated' : `, ${money(k.priceCents, currency)}`})`,
    )
    .join(' + ');
}

export function CalcView({ result, provider }: { result: CalcResult; provider: Provider }) {
  const rec = result.plans.find((x) => x.plan === result.recommended);
  // In the provider's order of pools, whatever order the needs were typed in.
  const needPools = provider.pools.map((x) => x.id).filter((id) => id in result.needs);
  const unitOf = (id: string) => provider.pools.find((x) => x.id === id)?.unit ?? 'credit';
  const labelOf = (id: string) => provider.pools.find((x) => x.id === id)?.label ?? id;
  // Two pools counting the same thing (Fluximage's compressions and AI images) say which is which.
  const perHead = (id: string) => (needPools.some((p) => p !== id && unitOf(p) === unitOf(id)) ? `$/${unitOf(id)} (${labelOf(id)})` : `$/${unitOf(id)}`);
  const open = result.plans.some((x) => x.fits === null);
  return (
    <div className="stack" data-testid="calc-result" aria-live="polite">
      <div className={`notice ${rec ? 'ok' : 'warn'}`}>
        {rec ? (
          <>
            <div className="result-head">
              <span className="muted">Recommended</span>
              <span className="result-plan" data-testid="recommended">
                {rec.name}
              </span>
              {rec.packs?.length ? <span className="badge accent">with packs</span> : null}
            </div>
            <span data-testid="advice">{result.advice}</span>
          </>
        ) : (
          <span>
            <strong>No plan covers this.</strong>{' '}
            {open ? 'A plan whose size you give (Settings, when you add the account) may: enter its monthly credits there.' : 'Even the largest plan falls short, with or without packs.'}
          </span>
        )}
        <span className="small">
          You need {needPools.map((pool) => `${credits(result.needs[pool]!)} ${creditsOf(unitOf(pool))}`).join(' and ')} a month.
        </span>
      </div>
      <ol className="arith" aria-label="Arithmetic">
        {result.arithmetic.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ol>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Plans compared (scrolls sideways)">
        <table aria-label="Plans compared" className="calc-table">
          <thead>
            <tr>
              <th>Plan</th>
              <th className="num">Price</th>
              {needPools.map((pool) => (
                <th key={pool} className="num">
                  {labelOf(pool)}
                </th>
              ))}
              {needPools.map((pool) => (
                <th key={`per-${pool}`} className="num">
                  {perHead(pool)}
                </th>
              ))}
              <th>Fits?</th>
              <th>Packs a month</th>
              <th className="num">A month</th>
            </tr>
          </thead>
          <tbody>
            {result.plans.map((x) => (
              <tr key={x.plan} data-plan={x.plan}>
                <td style={{ whiteSpace: 'nowrap' }}>
                  {x.name} {x.plan === result.recommended ? <span className="badge ok">best fit</span> : null}
                </td>
                <td className="num">{x.priceCents === null ? <span className="faint">not stated</span> : x.priceCents === 0 ? 'Free' : money(x.priceCents, provider.currency)}</td>
                {needPools.map((pool) => {
                  const a = x.allocations[pool];
                  return (
                    <td key={pool} className="num">
                      {a === null || a === undefined ? <span className="faint">you set</span> : a === 'unlimited' ? 'unlimited' : credits(a)}
                    </td>
                  );
                })}
                {needPools.map((pool) => (
                  <td key={`per-${pool}`} className="num" data-testid={`per-${pool}`}>
                    {x.costPerUnit[pool] === null || x.costPerUnit[pool] === undefined ? <span className="faint">—</span> : unitPrice(x.costPerUnit[pool], provider.currency)}
                  </td>
                ))}
                <td>
                  {x.fits === true ? (
                    <span className="state-ok">✓ fits</span>
                  ) : x.fits === false ? (
                    <span className="state-warn">
                      short by{' '}
                      {Object.entries(x.shortfall)
                        .map(([pool, n]) => `${credits(n)} ${unitOf(pool)}${n === 1 ? '' : 's'}`)
                        .join(', ')}
                    </span>
                  ) : (
                    <span className="faint">once you give its size</span>
                  )}
                </td>
                <td data-testid="packs">{x.packs === null ? <span className="faint">{x.fits === null ? '—' : 'none sold'}</span> : x.packs.length === 0 ? <span className="faint">—</span> : packsText(x, provider.currency, unitOf)}</td>
                <td className="num" data-testid="total">
                  {x.packs === null ? <span className="faint">—</span> : x.totalCents === null ? <span className="faint">not stated</span> : x.totalCents === 0 ? 'Free' : money(x.totalCents, provider.currency)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
