/**
 * The Content-Security-Policy and the other response headers every transport
 * of the renderer uses: the web host sends them on each response, the desktop
 * app's app:// protocol sends them too (and session.webRequest enforces the
 * policy on every response), and the renderer build carries the policy as a
 * <meta> tag (renderer/vite.config.ts), so a page opened some other way is
 * bound by it as well. docs/web.md quotes both texts; a test compares them.
 */

/** The policy, directive by directive. */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  // No form may submit anywhere: the app's forms are handled in script.
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

const join = (d: ReadonlyArray<readonly [string, string]>) => d.map(([k, v]) => `${k} ${v}`).join('; ');

/** The strict policy, as a header value. */
export const CSP = join(CSP_DIRECTIVES);

/** The same policy for a <meta> tag: browsers ignore frame-ancestors there (and warn), so it is left out. */
export const CSP_META = join(CSP_DIRECTIVES.filter(([k]) => k !== 'frame-ancestors'));

/**
 * The policy while the renderer comes from Vite's dev server: its React
 * refresh preamble is an inline script and hot reload talks over a WebSocket
 * to the same host. Used only in development, never for a built app.
 */
export function devCsp(devServerUrl: string): string {
  const u = new URL(devServerUrl);
  const ws = `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}`;
  return join(
    CSP_DIRECTIVES.map(([k, v]): readonly [string, string] => {
      if (k === 'script-src') return [k, `${v} 'unsafe-inline'`];
      if (k === 'connect-src') return [k, `${v} ${ws}`];
      return [k, v];
    }),
  );
}

/** Headers on every web host response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
