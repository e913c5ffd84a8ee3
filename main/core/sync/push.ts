/**
 * Sending the outbox to the team's host (`team.push`): pending entries, oldest
 * first, in batches; each answer settles its entry. The road to the host is
 * the transport's (`send`: HTTPS with the pinned certificate, in the CLI);
 * when it fails (offline, a timeout, the host down) nothing is settled and the
 * entries wait for the next push — the host's answer for an id is always the
 * same, so sending again after a lost answer counts nothing twice.
 */
import type { Outbox, Settlement } from './outbox.js';

export const PUSH_BATCH = 100;

export interface PushEntry {
  id: string;
  call: string;
  input: Record<string, unknown>;
  /**
   * Recorded while the host could not answer (it waited in the outbox): a fact
   * the host books even past the pool or late (docs/team.md, "Overdrafts").
   * Absent for the entry a command pushes at once: the host may still refuse that one.
   */
  offline?: boolean;
}

export type Send = (entries: PushEntry[]) => Promise<Settlement[]>;

export interface PushResult {
  pushed: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  /** Set when the host could not be reached: the entries stay pending. */
  offline: string | null;
  /**
   * The entries of the send that failed when it may have reached the host
   * (the answer was lost, not the connection refused: an error without
   * `sent: false`): the host may hold them already, so none may be taken back.
   */
  unanswered: string[];
}

/** `live`: the entry the running command just recorded, sent as a request the host may refuse; every other one waited, so it is a fact. */
export async function pushOutbox(outbox: Outbox, team: string, send: Send, now: () => number, live?: string): Promise<PushResult> {
  const out: PushResult = { pushed: 0, accepted: 0, duplicate: 0, rejected: 0, offline: null, unanswered: [] };
  for (;;) {
    const batch = outbox.pending(team, PUSH_BATCH);
    if (batch.length === 0) break;
    let answers: Settlement[];
    // Sent before (an answer lost, or a crash mid-send): the host may hold it already, whatever it answers now.
    const sentBefore = new Set(batch.filter((e) => e.sentAt !== null).map((e) => e.id));
    outbox.markSent(batch.map((e) => e.id), now());
    try {
      answers = await send(batch.map((e) => ({ id: e.id, call: e.call, input: e.input, ...(e.id === live ? {} : { offline: true }) })));
    } catch (e) {
      out.offline = e instanceof Error ? e.message : String(e);
      if ((e as { sent?: unknown } | null)?.sent !== false) out.unanswered = batch.map((x) => x.id);
      else outbox.unmarkSent(batch.filter((x) => !sentBefore.has(x.id)).map((x) => x.id));
      outbox.noteSync(team, now(), out.offline);
      return out;
    }
    const sent = new Set(batch.map((e) => e.id));
    const mine = answers.filter((a) => sent.has(a.id)).map((a) => (a.unjudged && sentBefore.has(a.id) ? inDoubt(a) : a));
    // A host that answers for none of the entries would loop forever: stop, and say so.
    if (mine.length === 0) {
      out.offline = 'the team host answered for none of the entries sent';
      outbox.noteSync(team, now(), out.offline);
      return out;
    }
    outbox.settle(mine, now());
    out.pushed += mine.length;
    for (const a of mine) out[a.status]++;
  }
  outbox.noteSync(team, now(), null);
  return out;
}

/**
 * The host refused a push whole (its door: a revoked device, a role that may
 * not push) without judging the entry, but an earlier send of it got no
 * answer: it may be on the host already. Rejected (it cannot be sent again
 * from here) yet flagged, saying how to find out.
 */
function inDoubt(a: Settlement): Settlement {
  const why = a.message ?? 'the team host refused the push';
  return {
    id: a.id,
    status: 'rejected',
    reason: a.reason ?? 'error',
    inDoubt: true,
    message: `${why}. An earlier send of this entry got no answer, so the team host may have recorded it before it refused this device: a team admin can check the account's usage history for an event keyed push-${a.id}`,
  };
}
