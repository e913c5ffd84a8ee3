// Bundles the CLI (main/cli) into out/cli/creditdeck.mjs so `npx creditdeck`
// starts fast under plain Node with no TypeScript loader. Runs on `npm install`
// (prepare) and before the tests, so the bundle never lags the source.
import { build } from 'esbuild';
import { CLI_BUNDLE } from './cli-bundle.mjs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  ...CLI_BUNDLE,
  entryPoints: [join(root, 'main/cli/index.ts')],
  outfile: join(root, 'out/cli/creditdeck.mjs'),
  sourcemap: 'linked',
});
