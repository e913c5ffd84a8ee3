#!/usr/bin/env node
// Entry point for `npx creditdeck`: runs the bundle built on install.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../out/cli/creditdeck.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('creditdeck: the CLI is not built yet. Run `npm install` (or `npm run build:cli`) in the Creditdeck folder first.\n');
  process.exit(1);
}
const { run } = await import(pathToFileURL(bundle).href);
process.exitCode = await run(process.argv.slice(2));
