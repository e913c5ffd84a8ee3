// Bundles the CLI (main/cli) into out/cli/creditdeck.mjs so `npx creditdeck`
// starts fast under plain Node with no TypeScript loader. Runs on `npm install`
// (prepare) and before the tests, so the bundle never lags the source.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [join(root, 'main/cli/index.ts')],
  outfile: join(root, 'out/cli/creditdeck.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Native module and electron stay outside the bundle.
  external: ['better-sqlite3', 'electron'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
