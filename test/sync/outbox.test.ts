/**
 * The outbox and its push (main/core/sync/): entries kept before they are
 * sent, answers settled once, a lost answer sent again and counted once, a
 * host that cannot be reached leaving everything pending; and the invite
 * link's parts checked before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox, type Settlement } from '../../main/core/sync/outbox.js';
import { pushOutbox, PUSH_BATCH, type PushEntry } from '../../main/core/sync/push.js';
import { parseJoinLink } from '../../main/core/sync/join-link.js';
import { teamAlias } from '../../main/core/sync/credentials.js';
import { thrown } from '../ledger/helpers.js';

/** A host that remembers what it accepted, by entry id, as team.push does with its keys. */
function fakeHost() {
  const seen = new Map<string, number>();
  let calls = 0;
  const send = async (entries: PushEntry[]): Promise<Settlement[]> => {
    calls++;
    return entries.map((e) => {
      const first = seen.get(e.id);
      if (first !== undefined) return { id: e.id, status: 'duplicate', result: { n: first } };
      if (e.input.quantity === 'bad') return { id: e.id, status: 'rejected', reason: 'invalid_input', message: 'quantity must be a number' };
      seen.set(e.id, seen.size + 1);
      return { id: e.id, status: 'accepted', result: { n: seen.size } };
    });
  };
  return { seen, send, calls: () => calls };
}

const now = () => Date.parse('2026-12-04T10:00:00Z');

describe('outbox', () => {
  it('sends pending entries oldest first in batches, settles each answer once, and a lost answer counts once', async () => {
    const box = new Outbox(':memory:');
    const host = fakeHost();
    const ids = Array.from({ length: PUSH_BATCH + 5 }, (_, i) => box.add('team_1', 'usage.record', { account: 'lux-pro', action: 'email', quantity: i === 3 ? 'bad' : 1 }, now()).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(box.counts('team_1')).toEqual({ pending: PUSH_BATCH + 5, rejected: 0, inDoubt: 0 });

    // The host commits the first batch but its answer is lost on the way back.
    await host.send(box.pending('team_1', PUSH_BATCH).map((e) => ({ id: e.id, call: e.call, input: e.input })));
    const r = await pushOutbox(box, 'team_1', host.send, now);
    expect(r).toEqual({ pushed: PUSH_BATCH + 5, accepted: 5, duplicate: PUSH_BATCH - 1, rejected: 1, offline: null, unanswered: [] });
    expect(host.seen.size).toBe(PUSH_BATCH + 4);
    expect(box.counts('team_1')).toEqual({ pending: 0, rejected: 1, inDoubt: 0 });
    expect(box.get(ids[3]!)).toMatchObject({ status: 'rejected', reason: 'invalid_input', message: 'quantity must be a number' });
    expect(box.lastSync('team_1')).toEqual({ at: now(), error: null });
    // Settled entries keep their first answer.
    box.settle([{ id: ids[0]!, status: 'rejected', reason: 'x' }], now());
    expect(box.get(ids[0]!)!.status).toBe('duplicate');
    expect(box.dismiss(ids[3]!)).toBe(true);
    expect(box.counts('team_1').rejected).toBe(0);
    box.close();
  });

  it('a host out of reach leaves every entry pending and says why; another team is untouched', async () => {
    const box = new Outbox(':memory:');
    box.add('team_1', 'usage.record', { action: 'email' }, now());
    box.add('team_2', 'usage.record', { action: 'sms' }, now());
    // The connection was never made (sent: false, as requestPinned says it): nothing can have reached the host.
    const r = await pushOutbox(box, 'team_1', async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4317'), { sent: false })), now);
    expect(r).toEqual({ pushed: 0, accepted: 0, duplicate: 0, rejected: 0, offline: 'connect ECONNREFUSED 127.0.0.1:4317', unanswered: [] });
    expect(box.counts('team_1')).toEqual({ pending: 1, rejected: 0, inDoubt: 0 });
    expect(box.pending('team_1')[0]!.sentAt).toBeNull();
    expect(box.lastSync('team_1')).toEqual({ at: null, error: 'connect ECONNREFUSED 127.0.0.1:4317' });
    // A host that answers for none of what was sent cannot make the push loop.
    expect((await pushOutbox(box, 'team_1', async () => [], now)).offline).toMatch(/answered for none/);
    expect(box.forget('team_1')).toBe(1);
    expect(box.counts('team_2').pending).toBe(1);
    box.close();
  });

  it('a push refused whole at the door (a revoked device) rejects what was never sent, and flags in doubt what an unanswered send may have left on the host', async () => {
    const box = new Outbox(':memory:');
    const host = fakeHost();
    const t0 = now();
    const early = box.add('team_1', 'usage.record', { action: 'email' }, t0).id;
    // Sent, committed by the host, the answer lost: the entry stays pending, known to have been sent.
    const lost = await pushOutbox(box, 'team_1', async (entries) => {
      await host.send(entries);
      throw new Error('socket hang up');
    }, () => t0 + 1);
    expect(lost.unanswered).toEqual([early]);
    expect(box.get(early)).toMatchObject({ status: 'pending', sentAt: t0 + 1 });
    const late = box.add('team_1', 'usage.record', { action: 'sms' }, t0 + 2).id;
    // A connection never made leaves the new one unsent and the old one sent.
    await pushOutbox(box, 'team_1', async () => Promise.reject(Object.assign(new Error('ECONNREFUSED'), { sent: false })), () => t0 + 3);
    expect(box.get(late)!.sentAt).toBeNull();
    expect(box.get(early)!.sentAt).toBe(t0 + 1);
    // Now the door refuses the device, judging nothing (as member-link's pushSender answers a 401).
    const revoked = async (entries: PushEntry[]): Promise<Settlement[]> => entries.map((e) => ({ id: e.id, status: 'rejected', reason: 'unauthorized', message: 'this device was revoked', unjudged: true }));
    const r = await pushOutbox(box, 'team_1', revoked, () => t0 + 4);
    expect(r).toMatchObject({ pushed: 2, rejected: 2, offline: null });
    expect(box.get(late)).toMatchObject({ status: 'rejected', reason: 'unauthorized', message: 'this device was revoked', inDoubt: false });
    expect(box.get(early)).toMatchObject({ status: 'rejected', reason: 'unauthorized', inDoubt: true });
    expect(box.get(early)!.message).toMatch(new RegExp(`^this device was revoked\\. An earlier send of this entry got no answer, so the team host may have recorded it .*keyed push-${early}$`));
    expect(host.seen.has(early)).toBe(true);
    expect(box.counts('team_1')).toEqual({ pending: 0, rejected: 2, inDoubt: 1 });
    // A rejection the host judged is never in doubt, sent before or not.
    const judged = box.add('team_1', 'usage.record', { quantity: 'bad' }, t0 + 5).id;
    box.markSent([judged], t0 + 5);
    await pushOutbox(box, 'team_1', host.send, () => t0 + 6);
    expect(box.get(judged)).toMatchObject({ status: 'rejected', reason: 'invalid_input', inDoubt: false });
    box.close();
  });

  it('opens an outbox made before entries kept whether they were sent: the columns are added, the rows kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-outbox-'));
    const path = join(dir, 'outbox.sqlite');
    const old = new Database(path);
    old.exec(`CREATE TABLE outbox (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, team TEXT NOT NULL, call TEXT NOT NULL, input_json TEXT NOT NULL, created_at INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'duplicate', 'rejected')), result_json TEXT, reason TEXT, message TEXT, settled_at INTEGER, dismissed INTEGER NOT NULL DEFAULT 0) STRICT`);
    old.prepare(`INSERT INTO outbox (id, team, call, input_json, created_at) VALUES ('ob_old', 'team_1', 'usage.record', '{}', 1)`).run();
    old.close();
    const box = new Outbox(path);
    expect(box.get('ob_old')).toMatchObject({ status: 'pending', sentAt: null, inDoubt: false });
    box.close();
    // Opened again: nothing to add twice.
    new Outbox(path).close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('invite links', () => {
  const fp = 'AB:'.repeat(31) + 'AB';
  it('takes the host, the invite and the fingerprint from the link, or given apart', () => {
    expect(parseJoinLink(`https://studio.local:4317/join#invite=cdi_inv_abc_defghijk&fp=${encodeURIComponent(fp)}`)).toEqual({ url: 'https://studio.local:4317', invite: 'cdi_inv_abc_defghijk', fingerprint: fp });
    expect(parseJoinLink('https://10.0.0.5:4317', { invite: 'cdi_inv_abc_defghijk', fingerprint: 'ab'.repeat(32) }).fingerprint).toBe(fp);
  });

  it('refuses what it cannot trust, saying what is wrong', () => {
    const bad: [string, { invite?: string; fingerprint?: string }, RegExp][] = [
      [`http://studio.local/join#invite=cdi_inv_abc_defghijk&fp=${fp}`, {}, /https:\/\//],
      ['https://studio.local/join#fp=' + fp, {}, /no invite code/],
      ['https://studio.local/join#invite=cdi_inv_abc_defghijk', {}, /no certificate fingerprint/],
      ['https://studio.local/join#invite=nope&fp=' + fp, {}, /not an invite code/],
      ['https://studio.local/', { invite: 'cdi_inv_abc_defghijk', fingerprint: 'AB:CD' }, /SHA-256 fingerprint/],
      ['not a url', {}, /https:\/\/ address/],
    ];
    for (const [link, parts, message] of bad) expect((thrown(() => parseJoinLink(link, parts)) as Error).message, link).toMatch(message);
  });

  it('names a team by its name in lower case', () => {
    expect(teamAlias('Studio')).toBe('studio');
    expect(teamAlias('  Björk & Co. ')).toBe('bjork-co');
    expect(teamAlias('***')).toBe('team');
  });
});
