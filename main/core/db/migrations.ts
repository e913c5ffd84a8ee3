/**
 * Schema migrations, named by timestamp and applied in order. They only ever
 * add: a guard (checkMigrationSafety, enforced by a test) refuses DROP, DELETE,
 * UPDATE of ledger rows and column renames, so a migration cannot destroy history.
 */
export interface Migration {
  id: string; // YYYYMMDDHHMM_name
  sql: string;
  /** It changes indexes only: an export written before it restores after it, row for row. */
  rowsUnchanged?: true;
  /**
   * It only adds columns with defaults, and this SQL fills them from the rows
   * already there: an export written before it loads as it is, then this runs.
   */
  backfill?: string;
}

const APPEND_ONLY = [
  'plan_changes',
  'grants',
  'events',
  'entries',
  'refusals',
  'voids',
  'holds',
  'hold_moves',
  'alerts',
  'refunds',
];

/** Triggers that make ledger tables append-only: corrections are new rows. */
export function appendOnlyTriggers(table: string): string {
  return `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only: ${table} cannot be updated; record a correction instead'); END;
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only: ${table} cannot be deleted; record a correction instead'); END;`;
}

/**
 * Offline entries that arrive when their pool can no longer cover them: the
 * debt is a fact of its own (overdrafts, one per event, never edited), repaid
 * by the next grants (overdraft_moves 'repay', each with a 'use' entry on the
 * repaying grant) or cancelled by a void ('void'). overdraft_balances is the
 * summary that moves with them. late_draws: what a late entry took from the
 * credits that expired at the reset closing its period.
 */
const OVERDRAFT_SQL = `
ALTER TABLE accounts ADD COLUMN grace_hours INTEGER NOT NULL DEFAULT 72;
ALTER TABLE team ADD COLUMN allowance_percent INTEGER;
ALTER TABLE team ADD COLUMN allowance_fixed_mc INTEGER;

CREATE TABLE overdrafts (
  event_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  pool TEXT NOT NULL,
  member TEXT,
  amount_mc INTEGER NOT NULL CHECK (amount_mc > 0),
  at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE TABLE overdraft_moves (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES overdrafts(event_id),
  kind TEXT NOT NULL CHECK (kind IN ('repay','void')),
  grant_id TEXT REFERENCES grants(id),
  amount_mc INTEGER NOT NULL CHECK (amount_mc > 0),
  at INTEGER NOT NULL,
  CHECK ((kind = 'repay') = (grant_id IS NOT NULL))
) STRICT;
CREATE INDEX overdraft_moves_by_event ON overdraft_moves(event_id);
CREATE TABLE overdraft_balances (
  event_id TEXT PRIMARY KEY REFERENCES overdrafts(event_id),
  account_id TEXT NOT NULL,
  pool TEXT NOT NULL,
  outstanding_mc INTEGER NOT NULL CHECK (outstanding_mc >= 0)
) STRICT;
CREATE INDEX overdraft_balances_by_pool ON overdraft_balances(account_id, pool);
CREATE TABLE late_draws (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  grant_id TEXT NOT NULL REFERENCES grants(id),
  amount_mc INTEGER NOT NULL CHECK (amount_mc > 0),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX late_draws_by_grant ON late_draws(grant_id);
CREATE INDEX late_draws_by_event ON late_draws(event_id);
${['overdrafts', 'overdraft_moves', 'late_draws'].map(appendOnlyTriggers).join('\n')}
`;

/**
 * Accounts made from a preset before its actions carried the whole-units flag
 * (and Flowly's low-credit level) get them from the preset's own rule.
 */
const PRESET_RULES_BACKFILL = `
UPDATE actions SET whole_units = 1 WHERE whole_units = 0 AND (
  (account_id IN (SELECT id FROM accounts WHERE provider_id = 'fluxnote') AND id IN ('video', 'image', 'edit', 'caption', 'voice', 'template', 'upload', 'render', 'download'))
  OR (account_id IN (SELECT id FROM accounts WHERE provider_id = 'fluximage') AND id IN ('compress', 'alt-text', 'seo-rename'))
  OR (account_id IN (SELECT id FROM accounts WHERE provider_id = 'flux') AND id IN ('mcp-tool', 'api-request'))
  OR (account_id IN (SELECT id FROM accounts WHERE provider_id = 'lux') AND id IN ('email', 'sms')));
UPDATE accounts SET low_balance_pct = 10 WHERE provider_id = 'flowly' AND low_balance_mc IS NULL AND low_balance_pct IS NULL;
`;

/**
 * The team tables. Configuration (people, caps, tokens, invites, sessions)
 * changes in place; the audit log is append-only and hash-chained
 * (main/core/team/audit.ts). Secrets are stored only as keyed hashes; the key
 * is a file beside the ledger, never in it (main/core/team/host-key.ts).
 */
const TEAM_SQL = `
CREATE TABLE team (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
-- A team ledger has exactly one team: every account belongs to it.
CREATE TRIGGER team_one_row BEFORE INSERT ON team WHEN (SELECT COUNT(*) FROM team) > 0
BEGIN SELECT RAISE(ABORT, 'this ledger is already a team ledger: it has exactly one team'); END;

CREATE TABLE team_people (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner','admin','member','viewer')),
  created_at INTEGER NOT NULL,
  removed_at INTEGER
) STRICT;

-- A member's cap on one pool, per the account's period.
CREATE TABLE team_caps (
  member TEXT NOT NULL REFERENCES team_people(id),
  account_id TEXT NOT NULL REFERENCES accounts(id),
  pool TEXT NOT NULL,
  cap_mc INTEGER NOT NULL CHECK (cap_mc >= 0),
  PRIMARY KEY (member, account_id, pool)
) STRICT, WITHOUT ROWID;

CREATE TABLE team_tokens (
  id TEXT PRIMARY KEY,
  member TEXT NOT NULL REFERENCES team_people(id),
  device TEXT NOT NULL,
  scopes TEXT,
  accounts TEXT,
  pools TEXT,
  cap_mc INTEGER,
  secret_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  grace_until INTEGER,
  replaced_by TEXT,
  last_used_at INTEGER
) STRICT;
CREATE INDEX team_tokens_by_member ON team_tokens(member);

CREATE TABLE team_invites (
  id TEXT PRIMARY KEY,
  code_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner','admin','member','viewer')),
  member TEXT NOT NULL,
  name TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  used_by TEXT
) STRICT;

CREATE TABLE team_sessions (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  member TEXT NOT NULL REFERENCES team_people(id),
  token_id TEXT,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  idle_expires_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ended_at INTEGER,
  csrf_hash TEXT NOT NULL
) STRICT;

-- AUTOINCREMENT: sqlite_sequence remembers the last seq, so a deleted newest row shows too.
CREATE TABLE team_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  member TEXT,
  token_id TEXT,
  address TEXT,
  call TEXT NOT NULL,
  args_json TEXT NOT NULL,
  result TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
${appendOnlyTriggers('team_audit')}
`;

/**
 * What a vendor's meter said (one row per pool per successful reading), the
 * reconciliations recorded from it or from the vendor's page (each names the
 * usage event that carries its credits), and the opt-in auto-reconcile
 * setting. Readings and reconciliations are append-only; failed readings are
 * never written.
 */
const VENDOR_METER_SQL = `
CREATE TABLE vendor_readings (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  pool TEXT NOT NULL,
  vendor TEXT NOT NULL,
  at INTEGER NOT NULL,
  period_start INTEGER NOT NULL,
  vendor_used_mc INTEGER NOT NULL CHECK (vendor_used_mc >= 0),
  ledger_used_mc INTEGER NOT NULL,
  vendor_plan TEXT,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX vendor_readings_by_pool ON vendor_readings(account_id, pool, at);

CREATE TABLE reconciliations (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  pool TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('api','page')),
  vendor TEXT NOT NULL,
  figure TEXT NOT NULL CHECK (figure IN ('used','remaining')),
  vendor_mc INTEGER NOT NULL CHECK (vendor_mc >= 0),
  ledger_mc INTEGER NOT NULL,
  delta_mc INTEGER NOT NULL CHECK (delta_mc > 0),
  observed_at INTEGER NOT NULL,
  at INTEGER NOT NULL,
  auto INTEGER NOT NULL CHECK (auto IN (0, 1)),
  event_id TEXT NOT NULL,
  note TEXT,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX reconciliations_by_pool ON reconciliations(account_id, pool, at);

CREATE TABLE vendor_settings (
  account_id TEXT PRIMARY KEY REFERENCES accounts(id),
  auto_reconcile INTEGER NOT NULL CHECK (auto_reconcile IN (0, 1))
) STRICT;
${['vendor_readings', 'reconciliations'].map(appendOnlyTriggers).join('\n')}
`;

const bumpAccess = "BEGIN UPDATE meta SET value = value + 1 WHERE key = 'access_version'; END;";
const ACCESS_VERSION_SQL = `
INSERT OR IGNORE INTO meta (key, value) VALUES ('access_version', 0);
CREATE TRIGGER team_tokens_insert_access AFTER INSERT ON team_tokens ${bumpAccess}
CREATE TRIGGER team_tokens_update_access AFTER UPDATE OF id, member, device, scopes, accounts, pools, cap_mc, secret_hash, created_at, created_by, expires_at, revoked_at, grace_until, replaced_by ON team_tokens ${bumpAccess}
CREATE TRIGGER team_tokens_delete_access AFTER DELETE ON team_tokens ${bumpAccess}
${['team_people', 'team'].flatMap((t) => ['INSERT', 'UPDATE', 'DELETE'].map((op) => `CREATE TRIGGER ${t}_${op.toLowerCase()}_access AFTER ${op} ON ${t} ${bumpAccess}`)).join('\n')}
`;

export const migrations: Migration[] = [
  {
    id: '202611220300_initial',
    sql: `
-- Configuration: editable settings, not history.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  provider_json TEXT NOT NULL,
  zone TEXT NOT NULL,
  anchor TEXT NOT NULL,
  first_period_start INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  monthly_limit_mc INTEGER,
  low_balance_mc INTEGER,
  thresholds TEXT NOT NULL
) STRICT;

CREATE TABLE actions (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  id TEXT NOT NULL,
  label TEXT NOT NULL,
  pool TEXT NOT NULL,
  cost_mc INTEGER,
  per INTEGER NOT NULL,
  unit TEXT NOT NULL,
  free INTEGER NOT NULL,
  dedupe_group TEXT,
  dedupe_attr TEXT,
  hourly_limit INTEGER,
  note TEXT,
  PRIMARY KEY (account_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE members (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  monthly_limit_mc INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, id)
) STRICT, WITHOUT ROWID;

-- value '*' applies to every value of the attribute separately.
CREATE TABLE daily_limits (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  attr TEXT NOT NULL,
  value TEXT NOT NULL,
  limit_mc INTEGER NOT NULL,
  PRIMARY KEY (account_id, attr, value)
) STRICT, WITHOUT ROWID;

-- Ledger: append-only.
CREATE TABLE plan_changes (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  plan TEXT NOT NULL,
  amounts_json TEXT NOT NULL,
  effective_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX plan_changes_by_account ON plan_changes(account_id, effective_at);

CREATE TABLE grants (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  pool TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('monthly','upgrade','rollover','purchase','bonus','promo','manual')),
  amount_mc INTEGER NOT NULL CHECK (amount_mc > 0),
  granted_at INTEGER NOT NULL,
  expires_at INTEGER,
  period_start INTEGER,
  price_minor INTEGER,
  currency TEXT,
  refundable_until INTEGER,
  key TEXT,
  note TEXT,
  recorded_at INTEGER NOT NULL
) STRICT;
-- One monthly (and one rollover) grant per pool per period, even across processes.
CREATE UNIQUE INDEX grants_once_per_period ON grants(account_id, pool, source, period_start) WHERE source IN ('monthly','rollover');
CREATE UNIQUE INDEX grants_by_key ON grants(account_id, key) WHERE key IS NOT NULL;
CREATE INDEX grants_by_expiry ON grants(account_id, expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX grants_by_pool ON grants(account_id, pool, period_start);

-- The event id is "ev_" + seq in base 36, so looking one up needs no extra index.
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  action TEXT NOT NULL,
  pool TEXT NOT NULL,
  quantity_milli INTEGER NOT NULL,
  at INTEGER NOT NULL,
  member TEXT,
  attrs TEXT,
  status TEXT NOT NULL CHECK (status IN ('applied','free','bypassed','covered')),
  cost_mc INTEGER NOT NULL,
  hold_id TEXT,
  covered_by TEXT,
  -- [[grant id, millicredits], …]: the same movements as its 'use' entries, kept on the event for voids and retries.
  debits TEXT,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX events_by_key ON events(account_id, key);
-- Covers reports (day × action) and the hourly rate-limit window.
CREATE INDEX events_by_time ON events(account_id, at, action, cost_mc, quantity_milli, status);

CREATE TABLE entries (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  pool TEXT NOT NULL,
  grant_id TEXT NOT NULL REFERENCES grants(id),
  kind TEXT NOT NULL CHECK (kind IN ('grant','use','expire','refund','void')),
  amount_mc INTEGER NOT NULL CHECK (amount_mc > 0),
  at INTEGER NOT NULL,
  event_id TEXT
) STRICT;
CREATE INDEX entries_by_grant ON entries(grant_id, at);

CREATE TABLE refusals (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  key TEXT,
  action TEXT NOT NULL,
  pool TEXT,
  quantity_milli INTEGER NOT NULL,
  at INTEGER NOT NULL,
  member TEXT,
  attrs TEXT,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  details TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX refusals_by_time ON refusals(account_id, at);

CREATE TABLE voids (
  event_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  reason TEXT,
  recorded_at INTEGER NOT NULL
) STRICT;

CREATE TABLE holds (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  pool TEXT NOT NULL,
  amount_mc INTEGER NOT NULL CHECK (amount_mc > 0),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  key TEXT,
  note TEXT
) STRICT;
CREATE UNIQUE INDEX holds_by_key ON holds(account_id, key) WHERE key IS NOT NULL;

CREATE TABLE hold_moves (
  id INTEGER PRIMARY KEY,
  hold_id TEXT NOT NULL REFERENCES holds(id),
  kind TEXT NOT NULL CHECK (kind IN ('capture','release','expire')),
  amount_mc INTEGER NOT NULL CHECK (amount_mc >= 0),
  at INTEGER NOT NULL,
  event_id TEXT
) STRICT;
CREATE INDEX hold_moves_by_hold ON hold_moves(hold_id);

CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  pool TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  kind TEXT NOT NULL,
  level INTEGER NOT NULL,
  at INTEGER NOT NULL,
  message TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX alerts_once ON alerts(account_id, pool, period_start, kind, level);

CREATE TABLE refunds (
  id TEXT PRIMARY KEY,
  grant_id TEXT NOT NULL REFERENCES grants(id),
  account_id TEXT NOT NULL,
  amount_mc INTEGER NOT NULL CHECK (amount_mc > 0),
  money_minor INTEGER NOT NULL,
  currency TEXT,
  at INTEGER NOT NULL
) STRICT;

-- Summaries: derived from the ledger, updated in the same transaction, checked by invariants.
CREATE TABLE grant_balances (
  grant_id TEXT PRIMARY KEY REFERENCES grants(id),
  account_id TEXT NOT NULL,
  pool TEXT NOT NULL,
  remaining_mc INTEGER NOT NULL CHECK (remaining_mc >= 0),
  used_mc INTEGER NOT NULL,
  expired_mc INTEGER NOT NULL,
  refunded_mc INTEGER NOT NULL,
  voided_mc INTEGER NOT NULL
) STRICT;
CREATE INDEX grant_balances_live ON grant_balances(account_id, pool) WHERE remaining_mc > 0;

CREATE TABLE period_usage (
  account_id TEXT NOT NULL,
  pool TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  used_mc INTEGER NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY (account_id, pool, period_start)
) STRICT, WITHOUT ROWID;

CREATE TABLE spend_counters (
  account_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  spent_mc INTEGER NOT NULL,
  PRIMARY KEY (account_id, scope, bucket)
) STRICT, WITHOUT ROWID;

-- Usage per 15-minute bucket (UTC), net of voids: reports over whole periods
-- read a few thousand rows instead of every event. Every zone's offset and
-- DST change falls on a quarter hour, so local days are unions of buckets.
CREATE TABLE usage_rollup (
  account_id TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  pool TEXT NOT NULL,
  action TEXT NOT NULL,
  member TEXT NOT NULL,
  status TEXT NOT NULL,
  events INTEGER NOT NULL,
  quantity_milli INTEGER NOT NULL,
  cost_mc INTEGER NOT NULL,
  PRIMARY KEY (account_id, bucket, pool, action, member, status)
) STRICT, WITHOUT ROWID;

CREATE TABLE dedupe_marks (
  account_id TEXT NOT NULL,
  grp TEXT NOT NULL,
  subject TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (account_id, grp, subject, period_start)
) STRICT, WITHOUT ROWID;

CREATE TABLE hold_balances (
  hold_id TEXT PRIMARY KEY REFERENCES holds(id),
  account_id TEXT NOT NULL,
  pool TEXT NOT NULL,
  outstanding_mc INTEGER NOT NULL CHECK (outstanding_mc >= 0),
  status TEXT NOT NULL CHECK (status IN ('open','released','expired')),
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX hold_balances_open ON hold_balances(account_id, pool) WHERE status = 'open';

-- materialized_to: every reset, expiry and hold lapse up to here is booked.
-- next_due: the earliest instant something is due to reset or expire, so most
-- writes skip the expiry scans.
CREATE TABLE account_state (
  account_id TEXT PRIMARY KEY REFERENCES accounts(id),
  materialized_to INTEGER NOT NULL,
  next_due INTEGER NOT NULL
) STRICT;

-- A counter bumped by triggers on every configuration change, so processes
-- can cache accounts, rate cards and limits and still never read a stale one.
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
INSERT INTO meta (key, value) VALUES ('config_version', 0);
${['accounts', 'actions', 'members', 'daily_limits', 'plan_changes']
  .flatMap((t) => ['INSERT', 'UPDATE', 'DELETE'].map((op) => `CREATE TRIGGER ${t}_${op.toLowerCase()}_config AFTER ${op} ON ${t} BEGIN UPDATE meta SET value = value + 1 WHERE key = 'config_version'; END;`))
  .join('\n')}
${APPEND_ONLY.map(appendOnlyTriggers).join('\n')}
`,
  },
  {
    // Credit packs bought through Stripe Checkout or the provider's link (docs/purchases.md).
    id: '202612010900_purchases',
    sql: `
-- What was bought: fixed when the purchase starts, never changed.
CREATE TABLE purchases (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  pack TEXT NOT NULL,
  pack_name TEXT NOT NULL,
  pool TEXT NOT NULL,
  amount_mc INTEGER NOT NULL CHECK (amount_mc > 0),
  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
  currency TEXT NOT NULL,
  via TEXT NOT NULL CHECK (via IN ('stripe','link')),
  note TEXT,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX purchases_by_account ON purchases(account_id, created_at);

-- Its history, one row per step; the status is the latest row. 'paid' and
-- 'refunded' can happen once per purchase, a Checkout Session belongs to one
-- purchase, and the grant for a session is unique too (grants_by_key on
-- 'stripe:' + session id): a session grants credits once, by constraint.
CREATE TABLE purchase_log (
  id INTEGER PRIMARY KEY,
  purchase_id TEXT NOT NULL REFERENCES purchases(id),
  status TEXT NOT NULL CHECK (status IN ('pending','open','paid','failed','expired','refunded')),
  at INTEGER NOT NULL,
  session_id TEXT,
  checkout_url TEXT,
  expires_at INTEGER,
  grant_id TEXT REFERENCES grants(id),
  paid_minor INTEGER,
  payment_intent TEXT,
  receipt_url TEXT,
  refund_id TEXT REFERENCES refunds(id),
  stripe_refund TEXT,
  message TEXT,
  source TEXT
) STRICT;
CREATE INDEX purchase_log_by_purchase ON purchase_log(purchase_id, id);
CREATE UNIQUE INDEX purchase_log_once ON purchase_log(purchase_id, status) WHERE status IN ('paid','refunded','open');
CREATE UNIQUE INDEX purchase_log_session ON purchase_log(session_id) WHERE status = 'open';
${['purchases', 'purchase_log'].map(appendOnlyTriggers).join('\n')}
`,
  },
  {
    // Usage per attribute value, caught up lazily by reports (main/core/ledger/attr-rollup.ts).
    id: '202612011000_attribute_rollup',
    sql: `
CREATE TABLE attr_rollup (
  account_id TEXT NOT NULL,
  name TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  pool TEXT NOT NULL,
  value TEXT NOT NULL,
  events INTEGER NOT NULL,
  quantity_milli INTEGER NOT NULL,
  cost_mc INTEGER NOT NULL,
  PRIMARY KEY (account_id, name, bucket, pool, value)
) STRICT, WITHOUT ROWID;
-- How far the rollup has caught up: the last event seq and void rowid applied.
CREATE TABLE attr_rollup_mark (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  event_seq INTEGER NOT NULL,
  void_rowid INTEGER NOT NULL
) STRICT;
INSERT INTO attr_rollup_mark (id, event_seq, void_rowid) VALUES (1, 0, 0);
`,
  },
  {
    // The live-grant lookup by a plain index: a partial index on remaining_mc > 0
    // was rewritten by every debit (its WHERE reads the column each debit
    // changes), one more B-tree page per event. An account has tens of grants
    // per pool, so filtering them costs nothing next to that write.
    id: '202612021800_grant_balances_by_pool',
    rowsUnchanged: true,
    sql: `
DROP INDEX grant_balances_live;
CREATE INDEX grant_balances_by_pool ON grant_balances(account_id, pool);
`,
  },
  {
    // Rules that are data (docs/ledger.md): whole-unit actions, a low-balance
    // level as a share of the allocation, and which total the threshold alerts measure.
    id: '202612041500_whole_units_alert_basis',
    sql: `
ALTER TABLE actions ADD COLUMN whole_units INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN low_balance_pct INTEGER;
ALTER TABLE accounts ADD COLUMN alert_basis TEXT NOT NULL DEFAULT 'allocation';
-- A member's spending-limit alert is once per member per period.
ALTER TABLE alerts ADD COLUMN member TEXT;
DROP INDEX alerts_once;
CREATE UNIQUE INDEX alerts_once_by_member ON alerts(account_id, pool, period_start, kind, level, COALESCE(member, ''));
${PRESET_RULES_BACKFILL}`,
    backfill: PRESET_RULES_BACKFILL,
  },
  {
    // A team ledger (main/core/team, docs/team.md). New tables only: an export from before loads as it is.
    id: '202612041600_team',
    rowsUnchanged: true,
    sql: TEAM_SQL,
  },
  {
    // The vendor's own meter (main/core/connectors, docs/vendors.md). New tables only: an export from before loads as it is.
    id: '202612041900_vendor_meter',
    rowsUnchanged: true,
    sql: VENDOR_METER_SQL,
  },
  {
    // Corrections a creator makes every day (docs/app.md): archiving an account, removing a member
    // (their history keeps their name), and a member's cap per pool on a local account. The old
    // monthly limit per member stays as it was: all pools together. New columns are NULL (not
    // archived, not removed), so an export from before loads as it is.
    id: '202612042100_archive_member_caps',
    sql: `
ALTER TABLE accounts ADD COLUMN archived_at INTEGER;
ALTER TABLE members ADD COLUMN removed_at INTEGER;
CREATE TABLE member_caps (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  member TEXT NOT NULL,
  pool TEXT NOT NULL,
  cap_mc INTEGER NOT NULL CHECK (cap_mc >= 0),
  PRIMARY KEY (account_id, member, pool),
  FOREIGN KEY (account_id, member) REFERENCES members(account_id, id)
) STRICT, WITHOUT ROWID;
${['INSERT', 'UPDATE', 'DELETE'].map((op) => `CREATE TRIGGER member_caps_${op.toLowerCase()}_config AFTER ${op} ON member_caps BEGIN UPDATE meta SET value = value + 1 WHERE key = 'config_version'; END;`).join('\n')}
`,
    rowsUnchanged: true,
  },
  {
    // Offline entries that collide (issue 13, docs/team.md): overdrafts and their
    // repayments, late entries' draws on what expired at a reset, the grace
    // window per account and the offline allowance per team. New tables, and
    // columns with defaults: an export from before loads as it is.
    id: '202612042130_overdrafts_late_entries',
    backfill: '',
    sql: OVERDRAFT_SQL,
  },
  {
    // The team's access version (issue 16): moved by every change to who may sign in — tokens (but
    // their last use), people and the team — by any process, so a host may keep the token rows it
    // reads at every request (team/sign-in-cache.ts). meta is derived: exports do not carry it.
    id: '202612050300_access_version',
    rowsUnchanged: true,
    sql: ACCESS_VERSION_SQL,
  },
];

const FORBIDDEN: RegExp[] = [/\bDROP\s+(TABLE|COLUMN|TRIGGER)\b/i, /\bDELETE\s+FROM\b/i, /\bRENAME\b/i, /\bUPDATE\s+(plan_changes|grants|events|entries|refusals|voids|holds|hold_moves|alerts|refunds|purchases|purchase_log|team_audit)\b/i];

/** The guard: a migration may add, never destroy. */
export function checkMigrationSafety(m: Migration): string[] {
  const sql = m.sql.replace(/--[^\n]*/g, '').replace(/BEGIN SELECT RAISE\(ABORT, '[^']*'\); END;/g, '');
  return FORBIDDEN.filter((re) => re.test(sql)).map((re) => `${m.id}: forbidden statement ${re.source}`);
}

/** Whether an export of schema `version` loads into this schema as it is: every later migration left the rows alone. */
export function exportRestorable(version: number): boolean {
  return Number.isInteger(version) && version >= 1 && version <= migrations.length && migrations.slice(version).every((m) => m.rowsUnchanged === true || m.backfill !== undefined);
}

/** The backfills an export of schema `version` needs once its rows are loaded. */
export function backfillsAfter(version: number): string[] {
  return migrations.slice(version).flatMap((m) => (m.backfill === undefined ? [] : [m.backfill]));
}
