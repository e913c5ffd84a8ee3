import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HOST_KEY_BYTES, hostKeyPath, keyedHash, loadOrCreateHostKey } from '../../main/core/team/host-key.js';
import { openLedger } from '../../main/core/api/open.js';

const dir = () => mkdtempSync(join(tmpdir(), 'cd-hostkey-'));

describe('host key', () => {
  test('made once beside the ledger, owner-only, 32 bytes, then reused', () => {
    const ledger = join(dir(), 'team.sqlite');
    const key = loadOrCreateHostKey(ledger);
    expect(key.length).toBe(HOST_KEY_BYTES);
    expect(hostKeyPath(ledger)).toBe(`${ledger}.team-key`);
    if (process.platform !== 'win32') expect(statSync(hostKeyPath(ledger)).mode & 0o777).toBe(0o600);
    expect(readFileSync(hostKeyPath(ledger)).equals(key)).toBe(true);
    expect(loadOrCreateHostKey(ledger).equals(key)).toBe(true);
  });

  test('never in the ledger file itself', () => {
    const ledger = join(dir(), 'team.sqlite');
    const ctx = openLedger(ledger);
    const key = loadOrCreateHostKey(ledger);
    ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    ctx.db.close();
    expect(readFileSync(ledger).includes(key)).toBe(false);
  });

  test('a key file of the wrong size, or readable by others, is refused rather than trusted', () => {
    const d = dir();
    writeFileSync(hostKeyPath(join(d, 'a.sqlite')), 'short', { mode: 0o600 });
    expect(() => loadOrCreateHostKey(join(d, 'a.sqlite'))).toThrow(/is not a team key \(5 bytes, expected 32\)/);
    if (process.platform !== 'win32') {
      writeFileSync(hostKeyPath(join(d, 'b.sqlite')), Buffer.alloc(32, 1));
      chmodSync(hostKeyPath(join(d, 'b.sqlite')), 0o644);
      expect(() => loadOrCreateHostKey(join(d, 'b.sqlite'))).toThrow(/can be read by other users/);
    }
  });

  test('an in-memory ledger has no file for it', () => {
    expect(() => loadOrCreateHostKey(':memory:')).toThrow(/pass a key directly/);
  });

  test('keyedHash is HMAC-SHA-256, hex, and depends on the key', () => {
    const a = keyedHash(Buffer.alloc(32, 1), 'secret');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedHash(Buffer.alloc(32, 1), 'secret')).toBe(a);
    expect(keyedHash(Buffer.alloc(32, 2), 'secret')).not.toBe(a);
    // RFC 4231 test case 2.
    expect(keyedHash(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});
