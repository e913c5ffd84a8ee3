/** Validation shared by every write: times, attributes, members. */
import { InputError } from '../util/errors.js';
import { escapeText, textProblem } from '../util/text.js';
import { iso, periodAt } from '../util/period.js';
import type { Account } from './accounts.js';
import type { Ctx } from './context.js';
import { materializedTo } from './materialize.js';
import { joinTeamMember } from './team-members.js';

/** Clock skew we tolerate for times a client stamps itself. */
export const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * A write may be dated now or earlier in a period that is still open. Once a
 * reset has been booked, the closed period's monthly credits have expired, so
 * late usage for it must be recorded as a correction in the open period.
 */
export function checkWriteTime(ctx: Ctx, acct: Account, t: number, field = '--at'): void {
  // Every write passes here: an archived account is read-only until it is restored (docs/app.md).
  if (acct.archivedAt !== null) {
    throw new InputError(`${acct.name} is archived: it takes no new usage, credits, holds, voids or plan changes; restore it first (Settings, or \`creditdeck account unarchive ${acct.id}\`)`, 'account');
  }
  const now = ctx.clock.now();
  if (t > now + FUTURE_SKEW_MS) throw new InputError(`${field} ${iso(t)} is in the future (now is ${iso(now)}); the ledger records what has happened`, field);
  if (t < acct.firstPeriodStart) {
    throw new InputError(`${field} ${iso(t)} is before ${acct.name}'s first period (${iso(acct.firstPeriodStart)})`, field);
  }
  const m = materializedTo(ctx, acct.id);
  const open = periodAt(acct.rule, Math.max(m, acct.firstPeriodStart)).start;
  if (t < open) {
    throw new InputError(
      `${field} ${iso(t)} falls in a closed period: ${acct.name} already reset at ${iso(open)}; record late usage in the open period instead`,
      field,
    );
  }
}

/** A correction is never dated before what it corrects (a void before its event, a refund before its purchase…). */
export function checkNotBefore(t: number, rowAt: number, what: string, field = '--at'): void {
  if (t < rowAt) throw new InputError(`${field} ${iso(t)} is before ${what} (${iso(rowAt)}); a correction cannot be dated before what it corrects`, field);
}

const ATTR_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/;

export function checkAttrs(attrs: Record<string, unknown> | undefined): Record<string, string> {
  if (attrs === undefined || attrs === null) return {};
  if (typeof attrs !== 'object' || Array.isArray(attrs)) throw new InputError('attributes must be key=value pairs', 'attr');
  const out: Record<string, string> = {};
  const keys = Object.keys(attrs);
  if (keys.length > 16) throw new InputError(`at most 16 attributes per event (got ${keys.length})`, 'attr');
  for (const k of keys.sort()) {
    const v = attrs[k];
    if (!ATTR_KEY.test(k)) throw new InputError(`attribute name "${escapeText(k.slice(0, 40))}" must start with a letter and use letters, digits, "_", "." or "-" (max 40)`, 'attr');
    if (typeof v !== 'string' && typeof v !== 'number') throw new InputError(`attribute ${k} must be text`, 'attr');
    const s = String(v);
    if (s.length === 0 || s.length > 200) throw new InputError(`attribute ${k} must be 1–200 characters (got ${s.length})`, 'attr');
    const problem = textProblem(s);
    if (problem !== null) throw new InputError(`attribute ${k} ${problem}`, 'attr');
    out[k] = s;
  }
  return out;
}

/**
 * A keyed write replayed must be the same request: the first field (in the
 * order given) whose recorded value differs from the replay's, or null.
 * A field the replay leaves out (undefined) is not compared.
 */
export function firstDifference(fields: [field: string, recorded: unknown, replayed: unknown][]): string | null {
  for (const [field, recorded, replayed] of fields) {
    if (replayed !== undefined && recorded !== replayed) return field;
  }
  return null;
}

/** The error for a key reused with other content: names the key, the first differing field and the first write. */
export function keyReuseError(key: string, field: string, firstId: string): InputError {
  return new InputError(`idempotency key "${key}" was already used for ${firstId} with a different ${field}; a replay must repeat the request exactly — use a new key for new work`, 'key');
}

const KEY = /^[\x21-\x7e]{1,128}$/;

export function checkKey(key: unknown, field = '--key'): string {
  if (typeof key !== 'string' || !KEY.test(key)) throw new InputError(`${field} must be 1–128 visible ASCII characters without spaces`, field);
  return key;
}

export function checkMember(ctx: Ctx, acct: Account, member: unknown): string | null {
  if (member === undefined || member === null || member === '') return null;
  if (typeof member !== 'string') throw new InputError('--member must be a member id', 'member');
  const row = ctx.stmt('SELECT removed_at FROM members WHERE account_id = ? AND id = ?').get(acct.id, member) as { removed_at: number | null } | undefined;
  if (row && row.removed_at !== null) {
    throw new InputError(`${member.slice(0, 40)} was removed from ${acct.name}; add them again to record their usage (\`creditdeck member add ${acct.id} ${member.slice(0, 40)}\`)`, 'member');
  }
  if (!row && joinTeamMember(ctx, acct, member)) return member;
  if (!row) throw new InputError(`unknown member "${member.slice(0, 40)}" on ${acct.name}; add it with \`creditdeck member add ${acct.id} ${member.slice(0, 40)}\``, 'member');
  return member;
}
