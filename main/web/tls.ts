/**
 * The team host's certificate. With none given, a self-signed one is made on
 * first run and kept beside the ledger (`<ledger>.team-cert.pem` and
 * `.team-key.pem`, owner-only), then reused: members pin its SHA-256
 * fingerprint (it travels in the invite link), so a new one every start would
 * break every pin. `--tls-cert F --tls-key F` serves given files instead.
 * docs/team.md ("Hosting") says how to check and replace it.
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { closeSync, existsSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { createPrivateFile } from '../core/util/private-files.js';
import { InputError } from '../core/util/errors.js';

/** Two years: long enough that a small team's pins rarely need renewing, short enough to be replaced now and then. */
export const CERT_DAYS = 730;

export interface HostCertificate {
  /** PEM texts for node:https. */
  cert: string;
  key: string;
  /** SHA-256 of the certificate's DER, `AB:CD:…`: what clients pin. */
  fingerprint: string;
  /** Where they are kept. */
  certPath: string;
  keyPath: string;
  /** Made just now (first run). */
  created: boolean;
  /** The certificate's end of validity. */
  validTo: Date;
  /** Names and addresses it covers (its SANs). */
  names: string[];
}

/** SHA-256 of the certificate's DER bytes, as colon-separated upper-case hex. */
export function fingerprint(certPem: string | Buffer): string {
  const der = new X509Certificate(certPem).raw;
  return createHash('sha256').update(der).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** Where a ledger's generated certificate lives. */
export function certificatePaths(ledgerPath: string): { certPath: string; keyPath: string } {
  return { certPath: `${ledgerPath}.team-cert.pem`, keyPath: `${ledgerPath}.team-key.pem` };
}

/**
 * The names a generated certificate covers: loopback, this machine's name,
 * the bound address (every interface's address when bound to all of them)
 * and the public URL's host. Browsers still warn (self-signed); clients pin.
 */
export function certificateNames(host: string, publicUrl?: string): string[] {
  const names = new Set<string>(['localhost', '127.0.0.1', '::1']);
  const machine = hostname().toLowerCase();
  if (machine) {
    names.add(machine);
    if (!machine.includes('.')) names.add(`${machine}.local`);
  }
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === '0.0.0.0' || bare === '::') {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.address.replace(/%.*$/, ''));
  } else if (bare) names.add(bare);
  if (publicUrl) names.add(new URL(publicUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase());
  return [...names];
}

function describe(cert: string, key: string, paths: { certPath: string; keyPath: string }, created: boolean): HostCertificate {
  let x: X509Certificate;
  try {
    x = new X509Certificate(cert);
  } catch (e) {
    throw new InputError(`${paths.certPath} is not a PEM certificate (${(e as Error).message})`, '--tls-cert');
  }
  let k;
  try {
    k = createPrivateKey(key);
  } catch (e) {
    // The key's text never goes into a message.
    throw new InputError(`${paths.keyPath} is not a PEM private key (${(e as Error).message.split('\n', 1)[0]})`, '--tls-key');
  }
  if (!x.checkPrivateKey(k)) throw new InputError(`${paths.keyPath} is not the private key of ${paths.certPath}`, '--tls-key');
  const names = (x.subjectAltName ?? '')
    .split(/,\s*/)
    .map((s) => s.replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
  return { cert, key, fingerprint: fingerprint(cert), ...paths, created, validTo: new Date(x.validTo), names };
}

function readPem(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, option);
  }
}

/** `--tls-cert F --tls-key F`: the given files, checked to be a certificate and its key. */
export function loadCertificateFiles(certPath: string, keyPath: string): HostCertificate {
  return describe(readPem(certPath, '--tls-cert'), readPem(keyPath, '--tls-key'), { certPath, keyPath }, false);
}

/** A new self-signed certificate: ECDSA P-256 (small, fast handshakes), SHA-256, a server certificate only. */
export async function generateCertificate(names: readonly string[], now: Date = new Date()): Promise<{ cert: string; key: string }> {
  // Loaded on first use: only a team host's first run needs it. CommonJS: its exports are the default
  // under every loader (Node's own, tsx, a chunk of the CLI bundle, which has no named ones).
  const { generate } = (await import('selfsigned')).default;
  const notAfter = new Date(now.getTime() + CERT_DAYS * 86_400_000);
  const altNames = names.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n }));
  const pems = await generate([{ name: 'commonName', value: 'Creditdeck team host' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Write a new owner-only file in place of `path`, whole or not at all (a temp file renamed over). */
function writePrivate(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  if (existsSync(tmp)) unlinkSync(tmp);
  const fd = createPrivateFile(tmp);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Whether a file can be read by anyone but its owner (POSIX modes; never on Windows). */
export function readableByOthers(path: string): boolean {
  return process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0;
}

/**
 * The certificate kept beside the ledger, made on first run. A certificate
 * without its key is refused rather than replaced, since a new one changes
 * the fingerprint every member has pinned; a key alone (a first run cut short
 * before the certificate was written, so never served) is replaced.
 */
export async function loadOrCreateCertificate(ledgerPath: string, names: readonly string[], now: Date = new Date()): Promise<HostCertificate> {
  if (!ledgerPath || ledgerPath === ':memory:') throw new InputError('an in-memory ledger has nowhere to keep a certificate; give --tls-cert and --tls-key', '--tls-cert');
  const paths = certificatePaths(ledgerPath);
  if (existsSync(paths.certPath)) {
    if (!existsSync(paths.keyPath)) {
      throw new InputError(`found ${paths.certPath} but not ${paths.keyPath}; move the certificate away to make a new one (every member will then need the new fingerprint)`, '--tls-key');
    }
    return describe(readPem(paths.certPath, '--tls-cert'), readPem(paths.keyPath, '--tls-key'), paths, false);
  }
  const made = await generateCertificate(names, now);
  // The key first: the certificate's presence marks a complete pair.
  writePrivate(paths.keyPath, made.key);
  writePrivate(paths.certPath, made.cert);
  return describe(made.cert, made.key, paths, true);
}

/** Fingerprints compare as upper-case hex with colons, whatever form they were typed in. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.replace(/(..)(?!$)/g, '$1:');
}

/**
 * A TLS connection to a team host whose certificate has this SHA-256
 * fingerprint: checked once the handshake is done and before a byte of any
 * request (a token, a cookie) is sent; any other certificate is refused. The
 * certificate's chain and names are not checked: the pin is the trust (a
 * self-signed certificate has no chain to check).
 */
export function connectPinned(url: string | URL, pinned: string, timeoutMs = 10_000): Promise<TLSSocket> {
  const u = new URL(url);
  if (u.protocol !== 'https:') return Promise.reject(new Error(`a pinned connection is HTTPS; ${u.protocol}// is not`));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const want = normalizeFingerprint(pinned);
  return new Promise((ok, fail) => {
    const socket = tlsConnect({ host, port: Number(u.port || 443), ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    const timer = setTimeout(() => socket.destroy(new Error(`no TLS handshake with ${u.host} within ${timeoutMs} ms`)), timeoutMs);
    const onError = (e: Error) => {
      clearTimeout(timer);
      fail(e);
    };
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const got = normalizeFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');
      if (got !== want) {
        socket.destroy();
        fail(new Error(`the certificate of ${u.host} has fingerprint ${got}, not the pinned ${want}: not connecting (ask the host's owner for the right link)`));
        return;
      }
      socket.off('error', onError);
      ok(socket);
    });
  });
}
