/**
 * Owner-only files: the ledger, its backups and exports hold what a person
 * buys and spends, so Creditdeck creates them 0600 in folders it creates
 * 0700, whatever the umask. SQLite gives a database's -wal and -shm files
 * the database file's own mode, so creating that file first is enough for
 * them. Existing folders (a --db in /tmp, say) are left as they are. No-ops
 * where the platform has no POSIX modes (Windows).
 */
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** mkdir -p, every folder it creates owner-only. */
export function makePrivateDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (first === undefined) return;
  // The umask may have taken bits off (or a strange one left none for the owner): set each new level exactly.
  let d = first;
  chmodSync(d, PRIVATE_DIR_MODE);
  for (const part of relative(first, dir).split(sep).filter(Boolean)) {
    d = `${d}${sep}${part}`;
    chmodSync(d, PRIVATE_DIR_MODE);
  }
}

/** Create a new, empty, owner-only file (its folder too); throws EEXIST when it is there already. Returns the open descriptor. */
export function createPrivateFile(path: string): number {
  makePrivateDir(dirname(path));
  const fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}

/** Make sure a new ledger file exists owner-only before SQLite opens it (an empty file is an empty database). */
export function precreatePrivateFile(path: string): void {
  try {
    closeSync(createPrivateFile(path));
  } catch (e) {
    // Another process made it first, or it was there: then it is not ours to change.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}
