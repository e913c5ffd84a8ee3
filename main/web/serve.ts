/** `creditdeck serve`: the web host on an open ledger until the process is told to stop; `--team`: the team host (docs/team.md, "Hosting"). */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Ctx } from '../core/ledger/context.js';
import { InputError } from '../core/util/errors.js';
import { checkExposure, defaultStaticDir, isLoopback, startWebHost, type WebHostOptions } from './server.js';
import type { Payments } from '../core/purchases/service.js';
import { certificateNames, loadCertificateFiles, loadOrCreateCertificate, readableByOthers, type HostCertificate } from './tls.js';
import { TeamDoor, type TeamCore } from './team-host.js';
import type { AuthLimits } from './auth-limits.js';
import type { VendorMeter } from './vendor-meter.js';
import { DEFAULT_PORT } from './default-port.js';

export { DEFAULT_PORT };

export interface ServeOptions {
  host?: string;
  port?: string | number;
  staticDir?: string;
  /** The team host: HTTPS, every call signed in. */
  team?: boolean;
  publicUrl?: string;
  tlsCert?: string;
  tlsKey?: string;
  behindProxy?: boolean;
  /** One JSON line {url, fingerprint} on stdout instead of the text. */
  json?: boolean;
  /** The team host reads the vendor's meter on a schedule (vendor-meter.ts); made once the ledger is open, stopped with the host. */
  vendorMeter?: (ctx: Ctx) => VendorMeter;
}

/** What the team host needs from the core: the team check, the host key, the door's functions (main/web/team-core.ts binds them). */
export interface TeamServe {
  isTeamLedger(ctx: Ctx): boolean;
  hostKey(ledgerPath: string): Buffer;
  core: TeamCore;
  /** Tests pass small ones. */
  limits?: Partial<AuthLimits>;
}

export function parsePort(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const text = String(value);
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new InputError('--port must be a whole number from 0 to 65535 (0: any free port)', '--port');
  return Number(text);
}

/** --public-url: an https:// origin (no path, query or credentials): what members type, what the invite links carry. */
export function parsePublicUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new InputError('--public-url must be a URL such as https://credits.example.com', '--public-url');
  }
  if (u.protocol !== 'https:') throw new InputError('--public-url must be an https:// URL: members sign in over it', '--public-url');
  if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) throw new InputError('--public-url is an origin only (https://HOST[:PORT]), no path, query or user', '--public-url');
  return u.origin;
}

/** Resolves on the first SIGINT or SIGTERM. */
function signalled(): Promise<void> {
  return new Promise((ok) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      ok();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** A host that is listening: what `serve` prints, what the desktop app shows in Settings → Team. */
export interface OpenedHost {
  /** What members type: the public URL when given, else the address it listens on. */
  url: string;
  /** The address it listens on. */
  listening: string;
  team: boolean;
  cert: HostCertificate | null;
  behindProxy: boolean;
  staticDir: string;
  close(): Promise<void>;
}

/**
 * Check the options, then listen: the web host, or with `team` the HTTPS team
 * host (certificate made or loaded, the door with the host key). Nothing is
 * made or opened when the options are refused.
 */
export async function openHost(ctx: Ctx, o: ServeOptions, log: (line: string) => void, payments?: Payments, teamServe?: TeamServe): Promise<OpenedHost> {
  const host = (o.host ?? '127.0.0.1').trim();
  if (host === '' || /[\s/]/.test(host)) throw new InputError('--host must be an address or host name, e.g. 127.0.0.1', '--host');
  const port = parsePort(o.port);
  const staticDir = o.staticDir ?? defaultStaticDir();
  const wide = !isLoopback(host);
  const team = o.team === true;
  const behindProxy = o.behindProxy === true;
  const publicUrl = parsePublicUrl(o.publicUrl);
  if (!team) {
    for (const [flag, v] of [['--public-url', o.publicUrl], ['--tls-cert', o.tlsCert], ['--tls-key', o.tlsKey], ['--behind-proxy', o.behindProxy]] as const) {
      if (v !== undefined && v !== false) throw new InputError(`${flag} is for the team host: use it with --team`, flag);
    }
  }
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new InputError('give --tls-cert and --tls-key together', o.tlsCert === undefined ? '--tls-cert' : '--tls-key');
  // Refused before anything is made or opened: plain HTTP beyond loopback, a proxy's HTTP off loopback.
  checkExposure(host, { tls: team && (!behindProxy || o.tlsCert !== undefined), team, behindProxy });

  const web: WebHostOptions = {
    ctx,
    host,
    port,
    staticDir,
    allowedHosts: wide ? [hostname(), `${hostname()}.local`] : [],
    log,
    ...(payments ? { payments, pollIntervalMs: 5000 } : {}),
  };
  let cert: HostCertificate | null = null;
  if (team) {
    if (!teamServe) throw new Error('this build has no team host');
    if (!teamServe.isTeamLedger(ctx)) throw new InputError('this ledger is not a team ledger: run `creditdeck team init --name TEAM --owner MEMBER` first', '--team');
    const ledgerPath = ctx.db.name;
    if (!behindProxy) {
      cert = o.tlsCert !== undefined && o.tlsKey !== undefined ? loadCertificateFiles(o.tlsCert, o.tlsKey) : await loadOrCreateCertificate(ledgerPath, certificateNames(host, publicUrl));
      web.tls = { cert: cert.cert, key: cert.key };
    }
    web.team = new TeamDoor({ ctx, key: teamServe.hostKey(ledgerPath), core: teamServe.core, log, ...(teamServe.limits ? { limits: teamServe.limits } : {}) });
    web.behindProxy = behindProxy;
    if (publicUrl) web.publicUrl = publicUrl;
  }
  const meter = team ? (o.vendorMeter?.(ctx) ?? null) : null;
  if (meter) web.meterStatus = meter.status;
  const running = await startWebHost(web).catch((e: unknown) => {
    meter?.stop();
    throw e;
  });
  const url = publicUrl ?? running.url;
  if (web.team) web.team.linkBase = { url, fingerprint: cert?.fingerprint ?? null };
  return {
    url,
    listening: running.url,
    team,
    cert,
    behindProxy,
    staticDir,
    close: () => {
      meter?.stop();
      return running.close();
    },
  };
}

export async function serve(
  ctx: Ctx,
  o: ServeOptions,
  io: { out: (s: string) => void; err: (s: string) => void },
  until: Promise<unknown> = signalled(),
  payments?: Payments,
  teamServe?: TeamServe,
): Promise<void> {
  const opened = await openHost(ctx, o, (line) => io.err(line + '\n'), payments, teamServe);
  const { url, cert, team, behindProxy, staticDir } = opened;
  const publicUrl = o.publicUrl === undefined ? undefined : url;
  if (o.json) io.out(JSON.stringify({ url, fingerprint: cert?.fingerprint ?? null }) + '\n');
  else if (team) {
    io.out(`Creditdeck team host is running at ${url}\n`);
    if (cert) io.out(`Certificate fingerprint (SHA-256): ${cert.fingerprint}\n`);
  } else io.out(`Creditdeck is running at ${opened.listening}\n`);
  if (cert?.created) io.err(`note: made a self-signed certificate, kept in ${cert.certPath} (its key in ${cert.keyPath}); members pin the fingerprint above, which the invite links carry.\n`);
  if (cert && cert.validTo.getTime() - Date.now() < 30 * 86_400_000) io.err(`warning: the certificate ${cert.validTo < new Date() ? 'expired' : 'expires'} ${cert.validTo.toISOString().slice(0, 10)}; see docs/team.md ("Hosting") to replace it.\n`);
  if (cert && o.tlsKey !== undefined && readableByOthers(o.tlsKey)) io.err(`warning: ${o.tlsKey} can be read by other users of this machine; make it owner-only (chmod 600).\n`);
  if (behindProxy) io.err(`note: serving plain HTTP on ${opened.listening} for a TLS-terminating proxy on this machine${publicUrl ? `; members use ${publicUrl}` : '; give --public-url with the address members use'}.\n`);
  if (!existsSync(join(staticDir, 'index.html'))) io.err(`note: the app is not built (${staticDir} has no index.html); run \`npm run build\`. The API answers meanwhile.\n`);
  // Which file is being served: the app, the CLI and other windows share it (--db, $CREDITDECK_DB).
  if (!o.json) io.out(`Ledger: ${ctx.db.name}\n`);
  io.err('Press Ctrl-C to stop.\n');
  try {
    await until;
  } finally {
    await opened.close();
  }
}
