/**
 * The mirror of a team's ledger on a member's machine, in the outbox's file:
 * the accounts (rate card and balance as of the last pull) and the events up
 * to the last sequence pulled, each marked 'voided' once a pull says so. Reads work offline from it, labelled "as of";
 * this device's pending entries are shown on top, estimated from the mirrored
 * rate card (the host decides what they really cost when they arrive).
 */
import type Database from 'better-sqlite3';
import type { MirroredPlan } from './mirror-plan.js';
import type { MirroredMember } from './mirror-members.js';
import type { MirroredAlert } from './mirror-alerts.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS mirror_accounts (
  team TEXT NOT NULL,
  id TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (team, id)
) STRICT;
CREATE TABLE IF NOT EXISTS mirror_events (
  team TEXT NOT NULL,
  seq INTEGER NOT NULL,
  account TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (team, seq)
) STRICT;
CREATE TABLE IF NOT EXISTS mirror_state (
  team TEXT PRIMARY KEY,
  as_of TEXT NOT NULL,
  after INTEGER NOT NULL
) STRICT;
`;

export interface MirroredAction {
  id: string;
  pool: string;
  cost: number | null;
  per: number;
  free?: boolean;
}

export interface MirroredAccount {
  id: string;
  name: string;
  zone: string;
  actions: MirroredAction[];
  balance: { pools: { pool: string; remaining: number | null; unlimited: boolean }[] } & Record<string, unknown>;
  /** What this member may spend offline from each pool until the next pull (null: unlimited pool). */
  allowance?: Record<string, number | null>;
  /** The plan, its packs and who buys them (mirror-plan.ts); absent from a mirror pulled before it was sent. */
  plan?: MirroredPlan;
  /** Who its events name, by id and name (mirror-members.ts); absent from a mirror pulled before they were sent. */
  members?: MirroredMember[];
  /** Its alerts of the current period, as the host had them at the pull (mirror-alerts.ts); absent likewise. */
  alerts?: MirroredAlert[];
}

/** What team.pull answers (main/core/api/sync.ts). */
export interface PullAnswer {
  at: string;
  accounts: MirroredAccount[];
  events: ({ seq: number; account: string } & Record<string, unknown>)[];
  after: number;
  /** Events voided since the last pull, of those sent before (absent from a host older than voids in the mirror). */
  voids?: string[];
  voidsAfter?: number;
  more: boolean;
}

export class Mirror {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    // Added after the first mirrors were made: an older copy reads every void again at its next pull.
    const cols = db.prepare('PRAGMA table_info(mirror_state)').all() as { name: string }[];
    if (!cols.some((c) => c.name === 'voids_after')) db.exec('ALTER TABLE mirror_state ADD COLUMN voids_after INTEGER NOT NULL DEFAULT 0');
  }

  /** Where the voids the next pull asks for start. */
  voidsAfter(team: string): number {
    return (this.db.prepare('SELECT voids_after FROM mirror_state WHERE team = ?').get(team) as { voids_after: number } | undefined)?.voids_after ?? 0;
  }

  /** Where the next pull starts. */
  after(team: string): number {
    return (this.db.prepare('SELECT after FROM mirror_state WHERE team = ?').get(team) as { after: number } | undefined)?.after ?? 0;
  }

  asOf(team: string): string | null {
    return (this.db.prepare('SELECT as_of FROM mirror_state WHERE team = ?').get(team) as { as_of: string } | undefined)?.as_of ?? null;
  }

  /** One pull's answer, whole or not at all: the accounts replaced, the events appended. */
  apply(team: string, p: PullAnswer): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM mirror_accounts WHERE team = ?').run(team);
      const acc = this.db.prepare('INSERT INTO mirror_accounts (team, id, json) VALUES (?, ?, ?)');
      for (const a of p.accounts) acc.run(team, a.id, JSON.stringify(a));
      const ev = this.db.prepare('INSERT OR IGNORE INTO mirror_events (team, seq, account, json) VALUES (?, ?, ?, ?)');
      for (const e of p.events) ev.run(team, e.seq, e.account, JSON.stringify(e));
      const voided = this.db.prepare(`UPDATE mirror_events SET json = json_set(json, '$.status', 'voided') WHERE team = ? AND json_extract(json, '$.id') = ?`);
      for (const id of p.voids ?? []) voided.run(team, id);
      const voidsAfter = p.voidsAfter ?? this.voidsAfter(team);
      this.db
        .prepare('INSERT INTO mirror_state (team, as_of, after, voids_after) VALUES (?, ?, ?, ?) ON CONFLICT (team) DO UPDATE SET as_of = excluded.as_of, after = excluded.after, voids_after = excluded.voids_after')
        .run(team, p.at, p.after, voidsAfter);
    })();
  }

  accounts(team: string): MirroredAccount[] {
    return (this.db.prepare('SELECT json FROM mirror_accounts WHERE team = ? ORDER BY id').all(team) as { json: string }[]).map((r) => JSON.parse(r.json) as MirroredAccount);
  }

  account(team: string, id: string): MirroredAccount | null {
    const r = this.db.prepare('SELECT json FROM mirror_accounts WHERE team = ? AND id = ?').get(team, id) as { json: string } | undefined;
    return r ? (JSON.parse(r.json) as MirroredAccount) : null;
  }

  events(team: string, account: string, limit = 50): Record<string, unknown>[] {
    return (this.db.prepare('SELECT json FROM mirror_events WHERE team = ? AND account = ? ORDER BY seq DESC LIMIT ?').all(team, account, limit) as { json: string }[]).map((r) => JSON.parse(r.json) as Record<string, unknown>);
  }

  forget(team: string): void {
    this.db.transaction(() => {
      for (const t of ['mirror_accounts', 'mirror_events', 'mirror_state']) this.db.prepare(`DELETE FROM ${t} WHERE team = ?`).run(team);
    })();
  }
}

/** What pending entries of an account would cost by the mirrored rate card, per pool (an estimate: the host decides). */
export function pendingEstimate(account: MirroredAccount, entries: readonly { input: Record<string, unknown> }[]): { entries: number; byPool: Record<string, number> } {
  const byPool: Record<string, number> = {};
  let n = 0;
  for (const e of entries) {
    if (e.input.account !== account.id) continue;
    n++;
    const a = account.actions.find((x) => x.id === e.input.action);
    if (!a || a.free || a.cost === null || e.input.byoKey === true) continue;
    const q = Number(e.input.quantity ?? 1);
    if (!Number.isFinite(q)) continue;
    byPool[a.pool] = (byPool[a.pool] ?? 0) + (q * a.cost) / (a.per || 1);
  }
  return { entries: n, byPool };
}
