// The creditdeck command, as bin/creditdeck.mjs runs it (that file only imports the bundle and calls run).
import { run } from '../../../main/cli/index.js';

process.exitCode = await run(process.argv.slice(2));
