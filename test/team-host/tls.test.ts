/** The team host's certificate: made once beside the ledger, owner-only, reused; given files checked; the fingerprint's form. */
import { describe, expect, it } from 'vitest';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateNames, certificatePaths, CERT_DAYS, fingerprint, generateCertificate, loadCertificateFiles, loadOrCreateCertificate, normalizeFingerprint } from '../../main/web/tls.js';

const dir = () => mkdtempSync(join(tmpdir(), 'creditdeck-tls-'));
const NOW = new Date('2026-11-15T12:00:00Z');

describe('the team host certificate', () => {
  it('is made on first run beside the ledger, 0600, ECDSA P-256, a server certificate for the names served, valid two years', async () => {
    const db = join(dir(), 'ledger.sqlite');
    const c = await loadOrCreateCertificate(db, certificateNames('127.0.0.1', 'https://credits.example.com'), NOW);
    expect(c.created).toBe(true);
    expect(c.certPath).toBe(`${db}.team-cert.pem`);
    expect(c.keyPath).toBe(`${db}.team-key.pem`);
    for (const f of [c.certPath, c.keyPath]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    const x = new X509Certificate(readFileSync(c.certPath));
    expect(x.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    expect(x.ca).toBe(false);
    expect(x.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x.subjectAltName).toContain('DNS:localhost');
    expect(x.subjectAltName).toContain('DNS:credits.example.com');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(Date.parse(x.validTo) - NOW.getTime()).toBeGreaterThan((CERT_DAYS - 1) * 86_400_000);
    expect(Date.parse(x.validTo) - NOW.getTime()).toBeLessThanOrEqual(CERT_DAYS * 86_400_000);
    expect(x.keyUsage ?? []).toContain('1.3.6.1.5.5.7.3.1');
  });

  it('is reused on the next run: same files, same fingerprint', async () => {
    const db = join(dir(), 'ledger.sqlite');
    const first = await loadOrCreateCertificate(db, ['localhost'], NOW);
    const again = await loadOrCreateCertificate(db, ['localhost', 'other.example'], NOW);
    expect(again.created).toBe(false);
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again.cert).toBe(first.cert);
  });

  it('refuses a certificate whose key is missing rather than replace it (every pin would break); a lone key is replaced', async () => {
    const d = dir();
    const db = join(d, 'ledger.sqlite');
    const first = await loadOrCreateCertificate(db, ['localhost'], NOW);
    renameSync(first.keyPath, join(d, 'moved.pem'));
    await expect(loadOrCreateCertificate(db, ['localhost'], NOW)).rejects.toThrow(/found .*team-cert\.pem but not .*team-key\.pem/);
    const db2 = join(d, 'other.sqlite');
    writeFileSync(certificatePaths(db2).keyPath, 'half-written', { mode: 0o600 });
    const made = await loadOrCreateCertificate(db2, ['localhost'], NOW);
    expect(made.created).toBe(true);
  });

  it('fingerprint: SHA-256 of the DER, upper-case hex pairs joined by colons (what openssl x509 -fingerprint -sha256 prints)', async () => {
    const { cert } = await generateCertificate(['localhost'], NOW);
    const x = new X509Certificate(cert);
    const fp = fingerprint(cert);
    expect(fp).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(fp.replaceAll(':', '').toLowerCase()).toBe(createHash('sha256').update(x.raw).digest('hex'));
    expect(fp).toBe(x.fingerprint256);
    expect(normalizeFingerprint(fp.replaceAll(':', '').toLowerCase())).toBe(fp);
  });

  it('--tls-cert/--tls-key: the given pair is used; a key that is not the certificate\'s is refused, and no key text reaches the message', async () => {
    const d = dir();
    const a = await generateCertificate(['localhost'], NOW);
    const b = await generateCertificate(['localhost'], NOW);
    writeFileSync(join(d, 'cert.pem'), a.cert);
    writeFileSync(join(d, 'key.pem'), a.key);
    writeFileSync(join(d, 'other-key.pem'), b.key);
    const given = loadCertificateFiles(join(d, 'cert.pem'), join(d, 'key.pem'));
    expect(given.fingerprint).toBe(fingerprint(a.cert));
    expect(given.created).toBe(false);
    let message = '';
    try {
      loadCertificateFiles(join(d, 'cert.pem'), join(d, 'other-key.pem'));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/is not the private key of/);
    expect(() => loadCertificateFiles(join(d, 'key.pem'), join(d, 'key.pem'))).toThrow(/not a PEM certificate/);
    expect(() => loadCertificateFiles(join(d, 'missing.pem'), join(d, 'key.pem'))).toThrow(/cannot read .*missing\.pem: ENOENT/);
    const garbled = join(d, 'garbled-key.pem');
    writeFileSync(garbled, a.key.replace(/[A-Za-z]{20}/, 'x'));
    try {
      loadCertificateFiles(join(d, 'cert.pem'), garbled);
    } catch (e) {
      message = (e as Error).message;
    }
    const body = a.key.split('\n').slice(1, -2).join('');
    for (const line of a.key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(message).not.toContain(line);
    expect(body.length).toBeGreaterThan(20);
  });

  it('an in-memory ledger has nowhere to keep one', async () => {
    await expect(loadOrCreateCertificate(':memory:', ['localhost'])).rejects.toThrow(/--tls-cert/);
  });
});
