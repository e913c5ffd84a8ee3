// Bundles the CLI (main/cli) into out/cli/creditdeck.mjs so `npx creditdeck`
// starts fast under plain Node with no TypeScript loader. Runs on `npm install`
// (prepare) and before the tests, so the bundle never lags the source.
//
// Split: what the CLI imports dynamically (the hosts behind `serve`, the MCP
// server, certificate making) goes to chunks of its own under out/cli/chunks,
// loaded by the commands that use it; every other command compiles only the
// entry (README, Performance: `creditdeck use` end to end).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { CLI_BUNDLE } from './cli-bundle.mjs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'out/cli');
// Chunks are named by their content: last build's would pile up beside this one's.
rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
await build({
  ...CLI_BUNDLE,
  entryPoints: { creditdeck: join(root, 'main/cli/index.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
});
