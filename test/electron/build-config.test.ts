/** electron.vite.config.ts must build what main.ts loads: out/main/index.js (package.json "main"), a CommonJS preload, the renderer. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import config from '../../electron.vite.config.js';

const root = join(import.meta.dirname, '..', '..');

type Section = { build?: { outDir?: string; minify?: unknown; rollupOptions?: { input?: unknown; output?: { format?: string; entryFileNames?: string } } }; root?: string };

describe('electron.vite.config.ts', () => {
  const c = config as unknown as { main: Section; preload: Section; renderer: Section };

  it('builds main/electron/main.ts to out/main/index.js, the package entry', () => {
    expect(c.main.build!.rollupOptions!.input).toEqual({ index: resolve(root, 'main/electron/main.ts') });
    expect(c.main.build!.outDir).toBe('out/main');
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).main).toBe('out/main/index.js');
  });

  it('builds the preload as CommonJS at out/preload/index.cjs (sandboxed preloads cannot be ES modules)', () => {
    expect(c.preload.build!.rollupOptions!.input).toEqual({ index: resolve(root, 'preload/index.ts') });
    expect(c.preload.build!.rollupOptions!.output).toEqual({ format: 'cjs', entryFileNames: '[name].cjs' });
    expect(c.preload.build!.outDir).toBe('out/preload');
    expect(readFileSync(join(root, 'main/electron/main.ts'), 'utf8')).toContain("built('../preload/index.cjs')");
  });

  it('builds the renderer from renderer/index.html into out/renderer', () => {
    expect(c.renderer.build!.rollupOptions!.input).toBe(resolve(root, 'renderer/index.html'));
    expect(resolve(c.renderer.build!.outDir!)).toBe(resolve(root, 'out/renderer'));
    // electron-vite would otherwise leave it unminified: the window gets the web host's page.
    expect(c.renderer.build!.minify).toBe('esbuild');
    expect(readFileSync(join(root, 'main/electron/main.ts'), 'utf8')).toContain("built('../renderer/index.html')");
  });
});
