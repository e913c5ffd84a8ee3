import type { AccountView, CalcResult, PresetSummary, Provider } from '../api';
import { Empty, ErrorNotice, Skeleton } from '../components/ui';
import { appWords } from '../lib/app-words';
import { credits, money, unitPrice } from '../lib/format';
import { useApi } from '../store/query';
import { setParams, useRoute } from '../store/route';
import { FitLine, UsageByPeriod, type FitReport } from './PlanFit';
import { TeamPlanCard, TeamUsageByPeriod, useTeamAccounts, type TeamAccount } from './team-plans';

/** A pool's label inside a sentence: "credits", "video credits", but "AI credits". */
const poolWords = (label: string) => (/^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label);

export function Plans() {
  const presets = useApi('presets.list', {});
  const accounts = useApi('accounts.list', {});
  const params = useRoute((r) => r.params);
  const list = presets.data ?? [];
  const teams = useTeamAccounts();
  const preferred = accounts.data?.[0]?.provider ?? teams[0]?.plan?.provider ?? 'fluxnote';
  const id = list.some((p) => p.id === params.preset) ? params.preset! : list.some((p) => p.id === preferred) ? preferred : (list[0]?.id ?? '');
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Plans</h1>
          <p>Every plan side by side: price, monthly allocation per pool, and what one unit really costs.</p>
        </div>
      </div>
      {presets.error ? <ErrorNotice error={presets.error} /> : null}
      {teams.length ? (
        <section className="stack" aria-labelledby="team-plans" style={{ gap: 12 }}>
          <h2 id="team-plans">Your teams' plans</h2>
          <div className="grid grid-2">
            {teams.map((a) => (
              <TeamPlanCard key={a.ref} a={a} />
            ))}
          </div>
          {teams.map((a) => (
            <TeamUsageByPeriod key={a.ref} a={a} />
          ))}
        </section>
      ) : null}
      {list.length ? (
        <div className="tabs" role="tablist" aria-label="Service">
          {list.map((p) => (
            <button key={p.id} role="tab" aria-selected={p.id === id} onClick={() => setParams({ preset: p.id })}>
              {p.name}
            </button>
          ))}
        </div>
      ) : null}
      {id ? <ProviderPlans key={id} id={id} summary={list.find((p) => p.id === id)!} accounts={accounts.data ?? []} teams={teams} /> : <Skeleton height={320} />}
    </div>
  );
}

function ProviderPlans({ id, summary, accounts, teams }: { id: string; summary: PresetSummary; accounts: AccountView[]; teams: TeamAccount[] }) {
  const provider = useApi('presets.show', { id });
  // Cost per unit comes from the plan sizer: asking it for nothing returns every plan's price per unit.
  const costs = useApi('calc', { preset: id, need: { [summary.pools[0]!]: '0' } });
  // The first account on this provider: how its recent periods compare with every plan.
  const first = accounts.find((a) => a.provider === id);
  const fit = useApi('plans.fit', first ? { account: first.id } : null);
  const p = provider.data;
  if (provider.error) return <ErrorNotice error={provider.error} />;
  if (!p) return <Skeleton height={320} />;
  const mine = accounts.filter((a) => a.provider === id);
  return (
    <>
      <PlanCards provider={p} costs={costs.data} mine={mine} teams={teams.filter((a) => a.plan?.provider === id)} fit={fit.data} />
      {fit.data && mine[0] ? <UsageByPeriod report={fit.data} account={mine[0]} units={Object.fromEntries(p.pools.map((x) => [x.id, x.unit]))} /> : null}
      <div className="grid grid-2">
        <RateCard provider={p} />
        <div className="card stack">
          <h2>How {p.name} credits work</h2>
          <dl className="kv">
            <dt>Reset</dt>
            <dd>{p.reset.rule === 'calendar-month' ? `1st of each calendar month, 00:00 ${p.reset.zone}` : 'Your billing date each month (the day you subscribed)'}</dd>
            <dt>Unused credits</dt>
            <dd>{p.pools.some((x) => x.rolloverCap !== null) ? 'Roll over up to a cap' : 'Expire at the reset (use it or lose it)'}</dd>
            <dt>When they run out</dt>
            <dd>{p.onEmpty}</dd>
            <dt>Refunds</dt>
            <dd>{p.refundWindowDays ? `Unused purchased credits, within ${p.refundWindowDays} days` : 'None'}</dd>
          </dl>
          {p.packs.length ? (
            <>
              <h3>Credit packs</h3>
              <ul className="list">
                {p.packs.map((k) => (
                  <li key={k.id}>
                    <span className="badge accent">{k.name}</span>
                    <span>
                      {k.credits !== null ? `${credits(Number(k.credits))} ${poolWords(p.pools.find((x) => x.id === k.pool)?.label ?? 'Credits')}` : 'Any amount'}
                      {k.priceCents !== null ? ` · ${money(k.priceCents, p.currency)}` : ''} <span className="faint">{appWords(k.note ?? '')}</span>
                    </span>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="muted small">No credit packs: upgrade the plan if you keep running out.</p>
          )}
          {p.notes.length ? (
            <ul className="list faint">
              {p.notes.map((n) => (
                <li key={n}>• {appWords(n)}</li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
    </>
  );
}

function PlanCards({ provider: p, costs, mine, teams, fit }: { provider: Provider; costs: CalcResult | undefined; mine: AccountView[]; teams: TeamAccount[]; fit: FitReport | undefined }) {
  if (!p.plans.length) return <Empty title="No plans">This provider lists no plans.</Empty>;
  return (
    <div className="plans" aria-label={`${p.name} plans`}>
      {p.plans.map((plan) => {
        const cost = costs?.plans.find((c) => c.plan === plan.id);
        const current = mine.filter((a) => a.plan === plan.id);
        // A joined team on this plan: its name, not "Your plan" (the member does not pay for it).
        const teamsOn = [...new Set(teams.filter((a) => a.plan?.id === plan.id).map((a) => a.team.name))];
        return (
          <article key={plan.id} className={`card plan${current.length || teamsOn.length ? ' current' : ''}`} aria-label={`${plan.name} plan`} data-plan={plan.id}>
            <div className="row" style={{ justifyContent: 'space-between' }}>
              <h2>{plan.name}</h2>
              <span className="row" style={{ gap: 6, flexWrap: 'wrap', justifyContent: 'flex-end' }}>
                {current.length ? <span className="badge accent">Your plan</span> : null}
                {teamsOn.map((t) => (
                  <span key={t} className="badge accent" data-testid="team-plan-badge">
                    {t} team's plan
                  </span>
                ))}
              </span>
            </div>
            <div>
              {plan.priceCents !== null ? (
                <div className="price" data-testid="price">
                  {money(plan.priceCents, p.currency)}
                  <small> /mo</small>
                </div>
              ) : (
                <div className="price faint" style={{ fontSize: 18 }}>
                  Price not stated
                </div>
              )}
              <p className="faint small">{plan.priceNote ?? ' '}</p>
            </div>
            <div className="plan-pools">
              {p.pools.map((pool) => {
                const a = plan.allocations[pool.id];
                const cpu = cost?.costPerUnit[pool.id];
                return (
                  <div key={pool.id} className="plan-pool" data-pool={pool.id}>
                    <span className="faint small">{pool.label}</span>
                    <span className="alloc" data-testid="allocation">
                      {a === null || a === undefined ? 'You set it' : a === 'unlimited' ? 'Unlimited' : credits(Number(a))}{' '}
                      <span className="muted" style={{ fontWeight: 400 }}>
                        {a === null || a === undefined || a === 'unlimited' ? '' : Number(a) === 1 ? pool.unit : `${pool.unit}s`}
                      </span>
                    </span>
                    <span className="cpu" data-testid="cost-per-unit" title={cpu !== null && cpu !== undefined ? `${money(plan.priceCents, p.currency)} ÷ ${a} ${pool.unit}s` : 'Needs a price and an allocation'}>
                      {cpu !== null && cpu !== undefined ? `${unitPrice(cpu, p.currency)}/${pool.unit}` : <span className="faint">no price per {pool.unit}</span>}
                    </span>
                  </div>
                );
              })}
            </div>
            {plan.note ? <p className="faint small">{appWords(plan.note)}</p> : null}
            {fit ? <FitLine fit={fit.plans.find((f) => f.plan === plan.id)} periods={fit.periods.length} partial={fit.replayed.partial} currency={fit.currency} /> : null}
          </article>
        );
      })}
    </div>
  );
}

function RateCard({ provider: p }: { provider: Provider }) {
  const priced = p.actions.filter((a) => !a.free);
  const free = p.actions.filter((a) => a.free);
  return (
    <div className="card">
      <div className="card-head">
        <h2>What uses credits</h2>
        <p>The preset's rate card</p>
      </div>
      <div className="table-wrap">
        <table aria-label="What uses credits">
          <thead>
            <tr>
              <th>Action</th>
              <th>Pool</th>
              <th className="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {priced.map((a) => (
              <tr key={a.id}>
                <td>
                  {a.label}
                  {a.note ? <div className="faint small">{appWords(a.note)}</div> : null}
                </td>
                <td>{p.pools.find((x) => x.id === a.pool)?.label ?? a.pool}</td>
                <td className="num" style={{ whiteSpace: 'nowrap' }}>
                  {a.cost === null ? <span className="badge warn">you set it</span> : `${credits(Number(a.cost))} per ${a.per === 1 ? a.unit : `${credits(a.per)} ${a.unit}s`}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {free.length ? (
        <p className="small muted" style={{ marginTop: 10 }}>
          <strong>Free:</strong> {free.map((a) => a.label).join(', ')}.
        </p>
      ) : null}
    </div>
  );
}
