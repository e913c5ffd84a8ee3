/**
 * Each pool's use by member this period, by name (reports.usage by pool and
 * member). On a team host the signed-in person's own row is marked, beside
 * the pool's total.
 */
import { useMemo } from 'react';
import type { AccountView, Balance } from '../api';
import { credits } from '../lib/format';
import { useApi } from '../store/query';
import { useMe } from '../store/session';

export function MemberUse({ account, balance }: { account: AccountView; balance: Balance | undefined }) {
  const me = useMe();
  const report = useApi('reports.usage', { account: account.id, by: ['pool', 'member'] });
  const teamPeople = useApi('team.members.list', me ? {} : null);
  const accountMembers = useApi('members.list', me ? null : { account: account.id });
  const names = useMemo(() => new Map((me ? teamPeople.data : accountMembers.data)?.map((m) => [m.id, m.name]) ?? []), [me, teamPeople.data, accountMembers.data]);
  const pools = useMemo(() => {
    const by = new Map<string, { member: string; credits: number }[]>();
    for (const r of report.data?.rows ?? []) {
      const pool = r.keys.pool ?? '';
      if (!by.has(pool)) by.set(pool, []);
      by.get(pool)!.push({ member: r.keys.member ?? '', credits: r.credits });
    }
    for (const list of by.values()) list.sort((a, b) => b.credits - a.credits);
    return by;
  }, [report.data]);
  const named = [...pools.values()].some((l) => l.some((x) => x.member !== ''));
  if (!report.data || !named) return null;
  const label = (pool: string) => balance?.pools.find((p) => p.pool === pool)?.label ?? pool;
  return (
    <div className="card" aria-label={`${account.name} use by member`} data-testid="member-use">
      <div className="card-head">
        <h3>Use by member this period</h3>
      </div>
      <div className="grid grid-3">
        {[...pools.entries()].map(([pool, list]) => {
          const total = list.reduce((s, x) => s + x.credits, 0);
          const mine = me ? (list.find((x) => x.member === me.member)?.credits ?? 0) : null;
          return (
            <div key={pool} data-pool={pool}>
              <div className="row" style={{ justifyContent: 'space-between' }}>
                <strong>{label(pool)}</strong>
                <span className="faint small">
                  {mine !== null ? `you ${credits(mine)} of ` : ''}
                  {credits(total)} in all
                </span>
              </div>
              <ul className="list">
                {list.map((x) => (
                  <li key={x.member} data-member={x.member || undefined}>
                    <span style={{ flex: 1 }}>
                      {x.member === '' ? <span className="faint">No member</span> : (names.get(x.member) ?? x.member)}
                      {me && x.member === me.member ? <span className="badge accent" style={{ marginLeft: 6 }}>you</span> : null}
                    </span>
                    <span className="mono">{credits(x.credits)}</span>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </div>
    </div>
  );
}
