/**
 * A restore reads its export as a stream: chunk by chunk, line by line, never
 * the whole file as one string (which V8 cannot build past ~512 MB). Still one
 * transaction: a truncated or tampered export restores nothing. Into a new
 * ledger its rows are written once, into the file, not through the WAL.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { LineReader, restoreExport } from '../../main/core/ledger/backup.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { snapshot } from './helpers.js';

// Every read the code under test makes, and whether it ever slurped a file whole.
const io = vi.hoisted(() => ({ readSizes: [] as number[], wholeFiles: [] as string[] }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const readSync = ((fd: number, buf: NodeJS.ArrayBufferView, offset: number, length: number, position: number | null) => {
    io.readSizes.push(length);
    return real.readSync(fd, buf, offset, length, position);
  }) as typeof real.readSync;
  const readFileSync = ((path: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    io.wholeFiles.push(String(path));
    return (real.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof real.readFileSync;
  return { ...real, default: { ...real, readSync, readFileSync }, readSync, readFileSync };
});

const dir = () => fs.mkdtempSync(join(tmpdir(), 'creditdeck-restore-'));
const clock = new ManualClock(Date.parse('2026-10-10T09:00:00Z'));

/** A ledger with usage (attributes with multi-byte text), a void, a hold and a refund, exported. */
function exported(d: string): { source: ReturnType<typeof openLedger>; path: string } {
  const ctx = openLedger(join(d, 'a.sqlite'), { clock, ids: seededIds(5) });
  const a = call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', anchor: '2026-10-05', tz: 'Europe/Paris' }).id;
  const bought = call(ctx, 'grants.add', { account: a, pool: 'credits', amount: 500, source: 'purchase', priceCents: 1000 });
  for (let i = 0; i < 40; i++) {
    clock.advance(3 * 3_600_000);
    call(ctx, 'usage.record', { account: a, action: i % 2 ? 'sms' : 'email', quantity: 1 + (i % 4), attrs: { flow: `flöw-${i % 3}`, note: 'café ☕ 日本語'.repeat(1 + (i % 5)) } });
  }
  const ev = call(ctx, 'usage.record', { account: a, action: 'email' });
  call(ctx, 'events.void', { event: ev.eventId });
  const hold = call(ctx, 'holds.place', { account: a, pool: 'credits', amount: 20 });
  call(ctx, 'holds.capture', { hold: hold.holdId, action: 'email', quantity: 5 });
  call(ctx, 'grants.refund', { grant: bought.grantId });
  const path = join(d, 'a.jsonl');
  call(ctx, 'data.export', { path });
  return { source: ctx, path };
}

beforeEach(() => {
  io.readSizes.length = 0;
  io.wholeFiles.length = 0;
});

describe('LineReader', () => {
  it('gives the lines of a file read in chunks smaller than its lines, multi-byte characters split across chunks', () => {
    const d = dir();
    const lines = ['', 'é', 'ab☕cd'.repeat(9), '', '日本語のテキスト'.repeat(7), 'x', '😀'.repeat(20)];
    for (const [name, text] of [
      ['trailing.txt', lines.join('\n') + '\n'],
      ['bare.txt', lines.join('\n')],
    ] as const) {
      fs.writeFileSync(join(d, name), text);
      for (const chunk of [1, 2, 3, 7, 64, 1 << 20]) {
        const fd = fs.openSync(join(d, name), 'r');
        const r = new LineReader(fd, chunk);
        const got: string[] = [];
        for (let l = r.next(); l !== null; l = r.next()) got.push(l);
        fs.closeSync(fd);
        expect(got, `${name}, chunks of ${chunk}`).toEqual(lines);
        expect(r.bytesRead).toBe(Buffer.byteLength(text));
      }
    }
  });

  it('holds one chunk and one line at a time, never the file', () => {
    const d = dir();
    const line = JSON.stringify({ t: 'events', r: { attrs: 'ü'.repeat(50) } });
    const bytes = Buffer.byteLength(line) + 1;
    fs.writeFileSync(join(d, 'f.jsonl'), (line + '\n').repeat(500));
    const fd = fs.openSync(join(d, 'f.jsonl'), 'r');
    const r = new LineReader(fd, 16);
    expect(r.next()).toBe(line);
    // The first line is given once its bytes and at most one chunk more have been read.
    expect(r.bytesRead).toBeLessThanOrEqual(bytes + 16);
    let n = 1;
    while (r.next() !== null) n++;
    fs.closeSync(fd);
    expect(n).toBe(500);
    expect(r.bytesRead).toBe(500 * bytes);
    expect(r.maxHeld).toBeLessThanOrEqual(bytes + 16);
    expect(io.readSizes.every((s) => s === 16)).toBe(true);
  });
});

describe('restore reads the export as a stream', () => {
  it('restores an export many chunks long, lines longer than a chunk, row for row, without reading it whole', () => {
    const d = dir();
    const { source, path } = exported(d);
    const text = fs.readFileSync(path, 'utf8');
    const longest = Math.max(...text.split('\n').map((l) => Buffer.byteLength(l)));
    expect(longest).toBeGreaterThan(64 * 4);
    expect(Buffer.byteLength(text)).toBeGreaterThan(64 * 500);
    io.readSizes.length = 0;
    io.wholeFiles.length = 0;

    const copy = openLedger(join(d, 'b.sqlite'), { clock, ids: seededIds(9) });
    const r = restoreExport(copy, path, { chunkBytes: 64 });
    expect(r.rows).toBe(text.split('\n').filter(Boolean).length - 1);
    expect(snapshot(copy)).toBe(snapshot(source));
    expect(io.wholeFiles).toEqual([]);
    expect(io.readSizes.length).toBeGreaterThan(500);
    expect(Math.max(...io.readSizes)).toBe(64);
    // The default reads a MiB at a time.
    const again = openLedger(join(d, 'c.sqlite'), { clock, ids: seededIds(9) });
    restoreExport(again, path);
    expect(snapshot(again)).toBe(snapshot(source));
    expect(io.wholeFiles).toEqual([]);
  });

  it("writes a new ledger's rows once, into its file, not through the WAL, and leaves it in WAL mode; with another connection open, through the WAL", () => {
    const d = dir();
    const { source, path } = exported(d);
    const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
    const file = join(d, 'direct.sqlite');
    const direct = openLedger(file, { clock, ids: seededIds(9) });
    const empty = size(file);
    restoreExport(direct, path);
    expect(snapshot(direct)).toBe(snapshot(source));
    expect(direct.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(fs.existsSync(`${file}-journal`)).toBe(false);
    const grown = size(file) - empty;
    expect(grown).toBeGreaterThan(64 * 1024);
    expect(size(`${file}-wal`)).toBeLessThan(grown / 4);
    // It goes on as any ledger: the next write goes to the WAL.
    call(direct, 'accounts.add', { preset: 'flux', plan: 'pulse' });
    expect(size(`${file}-wal`)).toBeGreaterThan(0);
    direct.db.close();

    const shared = join(d, 'shared.sqlite');
    const target = openLedger(shared, { clock, ids: seededIds(9) });
    const other = openLedger(shared, { clock });
    restoreExport(target, path);
    expect(snapshot(target)).toBe(snapshot(source));
    expect(target.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(size(`${shared}-wal`)).toBeGreaterThan(64 * 1024);
    expect((other.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n).toBeGreaterThan(40);
    other.db.close();
    target.db.close();
  });

  it('restores nothing from an export cut short, mid-line or at a line end, or tampered', () => {
    const d = dir();
    const { path } = exported(d);
    const bytes = fs.readFileSync(path);
    const lines = bytes.toString('utf8').split('\n');
    const cuts: [string, Buffer | string, RegExp][] = [
      ['mid-line', bytes.subarray(0, Math.floor(bytes.length * 0.6)), /line \d+ is not valid JSON; nothing was restored/],
      ['at a line end', lines.slice(0, Math.floor(lines.length * 0.6)).join('\n') + '\n', /nothing was restored/],
      ['in the middle of a character', bytes.subarray(0, bytes.indexOf('☕') + 1), /line \d+ is not valid JSON; nothing was restored/],
      ['tampered', lines.map((l) => (l.startsWith('{"t":"events"') && l.includes('"cost_mc":') ? l.replace(/"cost_mc":(\d+)/, (_m, c: string) => `"cost_mc":${Number(c) + 1}`) : l)).join('\n'), /does not add up/],
    ];
    for (const [what, content, error] of cuts) {
      fs.writeFileSync(join(d, `${what}.jsonl`), content);
      const target = openLedger(join(d, `${what}.sqlite`), { clock, ids: seededIds(9) });
      const before = snapshot(target);
      expect(() => restoreExport(target, join(d, `${what}.jsonl`), { chunkBytes: 64 }), what).toThrow(error);
      expect(snapshot(target), what).toBe(before);
      expect(target.db.pragma('journal_mode', { simple: true }), what).toBe('wal');
      expect(fs.existsSync(join(d, `${what}.sqlite-journal`)), what).toBe(false);
      target.db.close();
    }
  });

  it('refuses text that is not plain however the line spells it: raw, escaped, or escaped inside a JSON column', () => {
    const d = dir();
    const { path } = exported(d);
    const lines = fs.readFileSync(path, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('{"t":"events"'));
    const row = JSON.parse(lines[i]!) as { t: string; r: Record<string, unknown> };
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['raw', { key: 'k\u202ex' }, /events\.key contains a bidirectional formatting character \(U\+202E\)/],
      ['escaped', { key: 'k\nx' }, /events\.key contains a control character \(U\+000A\)/],
      ['escaped in a JSON column', { attrs: JSON.stringify({ flow: 'a\u001bb' }) }, /events\.attrs \(flow\) contains a control character \(U\+001B\)/],
      ['a key in a JSON column', { attrs: JSON.stringify({ ['f\u0007']: 'x' }) }, /events\.attrs \(f.*\(the key\)\) contains a control character \(U\+0007\)/],
    ];
    for (const [what, change, error] of cases) {
      const bad = [...lines];
      bad[i] = JSON.stringify({ ...row, r: { ...row.r, ...change } });
      fs.writeFileSync(join(d, `${what}.jsonl`), bad.join('\n'));
      const target = openLedger(join(d, `${what}.sqlite`), { clock, ids: seededIds(9) });
      const before = snapshot(target);
      expect(() => restoreExport(target, join(d, `${what}.jsonl`)), what).toThrow(new RegExp(`line ${i + 1}: ${error.source}.*nothing was restored`));
      expect(snapshot(target), what).toBe(before);
      target.db.close();
    }
  });
});
