/**
 * A joined team's accounts on the member's Plans and Purchases pages (issue
 * 13): read from this device's mirror of the team host, marked with the team
 * and "as of" the last sync, and read-only — the team's plan is changed, and
 * its packs bought, on the team host by its owner (the access table:
 * accounts.plan and purchases.* are the owner's; docs/team.md). A mirror
 * pulled before the host sent the plan shows what the balance carries (the
 * plan's name, this period's allocation and reset).
 *
 * Plan fit is the team host's (membership.fit → its plans.fit): only the host
 * holds the past periods it replays. Online it is "from the team host, now";
 * offline this run's last answer "as of" its time, else a sentence saying it
 * needs the host — nothing is estimated from the mirror.
 */
import { isDesktopApp, type HandlerOutput } from '../api';
import { Icon } from '../components/icons';
import { ErrorNotice, Skeleton } from '../components/ui';
import { credits, instant, money } from '../lib/format';
import { useApi } from '../store/query';
import { FitLine, UsageByPeriod } from './PlanFit';

export type TeamAccount = HandlerOutput<'membership.accounts'>[number];

/** The joined teams' accounts; none in a browser, or in a shell without the membership service. */
export function useTeamAccounts(): TeamAccount[] {
  const desktop = isDesktopApp();
  const list = useApi('membership.accounts', desktop ? {} : null);
  return desktop ? (list.data ?? []) : [];
}

/** "Olga" / "Olga or Ana": who buys for the team; "its owner" when the mirror does not say. */
export function buyersWords(a: TeamAccount): string {
  const names = a.plan?.buyers ?? [];
  if (names.length === 0) return "the team's owner";
  return `the team's owner, ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`}`;
}

/** The team badge and where the numbers come from. */
export function TeamSource({ a }: { a: TeamAccount }) {
  return (
    <p className="small muted" data-testid="team-source">
      <span className="badge accent" title={`An account of the team ${a.team.name}, kept on its host`}>
        <Icon name="team" size={13} /> {a.team.name} team
      </span>{' '}
      From the team host{a.asOf ? `, as of ${instant(a.asOf, a.zone)}` : ''}
      {a.state === 'offline' ? ' (out of reach now)' : ''}.
    </p>
  );
}

/** A pool's monthly allocation in words: "21 videos", "Unlimited". */
function allocationWords(v: number | 'unlimited' | null | undefined, unit: string): string {
  if (v === 'unlimited') return 'Unlimited';
  if (v === null || v === undefined) return '—';
  return `${credits(v)} ${v === 1 ? unit : `${unit}s`}`;
}

/** One team account's plan on the Plans page: price, each pool's allocation and next reset; read-only. */
export function TeamPlanCard({ a }: { a: TeamAccount }) {
  const p = a.plan;
  return (
    <article className="card stack" aria-label={`${a.name}, ${a.team.name} team`} data-team-account={a.ref} style={{ gap: 10 }}>
      <div>
        <h3 style={{ margin: 0 }}>{a.name}</h3>
        <TeamSource a={a} />
      </div>
      <dl className="kv">
        <dt>Plan</dt>
        <dd data-testid="team-plan">
          {p ? `${p.providerName} ${p.name}` : a.balance.planName}
          {p ? (p.priceCents !== null ? ` · ${money(p.priceCents, p.currency)} /mo` : ' · price not stated') : ''}
        </dd>
        {a.balance.pools.map((pool) => (
          <div key={pool.pool} style={{ display: 'contents' }} data-pool={pool.pool}>
            <dt>{pool.label}</dt>
            <dd data-testid="team-allocation">
              {allocationWords(p ? p.monthly[pool.pool] : pool.unlimited ? 'unlimited' : pool.allocation, pool.unit)} a month
              <span className="faint"> · resets {instant(pool.nextReset, a.zone)}</span>
            </dd>
          </div>
        ))}
      </dl>
      <TeamFit a={a} />
      <p className="small faint">Read-only here: the team's plan is changed on the team host, by {buyersWords(a)}.</p>
    </article>
  );
}

const useTeamFit = (a: TeamAccount) => useApi('membership.fit', { account: a.ref });

/** Each plan of the team's service against the team's recent periods, as the host sees them; or why there is none. */
function TeamFit({ a }: { a: TeamAccount }) {
  const q = useTeamFit(a);
  const f = q.data;
  if (q.error && !f) return <ErrorNotice error={q.error} />;
  if (!f) return <Skeleton height={48} />;
  const r = f.report;
  if (!r)
    return (
      <p className="small muted" data-testid="team-fit-none">
        {f.source === 'forbidden' ? 'Plan fit comes from the team host, and your role cannot read it.' : 'Plan fit needs the team host: it is out of reach now.'}
      </p>
    );
  return (
    <section className="stack" aria-label={`Plan fit of ${a.name}`} data-testid="team-fit" style={{ gap: 4 }}>
      <h4 style={{ margin: 0 }}>Plan fit</h4>
      <p className="small muted" data-testid="team-fit-source">
        {f.source === 'host' ? 'From the team host, now.' : `From the team host, as of ${instant(f.asOf!, a.zone)}: it is out of reach now.`}
      </p>
      <ul className="list" style={{ gap: 2 }}>
        {r.plans.map((p) => (
          <li key={p.plan} data-plan={p.plan} style={{ display: 'block' }}>
            <strong>{p.name}</strong>
            {p.current ? <span className="faint small"> · the team's plan</span> : null}
            <FitLine fit={p} periods={r.periods.length} partial={r.replayed.partial} currency={r.currency} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The team account's usage in the periods its fit compares (the host's report; none offline without one). */
export function TeamUsageByPeriod({ a }: { a: TeamAccount }) {
  const r = useTeamFit(a).data?.report;
  if (!r) return null;
  return (
    <UsageByPeriod
      report={r}
      account={{ name: `${a.name} (${a.team.name} team)`, zone: a.zone }}
      units={Object.fromEntries(a.balance.pools.map((p) => [p.pool, p.unit]))}
      note="The team host's figures: its plan fit above is checked against these periods."
    />
  );
}
