/**
 * The window's page over app://creditdeck/ (main/electron/app-protocol.ts):
 * the scheme is privileged before the app is ready, only files under the
 * built renderer folder are served, with their types and the CSP, and the
 * IPC bridge trusts that exact page. ELECTRON_RENDERER_URL never reaches a
 * packaged app. Frame navigations and redirects are refused like navigations.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, trustedDevServer } from '../../main/electron/app-protocol.js';
import { CHANNEL } from '../../main/electron/channel.js';
import { FORBIDDEN } from '../../main/electron/ipc.js';
import { CSP } from '../../main/web/security.js';
import { fixtureSite, SECRET } from '../web/helpers.js';
import { topFrame } from './fake-electron.js';
import { launch, OWN_PAGE, quitAll } from './launch.js';

afterEach(quitAll);

async function site() {
  const { staticDir } = fixtureSite();
  const run = await launch({ rendererFile: join(staticDir, 'index.html') });
  return { ...run, get: (url: string, init?: RequestInit) => run.fake.protocolFetch(url, init) };
}

describe('app:// — where the window gets its page', () => {
  it('is made privileged (standard, secure, fetch) before the app is ready, and the window loads app://creditdeck/index.html', async () => {
    const { fake } = await launch();
    expect(fake.schemes.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(APP_SCHEME_PRIVILEGES.privileges).toEqual({ standard: true, secure: true, supportFetchAPI: true });
    expect(fake.windows[0]!.loaded).toEqual({ url: 'app://creditdeck/index.html' });
    expect(OWN_PAGE).toBe('app://creditdeck/index.html');
  });

  it('serves the built files with their content types and the security headers, CSP included', async () => {
    const { get } = await site();
    const types: Record<string, string> = {
      'app://creditdeck/': 'text/html; charset=utf-8',
      'app://creditdeck/index.html': 'text/html; charset=utf-8',
      'app://creditdeck/assets/app.js': 'text/javascript; charset=utf-8',
      'app://creditdeck/assets/app.css': 'text/css; charset=utf-8',
      'app://creditdeck/assets/logo.svg': 'image/svg+xml',
      'app://creditdeck/assets/font.woff2': 'font/woff2',
    };
    for (const [url, type] of Object.entries(types)) {
      const r = await get(url);
      expect([url, r.status, r.headers.get('content-type')]).toEqual([url, 200, type]);
      expect(r.headers.get('content-security-policy')).toBe(CSP);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(await (await get('app://creditdeck/index.html#/usage')).text()).toContain('<div id="root"></div>');
  });

  it('serves nothing outside the folder, however the path is spelled, nor for another host, port or method', async () => {
    const { get } = await site();
    const refused = [
      'app://creditdeck/..%2fsecret.txt',
      'app://creditdeck/%2e%2e%2fsecret.txt',
      'app://creditdeck/%2e%2e/secret.txt',
      'app://creditdeck/assets/..%2f..%2fsecret.txt',
      'app://creditdeck/..%5csecret.txt',
      'app://creditdeck/%252e%252e%252fsecret.txt',
      'app://creditdeck/%c0%ae%c0%ae%2fsecret.txt',
      'app://creditdeck/.env',
      'app://creditdeck/link-out.txt',
      'app://creditdeck/assets',
      'app://creditdeck/missing.js',
      'app://creditdeck/%00index.html',
      'app://elsewhere/index.html',
      'app://creditdeck:8080/index.html',
    ];
    for (const url of refused) {
      const r = await get(url);
      const body = await r.text();
      expect([url, r.status]).toEqual([url, 404]);
      expect(body).not.toContain(SECRET);
      expect(r.headers.get('content-security-policy')).toBe(CSP);
    }
    const post = await get('app://creditdeck/index.html', { method: 'POST', body: 'x' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('is the one page the IPC bridge answers: not file://, not another app:// page', async () => {
    const { fake } = await launch();
    expect(await fake.invoke(CHANNEL, topFrame(`${OWN_PAGE}#/accounts`), 'presets.list', {})).toMatchObject({ ok: true });
    for (const url of ['file:///opt/Creditdeck/out/renderer/index.html', 'app://creditdeck/other.html', 'app://evil/index.html']) {
      expect(await fake.invoke(CHANNEL, topFrame(url), 'presets.list', {}), url).toEqual(FORBIDDEN);
    }
  });
});

describe('ELECTRON_RENDERER_URL (the dev server)', () => {
  it('is never honoured by a packaged app: its own page, the strict CSP, and the dev origin gets no API', async () => {
    const { fake, logs } = await launch({ isPackaged: true, devServerUrl: 'http://localhost:5173/' });
    expect(fake.windows[0]!.loaded).toEqual({ url: OWN_PAGE });
    expect(logs).toContain('creditdeck: ignored the renderer dev server http://localhost:5173/: a packaged app loads only its own page');
    expect(fake.headers('http://localhost:5173/', {})!['Content-Security-Policy']).toEqual([CSP]);
    expect(await fake.invoke(CHANNEL, topFrame('http://localhost:5173/'), 'presets.list', {})).toEqual(FORBIDDEN);
  });

  it('is honoured in development, and only on a loopback http(s) address', async () => {
    const dev = await launch({ isPackaged: false, devServerUrl: 'http://localhost:5173/' });
    expect(dev.fake.windows[0]!.loaded).toEqual({ url: 'http://localhost:5173/' });
    expect(await dev.fake.invoke(CHANNEL, topFrame('http://localhost:5173/#/x'), 'presets.list', {})).toMatchObject({ ok: true });
    const remote = await launch({ isPackaged: false, devServerUrl: 'https://evil.example/' });
    expect(remote.fake.windows[0]!.loaded).toEqual({ url: OWN_PAGE });
    expect(remote.logs).toContain('creditdeck: ignored the renderer dev server https://evil.example/: not a loopback http(s) address');

    expect(trustedDevServer('http://127.0.0.1:5173/', false)).toBe('http://127.0.0.1:5173/');
    expect(trustedDevServer('http://[::1]:5173/', false)).toBe('http://[::1]:5173/');
    for (const url of ['file:///tmp/index.html', 'http://localhost.evil.example/', 'http://user:pw@localhost:5173/', 'not a url', '', undefined]) {
      expect(trustedDevServer(url, false), String(url)).toBeUndefined();
    }
    expect(trustedDevServer('http://localhost:5173/', true)).toBeUndefined();
  });
});

describe('navigation', () => {
  it('prevents will-frame-navigate and will-redirect as well as will-navigate, for every URL', async () => {
    const { fake, logs } = await launch();
    const wc = fake.windows[0]!.webContents;
    for (const url of ['https://evil.example/', OWN_PAGE, 'app://creditdeck/other.html', 'file:///etc/passwd', 'https://checkout.stripe.com/c/pay/cs_1']) {
      expect([url, wc.navigate(url), wc.frameNavigate(url), wc.redirect(url)]).toEqual([url, true, true, true]);
    }
    expect(logs).toContain('creditdeck: blocked a frame navigation to https://evil.example/');
    expect(logs).toContain('creditdeck: blocked a redirect to https://evil.example/');
  });
});
