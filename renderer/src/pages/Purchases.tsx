/**
 * Buying credit packs (docs/purchases.md): the packs an account may buy with
 * their price and price per credit, Buy (Stripe Checkout in the system
 * browser, or the provider's own link confirmed by hand), the live status of
 * a payment while Stripe has not confirmed it, and the history with receipts
 * and refunds. Every rule — what may be bought, what it costs per credit,
 * what may be refunded and why not — comes from the API.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { create } from 'zustand';
import { request, type AccountView, type ApiError, type PackView, type PurchaseView, type RefundView } from '../api';
import { Icon } from '../components/icons';
import { Empty, ErrorNotice, ExternalLink, Field, Skeleton } from '../components/ui';
import { countdown, credits, dateTime, exactPrice, humanizeInstants, instant, minorOf, money, plural } from '../lib/format';
import { useNow } from '../store/clock';
import { mutate, refreshAll, useApi } from '../store/query';
import { hrefOf, useRoute } from '../store/route';
import { appWords } from '../lib/app-words';
import { AccountChoice } from '../components/AccountChoice';
import { TeamPurchases } from './TeamPurchases';
import { useTeamAccounts, type TeamAccount } from './team-plans';

/** Checkout started in this window: what was opened, so the panel can offer the URL when the browser did not open. */
interface Watched {
  id: string;
  account: string;
  url: string | null;
  opened: boolean | null;
}

interface WatchState {
  watched: Watched[];
  /** Newer answers of purchases.get than the list may hold, by purchase id. */
  latest: Record<string, PurchaseView>;
  watch: (w: Watched) => void;
  seen: (v: PurchaseView) => void;
  dismiss: (id: string) => void;
}

/** Newer = a longer history (the log is append-only). */
const newer = (a: PurchaseView | undefined, b: PurchaseView | undefined): PurchaseView | undefined => (!a ? b : !b ? a : b.history.length >= a.history.length ? b : a);

/** Kept for the window's life, so leaving the page and coming back keeps the panel and what was opened. */
const useWatch = create<WatchState>()((set) => ({
  watched: [],
  latest: {},
  watch: (w) => set((s) => (s.watched.some((x) => x.id === w.id) ? s : { watched: [w, ...s.watched] })),
  seen: (v) => set((s) => ({ latest: { ...s.latest, [v.id]: newer(s.latest[v.id], v)! } })),
  dismiss: (id) => set((s) => ({ watched: s.watched.filter((x) => x.id !== id) })),
}));

/** How often a pending purchase is checked with Stripe (purchases.get verifies first while pending). */
export const POLL_MS = 2000;

export function Purchases() {
  const params = useRoute((r) => r.params);
  const accounts = useApi('accounts.list', {});
  const list = accounts.data ?? [];
  const teams = useTeamAccounts();
  const account = list.find((a) => a.id === params.account) ?? list.find((a) => a.packPools.length > 0 && a.packs.length > 0) ?? list[0];
  // A joined team's account (TEAM/ACCOUNT): its packs and who buys them, never a Buy button (team-plans.tsx).
  const team = teams.find((a) => a.ref === params.account) ?? (account ? undefined : teams[0]);

  if (accounts.error && !accounts.data) {
    return (
      <Shell>
        <ErrorNotice error={accounts.error} title="The ledger could not be read" />
      </Shell>
    );
  }
  if (!accounts.data) {
    return (
      <Shell>
        <Skeleton height={300} />
      </Shell>
    );
  }
  if (team) {
    return (
      <Shell toolbar={<AccountPicker value={team.ref} accounts={list} teams={teams} />}>
        <TeamPurchases a={team} />
      </Shell>
    );
  }
  if (!account) {
    return (
      <Shell>
        <Empty
          icon="purchases"
          title="No accounts to buy credits for"
          action={
            <a className="btn primary" href={hrefOf('settings', { add: '1' })}>
              <Icon name="plus" size={16} /> Add an account
            </a>
          }
        >
          Credit packs are bought per account. Add the service you subscribe to, then come back to buy its packs.
        </Empty>
      </Shell>
    );
  }
  return <AccountPurchases key={account.id} account={account} accounts={list} teams={teams} />;
}

/** Which account's packs: the local ones, then each joined team's (components/AccountChoice.tsx). */
function AccountPicker({ value, accounts, teams }: { value: string; accounts: AccountView[]; teams: TeamAccount[] }) {
  return (
    <div className="toolbar">
      <AccountChoice value={value} local={accounts} team={teams} />
    </div>
  );
}

function Shell({ children, toolbar }: { children: ReactNode; toolbar?: ReactNode }) {
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Purchases</h1>
          <p>Buy credit packs, follow the payment, and keep the receipts. Credits are added once the payment is confirmed.</p>
        </div>
        {toolbar}
      </div>
      {children}
    </div>
  );
}

/** Ledger text may quote a command in backticks: show it as code. */
function Text({ children }: { children: string }) {
  const parts = children.split('`');
  return <>{parts.map((p, i) => (i % 2 === 1 ? <code key={i}>{p}</code> : p))}</>;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

type StartOutcome = { pack: string; error: ApiError } | null;
interface ManualStart {
  pack: PackView;
  url: string;
  opened: boolean;
}

function AccountPurchases({ account, accounts, teams }: { account: AccountView; accounts: AccountView[]; teams: TeamAccount[] }) {
  const packs = useApi('purchases.packs', { account: account.id });
  const history = useApi('purchases.list', { account: account.id, limit: 50 });
  const balance = useApi('balance.get', { account: account.id });
  const watched = useWatch((s) => s.watched);
  const latest = useWatch((s) => s.latest);
  const [busy, setBusy] = useState<string | null>(null);
  const [startError, setStartError] = useState<StartOutcome>(null);
  const [manual, setManual] = useState<ManualStart | null>(null);
  const [recorded, setRecorded] = useState<PurchaseView | null>(null);

  // A purchase still pending (started earlier, in another window or from the CLI) is watched too.
  useEffect(() => {
    for (const p of history.data ?? []) if (p.status === 'pending') useWatch.getState().watch({ id: p.id, account: p.account, url: null, opened: null });
  }, [history.data]);

  const poolLabel = (id: string) => balance.data?.pools.find((p) => p.pool === id)?.label ?? id;
  const zone = account.zone;

  const buy = async (pack: PackView) => {
    setBusy(pack.id);
    setStartError(null);
    setRecorded(null);
    const env = await mutate('purchases.start', { account: account.id, pack: pack.id });
    setBusy(null);
    if (!env.ok) {
      // A Stripe failure still recorded the purchase (as failed): read the history again.
      if (env.error.code === 'error') refreshAll();
      setStartError({ pack: pack.id, error: env.error });
      return;
    }
    const r = env.result;
    if (r.via === 'stripe' && r.purchase) {
      useWatch.getState().seen(r.purchase);
      useWatch.getState().watch({ id: r.purchase.id, account: account.id, url: r.url, opened: r.opened });
      setManual(null);
    } else {
      setManual({ pack, url: r.url, opened: r.opened });
    }
  };

  const panels = watched
    .filter((w) => w.account === account.id)
    .map((w) => ({ w, view: newer(history.data?.find((p) => p.id === w.id), latest[w.id]) }))
    .filter((x): x is { w: Watched; view: PurchaseView } => x.view !== undefined);

  const toolbar = <AccountPicker value={account.id} accounts={accounts} teams={teams} />;

  return (
    <Shell toolbar={toolbar}>
      {panels.length ? (
        <div className="stack" aria-label="Payments in progress">
          {panels.map(({ w, view }) => (
            <PurchasePanel key={w.id} view={view} watched={w} zone={zone} />
          ))}
        </div>
      ) : null}

      {manual ? (
        <ManualConfirm
          key={manual.pack.id}
          account={account}
          start={manual}
          onDone={(v) => {
            setManual(null);
            setRecorded(v);
          }}
          onCancel={() => setManual(null)}
        />
      ) : null}
      {recorded ? (
        <div className="notice ok" role="status" data-testid="manual-recorded">
          <strong>Recorded {recorded.packName}</strong>
          <span>
            {plural(recorded.credits, 'credit')} added
            {recorded.paid ? ` · ${money(recorded.paid.minor, recorded.paid.currency)} paid` : ''} · {recorded.note}
          </span>
        </div>
      ) : null}

      <section aria-labelledby="packs-h" className="stack">
        <div className="card-head" style={{ marginBottom: 0 }}>
          <h2 id="packs-h">Credit packs for {account.name}</h2>
          <p>
            {account.providerName} · {account.planName}
          </p>
        </div>
        {packs.error && !packs.data ? <ErrorNotice error={packs.error} zone={zone} /> : null}
        {!packs.data ? (
          packs.error ? null : (
            <Skeleton height={200} />
          )
        ) : packs.data.length === 0 ? (
          <div className="card empty-inline" data-testid="no-packs">
            {account.providerName} sells no credit packs. If you keep running out, a bigger plan is the way to get more — compare them on the{' '}
            <a href={hrefOf('plans', { preset: account.provider })}>Plans</a> page.
          </div>
        ) : (
          <div className="packs">
            {packs.data.map((p) => (
              <PackCard
                key={p.id}
                pack={p}
                poolLabel={poolLabel(p.pool)}
                account={account}
                busy={busy === p.id}
                disabled={busy !== null}
                error={startError?.pack === p.id ? startError.error : undefined}
                zone={zone}
                onBuy={() => void buy(p)}
              />
            ))}
          </div>
        )}
      </section>

      <History account={account} purchases={history.data} error={history.error} poolLabel={poolLabel} />
    </Shell>
  );
}

function viaText(p: PackView): string {
  if (p.via === 'stripe') return 'Stripe Checkout, in your browser';
  if (p.via === 'link' && p.url) return `On ${hostOf(p.url)}, then confirm here`;
  return 'Not sold through Creditdeck';
}

/**
 * Why a pack cannot be bought, in the app's words: what to do here, never a
 * command or an environment variable (the developer's setup for Stripe is on
 * Settings → Payments and in docs/purchases.md).
 */
function WhyNot({ pack: p, account }: { pack: PackView; account: AccountView }) {
  if (p.blocker === 'stripe')
    return (
      <>
        Buying here needs Stripe, which is not set up yet: <a href={hrefOf('settings', { account: account.id })}>Settings → Payments</a>.
      </>
    );
  if (p.blocker === 'unpriced')
    return (
      <>
        Buy it from {account.providerName}, then record what arrived and what you paid in <a href={hrefOf('settings', { account: account.id })}>Settings → Add credits</a>: it is listed in the history below.
      </>
    );
  return <Text>{p.reason ?? ''}</Text>;
}

function PackCard({ pack: p, poolLabel, account, busy, disabled, error, zone, onBuy }: { pack: PackView; poolLabel: string; account: AccountView; busy: boolean; disabled: boolean; error?: ApiError; zone: string; onBuy: () => void }) {
  const currency = p.price?.currency ?? 'USD';
  return (
    <article className={`card pack${p.buyable ? '' : ' unavailable'}`} aria-label={`${p.name} pack`} data-pack={p.id}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h3>{p.name}</h3>
        <span className="badge">{poolLabel}</span>
      </div>
      <div>
        <div className="pack-credits" data-testid="pack-credits">
          {p.credits === null ? 'Any amount' : plural(p.credits, 'credit')}
        </div>
        <div className="row" style={{ gap: 10, alignItems: 'baseline' }}>
          <span className="price" data-testid="pack-price">
            {p.price ? money(p.price.minor, currency) : <span className="faint" style={{ fontSize: 16 }}>Price not stated</span>}
          </span>
          {p.perCredit !== null ? (
            <span className="cpu" data-testid="per-credit">
              {exactPrice(p.perCredit, currency)} per credit
            </span>
          ) : null}
        </div>
      </div>
      <div className="fact small muted">
        <Icon name={p.via === 'stripe' ? 'wallet' : 'purchases'} size={15} />
        <span data-testid="pack-via">{viaText(p)}</span>
      </div>
      {p.note ? <p className="faint small">{appWords(p.note)}</p> : null}
      <div className="pack-foot">
        <button className="btn primary" disabled={!p.buyable || disabled} onClick={onBuy} aria-describedby={p.reason ? `why-${p.id}` : undefined}>
          {busy ? 'Starting…' : p.via === 'link' ? `Buy on ${p.url ? hostOf(p.url) : 'the provider’s site'}` : `Buy${p.price ? ` for ${money(p.price.minor, currency)}` : ''}`}
        </button>
        {p.reason ? (
          <p className="small muted" id={`why-${p.id}`} data-testid="pack-reason">
            <WhyNot pack={p} account={account} />
          </p>
        ) : null}
      </div>
      {error ? <ErrorNotice error={error} zone={zone} title={error.code === 'refused' ? undefined : 'The purchase could not start'} /> : null}
    </article>
  );
}

/** The URL to pay at, when the browser did not open it: copy it or follow it. */
function UrlToCopy({ url, label }: { url: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="row copy-url">
      <input readOnly value={url} aria-label={label} onFocus={(e) => e.currentTarget.select()} className="mono" />
      <button type="button" className="btn small" onClick={() => void copy()}>
        {copied ? 'Copied' : 'Copy'}
      </button>
      <ExternalLink href={url} className="btn small">
        Open
      </ExternalLink>
    </div>
  );
}

/** One purchase being paid: polled with Stripe while pending, then its outcome. */
function PurchasePanel({ view, watched, zone }: { view: PurchaseView; watched: Watched; zone: string }) {
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const pending = view.status === 'pending';

  const check = async (recheck = false) => {
    setChecking(true);
    const env = await request('purchases.get', { purchase: view.id, ...(recheck ? { recheck: true } : {}) });
    setChecking(false);
    if (!env.ok) {
      setError(env.error);
      return;
    }
    setError(null);
    useWatch.getState().seen(env.result);
    // Paid (credits granted), expired or failed: every balance and list on screen reads again.
    if (env.result.status !== 'pending' || env.result.history.length !== view.history.length) refreshAll();
  };

  useEffect(() => {
    if (!pending) return;
    let busy = false;
    let stopped = false;
    const timer = setInterval(() => {
      if (busy || stopped || document.visibilityState === 'hidden') return;
      busy = true;
      void request('purchases.get', { purchase: view.id }).then((env) => {
        busy = false;
        if (stopped) return;
        if (!env.ok) return setError(env.error);
        setError(null);
        useWatch.getState().seen(env.result);
        if (env.result.status !== 'pending') refreshAll();
      });
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [pending, view.id]);

  const cancel = async () => {
    setChecking(true);
    const env = await mutate('purchases.cancel', { purchase: view.id });
    setChecking(false);
    if (env.ok) useWatch.getState().seen(env.result);
    else setError(env.error);
  };

  const title = `${view.packName} · ${plural(view.credits, 'credit')} · ${money(view.price.minor, view.price.currency)}`;
  const dismiss = (
    <button className="btn ghost small" onClick={() => useWatch.getState().dismiss(view.id)} aria-label={`Dismiss ${view.packName}`}>
      ✕
    </button>
  );

  return (
    <section className={`card purchase-panel ${view.status}`} aria-label={`Purchase ${view.id}`} data-testid="purchase-panel" data-status={view.status} aria-live="polite">
      {pending ? (
        <div className="stack" style={{ gap: 10 }}>
          <div className="row" style={{ justifyContent: 'space-between' }}>
            <div className="row">
              <span className="spinner" aria-hidden="true" />
              <strong data-testid="panel-title">Waiting for payment in your browser…</strong>
            </div>
            <span className="badge accent">pending</span>
          </div>
          <p className="muted">
            {title}. {watched.opened ? 'Stripe Checkout is open in your browser. ' : ''}The credits are added as soon as Stripe confirms the payment; this page checks every few seconds.
          </p>
          {watched.opened === false && (view.checkoutUrl ?? watched.url) ? (
            <div className="notice warn" role="alert">
              <strong>The browser did not open</strong>
              <span>Open this Checkout link to pay:</span>
              <UrlToCopy url={(view.checkoutUrl ?? watched.url)!} label="Checkout link" />
            </div>
          ) : null}
          {view.message ? (
            <div className="notice warn">
              <span>
                <Text>{humanizeInstants(view.message, zone)}</Text>
              </span>
            </div>
          ) : null}
          {error ? <ErrorNotice error={error} zone={zone} title="Could not check the payment" /> : null}
          <div className="row">
            {view.expiresAt ? <Expiry at={view.expiresAt} zone={zone} /> : null}
            <span className="spacer" />
            {watched.opened === null && view.checkoutUrl ? (
              <ExternalLink href={view.checkoutUrl} className="btn ghost small">
                Open Checkout again
              </ExternalLink>
            ) : null}
            <button className="btn small" onClick={() => void check()} disabled={checking}>
              <Icon name="refresh" size={14} /> Check now
            </button>
            <button className="btn ghost small" onClick={() => void cancel()} disabled={checking} title="Close the Checkout page so it can no longer be paid">
              Cancel checkout
            </button>
          </div>
        </div>
      ) : view.status === 'paid' || view.status === 'refunded' ? (
        <div className="row" style={{ alignItems: 'flex-start', justifyContent: 'space-between' }}>
          <div className="row" style={{ alignItems: 'flex-start', gap: 12, flexWrap: 'nowrap' }}>
            <span className="status-icon ok" aria-hidden="true">
              <Icon name="check" size={18} />
            </span>
            <div className="stack" style={{ gap: 4 }}>
              <strong data-testid="panel-title">{view.status === 'refunded' ? 'Paid, since refunded' : `Payment received — ${plural(view.credits, 'credit')} added`}</strong>
              <span className="muted">
                {view.packName}
                {view.paid ? ` · ${money(view.paid.minor, view.paid.currency)} paid` : ''} · {instant(view.updatedAt, zone)}
              </span>
              <span className="row small">
                {view.receiptUrl ? (
                  <ExternalLink href={view.receiptUrl}>
                    <Icon name="receipt" size={14} /> Receipt
                  </ExternalLink>
                ) : null}
                <a href={hrefOf('dashboard')}>See the balance on the Dashboard</a>
              </span>
            </div>
          </div>
          {dismiss}
        </div>
      ) : (
        <div className="row" style={{ alignItems: 'flex-start', justifyContent: 'space-between' }}>
          <div className={`notice ${view.status === 'failed' ? 'danger' : 'warn'}`} style={{ flex: 1 }} role="alert">
            <strong data-testid="panel-title">{view.status === 'failed' ? 'Payment not completed' : 'Checkout closed — nothing was charged'}</strong>
            <span>
              {title}
              {view.message ? (
                <>
                  {' · '}
                  <Text>{humanizeInstants(view.message, zone)}</Text>
                </>
              ) : null}
            </span>
            {error ? <span>{error.message}</span> : null}
            <span className="row" style={{ marginTop: 6 }}>
              <button className="btn small" onClick={() => void check(true)} disabled={checking} title="If you did pay, Stripe is asked again and the credits are added">
                Check with Stripe again
              </button>
            </span>
          </div>
          {dismiss}
        </div>
      )}
    </section>
  );
}

function Expiry({ at, zone }: { at: string; zone: string }) {
  const now = useNow();
  const left = Date.parse(at) - now;
  return (
    <span className="small muted" data-testid="expiry">
      <Icon name="clock" size={14} />{' '}
      {left > 0 ? (
        <>
          Checkout closes in <span className="countdown">{countdown(left)}</span> · {instant(at, zone, now)}
        </>
      ) : (
        'Checkout has closed; checking with Stripe…'
      )}
    </span>
  );
}

/** After the provider's own link: the buyer says what arrived; recorded as a paid purchase with its credits. */
function ManualConfirm({ account, start, onDone, onCancel }: { account: AccountView; start: ManualStart; onDone: (v: PurchaseView) => void; onCancel: () => void }) {
  const { pack } = start;
  const [amount, setAmount] = useState(pack.credits === null ? '' : String(pack.credits));
  const [paid, setPaid] = useState(pack.price ? (pack.price.minor / 100).toFixed(2) : '');
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const priceMinor = paid.trim() === '' ? undefined : minorOf(paid);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (priceMinor === null) {
      setError({ code: 'invalid_input', message: 'Write what you paid as an amount, e.g. 12.50', field: 'priceMinor' });
      return;
    }
    setBusy(true);
    const env = await mutate('purchases.confirmManual', {
      account: account.id,
      pack: pack.id,
      note: note.trim(),
      ...(pack.credits === null || amount.trim() !== String(pack.credits) ? { credits: amount.trim() } : {}),
      ...(priceMinor !== undefined && priceMinor !== pack.price?.minor ? { priceMinor } : {}),
    });
    setBusy(false);
    if (env.ok) onDone(env.result);
    else setError(env.error);
  };

  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} aria-label="Confirm what arrived" data-testid="manual-confirm">
      <div className="card-head" style={{ marginBottom: 0 }}>
        <h2>Confirm what arrived — {pack.name}</h2>
        <button type="button" className="btn ghost small" onClick={onCancel}>
          Not now
        </button>
      </div>
      <p className="muted">
        {start.opened ? `${hostOf(start.url)} opened in your browser. ` : ''}Once you have paid there, say what arrived: Creditdeck records it as a paid purchase and adds the credits. Nothing is recorded until you confirm.
      </p>
      {!start.opened ? (
        <div className="notice warn">
          <strong>The browser did not open</strong>
          <span>Buy the pack on the provider’s page:</span>
          <UrlToCopy url={start.url} label="Provider link" />
        </div>
      ) : null}
      <div className="form-grid">
        <Field label="Credits that arrived" hint={pack.credits === null ? 'The pack has no fixed amount' : `The pack gives ${credits(pack.credits)}`}>
          <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} required />
        </Field>
        <Field label={`Paid (${pack.price?.currency ?? 'USD'})`} hint={pack.price ? `The pack costs ${money(pack.price.minor, pack.price.currency)}` : 'The pack has no stated price'}>
          <input inputMode="decimal" value={paid} onChange={(e) => setPaid(e.target.value)} required={pack.price === null} aria-invalid={priceMinor === null} />
        </Field>
        <Field label="Note" hint="The provider’s receipt or order number">
          <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} required placeholder="e.g. order #4711" />
        </Field>
      </div>
      {error ? <ErrorNotice error={error} zone={account.zone} /> : null}
      <div className="form-actions" style={{ marginTop: 0 }}>
        <button className="btn primary" type="submit" disabled={busy || note.trim() === ''}>
          Record the purchase
        </button>
      </div>
    </form>
  );
}

const STATUS_BADGE: Record<PurchaseView['status'], string> = { pending: 'accent', paid: 'ok', failed: 'danger', expired: 'warn', refunded: '' };

function History({ account, purchases, error, poolLabel }: { account: AccountView; purchases: PurchaseView[] | undefined; error: ApiError | undefined; poolLabel: (id: string) => string }) {
  const [outcome, setOutcome] = useState<{ ok: true; result: RefundView } | { ok: false; error: ApiError } | null>(null);
  const zone = account.zone;
  return (
    <section className="card" aria-labelledby="history-h">
      <div className="card-head">
        <h2 id="history-h">History</h2>
        <p>{purchases?.length ? plural(purchases.length, 'purchase') : ''}</p>
      </div>
      {outcome ? (
        outcome.ok ? (
          <div className="notice ok" role="status" data-testid="refund-outcome" style={{ marginBottom: 12 }}>
            <strong>Refunded {outcome.result.purchase.packName}</strong>
            <span>
              {plural(outcome.result.credits, 'credit')} taken back · {money(outcome.result.amount.minor, outcome.result.amount.currency)} returned to the card
            </span>
          </div>
        ) : (
          <div style={{ marginBottom: 12 }} data-testid="refund-outcome">
            <ErrorNotice error={outcome.error} zone={zone} />
          </div>
        )
      ) : null}
      {error && !purchases ? <ErrorNotice error={error} zone={zone} /> : null}
      {!purchases ? (
        error ? null : (
          <Skeleton height={120} />
        )
      ) : purchases.length === 0 ? (
        <p className="empty-inline">No purchases yet. Each pack you buy is listed here with its receipt, and a refund where the provider allows one.</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Purchase history (scrolls sideways)">
          <table aria-label="Purchase history">
            <thead>
              <tr>
                <th>Date</th>
                <th>Pack</th>
                <th className="num">Credits</th>
                <th className="num">Paid</th>
                <th className="num">Per credit</th>
                <th>Status</th>
                <th>Receipt</th>
                <th>
                  <span className="sr-only">Refund</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {purchases.map((p) => (
                <tr key={p.id} data-purchase={p.id}>
                  <td className="nowrap">{dateTime(p.createdAt, zone)}</td>
                  <td>
                    {p.packName}
                    <div className="faint small">
                      {poolLabel(p.pool)} · <span data-testid="purchase-via">{p.via === 'stripe' ? 'Stripe' : p.via === 'link' ? 'provider link' : 'recorded by hand'}</span>
                      {p.note && p.via !== 'stripe' ? ` · ${p.note}` : ''}
                    </div>
                  </td>
                  <td className="num">
                    {credits(p.credits)}
                    {p.refund ? <div className="faint small">−{credits(p.refund.credits)} refunded</div> : null}
                  </td>
                  <td className="num">
                    {p.paid ? money(p.paid.minor, p.paid.currency) : <span className="faint">{p.status === 'pending' ? `${money(p.price.minor, p.price.currency)} due` : 'nothing charged'}</span>}
                    {p.refund ? <div className="faint small">−{money(p.refund.amount.minor, p.refund.amount.currency)} back</div> : null}
                  </td>
                  <td className="num" data-testid="paid-per-credit" title={p.paidPerCredit !== null ? 'What was paid, per credit added' : undefined}>
                    {p.paidPerCredit !== null && p.paid ? exactPrice(p.paidPerCredit, p.paid.currency) : <span className="faint">—</span>}
                  </td>
                  <td>
                    <span className={`badge ${STATUS_BADGE[p.status]}`} title={p.message ? humanizeInstants(p.message, zone) : undefined}>
                      {p.status}
                    </span>
                  </td>
                  <td>{p.receiptUrl ? <ExternalLink href={p.receiptUrl}>Receipt</ExternalLink> : <span className="faint">—</span>}</td>
                  <td className="nowrap" style={{ textAlign: 'right' }}>
                    <RefundCell purchase={p} onDone={setOutcome} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RefundCell({ purchase: p, onDone }: { purchase: PurchaseView; onDone: (o: { ok: true; result: RefundView } | { ok: false; error: ApiError }) => void }) {
  const [step, setStep] = useState<'idle' | 'confirm' | 'busy'>('idle');
  if (p.refundable) {
    if (step === 'idle') {
      return (
        <button className="btn small" onClick={() => setStep('confirm')}>
          Refund…
        </button>
      );
    }
    const run = async () => {
      setStep('busy');
      const env = await mutate('purchases.refund', { purchase: p.id });
      setStep('idle');
      onDone(env.ok ? { ok: true, result: env.result } : { ok: false, error: env.error });
    };
    return (
      <span className="row" style={{ justifyContent: 'flex-end', flexWrap: 'nowrap' }} role="group" aria-label={`Refund ${p.packName}`}>
        <span className="small muted">Refund the unused credits?</span>
        <button className="btn small danger" onClick={() => void run()} disabled={step === 'busy'}>
          {step === 'busy' ? 'Refunding…' : 'Yes, refund'}
        </button>
        <button className="btn ghost small" onClick={() => setStep('idle')} disabled={step === 'busy'}>
          Keep
        </button>
      </span>
    );
  }
  // Why not, for a paid purchase only: "already refunded" or "not paid" say nothing the status does not.
  if (p.status !== 'paid' || !p.refundReason) return null;
  return (
    <span className="small faint hint" title={p.refundReason} data-testid="refund-reason">
      No refund <Icon name="info" size={13} />
      <span className="sr-only">: {p.refundReason}</span>
    </span>
  );
}
