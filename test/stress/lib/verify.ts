/**
 * What must be true of a ledger file after concurrent writers or a killed
 * one: SQLite's integrity check, every ledger invariant, and the structural
 * checks below, which catch a half-written operation that the invariants'
 * joins would not see (a grant without its summary row or grant entry, a hold
 * without its balance, an event charged without its entries, a void without
 * its entries).
 */
import type { Ctx } from '../../../main/core/ledger/context.js';
import { checkInvariants } from '../../../main/core/ledger/invariants.js';

export function structuralProblems(ctx: Ctx): string[] {
  const db = ctx.db;
  const problems: string[] = [];
  const rows = (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
  const add = (label: string, sql: string) => {
    for (const r of rows(sql)) problems.push(`${label}: ${JSON.stringify(r)}`);
  };
  db.transaction(() => {
    add('grant without its summary row', 'SELECT g.id FROM grants g LEFT JOIN grant_balances b ON b.grant_id = g.id WHERE b.grant_id IS NULL');
    add('summary row without its grant', 'SELECT b.grant_id FROM grant_balances b LEFT JOIN grants g ON g.id = b.grant_id WHERE g.id IS NULL');
    add('grant without exactly one grant entry', `SELECT g.id, (SELECT COUNT(*) FROM entries e WHERE e.grant_id = g.id AND e.kind = 'grant') AS n FROM grants g WHERE n != 1`);
    add('summary row that disagrees with its grant', 'SELECT g.id FROM grants g JOIN grant_balances b ON b.grant_id = g.id WHERE b.account_id != g.account_id OR b.pool != g.pool');
    add('hold without its balance', 'SELECT h.id FROM holds h LEFT JOIN hold_balances b ON b.hold_id = h.id WHERE b.hold_id IS NULL');
    add('hold balance without its hold', 'SELECT b.hold_id FROM hold_balances b LEFT JOIN holds h ON h.id = b.hold_id WHERE h.id IS NULL');
    add('closed hold without its closing move', `SELECT b.hold_id, b.status FROM hold_balances b WHERE b.status != 'open' AND NOT EXISTS (SELECT 1 FROM hold_moves m WHERE m.hold_id = b.hold_id AND m.kind = (CASE b.status WHEN 'released' THEN 'release' ELSE 'expire' END))`);
    // Per-event checks in one pass (entries and hold_moves have no index on event_id: no correlated subqueries).
    const events = db.prepare('SELECT seq, id, cost_mc, debits, hold_id FROM events').all() as { seq: number; id: string; cost_mc: number; debits: string | null; hold_id: string | null }[];
    const ids = new Set(events.map((e) => e.id));
    const sumBy = (sql: string) => new Map((db.prepare(sql).all() as { k: string | null; n: number }[]).map((r) => [r.k, r.n]));
    const used = sumBy(`SELECT event_id AS k, SUM(amount_mc) AS n FROM entries WHERE kind = 'use' GROUP BY event_id`);
    const returned = sumBy(`SELECT event_id AS k, SUM(amount_mc) AS n FROM entries WHERE kind = 'void' GROUP BY event_id`);
    const captured = sumBy(`SELECT event_id AS k, COUNT(*) AS n FROM hold_moves WHERE kind = 'capture' GROUP BY event_id`);
    const voided = new Set((db.prepare('SELECT event_id FROM voids').all() as { event_id: string }[]).map((v) => v.event_id));
    // What an event did not draw from a grant at once: drawn late from expired credits, or overdrawn and not yet repaid (docs/team.md).
    const elsewhere = sumBy(`SELECT k, SUM(n) AS n FROM (
      SELECT event_id AS k, amount_mc AS n FROM late_draws
      UNION ALL SELECT event_id, amount_mc FROM overdrafts
      UNION ALL SELECT event_id, -amount_mc FROM overdraft_moves WHERE kind = 'repay') GROUP BY k`);
    for (const e of events) {
      if (e.id !== `ev_${e.seq.toString(36)}`) problems.push(`event id ${e.id} is not its sequence number ${e.seq}`);
      // Every pool in these tests is limited, so a charged event carries its debits and their entries.
      const owed = elsewhere.get(e.id) ?? 0;
      if (e.cost_mc > 0 && e.debits === null && !elsewhere.has(e.id)) problems.push(`charged event without debits: ${e.id}`);
      if (e.cost_mc > 0 && (used.get(e.id) ?? 0) + owed !== e.cost_mc) problems.push(`event ${e.id}: use entries ${used.get(e.id) ?? 0} (and ${owed} late or owed) ≠ cost ${e.cost_mc}`);
      if (e.hold_id !== null && e.cost_mc > 0 && captured.get(e.id) !== 1) problems.push(`event ${e.id} against hold ${e.hold_id}: ${captured.get(e.id) ?? 0} capture moves`);
      if (voided.has(e.id) && e.debits !== null && (returned.get(e.id) ?? 0) !== e.cost_mc) problems.push(`void of ${e.id}: entries return ${returned.get(e.id) ?? 0} ≠ cost ${e.cost_mc}`);
      if (!voided.has(e.id) && returned.has(e.id)) problems.push(`void entries for ${e.id}, which has no void`);
    }
    for (const k of used.keys()) if (k === null || !ids.has(k)) problems.push(`use entries name event ${k}, which does not exist`);
    for (const k of captured.keys()) if (k === null || !ids.has(k)) problems.push(`capture move names event ${k}, which does not exist`);
    for (const k of returned.keys()) if (k === null || !voided.has(k)) problems.push(`void entries name ${k}, which has no void`);
    for (const v of voided) if (!ids.has(v)) problems.push(`void of ${v}, which does not exist`);
    add('grant below zero', 'SELECT grant_id, remaining_mc FROM grant_balances WHERE remaining_mc < 0');
    add('account without its state row', 'SELECT a.id FROM accounts a LEFT JOIN account_state s ON s.account_id = a.id WHERE s.account_id IS NULL');
  })();
  for (const r of db.pragma('foreign_key_check') as Record<string, unknown>[]) problems.push(`foreign key: ${JSON.stringify(r)}`);
  return problems;
}

/** integrity_check, then every invariant, then the structural checks; [] when all hold. */
export function ledgerProblems(ctx: Ctx): string[] {
  const integrity = ctx.db.pragma('integrity_check', { simple: true }) as string;
  return [...(integrity === 'ok' ? [] : [`integrity_check: ${integrity}`]), ...checkInvariants(ctx), ...structuralProblems(ctx)];
}
