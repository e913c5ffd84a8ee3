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
  // Native module and electron stay outside the bundle; so does the Stripe SDK,
  // required on first use only (main/core/purchases/stripe.ts).
  external: ['better-sqlite3', 'electron', 'stripe'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  // Minified: V8 compiles a third less at every start (stack traces map back through the source map).
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
