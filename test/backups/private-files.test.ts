/**
 * Owner-only files (main/core/util/private-files.ts): the ledger, its -wal
 * and -shm, backups, exports and a restored ledger are 0600, and the folders
 * Creditdeck creates for them 0700, even under a umask that would leave them
 * open to everyone. POSIX modes: this runs on Linux and macOS.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import { restoreBackup } from '../../main/core/ledger/backup.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const clock = () => new ManualClock(Date.parse('2026-11-15T12:00:00Z'));

let saved: number;
beforeAll(() => {
  // The most open umask there is: without the fix SQLite's files come out 0644 and folders 0777.
  saved = process.umask(0);
});
afterAll(() => {
  process.umask(saved);
});

describe('owner-only files', () => {
  it('a new ledger, its -wal and -shm are 0600, in folders created 0700', () => {
    const root = mkdtempSync(join(tmpdir(), 'creditdeck-private-'));
    const path = join(root, 'config', 'Creditdeck', 'creditdeck.sqlite');
    const ctx = openLedger(path, { clock: clock(), ids: seededIds(1) });
    try {
      call(ctx, 'accounts.add', { preset: 'lux', plan: 'free' });
      expect({ file: mode(path), wal: mode(`${path}-wal`), shm: mode(`${path}-shm`) }).toEqual({ file: '600', wal: '600', shm: '600' });
      expect([mode(join(root, 'config')), mode(join(root, 'config', 'Creditdeck'))]).toEqual(['700', '700']);
    } finally {
      ctx.db.close();
    }
  });

  it('leaves a folder that was already there as it was', () => {
    const root = mkdtempSync(join(tmpdir(), 'creditdeck-private-'));
    const shared = join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o755);
    const ctx = openLedger(join(shared, 'l.sqlite'));
    ctx.db.close();
    expect(mode(shared)).toBe('755');
    expect(mode(join(shared, 'l.sqlite'))).toBe('600');
  });

  it('backups and exports are 0600 in backups/ and exports/ folders created 0700; an existing file is refused and untouched', () => {
    const root = mkdtempSync(join(tmpdir(), 'creditdeck-private-'));
    const ctx = openLedger(join(root, 'ledger.sqlite'), { clock: clock(), ids: seededIds(2) });
    try {
      call(ctx, 'accounts.add', { preset: 'lux', plan: 'free' });
      const backup = call(ctx, 'data.backup', {});
      expect(backup.path.startsWith(join(root, 'backups'))).toBe(true);
      expect([mode(join(root, 'backups')), mode(backup.path)]).toEqual(['700', '600']);
      const exported = call(ctx, 'data.export', {});
      expect([mode(join(root, 'exports')), mode(exported.path)]).toEqual(['700', '600']);
      // A path of the CLI's choosing, in a folder that does not exist yet.
      const named = call(ctx, 'data.backup', { path: join(root, 'new', 'copy.sqlite') });
      expect([mode(join(root, 'new')), mode(named.path)]).toEqual(['700', '600']);

      const taken = join(root, 'taken.jsonl');
      writeFileSync(taken, 'mine');
      chmodSync(taken, 0o644);
      expect(() => call(ctx, 'data.export', { path: taken })).toThrow(/already exists; exports never overwrite a file/);
      expect(() => call(ctx, 'data.backup', { path: taken })).toThrow(/already exists; backups never overwrite a file/);
      expect([readFileSync(taken, 'utf8'), mode(taken)]).toEqual(['mine', '644']);
    } finally {
      ctx.db.close();
    }
  });

  it('a restored ledger is 0600, whatever the backup file was', () => {
    const root = mkdtempSync(join(tmpdir(), 'creditdeck-private-'));
    const ctx = openLedger(join(root, 'source.sqlite'), { clock: clock(), ids: seededIds(3) });
    const { path } = call(ctx, 'data.backup', {});
    ctx.db.close();
    chmodSync(path, 0o644);
    const target = join(root, 'restored.sqlite');
    restoreBackup(path, target, clock());
    expect(mode(target)).toBe('600');
  });
});
