/**
 * Every pool's resets as calendar events (issue 15, "Resets in the user's
 * calendar"): for each account, its next twelve resets, each saying what
 * arrives; the next one also says what will expire unused at this pace, with
 * an alarm two days before, and a separate reminder event then. UIDs are
 * stable (account and instant), so a calendar that subscribes or imports the
 * file again updates the events instead of doubling them.
 */
import type { Ctx } from '../ledger/context.js';
import { getAccount, listAccounts } from '../ledger/accounts.js';
import { forecast } from '../ledger/forecast.js';
import { iso, resetsBetween } from '../util/period.js';
import { icsCalendar, type IcsEvent } from './ics.js';

export const RESETS_AHEAD = 12;
const REMIND_BEFORE_MS = 2 * 86_400_000;
const EVENT_MS = 15 * 60_000;

/** In the pool's own unit: "1,000 images", "7.5 credits" (assets are whole: an estimate is rounded down). */
function creditsOf(n: number, unit: string): string {
  const whole = unit !== 'credit';
  const v = whole ? Math.floor(n) : n;
  return `${v.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${unit}${v === 1 ? '' : 's'}`;
}

const when = (t: number) => `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function accountEvents(ctx: Ctx, accountId: string, now: number): IcsEvent[] {
  const acct = getAccount(ctx, accountId);
  const f = forecast(ctx, acct.id, now);
  const limited = f.pools.filter((p) => !p.unlimited && p.allocation !== null && p.allocation > 0);
  if (f.pools.length === 0) return [];
  const next = Date.parse(f.pools[0]!.nextReset);
  // The next reset, then eleven more (a year of monthly resets).
  const resets = [next, ...resetsBetween(acct.rule, next, next + 400 * 86_400_000)].slice(0, RESETS_AHEAD);
  const arrives = limited.length ? limited.map((p) => creditsOf(p.allocation!, p.unit)).join(' and ') : 'the plan’s allowance';
  const expiring = limited.filter((p) => (p.unit === 'credit' ? p.forfeitAtReset : Math.floor(p.forfeitAtReset)) > 0);
  const expiryText = expiring.map((p) => `about ${creditsOf(p.forfeitAtReset, p.unit)}`).join(' and ');
  const events: IcsEvent[] = resets.map((t, i) => {
    const lines = [`${arrives} arrive${limited.length === 1 && limited[0]!.allocation === 1 ? 's' : ''}; what is left of the period before expires.`];
    if (i === 0 && expiring.length) lines.push(`At this pace ${expiryText} will expire unused.`);
    return {
      uid: `reset-${acct.id}-${iso(t)}@creditdeck`,
      start: t,
      end: t + EVENT_MS,
      summary: `${acct.name}: credits reset`,
      description: lines.join('\n'),
      ...(i === 0 && expiring.length ? { alarm: { before: 'P2D', description: `${acct.name}: ${expiryText} will expire unused at the reset` } } : {}),
    };
  });
  const remindAt = next - REMIND_BEFORE_MS;
  if (expiring.length && remindAt > now) {
    events.push({
      uid: `expiry-${acct.id}-${iso(next)}@creditdeck`,
      start: remindAt,
      end: remindAt + EVENT_MS,
      summary: `${acct.name}: use them or lose them`,
      description: `At this pace ${expiryText} will expire unused at the reset in two days (${when(next)}).`,
    });
  }
  return events;
}

/** The resets of one account, or of every account, as an iCalendar file. */
export function resetsCalendar(ctx: Ctx, accountId?: string, now: number = ctx.clock.now()): { filename: string; text: string; events: number } {
  const ids = accountId === undefined ? listAccounts(ctx).map((a) => a.id) : [getAccount(ctx, accountId).id];
  const events = ids.flatMap((id) => accountEvents(ctx, id, now)).sort((a, b) => a.start - b.start || a.uid.localeCompare(b.uid));
  const name = accountId === undefined ? 'Creditdeck resets' : `${getAccount(ctx, accountId).name} resets`;
  return { filename: `${accountId === undefined ? 'creditdeck' : ids[0]}-resets.ics`, text: icsCalendar(name, events, now), events: events.length };
}
