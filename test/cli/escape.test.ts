/**
 * Text the API would refuse can still be in a ledger: one written before the
 * plain-text rule (main/core/util/text.ts), or changed behind the app's back.
 * The CLI prints it escaped (\u001b, \u202e), never raw, in tables, plain
 * text and --json (whose strings parse back to the stored text). A .jsonl
 * export holding such text is refused by restore, naming the line.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../main/core/api/open.js';
import { addMember } from '../../main/core/ledger/config.js';
import { recordUsage } from '../../main/core/ledger/usage.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { cli } from './harness.js';

/** Anything a terminal would obey: C0 but newline, DEL, C1, bidi formatting. */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const NAME = 'Evil\u001b[2J\u001b[31mRed\u202etxt.exe';
const MEMBER_NAME = 'Bob\u009b31m\ttab';
const ACTION = 'x\u001b]0;pwned\u0007';

/** A ledger whose account name, member name, action and event hold control characters, written past the API. */
async function poisoned() {
  const c = cli('2026-11-15T12:00:00Z');
  expect((await c.exec('account', 'add', '--preset', 'lux', '--plan', 'free', '--name', 'Lux')).code).toBe(0);
  const ctx = openLedger(c.db, { clock: new ManualClock(Date.parse('2026-11-15T12:00:00Z')) });
  try {
    ctx.db.prepare('UPDATE accounts SET name = ? WHERE id = ?').run(NAME, 'lux');
    ctx.db.prepare(`INSERT INTO actions (account_id, id, label, pool, cost_mc, per, unit, free, dedupe_group, dedupe_attr, hourly_limit, note) SELECT account_id, ?, ?, pool, cost_mc, per, ?, free, NULL, NULL, NULL, NULL FROM actions WHERE account_id = 'lux' AND id = 'email'`).run(ACTION, 'Label\u202e', 'unit\u0085');
    ctx.configChanged();
    addMember(ctx, 'lux', 'bob', { name: MEMBER_NAME });
    recordUsage(ctx, { account: 'lux', action: ACTION, member: 'bob', attrs: { flow: 'ok' } });
  } finally {
    ctx.db.close();
  }
  return c;
}

describe('the CLI prints text from the ledger escaped, never raw', () => {
  it('in tables and plain text', async () => {
    const c = await poisoned();
    const outputs = await Promise.all([
      c.exec('account', 'list'),
      c.exec('account', 'show', 'lux'),
      c.exec('member', 'list', 'lux'),
      c.exec('events', 'lux'),
      c.exec('balance', 'lux'),
      c.exec('usage', 'lux', '--by', 'action,member'),
    ]);
    for (const r of outputs) {
      expect(r.code, r.err).toBe(0);
      expect(r.out, r.out).not.toMatch(RAW);
    }
    const [list, show, members, events, balance, usage] = outputs.map((r) => r.out);
    expect(list).toContain('Evil\\u001b[2J\\u001b[31mRed\\u202etxt.exe');
    expect(show).toContain('Evil\\u001b[2J\\u001b[31mRed\\u202etxt.exe (lux)');
    expect(show).toContain('x\\u001b]0;pwned\\u0007');
    expect(members).toBe('bob (Bob\\u009b31m\\u0009tab)\n');
    expect(events).toContain('x\\u001b]0;pwned\\u0007');
    expect(balance!.split('\n')[0]).toMatch(/^Evil\\u001b\[2J\\u001b\[31mRed\\u202etxt\.exe \(lux\)/);
    expect(usage).toContain('x\\u001b]0;pwned\\u0007');
  });

  it('in --json: valid JSON whose strings are the stored text, with no raw C1 or bidi character (JSON.stringify leaves those raw)', async () => {
    const c = await poisoned();
    const show = await c.exec('--json', 'account', 'show', 'lux');
    const members = await c.exec('--json', 'member', 'list', 'lux');
    const events = await c.exec('--json', 'events', 'lux');
    for (const r of [show, members, events]) {
      expect(r.code, r.err).toBe(0);
      expect(r.out).not.toMatch(RAW);
    }
    expect(show.out).toContain('"name": "Evil\\u001b[2J\\u001b[31mRed\\u202etxt.exe"');
    expect(show.json().name).toBe(NAME);
    expect(show.json().actions.find((a: { id: string }) => a.id === ACTION)).toMatchObject({ label: 'Label\u202e', unit: 'unit\u0085' });
    expect(members.json()).toEqual([{ id: 'bob', name: MEMBER_NAME, monthlyLimit: null, caps: {}, removedAt: null }]);
    expect(events.json().events[0]).toMatchObject({ action: ACTION, member: 'bob' });
  });

  it('in error messages, its own and commander\'s', async () => {
    const c = await poisoned();
    const r = await c.exec('grants', 'lux\u001b[2J');
    expect(r.code).toBe(2);
    expect(r.err).toContain('input at account: contains a control character (U+001B) at position 4');
    const unknown = await c.exec('frob\u001b[2J\u202e');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'frob\\u001b[2J\\u202e'");
    for (const x of [r, unknown]) expect(x.err).not.toMatch(RAW);
  });
});

describe('restore refuses an export holding such text, naming the line; nothing is restored', () => {
  it('raw text in a column, and a control character escaped inside a JSON column', async () => {
    const c = await poisoned();
    const file = join(c.dir, 'poisoned.jsonl');
    expect((await c.exec('export', file)).code).toBe(0);
    const lines = c.read(file).split('\n');
    const target = join(c.dir, 'restored.sqlite');
    const r = await c.exec('--db', target, 'restore', file);
    expect(r.code).toBe(2);
    const accountLine = lines.findIndex((l) => l.startsWith('{"t":"accounts"')) + 1;
    expect(r.err).toContain(`${file} line ${accountLine}: accounts.name contains a control character (U+001B) at position 5; nothing was restored`);
    expect(r.err).not.toMatch(RAW);
    const db = new Database(target, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM accounts').get()).toEqual({ n: 0 });
    db.close();

    // The same export with the name fixed: the next problem is the action, then inside provider_json (JSON-escaped there).
    const fixed = lines.map((l) => (l.startsWith('{"t":"accounts"') ? l.replace(JSON.stringify(NAME).slice(1, -1), 'Lux') : l));
    const provider = fixed.findIndex((l) => l.startsWith('{"t":"accounts"'));
    const row = JSON.parse(fixed[provider]!) as { t: string; r: { provider_json: string } };
    const doc = JSON.parse(row.r.provider_json) as { plans: { name: string }[] };
    doc.plans[0]!.name = 'Free\u001b[8m';
    row.r.provider_json = JSON.stringify(doc);
    fixed[provider] = JSON.stringify(row);
    expect(fixed[provider]).not.toMatch(RAW); // the ESC is JSON-escaped twice over: only reading the column finds it
    const file2 = join(c.dir, 'poisoned2.jsonl');
    writeFileSync(file2, fixed.join('\n'));
    const r2 = await c.exec('--db', join(c.dir, 'restored2.sqlite'), 'restore', file2);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain(`line ${provider + 1}: accounts.provider_json (plans.0.name) contains a control character (U+001B) at position 5; nothing was restored`);
  });

  it('a clean export of the same ledger shape restores', async () => {
    const c = cli('2026-11-15T12:00:00Z');
    const id = (await c.exec('account', 'add', '--preset', 'lux', '--plan', 'free', '--name', 'Café 東京 🚀')).out.trim();
    expect((await c.exec('member', 'add', id, 'bob', '--name', 'Zoë مرحبا')).code).toBe(0);
    const file = join(c.dir, 'clean.jsonl');
    expect((await c.exec('export', file)).code).toBe(0);
    const r = await c.exec('--db', join(c.dir, 'restored.sqlite'), 'restore', file);
    expect(r.code, r.err).toBe(0);
    expect((await c.exec('--db', join(c.dir, 'restored.sqlite'), 'account', 'list')).out).toContain('Café 東京 🚀');
  });
});
