/**
 * The one URL guard for every external opener (the CLI's, the web host's and
 * the desktop app's: main/electron/external.ts), and the system-browser
 * opener of the CLI and the web host. No shell is ever involved: a URL comes
 * from ledger data (a pack's link), so it is passed to the opener as exactly
 * one argument, and the guard refuses what a shell or cmd.exe would read.
 */
import { spawn } from 'node:child_process';
import type { Opener } from './service.js';

/** Stripe's own pages the app may send a buyer to. */
export const STRIPE_HOSTS: readonly string[] = ['checkout.stripe.com', 'buy.stripe.com', 'billing.stripe.com'];

/**
 * Characters refused anywhere in an external URL: what cmd.exe or a shell
 * reads (`| ^ < >`, both quotes, backtick), spaces, control characters and
 * backslashes. `%` only as a well-formed escape (`%2F`): Stripe's Checkout
 * URLs carry escapes in their fragment, while `%NAME%` (cmd's expansion)
 * cannot be spelled with one.
 */
const UNSAFE = /[|^"'<>`\\\s\p{Cc}]|%(?![0-9A-Fa-f]{2})/u;

/** Whether the text of a URL has none of the refused characters. */
export function plainUrlText(text: string): boolean {
  return !UNSAFE.test(text);
}

/**
 * The normalised URL when it may be opened: https on the default port, no
 * credentials, an allowed host, none of the refused characters (before and
 * after normalising); or http(s) on exactly one of `testOrigins` (the fake
 * Stripe API of the tests, same character rules). Otherwise null.
 */
export function guardUrl(url: unknown, hosts: readonly string[], testOrigins: readonly string[] = []): string | null {
  if (typeof url !== 'string' || url.length > 2048 || !plainUrlText(url)) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.username !== '' || u.password !== '' || !plainUrlText(u.href)) return null;
  if (testOrigins.includes(u.origin)) return u.href;
  if (u.protocol !== 'https:' || u.port !== '') return null;
  return hosts.includes(u.hostname) ? u.href : null;
}

/** Asks the user whether a host that is not Stripe's may be opened (a prompt, a dialog); false when nobody can be asked. */
export type ConfirmHost = (host: string) => boolean | Promise<boolean>;

/**
 * An opener that opens `trusted` hosts (Stripe's, the test origins) at once
 * and any other host only once `confirm` says yes: a pack's link comes from
 * ledger data, which an inline custom provider over the API can set.
 */
export function confirmingOpener(open: Opener, trusted: readonly string[], confirm: ConfirmHost): Opener {
  return async (url) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (!trusted.includes(u.hostname) && !trusted.includes(u.origin) && (await confirm(u.hostname)) !== true) return false;
    return open(url);
  };
}

/** What a child started by the opener may see: enough to find and reach the desktop's browser, no secrets. */
const CHILD_ENV = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TMPDIR', 'BROWSER', 'DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'DBUS_SESSION_BUS_ADDRESS',
  'DESKTOP_SESSION', 'KDE_FULL_SESSION', 'KDE_SESSION_VERSION', 'GNOME_DESKTOP_SESSION_ID',
  'SYSTEMROOT', 'WINDIR', 'SYSTEMDRIVE', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'TEMP', 'TMP', 'PATHEXT', 'COMSPEC',
]);
const CHILD_ENV_PREFIXES = ['XDG_', 'LC_'];

/** An allow-listed copy of `env` (names compared without case, as Windows does). */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    const name = k.toUpperCase();
    if (v !== undefined && (CHILD_ENV.has(name) || CHILD_ENV_PREFIXES.some((p) => name.startsWith(p)))) out[k] = v;
  }
  return out;
}

/**
 * The program and arguments that open `href`, no shell. Windows:
 * rundll32 url.dll,FileProtocolHandler, by full path (no search of the
 * current folder), which hands the rest of its command line to the URL's
 * protocol handler as is; explorer.exe would split the URL at its commas.
 */
export function openCommand(platform: NodeJS.Platform, href: string, env: NodeJS.ProcessEnv): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: '/usr/bin/open', args: [href] };
  if (platform === 'win32') {
    const root = env.SystemRoot ?? env.SYSTEMROOT ?? env.windir ?? env.WINDIR ?? 'C:\\Windows';
    return { command: `${root}\\System32\\rundll32.exe`, args: ['url.dll,FileProtocolHandler', href] };
  }
  return { command: 'xdg-open', args: [href] };
}

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  shell: false;
  stdio: 'ignore';
  detached: true;
  windowsHide: true;
}

export type Spawner = (command: string, args: string[], options: SpawnOptions) => void;

const defaultSpawner: Spawner = (command, args, options) => {
  const child = spawn(command, args, options);
  child.on('error', () => {});
  child.unref();
};

/** The system browser (open / rundll32 / xdg-open, never a shell), for a URL that passes the guard only. */
export function systemOpener(opts: { hosts: () => readonly string[]; testOrigins?: readonly string[]; platform?: NodeJS.Platform; spawner?: Spawner; env?: NodeJS.ProcessEnv }): Opener {
  const platform = opts.platform ?? process.platform;
  const run = opts.spawner ?? defaultSpawner;
  return (url) => {
    const href = guardUrl(url, opts.hosts(), opts.testOrigins);
    if (href === null) return false;
    const env = childEnv(opts.env ?? process.env);
    const { command, args } = openCommand(platform, href, env);
    run(command, args, { env, shell: false, stdio: 'ignore', detached: true, windowsHide: true });
    return true;
  };
}
