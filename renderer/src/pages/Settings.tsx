import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { isDesktopApp, type AccountDetail, type ActionView, type PresetSummary } from '../api';
import { ErrorNotice, Field, Skeleton } from '../components/ui';
import { credits, dateTime, localDate, money } from '../lib/format';
import { useApi } from '../store/query';
import { hrefOf, setParams, useRoute } from '../store/route';
import { useCan, useSession } from '../store/session';
import { TeamHosting } from './settings/TeamHosting';
import { FluximageKey } from './settings/FluximageKey';
import { TeamJoin } from './settings/TeamJoin';
import { CalendarDownload } from '../components/CalendarDownload';
import { blankToNull, monthlyLabel, Section, useWrite } from './settings/form';
import { RestoreBackup } from './settings/RestoreBackup';
import { PlanChange } from './settings/PlanChange';
import { AccountAdmin, ArchivedAccounts } from './settings/AccountAdmin';
import { AccountMembers } from './settings/AccountMembers';
import { GraceWindow } from './settings/GraceWindow';
import { OpeningFields, openingInput } from './settings/OpeningFields';

export function Settings() {
  const accounts = useApi('accounts.list', {});
  const params = useRoute((r) => r.params);
  const list = accounts.data ?? [];
  const selected = list.find((a) => a.id === params.account) ?? list[0];
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  // On a team host an admin changes the rest; accounts, plans, top-ups, Stripe and backups are the owner's (docs/team.md).
  const owner = useCan('owner');
  const showAdd = owner && (adding || params.add === '1' || list.length === 0);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p>Accounts, their rate cards, limits, alert levels and members.</p>
        </div>
        {owner && !showAdd ? (
          <button className="btn primary" onClick={() => (setAdding(true), setAdded(null))}>
            + Add an account
          </button>
        ) : null}
      </div>
      {accounts.error && !accounts.data ? <ErrorNotice error={accounts.error} title="The ledger could not be read" /> : null}
      {!accounts.data ? (
        <Skeleton height={300} />
      ) : (
        <>
          {showAdd ? (
            <AddAccount
              first={list.length === 0}
              onClose={list.length ? () => (setAdding(false), setParams({ add: undefined })) : undefined}
              onAdded={(id, name) => {
                setAdding(false);
                setAdded(name);
                setParams({ add: undefined, account: id });
              }}
            />
          ) : null}
          {added && !showAdd ? (
            <div className="notice ok" role="status">
              <span>
                <strong>Added {added}.</strong> It is on the <a href={hrefOf('dashboard')}>Dashboard</a>; its rate card, limits and members are below.
              </span>
            </div>
          ) : null}
          {list.length ? (
            <>
              <div className="tabs" role="tablist" aria-label="Account">
                {list.map((a) => (
                  <button key={a.id} role="tab" aria-selected={a.id === selected?.id} onClick={() => setParams({ account: a.id })}>
                    {a.name}
                  </button>
                ))}
              </div>
              {selected ? <ManageAccount key={selected.id} id={selected.id} /> : null}
            </>
          ) : null}
          {owner ? <ArchivedAccounts /> : null}
          {owner && isDesktopApp() ? <TeamHosting /> : null}
          {owner && isDesktopApp() ? <TeamJoin /> : null}
          {owner ? <PaymentsSection /> : null}
          {owner && isDesktopApp() ? <FluximageKey /> : null}
          {owner ? <DataSection /> : null}
        </>
      )}
    </div>
  );
}

/**
 * Stripe, for buying credit packs (docs/purchases.md). The page only ever
 * learns whether a key is set up and in which mode (payments.status). In the
 * desktop app the keys can be saved here: payments.setKeys sends them to the
 * main process, which keeps them encrypted with the system's keychain and
 * never sends them back. A browser cannot set them: the web host reads its
 * own environment or key file.
 */
function PaymentsSection() {
  const status = useApi('payments.status', {});
  const desktop = isDesktopApp();
  const [secretKey, setSecretKey] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const write = useWrite('payments.setKeys');
  const s = status.data;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const env = await write.run({ secretKey, ...(webhookSecret.trim() ? { webhookSecret } : {}) }, (r) => `Saved. Stripe is set up in ${r.mode ?? 'an unknown'} mode; the keys are stored encrypted and are not shown again.`);
    // Never keep a saved key on screen; a rejected one stays so it can be corrected.
    if (env.ok) {
      setSecretKey('');
      setWebhookSecret('');
    }
  };
  return (
    <div style={{ marginTop: 18 }}>
      <Section title="Payments (Stripe)" subtitle="Credit packs are bought through Stripe Checkout in your browser, with your Stripe account's key.">
        <div className="row" style={{ gap: 10, marginBottom: 12 }} data-testid="stripe-status">
          {status.error && !s ? (
            <ErrorNotice error={status.error} />
          ) : !s ? (
            <span className="faint">Checking…</span>
          ) : s.configured ? (
            <>
              <span className={`badge ${s.mode === 'live' ? 'warn' : 'ok'}`}>{s.mode === 'live' ? 'Live mode' : 'Test mode'}</span>
              <span>{s.mode === 'live' ? 'Set up with a live key: purchases charge real cards.' : 'Set up with a test key: Checkout takes Stripe’s test cards, nothing is charged.'}</span>
            </>
          ) : (
            <>
              <span className="badge">Not set up</span>
              <span className="muted">Packs sold through Stripe cannot be bought until a key is saved.</span>
            </>
          )}
        </div>
        {desktop ? (
          <form aria-label="Stripe keys" onSubmit={(e) => void save(e)} autoComplete="off">
            <div className="form-grid">
              <Field label="Secret key" hint="sk_test_… or sk_live_…, or a restricted key (rk_…) that may write Checkout Sessions and Refunds">
                <input type="password" autoComplete="off" spellCheck={false} value={secretKey} onChange={(e) => setSecretKey(e.target.value)} placeholder={s?.configured ? 'saved (type to replace)' : 'sk_…'} required />
              </Field>
              <Field label="Webhook signing secret (optional)" hint="whsec_…; the app checks payments itself, so it is only needed for webhooks">
                <input type="password" autoComplete="off" spellCheck={false} value={webhookSecret} onChange={(e) => setWebhookSecret(e.target.value)} placeholder="whsec_…" />
              </Field>
            </div>
            <div className="form-actions">
              <button className="btn primary" type="submit" disabled={write.busy || secretKey.trim() === ''}>
                {write.busy ? 'Saving…' : 'Save keys'}
              </button>
            </div>
            <div style={{ marginTop: 10 }}>{write.status()}</div>
            <p className="muted small">Stored encrypted with your system’s keychain, on this computer only. They are never shown again, and STRIPE_SECRET_KEY in the app’s environment takes precedence.</p>
          </form>
        ) : (
          <div className="notice info" data-testid="stripe-host-note">
            <span>
              In a browser the keys cannot be entered: the Creditdeck web host reads them from its environment, <code className="mono">STRIPE_SECRET_KEY</code> and <code className="mono">STRIPE_WEBHOOK_SECRET</code>, or from its key file (<code className="mono">stripe-keys.json</code> in the app’s data folder, mode 600). Set them where the host runs and restart it; see docs/purchases.md. In the desktop app they are saved here.
            </span>
          </div>
        )}
      </Section>
    </div>
  );
}

const size = (bytes: number) => (bytes < 1 << 20 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / (1 << 20)).toFixed(1)} MB`);

/** Backups, exports and the way back (docs/app.md): the desktop app restores a backup at its next start. */
function DataSection() {
  const backups = useApi('data.backups', {});
  const backup = useWrite('data.backup');
  const exporter = useWrite('data.export');
  return (
    <div style={{ marginTop: 18 }}>
      <Section title="Your data" subtitle="The whole ledger, every account: a backup is a copy of the database; an export is every row as JSON Lines.">
        <div className="grid grid-2" style={{ alignItems: 'start' }}>
          <div className="stack" style={{ gap: 10 }}>
            <div className="row">
              <button className="btn primary" disabled={backup.busy} onClick={() => void backup.run({}, (r) => `Backed up to ${r.path} (${size(r.bytes)}).`)}>
                Back up now
              </button>
              <button className="btn" disabled={exporter.busy} onClick={() => void exporter.run({}, (r) => `Exported ${r.rows.toLocaleString('en-US')} rows to ${r.path}.`)}>
                Export (JSON Lines)
              </button>
            </div>
            {backup.status()}
            {exporter.status()}
            <p className="muted small">Backups are taken while the app runs and never overwrite a file. An export loads into a new, empty ledger from the command line.</p>
          </div>
          <div>
            <h3 className="small" style={{ margin: '0 0 6px' }}>Backups</h3>
            {backups.error && !backups.data ? <ErrorNotice error={backups.error} /> : null}
            {backups.data && backups.data.length === 0 ? <p className="muted small">No backups yet.</p> : null}
            {backups.data && backups.data.length ? (
              <table aria-label="Backups">
                <thead>
                  <tr>
                    <th>Taken</th>
                    <th className="num">Size</th>
                  </tr>
                </thead>
                <tbody>
                  {backups.data.slice(0, 5).map((b) => (
                    <tr key={b.path} title={b.path}>
                      <td>{dateTime(b.at)}</td>
                      <td className="num">{size(b.bytes)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            <h3 className="small" style={{ margin: '14px 0 6px' }}>Restore</h3>
            <RestoreBackup backups={backups.data ?? []} />
          </div>
        </div>
      </Section>
    </div>
  );
}

function zones(): string[] {
  try {
    return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  } catch {
    return ['UTC'];
  }
}

const CUSTOM = '__custom';

interface CustomDraft {
  name: string;
  reset: 'anniversary' | 'calendar-month';
  currency: string;
  price: string;
  pools: { name: string; unit: string; monthly: string }[];
}

const blankCustom: CustomDraft = { name: '', reset: 'anniversary', currency: 'USD', price: '', pools: [{ name: 'credits', unit: 'credit', monthly: '' }] };

const slug = (s: string, fallback: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || fallback;

/**
 * A provider document (the same format as the presets) for a service Creditdeck
 * has no preset for: one plan, one action per pool at one credit per unit. The
 * ledger validates it; the rate card editor refines it afterwards.
 */
function customProvider(d: CustomDraft): unknown {
  const pools = d.pools.filter((x) => x.name.trim() !== '');
  const price = d.price.trim() === '' ? null : Math.round(Number(d.price) * 100);
  return {
    id: `custom-${slug(d.name, 'service')}`,
    name: d.name.trim() || 'Custom service',
    currency: d.currency.trim().toUpperCase(),
    reset: d.reset === 'calendar-month' ? { rule: 'calendar-month', zone: 'UTC' } : { rule: 'anniversary' },
    pools: pools.map((x, i) => ({ id: slug(x.name, `pool-${i + 1}`), label: `${x.name.trim()} credits`, unit: x.unit.trim() || 'credit' })),
    plans: [
      {
        id: 'custom',
        name: 'Custom',
        priceCents: price !== null && Number.isFinite(price) ? price : null,
        allocations: Object.fromEntries(pools.map((x, i) => [slug(x.name, `pool-${i + 1}`), x.monthly.trim().toLowerCase() === 'unlimited' ? 'unlimited' : x.monthly.trim()])),
      },
    ],
    actions: pools.map((x, i) => ({ id: slug(x.unit || x.name, `use-${i + 1}`), label: `${x.unit.trim() || 'credit'}`, pool: slug(x.name, `pool-${i + 1}`), cost: 1, per: 1, unit: x.unit.trim() || 'credit' })),
  };
}

function CustomProviderFields({ draft: d, onChange }: { draft: CustomDraft; onChange: (d: CustomDraft) => void }) {
  const setPool = (i: number, patch: Partial<CustomDraft['pools'][number]>) => onChange({ ...d, pools: d.pools.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  return (
    <>
      <Field label="Service name">
        <input value={d.name} required maxLength={80} placeholder="e.g. Acme Video" onChange={(e) => onChange({ ...d, name: e.target.value })} />
      </Field>
      <Field label="Credits reset">
        <select value={d.reset} onChange={(e) => onChange({ ...d, reset: e.target.value as CustomDraft['reset'] })}>
          <option value="anniversary">On the billing date each month</option>
          <option value="calendar-month">On the 1st of each month (UTC)</option>
        </select>
      </Field>
      <Field label="Monthly price" hint="Optional; for cost per unit">
        <input inputMode="decimal" value={d.price} placeholder="e.g. 12.00" onChange={(e) => onChange({ ...d, price: e.target.value })} />
      </Field>
      <Field label="Currency" hint="ISO code">
        <input value={d.currency} maxLength={3} onChange={(e) => onChange({ ...d, currency: e.target.value })} />
      </Field>
      {d.pools.map((x, i) => (
        <div key={i} className="form-grid" style={{ gridColumn: '1 / -1' }} role="group" aria-label={`Pool ${i + 1}`}>
          <Field label={`Pool ${i + 1}`} hint="e.g. credits, video, image">
            <input value={x.name} required={i === 0} maxLength={40} onChange={(e) => setPool(i, { name: e.target.value })} />
          </Field>
          <Field label="Unit" hint="What one credit buys">
            <input value={x.unit} maxLength={40} placeholder="credit" onChange={(e) => setPool(i, { unit: e.target.value })} />
          </Field>
          <Field label="Credits a month" hint='A number, or "unlimited"'>
            <input value={x.monthly} required={x.name.trim() !== ''} onChange={(e) => setPool(i, { monthly: e.target.value })} />
          </Field>
        </div>
      ))}
      {d.pools.length < 4 ? (
        <div style={{ gridColumn: '1 / -1' }}>
          <button type="button" className="btn ghost small" onClick={() => onChange({ ...d, pools: [...d.pools, { name: '', unit: '', monthly: '' }] })}>
            + Another pool
          </button>
        </div>
      ) : null}
    </>
  );
}

function AddAccount({ first, onAdded, onClose }: { first: boolean; onAdded: (id: string, name: string) => void; onClose?: () => void }) {
  const presets = useApi('presets.list', {});
  const list = presets.data ?? [];
  const [preset, setPreset] = useState('');
  const [plan, setPlan] = useState('');
  const [name, setName] = useState('');
  const [tz, setTz] = useState('UTC');
  const [anchor, setAnchor] = useState(() => localDate(Date.now(), 'UTC'));
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  const [used, setUsed] = useState<Record<string, string>>({});
  const write = useWrite('accounts.add');
  const allZones = useMemo(zones, []);
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const [custom, setCustom] = useState<CustomDraft>(blankCustom);
  const isCustom = preset === CUSTOM;
  const p: PresetSummary | undefined = list.find((x) => x.id === preset);
  const pl = p?.plans.find((x) => x.id === plan);
  const missing = pl ? Object.entries(pl.allocations).filter(([, v]) => v === null).map(([k]) => k) : [];

  useEffect(() => {
    if (p && !p.plans.some((x) => x.id === plan)) setPlan(p.plans[0]?.id ?? '');
  }, [p, plan]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (isCustom) {
      const provider = customProvider(custom);
      const env = await write.run({ provider, plan: 'custom', ...(name.trim() ? { name: name.trim() } : { name: custom.name.trim() }), anchor, tz }, (a) => `Added ${a.name}.`);
      if (env.ok) onAdded(env.result.id, env.result.name);
      return;
    }
    if (!p || !pl) return;
    const env = await write.run(
      {
        preset: p.id,
        plan: pl.id,
        ...(name.trim() ? { name: name.trim() } : {}),
        anchor,
        tz,
        ...(missing.length ? { amounts: Object.fromEntries(missing.map((k) => [k, amounts[k]?.trim() ?? ''])) } : {}),
        ...(openingInput(used) ? { used: openingInput(used) } : {}),
      },
      (a) => `Added ${a.name}.`,
    );
    if (env.ok) onAdded(env.result.id, env.result.name);
  };

  return (
    <section className="card" aria-labelledby="add-account">
      <div className="card-head">
        <div>
          <h2 id="add-account">{first ? 'Add your first account' : 'Add an account'}</h2>
          <p style={{ marginTop: 4 }}>Pick the service and plan you subscribe to; its credit rules come from the preset.</p>
        </div>
        {onClose ? (
          <button className="btn ghost small" onClick={onClose}>
            Cancel
          </button>
        ) : null}
      </div>
      <form onSubmit={submit} aria-label="Add an account">
        <div className="form-grid">
          <Field label="Service">
            <select value={preset} onChange={(e) => setPreset(e.target.value)} required>
              <option value="" disabled>
                Choose…
              </option>
              {list.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
              <option value={CUSTOM}>Another service (custom)…</option>
            </select>
          </Field>
          {isCustom ? <CustomProviderFields draft={custom} onChange={setCustom} /> : null}
          {isCustom ? null : <Field label="Plan">
            <select value={plan} onChange={(e) => setPlan(e.target.value)} disabled={!p} required>
              {(p?.plans ?? []).map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                  {x.priceCents ? ` — ${money(x.priceCents)}/mo` : ''}
                </option>
              ))}
            </select>
          </Field>}
          <Field label="Name" hint="Shown on the dashboard">
            <input value={name} placeholder={p && pl ? `${p.name} ${pl.name}` : 'e.g. FluxNote Rise'} onChange={(e) => setName(e.target.value)} maxLength={80} />
          </Field>
          <Field label="Billing anchor" hint={(isCustom ? custom.reset : p?.reset) === 'calendar-month' ? 'Resets on the 1st of each month (UTC) whatever this date' : 'The day you subscribed: credits reset on that day each month'}>
            <input type="date" value={anchor} onChange={(e) => setAnchor(e.target.value)} required />
          </Field>
          <Field
            label="Time zone"
            hint={
              tz !== localZone ? (
                <>
                  Resets at local midnight ·{' '}
                  <a
                    href="#"
                    onClick={(e) => {
                      e.preventDefault();
                      setTz(localZone);
                    }}
                  >
                    use {localZone}
                  </a>
                </>
              ) : (
                'Resets at local midnight'
              )
            }
          >
            <select value={tz} onChange={(e) => setTz(e.target.value)}>
              {allZones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </Field>
          {missing.map((pool) => (
            <Field key={pool} label={monthlyLabel(pool)} hint="The provider's docs give no number: enter your plan's">
              <input inputMode="decimal" required value={amounts[pool] ?? ''} onChange={(e) => setAmounts({ ...amounts, [pool]: e.target.value })} />
            </Field>
          ))}
        </div>
        {p && !isCustom ? (
          <div style={{ marginTop: 16 }}>
            <OpeningFields pools={p.pools} used={used} onChange={setUsed} />
          </div>
        ) : null}
        {pl ? (
          <p className="muted small" style={{ marginTop: 12 }}>
            {Object.entries(pl.allocations)
              .map(([pool, v]) => `${v === null ? '?' : v === 'unlimited' ? 'unlimited' : credits(Number(v))} ${pool}`)
              .join(' · ')}{' '}
            credits a month.
          </p>
        ) : null}
        <div className="form-actions">
          <button className="btn primary" type="submit" disabled={write.busy || (!pl && !isCustom)}>
            Add account
          </button>
        </div>
      </form>
      <div style={{ marginTop: 12 }}>{write.status()}</div>
    </section>
  );
}

function ManageAccount({ id }: { id: string }) {
  const owner = useCan('owner');
  // Late entries come only from members' devices: the grace window is a team ledger's (docs/team.md), set by admins.
  const team = useSession((s) => s.mode === 'team');
  const teamAdmin = useCan('admin') && team;
  const detail = useApi('accounts.show', { account: id });
  const a = detail.data;
  if (detail.error && !a) return <ErrorNotice error={detail.error} />;
  if (!a) return <Skeleton height={300} />;
  return (
    <div className="grid grid-2" style={{ alignItems: 'start' }}>
      {owner ? <PlanSection a={a} /> : null}
      <LimitsSection a={a} />
      {teamAdmin ? <GraceWindow a={a} /> : null}
      <AccountAdmin a={a} />
      <div style={{ gridColumn: '1 / -1' }}>
        <RateCardSection a={a} />
      </div>
      {owner ? <CreditsSection a={a} /> : null}
      <AccountMembers a={a} />
      <DailyLimitsSection a={a} />
    </div>
  );
}

function PlanSection({ a }: { a: AccountDetail }) {
  const presets = useApi('presets.list', {});
  const plans = presets.data?.find((p) => p.id === a.provider)?.plans ?? [];
  return (
    <Section title="Plan and billing" subtitle="The zone and anchor define the billing cycle and are fixed once the account exists.">
      <dl className="kv">
        <dt>Service</dt>
        <dd>{a.providerName}</dd>
        <dt>Plan</dt>
        <dd>
          {a.planName}{' '}
          <span className="faint">
            (
            {Object.entries(a.amounts)
              .map(([k, v]) => `${v === 'unlimited' ? 'unlimited' : credits(Number(v))} ${k === 'credits' ? 'credits' : `${k} credits`}`)
              .join(', ')}
            )
          </span>
        </dd>
        <dt>Resets</dt>
        <dd>
          {a.reset} <CalendarDownload account={a.id} />
        </dd>
        <dt>Anchor · zone</dt>
        <dd>
          {a.anchor} · {a.zone}
        </dd>
        <dt>Added</dt>
        <dd>{dateTime(a.createdAt, a.zone)}</dd>
        <dt>Account id</dt>
        <dd className="mono">{a.id}</dd>
      </dl>
      <hr className="sep" />
      <PlanChange a={a} plans={plans} />
    </Section>
  );
}

function LimitsSection({ a }: { a: AccountDetail }) {
  const [limit, setLimit] = useState(a.monthlyLimit === null ? '' : String(a.monthlyLimit));
  const [low, setLow] = useState(a.lowBalance === null ? '' : String(a.lowBalance));
  const [levels, setLevels] = useState(a.thresholds.join(', '));
  const write = useWrite('accounts.set');
  const parsed = levels
    .split(/[,\s]+/)
    .filter(Boolean)
    .map(Number);
  const levelsOk = parsed.every((n) => Number.isInteger(n));
  return (
    <Section title="Limits and alerts" subtitle="Usage past the monthly limit is refused; alerts fire once per pool per period.">
      <form
        aria-label="Limits and alerts"
        onSubmit={(e) => {
          e.preventDefault();
          if (!levelsOk) return;
          void write.run({ account: a.id, monthlyLimit: blankToNull(limit), lowBalance: blankToNull(low), thresholds: parsed }, () => 'Saved.');
        }}
      >
        <div className="form-grid">
          <Field label="Monthly spending limit" hint="Credits per billing period, all pools; blank for none">
            <input inputMode="decimal" placeholder="none" value={limit} onChange={(e) => setLimit(e.target.value)} />
          </Field>
          <Field label="Low-balance alert" hint="Alert when a pool falls to this; blank for none">
            <input inputMode="decimal" placeholder="none" value={low} onChange={(e) => setLow(e.target.value)} />
          </Field>
          <Field label="Alert levels (% used)" hint="e.g. 50, 80, 100">
            <input value={levels} onChange={(e) => setLevels(e.target.value)} aria-invalid={!levelsOk} />
          </Field>
        </div>
        <div className="form-actions">
          <button className="btn primary" type="submit" disabled={write.busy || !levelsOk}>
            Save limits
          </button>
        </div>
      </form>
      <div style={{ marginTop: 10 }}>{write.status(a.zone)}</div>
    </Section>
  );
}

function RateCardSection({ a }: { a: AccountDetail }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const pools = Object.keys(a.amounts);
  return (
    <Section title="Rate card" subtitle="What each action costs. Actions without a cost are refused until you set one.">
      <div className="table-wrap">
        <table aria-label="Rate card">
          <thead>
            <tr>
              <th>Action</th>
              <th>Pool</th>
              <th className="num">Cost</th>
              <th className="num">Per</th>
              <th>Unit</th>
              <th className="num">Hourly limit</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {[...a.actions.filter((x) => !x.free), ...a.actions.filter((x) => x.free)].map((x) =>
              editing === x.id ? (
                <ActionEditor key={x.id} account={a.id} action={x} pools={pools} onDone={() => setEditing(null)} />
              ) : (
                <tr key={x.id} data-action={x.id}>
                  <td>
                    {x.label} <span className="faint mono">{x.id}</span>
                    {x.dedupe ? <div className="faint small">charged once per {x.dedupe.attr} with the {x.dedupe.group} group</div> : null}
                  </td>
                  <td>{x.pool}</td>
                  <td className="num">{x.free ? <span className="badge ok">free</span> : x.cost === null ? <span className="badge warn">not set</span> : credits(x.cost)}</td>
                  <td className="num">{credits(x.per)}</td>
                  <td>{x.unit}</td>
                  <td className="num">{x.hourlyLimit ?? <span className="faint">—</span>}</td>
                  <td style={{ textAlign: 'right' }}>
                    <button className="btn small" onClick={() => setEditing(x.id)} aria-label={`Edit ${x.id}`}>
                      Edit
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
      <div style={{ marginTop: 12 }}>
        {adding ? (
          <NewAction account={a.id} pools={pools} onDone={() => setAdding(false)} />
        ) : (
          <button className="btn small" onClick={() => setAdding(true)}>
            + Add an action
          </button>
        )}
      </div>
    </Section>
  );
}

function ActionEditor({ account, action, pools, onDone }: { account: string; action: ActionView; pools: string[]; onDone: () => void }) {
  const [cost, setCost] = useState(action.cost === null ? '' : String(action.cost));
  const [per, setPer] = useState(String(action.per));
  const [unit, setUnit] = useState(action.unit);
  const [pool, setPool] = useState(action.pool);
  const [free, setFree] = useState(action.free);
  const [hourly, setHourly] = useState(action.hourlyLimit === null ? '' : String(action.hourlyLimit));
  const write = useWrite('actions.set');
  const save = async () => {
    const env = await write.run(
      { account, action: action.id, pool, free, ...(cost.trim() ? { cost: cost.trim() } : {}), per: per.trim() || '1', unit: unit.trim() || 'call', hourlyLimit: blankToNull(hourly) },
      (r) => `Saved ${r.id}.`,
    );
    if (env.ok) onDone();
  };
  return (
    <>
      <tr data-action={action.id} className="editing">
        <td>
          {action.label} <span className="faint mono">{action.id}</span>
          <label className="row small" style={{ marginTop: 6 }}>
            <input type="checkbox" checked={free} onChange={(e) => setFree(e.target.checked)} /> free
          </label>
        </td>
        <td>
          <select aria-label="Pool" value={pool} onChange={(e) => setPool(e.target.value)}>
            {pools.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </td>
        <td>
          <input aria-label="Cost" inputMode="decimal" value={cost} disabled={free} onChange={(e) => setCost(e.target.value)} style={{ width: 90, textAlign: 'right' }} />
        </td>
        <td>
          <input aria-label="Per" inputMode="numeric" value={per} onChange={(e) => setPer(e.target.value)} style={{ width: 80, textAlign: 'right' }} />
        </td>
        <td>
          <input aria-label="Unit" value={unit} onChange={(e) => setUnit(e.target.value)} style={{ width: 100 }} />
        </td>
        <td>
          <input aria-label="Hourly limit" inputMode="numeric" placeholder="none" value={hourly} onChange={(e) => setHourly(e.target.value)} style={{ width: 80, textAlign: 'right' }} />
        </td>
        <td style={{ whiteSpace: 'nowrap', textAlign: 'right' }}>
          <button className="btn small primary" onClick={() => void save()} disabled={write.busy}>
            Save
          </button>{' '}
          <button className="btn small ghost" onClick={onDone}>
            Cancel
          </button>
        </td>
      </tr>
      {write.status() ? (
        <tr>
          <td colSpan={7}>{write.status()}</td>
        </tr>
      ) : null}
    </>
  );
}

function NewAction({ account, pools, onDone }: { account: string; pools: string[]; onDone: () => void }) {
  const [id, setId] = useState('');
  const [label, setLabel] = useState('');
  const [pool, setPool] = useState(pools[0] ?? '');
  const [cost, setCost] = useState('');
  const [per, setPer] = useState('1');
  const [unit, setUnit] = useState('call');
  const write = useWrite('actions.set');
  return (
    <form
      className="stack"
      aria-label="New action"
      onSubmit={async (e) => {
        e.preventDefault();
        const env = await write.run({ account, action: id.trim(), pool, cost: cost.trim(), per: per.trim() || '1', unit: unit.trim() || 'call', ...(label.trim() ? { label: label.trim() } : {}) }, (r) => `Added ${r.id}.`);
        if (env.ok) onDone();
      }}
    >
      <div className="form-grid">
        <Field label="Action id" hint="e.g. mcp:search">
          <input value={id} onChange={(e) => setId(e.target.value)} required />
        </Field>
        <Field label="Label">
          <input value={label} onChange={(e) => setLabel(e.target.value)} />
        </Field>
        <Field label="Pool">
          <select value={pool} onChange={(e) => setPool(e.target.value)}>
            {pools.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </Field>
        <Field label="Cost (credits)">
          <input inputMode="decimal" value={cost} onChange={(e) => setCost(e.target.value)} required />
        </Field>
        <Field label="Per (units)">
          <input inputMode="numeric" value={per} onChange={(e) => setPer(e.target.value)} />
        </Field>
        <Field label="Unit">
          <input value={unit} onChange={(e) => setUnit(e.target.value)} />
        </Field>
      </div>
      <div className="row">
        <button className="btn primary" type="submit" disabled={write.busy}>
          Add action
        </button>
        <button className="btn ghost" type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      {write.status()}
    </form>
  );
}

function CreditsSection({ a }: { a: AccountDetail }) {
  const pools = Object.keys(a.amounts);
  const packs = a.packs.filter((p) => a.packPools.includes(p.pool));
  const [pool, setPool] = useState(packs[0]?.pool ?? pools[0] ?? '');
  const [amount, setAmount] = useState('');
  // Only plans that sell packs can record purchases; otherwise start on a manual grant.
  const [source, setSource] = useState<'purchase' | 'bonus' | 'promo' | 'manual'>(a.packPools.length ? 'purchase' : 'manual');
  const [price, setPrice] = useState('');
  const write = useWrite('grants.add');
  const priceCents = price.trim() === '' ? undefined : Math.round(Number(price) * 100);
  return (
    <Section title="Add credits" subtitle="Top-ups survive resets and are used after the monthly credits.">
      {packs.length ? (
        <div className="row" style={{ marginBottom: 12 }}>
          {packs.map((k) => (
            <button
              key={k.id}
              className="btn small"
              type="button"
              onClick={() => {
                setPool(k.pool);
                setSource('purchase');
                setAmount(k.credits === null ? '' : String(k.credits));
                setPrice(k.priceCents === null ? '' : (k.priceCents / 100).toFixed(2));
              }}
            >
              {k.name}
              {k.credits !== null ? ` · ${credits(Number(k.credits))}` : ''}
              {k.priceCents !== null ? ` · ${money(k.priceCents)}` : ''}
            </button>
          ))}
        </div>
      ) : a.packPools.length === 0 ? (
        <p className="muted small" style={{ marginBottom: 12 }}>
          This plan cannot buy packs; bonus, promo and manual credits can still be recorded.
        </p>
      ) : null}
      <form
        aria-label="Add credits"
        onSubmit={(e) => {
          e.preventDefault();
          void write.run(
            { account: a.id, pool, amount: amount.trim(), source, ...(priceCents !== undefined && Number.isFinite(priceCents) ? { priceCents } : {}) },
            (g) => `Added ${credits(g.credits)} to ${a.poolLabels[g.pool] ?? g.pool} (${g.source}).`,
          );
        }}
      >
        <div className="form-grid">
          <Field label="Pool">
            <select value={pool} onChange={(e) => setPool(e.target.value)}>
              {pools.map((p) => (
                <option key={p} value={p}>
                  {a.poolLabels[p] ?? p}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Credits">
            <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} required />
          </Field>
          <Field label="Source">
            <select value={source} onChange={(e) => setSource(e.target.value as typeof source)}>
              <option value="purchase">Purchase</option>
              <option value="bonus">Bonus</option>
              <option value="promo">Promo</option>
              <option value="manual">Manual</option>
            </select>
          </Field>
          <Field label="Price paid ($)" hint="Optional; for refunds">
            <input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
          </Field>
        </div>
        <div className="form-actions">
          <button className="btn primary" type="submit" disabled={write.busy || !pool}>
            Add credits
          </button>
        </div>
      </form>
      <div style={{ marginTop: 10 }}>{write.status(a.zone)}</div>
    </Section>
  );
}

function DailyLimitsSection({ a }: { a: AccountDetail }) {
  const [attr, setAttr] = useState('');
  const [value, setValue] = useState('');
  const [limit, setLimit] = useState('');
  const write = useWrite('limits.daily');
  const limits = a.dailyLimits;
  return (
    <Section title="Daily limits" subtitle="Per attribute value over the local day, e.g. server=eu-1 (or server=* for each server).">
      {limits.length === 0 ? (
        <p className="faint small">No daily limits.</p>
      ) : (
        <ul className="list">
          {limits.map((l) => (
            <li key={`${l.attr}=${l.value}`}>
              <span className="mono">
                {l.attr}={l.value}
              </span>
              <span className="muted">{credits(l.limit)} credits a day</span>
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline-form"
        style={{ marginTop: 12 }}
        aria-label="Set a daily limit"
        onSubmit={(e) => {
          e.preventDefault();
          void write.run({ account: a.id, attr: attr.trim(), value: value.trim() || '*', limit: blankToNull(limit) }, () => (blankToNull(limit) === null ? 'Limit removed.' : 'Limit set.'));
        }}
      >
        <Field label="Attribute">
          <input value={attr} placeholder="server" onChange={(e) => setAttr(e.target.value)} required />
        </Field>
        <Field label="Value">
          <input value={value} placeholder="* for each" onChange={(e) => setValue(e.target.value)} />
        </Field>
        <Field label="Credits a day">
          <input inputMode="decimal" placeholder="blank removes" value={limit} onChange={(e) => setLimit(e.target.value)} />
        </Field>
        <button className="btn" type="submit" disabled={write.busy}>
          Set
        </button>
      </form>
      <div style={{ marginTop: 10 }}>{write.status()}</div>
    </Section>
  );
}
