import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { AccountView, ActionView, Alert, ApiError, Balance, Member, PoolBalance, PoolForecast, PurchaseView, UseResult } from '../api';
import { Ring } from '../components/charts';
import { Icon } from '../components/icons';
import { Empty, ErrorNotice, Field, Skeleton } from '../components/ui';
import { approx, countdown, credits, day, exactPrice, instant, money, plural } from '../lib/format';
import { useNow } from '../store/clock';
import { mutate, refreshAll, useApi } from '../store/query';
import { hrefOf } from '../store/route';
import { useCan } from '../store/session';
import { MemberUse } from './MemberUse';
import { Summary } from './dashboard/Summary';
import { VerdictBadge, VerdictLine } from './dashboard/VerdictFacts';
import { verdict, type Verdict } from './dashboard/verdict';
import { currentAlerts } from './dashboard/alerts';
import { RecentAlerts } from './dashboard/RecentAlerts';
import { LastRefusal } from './dashboard/LastRefusal';
import { UndoAction } from './dashboard/UndoAction';
import { PoolSource } from './dashboard/PoolSource';
import { Overdrawn } from './dashboard/Overdrawn';
import { TeamAccounts } from './dashboard/TeamAccounts';
import { offerUndo } from '../store/undo';

export function Dashboard() {
  const accounts = useApi('accounts.list', {});
  const balances = useApi('balance.all', {});
  const alerts = useApi('alerts.list', {});

  const byAccount = useMemo(() => new Map((balances.data ?? []).map((b) => [b.account, b])), [balances.data]);

  if (accounts.error && !accounts.data) {
    return (
      <div className="page">
        <Head />
        <ErrorNotice error={accounts.error} title="The ledger could not be read" />
        <div>
          <button className="btn" onClick={refreshAll}>
            <Icon name="refresh" size={16} /> Try again
          </button>
        </div>
      </div>
    );
  }
  if (accounts.loading || !accounts.data) {
    return (
      <div className="page">
        <Head />
        <Skeleton height={260} />
      </div>
    );
  }
  if (accounts.data.length === 0) {
    return (
      <div className="page">
        <Head />
        <TeamAccounts
          whenNone={
            <Empty
              title="No accounts yet — add one"
              action={
                <a className="btn primary" href={hrefOf('settings', { add: '1' })}>
                  <Icon name="plus" size={16} /> Add an account
                </a>
              }
            >
              Creditdeck tracks the credits of each service you subscribe to. Add your first account from a preset (Flux, Lux, Flowly, FluxNote or Fluximage), then record usage here and
              watch what is left, how fast it goes and when it resets.
            </Empty>
          }
        />
      </div>
    );
  }
  return (
    <div className="page">
      <Head />
      <Summary accounts={accounts.data} balances={balances.data} />
      {accounts.data.map((a) => (
        <AccountSection key={a.id} account={a} balance={byAccount.get(a.id)} alerts={(alerts.data ?? []).filter((x) => x.account === a.id)} />
      ))}
      <TeamAccounts />
    </div>
  );
}

function Head() {
  return (
    <div className="page-head">
      <div>
        <h1>Dashboard</h1>
        <p>What is left in every pool, how fast it is going, and when it resets.</p>
      </div>
    </div>
  );
}

type Outcome = { ok: true; result: UseResult } | { ok: false; error: ApiError };

function AccountSection({ account, balance, alerts }: { account: AccountView; balance: Balance | undefined; alerts: Alert[] }) {
  const forecast = useApi('reports.forecast', { account: account.id });
  const actions = useApi('actions.list', { account: account.id });
  const refusals = useApi('refusals.list', { account: account.id, limit: 1 });
  const members = useApi('members.list', { account: account.id });
  const canRecord = useCan('member');
  const canBuy = useCan('owner');
  const canSet = useCan('admin');
  const canVoid = canSet;
  const sellsPacks = canBuy && account.packPools.length > 0 && account.packs.some((k) => account.packPools.includes(k.pool));
  // What was actually paid for the top-ups (Stripe's amount, or what was confirmed for a provider link).
  const purchases = useApi('purchases.list', sellsPacks ? { account: account.id, limit: 20 } : null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);

  const record = async (action: string, quantity?: string, member?: string, byoKey?: boolean) => {
    setBusy(true);
    const env = await mutate('usage.record', { account: account.id, action, ...(quantity ? { quantity } : {}), ...(member ? { member } : {}), ...(byoKey ? { byoKey: true } : {}) });
    setBusy(false);
    setOutcome(env.ok ? { ok: true, result: env.result } : { ok: false, error: env.error });
    // A duplicate charged nothing: there is nothing of it to undo.
    if (env.ok && canVoid && env.result.status !== 'duplicate') offerUndo({ eventId: env.result.eventId, account: account.id, action });
  };

  const forecastFor = (pool: string) => forecast.data?.pools.find((p) => p.pool === pool);
  const lastRefusal = refusals.data?.[0];

  const poolLabel = (id: string) => balance?.pools.find((p) => p.pool === id)?.label ?? id;
  const shown = currentAlerts(alerts, balance?.pools, account, poolLabel);
  return (
    <section className="account" aria-labelledby={`acct-${account.id}`} data-account={account.id}>
      <div className="account-head">
        <div className="account-title">
          <h2 id={`acct-${account.id}`}>{account.name}</h2>
          <span className="badge accent">
            {account.providerName} · {account.planName}
          </span>
          <span className="faint small">Resets {account.reset}</span>
        </div>
        <div className="row">
          {sellsPacks ? (
            <a className="btn ghost small" href={hrefOf('purchases', { account: account.id })}>
              Buy credits
            </a>
          ) : null}
          <a className="btn ghost small" href={hrefOf('usage', { account: account.id })}>
            Usage
          </a>
          {canSet ? (
            <a className="btn ghost small" href={hrefOf('settings', { account: account.id })}>
              Settings
            </a>
          ) : null}
        </div>
      </div>

      {canRecord ? <QuickActions account={account} actions={actions.data} members={canSet ? (members.data ?? []) : []} busy={busy} onRecord={record} /> : null}
      {outcome ? <OutcomeNotice outcome={outcome} zone={account.zone} onClose={() => setOutcome(null)} /> : null}

      <div className="account-body">
        <div className="pools">
          {balance
            ? balance.pools.map((p) => <PoolCard key={p.pool} account={account.id} pool={p} forecast={forecastFor(p.pool)} forecastError={forecast.data ? undefined : forecast.error?.message} zone={balance.zone} canTopUp={account.packPools.includes(p.pool)} lastTopUp={lastPaid(purchases.data, p.pool)} />)
            : Object.keys(account.amounts).map((p) => <Skeleton key={p} height={250} />)}
        </div>
        <aside className="card activity" aria-label={`${account.name} alerts and refusals`}>
          <RecentAlerts
            shown={shown}
            empty={
              <>
                None yet. Alerts come at {account.thresholds.map((t) => `${t} %`).join(', ')} of a pool used
                {account.lowBalance !== null
                  ? `, and when a pool falls to ${credits(account.lowBalance)}`
                  : account.lowBalancePercent !== null
                    ? `, and when a pool falls to ${account.lowBalancePercent} % of its allocation`
                    : ''}
                {account.monthlyLimit !== null ? `; work stopped by the spending limit of ${credits(account.monthlyLimit)} is an alert too` : ''}.
              </>
            }
          />
          <LastRefusal account={account} refusal={lastRefusal} periodStart={balance?.pools[0]?.periodStart} />
        </aside>
      </div>
      <MemberUse account={account} balance={balance} />
    </section>
  );
}

function quickLabel(a: ActionView): string {
  return a.id === a.unit ? `+1 ${a.unit}` : `+1 ${a.label}`;
}

function QuickActions({ account, actions, members, busy, onRecord }: { account: AccountView; actions: ActionView[] | undefined; members: Member[]; busy: boolean; onRecord: (action: string, quantity?: string, member?: string, byoKey?: boolean) => void }) {
  const priced = (actions ?? []).filter((a) => !a.free && a.cost !== null);
  const quick = priced.filter((a) => a.per === 1).slice(0, 6);
  const unpriced = (actions ?? []).filter((a) => !a.free && a.cost === null);
  const [open, setOpen] = useState(false);
  const [action, setAction] = useState('');
  const [quantity, setQuantity] = useState('');
  const [member, setMember] = useState('');
  const [byoKey, setByoKey] = useState(false);
  const all = actions ?? [];
  // Default the form to a per-token action (the "tokens for a model" case), else the first priced one.
  useEffect(() => {
    if (action === '' && all.length) setAction((priced.find((a) => a.per > 1) ?? priced[0] ?? all[0])!.id);
  }, [action, all, priced]);
  const chosen = all.find((a) => a.id === action);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    onRecord(chosen.id, quantity.trim() || undefined, member || undefined, byoKey);
  };

  if (!actions) return <div style={{ minHeight: 34 }} />;
  return (
    <div className="stack" style={{ gap: 10 }}>
      <div className="row" role="group" aria-label={`Record usage on ${account.name}`}>
        {quick.length ? <span className="faint small">Record</span> : null}
        {quick.map((a) => (
          <button
            key={a.id}
            className="btn quick"
            disabled={busy}
            title={`${a.label}: ${plural(a.cost ?? 0, 'credit')} per ${a.unit}`}
            onClick={() => onRecord(a.id, undefined, member || undefined)}
          >
            {quickLabel(a)}
          </button>
        ))}
        <button className="btn ghost small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide form' : priced.some((a) => a.per > 1) ? 'Record tokens or other usage…' : 'Record other usage…'}
        </button>
        {quick.length === 0 && unpriced.length > 0 ? (
          <span className="faint small">
            {unpriced.map((a) => a.label).join(', ')} {unpriced.length === 1 ? 'has' : 'have'} no cost yet —{' '}
            <a href={hrefOf('settings', { account: account.id })}>set it in the rate card</a>.
          </span>
        ) : null}
      </div>
      {open ? (
        <form className="card inline-form" onSubmit={submit} aria-label={`Record usage form for ${account.name}`} style={{ padding: 14 }}>
          <Field label="Action">
            <select value={action} onChange={(e) => setAction(e.target.value)}>
              {all.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.label}
                  {a.free ? ' (free)' : a.cost === null ? ' (no cost set)' : ` — ${credits(a.cost)} per ${a.per === 1 ? a.unit : `${credits(a.per)} ${a.unit}s`}`}
                </option>
              ))}
            </select>
          </Field>
          <Field label={`Quantity${chosen ? ` (${chosen.unit}s)` : ''}`}>
            <input inputMode="decimal" placeholder={chosen && chosen.per > 1 ? `e.g. ${chosen.per * 1.5}` : '1'} value={quantity} onChange={(e) => setQuantity(e.target.value)} />
          </Field>
          {members.length ? (
            <Field label="Member">
              <select value={member} onChange={(e) => setMember(e.target.value)}>
                <option value="">—</option>
                {members.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          {account.byoKey ? (
            <label className="row small" title="Bring-your-own-key usage is recorded for the reports but costs no credits">
              <input type="checkbox" checked={byoKey} onChange={(e) => setByoKey(e.target.checked)} /> Ran on my own API key (no credits)
            </label>
          ) : null}
          <button className="btn primary" type="submit" disabled={busy || !chosen}>
            Record
          </button>
        </form>
      ) : null}
    </div>
  );
}

function OutcomeNotice({ outcome, zone, onClose }: { outcome: Outcome; zone: string; onClose: () => void }) {
  if (!outcome.ok) {
    return (
      <div className="row" style={{ alignItems: 'stretch' }} data-testid="use-outcome">
        <div style={{ flex: 1 }}>
          <ErrorNotice error={outcome.error} zone={zone} />
        </div>
        <button className="btn ghost small" onClick={onClose} aria-label="Dismiss">
          ✕
        </button>
      </div>
    );
  }
  const r = outcome.result;
  const what = r.status === 'free' ? 'free' : r.status === 'bypassed' ? 'own key — no credits used' : r.status === 'covered' ? `already paid by ${r.coveredBy}` : r.status === 'duplicate' ? 'already recorded (same key) — nothing charged' : plural(r.credits, 'credit');
  return (
    <div className="row" style={{ alignItems: 'stretch' }} data-testid="use-outcome">
      <div className="notice ok" role="status" style={{ flex: 1 }}>
        <span>
          <strong>Recorded {r.action}</strong> · {what} · {r.eventId}
          {r.alerts.length ? ` · ${r.alerts.map((a) => a.message.replace(/^[^:]*: /, '')).join(' · ')}` : ''}
        </span>
        <UndoAction eventId={r.eventId} zone={zone} />
      </div>
      <button className="btn ghost small" onClick={onClose} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}

/** The newest paid (or since refunded) purchase of a pool's credits. */
function lastPaid(list: PurchaseView[] | undefined, pool: string): PurchaseView | undefined {
  return list?.find((x) => x.pool === pool && x.paid !== null);
}

function PoolCard({
  account,
  pool: p,
  forecast: f,
  forecastError,
  zone,
  canTopUp,
  lastTopUp,
}: {
  account: string;
  pool: PoolBalance;
  forecast: PoolForecast | undefined;
  forecastError?: string;
  zone: string;
  canTopUp: boolean;
  lastTopUp?: PurchaseView;
}) {
  // One verdict drives the ring's colour, the badge and the run-out line, so they cannot disagree.
  const v = verdict(p, f);
  const state = v?.tone === 'warn' || v?.tone === 'danger' ? v.tone : 'ok';
  const unit = p.unit;
  return (
    <article className="card pool-card" aria-label={p.label} data-pool={p.pool}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <span className="pool-label">{p.label}</span>
        <VerdictBadge v={v} />
      </div>
      <div className="pool-top">
        <Ring monthly={p.monthlyRemaining ?? 0} topup={p.topupRemaining} allocation={p.allocation ?? 0} unlimited={p.unlimited} state={state} />
        <div className="stack" style={{ gap: 8 }}>
          {p.unlimited ? (
            <div className="big" data-testid="remaining">
              Unlimited
            </div>
          ) : p.topupRemaining > 0 ? (
            <div className="big" data-testid="remaining">
              {credits(p.remaining)} <small>left</small>
            </div>
          ) : (
            <div className="big" data-testid="remaining">
              {credits(p.remaining)} <small>of {credits(p.allocation)} left</small>
            </div>
          )}
          <div className="parts">
            {p.unlimited ? (
              <span>{plural(p.usedThisPeriod, unit)} used this period</span>
            ) : (
              <>
                <span>
                  <i className="dot monthly" />
                  Monthly {credits(p.monthlyRemaining)}
                  {p.topupRemaining > 0 ? ` of ${credits(p.allocation)}` : ''}
                </span>
                {p.topupRemaining > 0 || canTopUp ? (
                  <span>
                    <i className="dot topup" />
                    Top-up {credits(p.topupRemaining)}
                  </span>
                ) : null}
                {p.held > 0 ? (
                  <span>
                    <i className="dot held" />
                    Held {credits(p.held)}
                  </span>
                ) : null}
                <span>
                  <i className="dot used" />
                  Used {credits(p.usedThisPeriod)}
                </span>
              </>
            )}
          </div>
        </div>
      </div>
      <div className="facts">
        <Overdrawn pool={p} />
        <div className="fact">
          <Icon name="clock" size={15} />
          <Countdown to={p.nextReset} zone={zone} />
        </div>
        {f ? (
          <PaceFacts f={f} v={v} unit={unit} zone={zone} nextReset={p.nextReset} />
        ) : forecastError ? (
          <div className="fact faint" data-testid="pace-error">
            <Icon name="trend" size={15} />
            <span>Pace unavailable: {forecastError}</span>
          </div>
        ) : (
          <div style={{ minHeight: 44 }} />
        )}
        {lastTopUp?.paid ? (
          <div className="fact" data-testid="last-top-up">
            <Icon name="purchases" size={15} />
            <span>
              Top-up {day(lastTopUp.createdAt, zone)}: {plural(lastTopUp.credits, unit)} for <strong>{money(lastTopUp.paid.minor, lastTopUp.paid.currency)}</strong> paid
              {lastTopUp.paidPerCredit !== null ? ` · ${exactPrice(lastTopUp.paidPerCredit, lastTopUp.paid.currency)} a ${unit}` : ''}
              <span className="faint"> · {lastTopUp.packName}{lastTopUp.status === 'refunded' ? ' · refunded' : ''}</span>
            </span>
          </div>
        ) : null}
      </div>
      <PoolSource account={account} pool={p} zone={zone} />
    </article>
  );
}

function Countdown({ to, zone }: { to: string; zone: string }) {
  const now = useNow();
  const left = Date.parse(to) - now;
  const passed = left <= 0;
  // When the reset passes, the balances on screen are out of date: read them again.
  useEffect(() => {
    if (passed) refreshAll();
  }, [passed]);
  return (
    <span data-testid="countdown">
      Resets in <span className="countdown">{countdown(left)}</span> <span className="faint nowrap">· {instant(to, zone, now)}</span>
    </span>
  );
}

function PaceFacts({ f, v, unit, zone, nextReset }: { f: PoolForecast; v: Verdict | null; unit: string; zone: string; nextReset: string }) {
  if (f.unlimited) {
    return (
      <div className="fact" data-testid="pace">
        <Icon name="trend" size={15} />
        <span>{f.used > 0 ? `${approx(f.burnPerDay)} a day so far · never runs out` : 'Nothing used yet · never runs out'}</span>
      </div>
    );
  }
  const paceText = f.pace === 'on pace' ? 'Exactly on even pace' : `${plural(f.paceDelta, unit, `${unit}s`, approx)} ${f.pace}`;
  return (
    <>
      <div className="fact" data-testid="pace">
        <Icon name="trend" size={15} />
        <span>
          <span className={f.pace === 'in deficit' ? 'state-warn' : f.pace === 'in reserve' ? 'state-ok' : ''}>{paceText}</span>
          {f.runOutAt !== null ? <span className="faint"> · {approx(f.burnPerDay)} a day</span> : <span className="faint"> · nothing used yet</span>}
        </span>
      </div>
      <VerdictLine v={v} zone={zone} nextReset={nextReset} />
      <div className="fact" data-testid="forfeit">
        <Icon name="hourglass" size={15} />
        <span className={f.forfeitAtReset > 0 ? '' : 'faint'}>
          {f.forfeitAtReset > 0
            ? `${f.runOutAt === null ? '' : '≈ '}${plural(f.forfeitAtReset, unit, `${unit}s`, approx)} will expire unused at the reset${f.runOutAt === null ? ' if none are used' : ' at this pace'}`
            : f.forfeitIfIdle > 0
              ? `None expire at this pace (${approx(f.forfeitIfIdle)} would if you stopped now)`
              : 'No monthly credits left to expire at the reset'}
        </span>
      </div>
    </>
  );
}
