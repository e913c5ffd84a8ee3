/**
 * electron-vite: the main process (main/electron/main.ts → out/main/index.js),
 * the sandboxed preload (preload/index.ts → out/preload/index.cjs) and the
 * renderer (renderer/vite.config.ts → out/renderer, which the web host serves too).
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
// The renderer has one build definition (React, its CSP <meta>, the guard
// against bundling main/): the same for the web host and the window.
import renderer from './renderer/vite.config.js';

// electron-vite reads the Electron version (for its build targets) from the
// electron package. That package is optional and may be absent (no binary
// download here): then target the version package.json asks for, so the
// renderer and the web host can still be built.
try {
  createRequire(resolve('package.json')).resolve('electron/package.json');
} catch {
  process.env.ELECTRON_MAJOR_VER ??= '40';
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve('main/electron/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot be ES modules.
      rollupOptions: { input: { index: resolve('preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    ...renderer,
    // electron-vite leaves bundles unminified; the window gets the same minified page as the web host (839 → 333 kB).
    build: { ...renderer.build, minify: 'esbuild', rollupOptions: { input: resolve('renderer/index.html') } },
  },
});
