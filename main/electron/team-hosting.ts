/**
 * The desktop app as the team host (Settings → Team): while the app runs it
 * serves its own ledger over HTTPS exactly as `creditdeck serve --team` does
 * (openHost: the same certificate beside the ledger, the same door, access
 * table and audit log), and stops when asked or when the app quits. The
 * settings (who may reach it, the port, the address members type, whether it
 * starts with the app) are kept in the app's data folder.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import type { Ctx } from '../core/ledger/context.js';
import { BINDS, DEFAULT_HOSTING, type HostingSettings, type HostingStatus, type TeamHosting } from '../core/api/hosting.js';
import type { Payments } from '../core/purchases/service.js';
import { InputError } from '../core/util/errors.js';
import { iso } from '../core/util/period.js';
import { PRIVATE_FILE_MODE } from '../core/util/private-files.js';
import { openHost, type OpenedHost, type ServeOptions, type TeamServe } from '../web/serve.js';

export const HOSTING_FILE = 'team-host.json';

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;

/**
 * The addresses members on this network could type: each IPv4 address of a
 * network interface (not loopback), then HOSTNAME.local (mDNS) when the
 * machine's name can be one. IPv6 is left out: a link-local address is not
 * something to put in a link.
 */
export function networkAddresses(ifaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(), machine: string = hostname()): string[] {
  const out: string[] = [];
  for (const list of Object.values(ifaces)) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal && !out.includes(a.address)) out.push(a.address);
  const short = machine.split('.')[0] ?? '';
  if (HOST_NAME.test(short)) out.push(`${short.toLowerCase()}.local`);
  return out;
}

/** The saved settings, or the defaults for anything missing or not ours. */
export function loadHostingSettings(dir: string): HostingSettings {
  let d: Record<string, unknown>;
  try {
    const data: unknown = JSON.parse(readFileSync(join(dir, HOSTING_FILE), 'utf8'));
    if (data === null || typeof data !== 'object') return { ...DEFAULT_HOSTING };
    d = data as Record<string, unknown>;
  } catch {
    return { ...DEFAULT_HOSTING };
  }
  return {
    bind: (BINDS as readonly unknown[]).includes(d.bind) ? (d.bind as HostingSettings['bind']) : DEFAULT_HOSTING.bind,
    port: typeof d.port === 'number' && Number.isInteger(d.port) && d.port >= 1024 && d.port <= 65535 ? d.port : DEFAULT_HOSTING.port,
    address: typeof d.address === 'string' && /^[A-Za-z0-9.-]{1,253}$/.test(d.address) ? d.address : null,
    autoStart: d.autoStart === true,
  };
}

/** Whole file or nothing, owner-only. */
export function saveHostingSettings(dir: string, s: HostingSettings): void {
  const file = join(dir, HOSTING_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(s) + '\n', { mode: PRIVATE_FILE_MODE });
  renameSync(tmp, file);
}

/** A failed listen in words a person can act on. */
function listenError(e: unknown, s: HostingSettings): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `port ${s.port} is already in use on this computer (another program, or \`creditdeck serve\`); choose another port`;
  if (code === 'EACCES') return `this computer does not let Creditdeck listen on port ${s.port}; choose a port above 1024`;
  if (code === 'EADDRNOTAVAIL') return `this computer has no address to listen on for ${s.bind === 'network' ? 'the network' : 'itself'}`;
  return e instanceof Error ? e.message : String(e);
}

export interface HostingDeps {
  ctx: Ctx;
  /** The app's data folder: the settings file. */
  dir: string;
  teamServe: TeamServe;
  /** The built renderer the team's browsers get. */
  staticDir: string;
  payments?: Payments;
  log: (line: string) => void;
  now: () => number;
  /** Tests pass their own interfaces. */
  addresses?: () => string[];
}

export interface AppTeamHosting extends TeamHosting {
  /** Start with the saved settings when they say so (at the app's start); a failure is logged and shown in Settings. */
  autoStart(): Promise<void>;
  /** The app quits: stop listening. */
  close(): Promise<void>;
}

export function createTeamHosting(deps: HostingDeps): AppTeamHosting {
  const addresses = deps.addresses ?? (() => networkAddresses());
  let settings = loadHostingSettings(deps.dir);
  let host: OpenedHost | null = null;
  let since: number | null = null;
  let error: string | null = null;
  let closed = false;
  // One start or stop at a time: two clicks must not open two hosts.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => {});
    return next;
  };

  const status = (): HostingStatus => ({
    running: host !== null,
    url: host?.url ?? null,
    fingerprint: host?.cert?.fingerprint ?? null,
    since: since === null ? null : iso(since),
    settings: { ...settings },
    addresses: addresses(),
    error,
  });

  const stopNow = async (): Promise<void> => {
    const h = host;
    host = null;
    since = null;
    if (h) await h.close();
  };

  const startNow = async (next: HostingSettings): Promise<HostingStatus> => {
    await stopNow();
    const network = next.bind === 'network';
    const address = network ? (next.address ?? addresses()[0] ?? null) : null;
    const o: ServeOptions = { team: true, host: network ? '0.0.0.0' : '127.0.0.1', port: next.port, staticDir: deps.staticDir, ...(address ? { publicUrl: `https://${address}:${next.port}` } : {}) };
    try {
      const opened = await openHost(deps.ctx, o, deps.log, deps.payments, deps.teamServe);
      // The app quit while the host was starting: it must not outlive the ledger.
      if (closed) {
        await opened.close();
        return status();
      }
      host = opened;
    } catch (e) {
      error = e instanceof InputError ? e.message : listenError(e, next);
      deps.log(`creditdeck: the team host did not start: ${error}`);
      throw new InputError(error, 'hosting');
    }
    // Kept once they worked: the next launch (with autoStart) uses them.
    settings = { ...next };
    saveHostingSettings(deps.dir, settings);
    since = deps.now();
    error = null;
    deps.log(`creditdeck: hosting the team at ${host.url}`);
    return status();
  };

  return {
    status,
    start: (next) => serial(() => startNow(next)),
    stop: () =>
      serial(async () => {
        await stopNow();
        error = null;
        return status();
      }),
    autoStart: () =>
      serial(async () => {
        if (!settings.autoStart || !deps.teamServe.isTeamLedger(deps.ctx)) return;
        await startNow(settings).catch(() => {});
      }),
    // At once, not after a queued start: the ledger closes right after (a start still under way closes itself).
    close: () => {
      closed = true;
      return stopNow();
    },
  };
}
