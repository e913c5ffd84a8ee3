/**
 * A pool in debt (docs/team.md, "Overdrafts"): usage recorded offline on a
 * member's machine arrived after the pool ran out, so the pool owes it. Shown
 * on the pool's card with who overdrew it; the next grant or reset repays it
 * first. Nothing shows for a pool that owes nothing (almost always).
 */
import type { PoolBalance } from '../../api';
import { Icon } from '../../components/icons';
import { credits, plural } from '../../lib/format';

export function Overdrawn({ pool: p }: { pool: PoolBalance }) {
  const owed = p.overdrawn ?? 0;
  if (owed <= 0) return null;
  const who = (p.overdrawnBy ?? []).map((m) => `${m.member ?? 'no member named'} ${credits(m.credits)}`).join(', ');
  return (
    <div className="fact state-warn" data-testid="overdrawn">
      <Icon name="wallet" size={15} />
      <span>
        <strong>Overdrawn by {plural(owed, p.unit)}</strong>
        {who ? ` (${who})` : ''} — used offline after the pool ran out; the next grant or reset repays it first
      </span>
    </div>
  );
}
