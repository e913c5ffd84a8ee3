/**
 * The end-to-end build (`npm run dist:e2e`): the production package with the
 * two fuses Playwright's `_electron.launch` needs turned back on, written to
 * dist/e2e/ so it can never be mistaken for (or overwrite) a release.
 *
 * Playwright starts the app with `--inspect=0 --remote-debugging-port=0` and
 * drives the main process through the Node inspector (enableNodeCliInspectArguments);
 * RunAsNode stays as the stock Electron binary has it, the one the smoke test
 * (scripts/electron-smoke.mjs) already drives. Everything else is the
 * production configuration, fuses included (test/electron/packaging.test.ts).
 * Never ship this build.
 */
import type { Configuration } from 'electron-builder';
import production, { PRODUCTION_FUSES } from './electron-builder.config.js';

export const E2E_FUSES = { ...PRODUCTION_FUSES, runAsNode: true, enableNodeCliInspectArguments: true } as const;

const config: Configuration = {
  ...production,
  directories: { ...production.directories, output: 'dist/e2e' },
  electronFuses: { ...E2E_FUSES },
};

export default config;
