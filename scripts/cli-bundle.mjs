// How the CLI is bundled (scripts/build-cli.mjs), and the bench's hosts with it
// (scripts/bench/team.ts), so they run as the `serve` users start.
export const CLI_BUNDLE = {
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
  logLevel: 'warning',
};
