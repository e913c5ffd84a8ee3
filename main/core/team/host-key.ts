/**
 * The team host's key: 32 random bytes in a file beside the ledger
 * (`<ledger>.team-key`, owner-only). Token, invite and session secrets are
 * stored only as HMACs under it, so a copy of the ledger (an export, a
 * backup) holds nothing that signs anyone in. It never goes into the ledger.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createPrivateFile } from '../util/private-files.js';
import { InputError } from '../util/errors.js';

export const HOST_KEY_BYTES = 32;

export function hostKeyPath(ledgerPath: string): string {
  return `${ledgerPath}.team-key`;
}

/** The key for this ledger, made on first use and reused after. */
export function loadOrCreateHostKey(ledgerPath: string): Buffer {
  if (ledgerPath === '' || ledgerPath === ':memory:') throw new InputError('an in-memory ledger has no file to keep a team key beside; pass a key directly', 'db');
  const path = hostKeyPath(ledgerPath);
  const existing = readKey(path);
  if (existing) return existing;
  // Written whole to a temporary file, then linked into place: another process
  // starting at the same moment either wins the link or reads a complete key.
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const key = randomBytes(HOST_KEY_BYTES);
  const fd = createPrivateFile(tmp);
  try {
    writeSync(fd, key);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return readKey(path)!;
  } finally {
    unlinkSync(tmp);
  }
}

function readKey(path: string): Buffer | null {
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (key.length !== HOST_KEY_BYTES) throw new Error(`${path} is not a team key (${key.length} bytes, expected ${HOST_KEY_BYTES}); move it away only if no token should keep working`);
  // A key others can read lets them check guessed secrets offline: refuse it rather than trust it.
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) throw new Error(`${path} can be read by other users; make it owner-only (chmod 600) before serving the team`);
  return key;
}

/** HMAC-SHA-256 of a secret under the host key, hex: what the ledger stores instead of the secret. */
export function keyedHash(key: Buffer, secret: string): string {
  return createHmac('sha256', key).update(secret, 'utf8').digest('hex');
}
