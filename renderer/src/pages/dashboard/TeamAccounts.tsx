/**
 * The accounts of the teams this desktop app joined as a member, on the
 * dashboard beside the local ones: each marked with its team, its pools from
 * the mirror (the team host's numbers as of the last sync, "as of" when the
 * host is out of reach) with this device's pending entries taken off, and
 * quick buttons that record through the outbox — at once online, kept here and
 * sent later offline.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { isDesktopApp, type ApiError, type HandlerOutput, type UseResult } from '../../api';
import { Ring } from '../../components/charts';
import { Icon } from '../../components/icons';
import { ErrorNotice, Field, Skeleton } from '../../components/ui';
import { countdown, credits, instant, plural } from '../../lib/format';
import { useNow } from '../../store/clock';
import { readMembership } from '../../store/membership';
import { mutate, useApi } from '../../store/query';
import { hrefOf } from '../../store/route';
import { currentAlerts } from './alerts';
import { RecentAlerts } from './RecentAlerts';
import './team-accounts.css';

type TeamAccount = HandlerOutput<'membership.accounts'>[number];
type Pool = TeamAccount['balance']['pools'][number];
type Pending = { status: 'pending'; entry: string; team: string };
type Outcome = { ok: true; result: UseResult | Pending; action: string } | { ok: false; error: ApiError };

/** The team accounts, or `whenNone` when this app has joined no team (a browser never has). */
export function TeamAccounts({ whenNone = null }: { whenNone?: ReactNode }) {
  const desktop = isDesktopApp();
  const list = useApi('membership.accounts', desktop ? {} : null);
  if (!desktop) return <>{whenNone}</>;
  // A shell without the membership service (an embedding, a test) has no teams joined: nothing to say.
  const unsupported = list.error?.code === 'invalid_input' && list.error.field === 'membership';
  if (!list.data && unsupported) return <>{whenNone}</>;
  if (!list.data) return list.error ? <ErrorNotice error={list.error} title="The teams you joined could not be read" /> : whenNone ? <Skeleton height={120} /> : null;
  if (list.data.length === 0) return <>{whenNone}</>;
  return (
    <>
      {list.data.map((a) => (
        <TeamAccountSection key={a.ref} a={a} />
      ))}
    </>
  );
}

/** A pool as it stands here: the host's numbers less what this device has not sent yet. */
function afterPending(p: Pool, a: TeamAccount): Pool & { pendingCredits: number } {
  const less = a.pending.find((x) => x.pool === p.pool)?.pendingCredits ?? 0;
  if (p.unlimited || less === 0) return { ...p, pendingCredits: less };
  const monthly = Math.max(0, (p.monthlyRemaining ?? 0) - less);
  const topup = Math.max(0, p.topupRemaining - Math.max(0, less - (p.monthlyRemaining ?? 0)));
  return { ...p, remaining: Math.max(0, (p.remaining ?? 0) - less), monthlyRemaining: monthly, topupRemaining: topup, pendingCredits: less };
}

function TeamAccountSection({ a }: { a: TeamAccount }) {
  // The pace from the mirror, this device's pending entries counted as used (a local call: never waits for the host).
  const forecast = useApi('membership.forecast', { account: a.ref });
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const quick = a.actions.filter((x) => !x.free && x.cost !== null && x.per === 1).slice(0, 6);
  const [open, setOpen] = useState(false);
  const record = async (action: string, quantity?: string) => {
    setBusy(true);
    const env = await mutate('membership.record', { account: a.ref, action, ...(quantity ? { quantity } : {}) });
    setBusy(false);
    setOutcome(env.ok ? { ok: true, result: env.result as UseResult | Pending, action } : { ok: false, error: env.error });
    void readMembership();
  };
  const id = `team-acct-${a.ref.replace(/[^a-z0-9-]/gi, '-')}`;
  return (
    <section className="account team-account" aria-labelledby={id} data-account={a.ref}>
      <div className="account-head">
        <div className="account-title">
          <h2 id={id}>{a.name}</h2>
          <span className="badge accent" title={`An account of the team ${a.team.name}, kept on its host`}>
            <Icon name="team" size={13} /> {a.team.name} team
          </span>
          <span className="faint small mono">{a.ref}</span>
        </div>
        <a className="btn ghost small" href={hrefOf('settings')}>
          Team settings
        </a>
      </div>
      <SourceLine a={a} />
      {quick.length ? (
        <div className="row" role="group" aria-label={`Record usage on ${a.team.name}'s ${a.name}`}>
          <span className="faint small">Record</span>
          {quick.map((x) => (
            <button key={x.id} className="btn quick" disabled={busy} title={`${x.label}: ${plural(x.cost ?? 0, 'credit')} per ${x.unit}`} onClick={() => void record(x.id)}>
              {x.id === x.unit ? `+1 ${x.unit}` : `+1 ${x.label}`}
            </button>
          ))}
          <button className="btn ghost small" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide form' : 'Record other usage…'}
          </button>
        </div>
      ) : null}
      {open ? <OtherUsage a={a} busy={busy} onRecord={(action, quantity) => void record(action, quantity)} /> : null}
      {outcome ? <TeamOutcome outcome={outcome} a={a} onClose={() => setOutcome(null)} /> : null}
      <div className="account-body">
        <div className="pools">
          {a.balance.pools.map((p) => (
            <TeamPoolCard key={p.pool} p={afterPending(p, a)} zone={a.zone} pace={forecast.data?.pools.find((f) => f.pool === p.pool)} />
          ))}
        </div>
        <aside className="card activity" aria-label={`${a.name} alerts`}>
          <TeamAlerts a={a} />
        </aside>
      </div>
    </section>
  );
}

/** This period's alerts as the host had them at the last sync, read as the local cards read theirs (its low-balance level is not mirrored: never shown resolved by it). */
function TeamAlerts({ a }: { a: TeamAccount }) {
  const poolLabel = (id: string) => a.balance.pools.find((p) => p.pool === id)?.label ?? id;
  const shown = currentAlerts(a.alerts, a.balance.pools, { name: a.name, lowBalance: null, lowBalancePercent: null }, poolLabel);
  const asOf = a.asOf ? instant(a.asOf, a.zone) : null;
  return <RecentAlerts shown={shown} asOf={asOf} empty={asOf ? `None this period, as of the last sync (${asOf}).` : 'None known yet: they come with the first sync.'} />;
}

/** Any priced action of the account, in any quantity (tokens, minutes…). */
function OtherUsage({ a, busy, onRecord }: { a: TeamAccount; busy: boolean; onRecord: (action: string, quantity: string | undefined) => void }) {
  const priced = a.actions.filter((x) => !x.free);
  const [action, setAction] = useState(priced[0]?.id ?? '');
  const [quantity, setQuantity] = useState('');
  const chosen = priced.find((x) => x.id === action);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen) onRecord(chosen.id, quantity.trim() || undefined);
  };
  return (
    <form className="card inline-form" onSubmit={submit} aria-label={`Record usage form for ${a.team.name}'s ${a.name}`} style={{ padding: 14 }}>
      <Field label="Action">
        <select value={action} onChange={(e) => setAction(e.target.value)}>
          {priced.map((x) => (
            <option key={x.id} value={x.id}>
              {x.label}
              {x.cost === null ? ' (no cost set)' : ` — ${credits(x.cost)} per ${x.per === 1 ? x.unit : `${credits(x.per)} ${x.unit}s`}`}
            </option>
          ))}
        </select>
      </Field>
      <Field label={`Quantity${chosen ? ` (${chosen.unit}s)` : ''}`}>
        <input inputMode="decimal" placeholder="1" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
      </Field>
      <button className="btn primary" type="submit" disabled={busy || !chosen}>
        Record
      </button>
    </form>
  );
}

/** Where the numbers come from: the host now, or this device's copy as of the last sync; and what waits here. */
function SourceLine({ a }: { a: TeamAccount }) {
  const asOf = a.asOf ? instant(a.asOf, a.zone) : null;
  const waiting = a.pendingEntries > 0 ? `${plural(a.pendingEntries, 'entry', 'entries')} from this device not sent yet, taken off below` : null;
  return (
    <p className="small team-source" data-testid="team-source" data-state={a.state}>
      {a.state === 'offline' ? (
        <>
          <span className="badge">Offline</span> The team host is out of reach: these are its numbers as of {asOf ?? 'the last sync'}.
        </>
      ) : (
        <>From the team host{asOf ? `, as of ${asOf}` : ''}.</>
      )}
      {waiting ? <> {waiting}.</> : null}
    </p>
  );
}

function TeamOutcome({ outcome, a, onClose }: { outcome: Outcome; a: TeamAccount; onClose: () => void }) {
  return (
    <div className="row" style={{ alignItems: 'stretch' }} data-testid="use-outcome">
      <div style={{ flex: 1 }}>
        {!outcome.ok ? (
          <ErrorNotice error={outcome.error} zone={a.zone} />
        ) : 'eventId' in outcome.result ? (
          <div className="notice ok" role="status">
            <span>
              <strong>Recorded {outcome.action}</strong> on {a.team.name}'s {a.name} · {plural(outcome.result.credits, 'credit')}
            </span>
          </div>
        ) : (
          <div className="notice" role="status">
            <span>
              <strong>Saved on this device</strong> · {outcome.action} for {a.team.name}: the team host is out of reach, so it is sent as soon as it answers.
            </span>
          </div>
        )}
      </div>
      <button className="btn ghost small" onClick={onClose} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}

type PoolPace = HandlerOutput<'membership.forecast'>['pools'][number];

/** The pool's pace in one line: ahead of or behind even pace, and whether it lasts to the reset. */
function TeamPace({ f, unit, zone, now }: { f: PoolPace; unit: string; zone: string; now: number }) {
  if (f.unlimited || f.periodEnded) return null;
  const rate = (x: number) => credits(Math.round(x * 10) / 10);
  const ahead = f.pace === 'on pace' ? 'On even pace' : `${plural(f.paceDelta, unit, `${unit}s`, rate)} ${f.pace}`;
  const verdict = f.runOutAt === null ? 'nothing used yet' : f.runsOutBeforeReset ? `runs out ${instant(f.runOutAt, zone, now)}, before the reset` : 'lasts to the reset';
  return (
    <div className="fact" data-testid="team-pace">
      <Icon name="trend" size={15} />
      <span>
        <span className={f.runsOutBeforeReset ? 'state-warn' : f.pace === 'in reserve' ? 'state-ok' : ''}>{ahead}</span>
        <span className="faint"> · {verdict}</span>
      </span>
    </div>
  );
}

function TeamPoolCard({ p, zone, pace }: { p: Pool & { pendingCredits: number }; zone: string; pace: PoolPace | undefined }) {
  const now = useNow();
  const low = !p.unlimited && p.allocation ? (p.remaining ?? 0) / p.allocation : 1;
  return (
    <article className="card pool-card" aria-label={p.label} data-pool={p.pool}>
      <span className="pool-label">{p.label}</span>
      <div className="pool-top">
        <Ring monthly={p.monthlyRemaining ?? 0} topup={p.topupRemaining} allocation={p.allocation ?? 0} unlimited={p.unlimited} state={low < 0.1 ? 'danger' : low < 0.25 ? 'warn' : 'ok'} />
        <div className="stack" style={{ gap: 8 }}>
          <div className="big" data-testid="remaining">
            {p.unlimited ? 'Unlimited' : p.topupRemaining > 0 ? <>{credits(p.remaining)} <small>left</small></> : <>{credits(p.remaining)} <small>of {credits(p.allocation)} left</small></>}
          </div>
          {p.pendingCredits > 0 ? (
            <span className="small muted" data-testid="pending-here">
              {plural(p.pendingCredits, p.unit)} waiting on this device
            </span>
          ) : null}
        </div>
      </div>
      <div className="facts">
        <div className="fact">
          <Icon name="clock" size={15} />
          <span>
            Resets in <span className="countdown">{countdown(Date.parse(p.nextReset) - now)}</span> <span className="faint nowrap">· {instant(p.nextReset, zone, now)}</span>
          </span>
        </div>
        {pace ? <TeamPace f={pace} unit={p.unit} zone={zone} now={now} /> : null}
      </div>
    </article>
  );
}
