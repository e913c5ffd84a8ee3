/**
 * Hostile input to the `creditdeck` command, spawned as a user runs it
 * (bin/creditdeck.mjs → out/cli, built by `npm test` before vitest) against
 * a temporary ledger file: each bad argument, option and import file exits 2
 * with a message on stderr saying what was wrong, and the file's content is
 * exactly what it was. Imports are all or nothing: a file whose good lines
 * come before its bad one imports none of them.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../main/core/util/clock.js';
import { presets } from '../../main/core/presets/index.js';
import { digest, rowCount, seededLedger, type Seeded } from './ledger.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'creditdeck.mjs');

let led: Seeded;
let before: string;

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, [BIN, '--db', led.path, ...args], { env: { ...process.env, CREDITDECK_DB: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('error', fail);
    p.on('close', (code) => ok({ code, out, err }));
  });
}

/** An import file in the ledger's folder. */
const file = (name: string, text: string) => () => {
  const p = join(led.dir, name);
  writeFileSync(p, text);
  return p;
};
const good = '{"account":"lux","action":"email","key":"imp-1"}\n{"account":"lux","action":"sms","quantity":2,"key":"imp-2"}\n';

const CLI_CASES: { name: string; args: () => string[]; message: RegExp }[] = [
  // Quantities.
  { name: 'negative quantity', args: () => ['use', 'lux', 'email', '-1'], message: /quantity must not be negative \(got -1\)/ },
  { name: 'negative fraction after --', args: () => ['use', 'lux', 'email', '--', '-0.5'], message: /quantity must not be negative \(got -0.5\)/ },
  { name: 'NaN', args: () => ['use', 'lux', 'email', 'NaN'], message: /quantity must be a plain decimal number like 12 or 7.5 \(got "NaN"\)/ },
  { name: 'Infinity', args: () => ['use', 'lux', 'email', 'Infinity'], message: /quantity must be a plain decimal number .*"Infinity"/ },
  { name: '1e308', args: () => ['use', 'lux', 'email', '1e308'], message: /quantity must be a plain decimal number .*"1e308"/ },
  { name: 'a huge number', args: () => ['use', 'lux', 'email', '9'.repeat(400)], message: /quantity is too large/ },
  { name: 'words', args: () => ['use', 'lux', 'email', 'ten'], message: /quantity must be a plain decimal number .*"ten"/ },
  { name: 'four decimals', args: () => ['use', 'lux', 'email', '1.2345'], message: /quantity has more than 3 decimal places/ },
  { name: 'zero', args: () => ['use', 'lux', 'email', '0'], message: /quantity must be greater than zero/ },
  // Unknown things and SQL-looking text.
  { name: 'unknown account', args: () => ['use', 'nope', 'email'], message: /account "nope" was not found/ },
  { name: 'SQL as an account', args: () => ['use', "lux'; DROP TABLE events;--", 'email'], message: /account "lux'; DROP TABLE events;--" was not found/ },
  { name: 'unknown action', args: () => ['use', 'lux', 'teleport'], message: /unknown action "teleport"/ },
  { name: 'unknown member', args: () => ['use', 'lux', 'email', '--member', 'mallory'], message: /unknown member "mallory"/ },
  { name: 'unknown command', args: () => ['frobnicate'], message: /unknown command 'frobnicate'/ },
  { name: 'unknown option', args: () => ['use', 'lux', 'email', '--colour', 'red'], message: /unknown option '--colour'/ },
  { name: 'missing argument', args: () => ['use', 'lux'], message: /missing required argument 'action'/ },
  // Dates and zones.
  { name: 'Feb 30', args: () => ['use', 'lux', 'email', '--at', '2026-02-30'], message: /--at "2026-02-30" is not a real date/ },
  { name: '"yesterday"', args: () => ['use', 'lux', 'email', '--at', 'yesterday'], message: /--at must be an ISO 8601 time/ },
  { name: 'far future', args: () => ['use', 'lux', 'email', '--at', '2199-01-01T00:00:00Z'], message: /is in the future/ },
  { name: 'impossible offset', args: () => ['use', 'lux', 'email', '--at', '2026-01-01T00:00:00+25:00'], message: /impossible UTC offset/ },
  { name: 'zone Mars/Base', args: () => ['account', 'add', '--preset', 'lux', '--plan', 'free', '--tz', 'Mars/Base'], message: /"Mars\/Base" is not a valid IANA time zone/ },
  { name: 'anchor Feb 30', args: () => ['account', 'add', '--preset', 'lux', '--plan', 'free', '--anchor', '2026-02-30'], message: /--anchor "2026-02-30" is not a real calendar date/ },
  { name: 'unknown preset', args: () => ['account', 'add', '--preset', 'acme', '--plan', 'free'], message: /unknown preset "acme"/ },
  { name: 'no plan', args: () => ['account', 'add', '--preset', 'lux'], message: /required option '--plan <id>' not specified/ },
  // Attributes and keys.
  { name: 'attribute of 201 characters', args: () => ['use', 'lux', 'email', '--attr', `flow=${'x'.repeat(201)}`], message: /attribute flow must be 1–200 characters/ },
  { name: 'escape sequence in an attribute', args: () => ['use', 'lux', 'email', '--attr', 'flow=a\u001b[2Jb'], message: /input at attrs.flow: contains a control character \(U\+001B\) at position 2/ },
  { name: 'attribute without =', args: () => ['use', 'lux', 'email', '--attr', 'flow'], message: /--attr takes KEY=VALUE \(got "flow"\)/ },
  { name: 'attribute given twice', args: () => ['use', 'lux', 'email', '--attr', 'flow=a', '--attr', 'flow=b'], message: /--attr flow given twice/ },
  { name: 'key with a space', args: () => ['use', 'lux', 'email', '--key', 'has space'], message: /--key must be 1–128 visible ASCII/ },
  // Grants, holds, voids, refunds.
  { name: 'grant to an unknown pool', args: () => ['grant', 'lux', 'gold', '5'], message: /unknown pool "gold"/ },
  { name: 'grant from an unknown source', args: () => ['grant', 'lux', 'credits', '5', '--source', 'gift'], message: /argument 'gift' is invalid/ },
  { name: 'price in dollars', args: () => ['grant', 'lux', 'credits', '5', '--source', 'purchase', '--price', '9.99'], message: /--price is in cents \(minor units\): 500 for \$5\.00 \(got 9\.99\)/ },
  { name: 'grant expiring in the past', args: () => ['grant', 'lux', 'credits', '5', '--expires', '2001-01-01T00:00:00Z'], message: /--expires .* must be after the grant time/ },
  { name: 'hold of Infinity', args: () => ['hold', 'lux', 'credits', 'Infinity'], message: /amount must be a plain decimal/ },
  { name: 'capture on an unknown hold', args: () => ['capture', 'hold_nope', 'email'], message: /hold "hold_nope" was not found/ },
  { name: 'release an unknown hold', args: () => ['release', 'hold_nope'], message: /hold "hold_nope" was not found/ },
  { name: 'void an unknown event', args: () => ['void', 'ev_zzzz'], message: /event "ev_zzzz" was not found/ },
  { name: 'refund an unknown grant', args: () => ['refund', 'gr_nope'], message: /grant "gr_nope" was not found/ },
  // Settings and reads.
  { name: 'thresholds out of range', args: () => ['account', 'set', 'lux', '--thresholds', '0,150'], message: /--thresholds must be/ },
  { name: 'thresholds not numbers', args: () => ['account', 'set', 'lux', '--thresholds', 'half,all'], message: /input at thresholds.0: .*expected number, received NaN/ },
  { name: 'events --limit all', args: () => ['events', 'lux', '--limit', 'all'], message: /--limit must be a whole number/ },
  { name: 'usage --by hour', args: () => ['usage', 'lux', '--by', 'hour'], message: /--by "hour" is not a grouping/ },
  { name: 'balance --at yesterday', args: () => ['balance', 'lux', '--at', 'yesterday'], message: /--at must be an ISO 8601 time/ },
  // Imports: malformed JSONL and CSV, all or nothing.
  { name: 'JSONL with a broken line after good ones', args: () => ['import', file('a.jsonl', good + '{"account":"lux","action":')()], message: /line 3: not valid JSON .*nothing was imported/ },
  { name: 'JSONL with an unknown action after good ones', args: () => ['import', file('b.jsonl', good + '{"account":"lux","action":"teleport"}\n')()], message: /line 3: unknown action "teleport".*nothing was imported/ },
  { name: 'JSONL with a negative quantity', args: () => ['import', file('c.jsonl', good + '{"account":"lux","action":"email","quantity":-3}\n')()], message: /line 3: quantity must not be negative/ },
  { name: 'JSONL with a list for a line', args: () => ['import', file('d.jsonl', good + '["lux","email"]\n')()], message: /line 3: each line must be a JSON object/ },
  { name: 'JSONL with an unknown column', args: () => ['import', file('e.jsonl', good + '{"account":"lux","action":"email","cost":0}\n')()], message: /line 3: unknown column "cost"/ },
  { name: 'JSONL with attrs as text', args: () => ['import', file('f.jsonl', good + '{"account":"lux","action":"email","attrs":"flow=a"}\n')()], message: /line 3: attrs must be an object/ },
  { name: 'JSONL with an impossible date', args: () => ['import', file('g.jsonl', good + '{"account":"lux","action":"email","at":"2026-02-30T00:00:00Z"}\n')()], message: /line 3 at "2026-02-30T00:00:00Z" is not a real date/ },
  { name: 'JSONL with SQL in a key', args: () => ['import', file('h.jsonl', good + '{"account":"lux","action":"email","key":"x\'); DELETE FROM entries; --"}\n')()], message: /line 3: --key must be 1–128 visible ASCII/ },
  { name: 'an empty JSONL file', args: () => ['import', file('empty.jsonl', '\n\n')()], message: /the file has no events; nothing was imported/ },
  { name: 'CSV with a bad quantity', args: () => ['import', file('a.csv', 'account,action,quantity\nlux,email,1\nlux,email,lots\n')()], message: /line 3: quantity must be a plain decimal/ },
  { name: 'CSV with a ragged row', args: () => ['import', file('b.csv', 'account,action,quantity\nlux,email,1\nlux,email,1,extra\n')()], message: /CSV could not be read: .*nothing was imported/ },
  { name: 'CSV with an unclosed quote', args: () => ['import', file('c.csv', 'account,action,quantity\nlux,email,1\n"lux,email,1\n')()], message: /CSV could not be read/ },
  { name: 'CSV with an unknown column', args: () => ['import', file('d.csv', 'account,action,price\nlux,email,1\n')()], message: /line 2: unknown column "price"/ },
  { name: 'CSV with no account', args: () => ['import', file('e.csv', 'action,quantity\nemail,1\n')()], message: /line 2: no account/ },
  { name: 'CSV with a control character in an attribute', args: () => ['import', file('f.csv', 'account,action,attr.flow\nlux,email,ok\nlux,email,"a\u0007b"\n')()], message: /line 3: attribute flow contains a control character \(U\+0007\) at position 2/ },
  { name: 'a file of unknown format', args: () => ['import', file('x.txt', good)()], message: /cannot tell the format of .*x\.txt/ },
  { name: 'a file that is not there', args: () => ['import', join(led.dir, 'missing.jsonl')], message: /cannot read .*missing\.jsonl: ENOENT/ },
  // Terminal and bidi control characters in free text (util/text.ts), as arguments, options, import lines and a provider file; NUL cannot be an argument, so it comes in files.
  { name: 'ESC in an account name', args: () => ['account', 'add', '--preset', 'lux', '--plan', 'free', '--name', 'Evil\u001b[2J'], message: /input at name: contains a control character \(U\+001B\) at position 5/ },
  { name: 'RLO in a grant note', args: () => ['grant', 'lux', 'credits', '5', '--note', 'paid\u202eexe.pdf'], message: /input at note: contains a bidirectional formatting character \(U\+202E\) at position 5/ },
  { name: 'C1 CSI in a hold note', args: () => ['hold', 'lux', 'credits', '1', '--note', 'x\u009b2J'], message: /input at note: contains a control character \(U\+009B\) at position 2/ },
  { name: 'tab in a void reason', args: () => ['void', led.eventId, '--reason', 'typo\there'], message: /input at reason: contains a control character \(U\+0009\) at position 5/ },
  { name: 'LRI in a member id', args: () => ['member', 'add', 'lux', 'b\u2066ob'], message: /input at member: contains a bidirectional formatting character \(U\+2066\) at position 2/ },
  { name: 'RLM in a member name', args: () => ['member', 'add', 'lux', 'bob', '--name', 'Bob\u200f'], message: /input at name: contains a bidirectional formatting character \(U\+200F\) at position 4/ },
  { name: 'ALM in an account id', args: () => ['use', 'l\u061cux', 'email'], message: /input at account: contains a bidirectional formatting character \(U\+061C\) at position 2/ },
  { name: 'NEL in an action name', args: () => ['use', 'lux', 'em\u0085ail'], message: /input at action: contains a control character \(U\+0085\) at position 3/ },
  { name: 'ESC in an attribute name', args: () => ['use', 'lux', 'email', '--attr', 'fl\u001bow=x'], message: /input at attrs\.fl\\u001bow: the key contains a control character \(U\+001B\) at position 3/ },
  { name: 'ESC in an idempotency key', args: () => ['use', 'lux', 'email', '--key', 'k\u001b'], message: /input at key: contains a control character \(U\+001B\) at position 2/ },
  { name: 'DEL in a daily-limit value', args: () => ['limit', 'lux', 'server=eu\u007f', '5'], message: /input at value: contains a control character \(U\+007F\) at position 3/ },
  { name: 'PDI in an action label', args: () => ['action', 'set', 'lux', 'email', '--label', 'Email\u2069'], message: /input at label: contains a bidirectional formatting character \(U\+2069\) at position 6/ },
  { name: 'BEL in a report filter', args: () => ['usage', 'lux', '--where', 'server=\u0007'], message: /input at where\.server: contains a control character \(U\+0007\) at position 1/ },
  { name: 'JSONL with ESC in an action', args: () => ['import', file('t1.jsonl', good + '{"account":"lux","action":"email\\u001b[2J"}\n')()], message: /line 3: action contains a control character \(U\+001B\) at position 6; nothing was imported/ },
  { name: 'JSONL with NUL in a member', args: () => ['import', file('t2.jsonl', good + '{"account":"lux","action":"email","member":"al\\u0000ice"}\n')()], message: /line 3: member contains a control character \(U\+0000\) at position 3; nothing was imported/ },
  { name: 'JSONL with RLO in a key', args: () => ['import', file('t3.jsonl', good + '{"account":"lux","action":"email","key":"k\u202e1"}\n')()], message: /line 3: key contains a bidirectional formatting character \(U\+202E\) at position 2; nothing was imported/ },
  { name: 'JSONL with ESC in a column name', args: () => ['import', file('t4.jsonl', good + '{"account":"lux","action":"email","x\\u001b":1}\n')()], message: /line 3: unknown column "x\\u001b"/ },
  { name: 'CSV with RLO in an attribute', args: () => ['import', file('t5.csv', 'account,action,attr.flow\nlux,email,ok\nlux,email,"a\u202eb"\n')()], message: /line 3: attribute flow contains a bidirectional formatting character \(U\+202E\) at position 2; nothing was imported/ },
  { name: 'CSV with C1 in an account', args: () => ['import', file('t6.csv', 'account,action\nlux,email\nl\u0090ux,email\n')()], message: /line 3: account contains a control character \(U\+0090\) at position 2; nothing was imported/ },
  {
    name: 'a provider file with ESC in a plan name',
    args: () => ['account', 'add', '--plan', 'free', '--provider-file', file('evil-provider.json', JSON.stringify({ ...presets.lux, plans: presets.lux!.plans.map((p, i) => (i === 0 ? { ...p, name: 'Free\u001b[8m' } : p)) }))()],
    message: /provider file .*evil-provider\.json is invalid at plans\.0\.name: contains a control character \(U\+001B\) at position 5/,
  },
];

/** Anything a terminal would obey: C0 but newline, DEL, C1, bidi formatting. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

beforeAll(() => {
  led = seededLedger(new ManualClock(Date.now()), 'creditdeck-hostile-cli-');
  led.ctx.db.close();
  before = digest(led.path);
});

describe('hostile input to the creditdeck command: exit 2, a message, and the ledger unchanged', () => {
  // Spawned processes are slow to start; a few run at once. None of them may write, so the digest must match after each.
  test.concurrent.each(CLI_CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = await cli(c.args());
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(c.message);
    expect(r.err + r.out, 'printed a raw control character').not.toMatch(RAW_CONTROL);
    expect(digest(led.path), 'the ledger changed').toBe(before);
  }, 30_000);

  test('the good lines of those files import once the bad line is gone', async () => {
    const events = rowCount(led.path, 'events');
    const r = await cli(['import', file('ok.jsonl', good)()]);
    expect(r.code, r.err).toBe(0);
    expect(rowCount(led.path, 'events')).toBe(events + 2);
    expect(digest(led.path)).not.toBe(before);
    const check = await cli(['check']);
    expect(check.code, check.out + check.err).toBe(0);
  }, 30_000);
});
