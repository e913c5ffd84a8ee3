// `npm start`: the desktop window through electron-vite, or — where the optional
// electron package could not be installed — one line saying what to run instead.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The module to look for; a test names one that does not exist.
const electron = process.env.CREDITDECK_ELECTRON_MODULE || 'electron';

// The package's main is the path of its binary, and it throws where the binary was never downloaded.
let found = true;
try {
  require(electron);
} catch {
  found = false;
}

if (!found) {
  console.error('Electron is not installed here (it is optional): run `npm run web` to open Creditdeck in a browser.');
  process.exit(1);
}

const child = spawn(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'dev', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
