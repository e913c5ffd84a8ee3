/** Types for scripts/cli-bundle.mjs (run by plain node, imported by the bench). */
import type { BuildOptions } from 'esbuild';
export declare const CLI_BUNDLE: BuildOptions;
