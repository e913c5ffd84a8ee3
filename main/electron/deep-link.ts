/**
 * creditdeck:// links. The OS hands them to the app three ways (Bruno's
 * pattern): in argv at a cold start (Windows, Linux), in the second
 * instance's argv (the single-instance lock forwards it), and as 'open-url'
 * (macOS). Every link is parsed strictly here; anything else is ignored.
 *
 *   creditdeck://purchases                          bring the window forward
 *   creditdeck://purchase/return?session_id=cs_…     verify that Checkout session, then the same
 */

export const PROTOCOL = 'creditdeck';

export type DeepLink = { kind: 'open' } | { kind: 'purchase-return'; sessionId: string };

/** Stripe's Checkout Session ids: cs_test_… / cs_live_…, letters, digits and underscores. */
const SESSION_ID = /^cs_[A-Za-z0-9_]{1,250}$/;

const MAX_LINK = 2048;

export function parseDeepLink(link: string): DeepLink | null {
  if (typeof link !== 'string' || link.length > MAX_LINK) return null;
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    return null;
  }
  if (u.protocol !== `${PROTOCOL}:` || u.username || u.password || u.port) return null;
  // creditdeck://purchase/return parses as host "purchase", path "/return".
  const where = `${u.hostname}${u.pathname}`.replace(/\/+$/, '').toLowerCase();
  if (where === 'purchases' || where === '' || where === 'open') return { kind: 'open' };
  if (where === 'purchase/return') {
    const ids = u.searchParams.getAll('session_id');
    if (ids.length !== 1 || !SESSION_ID.test(ids[0]!)) return null;
    return { kind: 'purchase-return', sessionId: ids[0]! };
  }
  return null;
}

/** The first creditdeck:// argument, parsed (argv also carries the executable, the app path and flags). */
export function deepLinkInArgv(argv: readonly string[]): DeepLink | null {
  const arg = argv.find((a) => typeof a === 'string' && a.toLowerCase().startsWith(`${PROTOCOL}:`));
  return arg === undefined ? null : parseDeepLink(arg);
}

/**
 * How to register the scheme: a packaged app registers itself (null); in
 * development (`electron .`, process.defaultApp) the OS must start Electron
 * with the app's path, or the link would open a bare Electron.
 */
export function devProtocolClient(defaultApp: boolean, execPath: string, argv: readonly string[], resolvePath: (p: string) => string): { path: string; args: string[] } | null {
  if (defaultApp && argv.length >= 2 && argv[1] !== undefined) return { path: execPath, args: [resolvePath(argv[1])] };
  return null;
}
