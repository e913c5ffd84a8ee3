/**
 * Child processes run prebuilt bundles under plain `node`: starting one costs
 * ~100 ms, against ~500 ms for a TypeScript loader, which matters when a test
 * spawns a child per kill. Bundled from source at the start of each test file,
 * so a child never runs stale code. Output goes under out/stress/ (inside the
 * repository, so the native better-sqlite3 resolves from node_modules).
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = process.cwd();

export async function bundle(group: string, entries: Record<string, string>): Promise<Record<string, string>> {
  const outdir = join(ROOT, 'out', 'stress', group);
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, src]) => [name, join(ROOT, src)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'electron'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return Object.fromEntries(Object.keys(entries).map((name) => [name, join(outdir, `${name}.mjs`)]));
}
