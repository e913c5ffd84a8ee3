/**
 * The renderer's web build: `npm run build:web` → out/renderer, served by the
 * web host (and loaded by the desktop window). The renderer talks to the
 * ledger only through the API, so no module under main/ may be bundled: the
 * plugin below fails the build if one is ever imported for its value (type
 * imports are erased and never reach it).
 */
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { dirname, resolve, sep } from 'node:path';
// Config-time only (Node): the policy's one definition. The noMainCode guard below is for the bundle.
import { CSP_META } from '../main/web/security.js';

const here = dirname(fileURLToPath(import.meta.url));
const mainDir = resolve(here, '../main') + sep;

function noMainCode(): Plugin {
  return {
    name: 'creditdeck:no-main-code',
    enforce: 'pre',
    load(id) {
      if (id.startsWith(mainDir)) throw new Error(`the renderer must not bundle ${id}: call the API instead (type-only imports are fine)`);
      return null;
    },
  };
}

/**
 * The strict Content-Security-Policy in the built page: the very policy the
 * web host and the desktop app send as a header (main/web/security.ts), less
 * frame-ancestors, which a <meta> cannot carry. Build only: the dev server
 * needs inline scripts for fast refresh.
 */
function csp(): Plugin {
  return {
    name: 'creditdeck:csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [noMainCode(), react(), csp()],
  build: {
    outDir: resolve(here, '../out/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `vite -c renderer/vite.config.ts` for development against a running web host.
    proxy: { '/api': process.env.CREDITDECK_API_URL ?? 'http://127.0.0.1:4317' },
  },
});
