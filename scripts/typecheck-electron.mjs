// Type-checks the files that import 'electron' (tsconfig.electron.json), and
// with them that the real Electron API fits main/electron/electron-api.ts.
// Electron is an optional dependency: where it is not installed there are no
// types to check against, so this says so and succeeds.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'node_modules', 'electron', 'electron.d.ts'))) {
  console.log('typecheck: skipped main/electron/main.ts and preload/ (tsconfig.electron.json): the optional electron package is not installed, so there are no Electron types to check them against.');
  process.exit(0);
}
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', join(root, 'tsconfig.electron.json')], { stdio: 'inherit' });
process.exit(r.status ?? 1);
