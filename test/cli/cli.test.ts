import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli } from './harness.js';
import { PROGRESS_EVERY } from '../../main/core/ledger/import.js';

describe('creditdeck CLI', () => {
  it('adds an account and prints its id, with --json as {id}', async () => {
    const c = cli();
    const r = await c.exec('account', 'add', '--preset', 'fluxnote', '--plan', 'rise', '--anchor', '2026-10-31');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe('fluxnote-rise');
    const j = await c.exec('--json', 'account', 'add', '--preset', 'lux', '--plan', 'free', '--name', 'Team Lux');
    expect(j.code).toBe(0);
    expect(j.json().id).toBe('team-lux');
  });

  it('records usage and reports the balance in the promised JSON shapes', async () => {
    const c = cli('2026-11-15T12:00:00Z');
    await c.exec('account', 'add', '--preset', 'fluxnote', '--plan', 'rise', '--anchor', '2026-10-31');
    const u = await c.exec('--json', 'use', 'fluxnote-rise', 'image', '3', '--attr', 'project=launch');
    expect(u.code).toBe(0);
    const use = u.json();
    expect(use.status).toBe('applied');
    expect(use.eventId).toMatch(/^ev_/);
    expect(use.debits).toEqual([expect.objectContaining({ pool: 'image', credits: 3 })]);

    const b = (await c.exec('--json', 'balance', 'fluxnote-rise')).json();
    expect(b.account).toBe('fluxnote-rise');
    expect(b.plan).toBe('rise');
    const image = b.pools.find((p: { pool: string }) => p.pool === 'image');
    expect(image).toMatchObject({ unlimited: false, allocation: 1000, monthlyRemaining: 997, topupRemaining: 0, remaining: 997, usedThisPeriod: 3 });
    // Anchor on the 31st: November's reset clamps to the 30th.
    expect(image.periodStart).toBe('2026-10-31T00:00:00.000Z');
    expect(image.nextReset).toBe('2026-11-30T00:00:00.000Z');
  });

  it('exit 3 for a refusal, recorded and listed with its reason', async () => {
    const c = cli();
    await c.exec('account', 'add', '--preset', 'fluxnote', '--plan', 'free');
    expect((await c.exec('use', 'fluxnote-free', 'video')).code).toBe(0);
    const r = await c.exec('--json', 'use', 'fluxnote-free', 'video');
    expect(r.code).toBe(3);
    expect(r.json().error).toMatchObject({ code: 'refused', reason: 'insufficient_credits' });
    expect(r.err).toMatch(/cannot generate new videos/);
    const list = (await c.exec('--json', 'refusals', 'fluxnote-free')).json();
    expect(list).toHaveLength(1);
    expect(list[0].reason).toBe('insufficient_credits');
  });

  it('a retried key is a duplicate and charges nothing', async () => {
    const c = cli();
    await c.exec('account', 'add', '--preset', 'lux', '--plan', 'free');
    const a = (await c.exec('--json', 'use', 'lux-free', 'ai:claude-sonnet', '1500', '--key', 'exec-1')).json();
    const b = (await c.exec('--json', 'use', 'lux-free', 'ai:claude-sonnet', '1500', '--key', 'exec-1')).json();
    expect(a.credits).toBe(7.5);
    expect(b).toMatchObject({ status: 'duplicate', eventId: a.eventId, credits: 7.5 });
    const bal = (await c.exec('--json', 'balance', 'lux-free')).json();
    expect(bal.pools[0].remaining).toBe(992.5);
  });

  const bad: [string, string[], RegExp][] = [
    ['negative quantity', ['use', 'lux-free', 'email', '-3'], /negative/],
    ['zero quantity', ['use', 'lux-free', 'email', '0'], /greater than zero/],
    ['NaN quantity', ['use', 'lux-free', 'email', 'NaN'], /plain decimal/],
    ['Infinity', ['use', 'lux-free', 'email', 'Infinity'], /plain decimal/],
    ['1e308', ['use', 'lux-free', 'email', '1e308'], /plain decimal/],
    ['huge quantity', ['use', 'lux-free', 'email', '99999999999999999999'], /too large/],
    ['too many decimals', ['use', 'lux-free', 'email', '1.00001'], /3 decimal/],
    ['unknown account', ['use', 'nope', 'email'], /account "nope" was not found/],
    ['unknown action', ['use', 'lux-free', 'fax'], /unknown action "fax"/],
    ['unknown pool', ['grant', 'lux-free', 'gold', '5'], /unknown pool "gold"/],
    ['unknown plan', ['account', 'plan', 'lux-free', 'platinum'], /unknown plan "platinum"/],
    ['unknown member', ['use', 'lux-free', 'email', '--member', 'zed'], /unknown member "zed"/],
    ['impossible date', ['use', 'lux-free', 'email', '--at', '2026-02-30T00:00:00Z'], /not a real date/],
    ['malformed date', ['use', 'lux-free', 'email', '--at', 'yesterday'], /ISO 8601/],
    ['future date', ['use', 'lux-free', 'email', '--at', '2030-01-01T00:00:00Z'], /in the future/],
    ['bad time zone', ['account', 'add', '--preset', 'lux', '--plan', 'free', '--tz', 'Mars/Base'], /not a valid IANA time zone/],
    ['bad anchor', ['account', 'add', '--preset', 'lux', '--plan', 'free', '--anchor', '2026-13-01'], /not a real calendar date/],
    ['missing amount', ['account', 'add', '--preset', 'flowly', '--plan', 'custom'], /--amount credits=N/],
    ['bad attr', ['use', 'lux-free', 'email', '--attr', 'noequals'], /KEY=VALUE/],
    ['control chars', ['use', 'lux-free', 'email', '--attr', 'flow=a\u0007b'], /contains a control character \(U\+0007\)/],
    ['oversized attr', ['use', 'lux-free', 'email', '--attr', `flow=${'x'.repeat(300)}`], /1–200 characters/],
    ['SQL-looking id', ['use', "lux-free'; DROP TABLE events;--", 'email'], /was not found/],
    ['unknown option', ['use', 'lux-free', 'email', '--bogus'], /unknown option/],
    ['bad source', ['grant', 'lux-free', 'credits', '5', '--source', 'gift'], /invalid|Allowed choices/i],
    ['price in dollars', ['grant', 'lux-free', 'credits', '5', '--source', 'purchase', '--price', '5.00'], /--price is in cents \(minor units\): 500 for \$5\.00 \(got 5\.00\)/],
    ['unknown event', ['void', 'ev_missing'], /not found/],
    ['bad --by', ['usage', 'lux-free', '--by', 'planet'], /not a grouping/],
  ];

  it.each(bad)('bad input (%s): exit 2, a clear message, and the ledger unchanged', async (_name, args, message) => {
    const c = cli();
    await c.exec('account', 'add', '--preset', 'lux', '--plan', 'free');
    await c.exec('use', 'lux-free', 'email', '2');
    const before = c.digest();
    const r = await c.exec(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(c.digest()).toBe(before);
  });

  it('imports JSONL all or nothing, naming the bad line', async () => {
    const c = cli();
    await c.exec('account', 'add', '--preset', 'lux', '--plan', 'free');
    const good = join(c.dir, 'good.jsonl');
    writeFileSync(good, ['{"action":"email","key":"i1"}', '{"action":"sms","quantity":3,"key":"i2","attrs":{"flow":"welcome"}}'].join('\n'));
    const r = await c.exec('--json', 'import', good, '--account', 'lux-free');
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ lines: 2, applied: 2, credits: 7 });
    const again = (await c.exec('--json', 'import', good, '--account', 'lux-free')).json();
    expect(again).toMatchObject({ duplicate: 2, credits: 0 });

    const before = c.digest();
    const broken = join(c.dir, 'broken.jsonl');
    writeFileSync(broken, ['{"action":"email","key":"j1"}', '{"action":"email","quantity":"lots"}'].join('\n'));
    const bad = await c.exec('import', broken, '--account', 'lux-free');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/line 2/);
    expect(c.digest()).toBe(before);
  });

  it('shows how far a long import is on a terminal, and clears the line; never when piped or with --json', async () => {
    const lines = PROGRESS_EVERY * 2 + 500;
    const file = (c: ReturnType<typeof cli>) => {
      const f = join(c.dir, 'many.jsonl');
      writeFileSync(f, Array.from({ length: lines }, (_, i) => JSON.stringify({ action: 'email', key: `m${i}` })).join('\n'));
      return f;
    };
    const tty = cli('2026-11-15T12:00:00Z', { isTTY: true });
    await tty.exec('account', 'add', '--preset', 'lux', '--plan', 'free');
    await tty.exec('grant', 'lux-free', 'credits', '5000', '--source', 'bonus');
    const r = await tty.exec('import', file(tty), '--account', 'lux-free');
    expect(r.code).toBe(0);
    const steps = [...r.err.matchAll(/importing ([\d,]+) of ([\d,]+) lines \((\d+) %\)…/g)].map((m) => [m[1], m[2], m[3]]);
    expect(steps).toEqual([
      ['2,000', '4,500', '44'],
      ['4,000', '4,500', '88'],
      ['4,500', '4,500', '100'],
    ]);
    expect(r.err.endsWith('\r\x1b[K')).toBe(true);
    expect(r.out).toBe('imported 4,500 lines: 4,500 applied, 0 free, 0 bypassed, 0 covered, 0 duplicates; 4,500 credits\n');

    const json = await tty.exec('--json', 'import', file(tty), '--account', 'lux-free');
    expect(json.err).toBe('');
    expect(json.json()).toMatchObject({ lines, duplicate: lines });

    const piped = cli();
    await piped.exec('account', 'add', '--preset', 'lux', '--plan', 'free');
    await piped.exec('grant', 'lux-free', 'credits', '5000', '--source', 'bonus');
    const quiet = await piped.exec('import', file(piped), '--account', 'lux-free');
    expect(quiet.code).toBe(0);
    expect(quiet.err).toBe('');
  });

  it('imports CSV with attribute columns and reports by attribute', async () => {
    const c = cli();
    await c.exec('account', 'add', '--preset', 'lux', '--plan', 'free');
    const csv = join(c.dir, 'u.csv');
    writeFileSync(csv, 'action,quantity,at,attr.flow\nemail,1,2026-11-15T08:00:00Z,welcome\nsms,2,2026-11-15T09:00:00Z,welcome\nemail,1,2026-11-15T10:00:00Z,digest\n');
    expect((await c.exec('import', csv, '--account', 'lux-free')).code).toBe(0);
    const rep = (await c.exec('--json', 'usage', 'lux-free', '--by', 'attr:flow')).json();
    expect(rep.rows).toEqual([
      { keys: { 'attr:flow': 'digest' }, events: 1, quantity: 1, credits: 1 },
      { keys: { 'attr:flow': 'welcome' }, events: 2, quantity: 3, credits: 5 },
    ]);
  });

  it('calc recommends the plan the FluxNote guide walks to, with its arithmetic', async () => {
    const c = cli();
    const r = await c.exec('--json', 'calc', 'fluxnote', '--videos', '5', '--variations', '4');
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.recommended).toBe('pro');
    expect(j.needs).toEqual({ video: 24 });
    const rise = j.plans.find((p: { plan: string }) => p.plan === 'rise');
    expect(rise).toMatchObject({ priceCents: 799, fits: false });
    expect(rise.costPerUnit.video).toBeCloseTo(0.38, 2);
    expect(rise.costPerUnit.image).toBe(0.008);
  });

  it('calc counts packs where the provider sells them and says what the month costs', async () => {
    const c = cli();
    const j = (await c.exec('--json', 'calc', 'flux', '--need', 'credits=300')).json();
    expect(j.recommended).toBe('edge');
    expect(j.plans[1]).toMatchObject({ plan: 'edge', fits: false, packsCents: 500, totalCents: null, packs: [{ pack: 'starter', count: 1, credits: 500, priceCents: 500 }] });
    const human = await c.exec('calc', 'flux', '--need', 'credits=300');
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/^Edge ← +not stated +200 +— +no \(short 160 credits\) +1 × Starter +\$5\.00 +not stated$/m);
    expect(human.out).toMatch(/^Pulse .* no packs$/m);
    expect(human.out).toContain("Recommended: Edge + 1 Starter pack (500 credits) a month: $5.00 for the pack, plus Edge's price, which the docs do not state. Gives 700 credits a month for the 360 you need.");
    // Flowly's plan size is the user's: nothing is called short.
    expect((await c.exec('calc', 'flowly', '--need', 'credits=100')).out).toContain('fits once you give its monthly credits');
  });

  it('fit sets every plan against the month so far, packs counted; a pack granted with --price is in the purchases', async () => {
    const c = cli();
    await c.exec('account', 'add', '--preset', 'flux', '--plan', 'edge', '--anchor', '2026-11-01');
    await c.exec('action', 'set', 'flux-edge', 'mcp-tool', '--cost', '2');
    expect((await c.exec('use', 'flux-edge', 'mcp-tool', '100')).code).toBe(0);
    const grant = await c.exec('--json', 'grant', 'flux-edge', 'credits', '500', '--price', '500');
    expect((await c.exec('use', 'flux-edge', 'mcp-tool', '50')).code).toBe(0);
    const fit = await c.exec('fit', 'flux-edge');
    expect(fit.code).toBe(0);
    expect(fit.out).toMatch(/: 300 credits used$/m);
    expect(fit.out).toMatch(/^Edge ← +not stated +0 of 1 +1 of 1 +100 credits +1 × Starter \(\$5\.00\) +not stated$/m);
    expect(fit.out).toMatch(/^Pulse +not stated +0 of 1 +0 of 1 +300 credits +none sold$/m);
    expect((await c.exec('--json', 'fit', 'flux-edge')).json().plans[1]).toMatchObject({ plan: 'edge', periodsFit: 0, periodsFitWithPacks: 1, replay: { extraCents: 500 } });
    expect((await c.exec('fit', 'flux-edge', '--periods', '0')).code).toBe(2);
    const bought = await c.exec('purchases', 'flux-edge');
    expect(bought.out).toContain(`${grant.json().grantId}  2026-11-15  flux-edge  Starter  500 credits  $5.00  paid  recorded by hand`);
  });

  it('exports, backs up and restores from the command line', async () => {
    const c = cli();
    await c.exec('account', 'add', '--preset', 'lux', '--plan', 'free');
    await c.exec('use', 'lux-free', 'sms', '3');
    const exp = await c.exec('export', join(c.dir, 'x.jsonl'));
    expect(exp.code).toBe(0);
    const copy = join(c.dir, 'copy.sqlite');
    const r = await c.exec('--db', copy, 'restore', join(c.dir, 'x.jsonl'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/restored \d+ rows \(1 accounts\)/);
    const bal = (await c.exec('--db', copy, '--json', 'balance', 'lux-free')).json();
    expect(bal.pools[0].remaining).toBe(994);
    // Restoring an export over a ledger that has accounts is refused, exit 2.
    expect((await c.exec('--db', copy, 'restore', join(c.dir, 'x.jsonl'))).code).toBe(2);
    const b = await c.exec('--json', 'backup', join(c.dir, 'b.sqlite'));
    expect(b.code).toBe(0);
    expect(b.json().bytes).toBeGreaterThan(0);
  });

  it('runs as `creditdeck` from the built bundle, with the same exit codes', () => {
    const c = cli();
    const bin = join(process.cwd(), 'bin', 'creditdeck.mjs');
    const env = { ...process.env, CREDITDECK_DB: c.db };
    const add = spawnSync(process.execPath, [bin, '--json', 'account', 'add', '--preset', 'flux', '--plan', 'pulse'], { env, encoding: 'utf8' });
    expect(add.status).toBe(0);
    expect(JSON.parse(add.stdout).id).toBe('flux-pulse');
    const buy = spawnSync(process.execPath, [bin, 'grant', 'flux-pulse', 'credits', '500', '--source', 'purchase', '--price', '500'], { env, encoding: 'utf8' });
    expect(buy.status).toBe(3);
    expect(buy.stderr).toMatch(/Pulse accounts cannot buy credit packs/);
    const bad = spawnSync(process.execPath, [bin, 'use', 'flux-pulse', 'mcp-tool', 'abc'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });
});
