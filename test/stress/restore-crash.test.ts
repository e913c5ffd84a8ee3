/**
 * A restore into a new ledger writes its rows straight into the file under a
 * rollback journal (ledger/backup.ts). Killed in the middle — the file already
 * holding some of its pages, the journal hot — the ledger opens again as it was
 * before the restore: empty, whole, in WAL mode, and a restore then succeeds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import { restoreExport } from '../../main/core/ledger/backup.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { bundle } from './lib/bundle.js';
import { killStarted, start } from './lib/proc.js';

let bin: string;
const dir = mkdtempSync(join(tmpdir(), 'creditdeck-restore-crash-'));

beforeAll(async () => {
  bin = (await bundle('restore-crash', { restore: 'test/stress/children/restore.ts' })).restore!;
});

afterAll(() => {
  killStarted();
  rmSync(dir, { recursive: true, force: true });
});

describe('a restore killed in the middle', () => {
  it('leaves the new ledger as it was: empty, whole, in WAL mode; the same restore then succeeds', async () => {
    const clock = new ManualClock(Date.parse('2026-10-10T09:00:00Z'));
    const source = openLedger(join(dir, 'source.sqlite'), { clock, ids: seededIds(3) });
    const a = call(source, 'accounts.add', { preset: 'lux', plan: 'pro' }).id;
    for (let i = 0; i < 600; i++) {
      clock.advance(60_000);
      call(source, 'usage.record', { account: a, action: 'email', key: `k-${i}`, attrs: { flow: `flow-${i % 5}` } });
    }
    const exportPath = join(dir, 'export.jsonl');
    call(source, 'data.export', { path: exportPath });
    const bytes = readFileSync(exportPath);

    const pipe = join(dir, 'export.pipe');
    execFileSync('mkfifo', [pipe]);
    const target = join(dir, 'target.sqlite');
    const child = start(bin, [pipe, target]);
    const writer = await open(pipe, 'w');
    // Most of the file: the child reads it, and waits inside its transaction for the rest.
    const cut = bytes.lastIndexOf(10, Math.floor(bytes.length * 0.8)) + 1;
    await writer.write(bytes.subarray(0, cut));
    const size = () => (existsSync(target) ? statSync(target).size : 0);
    // Until the journal is there and pages are in the file, looked at every few ms for at most 10 s.
    for (let i = 0; i < 2000 && !(existsSync(`${target}-journal`) && size() > 256 * 1024); i++) await new Promise((ok) => setTimeout(ok, 5));
    expect(existsSync(`${target}-journal`)).toBe(true);
    expect(size()).toBeGreaterThan(256 * 1024);
    child.proc.kill('SIGKILL');
    const end = await child.done;
    await writer.close();
    expect(end.signal).toBe('SIGKILL');
    expect(end.out).toBe('opened\n');

    const after = openLedger(target, { clock });
    expect(after.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(after.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(existsSync(`${target}-journal`)).toBe(false);
    for (const table of ['accounts', 'events', 'entries', 'grants']) expect((after.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n, table).toBe(0);
    const r = restoreExport(after, exportPath);
    expect(r.accounts).toBe(1);
    expect((after.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n).toBe(600);
    after.db.close();
    source.db.close();
  });
});
