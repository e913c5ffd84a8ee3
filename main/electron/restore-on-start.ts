/**
 * Restoring a backup from the window (Settings → Your data → Restore): the
 * backup replaces the ledger file this process has open, so the app notes the
 * choice, restarts, and puts it in place at the next start before anything
 * opens the ledger. The previous ledger is kept beside it (restoreBackup), and
 * a backup that no longer checks out at that moment leaves the ledger as it
 * was, with a dialog that says why.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RestoreOnRestart } from '../core/api/data.js';
import { restoreBackup, verifyBackup, type NativeOpts } from '../core/ledger/backup.js';
import type { Clock } from '../core/util/clock.js';
import { PRIVATE_FILE_MODE } from '../core/util/private-files.js';

const MARKER = 'restore-on-start.json';

/** The window's side: check the backup now, note it, and restart. */
export function restoreOnRestart(opts: { userData: string; clock: Clock; native: NativeOpts; restart: () => void }): RestoreOnRestart {
  return {
    schedule(backupPath) {
      const found = verifyBackup(backupPath, opts.clock, opts.native);
      writeFileSync(join(opts.userData, MARKER), JSON.stringify({ backup: backupPath }), { mode: PRIVATE_FILE_MODE });
      // After the answer has gone back to the window, which says the app is restarting.
      setImmediate(opts.restart);
      return found;
    },
  };
}

export type StartRestore = { restored: { backup: string; keptAs: string | null; events: number } } | { failed: { backup: string; message: string } } | null;

/** At start, before the ledger opens: the restore the last run asked for, once (the note goes either way). */
export function restorePending(userData: string, ledger: string, clock: Clock, native: NativeOpts): StartRestore {
  const marker = join(userData, MARKER);
  if (!existsSync(marker)) return null;
  let backup = '';
  try {
    backup = String((JSON.parse(readFileSync(marker, 'utf8')) as { backup?: unknown }).backup ?? '');
    rmSync(marker);
    const r = restoreBackup(backup, ledger, clock, native);
    return { restored: { backup, keptAs: r.keptAs, events: r.events } };
  } catch (e) {
    rmSync(marker, { force: true });
    return { failed: { backup, message: e instanceof Error ? e.message : String(e) } };
  }
}
