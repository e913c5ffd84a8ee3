/**
 * A joined team's account on the member's Purchases page: its packs with
 * their price, from this device's mirror of the team host, and instead of Buy
 * the honest answer — packs for the team's pool are bought by its owner, on
 * the team host; a member's app never buys for the team. The team's purchase
 * history is its owner's to see (the access table: purchases.list is the
 * owner's), so none of it is shown here.
 */
import { credits, exactPrice, money } from '../lib/format';
import { useMembership } from '../store/membership';
import { buyersWords, TeamSource, type TeamAccount } from './team-plans';

export function TeamPurchases({ a }: { a: TeamAccount }) {
  const role = useMembership((s) => s.status?.teams.find((t) => t.alias === a.alias)?.role);
  const plan = a.plan;
  const label = (pool: string) => a.balance.pools.find((p) => p.pool === pool)?.label ?? pool;
  return (
    <section aria-labelledby="team-packs-h" className="stack" data-team-account={a.ref}>
      <div className="card-head" style={{ marginBottom: 0 }}>
        <h2 id="team-packs-h">Credit packs for {a.name}</h2>
        <p>{plan ? `${plan.providerName} · ${plan.name}` : a.balance.planName}</p>
      </div>
      <TeamSource a={a} />
      <div className="notice" role="note" data-testid="team-buyer">
        <span>
          <strong>Bought by {buyersWords(a)}, on the team host.</strong> A member's app never buys for the team: ask {plan?.buyers.length ? (plan.buyers.length === 1 ? plan.buyers[0] : 'an owner') : 'the owner'} when the team's pool runs low.
          {role === 'owner' ? ' You are an owner of the team: buy there, signed in to the team host, where its purchase history is too.' : " The team's purchase history is kept there, for its owners."}
        </span>
      </div>
      {!plan ? (
        <div className="card empty-inline" data-testid="team-no-plan">
          This device's copy of the team's accounts is older than the pack details: it gets them at the next sync with the team host.
        </div>
      ) : plan.packs.length === 0 ? (
        <div className="card empty-inline" data-testid="no-packs">
          The team's {plan.name} plan buys no credit packs: a bigger plan is the way the team gets more.
        </div>
      ) : (
        <div className="packs">
          {plan.packs.map((k) => (
            <article key={k.id} className="card pack" aria-label={`${k.name} pack`} data-pack={k.id}>
              <div className="row" style={{ justifyContent: 'space-between' }}>
                <h3>{k.name}</h3>
                <span className="badge">{label(k.pool)}</span>
              </div>
              <div>
                <div className="pack-credits" data-testid="pack-credits">
                  {k.credits === null ? 'Any amount' : `${credits(k.credits)} ${k.credits === 1 ? 'credit' : 'credits'}`}
                </div>
                <div className="row" style={{ gap: 10, alignItems: 'baseline' }}>
                  <span className="price" data-testid="pack-price">
                    {k.priceCents !== null ? money(k.priceCents, plan.currency) : <span className="faint" style={{ fontSize: 16 }}>Price not stated</span>}
                  </span>
                  {k.perCredit !== null ? (
                    <span className="cpu" data-testid="per-credit">
                      {exactPrice(k.perCredit, plan.currency)} per credit
                    </span>
                  ) : null}
                </div>
              </div>
              <p className="small muted pack-foot">For the team's pool: bought on the team host.</p>
            </article>
          ))}
        </div>
      )}
    </section>
  );
}
